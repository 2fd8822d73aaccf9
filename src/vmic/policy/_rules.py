"""One rule of a policy: which VMs it selects, and the host setting it asks of each service.

A :class:`Selector` holds what a rule's keys say about VMs. ``vms`` (exact names),
``vm_ids`` and ``vm_glob`` (shell-style patterns, only where written so: a name is never a
pattern) *name* VMs: a VM any of them names is chosen. Every other key narrows: the host
(``hosts``), the inventory group (``groups``), the guest's operating system (``guest_os``,
``guest_family``, ``guest_os_from``/``guest_os_to``) and whether the VM runs (``running``).
A rule with no key selects every VM.

>>> from vmic import VM, Guest, parse_os
>>> servers = Selector(guest_os_from=parse_os("Windows Server 2016"))
>>> web = VM("web02", state="running", guest=Guest(os="Windows Server 2022"))
>>> old = VM("app", state="running", guest=Guest(os="Windows Server 2012 R2"))
>>> servers.matches(web, host="hv01"), servers.matches(old, host="hv01")
(True, False)
>>> Selector(vm_glob=("web*",)).matches(web, host="hv01")
True
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._named import cut, named
from vmic.model._operating_system import OperatingSystem, OSFamily, Product
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from vmic.model._host import VM

__all__ = ["Rule", "Selector", "os_text", "release"]

_v = attrs.validators
_RELEASE: Final = re.compile(r"\d+(?:\.\d+)*")
_ORDER: Final = {product: index for index, product in enumerate(Product)}


def os_text(system: OperatingSystem) -> str:
    """The text a policy writes for a guest OS: the product, or the distribution and release.

    :func:`vmic.parse_os` reads it back to the same product, distribution and release
    (service packs and builds are not part of a policy's selection).

    >>> from vmic import parse_os
    >>> os_text(parse_os("ws2016")), os_text(parse_os("Debian GNU/Linux 12 (bookworm)"))
    ('Windows Server 2016', 'debian 12')
    """
    if system.product is not Product.LINUX:
        return system.name
    if system.distribution is None:
        return "Linux"
    if system.distribution_version is None:
        return system.distribution
    return f"{system.distribution} {system.distribution_version}"


def release(text: str | None) -> tuple[int, ...] | None:
    """A release as numbers (``"22.04"`` is (22, 4)), or None when it is not dotted numbers."""
    if text is None or not _RELEASE.fullmatch(text):
        return None
    return tuple(int(part) for part in text.split("."))


def _windows_rank(product: Product) -> tuple[tuple[int, int], int]:
    """Where a Windows product stands among its family: NT version, then release order."""
    return (product.nt_version or (0, 0), _ORDER[product])


def _plain(system: OperatingSystem) -> OperatingSystem:
    """*system* as a selector keeps it: product, distribution and release only."""
    return OperatingSystem(
        system.product,
        distribution=system.distribution,
        distribution_version=system.distribution_version,
    )


def _systems(value: Iterable[OperatingSystem]) -> tuple[OperatingSystem, ...]:
    return tuple(dict.fromkeys(_plain(system) for system in value))


def _bound(value: OperatingSystem | None) -> OperatingSystem | None:
    return None if value is None else _plain(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value))


def _families(value: Iterable[OSFamily]) -> tuple[OSFamily, ...]:
    return tuple(dict.fromkeys(value))


def _check_range(selector: Selector, attribute: object, value: OperatingSystem | None) -> None:
    bounds = [b for b in (selector.guest_os_from, selector.guest_os_to) if b is not None]
    for bound in bounds:
        if bound.product is Product.LINUX and (
            bound.distribution is None or release(bound.distribution_version) is None
        ):
            raise ConfigurationError(
                f"a range of Linux guests is bounded by a distribution and its release "
                f"(such as 'Ubuntu 20.04'), not {os_text(bound)!r}"
            )
    if len(bounds) == 2:
        low, high = bounds
        same = (
            low.distribution == high.distribution
            if low.product is Product.LINUX
            else low.family is high.family
        )
        if low.family is not high.family or not same:
            raise ConfigurationError(
                f"guest_os_from {os_text(low)!r} and guest_os_to {os_text(high)!r} are not of "
                "one family (or one distribution)"
            )


@attrs.frozen
class Selector:
    """Which VMs a rule selects (see the module's description).

    Attributes:
        vms: Exact VM names (every character and its case).
        vm_ids: VM ids, upper case.
        vm_glob: Shell-style patterns of VM names (``web*``, ``db-[0-9]``), case counting.
        hosts: Host names (case ignored, as DNS does).
        groups: Inventory groups the VM's host belongs to.
        guest_os: Guest operating systems: a product, a Linux distribution, or a
            distribution's release (``ubuntu 22`` takes 22.04 and 22.10).
        guest_family: Families of guest operating system.
        guest_os_from: The oldest guest taken: a Windows product (the family's later
            ones follow it), or a Linux distribution's release.
        guest_os_to: The newest guest taken, likewise (a release takes its point releases).
        running: Only running VMs (True) or only VMs that do not run (False).
    """

    vms: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    vm_ids: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    vm_glob: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    hosts: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    groups: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    guest_os: tuple[OperatingSystem, ...] = attrs.field(default=(), converter=_systems)
    guest_family: tuple[OSFamily, ...] = attrs.field(
        default=(), converter=_families, validator=_v.deep_iterable(_v.instance_of(OSFamily))
    )
    guest_os_from: OperatingSystem | None = attrs.field(
        default=None, converter=_bound, validator=_check_range
    )
    guest_os_to: OperatingSystem | None = attrs.field(default=None, converter=_bound)
    running: bool | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(bool)))

    @property
    def names_vms(self) -> bool:
        """Whether the selector names VMs (by name, id or pattern) rather than taking all."""
        return bool(self.vms or self.vm_ids or self.vm_glob)

    def matches(self, vm: VM, *, host: str, groups: Collection[str] = ()) -> bool:
        """Whether *vm*, on the host called *host* (in *groups*), is selected."""
        if self.names_vms and not (
            vm.name in self.vms
            or (vm.id is not None and vm.id.upper() in self.vm_ids)
            or any(fnmatch.fnmatchcase(vm.name, pattern) for pattern in self.vm_glob)
        ):
            return False
        if self.hosts and host.casefold() not in {h.casefold() for h in self.hosts}:
            return False
        if self.groups and not any(group in groups for group in self.groups):
            return False
        if self.running is not None and vm.running is not self.running:
            return False
        return self._guest_matches(vm.os)

    def _guest_matches(self, system: OperatingSystem | None) -> bool:
        asks = self.guest_os or self.guest_family or self.guest_os_from or self.guest_os_to
        if not asks:
            return True
        if system is None:
            return False  # a guest that has not said what it is matches no OS selection
        if self.guest_os and not any(_same_system(entry, system) for entry in self.guest_os):
            return False
        if self.guest_family and system.family not in self.guest_family:
            return False
        low, high = self.guest_os_from, self.guest_os_to
        return (low is None or _at_least(system, low)) and (high is None or _at_most(system, high))

    def to_dict(self) -> dict[str, Any]:
        """The selector as a policy file writes it: only the keys that select."""
        data: dict[str, Any] = {}
        for key in ("vms", "vm_ids", "vm_glob", "hosts", "groups"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.guest_os:
            data["guest_os"] = [os_text(system) for system in self.guest_os]
        if self.guest_family:
            data["guest_family"] = [family.value for family in self.guest_family]
        if self.guest_os_from is not None:
            data["guest_os_from"] = os_text(self.guest_os_from)
        if self.guest_os_to is not None:
            data["guest_os_to"] = os_text(self.guest_os_to)
        if self.running is not None:
            data["running"] = self.running
        return data

    def __repr__(self) -> str:
        given = [
            field.name
            for field in attrs.fields(Selector)
            if getattr(self, field.name) not in ((), None)
        ]
        return f"<Selector {', '.join(given) or 'every VM'}>"


def _same_system(entry: OperatingSystem, system: OperatingSystem) -> bool:
    if entry.product is not system.product:
        return False
    if entry.distribution is None:
        return True
    if system.distribution != entry.distribution:
        return False
    wanted = release(entry.distribution_version)
    if entry.distribution_version is None:
        return True
    found = release(system.distribution_version)
    if wanted is None or found is None:
        return entry.distribution_version == system.distribution_version
    return found[: len(wanted)] == wanted


def _compared(
    system: OperatingSystem, bound: OperatingSystem
) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """*system* and *bound* as comparable ranks, or None when they are not comparable."""
    if bound.product is Product.LINUX:
        wanted = release(bound.distribution_version)
        found = release(system.distribution_version)
        if system.distribution != bound.distribution or wanted is None or found is None:
            return None
        # A release bounds at its own precision: "9" takes 9.4, "22.04" takes 22.04 only.
        return found[: len(wanted)], wanted
    if system.family is not bound.family:
        return None
    return _windows_rank(system.product), _windows_rank(bound.product)


def _at_least(system: OperatingSystem, bound: OperatingSystem) -> bool:
    ranks = _compared(system, bound)
    return ranks is not None and ranks[0] >= ranks[1]


def _at_most(system: OperatingSystem, bound: OperatingSystem) -> bool:
    ranks = _compared(system, bound)
    return ranks is not None and ranks[0] <= ranks[1]


def _services(value: Mapping[IntegrationService, bool]) -> dict[IntegrationService, bool]:
    checked: object = value
    if not isinstance(checked, Mapping):
        raise ConfigurationError(f"services must map services to on (True) or off, not {value!r}")
    for service, on in checked.items():
        if not isinstance(service, IntegrationService) or not isinstance(on, bool):
            raise ConfigurationError(
                f"services must map IntegrationService to True or False, not {service!r}: {on!r}"
            )
    # Catalog order, so that two rules asking the same thing are equal.
    return {service: checked[service] for service in IntegrationService if service in checked}


@attrs.frozen
class Rule:
    """Selected VMs, and whether each named service should be on at the host.

    Attributes:
        services: On (True) or off per service; the services not named are left alone.
        selector: Which VMs.
        name: Shown in reports (optional).
    """

    services: Mapping[IntegrationService, bool] = attrs.field(converter=_services)
    selector: Selector = attrs.field(factory=Selector, validator=_v.instance_of(Selector))
    name: str | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(str)))

    def to_dict(self) -> dict[str, Any]:
        """The rule as a policy file writes it."""
        data: dict[str, Any] = {} if self.name is None else {"name": self.name}
        data.update(self.selector.to_dict())
        data["services"] = {s.value: "on" if on else "off" for s, on in self.services.items()}
        return data

    def __repr__(self) -> str:
        asked = ", ".join(
            f"{service} {'on' if on else 'off'}" for service, on in self.services.items()
        )
        title = "" if self.name is None else f"{named(self.name)}: "
        return f"<Rule {title}{cut(asked, 80)}>"
