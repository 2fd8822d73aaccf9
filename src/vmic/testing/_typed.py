r"""The commands of the specification as a person types them, understood by the lab.

Hyper-V host (PowerShell)::

    Get-VM
    Get-VMIntegrationService [-VMName] <name> [[-Name] <name>[,<name>...]]
    Enable-VMIntegrationService -VMName <name> -Name <name>[,<name>...]
    Disable-VMIntegrationService -VMName <name> -Name <name>[,<name>...]

Windows guest (PowerShell)::

    REG QUERY "HKLM\Software\Microsoft\Virtual Machine\Auto" /v IntegrationServicesVersion
    Get-Service [-Name] vm*|vmic* [| FT -AutoSize]
    Start-Service [-Name] <name>      Stop-Service [-Name] <name>
    Set-Service [-Name] <name> -StartupType Automatic|Manual|Disabled

Linux guest (sh, with or without ``sudo``)::

    lsmod [| grep <text>]         ps -ef [| grep <text>]        ps -ef | hv      ps -axww
    compgen -c <prefix>           pidof <daemon>                pgrep -x <daemon>
    kill -15|-TERM|-SIGTERM <pid>...|`pidof <daemon>`|$(pidof <daemon>)
    <daemon>|<path> [-n]          systemctl start|stop|is-active <unit>

Parameter names and cmdlet names ignore case, as in PowerShell; ``-Name`` is matched
against the names the host shows in its own language ("Takt" on a German host, like
real Hyper-V). VM names are matched whole (the cmdlets' documentation says they take
no wildcards). Values are single- or double-quoted strings or bare words; anything
else (variables, subexpressions, other commands) is not understood. The PowerShell forms
are read with the lab's reader (:mod:`vmic.testing._powershell`), which the dispatcher also
holds to the cmdlets' documented parameter sets.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import InvalidTransitionError
from vmic.model._linux_records import daemon_service, unit_service
from vmic.model._locales import integration_service_name
from vmic.model._records import expand_hive
from vmic.model._services import IntegrationService, guest_service_for
from vmic.model._status import StartType
from vmic.parsers._integration_services import format_vm_integration_services
from vmic.parsers._linux import (
    format_compgen,
    format_lsmod,
    format_ps,
    format_systemctl_is_active,
)
from vmic.parsers._registry import format_reg_query
from vmic.parsers._services import format_get_service
from vmic.parsers._vms import format_get_vm
from vmic.testing import _render
from vmic.testing._powershell import ReadingError, read
from vmic.testing._shell import Plan, Reply

if TYPE_CHECKING:
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._powershell import Call
    from vmic.testing._vm import FakeVM

__all__ = ["plan_host", "plan_linux", "plan_windows"]

_CRLF: Final = "\r\n"
# Localized "no component with that name" error; German from PlagueHO/LabBuilder#183, the
# English one translated back (UNCERTAIN wording).
_NO_COMPONENT: Final = {
    "de-DE": "Ein Parameter ist ungültig. Es wurde keine Integrationskomponente mit dem "
    "angegebenen Namen gefunden.",
    "en-US": "A parameter is invalid. No integration component with the specified name was found.",
}


@attrs.frozen
class _Args:
    """A typed call's arguments: ``-Param value[,value]`` pairs, positional values, switches."""

    name: str
    named: dict[str, list[str]]
    positional: list[list[str]]
    switches: frozenset[str]


def _typed(script: str) -> list[_Args] | None:
    """The stages of a typed one-pipeline command, every argument a literal; else None."""
    try:
        reading = read(script.strip())
    except ReadingError:
        return None
    if reading.statements != 1 or len(reading.pipelines) != 1:
        return None
    stages = reading.pipelines[0]
    calls = [stage for stage in stages if stage is not None]
    if len(calls) != len(stages) or any(call.native for call in calls):
        return None
    found = [_arguments(call) for call in calls]
    return None if any(args is None for args in found) else [a for a in found if a is not None]


def _arguments(call: Call) -> _Args | None:
    named: dict[str, list[str]] = {}
    positional: list[list[str]] = []
    switches: set[str] = set()
    elements = list(call.elements)
    index = 0
    while index < len(elements):
        element = elements[index]
        index += 1
        if element.parameter is None:
            assert element.argument is not None  # noqa: S101 - an element is one or the other
            if element.argument.values is None:
                return None
            positional.append(list(element.argument.values))
            continue
        argument = element.argument
        if argument is None and index < len(elements) and elements[index].parameter is None:
            argument = elements[index].argument
            index += 1
        if argument is None:
            switches.add(element.parameter.casefold())
            continue
        if argument.values is None:
            return None
        named[element.parameter.casefold()] = list(argument.values)
    return _Args(call.cmdlet.casefold(), named, positional, frozenset(switches))


def _argument(call: _Args, name: str, position: int | None) -> list[str] | None:
    if name in call.named:
        return call.named[name]
    if position is not None and position < len(call.positional):
        return call.positional[position]
    return None


def _error(message: str) -> Reply:
    return Reply(stderr=message + _CRLF, exit_code=1)


# --- Hyper-V host -----------------------------------------------------------------------------


def _find_vms(host: HyperVState, names: list[str], cmdlet: str) -> list[FakeVM] | Reply:
    found: list[FakeVM] = []
    for wanted in names:
        matches = [vm for vm in host.vms if vm.name.casefold() == wanted.casefold()]
        if not matches:
            return _error(
                f'{cmdlet} : Hyper-V was unable to find a virtual machine with name "{wanted}".'
            )
        found.extend(matches)
    return found


def _components_named(
    host: HyperVState, names: list[str], cmdlet: str
) -> list[IntegrationService] | Reply:
    shown = {
        integration_service_name(service, host.locale).casefold(): service
        for service in IntegrationService
    }
    services = []
    for name in names:
        service = shown.get(name.strip().casefold())
        if service is None:
            text = _NO_COMPONENT.get(host.locale, _NO_COMPONENT["en-US"])
            return _error(f"{cmdlet} : {text}")
        services.append(service)
    return services


def plan_host(host: HyperVState, script: str) -> Plan | None:  # noqa: PLR0911 - one per form
    """How the host answers a typed command, or None when it does not understand it."""
    stages = _typed(script)
    if stages is None or len(stages) != 1:
        return None
    call = stages[0]
    if call.name == "get-vm" and not call.named and not call.positional and not call.switches:
        return Plan("get-vm", mutating=False, run=lambda: _get_vm(host))
    if call.name == "get-vmintegrationservice":
        vm_names = _argument(call, "vmname", 0)
        if vm_names is None or call.switches:
            return None
        names = _argument(call, "name", 1)
        targets = vm_names
        return Plan(
            "get-vmintegrationservice",
            mutating=False,
            run=lambda: _get_components(host, targets, names),
        )
    if call.name in {"enable-vmintegrationservice", "disable-vmintegrationservice"}:
        vm_names = _argument(call, "vmname", 1)
        names = _argument(call, "name", 0)
        if vm_names is None or names is None or call.switches - {"passthru"}:
            return None
        enable = call.name.startswith("enable")
        targets, wanted = vm_names, names
        return Plan(
            call.name,
            mutating=True,
            run=lambda: _set_components(host, targets, wanted, enable=enable),
        )
    return None


def _get_vm(host: HyperVState) -> Reply:
    records = [_render.vm_record(vm) for vm in host.vms]
    return Reply(stdout=format_get_vm(records, form="table", powershell=host.powershell))


def _get_components(host: HyperVState, vm_names: list[str], names: list[str] | None) -> Reply:
    cmdlet = "Get-VMIntegrationService"
    vms = _find_vms(host, vm_names, cmdlet)
    if isinstance(vms, Reply):
        return vms
    wanted: list[IntegrationService] | Reply = list(IntegrationService)
    if names is not None:
        wanted = _components_named(host, names, cmdlet)
    if isinstance(wanted, Reply):
        return wanted
    records = [r for vm in vms for r in _render.component_records(vm) if r.service in wanted]
    text = format_vm_integration_services(
        records, form="table", powershell=host.powershell, locale=host.locale
    )
    return Reply(stdout=text)


def _set_components(
    host: HyperVState, vm_names: list[str], names: list[str], *, enable: bool
) -> Reply:
    cmdlet = "Enable-VMIntegrationService" if enable else "Disable-VMIntegrationService"
    vms = _find_vms(host, vm_names, cmdlet)
    if isinstance(vms, Reply):
        return vms
    services = _components_named(host, names, cmdlet)
    if isinstance(services, Reply):
        return services
    for vm in vms:
        for service in services:
            vm.host_set(service, enable)
    return Reply()


# --- Windows guest ----------------------------------------------------------------------------


def plan_windows(vm: FakeVM, script: str) -> Plan | None:  # noqa: PLR0911 - one per form
    """How a Windows guest answers a typed command, or None."""
    calls = _typed(script)
    if calls is None:
        return None
    first = calls[0]
    if first.name in {"reg", "reg.exe"} and len(calls) == 1:
        return _plan_reg(vm, first)
    if first.name == "get-service":
        return _plan_get_service(vm, first, calls[1:])
    if len(calls) != 1:
        return None
    if first.name in {"start-service", "stop-service"}:
        names = _argument(first, "name", 0)
        if names is None or len(names) != 1 or first.switches - {"force"}:
            return None
        start = first.name == "start-service"
        target = names[0]
        return Plan(first.name, mutating=True, run=lambda: _start_stop(vm, target, start=start))
    if first.name == "set-service":
        names = _argument(first, "name", 0)
        kinds = first.named.get("startuptype")
        if names is None or kinds is None or len(names) != 1 or len(kinds) != 1:
            return None
        kind = {t.dotnet_name.casefold(): t for t in StartType}.get(kinds[0].casefold())
        if kind not in {StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED}:
            return None
        assert kind is not None  # noqa: S101 - narrowed by the membership test
        target, chosen = names[0], kind
        return Plan("set-service", mutating=True, run=lambda: _set_startup(vm, target, chosen))
    return None


def _plan_reg(vm: FakeVM, call: _Args) -> Plan | None:
    words = [value for values in call.positional for value in values]
    if call.named or call.switches or len(words) != 4:
        return None
    if words[0].casefold() != "query" or words[2].casefold() != "/v":
        return None
    if expand_hive(words[1]).casefold() != _render.REGISTRY_KEY.casefold():
        return None
    if words[3].casefold() != "integrationservicesversion":
        return None
    return Plan("reg-query", mutating=False, run=lambda: _reg(vm))


def _reg(vm: FakeVM) -> Reply:
    values = _render.registry_values(vm)
    if not values:
        return Reply(
            stderr="ERROR: The system was unable to find the specified registry key or value."
            + _CRLF,
            exit_code=1,
        )
    return Reply(stdout=format_reg_query(values))


def _plan_get_service(vm: FakeVM, call: _Args, rest: list[_Args]) -> Plan | None:
    patterns = _argument(call, "name", 0)
    if patterns is None or call.switches:
        return None
    if not all(p.casefold().startswith("vm") for p in patterns):
        return None
    autosize = False
    if rest:
        table = rest[0]
        if len(rest) != 1 or table.name not in {"ft", "format-table"}:
            return None
        if table.switches != {"autosize"} or table.named or table.positional:
            return None
        autosize = True

    def run() -> Reply:
        records = [
            r
            for r in _render.guest_service_records(vm)
            if any(fnmatch.fnmatchcase(r.name.casefold(), p.casefold()) for p in patterns)
        ]
        host = vm.host
        return Reply(
            stdout=format_get_service(
                records, form="table", powershell=host.powershell, autosize=autosize
            )
        )

    return Plan("get-service", mutating=False, run=run)


def _start_stop(vm: FakeVM, name: str, *, start: bool) -> Reply:
    cmdlet = "Start-Service" if start else "Stop-Service"
    guest = vm.windows_service(name)
    service = guest_service_for(name)
    if guest is None or service is None:
        return _error(f"{cmdlet} : Cannot find any service with service name '{name}'.")
    display = service.info.windows_display_names[0]
    try:
        if start:
            vm.start_service(service)
        else:
            vm.stop_service(service)
    except InvalidTransitionError:
        return _error(
            f"{cmdlet} : Service '{display} ({name})' cannot be started due to the following "
            f"error: Cannot start service {name} on computer '.'."
        )
    return Reply()


def _set_startup(vm: FakeVM, name: str, kind: StartType) -> Reply:
    guest = vm.windows_service(name)
    if guest is None:
        return _error(f"Set-Service : Service {name} was not found on computer '.'.")
    vm.set_startup(name, kind)
    return Reply()


# --- Linux guest ------------------------------------------------------------------------------

_PIDOF_RE: Final = re.compile(
    r"`\s*pidof\s+([A-Za-z0-9_.-]+)\s*`|\$\(\s*pidof\s+([A-Za-z0-9_.-]+)\s*\)"
)
_SIGNALS: Final = frozenset({"-15", "-TERM", "-SIGTERM"})
_DEVICES: Final = {
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE: "hv_kvp",
    IntegrationService.VSS: "hv_vss",
    IntegrationService.GUEST_SERVICE_INTERFACE: "hv_fcopy",
}


def _pids_of(vm: FakeVM, daemon: str) -> list[int]:
    service = daemon_service(daemon)
    if service is None:
        return []
    if _render.lab_daemon(vm, service) != daemon:
        return []
    found = vm.daemon_process(service)
    return [] if found is None else [found[0]]


def plan_linux(vm: FakeVM, script: str) -> Plan | None:  # noqa: PLR0911, PLR0912 - one per form
    """How a Linux guest answers a typed command, or None."""
    line = script.strip()
    if "\n" in line or ";" in line or "&" in line:
        return None
    line = _PIDOF_RE.sub(
        lambda m: " ".join(str(p) for p in _pids_of(vm, m.group(1) or m.group(2))), line
    )
    stages = [stage.strip() for stage in line.split("|")]
    try:
        words = [shlex.split(stage) for stage in stages]
    except ValueError:
        return None
    if any(not stage for stage in words):
        return None
    sudo = words[0][0] == "sudo"
    if sudo:
        words[0] = words[0][1:]
        if not words[0]:
            return None
    head = words[0]
    if len(words) == 2:
        return _plan_linux_pipe(vm, head, words[1])
    if len(words) != 1:
        return None
    program, args = head[0], head[1:]
    if program == "lsmod" and not args:
        return Plan("lsmod", mutating=False, run=lambda: Reply(stdout=_lsmod(vm)))
    if program == "ps" and args in (["-ef"], ["-axww"]):
        return Plan("ps", mutating=False, run=lambda: Reply(stdout=_ps(vm, ())))
    if program == "compgen" and len(args) == 2 and args[0] == "-c":
        prefix = args[1]
        return Plan("compgen", mutating=False, run=lambda: _compgen(vm, prefix))
    if program == "pidof" and len(args) == 1:
        daemon = args[0]
        return Plan("pidof", mutating=False, run=lambda: _pidof(vm, daemon))
    if program == "pgrep" and len(args) == 2 and args[0] == "-x":
        # Same answer as pidof for one daemon: its pid, exit 1 when none runs.
        daemon = args[1]
        return Plan("pgrep", mutating=False, run=lambda: _pidof(vm, daemon))
    if program == "kill" and args and args[0] in _SIGNALS:
        pids = args[1:]
        if not all(p.isdigit() for p in pids):
            return None
        return Plan("kill", mutating=True, run=lambda: _kill(vm, [int(p) for p in pids]))
    if program == "systemctl" and len(args) == 2 and args[0] in {"start", "stop", "is-active"}:
        verb, unit = args
        return Plan(
            f"systemctl-{verb}",
            mutating=verb != "is-active",
            run=lambda: _systemctl(vm, verb, unit),
        )
    service = daemon_service(program)
    if service is not None and args in ([], ["-n"]):
        return Plan("start-daemon", mutating=True, run=lambda: _run_daemon(vm, program, sudo))
    return None


def _plan_linux_pipe(vm: FakeVM, head: list[str], tail: list[str]) -> Plan | None:
    if head not in (["lsmod"], ["ps", "-ef"]):
        return None
    if tail == ["hv"]:
        # The specification's "ps -ef | hv" (a typo for "| grep hv"): what sh answers.
        return Plan(
            "ps", mutating=False, run=lambda: Reply(stderr="sh: 1: hv: not found\n", exit_code=127)
        )
    if len(tail) != 2 or tail[0] != "grep":
        return None
    pattern = tail[1]
    if head == ["lsmod"]:
        return Plan("lsmod", mutating=False, run=lambda: _grep(_lsmod(vm), pattern))
    return Plan("ps", mutating=False, run=lambda: _grep(_ps(vm, (f"grep {pattern}",)), pattern))


def _lsmod(vm: FakeVM) -> str:
    return format_lsmod(_render.loaded_modules(vm))


def _ps(vm: FakeVM, extra: tuple[str, ...]) -> str:
    layout = _render.lab_packaging(vm).ps
    return format_ps(_render.processes(vm, extra=("ps -ef", *extra)), layout=layout)


def _grep(text: str, pattern: str) -> Reply:
    lines = [line for line in text.splitlines() if pattern in line]
    return Reply(stdout="".join(line + "\n" for line in lines), exit_code=0 if lines else 1)


def _compgen(vm: FakeVM, prefix: str) -> Reply:
    names = [name for name in _render.command_names(vm) if name.startswith(prefix)]
    return Reply(stdout=format_compgen(names), exit_code=0 if names else 1)


def _pidof(vm: FakeVM, daemon: str) -> Reply:
    pids = _pids_of(vm, daemon)
    return Reply(stdout=" ".join(map(str, pids)) + "\n" if pids else "", exit_code=0 if pids else 1)


def _kill(vm: FakeVM, pids: list[int]) -> Reply:
    if not pids:
        return Reply(
            stderr="kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... "
            "or kill -l [sigspec]\n",
            exit_code=2,
        )
    errors = []
    for pid in pids:
        service = vm.daemon_for_pid(pid)
        if service is None:
            errors.append(f"kill: ({pid}) - No such process\n")
        else:
            vm.stop_service(service, method="signal")
    return Reply(stderr="".join(errors), exit_code=1 if errors else 0)


def _systemctl(vm: FakeVM, verb: str, unit: str) -> Reply:
    name = unit if "." in unit else unit + ".service"
    service = unit_service(name)
    listed = _render.systemd_units(vm, (name,))[0]
    if verb == "is-active":
        return Reply(
            stdout=format_systemctl_is_active([listed.active_state]),
            exit_code=0 if listed.active_state.is_active else 3,
        )
    if (
        service is None
        or _render.lab_unit(vm, service) != name
        or listed.load_state.value == "not_found"
    ):
        return Reply(stderr=f"Failed to {verb} {name}: Unit {name} not found.\n", exit_code=5)
    if listed.load_state.value == "masked":
        return Reply(stderr=f"Failed to {verb} {name}: Unit {name} is masked.\n", exit_code=1)
    try:
        if verb == "start":
            vm.start_service(service, method="systemd")
        else:
            vm.stop_service(service, method="systemd")
    except InvalidTransitionError as error:
        return Reply(stderr=f"Failed to {verb} {name}: {error}\n", exit_code=1)
    return Reply()


def _run_daemon(vm: FakeVM, program: str, sudo: bool) -> Reply:  # noqa: FBT001
    # Run by name (found on PATH) or by its path, which must be where the guest has it.
    name = program.rsplit("/", 1)[-1]
    service = daemon_service(name)
    installed = service is not None and (
        _render.installed_paths(vm, (program,))
        if "/" in program
        else name in _render.command_names(vm)
    )
    if service is None or _render.lab_daemon(vm, service) != name or not installed:
        if sudo:
            return Reply(stderr=f"sudo: {program}: command not found\n", exit_code=1)
        return Reply(stderr=f"sh: 1: {program}: not found\n", exit_code=127)
    if vm.daemon_process(service) is not None:
        # A second instance cannot open the device the first one holds.
        device = _DEVICES.get(service, "hv_kvp")
        return Reply(
            stderr=f"{program}: open /dev/vmbus/{device} failed; error: 16 Device or resource "
            "busy\n",
            exit_code=1,
        )
    try:
        vm.start_service(service, method="exec")
    except InvalidTransitionError as error:
        return Reply(stderr=f"{program}: {error}\n", exit_code=1)
    return Reply()
