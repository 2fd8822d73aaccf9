"""One converter for every public record: ``structure(unstructure(x)) == x``, through JSON."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests._cli import in_process
from vmic.cli._connection import lab_targets
from vmic.convert import observations_document, read_observations, structure, unstructure
from vmic.diagnosis import Diagnosis, diagnose
from vmic.errors import ConfigurationError
from vmic.fleet import AuditReport, audit
from vmic.model._guest import Guest, GuestUnreachable
from vmic.model._host import Host
from vmic.schemas import OBSERVATIONS_VERSION, SchemaVersionError, load_schema
from vmic.strategies import _registration


def _registered() -> list[type]:
    """Every type vmic.strategies registers for ``st.from_type`` (read from its source)."""
    tree = ast.parse(inspect.getsource(_registration.register_strategies))
    names = [
        node.args[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "register"
        and isinstance(node.args[0], ast.Name)
    ]
    return [getattr(_registration, name) for name in names]


REGISTERED = _registered()


def _through_json(data: object) -> Any:
    return json.loads(json.dumps(data))


def test_every_registered_type_is_covered() -> None:
    assert len(REGISTERED) >= 30
    assert Host in REGISTERED


@pytest.mark.parametrize("kind", REGISTERED, ids=lambda kind: kind.__name__)
def test_round_trip_of_every_generated_type(kind: type) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_type(kind))
    def check(record: object) -> None:
        assert structure(_through_json(unstructure(record)), kind) == record

    check()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.from_type(Guest), st.from_type(GuestUnreachable)))
def test_a_vms_guest_round_trips_as_the_tagged_union(guest: Guest | GuestUnreachable) -> None:
    data = _through_json(unstructure(guest, Guest | GuestUnreachable))
    assert data["kind"] == ("guest" if isinstance(guest, Guest) else "unreachable")
    if isinstance(guest, Guest) and guest.time_sync is not None:
        assert data["time_sync"]["kind"] == ("linux" if guest.is_linux else "windows")
    assert structure(data, Guest | GuestUnreachable) == guest  # type: ignore[arg-type] # a union


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(Host))
def test_a_host_with_its_guests_is_a_valid_observations_document(host: Host) -> None:
    document = _through_json(observations_document(host))
    jsonschema.Draft202012Validator(load_schema("observations")).validate(document)
    assert read_observations(json.dumps(document)) == host


@pytest.fixture(scope="module")
def demo_report() -> AuditReport:
    return audit(lab_targets("demo"))


def test_reports_and_diagnoses_round_trip(demo_report: AuditReport) -> None:
    assert structure(_through_json(unstructure(demo_report)), AuditReport) == demo_report
    for result in demo_report.results:
        assert result.diagnosis is not None
        data = _through_json(unstructure(result.diagnosis))
        assert structure(data, Diagnosis) == result.diagnosis
    # The findings hold update plans: they are in the data, readable.
    plans = [f.plan for f in demo_report.findings if f.plan is not None]
    assert plans
    assert "steps" in unstructure(plans[0])


def test_bad_data_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not a valid Host"):
        structure({"host": "hv1", "vms": [{"vm": {}}]}, Host)


def _saved(demo_report: AuditReport) -> str:
    host = next(iter(lab_targets("demo"))).observe()
    return json.dumps(observations_document(host))


def test_saved_observations_validate_and_read_back(demo_report: AuditReport) -> None:
    text = _saved(demo_report)
    document = json.loads(text)
    assert document["schema_version"] == OBSERVATIONS_VERSION == 2
    jsonschema.Draft202012Validator(load_schema("observations")).validate(document)
    host = read_observations(text)
    assert all(vm.guest is None for vm in host.vms)
    assert _through_json(unstructure(host)) == document["host"]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"schema_version": OBSERVATIONS_VERSION + 1}, SchemaVersionError, "newer than this"),
        ({"schema_version": 0}, SchemaVersionError, "older than this vmic reads"),
        ({"schema_version": None}, SchemaVersionError, "has no schema_version"),
        ({"host": "hv1"}, ConfigurationError, "has no host observation"),
        (
            {
                "host": {
                    "name": "hv1",
                    "vms": [{"name": "a", "state": "off", "guest": {"kind": "mac"}}],
                }
            },
            ConfigurationError,
            (
                r"^saved\.json: host\.vms\[0\]\.services: required field missing; "
                r"host\.vms\[0\]\.guest: kind must be one of guest, unreachable, "
                "not the string 'mac'$"
            ),
        ),
        ({"schema_version": 1}, ConfigurationError, "not a valid version 1 observations"),
    ],
)
def test_a_file_vmic_cannot_read_is_refused(
    demo_report: AuditReport, change: dict[str, Any], error: type[Exception], words: str
) -> None:
    document = json.loads(_saved(demo_report)) | change
    with pytest.raises(error, match=words):
        read_observations(json.dumps(document), source="saved.json")


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"^saved\.json: not JSON: "):
        read_observations("{", source="saved.json")
    with pytest.raises(ConfigurationError, match="not a JSON object"):
        read_observations("[]", source="saved.json")


def test_doctor_diagnoses_saved_observations_as_the_audit_did(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    folder = tmp_path / "observations"
    status, out, _ = in_process(
        capsys, "audit", "--lab", "demo", "--format", "json", "--save-observations", str(folder)
    )
    assert status == 1
    audited = json.loads(out)
    files = sorted(folder.glob("*.json"))
    assert [f.stem for f in files] == sorted(h["host"] for h in audited["hosts"])
    for path in files:
        status, out, err = in_process(
            capsys, "doctor", "--observations", str(path), "--format", "json"
        )
        assert (status, err) == (1, "")
        again = json.loads(out)
        (host,) = again["hosts"]
        (before,) = [h for h in audited["hosts"] if h["host"] == host["host"]]
        assert host["diagnosis"] == before["diagnosis"]
        assert again["findings"] == [r for r in audited["findings"] if r["host"] == host["host"]]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--lab", "demo"], "--lab is not used"),
        (["--vm", "nope"], "has no VM named exactly 'nope'"),
    ],
)
def test_doctor_observations_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Any, argv: list[str], words: str
) -> None:
    path = tmp_path / "hv.json"
    path.write_text(_saved(audit(lab_targets("demo"))), encoding="utf-8")
    status = _main_status(capsys, "doctor", "--observations", str(path), *argv)
    assert status[0] == 2
    assert words in status[1]


def _main_status(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    from vmic.cli import main  # noqa: PLC0415 - as the command line runs it

    status = main(list(argv))
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return status, err


def test_doctor_refuses_a_newer_file_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"schema_version": OBSERVATIONS_VERSION + 1}), encoding="utf-8")
    status, err = _main_status(capsys, "doctor", "--observations", str(path))
    assert status == 2
    assert "newer than this vmic reads" in err
    status, err = _main_status(capsys, "doctor", "--observations", str(tmp_path / "none.json"))
    assert status == 2
    assert "cannot read" in err


# --- saved observations of schema version 1 ------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "observations"


def _v1(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return document


def _findings(diagnosis: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(vm["vm"], f["service"], f["cause"]) for vm in diagnosis["vms"] for f in vm["findings"]}


@pytest.mark.parametrize("name", ["v1-hv01.json", "v1-hv-berlin.json"])
def test_a_version_1_file_is_migrated_and_diagnosed_as_it_was(name: str) -> None:
    old = _v1(name)
    assert old["schema_version"] == 1
    jsonschema.Draft202012Validator(load_schema("observations")).validate(
        _through_json(observations_document(read_observations(json.dumps(old))))
    )
    host = read_observations(json.dumps(old), source=name)
    assert host.name == old["host"]["host"]
    assert [vm.name for vm in host.vms] == [entry["vm"]["name"] for entry in old["host"]["vms"]]
    # Every guest saved by name is now its VM's, of the kind it was.
    kinds = {"windows": "is_windows", "linux": "is_linux"}
    for vm in host.vms:
        saved = old["guests"][vm.name]
        if saved["kind"] == "unreachable":
            assert isinstance(vm.guest, GuestUnreachable)
        else:
            assert isinstance(vm.guest, Guest)
            assert getattr(vm.guest, kinds[saved["kind"]])
    # The same findings the audit of the day gave, beside which the file was saved.
    audit_then = _v1("v1-audit.json")
    (then,) = [h["diagnosis"] for h in audit_then["hosts"] if h["host"] == host.name]
    now = _through_json(diagnose(host).to_dict())
    assert [(vm["vm"], vm["guest_view"]) for vm in now["vms"]] == [
        (vm["vm"], vm["guest_view"]) for vm in then["vms"]
    ]
    assert _findings(now) == _findings(then)
    assert _findings(now)  # the demo lab's planted problems are there


def test_a_version_1_guest_under_a_name_two_vms_share_is_not_placed() -> None:
    old = _v1("v1-hv01.json")
    entries = old["host"]["vms"]
    twin = json.loads(json.dumps(entries[0]))
    twin["vm"]["id"] = "11111111-2222-3333-4444-555555555555"
    old["host"]["vms"] = [*entries, twin]
    host = read_observations(json.dumps(old))
    first, second = (vm for vm in host.vms if vm.name == entries[0]["vm"]["name"])
    for vm in (first, second):
        assert isinstance(vm.guest, GuestUnreachable)
        assert "several VMs of this host are named" in vm.guest.reason
    assert isinstance(host.vms[1].guest, Guest)


def test_a_version_1_linux_guest_of_an_unknown_distribution_is_plain_linux() -> None:
    old = _v1("v1-hv01.json")
    linux = next(name for name, g in old["guests"].items() if g["kind"] == "linux")
    old["guests"][linux] |= {"distribution": "gentoo", "distribution_version": "2.15"}
    vm = read_observations(json.dumps(old)).vm(linux)
    assert vm is not None
    assert isinstance(vm.guest, Guest)
    assert vm.guest.os is not None
    assert (vm.guest.os.is_linux, vm.guest.distribution) == (True, None)


def test_doctor_reads_a_version_1_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "v1-hv-berlin.json"
    status, out, err = in_process(capsys, "doctor", "--observations", str(path), "--format", "json")
    assert (status, err) == (1, "")
    (host,) = json.loads(out)["hosts"]
    assert host["host"] == "HV-BERLIN"
