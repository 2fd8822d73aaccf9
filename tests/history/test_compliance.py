"""Compliance in the history: audit --policy --save records it, diff shows drift, check alerts."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

import pytest

from tests._cli import ACCEPTANCE_POLICY, in_process
from tests._metrics import openmetrics_families, text_string_to_metric_families
from vmic import IntegrationService
from vmic.history import SCHEMA_VERSION, ChangeKind, History, diff_runs
from vmic.testing import DemoLab, demo_lab

if TYPE_CHECKING:
    from pathlib import Path

GSI = IntegrationService.GUEST_SERVICE_INTERFACE

POLICY = (
    ACCEPTANCE_POLICY
    + """
[[rule]]
vms = ["legacy-win7"]
services = { guest_service_interface = "on" }
"""
)


@pytest.fixture
def policy(tmp_path: Path) -> str:
    path = tmp_path / "fleet.toml"
    path.write_text(POLICY, encoding="utf-8")
    return str(path)


def _audit(capsys: pytest.CaptureFixture[str], db: Path, policy: str, *extra: str) -> int:
    status, _, err = in_process(
        capsys, "audit", "--lab", "demo", "--policy", policy, "--save", "--db", str(db), *extra
    )
    assert err.startswith("vmic: saved run ")  # the only line: which run it saved
    assert err.count("\n") == 1
    return status


def test_audit_policy_save_records_the_digest_and_each_vms_compliance(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str, tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    assert _audit(capsys, db, policy) == 1
    with History(db) as history:
        assert history.schema_version == SCHEMA_VERSION == 3
        (run,) = history.runs()
        snapshot = history.snapshot(run.id)
    from vmic.policy import Policy  # noqa: PLC0415 - the digest to compare with

    assert snapshot.policy == (policy, Policy.load(policy).digest)
    by_vm = {(c.vm, c.service): c for c in snapshot.compliance.values()}
    assert {vm for vm, _ in by_vm} == {"dc01", "sql01", "web02", "dc02", "fs01", "legacy-win7"}
    web02 = by_vm[("web02", GSI.value)]
    assert (web02.desired, web02.actual, web02.compliance, web02.rule) == (
        "on",
        "off",
        "not_compliant",
        1,
    )
    assert web02.vm_id == lab.host("HV01").vm("web02").id.__str__().upper()
    assert by_vm[("legacy-win7", GSI.value)].compliance == "not_applicable"


def test_diff_shows_compliance_drift_by_run(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str, tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    status, _, _ = in_process(capsys, "apply", "--policy", policy, "--lab", "demo", "--yes")
    assert status == 0
    assert _audit(capsys, db, policy) == 1  # compliant, but the lab's planted findings remain
    lab.host("HV01").vm("web02").disable_on_host(GSI)
    _audit(capsys, db, policy)
    status, out, _ = in_process(capsys, "diff", "--db", str(db))
    assert status == 1
    assert "web02: Guest Service Interface turned off since run 1" in out
    status, out, _ = in_process(capsys, "diff", "--db", str(db), "--format", "json")
    (lost,) = [c for c in json.loads(out)["changes"] if c["change"] == "compliance_lost"]
    assert (lost["vm"], lost["service"], lost["before"], lost["after"], lost["worse"]) == (
        "web02",
        GSI.value,
        "compliant",
        "not_compliant",
        True,
    )
    lab.host("HV01").vm("web02").enable_on_host(GSI)
    _audit(capsys, db, policy)
    status, out, _ = in_process(capsys, "diff", "--db", str(db))
    assert status == 0
    assert "compliance restored" in out  # the kind in words (JSON keeps compliance_restored)
    assert "web02: Guest Service Interface on again, as the policy asks" in out


def test_a_changed_policy_is_said_once_and_only_compared_runs_count(tmp_path: Path) -> None:
    from vmic.cli._connection import lab_fix_targets  # noqa: PLC0415
    from vmic.fleet import audit, plan_policy  # noqa: PLC0415
    from vmic.fleet._policy import read_host  # noqa: PLC0415
    from vmic.policy import parse_policy  # noqa: PLC0415

    lab = demo_lab()
    first = parse_policy(POLICY, source="v1.toml")
    # The first rule asks off instead of on.
    off = POLICY.replace('interface = "on" }\n\n[[rule]]\nvms = ["fs01"]', 'interface = "off" }\n'
                         '\n[[rule]]\nvms = ["fs01"]', 1)  # fmt: skip
    second = parse_policy(off, source="v2.toml")
    assert first.digest != second.digest
    targets = lab_fix_targets(lab)
    hosts = [read_host(target) for target in targets]
    report = audit([target.audit_target() for target in targets])
    with History(tmp_path / "h.db") as history:
        a = history.save(report, inventory="lab", compliance=plan_policy(first, hosts))
        b = history.save(report, inventory="lab", compliance=plan_policy(second, hosts))
        none = history.save(report, inventory="lab")
        drift = diff_runs(history.snapshot(a.id), history.snapshot(b.id))
        assert diff_runs(history.snapshot(b.id), history.snapshot(none.id)).changes == ()
        assert not [
            c
            for c in diff_runs(history.snapshot(none.id), history.snapshot(b.id)).changes
            if c.kind is ChangeKind.COMPLIANCE_LOST
        ]
    kinds = [c.kind for c in drift.changes]
    assert kinds[0] is ChangeKind.POLICY_CHANGED
    assert kinds.count(ChangeKind.POLICY_CHANGED) == 1
    assert drift.changes[0].detail == "v1.toml -> v2.toml"
    # The five servers now comply (the policy asks off, as they are): restored.
    assert kinds.count(ChangeKind.COMPLIANCE_RESTORED) == 5
    assert not drift.worse


def test_import_copies_compliance_and_refuses_a_bad_value(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str, tmp_path: Path
) -> None:
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    _audit(capsys, source, policy)
    status, out, _ = in_process(capsys, "history", "import", str(source), "--db", str(target))
    assert (status, out) == (0, "1 run imported\n")
    with History(source) as one, History(target) as two:
        assert two.snapshot(1).compliance == one.snapshot(1).compliance
        assert two.snapshot(1).policy == one.snapshot(1).policy
    with sqlite3.connect(source) as raw:
        raw.execute("UPDATE compliance SET compliance = 'maybe' WHERE vm = 'web02'")
    other = tmp_path / "c.db"
    status, _, err = in_process(capsys, "history", "import", str(source), "--db", str(other))
    assert status == 2
    assert "compliance: compliance is not compliant or not_compliant or not_applicable" in err


def test_a_version_2_history_is_brought_forward_to_version_3(tmp_path: Path) -> None:
    from vmic.history._store import _SCHEMA_V1, _SCHEMA_V2, _statements  # noqa: PLC0415

    db = tmp_path / "v2.db"
    with sqlite3.connect(db) as raw:
        raw.executescript(_SCHEMA_V1)
        for statement in _statements(_SCHEMA_V2):
            raw.execute(statement)
        raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO schema_version VALUES (2)")
    with History(db, create=False) as history:
        assert history.schema_version == 3
        assert history.runs() == []
    with sqlite3.connect(db) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert {"policies", "compliance"} <= tables


def test_check_policy_warns_on_non_compliance(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    lab_quiet = ("--no-critical-causes", "-w", "100")
    status, out, _ = in_process(capsys, "check", "--lab", "demo", *lab_quiet, "-v")
    assert status == 0
    status, out, _ = in_process(
        capsys, "check", "--lab", "demo", *lab_quiet, "--policy", policy, "-v"
    )
    assert status == 1
    first, *details = out.splitlines()
    assert first.startswith("VMIC WARNING - ")
    assert "6 services not compliant with the policy" in first
    assert "noncompliant=6;;;0" in first
    web02 = "HV01/web02 Guest Service Interface: not compliant (the policy asks on, rule 1; "
    assert web02 + "the host has off)" in details
    in_process(capsys, "apply", "--policy", policy, "--lab", "demo", "--yes")
    status, out, _ = in_process(capsys, "check", "--lab", "demo", *lab_quiet, "--policy", policy)
    assert status == 0
    assert "noncompliant=0;;;0" in out


def test_check_with_a_bad_policy_is_unknown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nservices = { vss = 'maybe' }\n", encoding="utf-8")
    status, out, _ = in_process(capsys, "check", "--lab", "demo", "--policy", str(bad))
    assert status == 3
    assert out.startswith(f"VMIC UNKNOWN - {bad}: rule 1: services.vss: must be 'on' or 'off'")


def test_openmetrics_exports_compliance_per_vm_and_service(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    status, out, _ = in_process(
        capsys, "audit", "--lab", "demo", "--policy", policy, "--format", "openmetrics"
    )
    assert status == 1
    assert len(text_string_to_metric_families(out)) == len(openmetrics_families(out))
    families = {family.name: family for family in openmetrics_families(out)}
    services = families["vmic_policy_service_compliance"].samples
    states = {(s.labels["vm"], s.labels["service"]): s.labels["compliance"] for s in services}
    assert states[("web02", GSI.value)] == "not_compliant"
    assert states[("legacy-win7", GSI.value)] == "not_applicable"
    assert all(s.value == 1 for s in services)
    vms = {s.labels["vm"]: s.value for s in families["vmic_policy_vm_compliant"].samples}
    assert vms["legacy-win7"] == 1
    assert vms["web02"] == 0
    assert families["vmic_policy_noncompliant_services"].samples[0].value == 6
    (info,) = families["vmic_policy_info"].samples
    assert info.labels["source"] == policy


def test_audit_json_carries_the_compliance(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    import jsonschema  # noqa: PLC0415

    from vmic.schemas import load_schema  # noqa: PLC0415

    _, out, _ = in_process(capsys, "audit", "--lab", "demo", "--policy", policy, "--format", "json")
    document = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("audit")).validate(document)
    compliance = document["compliance"]
    assert compliance["compliant"] is False
    assert compliance["summary"]["would_change"] == 6
    _, out, _ = in_process(capsys, "audit", "--lab", "demo", "--policy", policy)
    assert "Policy " in out
    assert out.rstrip().endswith("6 VMs: 6 would change, 1 not applicable. Not compliant "
                                 "(check: nothing changed).")  # fmt: skip


def test_audit_table_says_the_compliance_in_words(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    # The audit's own findings say "Guest Service Interface": its compliance does too.
    _, out, _ = in_process(
        capsys, "audit", "--lab", "demo", "--policy", policy, "--format", "markdown"
    )
    compliance = out[out.index("Policy ") :]
    assert "| Guest Service Interface |" in compliance
    assert "guest_service_interface" not in compliance
    assert "| VM |" in compliance


def test_audit_html_carries_the_compliance_after_the_summary(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    argv = ("audit", "--lab", "demo", "--policy", policy, "--format", "html", "--output", str(page))
    status, out, err = in_process(capsys, *argv)
    assert (status, out, err) == (1, "", "")
    text = page.read_text(encoding="utf-8")
    section = text[text.index('<section id="compliance">') :]
    section = section[: section.index("</section>")]
    assert text.index('id="summary"') < text.index('id="compliance"') < text.index("<h2>Findings")
    assert "6 VMs: 6 would change, 1 not applicable. Not compliant" in section
    # One row per service that does not comply: the 6 pending (not the not-applicable one).
    assert section.count("<tr>") == 1 + 6
    assert section.count("<td>Guest Service Interface</td>") == 5
    assert "<td>Time Synchronization</td>" in section


def test_audit_csv_says_the_compliance_is_elsewhere(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    argv = ("audit", "--lab", "demo", "--policy", policy, "--format", "csv")
    _, out, err = in_process(capsys, *argv)
    assert out.startswith("host,host_status,vm,service,")
    assert err.count("\n") == 1
    assert err.startswith("vmic: note: the CSV holds the audit's findings only")
    _, _, err = in_process(capsys, *argv, "-q")
    assert err == ""
