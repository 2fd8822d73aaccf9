"""``vmic check`` (a Monitoring Plugins plugin) and ``vmic audit --format openmetrics``."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process, run
from tests._metrics import openmetrics_families, text_string_to_metric_families
from vmic.errors import ConfigurationError
from vmic.fleet import AuditReport, HostResult, HostStatus, audit
from vmic.fleet._monitoring import (
    CheckState,
    check_report,
    openmetrics,
    parse_range,
)
from vmic.render import visible
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost, demo_lab

if TYPE_CHECKING:
    from pathlib import Path


_STATUS_RE = re.compile(
    r"VMIC (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \| hosts=\d+;;;0 vms=\d+;;;0 "
    r"findings=\d+;[^;]*;[^;]*;0 unreachable=\d+;;;0"
)


@pytest.mark.parametrize(
    ("text", "alerting", "quiet"),
    [
        ("10", [-1, 11], [0, 5, 10]),
        ("10:", [9, -3], [10, 100]),
        ("~:10", [11], [-100, 10]),
        ("10:20", [9, 21], [10, 15, 20]),
        ("@10:20", [10, 15, 20], [9, 21]),
        ("0", [1], [0]),
    ],
)
def test_ranges_follow_the_guidelines(text: str, alerting: list[int], quiet: list[int]) -> None:
    threshold = parse_range(text)
    assert all(threshold.alerts(v) for v in alerting)
    assert not any(threshold.alerts(v) for v in quiet)


def test_range_ends() -> None:
    assert parse_range("~:5").start == -math.inf
    assert parse_range("5:").end == math.inf


@pytest.mark.parametrize("text", ["", "x", "10:5", "1:2:3", "@", "~"])
def test_bad_ranges_are_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match="range"):
        parse_range(text)


def _healthy_fleet() -> list[FakeHyperVHost]:
    host = FakeHyperVHost("HV-OK", host_os="Windows Server 2022")
    host.add_vm("web", "Windows Server 2022")
    host.add_vm("db", "Windows Server 2019")
    host.settle()
    return [host]


def test_a_healthy_fleet_is_ok() -> None:
    result = check_report(audit(_healthy_fleet()), warning=parse_range("0"))
    assert result.state is CheckState.OK
    line = result.render()
    assert _STATUS_RE.fullmatch(line.rstrip("\n"))
    assert "findings=0;0;;0" in line


def test_an_unreachable_host_is_critical_and_no_host_at_all_unknown() -> None:
    healthy = audit(_healthy_fleet())
    down = HostResult(host="hv-down", status=HostStatus.UNREACHABLE, error="refused")
    mixed = AuditReport(results=(*healthy.results, down))
    result = check_report(mixed, warning=parse_range("5"))
    assert result.state is CheckState.CRITICAL
    assert "host_unreachable" in result.summary
    assert "unreachable=1;;;0" in result.perfdata
    relaxed = check_report(mixed, warning=parse_range("5"), critical_causes=())
    assert relaxed.state is CheckState.OK
    nothing = check_report(AuditReport(results=(down,)))
    assert nothing.state is CheckState.UNKNOWN
    assert nothing.exit_status == 3


def test_check_demo_lab_follows_the_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "check", "--lab", "demo")
    assert (status, err) == (1, "")
    assert len(out.splitlines()) == 1
    assert _STATUS_RE.fullmatch(out.rstrip("\n"))
    assert out.startswith("VMIC WARNING - 7 findings")

    status, out, _ = in_process(capsys, "check", "--lab", "demo", "-w", "10", "-c", "20")
    assert status == 0
    assert out.startswith("VMIC OK")
    assert "findings=7;10;20;0" in out

    status, out, _ = in_process(capsys, "check", "--lab", "demo", "-w", "3", "-c", "5")
    assert status == 2
    assert out.startswith("VMIC CRITICAL")

    status, out, _ = in_process(
        capsys,
        "check",
        "--lab",
        "demo",
        "-w",
        "10",
        "--critical-cause",
        "daemon_not_running",
        "-v",
    )
    assert status == 2
    first, *details = out.splitlines()
    # In words, with the value --critical-cause takes beside it.
    assert "critical: daemon not running (daemon_not_running)" in first
    assert len(details) == 7
    assert any(
        line.startswith("HV-BERLIN/ubuntu-backup VSS: daemon not running") for line in details
    )


def test_check_errors_are_unknown_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = in_process(capsys, "check", "--lab", "demo", "-w", "5:1")
    assert (status, err) == (3, "")
    assert out.startswith("VMIC UNKNOWN - ")
    status, out, _ = in_process(capsys, "check", "--inventory", str(tmp_path / "none.toml"))
    assert status == 3
    assert out.startswith("VMIC UNKNOWN - ")
    assert len(out.splitlines()) == 1


def test_check_is_the_same_as_a_subprocess() -> None:
    status, out, err = run("check", "--lab", "demo", "-w", "10", "-c", "20")
    assert (status, err) == (0, "")
    assert _STATUS_RE.fullmatch(out.rstrip("\n"))


def test_openmetrics_of_the_demo_lab_parses(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "audit", "--lab", "demo", "--format", "openmetrics")
    assert (status, err) == (1, "")
    families = {family.name: family for family in text_string_to_metric_families(out)}
    assert {family.name for family in openmetrics_families(out)} == set(families)
    assert all(family.type == "gauge" for family in families.values())
    assert all(family.documentation for family in families.values())
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in families.values()
        for sample in family.samples
    }
    assert samples["vmic_audit_hosts", ()] == 2
    assert samples["vmic_audit_findings", ()] == 7
    assert samples["vmic_host_up", (("host", "HV01"),)] == 1
    vm_id = next(vm.id for vm in demo_lab().hosts[0].vms if vm.name == "sql01")
    sql01 = (("host", "HV01"), ("vm", "sql01"), ("vm_id", str(vm_id).upper()))
    key = (*sql01[:1], ("service", "vss"), ("verdict", "not_functioning"), *sql01[1:])
    assert samples["vmic_service_verdict", key] == 1
    assert samples["vmic_vm_healthy", sql01] == 0
    assert samples["vmic_findings", (("cause", "daemon_not_running"),)] == 1
    causes = list(families["vmic_findings"].samples)
    assert len(causes) == len(Cause)


def test_label_values_are_escaped() -> None:
    name = 'hv "quoted"\\back\nslash'
    host = FakeHyperVHost(name, host_os="Windows Server 2022")
    host.add_vm('vm"1\\', "Windows Server 2022")
    host.settle()
    down = HostResult(host='bad"\nhost\\', status=HostStatus.TIMED_OUT, error="slow")
    report = AuditReport(results=(*audit([host]).results, down))
    text = openmetrics(report, timestamp=1700000000.0)
    labels = {
        tuple(sorted(sample.labels.items()))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    # Values read as in every other format (a newline spelled out), then escaped.
    vm_id = str(host.vms[0].id).upper()
    assert (("host", visible(name)), ("vm", 'vm"1\\'), ("vm_id", vm_id)) in labels
    assert (("host", 'bad"\\x0ahost\\'), ("status", "timed_out")) in labels
    parsed = list(openmetrics_families(text))
    assert parsed


def test_output_is_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "vmic.prom"
    target.write_text("old\n")
    target.chmod(0o640)
    status, out, _ = in_process(
        capsys, "audit", "--lab", "demo", "--format", "openmetrics", "--output", str(target)
    )
    assert (status, out) == (1, "")
    text = target.read_text()
    assert text.endswith("# EOF\n")
    assert list(text_string_to_metric_families(text))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vmic.prom"]  # no temporary left
    assert target.stat().st_mode & 0o777 == 0o640  # the file's own mode is kept
