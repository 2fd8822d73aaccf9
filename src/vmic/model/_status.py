"""Operational status of an integration component, as Hyper-V reports it.

``Get-VMIntegrationService`` returns ``PrimaryOperationalStatus`` and
``SecondaryOperationalStatus`` of the .NET enum
``Microsoft.HyperV.PowerShell.VMIntegrationComponentOperationalStatus``. Its
numeric values are the WMI ``OperationalStatus`` codes of the ``Msvm_*Component``
classes; ``ConvertTo-Json`` in Windows PowerShell 5.1 writes the numbers,
PowerShell 7 may write the names.
"""

from __future__ import annotations

import re
from typing import Final

from vmic.errors import InvalidRecordError
from vmic.model._named import NamedEnum

__all__ = ["OperationalStatus", "StartType", "WindowsServiceStatus"]

_NOT_A_STATUS: Final = "not a VMIntegrationComponentOperationalStatus"
#: Where a .NET name's words meet (``ProtocolMismatch``).
_CAMEL_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")


class OperationalStatus(NamedEnum):
    """``VMIntegrationComponentOperationalStatus``: the value is a stable snake_case string."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    OK = "ok"
    DEGRADED = "degraded"
    ERROR = "error"
    NON_RECOVERABLE_ERROR = "non_recoverable_error"
    NO_CONTACT = "no_contact"
    LOST_COMMUNICATION = "lost_communication"
    PROTOCOL_MISMATCH = "protocol_mismatch"
    APPLICATION_CRITICAL = "application_critical"
    COMMUNICATION_TIMED_OUT = "communication_timed_out"
    COMMUNICATION_FAILED = "communication_failed"
    DISABLED = "disabled"

    @property
    def code(self) -> int:
        """The numeric value of the .NET enum (and of the WMI status code)."""
        return _STATUS_CODES[self]

    @property
    def dotnet_name(self) -> str:
        """The .NET enum member name, e.g. ``"ProtocolMismatch"``."""
        return _DOTNET_NAMES[self]

    @property
    def description(self) -> str:
        """What the status means, in the words of the WMI documentation."""
        return _DESCRIPTIONS[self]

    @property
    def is_healthy(self) -> bool:
        """True for ``Ok`` only."""
        return self is OperationalStatus.OK

    @property
    def label(self) -> str:
        """The display name (``str()``), as Hyper-V Manager words it: ``"No Contact"``, ``"OK"``."""
        return "OK" if self is OperationalStatus.OK else _CAMEL_RE.sub(" ", _DOTNET_NAMES[self])

    @classmethod
    def from_code(cls, code: int) -> OperationalStatus:
        """Return the member for a numeric code.

        Raises:
            InvalidRecordError: The code is not a member of the enum (a ValueError).
        """
        try:
            return _BY_CODE[code]
        except KeyError:
            raise InvalidRecordError(
                field="status code", value=code, reason=_NOT_A_STATUS
            ) from None

    @classmethod
    def from_name(cls, name: str) -> OperationalStatus:
        """Return the member for a .NET name (``"ProtocolMismatch"``) or a value, any case.

        Raises:
            InvalidRecordError: The name is not a member of the enum (a ValueError).
        """
        key = name.strip().replace("_", "").replace(" ", "").lower()
        try:
            return _BY_NAME[key]
        except KeyError:
            raise InvalidRecordError(field="status", value=name, reason=_NOT_A_STATUS) from None


# Values: Microsoft.HyperV.PowerShell.VMIntegrationComponentOperationalStatus (identical in the
# PowerShell type stub, the decompiled module and fog-hyperv's enum table).
_STATUS_CODES: Final = {
    OperationalStatus.OK: 2,
    OperationalStatus.DEGRADED: 3,
    OperationalStatus.ERROR: 6,
    OperationalStatus.NON_RECOVERABLE_ERROR: 7,
    OperationalStatus.NO_CONTACT: 12,
    OperationalStatus.LOST_COMMUNICATION: 13,
    OperationalStatus.PROTOCOL_MISMATCH: 32775,
    OperationalStatus.APPLICATION_CRITICAL: 32782,
    OperationalStatus.COMMUNICATION_TIMED_OUT: 32783,
    OperationalStatus.COMMUNICATION_FAILED: 32784,
    OperationalStatus.DISABLED: 32896,
}
_DOTNET_NAMES: Final = {
    OperationalStatus.OK: "Ok",
    OperationalStatus.DEGRADED: "Degraded",
    OperationalStatus.ERROR: "Error",
    OperationalStatus.NON_RECOVERABLE_ERROR: "NonRecoverableError",
    OperationalStatus.NO_CONTACT: "NoContact",
    OperationalStatus.LOST_COMMUNICATION: "LostCommunication",
    OperationalStatus.PROTOCOL_MISMATCH: "ProtocolMismatch",
    OperationalStatus.APPLICATION_CRITICAL: "ApplicationCritical",
    OperationalStatus.COMMUNICATION_TIMED_OUT: "CommunicationTimedOut",
    OperationalStatus.COMMUNICATION_FAILED: "CommunicationFailed",
    OperationalStatus.DISABLED: "Disabled",
}
# Msvm_HeartbeatComponent.OperationalStatus documentation (MicrosoftDocs/win32).
_DESCRIPTIONS: Final = {
    OperationalStatus.OK: "The service is operating normally.",
    OperationalStatus.DEGRADED: (
        "The service is operating, but the guest service negotiated a compatible "
        "communications protocol version rather than the host's."
    ),
    OperationalStatus.ERROR: "The component reports an error.",
    OperationalStatus.NON_RECOVERABLE_ERROR: (
        "The guest does not support a compatible protocol version."
    ),
    OperationalStatus.NO_CONTACT: (
        "The guest service is not installed or has not yet been contacted."
    ),
    OperationalStatus.LOST_COMMUNICATION: "The guest service is no longer responding normally.",
    OperationalStatus.PROTOCOL_MISMATCH: (
        "The guest and the host components are running different protocol versions."
    ),
    OperationalStatus.APPLICATION_CRITICAL: "The guest application reports a critical state.",
    OperationalStatus.COMMUNICATION_TIMED_OUT: "Communication with the guest service timed out.",
    OperationalStatus.COMMUNICATION_FAILED: "Communication with the guest service failed.",
    OperationalStatus.DISABLED: "The integration service is disabled.",
}
_BY_CODE: Final = {code: member for member, code in _STATUS_CODES.items()}
_BY_NAME: Final = {
    **{name.lower(): member for member, name in _DOTNET_NAMES.items()},
    **{member.value.replace("_", ""): member for member in OperationalStatus},
}


class WindowsServiceStatus(NamedEnum):
    """``System.ServiceProcess.ServiceControllerStatus`` (``Get-Service`` ``Status``)."""

    STOPPED = "stopped"
    START_PENDING = "start_pending"
    STOP_PENDING = "stop_pending"
    RUNNING = "running"
    CONTINUE_PENDING = "continue_pending"
    PAUSE_PENDING = "pause_pending"
    PAUSED = "paused"

    @property
    def code(self) -> int:
        """The numeric value ``ConvertTo-Json`` writes (Stopped = 1 ... Paused = 7)."""
        return list(WindowsServiceStatus).index(self) + 1

    @property
    def dotnet_name(self) -> str:
        """The .NET name, e.g. ``"StartPending"``."""
        return self.value.title().replace("_", "")


class StartType(NamedEnum):
    """``System.ServiceProcess.ServiceStartMode`` (``Get-Service`` ``StartType``)."""

    BOOT = "boot"
    SYSTEM = "system"
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    DISABLED = "disabled"

    @property
    def code(self) -> int:
        """The numeric value ``ConvertTo-Json`` writes (Boot = 0 ... Disabled = 4)."""
        return list(StartType).index(self)

    @property
    def dotnet_name(self) -> str:
        """The .NET name, e.g. ``"Automatic"``."""
        return self.value.title()
