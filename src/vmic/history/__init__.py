"""Audit history: saved runs in one SQLite file, and what changed between two of them.

>>> import tempfile, pathlib
>>> from vmic.fleet import audit
>>> from vmic.testing import demo_lab
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with History(folder / "history.sqlite3") as history:
...     first = history.save(audit(demo_lab().hosts), inventory="lab:demo")
...     second = history.save(audit(demo_lab().hosts), inventory="lab:demo")
...     drift = diff_runs(history.snapshot(first.id), history.snapshot(second.id))
>>> drift.changes, drift.worse
((), False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.history._diff import (
        Change as Change,
        ChangeKind as ChangeKind,
        RunDiff as RunDiff,
        diff_runs as diff_runs,
    )
    from vmic.history._store import (
        DB_ENV as DB_ENV,
        SCHEMA_VERSION as SCHEMA_VERSION,
        History as History,
        HistoryError as HistoryError,
        Run as Run,
        RunFinding as RunFinding,
        RunSnapshot as RunSnapshot,
        default_db_path as default_db_path,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Change": "._diff",
        "ChangeKind": "._diff",
        "DB_ENV": "._store",
        "History": "._store",
        "HistoryError": "._store",
        "Run": "._store",
        "RunDiff": "._diff",
        "RunFinding": "._store",
        "RunSnapshot": "._store",
        "SCHEMA_VERSION": "._store",
        "default_db_path": "._store",
        "diff_runs": "._diff",
    },
)
