"""The Linux record models: validation, derived fields and the daemon/unit lookups."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest

from vmic.errors import ParseError, VmicError
from vmic.model._linux import all_packaging
from vmic.model._linux_records import (
    MAX_PID,
    CommandList,
    InvalidRecordError,
    LoadedModule,
    ModuleList,
    ModuleStatus,
    ProcessRecord,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
    daemon_service,
    module_name,
    unit_service,
)
from vmic.model._services import IntegrationService
from vmic.parsers._linux import parse_ps, parse_systemctl_show

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE


def process(**changes: Any) -> ProcessRecord:
    base = ProcessRecord("root", 1286, 1, "Jul11", "?", "00:01:11", "/usr/sbin/hv_kvp_daemon -n")
    return attrs.evolve(base, **changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"user": "ro ot"}, "user"),
        ({"user": ""}, "user"),
        ({"tty": "pts/\x1b0"}, "tty"),
        ({"start": "\ufeffJul11"}, "start time"),
        ({"pid": -1}, "pid"),
        ({"ppid": MAX_PID + 1}, "ppid"),
        ({"cpu": -5}, "cpu"),
        ({"time": "0:01:11"}, "cpu time"),
        ({"time": "00:61:11"}, "cpu time"),
        ({"command": ""}, "command"),
        ({"command": " hv_kvp_daemon"}, "command"),
        ({"command": "hv_kvp_daemon\nrm -rf /"}, "command"),
        ({"command": "hv_kvp_daemon\u2028x"}, "command"),
        ({"command": "hv\x00kvp"}, "command"),
    ],
)
def test_process_records_reject_what_ps_cannot_print(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecordError) as excinfo:
        process(**changes)
    assert excinfo.value.field == field
    assert isinstance(excinfo.value, VmicError)
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value).startswith(f"invalid {field} ")


def test_a_tab_may_stand_inside_a_command() -> None:
    assert process(command="sh -c\ta").command == "sh -c\ta"


def test_derived_fields_follow_the_command() -> None:
    daemon = process()
    assert (daemon.kernel_thread, daemon.daemon, daemon.service) == (False, "hv_kvp_daemon", KVP)
    thread = attrs.evolve(daemon, command="[hv_vmbus_con]")
    assert (thread.kernel_thread, thread.daemon, thread.service) == (True, None, None)
    other = attrs.evolve(daemon, command="/usr/bin/hv_kvp_daemon_wrapper hv_kvp_daemon")
    assert (other.daemon, other.service) == (None, None)
    zombie = attrs.evolve(daemon, command="[hypervkvpd] <defunct>")
    assert not zombie.kernel_thread
    assert zombie.daemon is None


def test_cpu_time() -> None:
    assert process(time="1-02:03:04").cpu_time == datetime.timedelta(
        days=1, hours=2, minutes=3, seconds=4
    )
    assert process(time="123:00:00").cpu_time == datetime.timedelta(hours=123)


def test_every_packaged_daemon_maps_to_its_service() -> None:
    for packaging in all_packaging():
        for service, daemon in packaging.daemons.items():
            assert daemon_service(daemon) is service
            assert daemon_service(f"/usr/sbin/{daemon}") is service
    for service in IntegrationService:
        for daemon in service.info.linux_daemons:
            assert daemon_service(daemon) is service
    assert daemon_service("hv_get_dns_info") is None
    assert daemon_service("hv_utils") is None


def test_every_packaged_unit_maps_to_its_service() -> None:
    seen = 0
    for packaging in all_packaging():
        for service, unit in packaging.units.items():
            assert unit_service(unit) is service
            if not unit.endswith(".service"):
                continue  # an OpenRC or rc.d service, not a systemd unit
            assert (
                SystemdUnit(unit, UnitLoadState.LOADED, UnitActiveState.ACTIVE, "running").service
                is service
            )
            seen += 1
    assert seen >= 12
    assert unit_service("hypervkvpd") is KVP  # systemctl's own default suffix
    assert unit_service("hv-kvp-daemon.socket") is None
    assert unit_service("sshd.service") is None


def test_module_names() -> None:
    assert module_name("hid-hyperv") == "hid_hyperv"
    assert module_name("kernel/drivers/input/serio/hyperv-keyboard.ko") == "hyperv_keyboard"
    assert module_name("hv_utils") == "hv_utils"


def test_loaded_module_validation() -> None:
    with pytest.raises(InvalidRecordError):
        LoadedModule("hv utils", 1, 0)
    with pytest.raises(InvalidRecordError):
        LoadedModule("hv_utils", -1, 0)
    with pytest.raises(InvalidRecordError):
        LoadedModule("hv_utils", 1, -1)
    with pytest.raises(InvalidRecordError):
        LoadedModule("hv_utils", 1, 0, ("hv_vmbus,hv_netvsc",))
    assert LoadedModule("hv_utils", 1, None).used_by == ()


def test_module_list_lookups_ignore_hyphens() -> None:
    listing = ModuleList((LoadedModule("hid_hyperv", 20480, 0),))
    assert listing.get("hid-hyperv") == LoadedModule("hid_hyperv", 20480, 0)
    assert listing.status("hid-hyperv") is ModuleStatus.LOADED
    assert listing.get("hv_utils") is None
    with pytest.raises(InvalidRecordError, match="listed only once"):
        ModuleList((LoadedModule("hid-hyperv", 1, 0), LoadedModule("hid_hyperv", 1, 0)))


def test_module_list_equality_ignores_the_index() -> None:
    one = ModuleList((LoadedModule("hv_utils", 1, 0),))
    assert one == ModuleList((LoadedModule("hv_utils", 1, 0),))
    assert "index" not in repr(one)


def test_systemd_unit_validation() -> None:
    unit = SystemdUnit("a.service", UnitLoadState.LOADED, UnitActiveState.ACTIVE, "running")
    assert (unit.unit_file_state, unit.main_pid, unit.description) == (None, None, "")
    changes: dict[str, Any]
    for changes in (
        {"name": "a b.service"},
        {"sub_state": "Running"},
        {"main_pid": 0},
        {"description": "line\nbreak"},
        {"description": "\x1b[1mbold"},
    ):
        with pytest.raises(InvalidRecordError):
            attrs.evolve(unit, **changes)


def test_systemd_spellings() -> None:
    assert UnitLoadState.NOT_FOUND.systemd_name == "not-found"
    assert UnitLoadState.BAD_SETTING.systemd_name == "bad-setting"
    assert UnitFileState.ENABLED_RUNTIME.systemd_name == "enabled-runtime"
    assert UnitActiveState.ACTIVE.systemd_name == "active"
    assert all("_" not in state.systemd_name for state in UnitFileState)
    assert {s for s in UnitActiveState if s.is_active} == {
        UnitActiveState.ACTIVE,
        UnitActiveState.RELOADING,
        UnitActiveState.REFRESHING,
    }
    assert repr(UnitActiveState.FAILED) == "UnitActiveState.FAILED"
    assert repr(ModuleStatus.BUILT_IN) == "ModuleStatus.BUILT_IN"


def test_command_list_validation() -> None:
    assert CommandList(("hv_kvp_daemon", "hv kvp")).names == ("hv_kvp_daemon", "hv kvp")
    for bad in ("", " hv", "hv\tkvp", "hv\x7f", "\ufeffhv"):
        with pytest.raises(InvalidRecordError):
            CommandList((bad,))
    with pytest.raises(InvalidRecordError):
        CommandList((1,))  # type: ignore[arg-type]


def test_ps_control_character_is_located() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_ps("root 1 0 0 Jul11 ? 00:00:00 hv_kvp\x00daemon\n")
    assert (excinfo.value.line, excinfo.value.column) == (1, 35)
    assert excinfo.value.message == "unexpected control character U+0000 in a ps line"


def test_systemctl_description_control_character_is_located() -> None:
    text = "Id=a.service\nLoadState=loaded\nActiveState=active\nSubState=dead\nDescription=ab\x07\n"
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_show(text)
    assert (excinfo.value.line, excinfo.value.column) == (5, 15)
    assert excinfo.value.message == "unexpected control character U+0007 in Description="


def test_module_list_rejects_what_is_not_modules() -> None:
    with pytest.raises(TypeError):
        ModuleList(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ModuleList(("hv_utils",))  # type: ignore[arg-type]
