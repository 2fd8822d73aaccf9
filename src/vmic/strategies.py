"""Hypothesis strategies for vmic's public models, for property-based tests in your own suite.

Installing vmic registers these with hypothesis through its ``hypothesis`` entry point, so
``st.from_type(vmic.OperatingSystem)`` works without importing this module.

>>> from hypothesis import given
>>> from vmic import strategies as vst
>>> @given(vst.operating_systems(hosts_only=True))
... def test_hosts(os):
...     assert os.is_hyperv_host
>>> test_hosts()
"""

from __future__ import annotations

from hypothesis import strategies as st

from vmic.model.operating_system import HOSTS, OperatingSystem, OSFamily, Product
from vmic.model.services import GuestOnlyService, IntegrationService
from vmic.model.status import OperationalStatus, StartType, WindowsServiceStatus
from vmic.rules.matrix import UpdateRule, update_rule, update_tables

__all__ = [
    "guest_only_services",
    "integration_services",
    "matrix_pairs",
    "operating_systems",
    "operational_statuses",
    "products",
    "start_types",
    "update_rules",
    "windows_service_statuses",
]

_DISTRIBUTIONS = ("ubuntu", "debian", "rhel", "arch", "suse")


def products(
    *, hosts_only: bool = False, family: OSFamily | None = None
) -> st.SearchStrategy[Product]:
    """Operating-system products (optionally only Hyper-V hosts, or one family)."""
    choices = [
        p for p in (HOSTS if hosts_only else tuple(Product)) if family is None or p.family is family
    ]
    return st.sampled_from(choices)


def operating_systems(
    *, hosts_only: bool = False, family: OSFamily | None = None
) -> st.SearchStrategy[OperatingSystem]:
    """Operating systems with plausible service packs, builds and distributions."""

    @st.composite
    def build(draw: st.DrawFn) -> OperatingSystem:
        product = draw(products(hosts_only=hosts_only, family=family))
        if product is Product.LINUX:
            distribution = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
            return OperatingSystem(product, distribution=distribution)
        service_pack = draw(st.none() | st.integers(0, 3))
        build_number = draw(st.none() | st.integers(0, 30000))
        return OperatingSystem(product, service_pack=service_pack, build=build_number)

    return build()


def integration_services() -> st.SearchStrategy[IntegrationService]:
    """The six host-visible integration services."""
    return st.sampled_from(IntegrationService)


def guest_only_services() -> st.SearchStrategy[GuestOnlyService]:
    """The guest-only Windows services (PowerShell Direct, Remote Desktop Virtualization)."""
    return st.sampled_from(GuestOnlyService)


def operational_statuses() -> st.SearchStrategy[OperationalStatus]:
    """Every ``VMIntegrationComponentOperationalStatus``."""
    return st.sampled_from(OperationalStatus)


def windows_service_statuses() -> st.SearchStrategy[WindowsServiceStatus]:
    """Every Windows service status."""
    return st.sampled_from(WindowsServiceStatus)


def start_types() -> st.SearchStrategy[StartType]:
    """Every Windows service start type."""
    return st.sampled_from(StartType)


def matrix_pairs() -> st.SearchStrategy[tuple[OperatingSystem, OperatingSystem]]:
    """(host, guest) pairs that a table of the update matrix lists."""
    cells = [
        (OperatingSystem(host), OperatingSystem(row.guest))
        for table in update_tables()
        for host in table.hosts
        for row in table.rows
    ]
    return st.sampled_from(cells)


def update_rules() -> st.SearchStrategy[UpdateRule]:
    """Rules the matrix answers, from table rows and from the general statement."""
    general = st.tuples(
        st.sampled_from([p for p in HOSTS if OperatingSystem(p).is_hyperv_host]),
        products(),
    ).map(lambda pair: (OperatingSystem(pair[0]), OperatingSystem(pair[1])))
    tabled = matrix_pairs()
    newer = general.filter(
        lambda pair: all(pair[0].product not in t.hosts for t in update_tables())
    )
    return st.one_of(tabled, newer).map(lambda pair: update_rule(*pair))


def _hypothesis_setup_hook() -> None:
    """Register vmic's strategies with ``st.register_type_strategy`` (the entry point)."""
    st.register_type_strategy(OperatingSystem, operating_systems())
    st.register_type_strategy(UpdateRule, update_rules())
