"""A Hyper-V host and its VMs: :class:`Host` and :class:`VM`, the input of the diagnosis.

:meth:`vmic.HyperVHost.observe` reads a :class:`Host` from a real or simulated host, and
:func:`vmic.diagnose` reads one; it can also be written by hand, to ask "what if":

>>> from vmic import VM, Guest, Host, IntegrationService
>>> vm = VM(
...     "legacy-win7",
...     state="running",
...     services={"key_value_pair_exchange": False},
...     guest=Guest(os="Windows 7"),
... )
>>> host = Host("hv01", os="Windows Server 2019", vms=[vm])
>>> host
<Host 'hv01' Windows Server 2019: 1 VM>
>>> host.vm("legacy-win7").service(IntegrationService.KEY_VALUE_PAIR_EXCHANGE).enabled
False
>>> host.vm("legacy-win7").os.name
'Windows 7'

A VM's host-side settings given as a mapping start from what Hyper-V gives a new VM
(every service on but Guest Service Interface); what the host lists (``Get-VM``,
``Get-VMIntegrationService``) is kept as it came, records and all.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.errors import ConfigurationError, InvalidRecordError, UnknownServiceError
from vmic.model._guest import (
    Guest,
    GuestUnreachable,
    as_os,
    as_version,
    guest_only_service_named,
)
from vmic.model._named import counted, named
from vmic.model._operating_system import OperatingSystem
from vmic.model._records import (
    ComponentId,
    IntegrationComponentRecord,
    IntegrationServicesState,
    VirtualMachineRecord,
    VMState,
    _upper_or_none,
)
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._slots import filler

if TYPE_CHECKING:
    from packaging.version import Version

__all__ = ["RUNNING_STATES", "VM", "Host", "ServiceSettings", "operating_system_of"]

_v = attrs.validators

#: The VM states in which a guest runs (and so can answer).
RUNNING_STATES: Final = frozenset({VMState.RUNNING, VMState.RUNNING_CRITICAL})

#: What :class:`VM` accepts for its host-side settings: the host's records, or enabled
#: (True/False) by service (any name vmic reads), over Hyper-V's defaults; None: the defaults.
ServiceSettings = (
    Iterable[IntegrationComponentRecord]
    | Mapping[IntegrationService, bool]
    | Mapping[str, bool]
    | Mapping[IntegrationService | str, bool]
    | None
)


def _state(value: VMState | str) -> VMState:
    if isinstance(value, VMState):
        return value
    if isinstance(value, str):
        state = VMState.from_name(value)
        if state is not VMState.UNKNOWN or value.strip().casefold() == "unknown":
            return state
    known = ", ".join(s.value for s in VMState)
    raise InvalidRecordError(field="state", value=value, reason=f"not a VM state; known: {known}")


def _host_service(key: object) -> IntegrationService:
    if isinstance(key, IntegrationService):
        return key
    if isinstance(key, GuestOnlyService) or (
        isinstance(key, str)
        and (
            isinstance(guest_service_for(key), GuestOnlyService)
            or guest_only_service_named(key) is not None
        )
    ):
        raise ConfigurationError(f"{key!r} is a guest-only service: the host has no setting for it")
    if not isinstance(key, str):
        raise UnknownServiceError(repr(key))
    return IntegrationService.lookup(key)


def _settings(
    value: ServiceSettings, name: str, vm_id: str | None
) -> tuple[IntegrationComponentRecord, ...]:
    """The host's records of a VM: as given, or built from a mapping over the defaults."""
    if isinstance(value, str | bytes):
        raise ConfigurationError(
            f"services must be IntegrationComponentRecord records or a mapping, not {value!r}"
        )
    if value is not None and not isinstance(value, Mapping):
        return tuple(value)
    enabled = {service: service.info.default_enabled for service in IntegrationService}
    for key, on in (value or {}).items():
        if not isinstance(on, bool):
            raise ConfigurationError(
                f"services[{key!r}] must be True (enabled) or False (disabled), not {on!r}"
            )
        enabled[_host_service(key)] = on
    upper = _upper_or_none(vm_id)
    return tuple(
        IntegrationComponentRecord(
            vm_name=name,
            vm_id=upper,
            name=service.english_name,
            enabled=on,
            component_id=None if upper is None else ComponentId(upper, service.guid),
            service=service,
        )
        for service, on in enabled.items()
    )


def _items(value: object) -> tuple[tuple[str, str], ...]:
    """Normalize KVP items (a mapping or pairs) to sorted pairs, so a VM hashes."""
    if isinstance(value, Mapping):
        # Keys and values made text in C (map), not item by item in Python: every VM read
        # from a host carries a dozen items.
        return tuple(sorted(zip(map(str, value.keys()), map(str, value.values()), strict=True)))
    return tuple(sorted((str(k), str(v)) for k, v in value))  # type: ignore[attr-defined]


def _check_guest(
    vm: VM, attribute: attrs.Attribute[Guest | GuestUnreachable | None], guest: object
) -> None:
    if guest is not None and not isinstance(guest, Guest | GuestUnreachable):
        raise InvalidRecordError(
            field="guest", value=guest, reason="expected a Guest, a GuestUnreachable or None"
        )


# A VM is what Get-VM reports (its fields and their checks are VirtualMachineRecord's) and
# more. The defaults repeat __init__'s, so that readers (cattrs) know which keys may be
# absent; the services may not be (their absence means "Hyper-V's defaults" only by hand).
@attrs.frozen(init=False, kw_only=True)
class VM(VirtualMachineRecord):
    """One VM as the host sees it, and its guest when known.

    The first six attributes are what ``Get-VM`` reports (a VM is a
    :class:`~vmic.VirtualMachineRecord` with more); :attr:`record` gives them back as
    that record alone.

    Attributes:
        name: ``Name``.
        id: ``Id`` (``VMId``), upper case; None when not known.
        state: ``State`` (text is read as a state's name or value: ``"running"``).
        status: ``Status`` as shown ("Operating normally"; driven by the heartbeat).
        integration_services_version: ``IntegrationServicesVersion`` (a ``System.Version``).
        integration_services_state: ``IntegrationServicesState``.
        services: What ``Get-VMIntegrationService`` reports, one record per service: the
            host side of each integration service (enabled, statuses). Given as a mapping of
            service (any name vmic reads: the enum, its value, an English or localised
            display name) to enabled, over Hyper-V's defaults; None gives the defaults.
        intrinsic_items: The guest's KVP intrinsic items as the host sees them (``OSName``,
            ``OSVersion``, ``NetworkAddressIPv4``...), empty when Data Exchange is off or
            the guest never reported.
        guest_os: The guest OS the intrinsic items name, as the host knows it.
        guest: What the guest itself reported (:class:`Guest`), why it could not be asked
            (:class:`GuestUnreachable`), or None when it was not asked.

    Raises:
        InvalidRecordError: A value cannot be what ``Get-VM`` reports (an unknown state,
            an id that is no GUID, a version that is no ``System.Version``).
        ConfigurationError, UnknownServiceError: *services* names something that is no
            host-side service, or maps it to something other than True/False.
    """

    services: tuple[IntegrationComponentRecord, ...] = attrs.field(
        validator=_v.deep_iterable(_v.instance_of(IntegrationComponentRecord))
    )
    intrinsic_items: tuple[tuple[str, str], ...] = ()
    guest_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    guest: Guest | GuestUnreachable | None = attrs.field(default=None, validator=_check_guest)

    def __init__(
        self,
        name: str,
        *,
        state: VMState | str,
        id: str | None = None,  # noqa: A002 - Get-VM's own name for it
        status: str = "",
        integration_services_version: Version | str | None = None,
        integration_services_state: IntegrationServicesState = IntegrationServicesState.UNKNOWN,
        services: ServiceSettings = None,
        intrinsic_items: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        guest_os: OperatingSystem | str | None = None,
        guest: Guest | GuestUnreachable | None = None,
    ) -> None:
        vm_id = _upper_or_none(id)
        self.__attrs_init__(
            name=name,
            state=_state(state),
            id=vm_id,
            status=status,
            integration_services_version=as_version(integration_services_version),
            integration_services_state=integration_services_state,
            services=_settings(services, name, vm_id),
            intrinsic_items=_items(intrinsic_items),
            guest_os=as_os(guest_os),
            guest=guest,
        )

    @classmethod
    def from_record(
        cls,
        record: VirtualMachineRecord,
        services: Iterable[IntegrationComponentRecord] = (),
        *,
        intrinsic_items: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        guest_os: OperatingSystem | None = None,
        guest: Guest | GuestUnreachable | None = None,
    ) -> VM:
        """The VM one ``Get-VM`` record and its ``Get-VMIntegrationService`` rows describe."""
        shown: dict[str, Any] = {
            f.name: getattr(record, f.name) for f in attrs.fields(VirtualMachineRecord)
        }
        return cls(
            **shown,
            services=tuple(services),
            intrinsic_items=intrinsic_items,
            guest_os=guest_os,
            guest=guest,
        )

    @classmethod
    def _parsed(
        cls,
        record: VirtualMachineRecord,
        services: tuple[IntegrationComponentRecord, ...],
        intrinsic_items: Mapping[str, str],
        guest_os: OperatingSystem | None,
    ) -> VM:
        # For the host inventory's reader only: *record* was checked as it was read, the
        # services are the parser's records, the items text, *guest_os* read from them;
        # what __init__ converts is in its final form already, and holds what the
        # validators check. One VM per Get-VM row is on every audited host's path.
        # The items are text already: sorted as they are (what _items gives text items).
        return _FILL_VM(
            *_RECORD_VALUES(record),
            services,
            tuple(sorted(intrinsic_items.items())),
            guest_os,
            None,
        )

    def _with_guest(self, guest: Guest | GuestUnreachable | None) -> VM:
        # This VM with *guest* attached, as an audit attaches what each guest said: the
        # other fields are this VM's, checked already; only the guest is checked here
        # (attrs.evolve would convert and check every field again).
        _check_guest(self, _GUEST_FIELD, guest)
        return _FILL_VM(*_VM_VALUES(self), guest)

    @property
    def record(self) -> VirtualMachineRecord:
        """What ``Get-VM`` reports for this VM, as its record alone."""
        fields = attrs.fields(VirtualMachineRecord)
        return VirtualMachineRecord(**{f.name: getattr(self, f.name) for f in fields})

    @property
    def running(self) -> bool:
        """Whether the VM runs (``Running`` or ``RunningCritical``), so its guest can answer."""
        return self.state in RUNNING_STATES

    @property
    def os(self) -> OperatingSystem | None:
        """The guest's operating system: the host's word (Data Exchange), else the guest's own."""
        if self.guest_os is not None:
            return self.guest_os
        if isinstance(self.guest, Guest):
            return self.guest.os
        return None

    def service(self, service: IntegrationService | str) -> IntegrationComponentRecord | None:
        """The host's record of *service* (matched by component GUID), or None.

        Raises:
            UnknownServiceError: *service* is text that names no service.
        """
        wanted = service if isinstance(service, IntegrationService) else _host_service(service)
        for record in self.services:
            if record.service is wanted:
                return record
        return None

    def item(self, key: str) -> str | None:
        """One intrinsic KVP item, or None."""
        return dict(self.intrinsic_items).get(key)

    def __repr__(self) -> str:
        guest = ""
        if isinstance(self.guest, GuestUnreachable):
            guest = ", guest unreachable"
        elif self.os is not None:
            guest = f", {self.os}"
        return f"<VM {named(self.name)} {self.state.value}{guest}>"


_RECORD_FIELDS: Final = tuple(f.name for f in attrs.fields(VirtualMachineRecord))
_VM_FIELDS: Final = tuple(f.name for f in attrs.fields(VM) if f.name != "guest")
# The fast constructors read a record's (or a VM's) fields in one call, in C, and fill the
# new VM through its filler (its slots' own setters, no lookup by name per field): every VM
# of every audited host is built this way, and rebuilt with its guest.
_RECORD_VALUES: Final = operator.attrgetter(*_RECORD_FIELDS)
_VM_VALUES: Final = operator.attrgetter(*_VM_FIELDS)
_FILL_VM: Final = filler(VM, *_VM_FIELDS, "guest")
_GUEST_FIELD: Final = attrs.fields(VM).guest


def _vms(value: Iterable[VM]) -> tuple[VM, ...]:
    return tuple(value)


@attrs.frozen
class Host:
    """A Hyper-V host: its name, operating system and VMs (each with its guest when known).

    Attributes:
        name: The host's name as vmic reached it.
        os: The host's operating system, when known (text is read with
            :func:`vmic.parse_os`).
        vms: Its VMs, in the host's order (names may repeat: Hyper-V allows it).

    Raises:
        UnknownOperatingSystemError: *os* is text that names no known system.
    """

    name: str = attrs.field(validator=_v.instance_of(str))
    os: OperatingSystem | None = attrs.field(
        default=None,
        kw_only=True,
        converter=as_os,
        validator=_v.optional(_v.instance_of(OperatingSystem)),
    )
    vms: tuple[VM, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=_vms,
        validator=_v.deep_iterable(_v.instance_of(VM)),
    )

    @classmethod
    def _parsed(cls, name: str, os: OperatingSystem | None, vms: tuple[VM, ...]) -> Host:
        # For the host clients only: a name and an operating system they read as such, and
        # VMs built by VM._parsed (or a copy of one with its guest): what the converters
        # and validators would leave as it is and accept. Once per audited host.
        return _FILL_HOST(name, os, vms)

    def vm(self, name: str) -> VM | None:
        """The first VM with exactly this name, or None."""
        for vm in self.vms:
            if vm.name == name:
                return vm
        return None

    def __repr__(self) -> str:
        system = "" if self.os is None else f" {self.os}"
        count = len(self.vms)
        return f"<Host {named(self.name)}{system}: {counted(count, 'VM')}>"

    def _repr_html_(self) -> str:
        from vmic.render import observation_fragment  # noqa: PLC0415 - only in notebooks

        return observation_fragment(_host_view(self))


_FILL_HOST: Final = filler(Host, "name", "os", "vms")


def operating_system_of(value: object, *, what: str) -> OperatingSystem:
    """The operating system a rule asks about: given, read from text, or a model's.

    A :class:`Host` gives its ``os``, a :class:`Guest` its ``os``, a :class:`VM` its
    guest's (:attr:`VM.os`).

    Args:
        value: An :class:`~vmic.OperatingSystem`, text for :func:`vmic.parse_os`, or a
            :class:`Host`, :class:`VM` or :class:`Guest`.
        what: What the value stands for, for the message ("the host", "the guest").

    Raises:
        UnknownOperatingSystemError: Text that names no known system.
        ConfigurationError: A model whose operating system is not known, or a value of
            another type.
    """
    if isinstance(value, OperatingSystem):
        return value
    if isinstance(value, str):
        return as_os(value)  # type: ignore[return-value] # text never gives None
    if isinstance(value, Host | Guest | VM):
        found = value.os
        if found is None:
            if isinstance(value, Guest):
                raise ConfigurationError(f"{what} has no known operating system (Guest.os)")
            label = f"{type(value).__name__} {value.name!r}"
            raise ConfigurationError(f"{what} ({label}) has no known operating system")
        return found
    raise ConfigurationError(
        f"{what} must be an OperatingSystem, its name, a Host, a VM or a Guest, "
        f"not {type(value).__name__}"
    )


def _component_view(record: IntegrationComponentRecord) -> dict[str, str]:
    status = record.primary_status
    words = "enabled" if record.enabled else "disabled"
    if status is not None:
        words += f", {status.value}"
    if not record.enabled:
        state = "off"
    elif status is None or status.value == "ok":
        state = "on"
    else:
        state = "other"
    name = record.name if record.service is None else record.service.english_name
    return {"name": name, "state": state, "text": words}


def _host_view(host: Host) -> dict[str, object]:
    """The plain data :func:`vmic.render.observation_fragment` shows."""
    return {
        "host": host.name,
        "host_os": None if host.os is None else str(host.os),
        "vms": [
            {
                "vm": vm.name,
                "state": vm.state.value,
                "guest_os": None if vm.os is None else str(vm.os),
                "services": [_component_view(c) for c in vm.services],
            }
            for vm in host.vms
        ],
    }
