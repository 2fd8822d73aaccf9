"""The host asking its Windows guests itself: ``host-inventory-guests``.

The simulated host answers the fan-out the way the script does: the inventory, then every
running guest whose KVP ``OSName`` is empty or says Windows. A guest whose ``OSVersion`` is
older than 10.0 (before Windows 10 / Windows Server 2016) is not asked: PowerShell Direct
does not exist there, and the guest is listed as ``not-available``. The others are asked
"by PowerShell Direct", ``$VmicThrottle`` at a time, each within ``$VmicGuestTimeout``
seconds. The command takes the host's latency plus, for each wave of guests, its slowest
guest's (capped at the guest timeout), so a benchmark sees what a real host would cost. A
guest's fault (see :attr:`FakeVM.guest_fault <vmic.testing.FakeVM.guest_fault>`) becomes
that guest's outcome; the other guests are unaffected. Nothing is sent to the guests' own
executors: their journals stay empty.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import UnknownCommandError
from vmic.model._services import GuestOnlyService
from vmic.parsers._json import dumps
from vmic.testing import _render
from vmic.testing._faults import GARBAGE, FaultKind
from vmic.testing._guest_scripts import powershell_guard, windows_observe
from vmic.testing._inventory import inventory_parts
from vmic.testing._shell import Plan, Reply, number, sections

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._vm import FakeVM

__all__ = ["plan_fan_out"]

_NEWLINE: Final = "\n"
_REASONS: Final = {
    FaultKind.CONNECTION_REFUSED: "The virtual machine's PowerShell Direct session could not "
    "be opened (simulated)",
    FaultKind.AUTHENTICATION_FAILED: "The credential is invalid (simulated)",
}
#: The first Windows with PowerShell Direct: 10.0 (Windows 10, Windows Server 2016).
_DIRECT_MAJOR: Final = 10


@attrs.frozen
class _Guest:
    vm: FakeVM
    seconds: float
    outcome: str
    reason: str
    output: str


def _ask(vm: FakeVM, timeout: float) -> _Guest:
    """What one guest answers, and how long it takes (under the host's lock)."""
    host = vm.host
    seconds = host.latency if vm.guest_latency is None else vm.guest_latency
    fault = vm.guest_faults.take()
    if fault is not None and fault.kind is FaultKind.TIMEOUT:
        seconds = math.inf
    if seconds > timeout:
        return _Guest(vm, timeout, "timeout", f"no answer within {timeout:g}s", "")
    if fault is not None and fault.kind is FaultKind.GARBAGE_OUTPUT:
        return _Guest(vm, seconds, "answered", "", GARBAGE)
    if fault is not None:
        return _Guest(vm, seconds, "failed", _REASONS[fault.kind], "")
    direct = vm.integration.state(GuestOnlyService.POWERSHELL_DIRECT).guest
    if direct is None or not direct.installed:
        reason = "The virtual machine's PowerShell Direct service does not answer (simulated)"
        return _Guest(vm, seconds, "failed", reason, "")
    too_old = powershell_guard(vm)
    output = windows_observe(vm) if too_old is None else too_old.stdout
    return _Guest(vm, seconds, "answered", "", output)


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None


def _targets(host: HyperVState) -> tuple[list[FakeVM], list[_Guest]]:
    """The VMs to ask, and those whose guest reports a Windows too old to be asked."""
    chosen: list[FakeVM] = []
    older: list[_Guest] = []
    for vm in host.vms:
        if not vm.running:
            continue
        items = _render.intrinsic_items(vm)
        os_name = items.get("OSName", "")
        if os_name and not os_name.startswith("Windows"):
            continue
        major = _major(items.get("OSVersion", ""))
        if os_name and major is not None and major < _DIRECT_MAJOR:
            reason = f"{os_name} {items.get('OSVersion', '')}".strip()
            older.append(_Guest(vm, 0.0, "not-available", reason, ""))
            continue
        chosen.append(vm)
    return chosen, older


def plan_fan_out(host: HyperVState, command: Command) -> Plan:
    """The plan for ``host-inventory-guests`` (see the module docstring)."""
    throttle = int(number(command, "VmicThrottle", least=1))
    timeout = number(command, "VmicGuestTimeout", least=0.001)
    for name in ("VmicUser", "VmicPassword", "VmicGuestScript"):
        if name not in command.parameters:
            raise UnknownCommandError(f"{command.summary()} needs the parameter {name!r}")
    targets, older = _targets(host)
    asked = [_ask(vm, timeout) for vm in targets]
    # Waves of `throttle` guests, each as slow as its slowest guest.
    seconds = sum(
        max(guest.seconds for guest in asked[start : start + throttle])
        for start in range(0, len(asked), throttle)
    )

    def run() -> Reply:
        entries = [
            {
                "VMId": str(guest.vm.id).upper(),
                "Outcome": guest.outcome,
                "Reason": guest.reason,
                "Output": guest.output,
            }
            for guest in (*older, *asked)
        ]
        text = dumps(entries, powershell=host.powershell, newline=_NEWLINE) or "[]"
        return Reply(stdout=sections(*inventory_parts(host, None), ("guests", text)))

    return Plan("inventory-guests", mutating=False, run=run, latency=seconds)
