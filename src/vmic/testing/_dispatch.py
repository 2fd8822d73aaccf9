"""The lab's one dispatcher: what a simulated host or guest makes of a command.

A script vmic sends says what it is in its first lines (``vmic-script: NAME``, see
:mod:`vmic.executors._script_files`); the dispatcher looks the name up among vmic's scripts,
checks that the command carries exactly the parameters the script's contract names, and
hands it to the code that does what the script does to the machine's state. Any other
PowerShell text is a command typed as Microsoft's articles show it (:mod:`vmic.testing._typed`),
or one of the generic one-liners of the executor contract (:mod:`vmic.testing._shell`).

Before anything runs, every PowerShell text is held to the documented contracts
(:mod:`vmic.testing._contracts`) for the PowerShell that answers: the host's (Windows
PowerShell 5.1 by default) or the guest's (a Windows 7 guest runs 2.0). Syntax it does not
have is a parse error, a cmdlet call that fits no documented parameter set fails, as they
would on a real machine. vmic's Windows guest scripts first check the PowerShell version;
on 2.0 they stop there with ``powershell-version 2.0``, and so does the lab.

Returns None for what the machine does not understand (the executor raises
:class:`vmic.UnknownCommandError`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

from packaging.version import Version

from vmic.clients._scripts import scripts
from vmic.executors._command import Shell
from vmic.executors._script_files import script_name
from vmic.testing import _guest_scripts, _inventory, _kvp, _operations, _typed
from vmic.testing._contracts import (
    call_refusal,
    edition_of,
    reading,
    syntax_refusal,
    unknown_wmi,
)
from vmic.testing._fan_out import plan_fan_out
from vmic.testing._guest_scripts import GUARD, powershell_guard
from vmic.testing._shell import Plan, Reply, answer_primitive, names, plain_text, sections

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors._command import Command
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._powershell import Reading
    from vmic.testing._vm import FakeVM

__all__ = ["plan_guest", "plan_host"]

_CRLF: Final = "\r\n"
_FIVE_ONE: Final = "5.1"


def _plan(action: str, run: Callable[[], Reply], *, mutating: bool = False) -> Plan:
    return Plan(action, mutating=mutating, run=run)


# What the host does with each of vmic's host scripts.
_HOST: Final[dict[str, Callable[[HyperVState, Command, Reading], Plan]]] = {
    "host-inventory": lambda host, _c, _r: _plan(
        "inventory", lambda: _inventory.inventory(host, None)
    ),
    "host-inventory-vm": lambda host, command, _r: _plan(
        "inventory", lambda: _inventory.inventory(host, plain_text(command, "VMName"))
    ),
    "host-inventory-guests": lambda host, command, _r: plan_fan_out(host, command),
    "host-set-services": lambda host, command, _r: _plan(
        "set-integration-services",
        lambda: _inventory.set_services(
            host,
            plain_text(command, "Select"),
            names(command, "VMs"),
            names(command, "Enable"),
            names(command, "Disable"),
        ),
        mutating=True,
    ),
    "host-wait": lambda host, command, _r: _plan(
        "wait", lambda: _operations.answer_wait(host, command)
    ),
    "host-copy-file": lambda host, command, _r: _plan(
        "copy-vmfile",
        lambda: _operations.answer_copy(host, command),
        # With Check the script only looks (the VM, the source file): nothing changes.
        mutating=command.parameters.get("Check") is not True,
    ),
    "host-shutdown": lambda host, command, _r: _plan(
        "stop-vm", lambda: _operations.answer_shutdown(host, command), mutating=True
    ),
    "host-kvp-read": lambda host, command, _r: _plan(
        "kvp-items", lambda: _kvp.host_read(host, command)
    ),
    "host-kvp-change": lambda host, command, found: _plan(
        "kvp-change",
        lambda: _kvp.host_change(
            host,
            command,
            json_whole=bool(found.json_whole) and host.powershell == _FIVE_ONE,
        ),
        mutating=True,
    ),
}

# What a Windows guest does with each of vmic's Windows guest scripts.
_WINDOWS: Final[dict[str, Callable[[FakeVM, Command], Plan]]] = {
    "windows-observe": lambda vm, _c: _plan(
        "observe-windows", lambda: Reply(stdout=_guest_scripts.windows_observe(vm))
    ),
    "windows-version": lambda vm, _c: _plan(
        "reg-query",
        lambda: Reply(stdout=sections(("reg", _guest_scripts.registry(vm)))),
    ),
    "windows-services": lambda vm, _c: _plan(
        "get-service",
        lambda: Reply(stdout=sections(("services", _guest_scripts.services(vm)))),
    ),
    "windows-start": lambda vm, command: _plan(
        "start-service",
        lambda: _guest_scripts.service_action(vm, "windows-start", command),
        mutating=True,
    ),
    "windows-stop": lambda vm, command: _plan(
        "stop-service",
        lambda: _guest_scripts.service_action(vm, "windows-stop", command),
        mutating=True,
    ),
    "windows-set-startup": lambda vm, command: _plan(
        "set-service",
        lambda: _guest_scripts.service_action(vm, "windows-set-startup", command),
        mutating=True,
    ),
    "windows-kvp-read": lambda vm, _c: _plan("kvp-registry", lambda: _kvp.windows_read(vm)),
    "windows-kvp-publish": lambda vm, command: _plan(
        "kvp-publish", lambda: _kvp.windows_publish(vm, command), mutating=True
    ),
}

# What a Linux guest does with each of vmic's Linux guest scripts.
_LINUX: Final[dict[str, Callable[[FakeVM, Command], Plan]]] = {
    "linux-observe": lambda vm, command: _plan(
        "observe-linux", lambda: _guest_scripts.linux_observe(vm, command)
    ),
    "linux-release": lambda vm, _c: _plan(
        "os-release",
        lambda: Reply(stdout=sections(("os-release", _guest_scripts.release(vm)))),
    ),
    "linux-kvp-pools": lambda vm, _c: _plan("kvp-pools", lambda: _guest_scripts.pools(vm)),
    "linux-start": lambda vm, command: _plan(
        "start-daemon",
        lambda: _guest_scripts.daemon_action(vm, command, start=True),
        mutating=True,
    ),
    "linux-stop": lambda vm, command: _plan(
        "stop-daemon",
        lambda: _guest_scripts.daemon_action(vm, command, start=False),
        mutating=True,
    ),
    "linux-install": lambda vm, command: _plan(
        "install-packages", lambda: _guest_scripts.install(vm, command), mutating=True
    ),
    "linux-kvp-publish": lambda vm, command: _plan(
        "kvp-publish", lambda: _kvp.linux_publish(vm, command), mutating=True
    ),
}


def _refused(action: str, message: str) -> Plan:
    """A command the machine refuses as PowerShell would: its error, exit status 1."""
    return _plan(action, lambda: Reply(stderr=message + _CRLF, exit_code=1))


def _parameters_fit(name: str, command: Command) -> bool:
    """Whether the command carries exactly the parameters the script's contract names."""
    known = scripts().get(name)
    return known is not None and set(command.parameters) == set(known.contract.parameters)


@functools.lru_cache(maxsize=512)
def _verdict(
    text: str, version: Version, editions: tuple[str, ...] | None, *, guarded: bool
) -> tuple[Reading | None, str | None, bool]:
    """Read *text* and hold it to the contracts: (reading, refusal, stopped by the guard).

    A refusal is PowerShell's message. A reading of None: the lab cannot read the text or has
    no reference page for a WMI class it names, so it does not understand it. *guarded*: the
    PowerShell is older than the scripts' version check allows (it stops them there).
    """
    found = reading(text)
    if isinstance(found, str) or unknown_wmi(found) is not None:
        return None, None, False
    refusal = syntax_refusal(found, version)
    if refusal is not None:
        return found, refusal, False
    if guarded and GUARD in text:
        return found, None, True
    return found, call_refusal(found, version, editions=editions), False


def _held(
    text: str, version: Version, editions: tuple[str, ...] | None, *, guard: Reply | None = None
) -> tuple[Reading | None, str | None, Reply | None]:
    """:func:`_verdict`, with the guard's answer when the guard stops the script."""
    found, refusal, stopped = _verdict(text, version, editions, guarded=guard is not None)
    return found, refusal, guard if stopped else None


def plan_host(host: HyperVState, command: Command) -> Plan | None:  # noqa: PLR0911 - one per kind
    """How the host answers *command*, or None when it does not understand it."""
    if command.shell is not Shell.POWERSHELL:
        return None
    primitive = answer_primitive(command)
    if primitive is not None:
        return _plan("shell", lambda: primitive)
    name = script_name(command.script)
    version = Version(host.powershell)
    editions = (edition_of(host.host_os),)
    if name is not None:
        build = _HOST.get(name)
        if build is None or not _parameters_fit(name, command):
            return None
        found, refusal, _ = _held(command.script, version, editions)
        if found is None:
            return None
        if refusal is not None:
            return _refused(name, refusal)
        return build(host, command, found)
    found, refusal, _ = _held(command.script, version, editions)
    if found is not None and refusal is not None:
        return _refused("refused", refusal)
    return _typed.plan_host(host, command.script) if found is not None else None


def plan_guest(vm: FakeVM, command: Command) -> Plan | None:  # noqa: PLR0911 - one per kind
    """How the guest of *vm* answers *command*, or None when it does not understand it."""
    windows = vm.guest_os.is_windows
    if command.shell is not (Shell.POWERSHELL if windows else Shell.POSIX):
        return None
    primitive = answer_primitive(command)
    if primitive is not None:
        return _plan("shell", lambda: primitive)
    name = script_name(command.script)
    if not windows:
        if name is None:
            return _typed.plan_linux(vm, command.script)
        build = _LINUX.get(name)
        if build is None or not _parameters_fit(name, command):
            return None
        return build(vm, command)
    version = vm.powershell_version or Version(_FIVE_ONE)
    guard = powershell_guard(vm)
    found, refusal, stopped = _held(command.script, version, None, guard=guard)
    if found is None:
        return None
    action = name or "refused"
    if refusal is not None:
        return _refused(action, refusal)
    if name is None:
        return _typed.plan_windows(vm, command.script)
    script = _WINDOWS.get(name)
    if script is None or not _parameters_fit(name, command):
        return None
    if stopped is not None:
        return _plan(action, lambda: stopped)
    return script(vm, command)
