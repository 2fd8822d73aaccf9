"""Strategies for operating systems, the update matrix and update plans."""

from __future__ import annotations

from hypothesis import strategies as st

from vmic.errors import (
    UnsupportedCombinationError,
)
from vmic.model._operating_system import HOSTS, OperatingSystem, OSFamily, Product
from vmic.rules._matrix import UpdateRule, update_rule, update_tables
from vmic.rules._plans import PlanStep, UpdatePlan, plan_update
from vmic.strategies._common import _DISTRIBUTIONS
from vmic.strategies._vocabularies import products

# --- Operating systems, the update matrix and update plans -----------------------------------


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


def guest_operating_systems() -> st.SearchStrategy[OperatingSystem]:
    """Every guest product without extra detail; Linux with or without a distribution."""
    windows = st.sampled_from([p for p in Product if p is not Product.LINUX]).map(OperatingSystem)
    linux = st.sampled_from((None, *_DISTRIBUTIONS)).map(
        lambda family: OperatingSystem(Product.LINUX, distribution=family)
    )
    return st.one_of(windows, linux)


def matrix_pairs() -> st.SearchStrategy[tuple[OperatingSystem, OperatingSystem]]:
    """(host, guest) pairs that a table of the update matrix lists."""
    cells = [
        (OperatingSystem(host), OperatingSystem(row.guest))
        for table in update_tables()
        for host in table.hosts
        for row in table.rows
    ]
    return st.sampled_from(cells)


def _answered(pair: tuple[OperatingSystem, OperatingSystem]) -> bool:
    """Whether a source answers the pair (newer hosts support only the guests their page lists)."""
    try:
        update_rule(*pair)
    except UnsupportedCombinationError:
        return False
    return True


def _answered_pairs() -> st.SearchStrategy[tuple[OperatingSystem, OperatingSystem]]:
    """(host, guest) pairs the matrix answers: its tables' cells and the general statement."""
    general = st.tuples(
        st.sampled_from([p for p in HOSTS if OperatingSystem(p).is_hyperv_host]),
        products(),
    ).map(lambda pair: (OperatingSystem(pair[0]), OperatingSystem(pair[1])))
    newer = general.filter(
        lambda pair: all(pair[0].product not in t.hosts for t in update_tables())
    ).filter(_answered)
    return st.one_of(matrix_pairs(), newer)


def update_rules() -> st.SearchStrategy[UpdateRule]:
    """Rules the matrix answers, from table rows and from the general statement."""
    return _answered_pairs().map(lambda pair: update_rule(*pair))


def update_plans() -> st.SearchStrategy[UpdatePlan]:
    """Plans :func:`vmic.plan_update` makes for pairs the matrix answers, in any VM state.

    A Linux guest is named with or without its distribution (which picks the packages).
    """

    @st.composite
    def build(draw: st.DrawFn) -> UpdatePlan:
        host, guest = draw(_answered_pairs())
        if guest.is_linux:
            distribution = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
            guest = OperatingSystem(Product.LINUX, distribution=distribution)
        return plan_update(
            host,
            guest,
            vm_running=draw(st.booleans()),
            data_exchange_enabled=draw(st.booleans()),
        )

    return build()


def plan_steps() -> st.SearchStrategy[PlanStep]:
    """Steps of the plans :func:`update_plans` draws."""
    return update_plans().flatmap(lambda plan: st.sampled_from(plan.steps))
