"""Golden samples and error messages of the Linux parsers (lsmod, ps, compgen, systemctl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmic.errors import ParseError, VmicError
from vmic.model._linux_records import (
    CommandList,
    InvalidRecordError,
    LoadedModule,
    ModuleList,
    ModuleStatus,
    ProcessRecord,
    PsFormat,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
)
from vmic.model._services import IntegrationService
from vmic.parsers._linux import (
    daemon_pids,
    daemon_processes,
    format_compgen,
    format_lsmod,
    format_ps,
    format_systemctl_is_active,
    format_systemctl_show,
    loaded_module_names,
    parse_compgen,
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    parse_systemctl_is_active,
    parse_systemctl_show,
)

DATA = Path(__file__).parents[1] / "data"
KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS
GSI = IntegrationService.GUEST_SERVICE_INTERFACE


def read(name: str) -> str:
    # newline="" keeps CRLF samples as they are, so the parsers see the real line ends.
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return file.read()


def error_of(excinfo: pytest.ExceptionInfo[ParseError]) -> str:
    return str(excinfo.value)


# --- lsmod ----------------------------------------------------------------------------------


def test_spec_lsmod_sample() -> None:
    listing = parse_lsmod(read("lsmod/spec_lsmod_grep_hv_utils.txt"))
    assert listing.modules == (
        LoadedModule("hv_utils", 20480, 0, ()),
        LoadedModule(
            "hv_vmbus",
            61440,
            8,
            (
                "hv_balloon",
                "hyperv_keyboard",
                "hv_netvsc",
                "hid_hyperv",
                "hv_utils",
                "hyperv_fb",
                "hv_storvsc",
            ),
        ),
    )
    assert listing.status("hv_utils") is ModuleStatus.LOADED
    assert listing.status("hv_balloon") is ModuleStatus.NOT_LISTED


def test_kmod_listing_is_reproduced_exactly_by_the_formatter() -> None:
    text = read("lsmod/kmod_ubuntu_22_04.txt")
    listing = parse_lsmod(text)
    assert len(listing.modules) == 17
    assert [m.name for m in listing.modules][:3] == ["hv_sock", "intel_rapl_msr", "hv_balloon"]
    vmbus = listing.get("hv_vmbus")
    assert vmbus is not None
    assert vmbus.size == 135168
    assert vmbus.use_count == 8
    assert "hv_utils" in vmbus.used_by
    assert format_lsmod(listing.modules) == text


def test_proc_modules_gives_the_same_modules_as_lsmod() -> None:
    from_proc = parse_lsmod(read("lsmod/proc_modules_ubuntu_22_04.txt"))
    from_lsmod = parse_lsmod(read("lsmod/kmod_ubuntu_22_04.txt"))
    assert from_proc == from_lsmod
    hid = from_proc.get("hid")
    assert hid is not None
    assert hid.used_by == ("hid_generic", "hid_hyperv")


def test_grep_output_with_crlf_and_no_header() -> None:
    listing = parse_lsmod(read("lsmod/grep_hv_crlf.txt"))
    assert [m.name for m in listing.modules] == [
        "hv_sock",
        "hv_balloon",
        "hv_utils",
        "hv_netvsc",
        "hv_storvsc",
        "hv_vmbus",
    ]
    assert listing.get("hv_vmbus") == LoadedModule(
        "hv_vmbus",
        135168,
        8,
        (
            "hv_balloon",
            "hv_utils",
            "hv_netvsc",
            "hid_hyperv",
            "hv_storvsc",
            "hyperv_keyboard",
            "hyperv_drm",
            "hv_sock",
        ),
    )


def test_built_in_drivers_are_told_apart_from_missing_ones() -> None:
    listing = parse_lsmod(read("lsmod/kmod_builtin_drivers.txt"))
    builtin = parse_modules_builtin(read("lsmod/modules.builtin"))
    assert "hv_utils" in builtin
    assert "hid_hyperv" in builtin  # hid-hyperv.ko: the kernel spells it with "_"
    assert "hyperv_keyboard" in builtin
    assert listing.status("hv_utils") is ModuleStatus.NOT_LISTED
    assert listing.status("hv_utils", builtin=builtin) is ModuleStatus.BUILT_IN
    assert listing.status("hv-utils", builtin=builtin) is ModuleStatus.BUILT_IN
    assert listing.status("hv_sock", builtin=builtin) is ModuleStatus.ABSENT
    assert listing.status("isofs", builtin=builtin) is ModuleStatus.LOADED
    assert listing.status("udf") is ModuleStatus.LOADED


def test_lsmod_counts_that_the_kernel_does_not_report() -> None:
    listing = parse_lsmod("hv_utils 20480 -2\nhv_vmbus 61440 - hv_utils, Live 0x0\n")
    assert [m.use_count for m in listing.modules] == [None, None]
    assert format_lsmod(listing.modules, header=False).splitlines()[0].endswith("  -")


def test_empty_listing() -> None:
    assert parse_lsmod("").modules == ()
    assert parse_lsmod("Module                  Size  Used by\n").modules == ()
    assert parse_lsmod(b"\n\n").status("hv_utils") is ModuleStatus.NOT_LISTED


def test_lsmod_bad_size_renders_a_caret() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_lsmod("hv_utils 20480 0\nhv_vmbus 60k 8\n")
    assert error_of(excinfo) == (
        "expected the module size in bytes, found '60k' (line 2, column 10)\n"
        "    hv_vmbus 60k 8\n"
        "             ^"
    )
    assert (excinfo.value.line, excinfo.value.column) == (2, 10)


def test_lsmod_module_listed_twice() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_lsmod("Module Size Used by\nhv_utils 1 0\n  hv_utils 1 0\n")
    assert error_of(excinfo) == (
        "module 'hv_utils' is listed twice (first on line 2) (line 3, column 3)\n"
        "      hv_utils 1 0\n"
        "      ^"
    )


def test_lsmod_wrong_number_of_columns() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_lsmod("hv_utils 20480\n")
    assert error_of(excinfo).startswith(
        "expected 'NAME SIZE COUNT [USED-BY]' (lsmod) or 'NAME SIZE COUNT USED-BY STATE "
        "ADDRESS' (/proc/modules), found 2 columns (line 1, column 15)"
    )


def test_lsmod_bad_users_points_at_the_empty_name() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_lsmod("hv_vmbus 61440 2 hv_utils,,hv_netvsc\n")
    assert excinfo.value.column == 27
    assert "found ''" in excinfo.value.message


def test_proc_modules_bad_state_and_address() -> None:
    with pytest.raises(ParseError) as state:
        parse_lsmod("hv_utils 20480 0 - Alive 0x0\n")
    assert (state.value.column, state.value.message) == (
        20,
        "expected the module state Live, Loading or Unloading",
    )
    with pytest.raises(ParseError) as address:
        parse_lsmod("hv_utils 20480 0 - Live 0xZZ\n")
    assert address.value.column == 25
    with pytest.raises(ParseError) as taint:
        parse_lsmod("hv_utils 20480 0 - Live 0x0 OE\n")
    assert taint.value.column == 29


def test_lsmod_size_too_large_for_the_record() -> None:
    with pytest.raises(ParseError, match="larger than"):
        parse_lsmod("hv_utils 99999999999999999999 0\n")


def test_invalid_utf8_is_located() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_lsmod(b"hv_utils 20480 0\r\nhv_\xffvmbus 1 2\n")
    assert (excinfo.value.line, excinfo.value.column) == (2, 4)
    assert "UTF-8" in excinfo.value.message
    assert error_of(excinfo).endswith("(line 2, column 4)\n    hv_\ufffdvmbus 1 2\n       ^")


def test_not_text_at_all() -> None:
    with pytest.raises(ParseError, match="expected text or bytes, got int"):
        parse_lsmod(42)  # type: ignore[arg-type]


def test_modules_builtin_rejects_other_lines() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_modules_builtin("kernel/drivers/hv/hv_vmbus.ko\n  kernel/drivers/hv/hv_utils.o\n")
    assert error_of(excinfo) == (
        "expected a module path such as kernel/drivers/hv/hv_utils.ko (line 2, column 3)\n"
        "      kernel/drivers/hv/hv_utils.o\n"
        "      ^"
    )
    assert parse_modules_builtin("\n") == frozenset()


# --- ps -ef ---------------------------------------------------------------------------------


SPEC_PROCESSES = (
    ProcessRecord("root", 236, 2, "Jul11", "?", "00:00:00", "[hv_vmbus_con]"),
    ProcessRecord("root", 237, 2, "Jul11", "?", "00:00:00", "[hv_vmbus_ctl]"),
    ProcessRecord("root", 252, 2, "Jul11", "?", "00:00:00", "[hv_vmbus_ctl]"),
    ProcessRecord(
        "root",
        1286,
        1,
        "Jul11",
        "?",
        "00:01:11",
        "/usr/lib/linux-tools/3.13.0-32-generic/hv_kvp_daemon",
    ),
    ProcessRecord(
        "root",
        9333,
        1,
        "Oct12",
        "?",
        "00:00:00",
        "/usr/lib/linux-tools/3.13.0-32-generic/hv_kvp_daemon",
    ),
    ProcessRecord(
        "root",
        9365,
        1,
        "Oct12",
        "?",
        "00:00:00",
        "/usr/lib/linux-tools/3.13.0-32-generic/hv_vss_daemon",
    ),
)


def test_spec_ps_sample_drops_the_grep_and_the_elision() -> None:
    processes = parse_ps(read("ps/spec_ps_ef_grep_hv.txt"))
    assert processes == SPEC_PROCESSES
    assert [p.kernel_thread for p in processes] == [True, True, True, False, False, False]
    assert [p.daemon for p in processes] == [
        None,
        None,
        None,
        "hv_kvp_daemon",
        "hv_kvp_daemon",
        "hv_vss_daemon",
    ]
    assert [p.service for p in processes][3:] == [KVP, KVP, VSS]


def test_spec_ps_sample_keeping_the_grep() -> None:
    processes = parse_ps(read("ps/spec_ps_ef_grep_hv.txt"), keep_grep=True)
    grep = processes[-1]
    assert (grep.user, grep.pid, grep.ppid, grep.tty, grep.start) == (
        "scooley",
        43774,
        43755,
        "pts/0",
        "21:20",
    )
    assert grep.command == "grep --color=auto hv"  # the sample's trailing spaces are not part
    assert grep.daemon is None
    assert grep.service is None


def test_formatter_writes_the_spec_layout() -> None:
    lines = read("ps/spec_ps_ef_grep_hv.txt").splitlines(keepends=True)
    expected = "".join(line for line in lines if line.strip() != "..." and "grep" not in line)
    assert format_ps(SPEC_PROCESSES, header=False) == expected


def test_full_ps_listing_with_header() -> None:
    processes = parse_ps(read("ps/ubuntu_22_04_ps_ef.txt"))
    assert len(processes) == 14
    assert processes[0] == ProcessRecord("root", 1, 0, "Mar03", "?", "00:00:09", "/sbin/init")
    daemons = {p.pid: p.daemon for p in processes if p.daemon}
    assert daemons == {688: "hv_kvp_daemon", 689: "hv_vss_daemon"}
    assert {p.command for p in processes if p.kernel_thread} >= {
        "[hv_vmbus_con]",
        "[hv_pri_chan]",
        "[hv_sub_chan]",
        "[kworker/u4:2-events_unbound]",
    }
    sshd = next(p for p in processes if p.pid == 1022)
    assert sshd.command == "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"
    assert not sshd.kernel_thread
    assert processes[-1].command == "ps -ef"
    assert next(p for p in processes if p.pid == 701).user == "systemd+"


def test_debian_daemon_paths() -> None:
    processes = parse_ps(read("ps/debian_12_ps_ef_grep_hv.txt"))
    assert all(p.user == "root" for p in processes)
    assert [p.daemon for p in processes if p.daemon] == [
        "hv_kvp_daemon",
        "hv_vss_daemon",
        "hv_fcopy_daemon",
    ]
    assert {p.service for p in processes if p.service} == {KVP, VSS, GSI}


def test_rhel_daemon_names_and_crlf() -> None:
    processes = parse_ps(read("ps/rhel_9_ps_ef_grep_hyperv_crlf.txt"))
    assert [(p.pid, p.daemon, p.service) for p in processes if p.daemon] == [
        (742, "hypervkvpd", KVP),
        (743, "hypervvssd", VSS),
        (744, "hypervfcopyd", GSI),
    ]
    assert processes[2].command == "/usr/sbin/hypervkvpd -n"
    with_grep = parse_ps(read("ps/rhel_9_ps_ef_grep_hyperv_crlf.txt"), keep_grep=True)
    assert with_grep[-1].user == "azureus+"


def test_grep_colours_are_ignored() -> None:
    processes = parse_ps(read("ps/ubuntu_22_04_ps_ef_grep_hv_colour.txt"))
    assert [p.daemon for p in processes if p.daemon] == ["hv_kvp_daemon", "hv_vss_daemon"]
    assert processes[0].command == "[hv_vmbus_con]"
    assert all("\x1b" not in p.command for p in processes)


def test_ps_cpu_time_with_days() -> None:
    (process,) = parse_ps("root 470 1 3 2023 ? 12-02:13:44 /usr/sbin/hv_kvp_daemon -n")
    assert process.cpu == 3
    assert process.cpu_time.days == 12
    assert process.cpu_time.seconds == 2 * 3600 + 13 * 60 + 44


def test_unicode_ellipsis_is_an_elision_too() -> None:
    assert parse_ps("\u2026\n") == ()


def test_ps_too_few_columns() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_ps("root 236 2 0 Jul11 ? 00:00:00\n")
    assert error_of(excinfo) == (
        "expected 8 columns (UID PID PPID C STIME TTY TIME CMD), found 7 (line 1, column 30)\n"
        "    root 236 2 0 Jul11 ? 00:00:00\n"
        "                                 ^"
    )


def test_ps_bad_time() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_ps("root  236  2  0 Jul11 ?  0:00 [hv_vmbus_con]\n")
    assert error_of(excinfo) == (
        "expected the CPU time as [DD-]HH:MM:SS, found '0:00' (line 1, column 26)\n"
        "    root  236  2  0 Jul11 ?  0:00 [hv_vmbus_con]\n"
        "                             ^"
    )


def test_ps_header_only_on_the_first_line() -> None:
    text = "root 1 0 0 Mar03 ? 00:00:09 /sbin/init\nUID PID PPID C STIME TTY TIME CMD\n"
    with pytest.raises(ParseError) as excinfo:
        parse_ps(text)
    assert (excinfo.value.line, excinfo.value.column) == (2, 5)
    assert excinfo.value.message == "expected a number in column PID, found 'PID'"


# --- compgen --------------------------------------------------------------------------------


def test_spec_compgen_sample() -> None:
    commands = parse_compgen(read("compgen/spec_compgen_hv.txt"))
    assert commands.names == (
        "hv_vss_daemon",
        "hv_get_dhcp_info",
        "hv_get_dns_info",
        "hv_set_ifconfig",
        "hv_kvp_daemon",
        "hv_fcopy_daemon",
    )
    assert commands.daemons == ("hv_vss_daemon", "hv_kvp_daemon", "hv_fcopy_daemon")
    assert commands.services == frozenset({KVP, VSS, GSI})


def test_rhel_compgen_daemons() -> None:
    commands = parse_compgen(read("compgen/rhel_9_compgen_hyperv.txt"))
    assert commands.daemons == ("hypervkvpd", "hypervvssd", "hypervfcopyd")
    assert commands.services == frozenset({KVP, VSS, GSI})


def test_compgen_keeps_duplicates_and_reads_crlf() -> None:
    commands = parse_compgen(read("compgen/debian_12_compgen_hv_crlf.txt"))
    assert len(commands.names) == 12
    assert commands.names[:6] == commands.names[6:]
    assert commands.daemons == ("hv_fcopy_daemon", "hv_kvp_daemon", "hv_vss_daemon")


def test_compgen_without_daemons() -> None:
    commands = parse_compgen("hv_get_dns_info\n")
    assert commands.daemons == ()
    assert commands.services == frozenset()


def test_compgen_control_character() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_compgen("hv_kvp_daemon\n\thv_\x1bvss\n")
    assert (excinfo.value.line, excinfo.value.column) == (2, 5)
    assert excinfo.value.message == "unexpected control character U+001B in a command name"


def test_format_compgen() -> None:
    assert format_compgen(["hv_kvp_daemon", "hv_vss_daemon"]) == "hv_kvp_daemon\nhv_vss_daemon\n"
    with pytest.raises(InvalidRecordError):
        format_compgen(["hv_kvp_daemon\nrm"])


# --- systemctl ------------------------------------------------------------------------------


def test_debian_full_show_output() -> None:
    (unit,) = parse_systemctl_show(read("systemctl/debian_12_show_kvp_full.txt"))
    assert unit == SystemdUnit(
        name="hyperv-daemons.hv-kvp-daemon.service",
        load_state=UnitLoadState.LOADED,
        active_state=UnitActiveState.ACTIVE,
        sub_state="running",
        unit_file_state=UnitFileState.ENABLED,
        main_pid=470,
        description="Hyper-V key-value pair (KVP) daemon",
    )
    assert unit.service is KVP


UBUNTU_UNITS = ("hv-kvp-daemon.service", "hv-vss-daemon.service", "hv-fcopy-daemon.service")


def test_ubuntu_show_properties_round_trip_exactly() -> None:
    text = read("systemctl/ubuntu_22_04_show_properties.txt")
    units = parse_systemctl_show(text, units=UBUNTU_UNITS)
    assert [u.name for u in units] == list(UBUNTU_UNITS)
    assert [u.service for u in units] == [KVP, VSS, GSI]
    assert [u.active_state for u in units] == [
        UnitActiveState.ACTIVE,
        UnitActiveState.ACTIVE,
        UnitActiveState.INACTIVE,
    ]
    assert units[2].main_pid is None
    assert units[2].sub_state == "dead"
    assert format_systemctl_show(units) == text


def test_rhel_show_properties_crlf() -> None:
    units = parse_systemctl_show(read("systemctl/rhel_9_show_properties_crlf.txt"))
    assert [(u.name, u.service, u.unit_file_state) for u in units] == [
        ("hypervkvpd.service", KVP, UnitFileState.STATIC),
        ("hypervvssd.service", VSS, UnitFileState.STATIC),
        ("hypervfcopyd.service", GSI, UnitFileState.STATIC),
    ]
    assert units[2].active_state is UnitActiveState.FAILED
    assert not units[2].active_state.is_active
    assert units[0].active_state.is_active
    assert units[0].description == "Hyper-V KVP daemon"


def test_show_of_a_unit_that_does_not_exist() -> None:
    (unit,) = parse_systemctl_show(read("systemctl/rhel_9_show_not_found.txt"))
    assert unit.load_state is UnitLoadState.NOT_FOUND
    assert unit.unit_file_state is None
    assert unit.main_pid is None
    assert unit.description == "hv-kvp-daemon.service"


def test_show_without_id_takes_the_name_asked_for() -> None:
    text = "LoadState=loaded\nActiveState=active\nSubState=running\n"
    (unit,) = parse_systemctl_show(text, units="hypervkvpd")
    assert unit.name == "hypervkvpd"
    assert unit.service is KVP
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_show(text)
    assert excinfo.value.message == "this unit has no Id= line and no unit name was given"


def test_show_block_count_must_match_the_units_asked() -> None:
    text = read("systemctl/ubuntu_22_04_show_properties.txt")
    with pytest.raises(ParseError) as too_many:
        parse_systemctl_show(text, units=UBUNTU_UNITS[:2])
    assert error_of(too_many) == (
        "systemctl show printed 3 unit(s), but 2 were asked for (line 17, column 1)\n"
        "    MainPID=0\n"
        "    ^"
    )
    with pytest.raises(ParseError) as too_few:
        parse_systemctl_show(text, units=(*UBUNTU_UNITS, "hv_kvp_daemon.service"))
    assert (too_few.value.line, too_few.value.column) == (23, 22)
    assert parse_systemctl_show("\n\n", units=()) == ()


def test_show_unknown_state() -> None:
    text = "Id=hv-kvp-daemon.service\nLoadState=loaded\nActiveState=up\nSubState=running\n"
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_show(text)
    assert error_of(excinfo) == (
        "unknown ActiveState 'up'; systemd uses active, reloading, inactive, failed, "
        "activating, deactivating, maintenance, refreshing, unknown (line 3, column 13)\n"
        "    ActiveState=up\n"
        "                ^"
    )


def test_show_missing_required_property() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_show("\nId=a.service\nLoadState=loaded\nActiveState=active\n")
    assert (excinfo.value.line, excinfo.value.message) == (2, "this unit has no SubState= line")


def test_show_line_that_is_not_a_property() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_show("Id=a.service\n  LoadState=loaded\n")
    assert (excinfo.value.line, excinfo.value.column) == (2, 1)
    assert excinfo.value.message == "expected a KEY=VALUE property line"


def test_show_property_twice() -> None:
    text = "Id=a.service\nLoadState=loaded\nLoadState=masked\n"
    with pytest.raises(
        ParseError, match=r"LoadState= appears twice in one unit \(first on line 2\)"
    ):
        parse_systemctl_show(text)


def test_show_bad_values() -> None:
    base = "Id=a.service\nLoadState=loaded\nActiveState=active\nSubState=running\n"
    with pytest.raises(ParseError, match="expected MainPID as a number, found '-1'"):
        parse_systemctl_show(base + "MainPID=-1\n")
    with pytest.raises(ParseError, match="unknown UnitFileState 'on'"):
        parse_systemctl_show(base + "UnitFileState=on\n")
    with pytest.raises(ParseError, match="expected a sub-state"):
        parse_systemctl_show(base.replace("running", "Running"))
    with pytest.raises(ParseError, match="expected a unit name"):
        parse_systemctl_show(base.replace("a.service", "a b.service"))


def test_is_active_in_the_order_asked() -> None:
    states = parse_systemctl_is_active(read("systemctl/ubuntu_22_04_is_active.txt"), UBUNTU_UNITS)
    assert list(states.items()) == [
        ("hv-kvp-daemon.service", UnitActiveState.ACTIVE),
        ("hv-vss-daemon.service", UnitActiveState.ACTIVE),
        ("hv-fcopy-daemon.service", UnitActiveState.INACTIVE),
    ]
    assert format_systemctl_is_active(states.values()) == read(
        "systemctl/ubuntu_22_04_is_active.txt"
    )


def test_is_active_unknown_on_older_systemd() -> None:
    states = parse_systemctl_is_active(
        read("systemctl/rhel_7_is_active_crlf.txt"), ["hypervkvpd", "hypervvssd", "hypervfcopyd"]
    )
    assert states["hypervfcopyd"] is UnitActiveState.UNKNOWN
    assert not states["hypervfcopyd"].is_active


def test_is_active_count_mismatch() -> None:
    with pytest.raises(ParseError) as too_few:
        parse_systemctl_is_active("active\n", ["a.service", "b.service"])
    assert error_of(too_few) == (
        "1 state(s) for the 2 unit(s) asked for; none for 'b.service' (line 1, column 7)\n"
        "    active\n"
        "          ^"
    )
    with pytest.raises(ParseError) as too_many:
        parse_systemctl_is_active("active\n inactive\n", "a.service")
    assert (too_many.value.line, too_many.value.column) == (2, 2)
    assert too_many.value.message == "more states than the 1 unit(s) asked for"


def test_is_active_unknown_word() -> None:
    with pytest.raises(ParseError) as excinfo:
        parse_systemctl_is_active("running\n", ["a.service"])
    assert excinfo.value.message.startswith("unknown unit state 'running'; systemctl prints active")


# --- common contract ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parse",
    [parse_lsmod, parse_ps, parse_compgen, parse_modules_builtin, parse_systemctl_show],
)
def test_errors_are_vmic_value_errors(parse: object) -> None:
    assert callable(parse)
    with pytest.raises(ParseError) as excinfo:
        parse(b"\xc3\x28")
    assert isinstance(excinfo.value, VmicError)
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.line == 1


def test_command_list_model_is_what_compgen_returns() -> None:
    assert parse_compgen("") == CommandList(())


def test_lsmod_bad_name_and_extra_columns() -> None:
    with pytest.raises(ParseError) as name:
        parse_lsmod("hv@utils 20480 0\n")
    assert (name.value.column, name.value.message) == (
        1,
        "expected a module name, found 'hv@utils'",
    )
    with pytest.raises(ParseError) as extra:
        parse_lsmod("hv_utils 20480 0 - Live 0x0 (OE) more\n")
    assert extra.value.column == 34
    assert "found more than 7 columns" in extra.value.message


# --- FreeBSD's and BusyBox's ps (tests/data/ps/) --------------------------------------------------


def test_freebsd_ps_golden_sample() -> None:
    records = parse_ps((DATA / "ps" / "freebsd-ps-axww.txt").read_text(encoding="utf-8"))
    assert [r.pid for r in records] == [0, 1, 412, 623, 641, 901, 955]
    kernel, init, devd, kvp, vss, shell, ps = records
    assert kernel.kernel_thread
    assert (init.command, init.state) == ("/sbin/init", "ILs")
    assert (kvp.daemon, kvp.service, kvp.state, kvp.tty) == ("hv_kvp_daemon", KVP, "Ss", "-")
    assert (vss.daemon, vss.service) == ("hv_vss_daemon", VSS)
    assert (kvp.user, kvp.ppid, kvp.start, kvp.cpu) == (None, None, None, None)
    assert kvp.cpu_time.total_seconds() == pytest.approx(0.03)
    assert devd.command == "/sbin/devd"
    assert (shell.command, shell.tty) == ("-sh (sh)", "u0")
    assert ps.command == "ps -axww"


def test_busybox_ps_golden_sample() -> None:
    records = parse_ps((DATA / "ps" / "busybox-ps-ef.txt").read_text(encoding="utf-8"))
    assert [(r.pid, r.user) for r in records][:3] == [(1, "root"), (2, "root"), (2301, "root")]
    kthreadd, kvp, vss, chrony = records[1:5]
    assert kthreadd.kernel_thread
    assert (kvp.daemon, kvp.service, kvp.tty, kvp.ppid) == ("hv_kvp_daemon", KVP, None, None)
    assert vss.daemon == "hv_vss_daemon"
    assert chrony.user == "chrony"
    assert chrony.cpu_time.total_seconds() == 1


@pytest.mark.parametrize("name", ["freebsd-ps-axww.txt", "busybox-ps-ef.txt"])
def test_filtered_listings_without_their_header_are_read_by_shape(name: str) -> None:
    # `ps | grep hv` drops the header: the first line's columns tell the layout.
    text = (DATA / "ps" / name).read_text(encoding="utf-8")
    hv_lines = "".join(line + "\n" for line in text.splitlines() if "hv_" in line)
    assert [r.daemon for r in parse_ps(hv_lines)] == ["hv_kvp_daemon", "hv_vss_daemon"]


def test_a_bsd_line_with_a_procps_time_is_an_error_with_its_place() -> None:
    text = "  PID TT  STAT    TIME COMMAND\n  623  -  Ss   00:00:03 /usr/sbin/hv_kvp_daemon\n"
    with pytest.raises(ParseError) as caught:
        parse_ps(text)
    message = str(caught.value)
    assert "line 2" in message
    assert "expected the CPU time as M:SS or M:SS.hh, found '00:00:03'" in message


def test_a_busybox_line_missing_its_command_is_an_error() -> None:
    with pytest.raises(ParseError, match=r"expected 4 columns \(PID USER TIME COMMAND\), found 3"):
        parse_ps("PID   USER     TIME  COMMAND\n    1 root      0:00\n")


def test_format_ps_writes_each_layout_with_its_header() -> None:
    bsd = ProcessRecord(
        None, 623, None, None, "-", "0:00.03", "/usr/sbin/hv_kvp_daemon", cpu=None, state="Ss"
    )
    text = format_ps([bsd], layout=PsFormat.BSD)
    assert text.splitlines()[0].split() == ["PID", "TT", "STAT", "TIME", "COMMAND"]
    assert parse_ps(text) == (bsd,)
    busybox = ProcessRecord(
        "root", 2301, None, None, None, "0:00", "/usr/bin/hv_kvp_daemon", cpu=None
    )
    text = format_ps([busybox], layout=PsFormat.BUSYBOX)
    assert text.splitlines()[0].split() == ["PID", "USER", "TIME", "COMMAND"]
    assert parse_ps(text) == (busybox,)


@pytest.mark.parametrize("sample", sorted((DATA / "ps").glob("*.txt")), ids=lambda p: p.name)
def test_ps_records_are_those_the_checked_constructor_builds(sample: Path) -> None:
    # The parser builds its records without running their validators again: each must be
    # exactly what the validated constructor makes of the same columns.
    records = parse_ps(sample.read_bytes(), keep_grep=True)
    assert records
    for record in records:
        fields = {
            name: getattr(record, name)
            for name in ("user", "pid", "ppid", "start", "tty", "time", "command", "cpu", "state")
        }
        rebuilt = ProcessRecord(**fields)
        assert rebuilt == record
        assert (rebuilt.kernel_thread, rebuilt.daemon, rebuilt.service) == (
            record.kernel_thread,
            record.daemon,
            record.service,
        )


@pytest.mark.parametrize("sample", sorted((DATA / "lsmod").glob("*.txt")), ids=lambda p: p.name)
def test_lsmod_records_are_those_the_checked_constructor_builds(sample: Path) -> None:
    modules = parse_lsmod(sample.read_bytes()).modules
    assert modules
    for module in modules:
        rebuilt = LoadedModule(module.name, module.size, module.use_count, module.used_by)
        assert rebuilt == module


@pytest.mark.parametrize("sample", sorted((DATA / "ps").glob("*.txt")), ids=lambda p: p.name)
def test_daemon_processes_are_the_listings_daemons(sample: Path) -> None:
    # The audit's reader builds only the daemons' records: the same as the full listing's.
    data = sample.read_bytes()
    expected = {p.daemon: p for p in parse_ps(data) if p.daemon is not None}
    assert daemon_processes(data) == expected
    assert daemon_pids(data) == {daemon: p.pid for daemon, p in expected.items()}


def test_daemon_pids_skip_kernel_threads_and_greps_and_keep_the_last_process() -> None:
    listing = (
        "UID        PID  PPID  C STIME TTY          TIME CMD\n"
        "root       236     2  0 Jul11 ?        00:00:00 [hv_vmbus_con]\n"
        "root       237     2  0 Jul11 ?        00:00:00 [hv_kvp_daemon]\n"
        "root      1200     1  0 Jul11 ?        00:00:00 /usr/sbin/hv_kvp_daemon -n\n"
        "root      1300     1  0 Jul11 ?        00:00:00 /usr/sbin/hv_kvp_daemon -n\n"
        "root      8204  8203  0 21:20 pts/0    00:00:00 grep hv_vss_daemon\n"
    )
    assert daemon_pids(listing) == {"hv_kvp_daemon": 1300}


@pytest.mark.parametrize(
    "line",
    [
        "root 2147483648 1 0 Jul11 ? 00:00:00 /usr/sbin/hv_kvp_daemon -n",  # PID past 2**31-1
        "root 1200 1 0 Jul11 ? 0:00:00:00 /usr/sbin/hv_kvp_daemon -n",  # no CPU time
        "root 1200 x 0 Jul11 ? 00:00:00 /usr/sbin/hv_kvp_daemon -n",  # no PPID
    ],
)
def test_daemon_pids_refuse_a_listing_as_parse_ps_does(line: str) -> None:
    with pytest.raises(ParseError) as expected:
        parse_ps(line)
    with pytest.raises(ParseError) as caught:
        daemon_pids(line)
    assert str(caught.value) == str(expected.value)


@pytest.mark.parametrize("sample", sorted((DATA / "lsmod").glob("*.txt")), ids=lambda p: p.name)
def test_lsmod_listing_is_the_one_the_checked_constructor_builds(sample: Path) -> None:
    listing = parse_lsmod(sample.read_bytes())
    rebuilt = ModuleList(listing.modules)
    assert rebuilt == listing
    assert rebuilt._index == listing._index
    for module in listing.modules:
        assert listing.get(module.name) is module
    assert loaded_module_names(sample.read_bytes()) == frozenset(listing._index)


@pytest.mark.parametrize(
    "sample", sorted((DATA / "systemctl").glob("*show*.txt")), ids=lambda p: p.name
)
def test_show_units_are_those_the_checked_constructor_builds(sample: Path) -> None:
    units = parse_systemctl_show(sample.read_bytes())
    assert units
    for unit in units:
        rebuilt = SystemdUnit(
            name=unit.name,
            load_state=unit.load_state,
            active_state=unit.active_state,
            sub_state=unit.sub_state,
            unit_file_state=unit.unit_file_state,
            main_pid=unit.main_pid,
            description=unit.description,
        )
        assert rebuilt == unit


def test_show_line_without_an_equals_sign_is_no_property() -> None:
    # A property's name alone is not KEY=VALUE, even when it is a property read.
    with pytest.raises(ParseError, match="expected a KEY=VALUE property line") as caught:
        parse_systemctl_show("Id=a.service\nLoadState\nActiveState=active\nSubState=dead\n")
    assert (caught.value.line, caught.value.column) == (2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "hv_utils 20480 0\nModule Size Used by\n",
        "hv_utils 20480 0\nhv-utils 20480 0\n",
        "hv_utils 20480 2147483648\n",
        "hv_utils 20480 0\r\nhv_vmbus 61440 1 hv_utils,,x\n",
    ],
)
def test_module_names_refuse_what_parse_lsmod_refuses(text: str) -> None:
    with pytest.raises(ParseError) as expected:
        parse_lsmod(text)
    with pytest.raises(ParseError) as caught:
        loaded_module_names(text)
    assert (caught.value.message, caught.value.line) == (
        expected.value.message,
        expected.value.line,
    )
