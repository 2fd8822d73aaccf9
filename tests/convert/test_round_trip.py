"""One converter for every public record: ``structure(unstructure(x)) == x``, through JSON."""

from __future__ import annotations

import ast
import inspect
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests._cli import in_process
from vmic.cli._connection import lab_targets
from vmic.convert import observations_document, read_observations, structure, unstructure
from vmic.diagnosis import Diagnosis
from vmic.errors import ConfigurationError
from vmic.fleet import AuditReport, audit
from vmic.model._observations import (
    GuestObservation,
    GuestUnreachable,
    HostObservation,
    LinuxGuestObservation,
    WindowsGuestObservation,
)
from vmic.schemas import SCHEMA_VERSION, SchemaVersionError, load_schema
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
    assert HostObservation in REGISTERED


@pytest.mark.parametrize("kind", REGISTERED, ids=lambda kind: kind.__name__)
def test_round_trip_of_every_generated_type(kind: type) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_type(kind))
    def check(record: object) -> None:
        assert structure(_through_json(unstructure(record)), kind) == record

    check()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.from_type(WindowsGuestObservation),
        st.from_type(LinuxGuestObservation),
        st.from_type(GuestUnreachable),
    )
)
def test_a_guest_observation_round_trips_as_the_union(guest: GuestObservation) -> None:
    data = _through_json(unstructure(guest, GuestObservation))
    assert data["kind"] in {"windows", "linux", "unreachable"}
    assert structure(data, GuestObservation) == guest  # type: ignore[arg-type] # a union


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
    with pytest.raises(ConfigurationError, match="not a valid HostObservation"):
        structure({"host": "hv1", "vms": [{"vm": {}}]}, HostObservation)


def _saved(demo_report: AuditReport) -> str:
    host = next(iter(lab_targets("demo"))).observe()
    return json.dumps(observations_document(host, {}))


def test_saved_observations_validate_and_read_back(demo_report: AuditReport) -> None:
    text = _saved(demo_report)
    document = json.loads(text)
    assert document["schema_version"] == SCHEMA_VERSION
    jsonschema.Draft202012Validator(load_schema("observations")).validate(document)
    host, guests = read_observations(text)
    assert guests == {}
    assert _through_json(unstructure(host)) == document["host"]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"schema_version": SCHEMA_VERSION + 1}, SchemaVersionError, "newer than this vmic"),
        ({"schema_version": None}, SchemaVersionError, "has no schema_version"),
        ({"host": "hv1"}, ConfigurationError, "has no host observation"),
        (
            {"guests": {"vm": {"kind": "mac"}}},
            ConfigurationError,
            (
                r"^saved\.json: guests\['vm'\]\.kind: must be one of windows, linux, unreachable, "
                "not the string 'mac'$"
            ),
        ),
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
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1}), encoding="utf-8")
    status, err = _main_status(capsys, "doctor", "--observations", str(path))
    assert status == 2
    assert "newer than this vmic reads" in err
    status, err = _main_status(capsys, "doctor", "--observations", str(tmp_path / "none.json"))
    assert status == 2
    assert "cannot read" in err
