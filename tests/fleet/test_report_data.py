"""The report as data for notebooks: one row per VM and service, short reprs, HTML reprs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from tests import _diagnosis_builders as b
from vmic.cli._connection import lab_targets
from vmic.errors import MissingExtraError
from vmic.fleet import AuditReport, HostResult, HostStatus, audit
from vmic.fleet._report import GRID_COLUMNS

if TYPE_CHECKING:
    from vmic.diagnosis import Diagnosis


@pytest.fixture(scope="module")
def demo() -> AuditReport:
    return audit(lab_targets("demo"))


def test_the_dataframe_has_one_row_per_vm_and_service(demo: AuditReport) -> None:
    frame = demo.to_dataframe()
    assert list(frame.columns) == [
        "host",
        "vm",
        "guest_os",
        "service",
        "verdict",
        "cause",
        "features_broken",
    ]
    expected = [
        (r.host, vm.vm, s.service.value, s.verdict.value)
        for r in demo.results
        if r.diagnosis is not None
        for vm in r.diagnosis.vms
        for s in vm.services
    ]
    assert (
        list(zip(frame["host"], frame["vm"], frame["service"], frame["verdict"], strict=True))
        == expected
    )
    assert not frame.duplicated(["host", "vm", "service"]).any()
    broken = frame[frame["verdict"] == "not_functioning"]
    assert len(broken) > 0
    assert broken["cause"].notna().all()
    assert frame[frame["verdict"] == "functioning"]["cause"].isna().all()


def test_a_broken_service_names_the_features_it_breaks(demo: AuditReport) -> None:
    rows = demo.grid()
    assert tuple(rows[0]) == GRID_COLUMNS
    for result in demo.results:
        assert result.diagnosis is not None
        for vm in result.diagnosis.vms:
            for feature in vm.broken_features:
                for service in feature.blocking:
                    (row,) = [
                        r
                        for r in rows
                        if (r["host"], r["vm"], r["service"]) == (result.host, vm.vm, service.value)
                    ]
                    assert feature.feature.value in row["features_broken"]


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
