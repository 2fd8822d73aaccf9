"""The host asking its Windows guests itself: :data:`~vmic.clients._scripts.HOST_INVENTORY_GUESTS`.

The simulated host answers the fan-out the way the real script does: the inventory,
then every running guest whose KVP ``OSName`` is empty or says Windows asked "by
PowerShell Direct", ``$VmicThrottle`` at a time, each within ``$VmicGuestTimeout`` seconds. The
command takes the host's latency plus, for each wave of guests, its slowest guest's
(capped at the guest timeout), so a benchmark sees what a real host would cost. A guest's
fault (see :attr:`FakeVM.guest_fault`) becomes that guest's ``Reason``; the other guests
are unaffected. Nothing is sent to the guests' own executors: their journals stay empty.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import attrs

from vmic.clients import _scripts
from vmic.errors import UnknownCommandError
from vmic.model._services import GuestOnlyService
from vmic.parsers._json import dumps
from vmic.testing import _render
from vmic.testing._faults import GARBAGE, FaultKind
from vmic.testing._plain import Plan
from vmic.testing._shell import Reply

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.testing._host import FakeHyperVHost
    from vmic.testing._vm import FakeVM

__all__ = ["plan_fan_out"]

_NEWLINE: Final = "\n"
_REASONS: Final = {
    FaultKind.CONNECTION_REFUSED: "The virtual machine's PowerShell Direct session could not "
    "be opened (simulated)",
    FaultKind.AUTHENTICATION_FAILED: "The credential is invalid (simulated)",
}


@attrs.frozen
class _Guest:
    vm: FakeVM
    seconds: float
    reason: str
    output: str


def _number(command: Command, name: str, least: float) -> float:
    value = command.parameters.get(name)
    try:
        number = float(str(value))
    except ValueError:
        number = math.nan
    if not isinstance(value, str) or not number >= least or not math.isfinite(number):
        raise UnknownCommandError(f"{command.summary()} needs a number parameter {name!r}")
    return number


def _ask(vm: FakeVM, timeout: float) -> _Guest:
    """What one guest answers, and how long it takes (under the host's lock)."""
    host = vm.host
    seconds = host.latency if vm.guest_latency is None else vm.guest_latency
    fault = vm._guest_faults.take()
    if fault is not None and fault.kind is FaultKind.TIMEOUT:
        seconds = math.inf
    if seconds > timeout:
        return _Guest(vm, timeout, f"no answer within {timeout:g}s", "")
    if fault is not None and fault.kind is FaultKind.GARBAGE_OUTPUT:
        return _Guest(vm, seconds, "", GARBAGE)
    if fault is not None:
        return _Guest(vm, seconds, _REASONS[fault.kind], "")
    direct = vm.integration.state(GuestOnlyService.POWERSHELL_DIRECT).guest
    if not vm.guest_os.is_windows or direct is None:
        reason = "the guest cannot run PowerShell Direct (Windows 10 / Server 2016 or later)"
        return _Guest(vm, seconds, reason, "")
    return _Guest(vm, seconds, "", vm.guest_executor().observe_windows_output())


def _targets(host: FakeHyperVHost) -> list[FakeVM]:
    """Running VMs whose intrinsic KVP ``OSName`` is empty or starts with ``Windows``."""
    chosen = []
    for vm in host.vms:
        if not vm.running:
            continue
        os_name = _render.intrinsic_items(vm).get("OSName", "")
        if os_name and not os_name.startswith("Windows"):
            continue
        chosen.append(vm)
    return chosen


def plan_fan_out(host: FakeHyperVHost, command: Command) -> Plan:
    """The plan for a fan-out command (see the module docstring)."""
    throttle = int(_number(command, "VmicThrottle", 1))
    timeout = _number(command, "VmicGuestTimeout", 0.001)
    for name in ("VmicUser", "VmicPassword", "VmicGuestScript"):
        if name not in command.parameters:
            raise UnknownCommandError(f"{command.summary()} needs the parameter {name!r}")
    guests = [_ask(vm, timeout) for vm in _targets(host)]
    # Waves of `throttle` guests, each as slow as its slowest guest.
    seconds = sum(
        max(guest.seconds for guest in guests[start : start + throttle])
        for start in range(0, len(guests), throttle)
    )

    def run() -> Reply:
        inventory = host.answer_inventory(None).stdout
        entries = [
            {"VMId": str(guest.vm.id).upper(), "Reason": guest.reason, "Output": guest.output}
            for guest in guests
        ]
        text = dumps(entries, powershell=host.powershell, newline=_NEWLINE) or "[]"
        body = inventory.removesuffix(_scripts.END + _NEWLINE)
        parts = [body + _scripts.marker("guests"), text, _scripts.END]
        return Reply(stdout=_NEWLINE.join(parts) + _NEWLINE)

    return Plan("inventory-guests", mutating=False, run=run, latency=seconds)
