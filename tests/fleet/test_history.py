"""The audit history database, ``vmic history`` and ``vmic diff``."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process
from vmic.clients import HyperVHost
from vmic.fleet import AuditReport, HostResult, HostStatus, HostTarget, audit
from vmic.history import (
    SCHEMA_VERSION,
    ChangeKind,
    History,
    HistoryError,
    _store,
    default_db_path,
    diff_runs,
)
from vmic.testing import DemoLab, demo_lab

if TYPE_CHECKING:
    from pathlib import Path

    from vmic.executors._protocol import Executor
    from vmic.model._host import VM


def lab_targets(lab: DemoLab) -> list[HostTarget]:
    """Targets for a lab the test keeps (so changes made through the API persist)."""
    targets = []
    for fake in lab.hosts:

        def reach(vm: VM, host: str = fake.name) -> Executor | None:
            guest: Executor = lab.guest_executor(host, vm.name)
            return guest

        targets.append(HostTarget.for_executor(fake, name=fake.name, guests=reach))
    return targets


def test_save_records_the_run_whole(tmp_path: Path) -> None:
    lab = demo_lab()
    report = audit(lab_targets(lab))
    with History(tmp_path / "h.db") as history:
        run = history.save(report, inventory="lab:demo")
        snapshot = history.snapshot(run.id)
        assert history.schema_version == SCHEMA_VERSION
    assert (run.hosts, run.vms, run.findings, run.exit_status) == (
        2,
        report.summary()["vms"],
        len(report.findings),
        report.exit_status,
    )
    assert run.inventory == "lab:demo"
    assert snapshot.hosts == {"HV01": "ok", "HV-BERLIN": "ok"}
    sql01 = str(lab.host("HV01").vm("sql01").id).upper()
    assert snapshot.vms["HV01", sql01] == ("sql01", sql01)  # VMs are keyed by their id
    assert snapshot.services["HV01", sql01, "vss"] == "not_functioning"
    by_name = {(h, snapshot.vm(h, k)[0], s): v for (h, k, s), v in snapshot.services.items()}
    assert by_name["HV01", "dc01", "heartbeat"] == "functioning"
    planted = {(p.host, p.vm, p.cause.value) for p in lab.planted}
    saved = {(f.host, f.vm, f.cause) for f in snapshot.findings.values()}
    assert saved == planted
    vss = snapshot.findings["HV01", sql01, "vss", "guest_startup_disabled"]
    assert (vss.vm, vss.vm_id) == ("sql01", sql01)
    assert vss.fix  # the fix title is kept


def test_disabling_one_service_is_exactly_the_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lab = demo_lab()
    db = str(tmp_path / "h.db")
    with History(db) as history:
        history.save(audit(lab_targets(lab)), inventory="lab:demo")
        HyperVHost(lab.host("HV01")).disable("dc01", "heartbeat")
        history.save(audit(lab_targets(lab)), inventory="lab:demo")

    status, out, err = in_process(capsys, "diff", "--db", db, "--format", "json")
    assert (status, err) == (1, "")
    drift = json.loads(out)
    assert drift["worse"] is True
    changes = {(c["change"], c["host"], c["vm"], c["service"]) for c in drift["changes"]}
    assert changes == {
        ("verdict_changed", "HV01", "dc01", "heartbeat"),
        ("new_finding", "HV01", "dc01", "heartbeat"),
    }
    verdict = next(c for c in drift["changes"] if c["change"] == "verdict_changed")
    assert (verdict["before"], verdict["after"]) == ("functioning", "not_functioning")
    finding = next(c for c in drift["changes"] if c["change"] == "new_finding")
    assert finding["after"] == "disabled_on_host"

    # The other way round the service came back: a change, but nothing got worse.
    status, out, _ = in_process(capsys, "diff", "--db", db, "2", "1", "--format", "json")
    assert status == 0
    kinds = {c["change"] for c in json.loads(out)["changes"]}
    assert kinds == {"verdict_changed", "resolved_finding"}

    status, out, _ = in_process(capsys, "diff", "--db", db)
    assert status == 1
    # Words in text: the kind, the verdicts and the cause as a person reads them.
    assert "new finding (worse)" in out
    assert "disabled on host" in out
    assert "new_finding" not in out
    assert "dc01" in out
    status, out, _ = in_process(capsys, "diff", "--db", db, "--format", "csv")
    assert out.splitlines()[0] == "change,host,vm,vm_id,service,before,after,worse,detail"
    assert len(out.splitlines()) == 3
    status, out, _ = in_process(capsys, "diff", "--db", db, "--format", "markdown")
    assert out.startswith("**vmic diff**")
    # In words (the VM's id and the values are in JSON and CSV).
    assert (
        "| verdict changed (worse) | HV01 | dc01 | Heartbeat | functioning | not functioning |"
        in out
    )


def test_two_identical_runs_diff_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "h.db")
    for _ in range(2):
        status, _, _ = in_process(capsys, "audit", "--lab", "demo", "--save", "--db", db)
        assert status == 1  # the lab has findings
    status, out, err = in_process(capsys, "diff", "--db", db)
    assert (status, err) == (0, "")
    assert "No changes." in out
    status, out, _ = in_process(capsys, "diff", "--db", db, "--format", "json")
    assert (status, json.loads(out)["changes"]) == (0, [])


def test_unreachable_host_is_worse_and_not_a_list_of_removed_vms(tmp_path: Path) -> None:
    lab = demo_lab()
    report = audit(lab_targets(lab))
    broken = AuditReport(
        results=(
            report.results[0],
            HostResult(host="HV-BERLIN", status=HostStatus.UNREACHABLE, error="refused"),
        )
    )
    with History(tmp_path / "h.db") as history:
        a = history.save(report, inventory="x")
        b = history.save(broken, inventory="x")
        drift = diff_runs(history.snapshot(a.id), history.snapshot(b.id))
        back = diff_runs(history.snapshot(b.id), history.snapshot(a.id))
    assert [(c.kind, c.host, c.after) for c in drift.changes] == [
        (ChangeKind.HOST_UNREACHABLE, "HV-BERLIN", "unreachable")
    ]
    assert drift.worse
    assert back.changes[0].kind is ChangeKind.HOST_RECOVERED
    assert not back.worse  # its findings were known before it went away


def test_vms_added_and_removed(tmp_path: Path) -> None:
    lab = demo_lab()
    with History(tmp_path / "h.db") as history:
        a = history.save(audit(lab_targets(lab)), inventory="x")
        lab.host("HV-BERLIN").add_vm("new-vm", "Windows Server 2022")
        lab.host("HV-BERLIN").settle()
        b = history.save(audit(lab_targets(lab)), inventory="x")
        drift = diff_runs(history.snapshot(a.id), history.snapshot(b.id))
    assert (ChangeKind.VM_ADDED, "HV-BERLIN", "new-vm") in {
        (c.kind, c.host, c.vm) for c in drift.changes
    }
    assert not drift.worse


def test_an_exception_mid_write_leaves_no_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = audit(lab_targets(demo_lab()))
    written: list[str] = []
    real = _store._write_host

    def failing(db: sqlite3.Connection, run_id: int, result: HostResult) -> None:
        real(db, run_id, result)
        written.append(result.host)
        if len(written) == 2:
            raise KeyboardInterrupt  # Ctrl-C halfway through the run

    monkeypatch.setattr(_store, "_write_host", failing)
    with History(tmp_path / "h.db") as history:
        with pytest.raises(KeyboardInterrupt):
            history.save(report, inventory="x")
        assert written == ["HV01", "HV-BERLIN"]
        assert history.runs() == []
    with sqlite3.connect(tmp_path / "h.db") as db:
        for table in ("runs", "hosts", "vms", "services", "findings"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)  # noqa: S608


_KILLED_CHILD = textwrap.dedent(
    """
    import sys, threading
    from vmic.cli import main
    from vmic.history import _store

    real = _store._write_host
    def stall(db, run_id, result):
        real(db, run_id, result)
        print("mid-write", flush=True)
        threading.Event().wait()  # until killed

    _store._write_host = stall
    main(["audit", "--lab", "demo", "--save", "--db", sys.argv[1], "--no-progress"])
    """
)


def test_killing_an_audit_mid_save_leaves_no_partial_run(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with History(db) as history:
        history.save(audit(lab_targets(demo_lab())), inventory="before")
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, str(db)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        # The report is printed first, then the run is saved.
        lines = iter(child.stdout.readline, "")
        assert "mid-write" in (line.strip() for line in lines)
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    with History(db) as history:
        runs = history.runs()
    assert [run.inventory for run in runs] == ["before"]
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(DISTINCT run_id) FROM hosts").fetchone() == (1,)


def test_concurrent_writers_each_get_whole_runs(tmp_path: Path) -> None:
    report = audit(lab_targets(demo_lab()))
    db = tmp_path / "h.db"
    History(db).close()
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with History(db) as history:
                for _ in range(5):
                    history.save(report, inventory=name)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with History(db) as history:
        runs = history.runs()
        assert sorted(run.inventory for run in runs) == sorted(["w0", "w1", "w2"] * 5)
        for run in runs:
            assert history.snapshot(run.id).hosts == {"HV01": "ok", "HV-BERLIN": "ok"}
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_database_from_a_newer_vmic_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.db"
    History(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(HistoryError, match="newer vmic"):
        History(db)
    status, out, err = in_process(capsys, "history", "--db", str(db))
    assert (status, out) == (2, "")
    assert "newer vmic" in err
    assert len(err.splitlines()) == 1


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_text("not sqlite at all, just text " * 40)
    with pytest.raises(HistoryError, match="not a vmic history database"):
        History(path)


def test_an_empty_database_is_migrated_forward(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    sqlite3.connect(db).close()
    with History(db) as history:
        assert history.schema_version == SCHEMA_VERSION
        assert history.runs() == []
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = AuditReport(results=())
    now = dt.datetime.now(dt.UTC)
    db = tmp_path / "h.db"
    with History(db) as history:
        for days in (40, 30, 20, 2, 1):
            history.save(report, inventory=f"{days}d", started=now - dt.timedelta(days=days))
        assert history.prune(older_than=25) == 2
        assert [run.inventory for run in history.runs()] == ["20d", "2d", "1d"]
    status, out, _ = in_process(capsys, "history", "prune", "--db", str(db), "--keep", "1")
    assert (status, out) == (0, "2 runs deleted\n")
    with History(db) as history:
        assert [run.inventory for run in history.runs()] == ["1d"]
        with pytest.raises(HistoryError, match="--keep N or --older-than"):
            history.prune()


def test_import_merges_without_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = audit(lab_targets(demo_lab()))
    site_a, site_b = tmp_path / "a.db", tmp_path / "b.db"
    with History(site_a) as history:
        first = history.save(report, inventory="site-a")
        history.save(report, inventory="site-a")
        original = history.snapshot(first.id)
    with History(site_b) as history:
        history.save(report, inventory="site-b")
    status, out, _ = in_process(capsys, "history", "import", "--db", str(site_b), str(site_a))
    assert (status, out) == (0, "2 runs imported\n")
    status, out, _ = in_process(capsys, "history", "import", "--db", str(site_b), str(site_a))
    assert (status, out) == (0, "0 runs imported\n")
    with History(site_b) as history:
        runs = history.runs()
        assert sorted(run.inventory for run in runs) == ["site-a", "site-a", "site-b"]
        copied = next(run for run in runs if run.uuid == first.uuid)
        assert copied.origin == str(site_a)
        again = history.snapshot(copied.id)
    assert again.findings == original.findings
    assert again.services == original.services
    status, _, err = in_process(capsys, "history", "import", "--db", str(site_b), "missing.db")
    assert status == 2
    assert "no such history database" in err


def test_history_lists_runs_filtered_by_host_and_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "h.db")
    in_process(capsys, "audit", "--lab", "demo", "--limit", "HV01", "--save", "--db", db)
    in_process(capsys, "audit", "--lab", "demo", "--save", "--db", db)
    status, out, _ = in_process(capsys, "history", "--db", db, "--format", "json")
    runs = json.loads(out)["runs"]
    assert status == 0
    assert [run["id"] for run in runs] == [1, 2]
    assert runs[0]["inventory"] == "lab:demo --limit HV01"
    assert runs[0]["hosts"] == 1
    _, out, _ = in_process(capsys, "history", "--db", db, "--host", "HV-BERLIN", "--format", "json")
    assert [run["id"] for run in json.loads(out)["runs"]] == [2]
    _, out, _ = in_process(capsys, "history", "--db", db, "--vm", "sql01", "--format", "json")
    assert [run["id"] for run in json.loads(out)["runs"]] == [1, 2]
    _, out, _ = in_process(capsys, "history", "--db", db, "--vm", "nowhere", "--format", "json")
    assert json.loads(out)["runs"] == []
    _, out, _ = in_process(capsys, "history", "--db", db)
    assert out.splitlines()[0].split()[:3] == ["id", "started", "inventory"]


def test_diff_needs_two_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "h.db")
    status, out, err = in_process(capsys, "diff", "--db", db)
    assert (status, out) == (2, "")
    assert "needs two" in err
    in_process(capsys, "audit", "--lab", "demo", "--save", "--db", db)
    status, _, err = in_process(capsys, "diff", "--db", db, "1", "7")
    assert status == 2
    assert "no run 7" in err


def test_default_path_follows_xdg_and_vmic_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("VMIC_DB", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "vmic" / "history.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "vmic" / "history.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    status, _, _ = in_process(capsys, "audit", "--lab", "demo", "--save")
    assert status == 1
    with History(tmp_path / "data" / "vmic" / "history.sqlite3") as history:
        assert len(history.runs()) == 1
    monkeypatch.setenv("VMIC_DB", str(tmp_path / "chosen.db"))
    assert default_db_path() == tmp_path / "chosen.db"
