r"""The lab's answers to the Key-Value Pair Exchange scripts, and to the guests' clock checks.

Items move as the VM's state moves them (see :class:`~vmic.testing._vm.KvpState`): a
change on one side reaches the other only while Data Exchange works.

``host-kvp-change`` chooses ``AddKvpItems`` or ``ModifyKvpItems`` by whether the key
exists among the host's items. A script that reads those items back through
``ConvertFrom-Json`` inside ``@(...)`` sees, on Windows PowerShell 5.1, one object for the
whole JSON array (PowerShell issue #3424): with two items or more no key seems to exist, so
a "set" of an existing key calls ``AddKvpItems``, which Hyper-V refuses for an existing key,
and a "remove" is skipped. The dispatcher tells :func:`host_change` when the script it runs
does that (``json_whole``); vmic's own script compares the items as objects.

The host's own parameters (pool 3, ``Guest\Parameters``) are in :mod:`vmic.testing._render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.model._kvp_exchange import check_item
from vmic.model._services import IntegrationService
from vmic.model._time_sync import VMIC_SOURCE
from vmic.parsers._json import dumps
from vmic.testing import _render
from vmic.testing._inventory import one_vm
from vmic.testing._shell import Reply, error_reply, plain_text, sections, text

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._vm import FakeVM

__all__ = [
    "host_change",
    "host_read",
    "linux_publish",
    "linux_time",
    "windows_publish",
    "windows_read",
    "windows_time",
]

_NEWLINE: Final = "\n"
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_TIME: Final = IntegrationService.TIME_SYNCHRONIZATION
#: What Hyper-V answers for a data item beyond its limits: invalid parameter.
_INVALID_PARAMETER: Final = 32773
#: What the lab answers for AddKvpItems of an existing key (the method's page says it
#: fails; the code is UNCERTAIN: 32768, "Failed", the generic one).
_FAILED: Final = 32768


def _items_json(vm: FakeVM, items: dict[str, str]) -> str:
    rows = [{"Name": key, "Data": value} for key, value in sorted(items.items())]
    return dumps(rows, powershell=vm.host.powershell, newline=_NEWLINE)


# --- host -------------------------------------------------------------------------------------


def host_read(host: HyperVState, command: Command) -> Reply:
    """``host-kvp-read``: both sides of the VM's items, as the host holds them."""
    vm = one_vm(host, plain_text(command, "VMName"))
    if isinstance(vm, Reply):
        return vm
    vm.sync_kvp()
    enabled = bool(vm.integration.state(_KVP).host_enabled)
    state = dumps({"Enabled": enabled}, powershell=host.powershell, newline=_NEWLINE)
    return Reply(
        stdout=sections(
            ("state", state),
            ("intrinsic", _items_json(vm, _render.intrinsic_items(vm))),
            ("guest", _items_json(vm, vm.kvp.published if vm.kvp_works() else {})),
            ("host", _items_json(vm, vm.kvp.host_items)),
        )
    )


def host_change(host: HyperVState, command: Command, *, json_whole: bool = False) -> Reply:
    """``host-kvp-change``: add, modify or remove one host item, then read the items back.

    Args:
        host: The host.
        command: The command (its parameters).
        json_whole: The script reads the host's items back through ``ConvertFrom-Json``
            on Windows PowerShell 5.1, which gives it the whole JSON array as one object.
    """
    vm = one_vm(host, plain_text(command, "VMName"))
    if isinstance(vm, Reply):
        return vm
    if text(command, "Component").upper() != _KVP.guid:
        return error_reply(f"kvp-failed {_INVALID_PARAMETER}")
    if not vm.integration.state(_KVP).host_enabled:
        return error_reply("kvp-disabled")
    key, value = text(command, "Key"), text(command, "Value")
    operation = text(command, "Operation")
    items = vm.kvp.host_items
    # Two items or more read back as one object: no key matches (see the module docstring).
    exists = key in items and not (json_whole and len(items) >= 2)
    if operation == "remove":
        # Nothing is called for a key that is not there (the script says "none").
        method = "RemoveKvpItems" if exists else "none"
        if exists:
            items.pop(key, None)
    else:
        try:
            check_item(key, value)
        except ValueError:
            return error_reply(f"kvp-failed {_INVALID_PARAMETER}")
        method = "ModifyKvpItems" if exists else "AddKvpItems"
        if method == "AddKvpItems" and key in items:
            # AddKvpItems "fails if any of the specified key-value pairs already exists".
            return error_reply(f"kvp-failed {_FAILED}")
        items[key] = value
    vm.sync_kvp()
    return Reply(stdout=sections(("method", method), ("host", _items_json(vm, items))))


# --- guests -----------------------------------------------------------------------------------
def _windows_installed(vm: FakeVM) -> bool:
    return vm.windows_service(_KVP.info.windows_service) is not None


def windows_read(vm: FakeVM) -> Reply:
    """``windows-kvp-read``: the guest's four KVP registry keys."""
    vm.sync_kvp()
    installed = _windows_installed(vm)
    parameters = {r.key: r.value for r in _render.host_parameters(vm)} if installed else {}
    auto = _render.intrinsic_items(vm) if installed and vm.kvp_works() else {}
    return Reply(
        stdout=sections(
            ("external", _items_json(vm, vm.kvp.external)),
            ("guest", _items_json(vm, vm.kvp.guest_items)),
            ("parameters", _items_json(vm, parameters)),
            ("auto", _items_json(vm, auto)),
        )
    )


def windows_publish(vm: FakeVM, command: Command) -> Reply:
    """``windows-kvp-publish``: a string value under the guest's ``Guest`` key."""
    if not _windows_installed(vm):
        return error_reply("no-key")
    vm.kvp.guest_items[text(command, "Key")] = text(command, "Value")
    vm.sync_kvp()
    service = vm.windows_service(_KVP.info.windows_service)
    running = service is not None and bool(service.running)
    return Reply(
        stdout=sections(
            ("state", dumps({"Running": running}, powershell=vm.host.powershell)),
            ("guest", _items_json(vm, vm.kvp.guest_items)),
        )
    )


def linux_publish(vm: FakeVM, command: Command) -> Reply:
    """``linux-kvp-publish``: add or replace a record of pool 1."""
    if text(command, "PoolFile") != "/var/lib/hyperv/.kvp_pool_1" or not _render.kvp_pools(vm):
        return error_reply("no-pool")
    key, value = text(command, "Key"), text(command, "Value")
    try:
        check_item(key, value)
    except ValueError:
        return error_reply("too-long")
    done = "replaced" if key in vm.kvp.guest_items else "added"
    vm.kvp.guest_items[key] = value
    vm.sync_kvp()
    return Reply(stdout=sections(("result", done)))


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
