"""The lab's side of the operations: waits, ``Copy-VMFile`` and ``Stop-VM``, in simulated time.

Waits run in the host's :class:`~vmic.testing._clock.SimulatedClock`: a wait of 60 seconds
advances it by 60 seconds and returns at once.

What the lab does, as Hyper-V does:

- the heartbeat is OK only while the VM runs and Heartbeat works on both sides;
- the guest reports addresses and KVP items only while Data Exchange works on both sides
  (a Linux guest without its KVP daemon never reports one);
- ``Copy-VMFile`` fails while the VM is off, while Guest Service Interface is disabled on
  the host or its guest side does not work; it refuses to replace a file without ``-Force``
  and to create directories without ``-CreateFullPath``; copied files are kept in
  :attr:`FakeVM.files <vmic.testing.FakeVM.files>`;
- ``Stop-VM`` shuts the guest down only when the Shutdown service works (the VM is off
  :attr:`FakeVM.shutdown_seconds <vmic.testing.FakeVM.shutdown_seconds>` later); otherwise
  it fails and the VM keeps running. A guest that is locked or has unsaved work
  (:attr:`FakeVM.locked <vmic.testing.FakeVM.locked>`) refuses it unless it comes with
  ``-Force`` (still a clean shutdown: "If the virtual machine is locked, it is shut down
  immediately", Stop-VM's reference page). ``Stop-VM -TurnOff`` turns the VM off at once.
  Every call is written to :attr:`FakeVM.power_log <vmic.testing.FakeVM.power_log>`.

The error messages are close to Hyper-V's but not verbatim (UNCERTAIN wording: the
reference notes hold no sample of them).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from vmic.errors import UnknownCommandError
from vmic.model._services import IntegrationService
from vmic.testing import _render
from vmic.testing._inventory import inventory_parts, one_vm
from vmic.testing._shell import Reply, error_reply, flag, number, plain_text, sections

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors._command import Command
    from vmic.testing._clock import SimulatedClock
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._vm import FakeVM

__all__ = ["answer_copy", "answer_shutdown", "answer_wait", "reported_items"]

_HEARTBEAT: Final = IntegrationService.HEARTBEAT
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_GSI: Final = IntegrationService.GUEST_SERVICE_INTERFACE
_SHUTDOWN: Final = IntegrationService.SHUTDOWN
# The intrinsic items that carry each address family (the wait script's $Family).
_ADDRESS_ITEMS: Final = {
    "": ("NetworkAddressIPv4", "NetworkAddressIPv6"),
    "InterNetwork": ("NetworkAddressIPv4",),
    "InterNetworkV6": ("NetworkAddressIPv6",),
}


def _poll(
    clock: SimulatedClock,
    command: Command,
    check: Callable[[], bool],
) -> tuple[bool, float, int]:
    """The wait loop of the host scripts, in simulated time: met, seconds, polls."""
    timeout = number(command, "Timeout")
    delay = number(command, "Poll")
    longest = number(command, "MaxPoll")
    start = clock.now
    polls = 0
    while True:
        polls += 1
        if check():
            return True, clock.now - start, polls
        left = timeout - (clock.now - start)
        if left <= 0:
            return False, clock.now - start, polls
        clock.advance(min(delay, left))
        delay = min(delay * 2, longest)


def _works(vm: FakeVM, service: IntegrationService) -> bool:
    return vm.running and bool(vm.integration.state(service).functioning)


def reported_items(vm: FakeVM) -> dict[str, str]:
    """The KVP items the host sees from the guest: intrinsic and the guest's own."""
    items = _render.intrinsic_items(vm)
    if items:
        items.update(vm.guest_items)
    return items


def _seen(vm: FakeVM, command: Command) -> list[str]:
    if not vm.running:
        return []
    kind = plain_text(command, "For")
    if kind == "heartbeat":
        return ["Ok"] if _works(vm, _HEARTBEAT) else []
    items = reported_items(vm)
    if kind == "ip":
        prefix = plain_text(command, "Prefix").lower()
        family = plain_text(command, "Family")
        addresses = [
            address
            for key in _ADDRESS_ITEMS[family]
            for address in items.get(key, "").split(";")
            if address
        ]
        return [address for address in addresses if address.lower().startswith(prefix)]
    if kind == "kvp":
        key = plain_text(command, "Key")
        return [items[key]] if key in items else []
    raise UnknownCommandError(f"{command.summary()}: cannot wait for {kind!r}")


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def answer_wait(host: HyperVState, command: Command) -> Reply:
    """``host-wait``: poll in simulated time, then the inventory of the VM."""
    vm = one_vm(host, plain_text(command, "VMName"))
    if isinstance(vm, Reply):
        return vm
    seen: list[str] = []

    def check() -> bool:
        seen[:] = _seen(vm, command)
        return bool(seen)

    met, seconds, polls = _poll(host.clock, command, check)
    wait = _json({"Met": met, "Seconds": seconds, "Polls": polls, "Values": seen})
    return Reply(stdout=sections(("wait", wait), *inventory_parts(host, vm.name)))


def _refusal(vm: FakeVM) -> str | None:
    if not vm.running:
        return (
            "The operation cannot be performed while the virtual machine is in its current state."
        )
    state = vm.integration.state(_GSI)
    if not state.host_enabled:
        return (
            "Failed to initiate copying files to the guest: the Guest Service Interface "
            "integration service is not enabled."
        )
    if not state.functioning:
        return (
            "Failed to initiate copying files to the guest: the guest service interface does "
            "not respond (the device is not ready)."
        )
    return None


def answer_copy(host: HyperVState, command: Command) -> Reply:
    """``host-copy-file``: ``Copy-VMFile -FileSource Host`` (with ``Check``: the checks only)."""
    vm = one_vm(host, plain_text(command, "VMName"))
    if isinstance(vm, Reply):
        return vm
    source = plain_text(command, "Source")
    destination = plain_text(command, "Destination")
    create, overwrite = flag(command, "CreatePath"), flag(command, "Overwrite")
    data = host.host_files.get(source)
    if data is None:
        return error_reply("source-missing")
    if flag(command, "Check"):
        return Reply(stdout=sections(("checked", _json({"Bytes": len(data)}))))
    refusal = _refusal(vm)
    if refusal is None:
        refusal = vm.receive_file(
            destination,
            data,
            name=source.replace("/", "\\").rsplit("\\", 1)[-1],
            create_path=create,
            overwrite=overwrite,
        )
    if refusal is not None:
        return error_reply("copy-failed", refusal)
    return Reply(stdout=sections(("copied", _json({"Bytes": len(data)}))))


def answer_shutdown(host: HyperVState, command: Command) -> Reply:
    """``host-shutdown``: ``Stop-VM`` (with ``-Force`` if asked), wait, ``-TurnOff`` if asked."""
    vm = one_vm(host, plain_text(command, "VMName"))
    if isinstance(vm, Reply):
        return vm
    force, turn_off = flag(command, "Force"), flag(command, "TurnOff")
    before = "Running" if vm.running else "Off"
    refused = ""
    turned_off = False
    seconds = 0.0
    if vm.running:
        vm.power_log += ("Stop-VM -Force" if force else "Stop-VM",)
        if not _works(vm, _SHUTDOWN):
            refused = (
                f"Failed to shut down the virtual machine {vm.name!r}: the Shutdown integration "
                "service is not available in the guest."
            )
        elif vm.locked and not force:
            # Wording UNCERTAIN: what the reference page implies (a locked guest shuts down
            # only with -Force), in the words of Hyper-V's message as administrators quote it.
            refused = (
                "The virtual machine is locked. An interactive shutdown may cause applications "
                "to lose data. To shut down the virtual machine anyway, use the -Force parameter."
            )
        else:
            # A locked guest asked with -Force shuts down at once (Stop-VM's reference page).
            delay = 0.0 if vm.locked else vm.shutdown_seconds
            host.clock.call_later(delay, vm.power_off)
        met, seconds, _ = _poll(host.clock, command, lambda: not vm.running)
        if not met and turn_off:
            vm.power_log += ("Stop-VM -TurnOff",)
            vm.power_off()
            turned_off = True
    shutdown = _json(
        {
            "Before": before,
            "After": "Running" if vm.running else "Off",
            "Seconds": seconds,
            "Forced": force,
            "TurnedOff": turned_off,
            "Refused": refused,
        }
    )
    return Reply(stdout=sections(("shutdown", shutdown)))
