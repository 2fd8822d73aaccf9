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

from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st

from vmic.errors import InvalidTransitionError
from vmic.model.linux import KERNEL_SERVICES
from vmic.model.operating_system import HOSTS, OperatingSystem, OSFamily, Product
from vmic.model.services import GuestOnlyService, IntegrationService
from vmic.model.status import OperationalStatus, StartType, WindowsServiceStatus
from vmic.rules.matrix import UpdateRule, update_rule, update_tables
from vmic.rules.semantics import (
    TRACKED_SERVICES,
    GuestSide,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    Service,
    ServiceState,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "guest_only_services",
    "guest_operating_systems",
    "integration_services",
    "matrix_pairs",
    "operating_systems",
    "operational_statuses",
    "products",
    "service_states",
    "start_types",
    "update_rules",
    "vm_integrations",
    "windows_service_statuses",
]

_DISTRIBUTIONS: Final = ("ubuntu", "debian", "rhel", "arch", "suse")


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


def guest_operating_systems() -> st.SearchStrategy[OperatingSystem]:
    """Every guest product without extra detail; Linux with or without a distribution."""
    windows = st.sampled_from([p for p in Product if p is not Product.LINUX]).map(OperatingSystem)
    linux = st.sampled_from((None, *_DISTRIBUTIONS)).map(
        lambda family: OperatingSystem(Product.LINUX, distribution=family)
    )
    return st.one_of(windows, linux)


_STEPS: Final[tuple[Callable[[VMIntegration, Service], VMIntegration], ...]] = (
    VMIntegration.enable,
    VMIntegration.disable,
    VMIntegration.start_in_guest,
    VMIntegration.stop_in_guest,
    lambda vm, s: vm.set_start_type(s, StartType.DISABLED),
    lambda vm, s: vm.set_start_type(s, StartType.AUTOMATIC),
    lambda vm, s: vm.set_unit_state(s, UnitState.MASKED),
    lambda vm, s: vm.set_unit_state(s, UnitState.ENABLED),
    VMIntegration.install_in_guest,
    VMIntegration.uninstall_in_guest,
    lambda vm, _s: vm.load_kernel_driver(),
    lambda vm, _s: vm.unload_kernel_driver(),
    lambda vm, _s: vm.settle(),
)


def vm_integrations(*, settled: bool = False) -> st.SearchStrategy[VMIntegration]:
    """VMs reachable from ``VMIntegration.new`` through random transitions.

    Args:
        settled: Apply Hyper-V's pending reactions at the end (nothing left pending).
    """

    @st.composite
    def build(draw: st.DrawFn) -> VMIntegration:
        guest_os = draw(guest_operating_systems())
        driver = draw(st.sampled_from(KernelDriver)) if guest_os.is_linux else None
        vm = VMIntegration.new(
            guest_os,
            enabled=draw(st.none() | st.sets(st.sampled_from(IntegrationService))),
            installed=draw(st.booleans()),
            kernel_driver=driver,
        )
        steps = st.tuples(st.sampled_from(_STEPS), st.sampled_from(TRACKED_SERVICES))
        for step, service in draw(st.lists(steps, max_size=12)):
            try:
                vm = step(vm, service)
            except InvalidTransitionError:
                continue
        return vm.settle() if settled else vm

    return build()


def service_states() -> st.SearchStrategy[ServiceState]:
    """Any valid per-service state, reachable by transitions or not."""

    @st.composite
    def build(draw: st.DrawFn) -> ServiceState:
        service = draw(st.sampled_from(TRACKED_SERVICES))
        windows: st.SearchStrategy[GuestSide] = st.builds(WindowsGuestService)
        if isinstance(service, GuestOnlyService):
            side = draw(st.one_of(st.none(), windows))
            return ServiceState(service=service, host_enabled=None, guest=side)
        linux: st.SearchStrategy[GuestSide] = (
            st.builds(LinuxKernelService)
            if service in KERNEL_SERVICES
            else st.builds(LinuxDaemonService)
        )
        guest = draw(st.one_of(st.none(), windows, linux))
        return ServiceState(service=service, host_enabled=draw(st.booleans()), guest=guest)

    return build()


def _hypothesis_setup_hook() -> None:
    """Register vmic's strategies with ``st.register_type_strategy`` (the entry point)."""
    st.register_type_strategy(OperatingSystem, operating_systems())
    st.register_type_strategy(UpdateRule, update_rules())
    st.register_type_strategy(ServiceState, service_states())
    st.register_type_strategy(VMIntegration, vm_integrations())
