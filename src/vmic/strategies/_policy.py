"""Strategies for policies: :func:`selectors`, :func:`policy_rules`, :func:`policies`.

Every value is a valid policy, and its canonical form reads back to it
(``Policy.from_dict(policy.to_dict()) == policy``). Give the names of the VMs and hosts
under test (*vm_names*, *host_names*) so that rules select some of them; other names are
drawn too, so some select nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st

from vmic.model._operating_system import OperatingSystem, OSFamily, parse_os
from vmic.policy._policy import Policy
from vmic.policy._rules import Rule, Selector
from vmic.strategies._vocabularies import integration_services

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["policies", "policy_rules", "selectors"]

#: Guest systems a selector names, as a policy writes them.
_GUEST_TEXTS: Final = (
    "Windows 7",
    "Windows 10",
    "Windows 11",
    "Windows Server 2008 R2",
    "Windows Server 2012 R2",
    "Windows Server 2016",
    "Windows Server 2019",
    "Windows Server 2022",
    "Windows Server 2025",
    "Linux",
    "Ubuntu",
    "Ubuntu 22.04",
    "Debian 12",
    "Debian 13",
    "RHEL 9",
)
#: Range bounds, each list one family (or distribution) in order.
_RANGES: Final = (
    ("Windows Server 2008 R2", "Windows Server 2012 R2", "Windows Server 2016",
     "Windows Server 2019", "Windows Server 2022", "Windows Server 2025"),
    ("Windows 7", "Windows 8.1", "Windows 10", "Windows 11"),
    ("Ubuntu 18.04", "Ubuntu 20.04", "Ubuntu 22.04", "Ubuntu 24.04"),
)  # fmt: skip
_OTHER_NAMES: Final = ("web*", "db-[0-9]", "nothing-like-it")


def _systems() -> st.SearchStrategy[OperatingSystem]:
    return st.sampled_from(_GUEST_TEXTS).map(parse_os)


@st.composite
def _range(draw: st.DrawFn) -> tuple[OperatingSystem | None, OperatingSystem | None]:
    series = draw(st.sampled_from(_RANGES))
    low = draw(st.integers(0, len(series) - 1))
    high = draw(st.integers(low, len(series) - 1))
    first = draw(st.none() | st.just(parse_os(series[low])))
    last = draw(st.none() | st.just(parse_os(series[high])))
    return first, last


def selectors(
    *, vm_names: Sequence[str] = (), host_names: Sequence[str] = ()
) -> st.SearchStrategy[Selector]:
    """Selectors using any of their keys (most leave most keys out)."""
    names = st.sampled_from((*vm_names, *_OTHER_NAMES))
    hosts = st.sampled_from((*host_names, "hv-elsewhere"))

    @st.composite
    def build(draw: st.DrawFn) -> Selector:
        first, last = draw(st.just((None, None)) | _range())
        lists = st.lists
        return Selector(
            vms=draw(st.just(()) | lists(names, min_size=1, max_size=3).map(tuple)),
            vm_ids=draw(st.just(()) | lists(st.uuids().map(str).map(str.upper), max_size=2)),
            vm_glob=draw(st.just(()) | lists(names.map(lambda n: n[:2] + "*"), max_size=2)),
            hosts=draw(st.just(()) | lists(hosts, min_size=1, max_size=2).map(tuple)),
            groups=draw(st.just(()) | lists(st.sampled_from(("all", "berlin")), max_size=2)),
            guest_os=draw(st.just(()) | lists(_systems(), min_size=1, max_size=3).map(tuple)),
            guest_family=draw(st.just(()) | lists(st.sampled_from(OSFamily), max_size=2)),
            guest_os_from=first,
            guest_os_to=last,
            running=draw(st.none() | st.booleans()),
        )

    return build()


def policy_rules(
    *, vm_names: Sequence[str] = (), host_names: Sequence[str] = ()
) -> st.SearchStrategy[Rule]:
    """Rules: a selector, one to six services on or off, a name or none."""
    return st.builds(
        Rule,
        services=st.dictionaries(integration_services(), st.booleans(), min_size=1),
        selector=selectors(vm_names=vm_names, host_names=host_names),
        name=st.none() | st.text(min_size=1, max_size=20).filter(str.strip),
    )


def policies(
    *, vm_names: Sequence[str] = (), host_names: Sequence[str] = (), max_rules: int = 5
) -> st.SearchStrategy[Policy]:
    """Policies of one to *max_rules* rules."""
    return st.lists(
        policy_rules(vm_names=vm_names, host_names=host_names), min_size=1, max_size=max_rules
    ).map(Policy)
