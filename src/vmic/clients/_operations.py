"""What the operations of :class:`~vmic.clients.HyperVHost` take and return.

- :class:`WaitFor`: what :meth:`HyperVHost.wait <vmic.clients.HyperVHost.wait>` waits for
  (heartbeat, an address, a KVP key), and :class:`WaitResult`: what it saw;
- :class:`CopyResult`: what :meth:`HyperVHost.copy_file <vmic.clients.HyperVHost.copy_file>` did;
- :class:`ShutdownResult`: what :meth:`HyperVHost.shutdown <vmic.clients.HyperVHost.shutdown>` did;
- :class:`Explanation` and the :class:`Explainer` protocol: why a service an operation needs
  does not work. The host alone tells the VM is off, the service disabled, or the guest side
  silent (:func:`host_explanation`); :func:`vmic.diagnosis.explainer` asks the guest too
  and names the guest-side cause (``daemon_not_installed``...).

>>> WaitFor.parse("kvp:BuildDone")
WaitFor(kind=WaitKind.KVP, key='BuildDone', prefix='', family=None)
>>> str(WaitFor.address(version=4, prefix="10."))
'ipv4 10.*'
"""

from __future__ import annotations

import math
import shlex
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from vmic.clients._sections import load_json
from vmic.errors import ConfigurationError, ParseError
from vmic.executors._checks import check_text
from vmic.model._named import NamedEnum, counted, cut, named
from vmic.model._services import IntegrationService
from vmic.model._status import OperationalStatus
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    from vmic.model._host import VM

__all__ = [
    "CopyResult",
    "Explainer",
    "Explanation",
    "ShutdownResult",
    "WaitFor",
    "WaitKind",
    "WaitResult",
    "check_path",
    "check_seconds",
    "disable_command",
    "host_explanation",
    "read_wait",
]

_GSI: Final = IntegrationService.GUEST_SERVICE_INTERFACE
#: What ``$Family`` the wait script compares ``IPAddress.AddressFamily`` with.
FAMILIES: Final = {None: "", 4: "InterNetwork", 6: "InterNetworkV6"}


class WaitKind(NamedEnum):
    """What a wait waits for."""

    HEARTBEAT = "heartbeat"
    IP = "ip"
    KVP = "kvp"

    def __repr__(self) -> str:
        return f"WaitKind.{self.name}"


def _family(_instance: object, _attribute: object, value: int | None) -> None:
    if value not in FAMILIES:
        raise ConfigurationError(f"an IP version must be 4, 6 or None, not {value!r}")


@attrs.frozen
class WaitFor:
    """What to wait for: see :meth:`heartbeat`, :meth:`address`, :meth:`kvp` and :meth:`parse`.

    Attributes:
        kind: Heartbeat OK, an address reported, or a guest KVP item present.
        key: The KVP item's exact name (``kvp`` only).
        prefix: An address must start with it (``ip`` only; "" for any).
        family: 4 or 6 for that IP version only; None for either (``ip`` only).
    """

    kind: WaitKind = attrs.field(validator=attrs.validators.instance_of(WaitKind))
    key: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    prefix: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    family: int | None = attrs.field(default=None, validator=_family)

    def __attrs_post_init__(self) -> None:
        check_text(self.key, what="KVP key")
        check_text(self.prefix, what="address prefix")
        if (self.kind is WaitKind.KVP) != bool(self.key):
            msg = "a KVP key is needed to wait for a KVP item, and only then"
            raise ConfigurationError(msg)
        if self.kind is not WaitKind.IP and (self.prefix or self.family is not None):
            msg = "a prefix or IP version applies only to waiting for an address"
            raise ConfigurationError(msg)

    @classmethod
    def heartbeat(cls) -> WaitFor:
        """The Heartbeat service reports OK (the guest booted and its side runs)."""
        return cls(WaitKind.HEARTBEAT)

    @classmethod
    def address(cls, *, prefix: str = "", version: int | None = None) -> WaitFor:
        """The guest reports an IP address (through Data Exchange), optionally of one kind."""
        return cls(WaitKind.IP, prefix=prefix, family=version)

    @classmethod
    def kvp(cls, key: str) -> WaitFor:
        """The guest reports the KVP item *key* (its own items or the intrinsic ones)."""
        return cls(WaitKind.KVP, key=key)

    @classmethod
    def parse(cls, text: str) -> WaitFor:
        """Read ``heartbeat``, ``ip``, ``ipv4``, ``ipv6`` or ``kvp:KEY``.

        Raises:
            vmic.ConfigurationError: Anything else.
        """
        word = text.strip()
        if word == "heartbeat":
            return cls.heartbeat()
        if word in {"ip", "ipv4", "ipv6"}:
            return cls.address(version={"ip": None, "ipv4": 4, "ipv6": 6}[word])
        if word.startswith("kvp:") and len(word) > len("kvp:"):
            return cls.kvp(text.split(":", 1)[1])
        msg = f"expected heartbeat, ip, ipv4, ipv6 or kvp:KEY, not {text!r}"
        raise ConfigurationError(msg)

    @property
    def service(self) -> IntegrationService:
        """The integration service that carries what is waited for."""
        if self.kind is WaitKind.HEARTBEAT:
            return IntegrationService.HEARTBEAT
        return IntegrationService.KEY_VALUE_PAIR_EXCHANGE

    def __str__(self) -> str:
        if self.kind is WaitKind.KVP:
            return f"kvp:{self.key}"
        if self.kind is WaitKind.HEARTBEAT:
            return "heartbeat"
        word = "ip" if self.family is None else f"ipv{self.family}"
        return f"{word} {self.prefix}*" if self.prefix else word


@attrs.frozen
class WaitResult:
    """What a wait saw when it was met.

    Attributes:
        vm: The VM.
        until: What was waited for.
        seconds: How long the host waited.
        polls: How many times it looked.
        values: What it saw: the addresses (``ip``), the item's value (``kvp``), ``Ok``.
    """

    vm: str
    until: WaitFor
    seconds: float
    polls: int
    values: tuple[str, ...]

    @property
    def addresses(self) -> tuple[str, ...]:
        """The addresses reported (empty unless waiting for one)."""
        return self.values if self.until.kind is WaitKind.IP else ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``until`` as ``vmic wait --for`` spells it)."""
        return {
            "until": str(self.until),
            "seconds": self.seconds,
            "polls": self.polls,
            "values": list(self.values),
        }

    def __str__(self) -> str:
        seen = f": {', '.join(self.values)}" if self.until.kind is not WaitKind.HEARTBEAT else ""
        return f"{self.vm}: {self.until} after {self.seconds:g}s{seen}"

    def __repr__(self) -> str:
        return f"<WaitResult {named(self.vm)}: {self.until} after {self.seconds:g}s>"


@attrs.frozen
class CopyResult:
    """A file copied from the host into a guest (``Copy-VMFile`` copies host to guest only).

    Attributes:
        vm: The VM.
        source: The file on the host.
        destination: Where it went in the guest.
        bytes: Its size.
        enabled_service: Whether this copy enabled Guest Service Interface on the host first.
    """

    vm: str
    source: str
    destination: str
    bytes: int
    enabled_service: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "source": self.source,
            "destination": self.destination,
            "bytes": self.bytes,
            "enabled_service": self.enabled_service,
        }

    def __str__(self) -> str:
        enabled = "enabled Guest Service Interface, " if self.enabled_service else ""
        left = ""
        if self.enabled_service:
            # Every change vmic makes is said, with the command that takes it back.
            command = disable_command(self.vm, _GSI)
            left = f"; Guest Service Interface stays enabled (to turn it off: {command})"
        return (
            f"{self.vm}: {enabled}copied {self.source} (host) to {self.destination} "
            f"(guest), {self.bytes} bytes{left}"
        )

    def __repr__(self) -> str:
        size = counted(self.bytes, "byte")
        return f"<CopyResult {named(self.vm)}: {size} to {named(self.destination)}>"


@attrs.frozen
class ShutdownResult:
    """How a VM went off.

    Attributes:
        vm: The VM.
        before: Its state before (``Off`` when there was nothing to do).
        after: Its state after.
        seconds: How long the host waited.
        turned_off: Whether it was turned off (``Stop-VM -TurnOff``, a power cut) after the
            timeout.
        forced: Whether the guest was asked with ``Stop-VM -Force`` (a clean shutdown that a
            locked guest, or one with unsaved work, cannot refuse).
        reason: Why a clean shutdown did not finish ("" when it did).
    """

    vm: str
    before: str
    after: str
    seconds: float
    turned_off: bool = False
    forced: bool = False
    reason: str = ""

    @property
    def already_off(self) -> bool:
        """Whether the VM was off before (nothing was done)."""
        return self.before.lower() == "off"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "before": self.before,
            "after": self.after,
            "seconds": self.seconds,
            "turned_off": self.turned_off,
            "forced": self.forced,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        if self.already_off:
            return f"{self.vm}: already off, nothing done"
        if self.turned_off:
            return (
                f"{self.vm}: TURNED OFF (power cut, not a clean shutdown) after "
                f"{self.seconds:g}s: {self.reason}"
            )
        how = " (Stop-VM -Force)" if self.forced else ""
        return f"{self.vm}: shut down cleanly{how} in {self.seconds:g}s"

    def __repr__(self) -> str:
        how = "turned off" if self.turned_off else self.after.lower() or "unknown"
        return f"<ShutdownResult {named(self.vm)}: {cut(how, 20)} after {self.seconds:g}s>"


@attrs.frozen
class Explanation:
    """Whether a service works for a VM and, if not, why.

    Attributes:
        functioning: Whether the service works on both sides.
        cause: Why not, when known.
        reason: Why not, in one sentence ("" when it works).
        diagnosis: The diagnosis it comes from, when there is one (a ``VMDiagnosis``).
    """

    functioning: bool
    cause: Cause | None = None
    reason: str = ""
    diagnosis: object = None

    def __repr__(self) -> str:
        if self.functioning:
            return "<Explanation functioning>"
        return f"<Explanation not functioning: {self.cause or cut(self.reason, 60)}>"


class Explainer(Protocol):
    """Says whether *service* works for a VM the host observed, and why not."""

    def __call__(self, observation: VM, service: IntegrationService, /) -> Explanation:
        """Explain *service* for the VM of *observation*."""
        ...


_HOST_STATUS_CAUSES: Final = {
    OperationalStatus.NO_CONTACT: Cause.NO_CONTACT,
    OperationalStatus.LOST_COMMUNICATION: Cause.LOST_COMMUNICATION,
    OperationalStatus.PROTOCOL_MISMATCH: Cause.INTEGRATION_SERVICES_OUTDATED,
}


def host_explanation(observation: VM, service: IntegrationService) -> Explanation:
    """What the host alone tells about *service*: VM off, disabled, or the guest side silent.

    The host cannot tell *why* a guest side is silent (a daemon not installed, a service
    stopped...); :func:`vmic.diagnosis.explainer` asks the guest for that.
    """
    name = service.english_name
    if not observation.running:
        return Explanation(
            functioning=False,
            cause=Cause.VM_NOT_RUNNING,
            reason=f"the VM is {observation.state.value.replace('_', ' ')}, not running",
        )
    component = observation.service(service)
    if component is None:
        return Explanation(
            functioning=False,
            cause=Cause.NOT_AVAILABLE_ON_GUEST_OS,
            reason=f"the host lists no {name} component for this VM",
        )
    if not component.enabled:
        return Explanation(
            functioning=False,
            cause=Cause.DISABLED_ON_HOST,
            reason=f"{name} is disabled in the VM's settings on the host",
        )
    status = component.primary_status
    if status is OperationalStatus.OK:
        return Explanation(functioning=True)
    cause = _HOST_STATUS_CAUSES.get(status) if status is not None else None
    shown = component.primary_status_description or (status.dotnet_name if status else "no status")
    return Explanation(
        functioning=False,
        cause=cause or Cause.COMPONENT_ERROR,
        reason=f"the host reports {name} as {shown!r}: the guest side does not answer",
    )


def disable_command(vm: str, service: IntegrationService) -> str:
    """The ``vmic`` command that disables *service* for the VM named exactly *vm*."""
    return shlex.join(["vmic", "disable", f"--vm={vm}", service.value])


def check_seconds(value: object, *, what: str) -> float:
    """A positive, finite number of seconds.

    Raises:
        vmic.ConfigurationError: Anything else.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{what} must be seconds (a number), not {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ConfigurationError(f"{what} must be more than 0 seconds, not {value!r}")
    return float(value)


def check_path(value: object, *, what: str) -> str:
    """A path to hand to the host: non-empty text without NUL.

    Raises:
        vmic.ConfigurationError: Not text, or empty.
        vmic.UnsafeValueError: It holds a NUL or an unpaired surrogate.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"the {what} must be a non-empty path, not {value!r}")
    return check_text(value, what=f"the {what}")


def read_wait(section: str) -> tuple[bool, float, int, tuple[str, ...]]:
    """The ``wait`` section: met, seconds, polls, values.

    Raises:
        vmic.ParseError: It is not what the wait script prints.
    """
    data = load_json(section, section="wait")
    if not isinstance(data, dict):
        msg = "the 'wait' section is not an object"
        raise ParseError(msg, source=section)
    met, seconds, polls = data.get("Met"), data.get("Seconds"), data.get("Polls")
    values = data.get("Values") or []
    if isinstance(values, str):  # ConvertTo-Json prints a one-element array as its element
        values = [values]
    if (
        not isinstance(met, bool)
        or isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or isinstance(polls, bool)
        or not isinstance(polls, int)
        or not isinstance(values, list)
    ):
        raise ParseError(f"the 'wait' section is not what the wait script prints: {data!r}")
    return met, float(seconds), polls, tuple(str(v) for v in values)
