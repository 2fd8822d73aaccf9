"""The history under hostile input: numbers, other people's databases, missing files, imports.

Issue 23, defect 4: ``prune --older-than nan|inf|1e308``, ``diff 9223372036854775808``
and ``prune --keep 1e23`` ended in internal errors; ``history import`` took a run whose
``started`` was ``'x'``, after which every ``vmic history`` failed; ``--db`` on someone
else's SQLite database added six tables and switched it to WAL; reading a missing path
created directories and a database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process
from vmic.fleet import audit
from vmic.history import History
from vmic.testing import demo_lab

if TYPE_CHECKING:
    from pathlib import Path


def _saved(db: Path, runs: int = 1) -> None:
    with History(db) as history:
        for _ in range(runs):
            history.save(audit(demo_lab().hosts), inventory="lab:demo")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("history", "prune", "--older-than", "nan"), "argument --older-than: must be"),
        (("history", "prune", "--older-than", "inf"), "argument --older-than: must be"),
        (("history", "prune", "--older-than", "1e308"), "a number of days from 0 to 700000"),
        (("history", "prune", "--older-than", "-1"), "argument --older-than: must be"),
        (("history", "prune", "--keep", "1e23"), "argument --keep: must be a number of runs"),
        (("history", "prune", "--keep", "1" + "0" * 23), "argument --keep: must be"),
        (("diff", "9223372036854775808"), "argument RUN: must be a run number from 1"),
        (("diff", "1", "-5"), "argument RUN: must be a run number"),
    ],
)
def test_numbers_out_of_range_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...], words: str
) -> None:
    db = tmp_path / "h.db"
    _saved(db)
    status, out, err = in_process(capsys, *argv, "--db", str(db))
    assert (status, out) == (2, "")
    assert words in err
    assert err.count("\n") == 1


def test_the_library_refuses_what_the_options_refuse(tmp_path: Path) -> None:
    from vmic.history import HistoryError  # noqa: PLC0415 - beside its use

    db = tmp_path / "h.db"
    _saved(db)
    with History(db) as history:
        for older_than in (float("nan"), float("inf"), 1e308, -1.0):
            with pytest.raises(HistoryError, match="--older-than takes a number of days"):
                history.prune(older_than=older_than)
        with pytest.raises(HistoryError, match="--keep takes a whole number"):
            history.prune(keep=10**23)
        with pytest.raises(HistoryError, match="no run 9223372036854775808"):
            history.run(2**63)
        assert len(history.runs()) == 1


def _tables_and_mode(db: Path) -> tuple[set[str], str]:
    with sqlite3.connect(db) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    return tables, mode


@pytest.mark.parametrize(
    "argv",
    [
        ("history",),
        ("history", "prune", "--keep", "1"),
        ("diff",),
        ("audit", "--lab", "demo", "--save"),
        ("history", "import", "OTHER"),
    ],
)
def test_someone_elses_database_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    db = tmp_path / "theirs.db"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        raw.execute("INSERT INTO invoices (total) VALUES (12.5)")
    before = _tables_and_mode(db)
    other = tmp_path / "other.db"
    _saved(other)
    words = [str(other) if word == "OTHER" else word for word in argv]
    status, _, err = in_process(capsys, *words, "--db", str(db))
    assert status == 2
    assert "not a vmic history database (it holds other tables: invoices)" in err
    assert err.count("\n") == 1
    assert _tables_and_mode(db) == before == ({"invoices"}, "delete")


@pytest.mark.parametrize("argv", [("history",), ("diff",), ("history", "prune", "--keep", "1")])
def test_reading_a_missing_history_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    db = tmp_path / "not" / "there" / "h.db"
    status, out, err = in_process(capsys, *argv, "--db", str(db))
    if argv == ("history",):
        assert (status, out, err) == (0, "No saved runs.\n", "")
    else:
        assert (status, out) == (2, "")
        assert err.count("\n") == 1
    assert not (tmp_path / "not").exists()


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("started", "x", "started is not a time (YYYY-MM-DDTHH:MM:SS.ffffffZ): 'x'"),
        ("uuid", "not-a-uuid", "uuid is not a UUID"),
        ("duration", "soon", "duration is not seconds (0 or more): 'soon'"),
        ("hosts", -1, "hosts is not a count"),
        ("exit_status", 2**40, "exit_status is not an exit status"),
        ("inventory", b"\xff", "inventory is not text"),
    ],
)
def test_an_import_of_a_bad_run_is_refused_whole(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    column: str,
    value: object,
    words: str,
) -> None:
    theirs, ours = tmp_path / "theirs.db", tmp_path / "ours.db"
    _saved(theirs, runs=2)
    with sqlite3.connect(theirs) as raw:
        raw.execute(f"UPDATE runs SET {column} = ? WHERE id = 2", (value,))  # noqa: S608 - a column of this test's own list
    _saved(ours)
    status, out, err = in_process(capsys, "history", "import", "--db", str(ours), str(theirs))
    assert (status, out) == (2, "")
    assert f"{theirs}: run 2: {words}" in err
    assert err.count("\n") == 1
    # Nothing was copied, and the history still reads.
    status, out, err = in_process(capsys, "history", "--db", str(ours), "--format", "csv")
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == 2


def test_a_bad_row_already_saved_is_one_line_not_an_internal_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A history an earlier vmic let take such a run: every `vmic history` failed (exit 70).
    db = tmp_path / "h.db"
    _saved(db)
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE runs SET started = 'x'")
    status, out, err = in_process(capsys, "history", "--db", str(db))
    assert (status, out) == (2, "")
    assert f"{db}: run 1: started is not a time" in err
    assert err.count("\n") == 1


def test_a_version_1_history_is_brought_forward_with_vm_ids(tmp_path: Path) -> None:
    from vmic.history._store import _SCHEMA_V1  # noqa: PLC0415 - the old schema, to build one

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as raw:
        raw.executescript(_SCHEMA_V1)
        raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO schema_version VALUES (1)")
        raw.execute(
            "INSERT INTO runs (uuid, started, duration, vmic_version, inventory, hosts, "
            "unreachable, vms, findings, exit_status) VALUES "
            "('6f1c1e0a-0000-4000-8000-000000000001', '2026-01-01T00:00:00.000000Z', 1.0, "
            "'0.1', 'lab:demo', 1, 0, 1, 1, 1)"
        )
        raw.execute("INSERT INTO hosts VALUES (1, 'HV01', 'ok', '', 1.0)")
        raw.execute("INSERT INTO vms VALUES (1, 'HV01', 'web01', 'ID-1', 'running', 0)")
        raw.execute("INSERT INTO services VALUES (1, 'HV01', 'web01', 'vss', 'degraded', 'x')")
        raw.execute(
            "INSERT INTO findings VALUES (1, 'HV01', 'web01', 'vss', 'x', 'degraded', 'e', 'f')"
        )
    with History(db) as history:
        snapshot = history.snapshot(1)
    assert snapshot.vms == {("HV01", "ID-1"): ("web01", "ID-1")}
    assert snapshot.services == {("HV01", "ID-1", "vss"): "degraded"}
    assert [f.vm_id for f in snapshot.findings.values()] == ["ID-1"]
