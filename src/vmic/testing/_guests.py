"""The executors that reach a simulated VM's guest.

A Windows guest answers PowerShell: the :class:`~vmic.clients.WindowsGuest` scripts
and the specification's ``REG QUERY``, ``Get-Service -Name vm*``,
``Start-Service``/``Stop-Service``. A Linux guest answers ``sh``: the
:class:`~vmic.clients.LinuxGuest` scripts and ``lsmod``, ``ps -ef | grep hv``,
``compgen -c hv_``, ``sudo kill -15 `pidof hv_kvp_daemon```, ``sudo hv_kvp_daemon``.
Both raise :class:`vmic.UnknownCommandError` for anything else, and
:class:`vmic.ConnectionFailedError` while the VM is off.

>>> from vmic.testing import FakeHyperVHost
>>> from vmic.executors import Command, Shell
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("web01", "Ubuntu 22.04")
>>> guest = lab.guest_executor("web01")
>>> for line in guest.run(Command(Shell.POSIX, "lsmod | grep hv_utils")).stdout.splitlines():
...     print(line[:40])
hv_utils               20480  0
hv_vmbus               61440  7 hv_ballo
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Final

from vmic.clients import _scripts
from vmic.clients._linux import LINUX_INSTALL
from vmic.errors import InvalidTransitionError, UnknownCommandError
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Shell
from vmic.model._linux import DAEMON_SERVICES, InitSystem
from vmic.model._linux_packaging import PsFormat
from vmic.model._linux_records import UnitLoadState, daemon_service
from vmic.model._services import guest_service_for
from vmic.model._status import StartType
from vmic.parsers._json import dumps
from vmic.parsers._kvp import format_kvp_pool
from vmic.parsers._linux import format_compgen, format_lsmod, format_ps, format_systemctl_show
from vmic.parsers._registry import format_reg_query
from vmic.parsers._services import format_get_service
from vmic.testing import _kvp, _plain, _render
from vmic.testing._machine import execute
from vmic.testing._shell import Reply, answer_primitive, text

if TYPE_CHECKING:
    from vmic.executors._result import Result
    from vmic.testing._machine import RecordedCommand
    from vmic.testing._vm import FakeVM

__all__ = ["FakeGuestExecutor"]

_NEWLINE: Final = "\n"
_NOT_FOUND: Final = "ERROR: The system was unable to find the specified registry key or value."
_START_TYPES: Final = {
    t.dotnet_name: t for t in (StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED)
}


def _sections(*parts: tuple[str, str]) -> str:
    lines: list[str] = []
    for name, body in parts:
        lines.append(_scripts.marker(name))
        if body:
            lines.append(body.rstrip("\r\n"))
    lines.append(_scripts.END)
    return _NEWLINE.join(lines) + _NEWLINE


def _names(command: Command, name: str) -> tuple[str, ...]:
    value = command.parameters.get(name, ())
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, tuple):
        raise UnknownCommandError(f"{command.summary()} needs the list parameter {name!r}")
    return tuple(str(item) for item in value)


def _error(reason: str) -> Reply:
    return Reply(stdout=_sections(("error", reason)), exit_code=_scripts.ERROR_EXIT)


class FakeGuestExecutor(Closing):
    """The executor of one simulated VM's guest (see :meth:`FakeHyperVHost.guest_executor`).

    Attributes:
        commands: Every command the guest was sent, in order.
    """

    def __init__(self, vm: FakeVM) -> None:
        self._vm = vm
        self.commands: list[RecordedCommand] = []
        self._last: tuple[object, str] | None = None

    def __repr__(self) -> str:
        return f"FakeGuestExecutor({self.name!r})"

    @property
    def name(self) -> str:
        """``<host>/<vm>``."""
        return f"{self._vm.host.name}/{self._vm.name}"

    @property
    def vm(self) -> FakeVM:
        """The VM whose guest this is."""
        return self._vm

    def run(self, command: Command) -> Result:
        """Answer *command* as the guest would.

        Raises:
            vmic.UnknownCommandError: The guest does not understand the command.
            vmic.ConnectionFailedError: The VM is off, or a refused-connection fault.
            vmic.CommandTimeoutError: A timeout fault, or a command that never ends.
            vmic.AuthenticationFailedError: An authentication fault.
        """
        vm = self._vm
        host = vm.host
        checked: object = command
        with host.lock:
            plan = self._plan(command) if isinstance(checked, Command) else None
        latency = vm.guest_latency
        return execute(
            lock=host.lock,
            journal=self.commands,
            target=self.name,
            command=command,
            plan=plan,
            latency=host.latency if latency is None else latency,
            faults=vm._guest_faults,  # the VM keeps its guest's fault
            reachable=lambda: None if vm.running else "the VM is off",
        )

    def _plan(self, command: Command) -> _plain.Plan | None:
        windows = self._vm.guest_os.is_windows
        if command.shell is not (Shell.POWERSHELL if windows else Shell.POSIX):
            return None
        primitive = answer_primitive(command)
        if primitive is not None:
            return _plain.Plan("shell", mutating=False, run=lambda: primitive)
        kvp = _kvp.plan_guest(self._vm, command)
        if kvp is not None:
            return kvp
        if windows:
            return self._plan_windows(command)
        return self._plan_linux(command)

    # --- Windows ------------------------------------------------------------------------------

    def _plan_windows(self, command: Command) -> _plain.Plan | None:
        vm = self._vm
        script = command.script
        if script == _scripts.WINDOWS_OBSERVE:
            return _plain.Plan("observe-windows", mutating=False, run=self._observe_windows)
        if script == _scripts.WINDOWS_VERSION:
            return _plain.Plan(
                "reg-query",
                mutating=False,
                run=lambda: Reply(stdout=_sections(("reg", self._reg()))),
            )
        if script == _scripts.WINDOWS_SERVICES:
            return _plain.Plan(
                "get-service",
                mutating=False,
                run=lambda: Reply(stdout=_sections(("services", self._services(None)))),
            )
        actions = {
            _scripts.WINDOWS_START: "start-service",
            _scripts.WINDOWS_STOP: "stop-service",
            _scripts.WINDOWS_SET_STARTUP: "set-service",
        }
        action = actions.get(script)
        if action is not None:
            return _plain.Plan(
                action, mutating=True, run=lambda: self._service_action(action, command)
            )
        return _plain.plan_windows(vm, script)

    def _reg(self) -> str:
        values = _render.registry_values(self._vm)
        return format_reg_query(values, newline=_NEWLINE) if values else _NOT_FOUND

    def _services(self, name: str | None) -> str:
        records = [
            record
            for record in _render.guest_service_records(self._vm)
            if name is None or record.name.casefold() == name.casefold()
        ]
        text_ = format_get_service(
            records,
            form="json",
            powershell=self._vm.host.powershell,
            newline=_NEWLINE,
        )
        return text_ or "[]"

    def observe_windows_output(self) -> str:
        """What :data:`~vmic.clients._scripts.WINDOWS_OBSERVE` prints in this guest."""
        with self._vm.host.lock:
            return self._observe_windows().stdout

    def _observe_windows(self) -> Reply:
        vm = self._vm
        caption, version = _render.os_caption(vm)
        values = tuple(_render.registry_values(vm))
        services = tuple(_render.guest_service_records(vm))
        time_json = _kvp.windows_time(vm)
        # The answer is made from these inputs alone: an unchanged guest is answered
        # from the last rendering, so a benchmark measures vmic, not the simulator.
        key = (caption, version, values, services, time_json)
        if self._last is not None and self._last[0] == key:
            return Reply(stdout=self._last[1])
        os_json = dumps(
            {"Caption": caption, "Version": version},
            powershell=vm.host.powershell,
            newline=_NEWLINE,
        )
        stdout = _sections(
            ("os", os_json),
            ("reg", self._reg()),
            ("services", self._services(None)),
            ("time", time_json),
        )
        self._last = (key, stdout)
        return Reply(stdout=stdout)

    def _service_action(self, action: str, command: Command) -> Reply:
        vm = self._vm
        name = text(command, "Name")
        guest = vm.windows_service(name)
        if guest is None:
            return _error("not-installed")
        service = guest_service_for(name)
        assert service is not None  # noqa: S101 - windows_service found it
        if action == "start-service":
            if guest.start_type is StartType.DISABLED:
                return _error("startup-disabled")
            vm.start_service(service)
        elif action == "stop-service":
            vm.stop_service(service)
        else:
            kind = _START_TYPES.get(text(command, "StartupType"))
            if kind is None:
                return Reply(
                    stderr="Set-Service : Cannot bind parameter 'StartupType'.\r\n", exit_code=1
                )
            vm.set_startup(service, kind)
        return Reply(stdout=_sections(("services", self._services(name))))

    # --- Linux --------------------------------------------------------------------------------

    def _plan_linux(self, command: Command) -> _plain.Plan | None:
        vm = self._vm
        script = command.script
        if script == _scripts.LINUX_OBSERVE:
            return _plain.Plan(
                "observe-linux", mutating=False, run=lambda: self._observe_linux(command)
            )
        if script == _scripts.LINUX_RELEASE:
            return _plain.Plan(
                "os-release",
                mutating=False,
                run=lambda: Reply(stdout=_sections(("os-release", self._release()))),
            )
        if script == _scripts.LINUX_KVP_POOLS:
            return _plain.Plan("kvp-pools", mutating=False, run=self._pools)
        if script in (_scripts.LINUX_START, _scripts.LINUX_STOP):
            start = script == _scripts.LINUX_START
            return _plain.Plan(
                "start-daemon" if start else "stop-daemon",
                mutating=True,
                run=lambda: self._daemon_action(command, start=start),
            )
        if script == LINUX_INSTALL:
            return _plain.Plan(
                "install-packages", mutating=True, run=lambda: self._install(command)
            )
        return _plain.plan_linux(vm, script)

    def _release(self) -> str:
        release = self._vm.release
        assert release is not None  # noqa: S101 - Linux guests have one
        return release.os_release()

    def _observe_linux(self, command: Command) -> Reply:
        vm = self._vm
        units = command.parameters.get("Units")
        if isinstance(units, str):
            units = (units,)
        if not isinstance(units, tuple):
            raise UnknownCommandError(f"{command.summary()} needs the list parameter 'Units'")
        parts = [
            ("os-release", self._release()),
            ("lsmod", format_lsmod(_render.loaded_modules(vm))),
            ("builtin", "".join(line + "\n" for line in _render.builtin_modules(vm))),
            ("ps", self._ps()),
            ("compgen", format_compgen(_render.command_names(vm))),
        ]
        init = _render.init_system(vm)
        if units and init is InitSystem.SYSTEMD:
            parts.append(("systemctl", format_systemctl_show(_render.systemd_units(vm, units))))
        paths = _names(command, "Paths")
        parts.append(("paths", "".join(p + "\n" for p in _render.installed_paths(vm, paths))))
        parts.append(("vmbus", "present"))  # every lab guest runs on the lab's Hyper-V
        parts.append(("init", init.value))
        services = _names(command, "Services")
        if services and init is InitSystem.OPENRC:
            status = _render.service_status(vm, services)
            parts.append(("service-status", "".join(f"{n} {c}\n" for n, c in status)))
        parts.append(("time-sync", _kvp.linux_time(vm)))
        return Reply(stdout=_sections(*parts))

    def _ps(self) -> str:
        """The process list as the guest's own ``ps`` prints it (the observe script's)."""
        packaging = _render.lab_packaging(self._vm)
        command = "ps -axww" if packaging.ps is PsFormat.BSD else "ps -ef"
        return format_ps(_render.processes(self._vm, extra=(command,)), layout=packaging.ps)

    def _pools(self) -> Reply:
        pools = _render.kvp_pools(self._vm)
        parts = [
            (f"pool-{pool.value}", base64.b64encode(format_kvp_pool(records)).decode("ascii"))
            for pool, records in pools.items()
        ]
        return Reply(stdout=_sections(*parts))

    def _install(self, command: Command) -> Reply:
        """The package manager: installs the lab's daemon package when it is named."""
        vm = self._vm
        words = _names(command, "Install")
        packaging = _render.lab_packaging(vm)
        if not packaging.packages or not set(packaging.packages) <= set(words):
            missing = ", ".join(w for w in words if not w.startswith("-"))
            return Reply(stderr=f"No match for argument: {missing}\n", exit_code=1)
        for service in sorted(DAEMON_SERVICES, key=lambda s: s.value):
            try:
                vm.install_daemon(service)  # already installed: left as it is
            except InvalidTransitionError:
                continue
        return Reply(stdout=_sections(("installed", "")))

    def _daemon_action(self, command: Command, *, start: bool) -> Reply:
        vm = self._vm
        daemon = text(command, "Daemon")
        unit = text(command, "Unit")
        packaging = _render.lab_packaging(vm)
        daemon = daemon.rsplit("/", 1)[-1]
        service = daemon_service(daemon)
        if unit:
            listed = _render.systemd_units(vm, (unit,))[0]
            owner = listed.service
            if listed.load_state is UnitLoadState.LOADED and owner is not None:
                verb = "start" if start else "stop"
                try:
                    if start:
                        vm.start_service(owner, method="systemd")
                    else:
                        vm.stop_service(owner, method="systemd")
                except InvalidTransitionError as error:
                    return Reply(
                        stdout=_scripts.marker("method") + "\nsystemd\n",
                        stderr=f"Failed to {verb} {unit}: {error}\n",
                        exit_code=1,
                    )
                return Reply(stdout=_sections(("method", "systemd")))
        installed = service is not None and _render.lab_daemon(vm, service) == daemon
        paths = (f"{packaging.directory}/{daemon}",)
        if not installed or not _render.installed_paths(vm, paths):
            return _error("not-installed")
        assert service is not None  # noqa: S101 - checked just above
        running = vm.daemon_process(service) is not None
        if start and not running:
            vm.start_service(service, method="exec")
        elif not start and running:
            vm.stop_service(service, method="signal")
        return Reply(stdout=_sections(("method", "exec" if start else "signal")))
