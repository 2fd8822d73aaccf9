"""What a simulated guest answers to vmic's guest scripts, from the VM's state.

Windows guests (PowerShell): ``windows-observe``, ``windows-version``, ``windows-services``,
``windows-start``, ``windows-stop``, ``windows-set-startup``. Linux guests (sh):
``linux-observe``, ``linux-release``, ``linux-kvp-pools``, ``linux-start``, ``linux-stop``,
``linux-install``. The Key-Value Pair Exchange scripts are in :mod:`vmic.testing._kvp`.
"""

from __future__ import annotations

import base64
import weakref
from typing import TYPE_CHECKING, Final

from packaging.version import Version

from vmic.clients._scripts import marker
from vmic.errors import InvalidTransitionError
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
from vmic.testing import _kvp, _render
from vmic.testing._shell import Reply, error_reply, names, sections, text

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.testing._vm import FakeVM

__all__ = [
    "GUARD",
    "daemon_action",
    "install",
    "linux_observe",
    "pools",
    "powershell_guard",
    "registry",
    "release",
    "service_action",
    "services",
    "windows_observe",
]

_NEWLINE: Final = "\n"
_NOT_FOUND: Final = "ERROR: The system was unable to find the specified registry key or value."
_START_TYPES: Final = {
    t.dotnet_name: t for t in (StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED)
}
# The last answer to windows-observe per VM, with the inputs it was made from: an unchanged
# guest is answered from it, so a benchmark measures vmic, not the simulator.
_OBSERVED: Final[weakref.WeakKeyDictionary[FakeVM, tuple[object, str]]] = (
    weakref.WeakKeyDictionary()
)


#: The first check of vmic's Windows guest scripts: it stops on a PowerShell before 3.0.
GUARD: Final = "$PSVersionTable.PSVersion.Major -lt 3"
_GUARDED: Final = Version("3.0")

# --- Windows ----------------------------------------------------------------------------------


def powershell_guard(vm: FakeVM) -> Reply | None:
    """What the scripts' PowerShell check answers in this guest: an error before 3.0, or None."""
    version = vm.powershell_version
    if version is None or version >= _GUARDED:
        return None
    shown = f"{version.major}.{version.minor}"
    return error_reply(f"powershell-version {shown}")


def registry(vm: FakeVM) -> str:
    """What ``REG QUERY ... /v IntegrationServicesVersion`` prints (or its error)."""
    values = _render.registry_values(vm)
    return format_reg_query(values, newline=_NEWLINE) if values else _NOT_FOUND


def services(vm: FakeVM, name: str | None = None) -> str:
    """The ``vmic*`` services (or the one called *name*) as the scripts' JSON."""
    records = [
        record
        for record in _render.guest_service_records(vm)
        if name is None or record.name.casefold() == name.casefold()
    ]
    text_ = format_get_service(
        records, form="json", powershell=vm.host.powershell, newline=_NEWLINE
    )
    return text_ or "[]"


def windows_observe(vm: FakeVM) -> str:
    """What ``windows-observe`` prints in this guest."""
    caption, version = _render.os_caption(vm)
    values = tuple(_render.registry_values(vm))
    records = tuple(_render.guest_service_records(vm))
    time_json = _kvp.windows_time(vm)
    key = (caption, version, values, records, time_json, vm.host.powershell)
    last = _OBSERVED.get(vm)
    if last is not None and last[0] == key:
        return last[1]
    os_json = dumps(
        {"Caption": caption, "Version": version}, powershell=vm.host.powershell, newline=_NEWLINE
    )
    stdout = sections(
        ("os", os_json),
        ("reg", registry(vm)),
        ("services", services(vm)),
        ("time", time_json),
    )
    _OBSERVED[vm] = (key, stdout)
    return stdout


def service_action(vm: FakeVM, action: str, command: Command) -> Reply:
    """``windows-start``, ``windows-stop`` or ``windows-set-startup`` (*action*)."""
    name = text(command, "Name")
    guest = vm.windows_service(name)
    if guest is None:
        return error_reply("not-installed")
    service = guest_service_for(name)
    assert service is not None  # noqa: S101 - windows_service found it
    if action == "windows-start":
        if guest.start_type is StartType.DISABLED:
            return error_reply("startup-disabled")
        vm.start_service(service)
    elif action == "windows-stop":
        vm.stop_service(service)
    else:
        kind = _START_TYPES.get(text(command, "StartupType"))
        if kind is None:
            return Reply(
                stderr="Set-Service : Cannot bind parameter 'StartupType'.\r\n", exit_code=1
            )
        vm.set_startup(service, kind)
    return Reply(stdout=sections(("services", services(vm, name))))


# --- Linux ------------------------------------------------------------------------------------


def release(vm: FakeVM) -> str:
    """The guest's ``/etc/os-release``."""
    found = vm.release
    assert found is not None  # noqa: S101 - Linux guests have one
    return found.os_release()


def linux_observe(vm: FakeVM, command: Command) -> Reply:
    """``linux-observe``."""
    units = names(command, "Units")
    parts = [
        ("os-release", release(vm)),
        ("lsmod", format_lsmod(_render.loaded_modules(vm))),
        ("builtin", "".join(line + "\n" for line in _render.builtin_modules(vm))),
        ("ps", _ps(vm)),
        ("compgen", format_compgen(_render.command_names(vm))),
    ]
    init = _render.init_system(vm)
    if units and init is InitSystem.SYSTEMD:
        parts.append(("systemctl", format_systemctl_show(_render.systemd_units(vm, units))))
    paths = names(command, "Paths")
    parts.append(("paths", "".join(p + "\n" for p in _render.installed_paths(vm, paths))))
    parts.append(("vmbus", "present"))  # every lab guest runs on the lab's Hyper-V
    parts.append(("init", init.value))
    wanted = names(command, "Services")
    if wanted and init is InitSystem.OPENRC:
        status = _render.service_status(vm, wanted)
        parts.append(("service-status", "".join(f"{n} {c}\n" for n, c in status)))
    parts.append(("time-sync", _kvp.linux_time(vm)))
    return Reply(stdout=sections(*parts))


def _ps(vm: FakeVM) -> str:
    """The process list as the guest's own ``ps`` prints it (the observe script's)."""
    packaging = _render.lab_packaging(vm)
    command = "ps -axww" if packaging.ps is PsFormat.BSD else "ps -ef"
    return format_ps(_render.processes(vm, extra=(command,)), layout=packaging.ps)


def pools(vm: FakeVM) -> Reply:
    """``linux-kvp-pools``: the pool files that exist, each as Base64."""
    found = _render.kvp_pools(vm)
    parts = [
        (f"pool-{pool.value}", base64.b64encode(format_kvp_pool(records)).decode("ascii"))
        for pool, records in found.items()
    ]
    return Reply(stdout=sections(*parts))


def install(vm: FakeVM, command: Command) -> Reply:
    """``linux-install``: the package manager installs the lab's daemon package when named."""
    words = names(command, "Install")
    packaging = _render.lab_packaging(vm)
    if not packaging.packages or not set(packaging.packages) <= set(words):
        missing = ", ".join(w for w in words if not w.startswith("-"))
        return Reply(stderr=f"No match for argument: {missing}\n", exit_code=1)
    for service in sorted(DAEMON_SERVICES, key=lambda s: s.value):
        try:
            vm.install_daemon(service)  # already installed: left as it is
        except InvalidTransitionError:
            continue
    return Reply(stdout=sections(("installed", "")))


def daemon_action(vm: FakeVM, command: Command, *, start: bool) -> Reply:
    """``linux-start`` or ``linux-stop``: through systemd when it has the unit, else by hand."""
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
                    stdout=marker("method") + "\nsystemd\n",
                    stderr=f"Failed to {verb} {unit}: {error}\n",
                    exit_code=1,
                )
            return Reply(stdout=sections(("method", "systemd")))
    installed = service is not None and _render.lab_daemon(vm, service) == daemon
    paths = (f"{packaging.directory}/{daemon}",)
    if not installed or not _render.installed_paths(vm, paths):
        return error_reply("not-installed")
    assert service is not None  # noqa: S101 - checked just above
    running = vm.daemon_process(service) is not None
    if start and not running:
        vm.start_service(service, method="exec")
    elif not start and running:
        vm.stop_service(service, method="signal")
    return Reply(stdout=sections(("method", "exec" if start else "signal")))
