r"""The lab's Key-Value Pair Exchange, both ways, and each guest's clock settings.

Each :class:`~vmic.testing.FakeVM` has a :class:`KvpState` (``vm.kvp``) and a
:class:`GuestClock` (``vm.clock``). Items move as Hyper-V moves them: the host's items
(``HostExchangeItems``) reach the guest's ``External`` key / pool 0, and the guest's
``Guest`` key / pool 1 reaches the host's ``GuestExchangeItems``, only while Data
Exchange works (the VM runs, the host has Key-Value Pair Exchange enabled and the guest's
``vmickvpexchange`` service or KVP daemon runs). Otherwise each side keeps what it last
had, and nothing new moves.

The host's own parameters (pool 3, ``Guest\Parameters``) are in :mod:`vmic.testing._render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.clients import _scripts
from vmic.model._kvp_exchange import check_item
from vmic.model._services import IntegrationService
from vmic.model._time_sync import PTP_REFCLOCK, VMIC_SOURCE
from vmic.parsers._json import dumps
from vmic.testing import _plain, _render
from vmic.testing._shell import Reply, text

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.testing._host import FakeHyperVHost
    from vmic.testing._vm import FakeVM

__all__ = ["GuestClock", "KvpState", "plan_guest", "plan_host"]

_NEWLINE: Final = "\n"
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_TIME: Final = IntegrationService.TIME_SYNCHRONIZATION
#: chrony's line for the Hyper-V PTP clock, as Microsoft's Azure time-sync article gives it.


@attrs.define
class KvpState:
    """Both sides of one VM's KVP items (mutable; the host's lock guards it).

    Attributes:
        host_items: What the host sent (``HostExchangeItems``).
        external: What the guest holds of them (``External`` / pool 0).
        guest_items: What the guest published (``Guest`` / pool 1).
        published: What the host holds of them (``GuestExchangeItems``).
    """

    host_items: dict[str, str] = attrs.field(factory=dict)
    external: dict[str, str] = attrs.field(factory=dict)
    guest_items: dict[str, str] = attrs.field(factory=dict)
    published: dict[str, str] = attrs.field(factory=dict)


@attrs.define
class GuestClock:
    r"""Where a simulated guest's clock takes its time from (settable by tests).

    Attributes:
        domain_role: Windows: ``Win32_ComputerSystem.DomainRole`` (2 standalone server,
            3 member server, 5 primary domain controller...).
        vmic_provider: Windows: ``VMICTimeProvider\Enabled`` (None: the value is absent).
        ntp_source: Windows: what ``w32tm /query /source`` names when the host's provider is
            not in use ("" = ``Local CMOS Clock``).
        ptp_hyperv: Linux: whether ``/dev/ptp_hyperv`` exists.
        chrony: Linux: chrony's source lines.
        daemons: Linux: the time daemons running.
    """

    domain_role: int = 2
    vmic_provider: bool | None = True
    ntp_source: str = "time.windows.com,0x8"
    ptp_hyperv: bool = True
    chrony: tuple[str, ...] = ("pool 2.pool.ntp.org iburst", PTP_REFCLOCK)
    daemons: tuple[str, ...] = ("chronyd",)


def works(vm: FakeVM) -> bool:
    """Whether Data Exchange moves items right now."""
    return vm.running and bool(vm.integration.state(_KVP).functioning)


def sync(vm: FakeVM) -> None:
    """Move items both ways, if Data Exchange works."""
    if works(vm):
        vm.kvp.external = dict(vm.kvp.host_items)
        vm.kvp.published = dict(vm.kvp.guest_items)


def _items_json(vm: FakeVM, items: dict[str, str]) -> str:
    rows = [{"Name": key, "Data": value} for key, value in sorted(items.items())]
    return dumps(rows, powershell=vm.host.powershell, newline=_NEWLINE)


def _sections(*parts: tuple[str, str]) -> str:
    lines: list[str] = []
    for name, body in parts:
        lines.append(_scripts.marker(name))
        if body:
            lines.append(body.rstrip("\r\n"))
    lines.append(_scripts.END)
    return _NEWLINE.join(lines) + _NEWLINE


def _error(reason: str) -> Reply:
    return Reply(stdout=_sections(("error", reason)), exit_code=_scripts.ERROR_EXIT)


# --- host -------------------------------------------------------------------------------------


def plan_host(host: FakeHyperVHost, command: Command) -> _plain.Plan | None:
    """How the host answers the KVP scripts, or None for another command."""
    if command.script == _scripts.HOST_KVP_READ:
        return _plain.Plan("kvp-items", mutating=False, run=lambda: _host_read(host, command))
    if command.script == _scripts.HOST_KVP_CHANGE:
        return _plain.Plan("kvp-change", mutating=True, run=lambda: _host_change(host, command))
    return None


def _one_vm(host: FakeHyperVHost, command: Command) -> FakeVM | Reply:
    name = text(command, "VMName")
    found = [vm for vm in host.vms if vm.name == name]
    if len(found) != 1:
        return _error(f"vm-count {len(found)}")
    return found[0]


def _host_read(host: FakeHyperVHost, command: Command) -> Reply:
    vm = _one_vm(host, command)
    if isinstance(vm, Reply):
        return vm
    sync(vm)
    enabled = bool(vm.integration.state(_KVP).host_enabled)
    state = dumps({"Enabled": enabled}, powershell=host.powershell, newline=_NEWLINE)
    return Reply(
        stdout=_sections(
            ("state", state),
            ("intrinsic", _items_json(vm, _render.intrinsic_items(vm))),
            ("guest", _items_json(vm, vm.kvp.published if works(vm) else {})),
            ("host", _items_json(vm, vm.kvp.host_items)),
        )
    )


def _host_change(host: FakeHyperVHost, command: Command) -> Reply:
    vm = _one_vm(host, command)
    if isinstance(vm, Reply):
        return vm
    if text(command, "Component").upper() != _KVP.guid:
        return _error("kvp-failed 32773")
    if not vm.integration.state(_KVP).host_enabled:
        return _error("kvp-disabled")
    key, value = text(command, "Key"), text(command, "Value")
    operation = text(command, "Operation")
    exists = key in vm.kvp.host_items
    if operation == "remove":
        method = "RemoveKvpItems"
        vm.kvp.host_items.pop(key, None)
    else:
        try:
            check_item(key, value)
        except ValueError:
            # What Hyper-V answers for an item beyond its limits: invalid parameter.
            return _error("kvp-failed 32773")
        method = "ModifyKvpItems" if exists else "AddKvpItems"
        vm.kvp.host_items[key] = value
    sync(vm)
    return Reply(stdout=_sections(("method", method), ("host", _items_json(vm, vm.kvp.host_items))))


# --- guests -----------------------------------------------------------------------------------


def plan_guest(vm: FakeVM, command: Command) -> _plain.Plan | None:
    """How a guest answers the KVP scripts, or None for another command."""
    script = command.script
    if vm.guest_os.is_windows:
        if script == _scripts.WINDOWS_KVP_READ:
            return _plain.Plan("kvp-registry", mutating=False, run=lambda: _windows_read(vm))
        if script == _scripts.WINDOWS_KVP_PUBLISH:
            return _plain.Plan(
                "kvp-publish", mutating=True, run=lambda: _windows_publish(vm, command)
            )
        return None
    if script == _scripts.LINUX_KVP_PUBLISH:
        return _plain.Plan("kvp-publish", mutating=True, run=lambda: _linux_publish(vm, command))
    return None


def _windows_installed(vm: FakeVM) -> bool:
    return vm.windows_service(_KVP.info.windows_service) is not None


def _windows_read(vm: FakeVM) -> Reply:
    sync(vm)
    installed = _windows_installed(vm)
    parameters = {r.key: r.value for r in _render.host_parameters(vm)} if installed else {}
    auto = _render.intrinsic_items(vm) if installed and works(vm) else {}
    return Reply(
        stdout=_sections(
            ("external", _items_json(vm, vm.kvp.external)),
            ("guest", _items_json(vm, vm.kvp.guest_items)),
            ("parameters", _items_json(vm, parameters)),
            ("auto", _items_json(vm, auto)),
        )
    )


def _windows_publish(vm: FakeVM, command: Command) -> Reply:
    if not _windows_installed(vm):
        return _error("no-key")
    vm.kvp.guest_items[text(command, "Key")] = text(command, "Value")
    sync(vm)
    service = vm.windows_service(_KVP.info.windows_service)
    running = service is not None and bool(service.running)
    return Reply(
        stdout=_sections(
            ("state", dumps({"Running": running}, powershell=vm.host.powershell)),
            ("guest", _items_json(vm, vm.kvp.guest_items)),
        )
    )


def _linux_publish(vm: FakeVM, command: Command) -> Reply:
    if text(command, "PoolFile") != "/var/lib/hyperv/.kvp_pool_1" or not _render.kvp_pools(vm):
        return _error("no-pool")
    key, value = text(command, "Key"), text(command, "Value")
    try:
        check_item(key, value)
    except ValueError:
        return _error("too-long")
    done = "replaced" if key in vm.kvp.guest_items else "added"
    vm.kvp.guest_items[key] = value
    sync(vm)
    return Reply(stdout=_sections(("result", done)))


# --- time sync --------------------------------------------------------------------------------


def windows_time(vm: FakeVM) -> str:
    """The ``time`` section of the Windows guest check."""
    clock = vm.clock
    from_host = clock.vmic_provider is not False and vm.integration.state(_TIME).functioning is True
    source = VMIC_SOURCE if from_host else (clock.ntp_source or "Local CMOS Clock")
    provider = None if clock.vmic_provider is None else int(clock.vmic_provider)
    return dumps(
        {"DomainRole": clock.domain_role, "VmicProvider": provider, "Source": source},
        powershell=vm.host.powershell,
        newline=_NEWLINE,
    )


def linux_time(vm: FakeVM) -> str:
    """The ``time-sync`` section of the Linux guest check."""
    clock = vm.clock
    lines = ["ptp /dev/ptp_hyperv"] if clock.ptp_hyperv else []
    lines += [f"chrony {line}" for line in clock.chrony]
    lines += [f"daemon {name}" for name in clock.daemons]
    return "".join(line + _NEWLINE for line in lines)
