"""``--lab demo`` remembers what commands change, until ``vmic lab reset``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests._cli import in_process, run
from vmic.cli._lab import state_directory, state_file
from vmic.render import markdown_escape
from vmic.schemas import SCHEMA_VERSION, load_schema


def _doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    status, out, err = in_process(capsys, "doctor", "--lab", "demo", "--format", "json", *argv)
    assert status in {0, 1}, err
    summary = json.loads(out)["summary"]
    assert isinstance(summary, dict)
    return summary


def _findings(capsys: pytest.CaptureFixture[str], vm: str) -> list[tuple[str, str]]:
    status, out, err = in_process(
        capsys, "doctor", "--lab", "demo", "--vm", vm, "--format", "json", "-q"
    )
    assert status in {0, 1}, err
    return [(f["service"], f["cause"]) for f in json.loads(out)["findings"]]


def test_the_tour_doctor_fix_doctor_works_end_to_end() -> None:
    # The real command, one process per step, as a person types it.
    status, out, _ = run("doctor", "--lab", "demo", "--format", "json")
    assert status == 1
    assert json.loads(out)["summary"]["findings"] == 7
    status, _, err = run("fix", "--lab", "demo", "--yes", "--allow-install")
    assert status == 1, err  # one finding needs a person: app2012r2's Windows Update
    status, out, err = run("doctor", "--lab", "demo", "--format", "json")
    assert status == 1
    findings = json.loads(out)["findings"]
    assert [(f["vm"], f["cause"]) for f in findings] == [
        ("app2012r2", "integration_services_outdated")
    ]
    assert "the demo lab keeps" in err
    assert "vmic lab reset" in err


def test_the_tour_audit_save_change_audit_save_diff_shows_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VMIC_DB", str(tmp_path / "history.db"))
    assert run("audit", "--lab", "demo", "--save", "-q")[0] == 1
    status, out, err = run("disable", "--lab", "demo", "--vm", "dc01", "heartbeat")
    assert (status, err) == (0, ""), err
    assert "disabled Heartbeat on dc01" in out
    assert run("audit", "--lab", "demo", "--save", "-q")[0] == 1
    status, out, err = run("diff", "--format", "json")
    assert status == 1, err  # worse
    changes = {(c["vm"], c["service"], c["change"]) for c in json.loads(out)["changes"]}
    assert changes == {
        ("dc01", "heartbeat", "verdict_changed"),
        ("dc01", "heartbeat", "new_finding"),
    }


def test_enable_then_doctor_shows_the_service_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert ("key_value_pair_exchange", "disabled_on_host") in _findings(capsys, "legacy-win7")
    status, _, err = in_process(
        capsys, "enable", "--lab", "demo", "--vm", "legacy-win7", "key_value_pair_exchange"
    )
    assert status == 0, err
    assert _findings(capsys, "legacy-win7") == []
    status, out, err = in_process(capsys, "kvp", "get", "--lab", "demo", "--vm", "legacy-win7")
    assert status == 0, err
    assert "OSName = Windows 7" in out


def test_lab_show_lists_the_changes_and_reset_forgets_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = in_process(capsys, "lab", "show")
    assert status == 0
    assert "the demo lab is as built: no change remembered" in out
    in_process(
        capsys, "kvp", "set", "--lab", "demo", "--vm", "dc01", "--key", "role", "--value", "dc"
    )
    in_process(capsys, "disable", "--lab", "demo", "--vm", "fs01", "vss")
    status, out, _ = in_process(capsys, "lab")
    assert status == 0
    assert out.splitlines()[1:] == [
        "  1. HV01: kvp-change on dc01",
        "  2. HV-BERLIN: set-integration-services on fs01",
    ]
    assert out.startswith(f"the demo lab keeps 2 changes ({state_file('demo')}):")
    status, out, _ = in_process(capsys, "lab", "reset")
    assert (status, out.split(" (")[0]) == (0, "the demo lab's remembered changes are forgotten")
    assert not state_file("demo").exists()
    assert _findings(capsys, "fs01") == [("time_synchronization", "disabled_on_host")]
    status, out, _ = in_process(capsys, "kvp", "get", "--lab", "demo", "--vm", "dc01")
    assert "role" not in out
    status, out, _ = in_process(capsys, "lab", "reset")
    assert (status, out) == (0, "the demo lab has no remembered changes: it is as built\n")


def test_reading_commands_remember_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ("doctor", "--lab", "demo"),
        ("audit", "--lab", "demo"),
        ("check", "--lab", "demo"),
        ("fix", "--lab", "demo", "--check"),
        ("kvp", "get", "--lab", "demo", "--vm", "dc01"),
        ("apply", "--lab", "demo", "--vm", "dc01", "vss=on"),  # already so: nothing sent
    ):
        in_process(capsys, *argv)
    assert not state_file("demo").exists()


def _change(fields: str) -> str:
    return '{"version": 1, "lab": "demo", "clocks": {}, "changes": [{' + fields + "}]}"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not JSON"),
        ('{"version": 99, "lab": "demo", "clocks": {}, "changes": []}', "version 99"),
        ('{"version": 1, "lab": "other", "clocks": {}, "changes": []}', "'other' lab"),
        ('{"version": 1, "lab": "demo", "clocks": {}, "changes": [7]}', "not a remembered lab"),
        (
            _change('"target": "HV01", "script": "rm-rf", "clock": 0, "parameters": {}'),
            "no script 'rm-rf'",
        ),
        (
            _change('"target": "HV9", "script": "host-set-services", "clock": 0, "parameters": {}'),
            "no host 'HV9'",
        ),
        (
            _change(
                '"target": "HV01", "script": "host-set-services", "clock": 0, '
                '"parameters": {"VMName": "x"}'
            ),
            "takes the parameters",
        ),
        ("\x00\xff binary", "not JSON"),
    ],
)
def test_a_memory_that_cannot_be_read_is_reset_with_one_note(
    capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    path = state_file("demo")
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    status, out, err = in_process(capsys, "doctor", "--lab", "demo", "--format", "json")
    assert status == 1
    assert json.loads(out)["summary"]["findings"] == 7  # the lab as built
    (line,) = err.splitlines()
    assert line.startswith("vmic: note: the demo lab's remembered changes could not be read")
    assert words in line
    assert "Traceback" not in err
    assert not path.exists()
    status, _, err = in_process(capsys, "doctor", "--lab", "demo")
    assert (status, err) == (1, "")  # said once


def test_the_memory_is_versioned_json_written_whole(capsys: pytest.CaptureFixture[str]) -> None:
    in_process(capsys, "enable", "--lab", "demo", "--vm", "dc01", "guest_service_interface")
    path = state_file("demo")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["version"], data["lab"]) == (1, "demo")
    assert [change["script"] for change in data["changes"]] == ["host-set-services"]
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    # Only what changed is kept: the lab's facts (its VMs, guests, planted problems) are not.
    assert "sql01" not in path.read_text(encoding="utf-8")


def test_the_state_directory_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VMIC_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_directory() == tmp_path / "xdg" / "vmic"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")  # the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_directory() == tmp_path / "home" / ".local" / "state" / "vmic"
    monkeypatch.setenv("VMIC_STATE_DIR", str(tmp_path / "chosen"))
    assert state_file("demo") == tmp_path / "chosen" / "lab-demo.json"


def test_the_suite_keeps_the_lab_state_out_of_the_home_directory() -> None:
    home_state = Path.home() / ".local" / "state"
    assert not state_directory().is_relative_to(home_state)
    assert not state_directory().is_relative_to(Path.home())


def test_a_memory_that_cannot_be_read_stops_the_command_before_it_changes_anything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("VMIC_STATE_DIR", str(blocker / "vmic"))  # a directory under a file
    status, out, err = in_process(
        capsys, "enable", "--lab", "demo", "--vm", "dc01", "guest_service_interface"
    )
    assert (status, out) == (2, "")
    (line,) = err.splitlines()
    assert line.startswith("vmic: error: ")
    assert "cannot keep the lab's memory there: not a directory" in line
    # A directory where the memory belongs, likewise.
    monkeypatch.setenv("VMIC_STATE_DIR", str(tmp_path / "state"))
    state_file("demo").mkdir(parents=True)
    status, out, err = in_process(
        capsys, "enable", "--lab", "demo", "--vm", "dc01", "guest_service_interface"
    )
    assert (status, out) == (2, "")
    assert "the lab's memory is not a regular file" in err


def test_a_memory_that_cannot_be_written_is_one_error_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A link to itself: there is no memory to read, and none can be written there.
    path = state_file("demo")
    path.parent.mkdir(parents=True)
    path.symlink_to(path)
    status, out, err = in_process(
        capsys, "enable", "--lab", "demo", "--vm", "dc01", "guest_service_interface"
    )
    assert "enabled Guest Service Interface on dc01" in out  # done, and said
    (line,) = err.splitlines()
    assert line.startswith(f"vmic: error: {path}: cannot write the lab's memory")
    assert line.endswith("what this command changed in the demo lab will not last")
    assert status == 2


def _lab_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, err = in_process(capsys, "lab", *argv)
    assert (status, err) == (0, ""), err
    document: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("lab")).validate(document)
    assert document["schema_version"] == SCHEMA_VERSION
    return document


def _three_changes(capsys: pytest.CaptureFixture[str]) -> None:
    """A fix (its host command selects the VM by id), a kvp set and a disable (by name)."""
    for argv in (
        ("fix", "--lab", "demo", "--vm", "legacy-win7", "--yes"),
        ("kvp", "set", "--lab", "demo", "--vm", "dc01", "--key", "role", "--value", "dc"),
        ("disable", "--lab", "demo", "--vm", "fs01", "vss"),
    ):
        status, _, err = in_process(capsys, *argv, "-q")
        assert status == 0, err


def test_lab_show_names_the_vms_a_change_selected_by_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _three_changes(capsys)
    status, out, _ = in_process(capsys, "lab", "show")
    assert status == 0
    assert out.splitlines() == [
        f"the demo lab keeps 3 changes ({state_file('demo')}):",
        "  1. HV01: set-integration-services on legacy-win7",
        "  2. HV01: kvp-change on dc01",
        "  3. HV-BERLIN: set-integration-services on fs01",
    ]


def test_lab_show_as_json_has_each_change_whole(capsys: pytest.CaptureFixture[str]) -> None:
    _three_changes(capsys)
    document = _lab_json(capsys, "show", "--format", "json")
    assert (document["lab"], document["action"], document["state_file"]) == (
        "demo",
        "show",
        str(state_file("demo")),
    )
    changes = document["changes"]
    assert [(c["number"], c["host"], c["vms"], c["script"]) for c in changes] == [
        (1, "HV01", ["legacy-win7"], "host-set-services"),
        (2, "HV01", ["dc01"], "host-kvp-change"),
        (3, "HV-BERLIN", ["fs01"], "host-set-services"),
    ]
    # The command as it was sent: the VM by its id, which the "vms" name beside it.
    fixed = changes[0]["parameters"]
    assert fixed["Select"] == "id"
    assert fixed["VMs"] != ["legacy-win7"]
    assert len(fixed["VMs"]) == 1
    assert changes[2]["parameters"]["VMs"] == ["fs01"]
    # What is listed is what is remembered, in the same form.
    remembered = json.loads(state_file("demo").read_text(encoding="utf-8"))["changes"]
    assert [
        {key: change[key] for key in ("target", "script", "action", "clock", "parameters")}
        for change in changes
    ] == remembered


def test_lab_show_as_csv_and_markdown_is_one_row_per_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _three_changes(capsys)
    status, out, _ = in_process(capsys, "lab", "show", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["number"], r["host"], r["vms"], r["action"], r["target"]) for r in rows] == [
        ("1", "HV01", "legacy-win7", "set-integration-services", "HV01"),
        ("2", "HV01", "dc01", "kvp-change", "HV01"),
        ("3", "HV-BERLIN", "fs01", "set-integration-services", "HV-BERLIN"),
    ]
    status, out, _ = in_process(capsys, "lab", "show", "--format", "markdown")
    assert status == 0
    head, blank, header, _rule, *lines = out.splitlines()
    line = f"the demo lab keeps 3 changes ({state_file('demo')})"
    assert (head, blank) == (f"**vmic lab show**: {markdown_escape(line)}", "")
    assert header == "| number | host | VMs | action | script | target |"
    assert lines[0] == (
        "| 1 | HV01 | legacy-win7 | set-integration-services | host-set-services | HV01 |"
    )
    assert len(lines) == 3


def test_an_unchanged_lab_shows_no_change_in_every_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    as_built = f"the demo lab is as built: no change remembered ({state_file('demo')})"
    assert in_process(capsys, "lab", "--format", "table") == (0, as_built + "\n", "")
    out = in_process(capsys, "lab", "--format", "markdown")[1]
    assert out == f"**vmic lab show**: {markdown_escape(as_built)}\n"
    assert in_process(capsys, "lab", "--format", "csv")[1] == (
        "number,host,vms,action,script,target\n"
    )
    assert _lab_json(capsys, "--format", "json")["changes"] == []


def test_lab_reset_lists_what_it_forgot_in_json_csv_and_markdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _three_changes(capsys)
    document = _lab_json(capsys, "--format", "json", "reset")  # the option before the action
    assert document["action"] == "reset"
    assert [change["vms"] for change in document["changes"]] == [
        ["legacy-win7"],
        ["dc01"],
        ["fs01"],
    ]
    assert not state_file("demo").exists()
    assert _lab_json(capsys, "reset", "--format", "json")["changes"] == []
    in_process(capsys, "disable", "--lab", "demo", "--vm", "fs01", "vss", "-q")
    status, out, _ = in_process(capsys, "lab", "reset", "--format", "csv")
    assert (status, out.splitlines()[1:]) == (
        0,
        ["1,HV-BERLIN,fs01,set-integration-services,host-set-services,HV-BERLIN"],
    )
    in_process(capsys, "disable", "--lab", "demo", "--vm", "fs01", "vss", "-q")
    status, out, _ = in_process(capsys, "lab", "reset", "--format", "markdown")
    head, *rest = out.splitlines()
    assert head.startswith("**vmic lab reset**: the demo lab's remembered changes are forgotten")
    assert rest[-1].startswith("| 1 | HV-BERLIN | fs01 |")
    status, out, _ = in_process(capsys, "lab", "reset")  # the table says only that it forgot
    assert (status, out) == (0, "the demo lab has no remembered changes: it is as built\n")


def test_lab_reset_of_a_memory_that_cannot_be_read_forgets_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = state_file("demo")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    status, out, err = in_process(capsys, "lab", "show", "--format", "json")
    assert (status, out) == (2, "")
    assert err.startswith("vmic: error: ")
    assert "not JSON" in err
    document = _lab_json(capsys, "reset", "--format", "json")
    assert document["changes"] == []  # nothing a next run would have replayed
    assert not path.exists()
