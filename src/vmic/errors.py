"""Errors raised by vmic.

Everything vmic raises on purpose derives from :class:`VmicError`, so one
``except vmic.VmicError`` is enough to catch any of it. Each subclass also
inherits the closest built-in exception, so code that already catches
``ValueError`` or ``LookupError`` keeps working::

    VmicError(Exception)
    ├── UnknownOperatingSystemError(VmicError, ValueError)
    ├── UnknownServiceError(VmicError, LookupError)
    ├── UnsupportedCombinationError(VmicError, LookupError)
    ├── InvalidRecordError(VmicError, ValueError)
    ├── InvalidTransitionError(VmicError, ValueError)
    │   └── GuestCommandError
    ├── ParseError(VmicError, ValueError)
    │   ├── RegistryValueNotFoundError
    │   └── KvpPoolError
    ├── ExecutionError(VmicError)
    │   ├── CommandFailedError
    │   ├── CommandTimeoutError(ExecutionError, TimeoutError)
    │   ├── ConnectionFailedError(ExecutionError, ConnectionError)
    │   ├── AuthenticationFailedError(ConnectionFailedError)
    │   ├── VerificationError
    │   │   └── KvpVerificationError
    │   ├── DataExchangeDisabledError
    │   ├── GuestPowerShellError
    │   ├── UnknownCommandError
    │   └── OperationError
    │       ├── PreflightError
    │       └── WaitTimeoutError(OperationError, TimeoutError)
    ├── ConfigurationError(VmicError, ValueError)
    │   ├── UnsafeValueError
    │   ├── KvpItemError
    │   ├── VMNotFoundError(ConfigurationError, LookupError)
    │   ├── AmbiguousVMError(ConfigurationError, LookupError)
    │   └── PolicyError
    └── MissingExtraError(VmicError, ImportError)

    InsecureOptionWarning(UserWarning)      an option turned a security check off

Messages are written for the person who has to act on them: they name what was
given, what was expected and, where vmic knows it, what would work instead.
They never contain a credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "AmbiguousVMError",
    "AuthenticationFailedError",
    "CommandFailedError",
    "CommandTimeoutError",
    "ConfigurationError",
    "ConnectionFailedError",
    "DataExchangeDisabledError",
    "ExecutionError",
    "GuestCommandError",
    "GuestPowerShellError",
    "InsecureOptionWarning",
    "InvalidRecordError",
    "InvalidTransitionError",
    "KvpItemError",
    "KvpPoolError",
    "KvpVerificationError",
    "MissingExtraError",
    "OperationError",
    "ParseError",
    "PolicyError",
    "PreflightError",
    "RegistryValueNotFoundError",
    "UnknownCommandError",
    "UnknownOperatingSystemError",
    "UnknownServiceError",
    "UnsafeValueError",
    "UnsupportedCombinationError",
    "VMNotFoundError",
    "VerificationError",
    "VmicError",
    "WaitTimeoutError",
]


class VmicError(Exception):
    """Base class of everything vmic raises on purpose."""


class UnknownOperatingSystemError(VmicError, ValueError):
    """A text could not be read as an operating system vmic knows.

    Attributes:
        text: The text that was given.
        suggestions: Canonical names close to it, best first (may be empty).
    """

    def __init__(self, text: str, suggestions: Iterable[str] = ()) -> None:
        self.text = text
        self.suggestions = tuple(suggestions)
        message = f"unknown operating system {text!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class UnknownServiceError(VmicError, LookupError):
    """A name or id does not identify an integration service.

    Attributes:
        text: The name or id that was given.
        suggestions: Known names close to it, best first (may be empty).
    """

    def __init__(self, text: str, suggestions: Iterable[str] = ()) -> None:
        self.text = text
        self.suggestions = tuple(suggestions)
        message = f"unknown integration service {text!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:
        # LookupError would otherwise render the message with quotes (KeyError does).
        return str(self.args[0])


class UnsupportedCombinationError(VmicError, LookupError):
    """The update matrix has no row for this host and guest.

    Attributes:
        host: Name of the host operating system asked about.
        guest: Name of the guest operating system asked about.
        listed: Guest names that host's table does list, in table order.
    """

    def __init__(
        self, host: str, guest: str, listed: Iterable[str], *, message: str | None = None
    ) -> None:
        self.host = host
        self.guest = guest
        self.listed = tuple(listed)
        super().__init__(
            message
            or f"the update matrix lists no {guest} guest for a {host} host; "
            f"that host's table lists: {', '.join(self.listed)}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidRecordError(VmicError, ValueError):
    """A record was given a value that its text or binary form cannot hold.

    Attributes:
        field: Name of the offending field.
        value: The value that was given.
    """

    def __init__(self, *, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:76] + " ..."
        super().__init__(f"invalid {field} {shown}: {reason}")


class InvalidTransitionError(VmicError, ValueError):
    """An operation does not apply to the current state (for example, a service the guest lacks)."""


class ParseError(VmicError, ValueError):
    """Text or bytes could not be read as the output they claim to be.

    Attributes:
        message: What is wrong, without position.
        source: The whole text that was being parsed (may be empty for binary input).
        line: 1-based line number of the offending text (0 when not applicable).
        column: 1-based column of the offending text (0 when not applicable).
    """

    def __init__(self, message: str, *, source: str = "", line: int = 0, column: int = 0) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line <= 0:
            return self.message
        lines = self.source.splitlines()
        text = lines[self.line - 1] if self.line <= len(lines) else ""
        # Keep the rendered excerpt to one readable line, whatever the input was.
        shown = text[:200].expandtabs(1)
        column = max(self.column, 1)
        caret = " " * (min(column, len(shown) + 1) - 1) + "^"
        return f"{self.message} (line {self.line}, column {column})\n    {shown}\n    {caret}"


class RegistryValueNotFoundError(ParseError):
    """``REG QUERY`` reported that the key or value does not exist."""


class KvpPoolError(ParseError):
    """A KVP pool file is malformed (truncated, or a record is not NUL-terminated).

    Attributes:
        offset: Byte offset of the problem in the file.
        record: 0-based index of the record the offset falls in.
    """

    def __init__(self, message: str, *, offset: int, record: int | None = None) -> None:
        self.offset = offset
        self.record = offset // 2560 if record is None else record
        super().__init__(f"{message} (at byte offset {offset})")


class ExecutionError(VmicError):
    """Running a command on a host or guest did not succeed."""


class CommandFailedError(ExecutionError):
    """A command ran and exited with a failure status.

    Attributes:
        result: The frozen result of the command (``vmic.executors.Result``).
    """

    def __init__(self, message: str, result: object = None) -> None:
        self.result = result
        super().__init__(message)


class CommandTimeoutError(ExecutionError, TimeoutError):
    """A command did not finish within its deadline and was stopped.

    Attributes:
        command: The command that was stopped (a ``vmic.executors.Command``), when known.
        timeout: The deadline it had, in seconds, when known.
        stdout: Standard output received before it was stopped (secrets redacted).
        stderr: Standard error received before it was stopped (secrets redacted).
        duration: Seconds from start until it was stopped.
    """

    def __init__(
        self,
        message: str,
        *,
        command: object = None,
        timeout: float | None = None,
        stdout: str = "",
        stderr: str = "",
        duration: float = 0.0,
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        super().__init__(message)


class ConnectionFailedError(ExecutionError, ConnectionError):
    """The host or guest could not be reached.

    The message is one line for a person: the host and port, the transport, the reason
    and what to check. *detail* keeps what the library under it said, whole (``--debug``
    shows it; never a credential).

    Attributes:
        detail: The underlying library's own message, or ``""``.
    """

    def __init__(self, message: str, *, detail: str = "") -> None:
        self.detail = detail
        super().__init__(message)


class AuthenticationFailedError(ConnectionFailedError):
    """The host or guest was reached but refused the credentials."""


class UnknownCommandError(ExecutionError):
    """The simulated host was sent a command it does not understand."""


class ConfigurationError(VmicError, ValueError):
    """Options, an inventory or the environment are inconsistent or incomplete."""


class UnsafeValueError(ConfigurationError):
    """A value cannot be handed to PowerShell or a POSIX shell without changing it.

    A NUL character or an unpaired UTF-16 surrogate has no faithful encoding on
    the way to a remote shell, so vmic refuses the value instead of altering it.

    Attributes:
        reason: What is wrong with the value (never the value itself, which may be secret).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class PolicyError(ConfigurationError):
    """A policy file (or its data) is not a policy vmic can apply.

    The message is one line naming the file, the rule (its number, from 1, and its name
    when it has one) and the key: ``fleet.toml: rule 2 ("file copy"): guest_os: ...``.

    Attributes:
        source: The file (or ``<policy>``).
        rule: The rule's number, from 1; None for a problem of the whole file.
        rule_name: The rule's name, when it has one.
        key: The key at fault (``guest_os``, ``services.vss``); empty when none.
        reason: What is wrong, in words.
    """

    def __init__(
        self,
        source: str,
        reason: str,
        *,
        rule: int | None = None,
        rule_name: str | None = None,
        key: str = "",
    ) -> None:
        self.source = source
        self.rule = rule
        self.rule_name = rule_name
        self.key = key
        self.reason = reason
        where = [source]
        if rule is not None:
            named = f" ({rule_name!r})" if rule_name else ""
            where.append(f"rule {rule}{named}")
        if key:
            where.append(key)
        super().__init__(": ".join([*where, reason]))


class MissingExtraError(VmicError, ImportError):
    """An optional dependency is not installed.

    Attributes:
        extra: The name of the vmic extra that installs it (``pip install vmic[<extra>]``).
    """

    def __init__(self, feature: str, *, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependency {module!r}: pip install 'vmic[{extra}]'",
            name=module,
        )


class InsecureOptionWarning(UserWarning):
    """An executor was told to skip a security check (TLS or SSH host key verification)."""


class VMNotFoundError(ConfigurationError, LookupError):
    """The host has no VM whose name is exactly the one asked for.

    Names are compared exactly (every character and its case); ``web*`` is a name,
    not a pattern.

    Attributes:
        host: The host that was asked.
        vm: The name asked for.
        known: The names the host reported, when it reported them (may be empty).
    """

    def __init__(self, host: str, vm: str, known: Iterable[str] = ()) -> None:
        self.host = host
        self.vm = vm
        self.known = tuple(known)
        message = f"host {host!r} has no VM named exactly {vm!r}"
        if self.known:
            message += "; its VMs: " + ", ".join(repr(name) for name in self.known)
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousVMError(ConfigurationError, LookupError):
    """Several VMs on the host share the name asked for (Hyper-V allows it).

    Attributes:
        host: The host that was asked.
        vm: The name asked for.
        count: How many VMs have it.
    """

    def __init__(self, host: str, vm: str, count: int) -> None:
        self.host = host
        self.vm = vm
        self.count = count
        super().__init__(
            f"host {host!r} has {count} VMs named {vm!r}; rename one, or manage it by id"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class _Cause(Protocol):
    """What an error needs of a diagnosis cause (a ``vmic.Cause``): its stable value."""

    @property
    def value(self) -> str:
        """The cause's stable name."""
        ...


class _NamedService(Protocol):
    """What an error needs of a service: its name (errors hold plain data, not model types)."""

    @property
    def english_name(self) -> str:
        """The service's English name."""
        ...


_Service = TypeVar("_Service", bound=_NamedService)


class VerificationError(ExecutionError):
    """A change command ran, but the state read back afterwards is not the state asked for.

    Attributes:
        host: The host.
        vm: The VM.
        expected: The host setting asked for, per service.
        actual: The host setting read back, per service (None: the host did not list it).
    """

    def __init__(
        self,
        host: str,
        vm: str,
        expected: Mapping[_Service, bool],
        actual: Mapping[_Service, bool | None],
    ) -> None:
        self.host = host
        self.vm = vm
        self.expected: dict[Any, bool] = dict(expected)
        self.actual: dict[Any, bool | None] = dict(actual)
        wrong = []
        for service, wanted in self.expected.items():
            found = self.actual.get(service)
            if found is wanted:
                continue
            shown = "not listed" if found is None else ("enabled" if found else "disabled")
            wanted_text = "enabled" if wanted else "disabled"
            wrong.append(f"{service.english_name} is {shown}, expected {wanted_text}")
        super().__init__(
            f"the change to VM {vm!r} on host {host!r} did not take effect: " + "; ".join(wrong)
        )


class GuestCommandError(InvalidTransitionError):
    """A guest refused an action on one of its integration services.

    Attributes:
        target: What was acted on (a Windows service or a Linux daemon name).
        reason: The guest's reason, as a stable word (``not-installed``,
            ``startup-disabled``, ``masked``...).
    """

    def __init__(self, message: str, *, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(message)


class GuestPowerShellError(ExecutionError):
    """A Windows guest's PowerShell is too old for vmic's guest scripts (they need 3.0).

    Windows 7 SP1 and Windows Server 2008 R2 SP1 ship Windows PowerShell 2.0; WMF 3.0 or
    later (5.1 today) brings what the scripts use.

    Attributes:
        version: The version the guest reported (``"2.0"``).
    """

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(
            "needs PowerShell 3.0 in the guest (WMF 3.0 or later, 5.1 today): the guest runs "
            f"Windows PowerShell {version}"
        )


class OperationError(ExecutionError):
    """An operation on a VM (wait, copy a file, shut down) could not be done.

    Attributes:
        host: The host.
        vm: The VM.
        cause: Why, as a diagnosis cause, when vmic could tell (None otherwise).
        reason: Why, in words (one sentence, no credential).
        diagnosis: The diagnosis of the VM behind *cause*, when one was made
            (a ``vmic.diagnosis.VMDiagnosis``; None otherwise).
    """

    def __init__(
        self,
        message: str,
        *,
        host: str,
        vm: str,
        reason: str,
        cause: _Cause | None = None,
        diagnosis: object = None,
    ) -> None:
        self.host = host
        self.vm = vm
        self.reason = reason
        self.cause = cause
        self.diagnosis = diagnosis
        super().__init__(message)


class PreflightError(OperationError):
    """An operation was refused before anything changed: a service it needs does not work.

    Attributes:
        service: The integration service the operation needs (an ``IntegrationService``).
    """

    def __init__(
        self,
        message: str,
        *,
        host: str,
        vm: str,
        reason: str,
        service: _NamedService | None = None,
        cause: _Cause | None = None,
        diagnosis: object = None,
    ) -> None:
        self.service = service
        super().__init__(message, host=host, vm=vm, reason=reason, cause=cause, diagnosis=diagnosis)


class WaitTimeoutError(OperationError, TimeoutError):
    """What was waited for did not happen within the timeout; says why, as far as vmic can tell.

    Attributes:
        until: What was waited for (``heartbeat``, ``ip``, ``kvp:KEY``...).
        timeout: The timeout, in seconds.
        elapsed: Seconds the host waited.
    """

    def __init__(
        self,
        message: str,
        *,
        host: str,
        vm: str,
        until: str,
        timeout: float,
        elapsed: float,
        reason: str,
        cause: _Cause | None = None,
        diagnosis: object = None,
    ) -> None:
        self.until = until
        self.timeout = timeout
        self.elapsed = elapsed
        super().__init__(message, host=host, vm=vm, reason=reason, cause=cause, diagnosis=diagnosis)

    def __str__(self) -> str:
        return str(self.args[0])


class KvpItemError(ConfigurationError):
    """A KVP key or value that Hyper-V cannot store, refused before anything is sent.

    Attributes:
        field: ``"key"`` or ``"value"``.
        reason: Why, in words (the size it has and the limit, a NUL...).
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"a KVP {field} {reason}")


class DataExchangeDisabledError(ExecutionError):
    """Key-Value Pair Exchange (Data Exchange) is off, so no item can move.

    Attributes:
        vm: The VM.
        side: ``"host"`` (the VM's setting) or ``"guest"`` (its KVP service or daemon).
    """

    def __init__(self, vm: str, *, side: str = "host", fix: str = "") -> None:
        self.vm = vm
        self.side = side
        where = (
            "is disabled in the VM's settings on the host"
            if side == "host"
            else "is not running in the guest"
        )
        # The fix names the VM exactly (never a pattern): vmic selects it by its exact name.
        hint = fix or (
            "enable it first: 'vmic enable --vm=<VM> key_value_pair_exchange' "
            "(selects exactly that VM)"
        )
        super().__init__(
            f"Key-Value Pair Exchange (Data Exchange) {where} for VM {vm!r}, so no KVP item "
            f"can move; {hint}"
        )


class KvpVerificationError(VerificationError):
    """A KVP change ran, but the items read back afterwards do not show it.

    Attributes:
        host: The host.
        vm: The VM.
        key: The key changed.
        expected: The value asked for (None: removed).
        actual: The value read back (None: absent).
    """

    def __init__(
        self, host: str, vm: str, key: str, expected: str | None, actual: str | None
    ) -> None:
        self.host = host
        self.vm = vm
        self.key = key
        self.expected_value = expected
        self.actual_value = actual
        self.expected = {}
        self.actual = {}
        wanted = "absent" if expected is None else f"{expected!r}"
        found = "absent" if actual is None else f"{actual!r}"
        ExecutionError.__init__(
            self,
            f"the KVP change to VM {vm!r} on host {host!r} did not take effect: "
            f"key {key!r} is {found}, expected {wanted}",
        )
