"""``vmic history prune`` and ``vmic history import`` in every format, options before the action."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from tests._cli import in_process
from vmic import __version__
from vmic.fleet import AuditReport
from vmic.history import History
from vmic.schemas import SCHEMA_VERSION, load_schema

if TYPE_CHECKING:
    from pathlib import Path

#: When the runs of these tests started: a fixed day, one hour apart.
_DAY = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
#: The CSV header of runs (by value, as ``vmic history --format csv`` has it).
_CSV_HEADER = "id,started,inventory,hosts,unreachable,vms,findings,exit_status,vmic_version"


def _save(path: Path, *inventories: str, hour: int = 0) -> None:
    """Save one empty run per inventory name in the history at *path*, an hour apart."""
    with History(path) as history:
        for offset, name in enumerate(inventories):
            started = _DAY + dt.timedelta(hours=hour + offset)
            history.save(AuditReport(results=()), inventory=name, started=started)


def _inventories(path: Path) -> list[tuple[int, str]]:
    with History(path, create=False) as history:
        return [(run.id, run.inventory) for run in history.runs()]


def _json(out: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("history-change")).validate(document)
    assert document["schema_version"] == SCHEMA_VERSION
    return document


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A history of three runs: a1, a2, a3 (runs 1 to 3), oldest first."""
    path = tmp_path / "history.db"
    _save(path, "a1", "a2", "a3")
    return path


@pytest.fixture
def other(tmp_path: Path, db: Path) -> Path:
    """Another site's history: its own run b1, after copies of ``db``'s three."""
    path = tmp_path / "other.db"
    _save(path, "b1", hour=3)
    with History(path) as history:
        assert history.import_from(db) == 3
    return path


# --- prune ----------------------------------------------------------------------------------


def _prune(capsys: pytest.CaptureFixture[str], db: Path, keep: int, output_format: str) -> str:
    """What ``vmic history prune --keep KEEP --format FORMAT`` printed (it succeeded)."""
    argv = ("history", "prune", "--db", str(db), "--keep", str(keep), "--format", output_format)
    status, out, err = in_process(capsys, *argv)
    assert (status, err) == (0, "")
    return out


def test_prune_as_a_table_says_how_many(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    status, out, err = in_process(capsys, "history", "prune", "--db", str(db), "--keep", "1")
    assert (status, out, err) == (0, "2 runs deleted\n", "")
    assert _inventories(db) == [(3, "a3")]


def test_prune_as_json_lists_the_runs_deleted(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    document = _json(_prune(capsys, db, 2, "json"))
    assert (document["action"], document["database"], document["source"]) == (
        "prune",
        str(db),
        None,
    )
    (run,) = document["runs"]
    assert (run["id"], run["inventory"], run["started"]) == (
        1,
        "a1",
        "2024-03-01T00:00:00.000000Z",
    )
    assert document["count"] == 1
    assert _inventories(db) == [(2, "a2"), (3, "a3")]


def test_prune_as_csv_is_one_row_per_run_deleted(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = _prune(capsys, db, 1, "csv")
    assert out.splitlines()[0] == _CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["id"], row["inventory"]) for row in rows] == [("1", "a1"), ("2", "a2")]
    assert rows[1]["started"] == "2024-03-01T01:00:00.000000Z"  # by value, as JSON has it


def test_prune_as_markdown_says_it_and_lists_them(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    head, blank, header, rule, *rows = _prune(capsys, db, 2, "markdown").splitlines()
    assert (head, blank) == ("**vmic history prune**: 1 run deleted", "")
    assert header.startswith("| id | started | inventory | hosts | unreachable | VMs |")
    assert set(rule) == {"|", "-"}
    assert rows == [f"| 1 | 2024-03-01 00:00:00Z | a1 | 0 | 0 | 0 | 0 | 0 | {__version__} |"]


def test_a_prune_that_deletes_nothing_says_so_in_every_format(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    assert _prune(capsys, db, 5, "table") == "0 runs deleted\n"
    assert _prune(capsys, db, 5, "markdown") == "**vmic history prune**: 0 runs deleted\n"
    assert _prune(capsys, db, 5, "csv").splitlines() == [_CSV_HEADER]
    document = _json(_prune(capsys, db, 5, "json"))
    assert (document["count"], document["runs"]) == (0, [])
    assert len(_inventories(db)) == 3


# --- import ---------------------------------------------------------------------------------


def test_import_as_a_table_says_how_many(
    capsys: pytest.CaptureFixture[str], db: Path, other: Path
) -> None:
    argv = ("history", "import", "--db", str(db), str(other))
    assert in_process(capsys, *argv) == (0, "1 run imported\n", "")
    assert in_process(capsys, *argv) == (0, "0 runs imported\n", "")


def test_import_as_json_lists_the_runs_with_their_numbers_here(
    capsys: pytest.CaptureFixture[str], db: Path, other: Path
) -> None:
    status, out, err = in_process(
        capsys, "history", "import", "--db", str(db), str(other), "--format", "json"
    )
    assert (status, err) == (0, "")
    document = _json(out)
    assert (document["action"], document["database"], document["source"]) == (
        "import",
        str(db),
        str(other),
    )
    # a1 to a3 are here already (the same UUIDs): only b1 is copied, as run 4 of this file.
    assert [(run["id"], run["inventory"], run["origin"]) for run in document["runs"]] == [
        (4, "b1", str(other))
    ]
    assert document["count"] == 1
    assert _inventories(db)[-1] == (4, "b1")


def test_import_as_csv_and_markdown_lists_the_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, other: Path
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    status, out, _ = in_process(
        capsys, "history", "import", "--db", str(first), str(other), "--format", "csv"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["id"], row["inventory"]) for row in rows] == [
        ("1", "a1"),
        ("2", "a2"),
        ("3", "a3"),
        ("4", "b1"),
    ]
    status, out, _ = in_process(
        capsys, "history", "import", "--db", str(second), str(other), "--format", "markdown"
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[:2] == ["**vmic history import**: 4 runs imported", ""]
    assert [line.split(" | ")[2] for line in lines[4:]] == ["a1", "a2", "a3", "b1"]
    status, out, _ = in_process(
        capsys, "history", "import", "--db", str(second), str(other), "--format", "markdown"
    )
    assert (status, out) == (0, "**vmic history import**: 0 runs imported\n")


# --- the options before the action ----------------------------------------------------------


def test_options_before_the_action_hold(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    db: Path,
    other: Path,
) -> None:
    decoy = tmp_path / "default.db"
    monkeypatch.setenv("VMIC_DB", str(decoy))  # where the history is without --db
    status, out, err = in_process(
        capsys, "history", "--db", str(db), "--format", "json", "prune", "--keep", "2"
    )
    assert (status, err) == (0, "")
    assert [run["inventory"] for run in _json(out)["runs"]] == ["a1"]
    status, out, err = in_process(
        capsys, "history", "--format", "csv", "--db", str(db), "import", str(other)
    )
    assert (status, err) == (0, "")
    # a1 was pruned here, so the other site's copy of it comes back, numbered anew.
    header, *rows = out.splitlines()
    assert header == _CSV_HEADER
    assert [row.split(",")[:3] for row in rows] == [
        ["4", "2024-03-01T00:00:00.000000Z", "a1"],
        ["5", "2024-03-01T03:00:00.000000Z", "b1"],
    ]
    assert not decoy.exists()
    assert _inventories(db) == [(4, "a1"), (2, "a2"), (3, "a3"), (5, "b1")]


def test_options_after_the_action_win_over_those_before(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    status, out, _ = in_process(
        capsys, "history", "--format", "json", "prune", "--db", str(db), "--keep", "2"
    )
    assert (status, _json(out)["count"]) == (0, 1)
    argv = ("history", "--format", "json", "prune", "--db", str(db), "--keep", "1")
    status, out, _ = in_process(capsys, *argv, "--format", "table")
    assert (status, out) == (0, "1 run deleted\n")


# --- the library's answers and filters that would mislead -----------------------------------


def test_prune_runs_returns_exactly_the_runs_deleted(db: Path) -> None:
    with History(db, create=False) as history:
        deleted = history.prune_runs(keep=1)
        kept = history.runs()
    assert [(run.id, run.inventory) for run in deleted] == [(1, "a1"), (2, "a2")]
    assert [run.inventory for run in kept] == ["a3"]


def test_prune_runs_with_both_limits_deletes_each_run_once(db: Path) -> None:
    # keep=2 selects a1; every run is older than a day: the union, each run listed once.
    with History(db, create=False) as history:
        deleted = history.prune_runs(keep=2, older_than=1)
        assert history.runs() == []
    assert [run.inventory for run in deleted] == ["a1", "a2", "a3"]


def test_import_runs_returns_the_runs_copied_numbered_here(db: Path, other: Path) -> None:
    with History(db, create=False) as history:
        copied = history.import_runs(other)
        again = history.import_runs(other)
    assert [(run.id, run.inventory) for run in copied] == [(4, "b1")]
    assert again == []


@pytest.mark.parametrize("action", ["prune", "import"])
@pytest.mark.parametrize(
    ("filters", "named"),
    [
        (("--host", "HV01"), "--host only chooses"),
        (("--vm", "a", "--host", "b"), "--host and --vm"),
    ],
)
def test_list_filters_before_a_change_are_refused(
    capsys: pytest.CaptureFixture[str],
    *,
    db: Path,
    other: Path,
    action: str,
    filters: tuple[str, ...],
    named: str,
) -> None:
    # `vmic history --host HV01 prune --keep 1` must not look like a prune of HV01's runs.
    rest = ("prune", "--keep", "0") if action == "prune" else ("import", str(other))
    status, out, err = in_process(capsys, "history", "--db", str(db), *filters, *rest)
    assert status == 2
    assert out == ""
    assert named in err
    assert err.count("\n") == 1
    assert [name for _, name in _inventories(db)] == ["a1", "a2", "a3"]
