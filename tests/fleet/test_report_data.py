"""The report as data for notebooks: one row per VM and service, short reprs, HTML reprs."""

from __future__ import annotations

import sys

import attrs
import pytest
from hypothesis import given, settings, strategies as st

from tests import _diagnosis_builders as b
from vmic.cli._connection import lab_targets
from vmic.diagnosis import Diagnosis
from vmic.errors import MissingExtraError
from vmic.fleet import AuditReport, HostResult, HostStatus, audit
from vmic.fleet._report import GRID_COLUMNS


@pytest.fixture(scope="module")
def demo() -> AuditReport:
    return audit(lab_targets("demo"))


def test_the_dataframe_has_one_row_per_finding_plus_the_cells_without_one(
    demo: AuditReport,
) -> None:
    frame = demo.to_dataframe()
    assert list(frame.columns) == [
        "host",
        "vm",
        "guest_os",
        "service",
        "verdict",
        "cause",
        "explanation",
        "fix",
        "features_broken",
    ]
    # Every finding is one row, with its explanation and fix: 7 findings, 7 rows, the
    # second cause of legacy-win7's Data Exchange included.
    findings = frame[frame["explanation"] != ""]
    assert len(demo.findings) == 7
    assert sorted(
        zip(
            findings["host"],
            findings["vm"],
            findings["service"].fillna(""),
            findings["cause"],
            strict=True,
        )
    ) == sorted(
        (f.host, f.vm, "" if f.service is None else f.service.value, f.cause.value)
        for f in demo.findings
    )
    assert "data_exchange_required_for_updates" in set(findings["cause"])
    assert (findings["fix"] != "").all()
    assert findings[findings["vm"] == "app2012r2"]["service"].isna().all()  # the whole VM
    # Every other cell of the heat map is one row: no cell is lost, none doubled.
    cells = frame[frame["explanation"] == ""]
    expected = {
        (r.host, vm.vm, s.service.value)
        for r in demo.results
        if r.diagnosis is not None
        for vm in r.diagnosis.vms
        for s in vm.services
        if not any(f.service is s.service for f in vm.findings)
    }
    assert set(zip(cells["host"], cells["vm"], cells["service"], strict=True)) == expected
    assert not cells.duplicated(["host", "vm", "service"]).any()
    assert cells[cells["verdict"] == "functioning"]["cause"].isna().all()
    assert (cells["fix"] == "").all()


def test_a_broken_service_names_the_features_it_breaks(demo: AuditReport) -> None:
    rows = demo.grid()
    assert tuple(rows[0]) == GRID_COLUMNS
    for result in demo.results:
        assert result.diagnosis is not None
        for vm in result.diagnosis.vms:
            for feature in vm.broken_features:
                for service in feature.blocking:
                    cell = [
                        r
                        for r in rows
                        if (r["host"], r["vm"], r["service"]) == (result.host, vm.vm, service.value)
                    ]
                    assert cell
                    assert any(feature.feature.value in r["features_broken"] for r in cell)


def test_without_pandas_the_extra_is_named(
    demo: AuditReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"vmic\[pandas\]"):
        demo.to_dataframe()


def test_reprs_are_one_short_line(demo: AuditReport) -> None:
    big = AuditReport(results=demo.results * 50)
    for value in (big, *demo.results, *(r.diagnosis for r in demo.results)):
        text = repr(value)
        assert "\n" not in text
        assert len(text) < 200, text
    assert repr(demo).startswith("<AuditReport 2 hosts")
    failed = HostResult(host="hv9", status=HostStatus.UNREACHABLE, error="refused")
    assert repr(failed) == "<HostResult 'hv9' unreachable>"


def _heat_first(fragment: str) -> None:
    assert fragment.startswith("<style>")
    assert fragment.index("Fleet summary") < fragment.index('<table class="heat">')


def test_html_reprs_show_the_summary_and_heat_map_first(demo: AuditReport) -> None:
    _heat_first(demo._repr_html_())
    for result in demo.results:
        _heat_first(result._repr_html_())
        diagnosis: Diagnosis | None = result.diagnosis
        assert diagnosis is not None
        _heat_first(diagnosis._repr_html_())
    observation = b.host(b.vm("web"))
    fragment = observation._repr_html_()
    assert fragment.startswith("<style>")
    components = observation.vms[0].services
    assert fragment.count('class="cell h-') == len(components)
    off = sum(1 for c in components if not c.enabled)
    assert off > 0  # Guest Service Interface is off by default
    assert fragment.count('class="cell h-off"') == off
    assert repr(observation) == "<Host 'hv01' Windows Server 2019: 1 VM>"


@settings(max_examples=100)
@given(
    name=st.text(max_size=20),
    duration=st.floats(min_value=0.0, max_value=1e6, allow_nan=False) | st.integers(0, 10**6),
)
def test_the_runners_results_are_those_the_checked_constructor_builds(
    name: str, duration: float
) -> None:
    # The runner builds an audited host's result through its slots (HostResult._audited),
    # without the validators: the checked constructor builds the same record.
    diagnosis = Diagnosis(host=name)
    fast = HostResult._audited(name, diagnosis, duration)
    checked = HostResult(host=name, status=HostStatus.OK, diagnosis=diagnosis, duration=duration)
    assert fast == checked
    assert repr(fast) == repr(checked)
    assert fast.to_dict() == checked.to_dict()
    assert type(fast.duration) is float


def test_an_audits_results_pass_the_validators(demo: AuditReport) -> None:
    for result in demo.results:
        fields = {f.name: getattr(result, f.name) for f in attrs.fields(HostResult)}
        assert HostResult(**fields) == result
