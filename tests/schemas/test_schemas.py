"""The versioned JSON contract: shipped schemas, their published copies, and real output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from tests._cli import in_process
from vmic.diagnosis._results import GuestView, Verdict
from vmic.executors._command import Shell
from vmic.fleet._report import AuditReport, HostResult, HostStatus
from vmic.model._records import VMState
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import OperationalStatus
from vmic.rules._causes import Cause
from vmic.rules._features import Feature
from vmic.rules._matrix import SupportLevel, UpdateMechanism
from vmic.rules._plans import StepAction, StepRole, StepSide
from vmic.schemas import (
    SCHEMA_NAMES,
    SCHEMA_VERSION,
    SchemaVersionError,
    check_schema_version,
    load_schema,
)

if TYPE_CHECKING:
    import enum

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "vmic" / "schemas"

# Each schema enumeration and the vocabularies it must list, in order.
ENUMS: dict[str, tuple[type[enum.Enum], ...]] = {
    "verdict": (Verdict,),
    "guest_view": (GuestView,),
    "host_status": (HostStatus,),
    "vm_state": (VMState,),
    "service": (IntegrationService, GuestOnlyService),
    "cause": (Cause,),
    "feature": (Feature,),
    "step_role": (StepRole,),
    "step_side": (StepSide,),
    "step_action": (StepAction,),
    "mechanism": (UpdateMechanism,),
    "support": (SupportLevel,),
    "shell": (Shell,),
    "operational_status": (OperationalStatus,),
}


def _validate(document: object, name: str) -> None:
    jsonschema.Draft202012Validator(load_schema(name)).validate(document)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_valid_against_its_meta_schema(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_published_copy_is_the_shipped_schema(name: str) -> None:
    shipped = (SHIPPED / f"{name}.json").read_bytes()
    assert (DOCS / f"{name}.json").read_bytes() == shipped
    assert json.loads(shipped) == load_schema(name)


def test_no_schema_file_is_left_unlisted() -> None:
    assert sorted(p.stem for p in SHIPPED.glob("*.json")) == sorted(SCHEMA_NAMES)
    assert sorted(p.stem for p in DOCS.glob("*.json")) == sorted(SCHEMA_NAMES)


@pytest.mark.parametrize(("name", "vocabularies"), ENUMS.items())
def test_schema_enumerations_follow_the_code(name: str, vocabularies: tuple[Any, ...]) -> None:
    values = [member.value for vocabulary in vocabularies for member in vocabulary]
    assert load_schema("audit")["$defs"][name]["enum"] == values


@pytest.mark.parametrize("command", ["doctor", "audit"])
def test_lab_json_validates_and_carries_the_version(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, out, _ = in_process(capsys, command, "--lab", "demo", "--format", "json")
    assert status == 1  # the demo lab has findings
    document = json.loads(out)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, "audit")
    rows = document["findings"]
    assert rows
    # Data, not display strings: services as their values, as in the full diagnosis.
    assert {row["service"] for row in rows} <= {s.value for s in IntegrationService} | {
        s.value for s in GuestOnlyService
    } | {""}


def test_the_schema_rejects_a_display_string_where_a_value_belongs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = in_process(capsys, "audit", "--lab", "demo", "--format", "json")
    document = json.loads(out)
    document["findings"][0]["service"] = "VSS"
    with pytest.raises(jsonschema.ValidationError):
        _validate(document, "audit")
    unversioned = json.loads(out)
    del unversioned["schema_version"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(unversioned, "audit")
    with pytest.raises(jsonschema.ValidationError):
        _validate(json.loads(out) | {"schema_version": 2}, "audit")


def test_a_failed_host_keeps_its_whole_error_with_its_kind() -> None:
    message = "name resolution failed for hv9.example: " + "x" * 400
    result = HostResult(
        host="hv9.example",
        status=HostStatus.UNREACHABLE,
        error=message[:300],
        error_type="ConnectionFailedError",
        error_detail=message,
    )
    document = AuditReport(results=(result,)).to_dict()
    _validate(document, "audit")
    assert document["hosts"][0]["error"] == {
        "kind": "unreachable",
        "type": "ConnectionFailedError",
        "message": message,
    }


def test_an_audited_host_has_no_error_object() -> None:
    document = AuditReport(results=(HostResult(host="hv1", status=HostStatus.OK),)).to_dict()
    assert document["hosts"][0]["error"] is None


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"schema_version": SCHEMA_VERSION + 1}, "newer than this vmic reads"),
        ({"schema_version": 0}, "older than this vmic reads"),
        ({}, "has no schema_version"),
        ({"schema_version": "1"}, "has no schema_version"),
        ({"schema_version": True}, "has no schema_version"),
    ],
)
def test_reading_checks_the_version_first(document: dict[str, Any], words: str) -> None:
    with pytest.raises(SchemaVersionError, match=words) as raised:
        check_schema_version(document, source="saved.json")
    assert str(raised.value).startswith("saved.json ")
    assert isinstance(raised.value, ValueError)


def test_the_current_version_is_read() -> None:
    assert check_schema_version({"schema_version": SCHEMA_VERSION}) == SCHEMA_VERSION


def test_an_unknown_schema_name_is_refused() -> None:
    with pytest.raises(ValueError, match="no schema named 'nope'"):
        load_schema("nope")


@pytest.mark.parametrize(
    "argv",
    [
        ("--host-os", "Windows Server 2016", "--guest-os", "Windows 7"),
        ("--host-os", "Windows Server 2012 R2", "--guest-os", "Windows Server 2012", "--vm-off"),
        ("--host-os", "Windows Server 2019", "--guest-os", "Ubuntu 22.04"),
    ],
)
def test_plan_json_validates_and_carries_the_version(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    status, out, _ = in_process(capsys, "plan", *argv, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, "plan")
    assert document["steps"]


def test_host_statuses_are_data_beside_their_words(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = in_process(capsys, "audit", "--lab", "demo", "--format", "json")
    services = [
        s
        for h in json.loads(out)["hosts"]
        for vm in h["diagnosis"]["vms"]
        for s in vm["services"]
        if s["host_enabled"] is not None
    ]
    assert services
    for service in services:
        # The words are the two statuses' values joined: the fields hold each of them.
        parts = [service["host_primary_status"], service["host_secondary_status"]]
        assert service["host_status"] == " / ".join(p for p in parts if p is not None)
    assert any(s["host_secondary_status"] is not None for s in services)


@pytest.mark.parametrize(
    ("host", "guest"),
    [
        ("Windows Server 2019", "Ubuntu 22.04"),
        ("Windows Server 2016", "FreeBSD 11.1"),
        ("Windows Server 2022", "RHEL 9"),
    ],
)
def test_support_json_validates_and_carries_the_version(
    capsys: pytest.CaptureFixture[str], host: str, guest: str
) -> None:
    status, out, _ = in_process(
        capsys, "support", "--host-os", host, "--guest-os", guest, "--format", "json"
    )
    assert status == 0
    document = json.loads(out)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, "support")
    assert document["features"]


def test_support_enumerations_follow_the_code() -> None:
    from vmic.rules._support import FeatureStatus, GuestFeature  # noqa: PLC0415

    defs = load_schema("support")["$defs"]
    assert defs["feature"]["enum"] == [m.value for m in GuestFeature]
    assert defs["feature_status"]["enum"] == [m.value for m in FeatureStatus]


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (("matrix",), "matrix"),
        (("matrix", "--host-os", "Windows Server 2012 R2"), "matrix"),
        (("matrix", "--supported-guests"), "matrix"),
        (("matrix", "--supported-guests", "--host-os", "Windows Server 2022"), "matrix"),
        (("services",), "services"),
        (("scripts",), "scripts"),
    ],
)
def test_row_outputs_validate_and_carry_the_version(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], name: str
) -> None:
    status, out, _ = in_process(capsys, *argv, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, name)
    assert document["rows"]


def test_guest_json_of_this_machine_validates(capsys: pytest.CaptureFixture[str]) -> None:
    # This machine is observed as a Linux guest (the real guest tests do the same).
    _, out, _ = in_process(capsys, "guest", "--format", "json")
    document = json.loads(out)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, "guest")
    assert document["daemons"]


def _json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, err = in_process(capsys, *argv, "--format", "json")
    document = json.loads(out)
    assert isinstance(document, dict), argv  # every JSON output is an object...
    assert document["schema_version"] == SCHEMA_VERSION, argv  # ...with its version
    assert err == "" or status != 0, err
    return status, document


@pytest.mark.parametrize("argv", [("--check",), ("--yes",), ("--yes", "--allow-install")])
def test_fix_json_validates_and_carries_the_version(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    status, document = _json_of(capsys, "fix", "--lab", "demo", *argv)
    assert status == 1  # the demo lab keeps a finding no step can fix
    _validate(document, "fix")
    assert document["steps"]
    assert any(step["vmic"] for step in document["steps"])


def test_history_and_diff_json_validate_and_carry_the_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "history.db")
    status, document = _json_of(capsys, "history", "--db", db)
    assert (status, document["runs"]) == (0, [])
    _validate(document, "history")
    for _ in range(2):
        status, _out, _err = in_process(capsys, "audit", "--lab", "demo", "--save", "--db", db)
        assert status == 1
    status, document = _json_of(capsys, "history", "--db", db)
    _validate(document, "history")
    assert [run["id"] for run in document["runs"]] == [1, 2]
    status, document = _json_of(capsys, "diff", "--db", db)
    assert status == 0
    _validate(document, "diff")
    assert (document["a"]["id"], document["b"]["id"], document["worse"]) == (1, 2, False)


@pytest.mark.parametrize(
    "name", ["changes", "diff", "fix", "history", "history-change", "kvp", "lab", "operation"]
)
def test_the_new_schemas_reject_a_bare_list_and_a_missing_version(name: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validate([], name)
    with pytest.raises(jsonschema.ValidationError):
        _validate({}, name)


def test_a_pruned_or_imported_run_is_described_as_history_lists_it() -> None:
    # Each schema file stands alone (no reference across files): the copy must not drift.
    assert load_schema("history-change")["$defs"]["run"] == load_schema("history")["$defs"]["run"]


# Every command that prints results, with a run of it and the schema its JSON follows.
_JSON_RUNS: dict[str, tuple[tuple[str, ...], str]] = {
    "matrix": (("matrix",), "matrix"),
    "plan": (("plan", "--host-os", "2016", "--guest-os", "Windows 7"), "plan"),
    "support": (("support", "--host-os", "2019", "--guest-os", "Ubuntu 22.04"), "support"),
    "services": (("services",), "services"),
    "doctor": (("doctor", "--lab", "demo"), "audit"),
    "audit": (("audit", "--lab", "demo"), "audit"),
    "enable": (
        ("enable", "--lab", "demo", "--vm", "legacy-win7", "key_value_pair_exchange"),
        "changes",
    ),
    "disable": (("disable", "--lab", "demo", "--vm", "dc01", "vss"), "changes"),
    "apply": (
        ("apply", "--lab", "demo", "--vm", "fs01", "time_synchronization=on", "--check"),
        "changes",
    ),
    "guest": (("guest",), "guest"),
    "wait": (
        ("wait", "--lab", "demo", "--vm", "dc01", "--for", "heartbeat", "--timeout", "2"),
        "operation",
    ),
    "copy": (
        (
            "copy",
            "--lab",
            "demo",
            "--vm",
            "dc01",
            "C:\\Deploy\\settings.json",
            "C:\\Temp",
            "--enable-service",
        ),
        "operation",
    ),
    "shutdown": (("shutdown", "--lab", "demo", "--vm", "web02"), "operation"),
    "kvp": (("kvp", "get", "--lab", "demo", "--vm", "web01"), "kvp"),
    "history": (("history",), "history"),
    "history prune": (("history", "prune", "--keep", "1"), "history-change"),
    "history import": (("history", "import"), "history-change"),
    "lab": (("lab", "show"), "lab"),
    "diff": (("diff",), "diff"),
    "fix": (("fix", "--lab", "demo", "--check"), "fix"),
    "scripts": (("scripts",), "scripts"),
    "policy": (
        ("policy", "show", str(DOCS.parent / "policy.example.toml"), "--lab", "demo"),
        "desired",
    ),
}


def _commands_with_json() -> set[str]:
    """Every command and action (``history prune``) of the parser that takes --format json."""
    from vmic.cli._main import build_parser  # noqa: PLC0415 - beside its use

    found = set()
    pending: list[tuple[str, argparse.ArgumentParser]] = [("", build_parser())]
    while pending:
        prefix, parser = pending.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    pending.append((f"{prefix} {name}".strip(), sub))
            elif action.dest == "output_format" and "json" in (action.choices or ()):
                found.add(prefix)
    return found


def test_every_command_that_prints_results_has_a_json_case() -> None:
    assert set(_JSON_RUNS) == _commands_with_json()
    for name in ("wait", "copy", "shutdown", "fix", "lab", "history prune", "history import"):
        assert name in _commands_with_json()


@pytest.mark.parametrize("command", sorted(_JSON_RUNS))
def test_every_json_output_is_an_object_with_its_version_and_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    argv, name = _JSON_RUNS[command]
    if command.startswith("history") or command == "diff":
        db = str(tmp_path / "history.db")
        for _ in range(2):
            in_process(capsys, "audit", "--lab", "demo", "--save", "--db", db, "-q")
        if command == "history import":
            other = str(tmp_path / "other.db")
            in_process(capsys, "audit", "--lab", "demo", "--save", "--db", other, "-q")
            argv = (*argv, other)
        argv = (*argv, "--db", db)
    elif command == "lab":  # a change to list, by a command that selects VMs by id
        in_process(capsys, "fix", "--lab", "demo", "--yes", "-q")
    status, out, err = in_process(capsys, *argv, "--format", "json")
    assert status in {0, 1}, err
    document = json.loads(out)
    assert isinstance(document, dict)
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document, name)
    listed = {"history prune": "runs", "history import": "runs", "lab": "changes"}
    if command in listed:  # something to validate beyond the envelope
        assert document[listed[command]], document


def test_a_failed_operation_is_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("wait", "--lab", "demo", "--vm", "rhel-db", "--for", "ip", "--timeout", "1")
    status, out, err = in_process(capsys, *argv, "--format", "json")
    assert status == 1
    assert err.startswith("vmic: error: ")  # the one line, as in every format
    document = json.loads(out)
    _validate(document, "operation")
    (result,) = document["results"]
    assert (result["ok"], result["wait"], result["error"]["cause"]) == (
        False,
        None,
        "daemon_not_installed",
    )


def test_policy_enumerations_follow_the_code() -> None:
    from vmic.fleet._policy import PolicyOutcome  # noqa: PLC0415
    from vmic.model._operating_system import OSFamily  # noqa: PLC0415

    report = load_schema("policy")["$defs"]
    assert report["outcome"]["enum"] == [m.value for m in PolicyOutcome]
    assert report["service"]["enum"] == [m.value for m in IntegrationService]
    assert report["host_status"]["enum"] == [m.value for m in HostStatus]
    assert list(report["result"]["properties"]) == list(_a_result_row())
    desired = load_schema("desired")["$defs"]
    assert desired["service"]["enum"] == [m.value for m in IntegrationService]
    assert desired["rule"]["properties"]["guest_family"]["items"]["enum"] == [
        m.value for m in OSFamily
    ]
    assert sorted(desired["rule"]["properties"]["services"]["properties"]) == sorted(
        m.value for m in IntegrationService
    )


def _a_result_row() -> dict[str, Any]:
    from vmic.fleet._policy import PolicyOutcome, ServiceOutcome  # noqa: PLC0415

    row = ServiceOutcome(
        host="h",
        vm="v",
        vm_id=None,
        service=IntegrationService.VSS,
        desired=True,
        before=False,
        after=None,
        outcome=PolicyOutcome.WOULD_CHANGE,
        rule=1,
    )
    return row.to_dict()
