r"""What a Windows host or guest reports about integration services, as typed records.

The parsers in :mod:`vmic.parsers` return these records and the formatters render
them back, so the same objects describe pasted text, ``ConvertTo-Json`` output and
the simulated host:

- :class:`IntegrationComponentRecord`: one row of ``Get-VMIntegrationService``
  (a ``Microsoft.HyperV.PowerShell.VMIntegrationComponent``);
- :class:`ComponentId`: its ``Id``, ``Microsoft:<VMID>\<GUID>``;
- :class:`GuestServiceRecord`: one row of ``Get-Service -Name vmic*`` in a Windows guest;
- :class:`VirtualMachineRecord`: the integration-services view of one ``Get-VM`` object;
- :class:`RegistryValue`: one value line of ``REG QUERY``.

>>> cid = ComponentId(
...     "7cca7664-91d0-40a9-9769-7809f256f603", "84eaae65-2f2e-45f5-9bb5-0e857dc8eb47"
... )
>>> str(cid)
'Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47'
>>> cid.service
IntegrationService.HEARTBEAT
>>> GuestServiceRecord(
...     name="vmicvmsession",
...     display_name="Hyper-V VM Session Service",
...     status=WindowsServiceStatus.STOPPED,
... ).service
GuestOnlyService.POWERSHELL_DIRECT
>>> RegistryValue(
...     "HKLM\\Software\\Microsoft\\Virtual Machine\\Auto",
...     "IntegrationServicesVersion",
...     "REG_SZ",
...     "6.3.9600.19456",
... ).key
'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto'
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

import attrs
from attrs import validators as v
from packaging.version import Version

from vmic.errors import InvalidRecordError
from vmic.model._locales import service_for_name
from vmic.model._named import NamedEnum, named
from vmic.model._patterns import GUID_PATTERN
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._slots import filler
from vmic.model._status import OperationalStatus, StartType, WindowsServiceStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FILL_COMPONENT",
    "FILL_COMPONENT_ID",
    "GUID_PATTERN",
    "HIVES",
    "REGISTRY_TYPES",
    "ComponentId",
    "GuestServiceRecord",
    "IntegrationComponentRecord",
    "IntegrationServicesState",
    "RegistryValue",
    "VMState",
    "VirtualMachineRecord",
    "expand_hive",
]

_GUID_RE: Final = re.compile(GUID_PATTERN)


def _upper(value: str) -> str:
    # GUIDs compare case-insensitively; records keep the upper-case form the Id string uses.
    checked: object = value
    if not isinstance(checked, str):
        raise TypeError(f"expected a GUID string, got {type(checked).__name__}")
    return checked.upper()


def _upper_or_none(value: str | None) -> str | None:
    return None if value is None else _upper(value)


#: The service each known component GUID (upper case) stands for.
SERVICE_BY_GUID: Final[Mapping[str, IntegrationService]] = {
    service.guid: service for service in IntegrationService
}


@attrs.frozen
class ComponentId:
    r"""The ``Id`` of an integration component: ``Microsoft:<VMID>\<GUID>``.

    Hyper-V builds it from the VM's id and the component GUID (the WMI ``DeviceID``
    ``Microsoft:VMGUID\GUID``). Both parts are kept upper case, as the ``Id`` shows them.

    Attributes:
        vm_id: The virtual machine's id, upper case.
        guid: The component GUID, upper case; it identifies the service whatever the
            host's display language.
    """

    vm_id: str = attrs.field(converter=_upper, validator=v.matches_re(_GUID_RE))
    guid: str = attrs.field(converter=_upper, validator=v.matches_re(_GUID_RE))

    @property
    def service(self) -> IntegrationService | None:
        """The service with this component GUID, or None for a component vmic does not know."""
        return SERVICE_BY_GUID.get(self.guid)

    @classmethod
    def _unchecked(cls, vm_id: str, guid: str) -> ComponentId:
        # For parsers only: upper-case GUIDs they have already matched. Skips the converters
        # and validators, which cost more than the JSON decoding of a whole component.
        return FILL_COMPONENT_ID(vm_id, guid)

    def __str__(self) -> str:
        return f"Microsoft:{self.vm_id}\\{self.guid}"


#: ComponentId._unchecked's work without its call, positional (vm_id, guid): the component
#: id parser's, once per component read.
FILL_COMPONENT_ID: Final = filler(ComponentId, "vm_id", "guid")


def _default_component_service(record: IntegrationComponentRecord) -> IntegrationService | None:
    if record.component_id is not None:
        return record.component_id.service
    return service_for_name(record.name)


def _check_component(
    record: IntegrationComponentRecord,
    _attribute: attrs.Attribute[IntegrationService | None],
    service: IntegrationService | None,
) -> None:
    component_id = record.component_id
    if component_id is None:
        return
    if record.vm_id is not None and component_id.vm_id != record.vm_id:
        raise InvalidRecordError(
            field="component_id",
            value=str(component_id),
            reason=f"it belongs to VM {component_id.vm_id}, not to vm_id {record.vm_id}",
        )
    known = component_id.service
    if known is not None and service is not known:
        raise InvalidRecordError(
            field="service", value=service, reason=f"component id {component_id} is {known!r}"
        )


@attrs.frozen(kw_only=True)
class IntegrationComponentRecord:
    """One integration service of one VM, as ``Get-VMIntegrationService`` reports it.

    ``name`` and the two descriptions are what the host shows, in its display
    language; ``service`` and the two statuses are language-neutral. A component
    vmic does not know keeps ``service=None``.

    Attributes:
        vm_name: ``VMName``.
        vm_id: ``VMId``, upper case; None when the output does not show it (the table).
        name: ``Name`` as shown (``Heartbeat``, ``Takt``...).
        enabled: ``Enabled``: whether the host offers the service to the guest.
        primary_status: ``PrimaryOperationalStatus``; None when absent or unknown.
        primary_status_description: ``PrimaryStatusDescription`` as shown ("" when none).
        secondary_status: ``SecondaryOperationalStatus``; None when absent or unknown.
        secondary_status_description: ``SecondaryStatusDescription`` as shown ("" when none).
        component_id: ``Id``; None when the output does not show it.
        service: The service, from the component GUID when known, else from the name;
            computed when not given.

    Raises:
        ValueError: ``component_id`` names another VM than ``vm_id``, or another
            service than ``service``.
    """

    vm_name: str = attrs.field(validator=v.instance_of(str))
    vm_id: str | None = attrs.field(
        default=None,
        converter=_upper_or_none,
        validator=v.optional(v.matches_re(_GUID_RE)),
    )
    name: str = attrs.field(validator=v.instance_of(str))
    enabled: bool = attrs.field(validator=v.instance_of(bool))
    primary_status: OperationalStatus | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(OperationalStatus))
    )
    primary_status_description: str = attrs.field(default="", validator=v.instance_of(str))
    secondary_status: OperationalStatus | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(OperationalStatus))
    )
    secondary_status_description: str = attrs.field(default="", validator=v.instance_of(str))
    component_id: ComponentId | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(ComponentId))
    )
    service: IntegrationService | None = attrs.field(
        default=attrs.Factory(_default_component_service, takes_self=True),
        validator=[v.optional(v.instance_of(IntegrationService)), _check_component],
    )

    @classmethod
    def _unchecked(  # noqa: PLR0917 - private; positional too, as it runs per component
        cls,
        vm_name: str,
        vm_id: str | None,
        name: str,
        enabled: bool,  # noqa: FBT001 - positional for speed, private
        primary_status: OperationalStatus | None,
        primary_status_description: str,
        secondary_status: OperationalStatus | None,
        secondary_status_description: str,
        component_id: ComponentId | None,
        service: IntegrationService | None,
    ) -> IntegrationComponentRecord:
        # For parsers only: values they have already checked field by field and against
        # each other (see the class's validators). Skipping the validators is what keeps
        # parsing ConvertTo-Json output within a small factor of json.loads itself.
        return FILL_COMPONENT(
            vm_name,
            vm_id,
            name,
            enabled,
            primary_status,
            primary_status_description,
            secondary_status,
            secondary_status_description,
            component_id,
            service,
        )

    def __repr__(self) -> str:
        status = "" if self.primary_status is None else f", {self.primary_status}"
        state = "enabled" if self.enabled else "disabled"
        vm, name = named(self.vm_name), named(self.name)
        return f"<IntegrationComponentRecord {vm} {name}: {state}{status}>"


#: IntegrationComponentRecord._unchecked's work without its call, positional only (in its
#: order): the JSON parser's, once per component read.
FILL_COMPONENT: Final = filler(
    IntegrationComponentRecord,
    "vm_name",
    "vm_id",
    "name",
    "enabled",
    "primary_status",
    "primary_status_description",
    "secondary_status",
    "secondary_status_description",
    "component_id",
    "service",
)


def _default_guest_service(
    record: GuestServiceRecord,
) -> IntegrationService | GuestOnlyService | None:
    return guest_service_for(record.name)


def _check_guest_service(
    record: GuestServiceRecord,
    _attribute: attrs.Attribute[IntegrationService | GuestOnlyService | None],
    service: IntegrationService | GuestOnlyService | None,
) -> None:
    expected = guest_service_for(record.name)
    if service is not expected:
        raise InvalidRecordError(
            field="service",
            value=service,
            reason=f"Windows service {record.name!r} is {expected!r}",
        )


# The hash is kept: the shared records (see shared()) are looked up, by hash, to find the
# guest's entry of each, for every Windows guest asked.
@attrs.frozen(kw_only=True, cache_hash=True)
class GuestServiceRecord:
    """One Windows service in a guest, as ``Get-Service -Name vmic*`` reports it.

    Attributes:
        name: ``Name`` (the service name, ``vmicheartbeat``), as shown.
        display_name: ``DisplayName`` as shown, without the ellipsis a table adds
            when it cuts the text.
        status: ``Status``.
        start_type: ``StartType``; None when the output does not show it (the
            default table).
        display_name_truncated: Whether the table cut the display name (the
            2020 sample's ``Hyper-V Remote Desktop Virtualizati...``).
        service: The integration service the name belongs to (None for any other
            service); computed when not given.

    Raises:
        ValueError: ``service`` is not the one ``name`` belongs to.
    """

    name: str = attrs.field(validator=v.instance_of(str))
    display_name: str = attrs.field(validator=v.instance_of(str))
    status: WindowsServiceStatus = attrs.field(validator=v.instance_of(WindowsServiceStatus))
    start_type: StartType | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(StartType))
    )
    display_name_truncated: bool = attrs.field(default=False, validator=v.instance_of(bool))
    service: IntegrationService | GuestOnlyService | None = attrs.field(
        default=attrs.Factory(_default_guest_service, takes_self=True),
        validator=_check_guest_service,
    )

    def __repr__(self) -> str:
        return f"<GuestServiceRecord {named(self.name)}: {self.status}, {self.start_type}>"

    @classmethod
    def shared(
        cls,
        name: str,
        display_name: str,
        status: WindowsServiceStatus,
        start_type: StartType | None = None,
    ) -> GuestServiceRecord:
        """The record of these values, built (and checked) once and then shared.

        Every Windows guest lists the same few services in the same few states; records
        are frozen, so readers and the lab share one per distinct row (a bounded cache).
        """
        if cls is not GuestServiceRecord:
            return cls(name=name, display_name=display_name, status=status, start_type=start_type)
        return _shared_guest_service(name, display_name, status, start_type)


@functools.lru_cache(maxsize=1024)
def _shared_guest_service(
    name: str,
    display_name: str,
    status: WindowsServiceStatus,
    start_type: StartType | None,
) -> GuestServiceRecord:
    return GuestServiceRecord(
        name=name, display_name=display_name, status=status, start_type=start_type
    )


class IntegrationServicesState(NamedEnum):
    """``Get-VM`` ``IntegrationServicesState`` (WMI ``IntegrationServicesVersionState``).

    The host compares the guest's integration services with its own: "Up to date"
    (WMI ``UpToDate``), "Update required" (``Mismatch``), or nothing (``Unknown``,
    e.g. a VM that is off or has never reported).
    """

    UP_TO_DATE = "up_to_date"
    UPDATE_REQUIRED = "update_required"
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return f"IntegrationServicesState.{self.name}"

    @property
    def text(self) -> str:
        """The string ``Get-VM`` shows ("" for UNKNOWN)."""
        return _IS_STATE_TEXT[self]

    @classmethod
    def from_text(cls, text: str | None) -> IntegrationServicesState:
        """The state for a shown string; anything unrecognized (or empty) is UNKNOWN."""
        if not text:
            return _IS_STATE_UNKNOWN
        return _IS_STATE_BY_TEXT.get(" ".join(text.split()).casefold(), _IS_STATE_UNKNOWN)


# Strings compared by scripts against IntegrationServicesState (reference file, Get-VM section).
_IS_STATE_TEXT: Final = {
    IntegrationServicesState.UP_TO_DATE: "Up to date",
    IntegrationServicesState.UPDATE_REQUIRED: "Update required",
    IntegrationServicesState.UNKNOWN: "",
}
_IS_STATE_BY_TEXT: Final = {
    text.casefold(): state for state, text in _IS_STATE_TEXT.items() if text
}
# The members the lookups fall back to, as module names: reading a member off its enum
# class costs more than the lookup itself, and Get-VM's reader makes them per VM.
_IS_STATE_UNKNOWN: Final = IntegrationServicesState.UNKNOWN


class VMState(NamedEnum):
    """``Microsoft.HyperV.PowerShell.VMState`` (``Get-VM`` ``State``); UNKNOWN for anything else.

    The member names are authoritative. The numbers are those of the current Hyper-V
    module (Windows Server 2016 and later); older modules numbered the ``*Critical``
    states two lower, because they had no ``Hibernated`` and ``ComponentServicing``.
    """

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    OTHER = "other"
    RUNNING = "running"
    OFF = "off"
    STOPPING = "stopping"
    SAVED = "saved"
    PAUSED = "paused"
    STARTING = "starting"
    RESET = "reset"
    SAVING = "saving"
    PAUSING = "pausing"
    RESUMING = "resuming"
    FAST_SAVED = "fast_saved"
    FAST_SAVING = "fast_saving"
    FORCE_SHUTDOWN = "force_shutdown"
    FORCE_REBOOT = "force_reboot"
    HIBERNATED = "hibernated"
    COMPONENT_SERVICING = "component_servicing"
    RUNNING_CRITICAL = "running_critical"
    OFF_CRITICAL = "off_critical"
    STOPPING_CRITICAL = "stopping_critical"
    SAVED_CRITICAL = "saved_critical"
    PAUSED_CRITICAL = "paused_critical"
    STARTING_CRITICAL = "starting_critical"
    RESET_CRITICAL = "reset_critical"
    SAVING_CRITICAL = "saving_critical"
    PAUSING_CRITICAL = "pausing_critical"
    RESUMING_CRITICAL = "resuming_critical"
    FAST_SAVED_CRITICAL = "fast_saved_critical"
    FAST_SAVING_CRITICAL = "fast_saving_critical"
    UNKNOWN = "unknown"
    """Not a state vmic knows (a newer module's, or a number it cannot place)."""

    def __repr__(self) -> str:
        return f"VMState.{self.name}"

    @property
    def code(self) -> int | None:
        """The .NET enum value ``ConvertTo-Json`` writes; None for UNKNOWN."""
        return _VM_STATE_CODES.get(self)

    @property
    def dotnet_name(self) -> str:
        """The .NET member name (``FastSaved``); ``Unknown`` for UNKNOWN."""
        return self.value.title().replace("_", "")

    @classmethod
    def from_code(cls, code: int) -> VMState:
        """The state for a number; UNKNOWN when the number is not a member."""
        return _VM_STATE_BY_CODE.get(code, _VM_STATE_UNKNOWN)

    @classmethod
    def from_name(cls, name: str) -> VMState:
        """The state for a .NET name (``FastSaved``) or a value, any case; UNKNOWN otherwise."""
        key = name.strip().replace("_", "").replace(" ", "").casefold()
        return _VM_STATE_BY_NAME.get(key, _VM_STATE_UNKNOWN)


# Microsoft.HyperV.PowerShell.VMState as a decompiled current module defines it; the 2012-era
# enum (Haipa/eryph's copy) agrees up to ForceReboot and lacks Hibernated/ComponentServicing.
_VM_STATE_CODES: Final = {
    VMState.OTHER: 1,
    VMState.RUNNING: 2,
    VMState.OFF: 3,
    VMState.STOPPING: 4,
    VMState.SAVED: 6,
    VMState.PAUSED: 9,
    VMState.STARTING: 10,
    VMState.RESET: 11,
    VMState.SAVING: 32773,
    VMState.PAUSING: 32776,
    VMState.RESUMING: 32777,
    VMState.FAST_SAVED: 32779,
    VMState.FAST_SAVING: 32780,
    VMState.FORCE_SHUTDOWN: 32781,
    VMState.FORCE_REBOOT: 32782,
    VMState.HIBERNATED: 32783,
    VMState.COMPONENT_SERVICING: 32784,
    VMState.RUNNING_CRITICAL: 32785,
    VMState.OFF_CRITICAL: 32786,
    VMState.STOPPING_CRITICAL: 32787,
    VMState.SAVED_CRITICAL: 32788,
    VMState.PAUSED_CRITICAL: 32789,
    VMState.STARTING_CRITICAL: 32790,
    VMState.RESET_CRITICAL: 32791,
    VMState.SAVING_CRITICAL: 32792,
    VMState.PAUSING_CRITICAL: 32793,
    VMState.RESUMING_CRITICAL: 32794,
    VMState.FAST_SAVED_CRITICAL: 32795,
    VMState.FAST_SAVING_CRITICAL: 32796,
}
_VM_STATE_BY_CODE: Final = {code: state for state, code in _VM_STATE_CODES.items()}
_VM_STATE_BY_NAME: Final = {
    **{state.value.replace("_", ""): state for state in VMState},
    **{state.dotnet_name.casefold(): state for state in VMState},
}
_VM_STATE_UNKNOWN: Final = VMState.UNKNOWN  # as _IS_STATE_UNKNOWN

#: Largest component of a ``System.Version`` (an Int32).
_MAX_VERSION_PART: Final = 2**31 - 1


def _check_system_version(
    _record: object, _attribute: attrs.Attribute[Version | None], value: Version | None
) -> None:
    if value is None:
        return
    plain = (
        value.epoch == 0
        and value.pre is None
        and value.post is None
        and value.dev is None
        and value.local is None
    )
    if not plain or not 2 <= len(value.release) <= 4 or max(value.release) > _MAX_VERSION_PART:
        raise InvalidRecordError(
            field="version",
            value=str(value),
            reason="not a System.Version (2 to 4 numeric parts, each below 2**31)",
        )


@attrs.frozen(kw_only=True)
class VirtualMachineRecord:
    """The integration-services view of one VM, as ``Get-VM`` reports it.

    Attributes:
        name: ``Name``.
        id: ``Id`` (``VMId``), upper case; None when the output does not show it.
        state: ``State``.
        status: ``Status`` as shown ("Operating normally"; driven by the heartbeat).
        integration_services_version: ``IntegrationServicesVersion`` (a ``System.Version``:
            two to four numeric parts); None when not shown or empty.
        integration_services_state: ``IntegrationServicesState``.
    """

    name: str = attrs.field(validator=v.instance_of(str))
    id: str | None = attrs.field(
        default=None, converter=_upper_or_none, validator=v.optional(v.matches_re(_GUID_RE))
    )
    state: VMState = attrs.field(validator=v.instance_of(VMState))
    status: str = attrs.field(default="", validator=v.instance_of(str))
    integration_services_version: Version | None = attrs.field(
        default=None, validator=[v.optional(v.instance_of(Version)), _check_system_version]
    )
    integration_services_state: IntegrationServicesState = attrs.field(
        default=IntegrationServicesState.UNKNOWN,
        validator=v.instance_of(IntegrationServicesState),
    )

    @classmethod
    def _unchecked(  # noqa: PLR0917 - private; positional, as it runs per VM
        cls,
        name: str,
        id: str | None,  # noqa: A002 - the field's name
        state: VMState,
        status: str,
        integration_services_version: Version | None,
        integration_services_state: IntegrationServicesState,
    ) -> VirtualMachineRecord:
        # For parsers only: values of the fields' types that they have already checked
        # (an upper-case GUID, a System.Version), which is what the validators check.
        return _FILL_VM_RECORD(
            name, id, state, status, integration_services_version, integration_services_state
        )

    def __repr__(self) -> str:
        return f"<VirtualMachineRecord {named(self.name)} {self.state}>"


_FILL_VM_RECORD: Final = filler(
    VirtualMachineRecord,
    "name",
    "id",
    "state",
    "status",
    "integration_services_version",
    "integration_services_state",
)


#: Registry hives: full name and the abbreviations ``reg.exe`` accepts.
HIVES: Final = {
    "HKEY_LOCAL_MACHINE": "HKLM",
    "HKEY_CURRENT_USER": "HKCU",
    "HKEY_CLASSES_ROOT": "HKCR",
    "HKEY_USERS": "HKU",
    "HKEY_CURRENT_CONFIG": "HKCC",
}
_HIVE_BY_NAME: Final = {
    **{name: name for name in HIVES},
    **{short: name for name, short in HIVES.items()},
}

#: Value types ``reg.exe`` prints.
REGISTRY_TYPES: Final = frozenset(
    {
        "REG_SZ",
        "REG_EXPAND_SZ",
        "REG_MULTI_SZ",
        "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN",
        "REG_QWORD",
        "REG_BINARY",
        "REG_NONE",
        "REG_LINK",
        "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTOR",
        "REG_RESOURCE_REQUIREMENTS_LIST",
    }
)


def expand_hive(key: str) -> str:
    r"""Spell a key's hive out in full (``HKLM\...`` becomes ``HKEY_LOCAL_MACHINE\...``).

    The hive is matched in any case and written in upper case; the rest of the key
    is kept as given. A key whose first part is no hive is returned unchanged.

    >>> expand_hive("hklm\\Software\\Microsoft")
    'HKEY_LOCAL_MACHINE\\Software\\Microsoft'
    """
    checked: object = key
    if not isinstance(checked, str):
        raise TypeError(f"expected a registry key string, got {type(checked).__name__}")
    hive, sep, rest = key.partition("\\")
    full = _HIVE_BY_NAME.get(hive.upper())
    return key if full is None else full + sep + rest


def _check_key(_record: object, _attribute: attrs.Attribute[str], key: str) -> None:
    if key.partition("\\")[0] not in HIVES:
        raise InvalidRecordError(
            field="key", value=key, reason="it does not start with a hive (HKEY_LOCAL_MACHINE...)"
        )


@attrs.frozen
class RegistryValue:
    r"""One value of a registry key, as ``REG QUERY`` lists it.

    Attributes:
        key: The key, with the hive spelled out (``HKEY_LOCAL_MACHINE\Software\...``);
            an abbreviated hive is expanded.
        name: The value name (``(Default)`` for the key's default value).
        type: The value type, e.g. ``REG_SZ``.
        data: The data as ``reg.exe`` prints it.
    """

    key: str = attrs.field(converter=expand_hive, validator=_check_key)
    name: str = attrs.field(validator=v.instance_of(str))
    type: str = attrs.field(validator=v.in_(REGISTRY_TYPES))
    data: str = attrs.field(validator=v.instance_of(str))

    @classmethod
    def _unchecked(
        cls,
        key: str,
        name: str,
        type: str,  # noqa: A002 - the field's name
        data: str,
    ) -> RegistryValue:
        # For the REG QUERY parser only: a key whose hive it has spelled out already, a type
        # from REGISTRY_TYPES and text, which is what the converter and validators ensure.
        return _FILL_REGISTRY_VALUE(key, name, type, data)

    def __repr__(self) -> str:
        return f"<RegistryValue {named(self.name)} = {named(str(self.data))}>"


_FILL_REGISTRY_VALUE: Final = filler(RegistryValue, "key", "name", "type", "data")
