"""The lab's side of the operations: waits, ``Copy-VMFile`` and ``Stop-VM``, in simulated time.

Time in the lab is a :class:`SimulatedClock`: a wait of 60 seconds advances the clock by
60 seconds and returns at once, so tests of waits and timeouts are fast and give the same
answer every run. :meth:`SimulatedClock.call_later` plans a change (a daemon installed, a
lease obtained) at a moment of simulated time; the clock applies it when a wait reaches it.

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
  it fails and the VM keeps running; ``Stop-VM -TurnOff`` turns it off at once.

The error messages are close to Hyper-V's but not verbatim (UNCERTAIN wording: the
reference notes hold no sample of them).
"""

from __future__ import annotations

import heapq
import itertools
import json
from typing import TYPE_CHECKING, Final

from vmic.clients import _scripts
from vmic.errors import ConfigurationError, UnknownCommandError
from vmic.executors._command import Secret
from vmic.model._services import IntegrationService
from vmic.testing import _render
from vmic.testing._shell import Reply

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors._command import Command
    from vmic.testing._host import FakeHyperVHost
    from vmic.testing._vm import FakeVM

__all__ = ["SimulatedClock", "answer_copy", "answer_shutdown", "answer_wait"]

_NEWLINE: Final = "\n"
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


class SimulatedClock:
    """The lab's time, in seconds since the lab was built; it moves only when told to."""

    def __init__(self) -> None:
        self._now = 0.0
        self._order = itertools.count()
        self._planned: list[tuple[float, int, Callable[[], object]]] = []

    def __repr__(self) -> str:
        return f"SimulatedClock(now={self._now:g}, {len(self._planned)} planned)"

    @property
    def now(self) -> float:
        """Seconds of simulated time so far."""
        return self._now

    def call_later(self, seconds: float, action: Callable[[], object]) -> None:
        """Run *action* once *seconds* of simulated time have passed.

        Raises:
            vmic.ConfigurationError: *seconds* is negative or not a number.
        """
        checked: object = seconds
        if isinstance(checked, bool) or not isinstance(checked, int | float) or checked < 0:
            raise ConfigurationError(f"seconds must be a number of 0 or more, not {seconds!r}")
        heapq.heappush(self._planned, (self._now + seconds, next(self._order), action))

    def advance(self, seconds: float) -> None:
        """Let *seconds* pass, running what was planned in that time, in order."""
        if seconds < 0:
            raise ConfigurationError(f"time cannot go back ({seconds!r} seconds)")
        end = self._now + seconds
        while self._planned and self._planned[0][0] <= end:
            moment, _, action = heapq.heappop(self._planned)
            self._now = max(self._now, moment)
            action()
        self._now = end


def _poll(
    clock: SimulatedClock,
    command: Command,
    check: Callable[[], bool],
) -> tuple[bool, float, int]:
    """The wait loop of the host scripts, in simulated time: met, seconds, polls."""
    timeout = _number(command, "Timeout")
    delay = _number(command, "Poll")
    longest = _number(command, "MaxPoll")
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


def _number(command: Command, name: str) -> float:
    value = command.parameters.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnknownCommandError(f"{command.summary()} needs a number parameter {name!r}")
    return float(value)


def _text(command: Command, name: str) -> str:
    value = command.parameters.get(name)
    if isinstance(value, Secret) or not isinstance(value, str):
        raise UnknownCommandError(f"{command.summary()} needs a text parameter {name!r}")
    return value


def _flag(command: Command, name: str) -> bool:
    value = command.parameters.get(name)
    if not isinstance(value, bool):
        raise UnknownCommandError(f"{command.summary()} needs a boolean parameter {name!r}")
    return value


def _one_vm(host: FakeHyperVHost, command: Command) -> FakeVM | Reply:
    name = _text(command, "VMName")
    found = [vm for vm in host.vms if vm.name == name]
    if len(found) != 1:
        lines = [_scripts.marker("error"), f"vm-count {len(found)}", _scripts.END]
        return Reply(stdout=_NEWLINE.join(lines) + _NEWLINE, exit_code=_scripts.ERROR_EXIT)
    return found[0]


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
    kind = _text(command, "For")
    if kind == "heartbeat":
        return ["Ok"] if _works(vm, _HEARTBEAT) else []
    items = reported_items(vm)
    if kind == "ip":
        prefix = _text(command, "Prefix").lower()
        family = _text(command, "Family")
        addresses = [
            address
            for key in _ADDRESS_ITEMS[family]
            for address in items.get(key, "").split(";")
            if address
        ]
        return [address for address in addresses if address.lower().startswith(prefix)]
    if kind == "kvp":
        key = _text(command, "Key")
        return [items[key]] if key in items else []
    raise UnknownCommandError(f"{command.summary()}: cannot wait for {kind!r}")


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def answer_wait(host: FakeHyperVHost, command: Command) -> Reply:
    """:data:`~vmic.clients._scripts.HOST_WAIT`: poll in simulated time, then the inventory."""
    vm = _one_vm(host, command)
    if isinstance(vm, Reply):
        return vm
    seen: list[str] = []

    def check() -> bool:
        seen[:] = _seen(vm, command)
        return bool(seen)

    met, seconds, polls = _poll(host.clock, command, check)
    wait = _json({"Met": met, "Seconds": seconds, "Polls": polls, "Values": seen})
    inventory = host.answer_inventory(vm.name)
    return Reply(stdout=_scripts.marker("wait") + _NEWLINE + wait + _NEWLINE + inventory.stdout)


def _windows_path(vm: FakeVM) -> bool:
    return vm.guest_os.is_windows


def _parent(vm: FakeVM, path: str) -> str:
    separator = "\\" if _windows_path(vm) else "/"
    head, _, _ = path.rstrip(separator).rpartition(separator)
    if _windows_path(vm) and len(head) == 2 and head.endswith(":"):
        return head + "\\"
    return head or separator


def _key(vm: FakeVM, path: str) -> str:
    # Windows paths ignore case; Linux paths do not.
    return path.lower() if _windows_path(vm) else path


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


def answer_copy(host: FakeHyperVHost, command: Command) -> Reply:
    """:data:`~vmic.clients._scripts.HOST_COPY_FILE`: ``Copy-VMFile -FileSource Host``."""
    vm = _one_vm(host, command)
    if isinstance(vm, Reply):
        return vm
    source = _text(command, "Source")
    destination = _text(command, "Destination")
    create, overwrite = _flag(command, "CreatePath"), _flag(command, "Overwrite")
    data = host.host_files.get(source)
    if data is None:
        return _error("source-missing")
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
        return _error("copy-failed", refusal)
    copied = _json({"Bytes": len(data)})
    return Reply(stdout=_NEWLINE.join([_scripts.marker("copied"), copied, _scripts.END]) + _NEWLINE)


def _error(word: str, detail: str = "") -> Reply:
    lines = [_scripts.marker("error"), word, *([detail] if detail else []), _scripts.END]
    return Reply(stdout=_NEWLINE.join(lines) + _NEWLINE, exit_code=_scripts.ERROR_EXIT)


def answer_shutdown(host: FakeHyperVHost, command: Command) -> Reply:
    """:data:`~vmic.clients._scripts.HOST_SHUTDOWN`: ``Stop-VM``, wait, ``-TurnOff`` if forced."""
    vm = _one_vm(host, command)
    if isinstance(vm, Reply):
        return vm
    force = _flag(command, "Force")
    before = "Running" if vm.running else "Off"
    refused = ""
    forced = False
    seconds = 0.0
    if vm.running:
        if _works(vm, _SHUTDOWN):
            host.clock.call_later(vm.shutdown_seconds, vm.power_off)
        else:
            refused = (
                f"Failed to shut down the virtual machine {vm.name!r}: the Shutdown integration "
                "service is not available in the guest."
            )
        met, seconds, _ = _poll(host.clock, command, lambda: not vm.running)
        if not met and force:
            vm.power_off()
            forced = True
    shutdown = _json(
        {
            "Before": before,
            "After": "Running" if vm.running else "Off",
            "Seconds": seconds,
            "Forced": forced,
            "Refused": refused,
        }
    )
    return Reply(
        stdout=_NEWLINE.join([_scripts.marker("shutdown"), shutdown, _scripts.END]) + _NEWLINE
    )


def check_guest_path(vm: FakeVM, path: str) -> str:
    """The key of *path* in the guest's file system (case-folded in a Windows guest)."""
    return _key(vm, path)


def parent_of(vm: FakeVM, path: str) -> str:
    """The directory *path* is in, in the guest's path syntax."""
    return _parent(vm, path)
