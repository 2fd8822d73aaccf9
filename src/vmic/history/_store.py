"""The audit history database: one SQLite file, one transaction per saved run.

The schema carries its version in a ``schema_version`` table and is brought forward by
the migrations in :data:`MIGRATIONS`, each applied once, in order, inside the
transaction that records the new version. A file written by a newer vmic (a version
above :data:`SCHEMA_VERSION`) is refused rather than guessed at, and so is an SQLite
file that is not a vmic history (one with tables of its own): vmic adds no table to it
and leaves its journal mode alone. Opening a history to read it (``create=False``)
creates no file or directory.

VMs are told apart by their id, not their name (Hyper-V lets two VMs of one host share a
name): each VM, service verdict and finding row carries ``vm_id`` (``""`` when the host
did not report it; two such VMs of one name are one). Text is stored by the one
sanitising policy (:func:`vmic.render.encodable`: a lone surrogate is spelled out).

A run audited against a policy (``vmic audit --policy FILE --save``) also records the
policy (its source and digest) and each VM's compliance, service by service (schema
version 3): compliant, not compliant, or not applicable, with the setting asked and the
one found.

Several audits may save into one file at once: the database runs in WAL mode, every
connection waits up to :data:`BUSY_TIMEOUT` seconds for a lock, and a run is written
between ``BEGIN IMMEDIATE`` and ``COMMIT``, so a reader sees a run whole or not at all
and an interrupted write (an exception, Ctrl-C, a killed process) leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

import attrs

from vmic.errors import ConfigurationError
from vmic.model._named import counted, cut, named
from vmic.render import encodable, visible

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

    from vmic.fleet._policy import PolicyReport
    from vmic.fleet._report import AuditReport, HostResult

__all__ = [
    "BUSY_TIMEOUT",
    "COMPLIANCE",
    "DB_ENV",
    "MAX_DAYS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "History",
    "HistoryError",
    "Run",
    "RunCompliance",
    "RunFinding",
    "RunSnapshot",
    "default_db_path",
    "vm_key",
]

#: Environment variable naming the history database (``--db`` wins over it).
DB_ENV: Final = "VMIC_DB"
#: Seconds a connection waits for another writer before giving up.
BUSY_TIMEOUT: Final = 30.0

_SCHEMA_V1: Final = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    started TEXT NOT NULL,
    duration REAL NOT NULL,
    vmic_version TEXT NOT NULL,
    inventory TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    hosts INTEGER NOT NULL,
    unreachable INTEGER NOT NULL,
    vms INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    exit_status INTEGER NOT NULL
);
CREATE INDEX runs_started ON runs (started);
CREATE TABLE hosts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL,
    duration REAL NOT NULL,
    PRIMARY KEY (run_id, host)
);
CREATE TABLE vms (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    vm_id TEXT,
    state TEXT NOT NULL,
    healthy INTEGER NOT NULL,
    PRIMARY KEY (run_id, host, vm)
);
CREATE INDEX vms_name ON vms (vm);
CREATE TABLE services (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    service TEXT NOT NULL,
    verdict TEXT NOT NULL,
    causes TEXT NOT NULL,
    PRIMARY KEY (run_id, host, vm, service)
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    service TEXT NOT NULL,
    cause TEXT NOT NULL,
    verdict TEXT NOT NULL,
    explanation TEXT NOT NULL,
    fix TEXT NOT NULL
);
CREATE INDEX findings_run ON findings (run_id);
"""

# Version 2: VMs are identified by their id (two VMs of one host may share a name), in
# the keys of vms and services and in every finding. SQLite cannot change a primary key,
# so vms and services are rebuilt; the ids come from the version-1 vms rows.
_SCHEMA_V2: Final = """
CREATE TABLE vms_v2 (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    vm_id TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    healthy INTEGER NOT NULL,
    PRIMARY KEY (run_id, host, vm_id, vm)
);
INSERT INTO vms_v2 (run_id, host, vm, vm_id, state, healthy)
    SELECT run_id, host, vm, COALESCE(vm_id, ''), state, healthy FROM vms;
CREATE TABLE services_v2 (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    vm_id TEXT NOT NULL DEFAULT '',
    service TEXT NOT NULL,
    verdict TEXT NOT NULL,
    causes TEXT NOT NULL,
    PRIMARY KEY (run_id, host, vm_id, vm, service)
);
INSERT INTO services_v2 (run_id, host, vm, vm_id, service, verdict, causes)
    SELECT s.run_id, s.host, s.vm, COALESCE(v.vm_id, ''), s.service, s.verdict, s.causes
    FROM services AS s LEFT JOIN vms AS v
    ON v.run_id = s.run_id AND v.host = s.host AND v.vm = s.vm;
ALTER TABLE findings ADD COLUMN vm_id TEXT NOT NULL DEFAULT '';
UPDATE findings SET vm_id = COALESCE(
    (SELECT v.vm_id FROM vms AS v
     WHERE v.run_id = findings.run_id AND v.host = findings.host AND v.vm = findings.vm),
    '');
DROP TABLE services;
ALTER TABLE services_v2 RENAME TO services;
DROP TABLE vms;
ALTER TABLE vms_v2 RENAME TO vms;
CREATE INDEX vms_name ON vms (vm);
"""

# Version 3: compliance with a policy. The policy a run was audited against (at most one),
# and per VM (by id) and service what it asked, what the host had, and the verdict.
_SCHEMA_V3: Final = """
CREATE TABLE policies (
    run_id INTEGER NOT NULL PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE TABLE compliance (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    vm TEXT NOT NULL,
    vm_id TEXT NOT NULL DEFAULT '',
    service TEXT NOT NULL,
    desired TEXT NOT NULL,
    actual TEXT NOT NULL,
    compliance TEXT NOT NULL,
    rule INTEGER NOT NULL,
    PRIMARY KEY (run_id, host, vm_id, vm, service)
);
"""

#: Forward migrations: (the version a script brings the schema to, the script).
MIGRATIONS: Final[tuple[tuple[int, str], ...]] = (
    (1, _SCHEMA_V1),
    (2, _SCHEMA_V2),
    (3, _SCHEMA_V3),
)
#: The tables of a vmic history (besides ``schema_version``), and the version that adds each.
_TABLE_SINCE: Final = {
    "runs": 1,
    "hosts": 1,
    "vms": 1,
    "services": 1,
    "findings": 1,
    "policies": 3,
    "compliance": 3,
}
#: A VM's compliance with a policy, for one service, as saved.
COMPLIANCE: Final = ("compliant", "not_compliant", "not_applicable")
#: The schema version this vmic writes.
SCHEMA_VERSION: Final = MIGRATIONS[-1][0]


class HistoryError(ConfigurationError):
    """The history database cannot be used: unreadable, from a newer vmic, no such run."""


def default_db_path() -> Path:
    """Where the history lives by default.

    ``$VMIC_DB`` when set; else ``vmic/history.sqlite3`` under the user's data directory:
    ``$XDG_DATA_HOME`` (default ``~/.local/share``), or ``%LOCALAPPDATA%`` on Windows.
    """
    chosen = os.environ.get(DB_ENV)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        # The XDG spec: a relative value is invalid and is ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "vmic" / "history.sqlite3"


def _now() -> str:
    return _stamp(dt.datetime.now(dt.UTC))


def _stamp(moment: dt.datetime) -> str:
    # Fixed width and UTC, so text order is time order.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


@attrs.frozen(kw_only=True)
class Run:
    """One saved audit, as listed.

    Attributes:
        id: Its number in this database (what ``vmic diff`` takes).
        uuid: Its identity across databases (what an import deduplicates on).
        started: When it started (UTC).
        duration: Seconds the audit took.
        vmic_version: The vmic that ran it.
        inventory: The inventory (file or lab) it audited.
        origin: The database it was imported from, or ``""``.
        hosts: Hosts in it.
        unreachable: Hosts that could not be audited.
        vms: VMs seen.
        findings: Findings.
        exit_status: What ``vmic audit`` exited with.
    """

    id: int
    uuid: str
    started: dt.datetime
    duration: float
    vmic_version: str
    inventory: str
    origin: str = ""
    hosts: int
    unreachable: int
    vms: int
    findings: int
    exit_status: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "uuid": self.uuid,
            "started": _stamp(self.started),
            "duration": round(self.duration, 3),
            "vmic_version": self.vmic_version,
            "inventory": self.inventory,
            "origin": self.origin,
            "hosts": self.hosts,
            "unreachable": self.unreachable,
            "vms": self.vms,
            "findings": self.findings,
            "exit_status": self.exit_status,
        }

    def __repr__(self) -> str:
        hosts, findings = counted(self.hosts, "host"), counted(self.findings, "finding")
        return f"<Run {self.id} {self.started:%Y-%m-%d %H:%M}: {hosts}, {findings}>"


def vm_key(vm: str, vm_id: str) -> str:
    """What tells a VM apart from the others of its host: its id, else its name.

    >>> vm_key("web01", "D6C17D9A-CBA0-58A1-98F5-FA4777C053B8"), vm_key("web01", "")
    ('D6C17D9A-CBA0-58A1-98F5-FA4777C053B8', 'name:web01')
    """
    return vm_id or f"name:{vm}"


@attrs.frozen(kw_only=True)
class RunFinding:
    """A finding as saved: what, where, why, and the first fix's title.

    Attributes:
        host: The host.
        vm: The VM's name, or ``""``.
        service: The service's value, or ``""``.
        cause: The cause's value.
        verdict: The verdict's value.
        explanation: Why, in words.
        fix: The first fix's title, or ``""``.
        vm_id: The VM's id, or ``""`` when unknown.
    """

    host: str
    vm: str
    service: str
    cause: str
    verdict: str
    explanation: str
    fix: str
    vm_id: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes it the same finding in another run: host, VM, service, cause.

        The VM is its :func:`vm_key` (its id when known).
        """
        return (self.host, vm_key(self.vm, self.vm_id) if self.vm else "", self.service, self.cause)

    def __repr__(self) -> str:
        return f"<RunFinding {named(self.vm)} {cut(self.service, 40)}: {cut(self.cause, 40)}>"


@attrs.frozen(kw_only=True)
class RunCompliance:
    """One VM's compliance with the run's policy, for one service, as saved.

    Attributes:
        host: The host.
        vm: The VM's name.
        vm_id: Its id, or ``""`` when unknown.
        service: The service's value.
        desired: ``"on"`` or ``"off"``: what the policy asked.
        actual: ``"on"``, ``"off"``, or ``""`` when the host lists no such component.
        compliance: ``"compliant"``, ``"not_compliant"`` or ``"not_applicable"``.
        rule: The number of the rule that decided.
    """

    host: str
    vm: str
    vm_id: str
    service: str
    desired: str
    actual: str
    compliance: str
    rule: int


@attrs.frozen(kw_only=True)
class RunSnapshot:
    """Everything saved of one run, keyed for comparison.

    A VM is keyed by :func:`vm_key` (its id when known), so two VMs of one name stay two.

    Attributes:
        run: The run's metadata.
        hosts: Host name to status (``"ok"``, ``"unreachable"``...).
        vms: ``(host, VM key)`` of every VM seen, to its ``(name, id)``.
        services: ``(host, VM key, service)`` to its verdict.
        findings: The findings by :attr:`RunFinding.key`.
        policy: The ``(source, digest)`` of the policy the run was audited against, or None.
        compliance: ``(host, VM key, service)`` to that VM's compliance (empty without a
            policy).
    """

    run: Run
    hosts: dict[str, str]
    vms: dict[tuple[str, str], tuple[str, str]]
    services: dict[tuple[str, str, str], str]
    findings: dict[tuple[str, str, str, str], RunFinding]
    policy: tuple[str, str] | None = None
    compliance: dict[tuple[str, str, str], RunCompliance] = attrs.field(factory=dict)

    def vm(self, host: str, key: str) -> tuple[str, str]:
        """The ``(name, id)`` of the VM *key* of *host* (``("", "")`` when not seen)."""
        return self.vms.get((host, key), ("", ""))

    def __repr__(self) -> str:
        vms, findings = counted(len(self.vms), "VM"), counted(len(self.findings), "finding")
        return f"<RunSnapshot run {self.run.id}: {vms}, {findings}>"


_RUN_COLUMNS: Final = (
    "id, uuid, started, duration, vmic_version, inventory, origin, hosts, unreachable, "
    "vms, findings, exit_status"
)


def _run(row: Sequence[Any], where: str) -> Run:
    """The run a ``runs`` row describes (*where* names the database for messages).

    Raises:
        HistoryError: A value is not of its column's kind (a time that is no time...).
    """
    _check_values(row, _RUN_KINDS, f"{where}: run {row[0]!r}")
    return Run(
        id=row[0],
        uuid=row[1],
        started=_parse_stamp(row[2]),
        duration=row[3],
        vmic_version=row[4],
        inventory=row[5],
        origin=row[6],
        hosts=row[7],
        unreachable=row[8],
        vms=row[9],
        findings=row[10],
        exit_status=row[11],
    )


_DIGEST_RE: Final = re.compile(r"[0-9a-f]{64}")
#: The largest integer SQLite stores (a run number beyond it is no run).
_MAX_ROW_ID: Final = 2**63 - 1
#: The most days ``prune --older-than`` takes: back to the year 1 (what a date can hold).
MAX_DAYS: Final = 700_000


def _is_int(value: object, low: int = 0, high: int = _MAX_ROW_ID) -> bool:
    # type() rather than isinstance(): True is no count.
    return type(value) is int and low <= value <= high


def _is_seconds(value: object) -> bool:
    return isinstance(value, int | float) and type(value) is not bool and 0 <= value < math.inf


def _is_stamp(value: object) -> bool:
    if type(value) is not str:
        return False
    try:
        _parse_stamp(value)
    except ValueError:
        return False
    return True


def _is_uuid(value: object) -> bool:
    if type(value) is not str:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_text(value: object) -> bool:
    return type(value) is str


def _is_flag(value: object) -> bool:
    return _is_int(value, 0, 1)


def _is_digest(value: object) -> bool:
    return type(value) is str and _DIGEST_RE.fullmatch(value) is not None


# What each column of a run row must hold (and says when it does not).
_RUN_KINDS: Final = (
    ("id", _is_int, "a run number"),
    ("uuid", _is_uuid, "a UUID"),
    ("started", _is_stamp, "a time (YYYY-MM-DDTHH:MM:SS.ffffffZ)"),
    ("duration", _is_seconds, "seconds (0 or more)"),
    ("vmic_version", _is_text, "text"),
    ("inventory", _is_text, "text"),
    ("origin", _is_text, "text"),
    ("hosts", _is_int, "a count"),
    ("unreachable", _is_int, "a count"),
    ("vms", _is_int, "a count"),
    ("findings", _is_int, "a count"),
    ("exit_status", lambda value: _is_int(value, 0, 255), "an exit status (0 to 255)"),
)


def _check_values(row: Sequence[Any], kinds: Sequence[tuple[str, Any, str]], where: str) -> None:
    """Raise HistoryError naming the first value of *row* not of its column's kind."""
    for value, (column, check, kind) in zip(row, kinds, strict=True):
        if not check(value):
            shown = value if type(value) is not str else visible(value[:40])
            raise HistoryError(f"{where}: {column} is not {kind}: {shown!r}")


class History:
    """An open history database.

    Args:
        path: The SQLite file; default :func:`default_db_path`.
        busy_timeout: Seconds to wait for another writer.
        create: Create the file (and its directory) when missing, as saving a run does.
            False opens an existing history only (reading creates nothing).

    Raises:
        HistoryError: The file is missing (and not *create*), is not a vmic history, or
            was written by a newer vmic.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        create: bool = True,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.is_file():
                raise HistoryError(
                    f"{self.path}: no history database (vmic audit --save makes one)"
                )
            # Autocommit mode: every transaction below is opened and closed explicitly.
            # Without *create*, SQLite's mode=rw makes no file.
            self._db = sqlite3.connect(
                self.path if create else f"{self.path.resolve().as_uri()}?mode=rw",
                timeout=busy_timeout,
                isolation_level=None,
                uri=not create,
            )
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"{self.path}: cannot open the history database: {error}") from None
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._check_ours()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise HistoryError(f"{self.path}: not a vmic history database: {error}") from None
        except HistoryError:
            self._db.close()
            raise

    def __repr__(self) -> str:
        return f"History({str(self.path)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the file (0 for a new one)."""
        return _version_of(self._db)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _check_ours(self) -> None:
        """Refuse an SQLite file that is not a vmic history, before anything is written to it.

        Raises:
            HistoryError: It has tables but no ``schema_version``, or lacks vmic's tables.
        """
        tables = {
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if not tables:
            return  # a new (empty) file: vmic makes it a history
        if "schema_version" not in tables:
            shown = ", ".join(sorted(visible(name) for name in tables)[:5])
            raise HistoryError(
                f"{self.path}: not a vmic history database (it holds other tables: {shown}); "
                "choose another file with --db"
            )
        current = _version_of(self._db)
        missing = {name for name, since in _TABLE_SINCE.items() if since <= current} - tables
        if missing:
            raise HistoryError(
                f"{self.path}: not a vmic history database (no {', '.join(sorted(missing))} table)"
            )

    def _migrate(self) -> None:
        if _version_of(self._db) == SCHEMA_VERSION:
            return  # nothing to write: a read takes no write lock
        with self._transaction():
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = _version_of(self._db)
            if current > SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path}: the history database has schema version {current}, written "
                    f"by a newer vmic; this vmic reads up to version {SCHEMA_VERSION}: upgrade "
                    "vmic or choose another file with --db"
                )
            for version, script in MIGRATIONS:
                if version > current:
                    for statement in _statements(script):
                        self._db.execute(statement)
                    self._db.execute("DELETE FROM schema_version")
                    self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    # --- writing -------------------------------------------------------------------------

    def save(
        self,
        report: AuditReport,
        *,
        inventory: str,
        started: dt.datetime | None = None,
        compliance: PolicyReport | None = None,
    ) -> Run:
        """Record one audit, whole, in one transaction.

        Args:
            report: The audit's report.
            inventory: What was audited (the inventory file, ``lab:demo``...).
            started: When the audit started (default: now less its duration).
            compliance: The audit's hosts planned against a policy
                (:func:`vmic.fleet.plan_policy`): the policy and each VM's compliance
                are recorded too.

        Returns:
            The saved run.
        """
        from vmic import __version__  # noqa: PLC0415 - avoid a cycle at import time

        if started is None:
            started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=report.duration)
        summary = report.summary()
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (uuid, started, duration, vmic_version, inventory, hosts, "
                "unreachable, vms, findings, exit_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    _stamp(started),
                    report.duration,
                    __version__,
                    encodable(inventory),
                    summary["hosts"],
                    summary["failed"],
                    summary["vms"],
                    summary["findings"],
                    report.exit_status,
                ),
            )
            run_id = cursor.lastrowid
            assert run_id is not None  # noqa: S101 - an INSERT always has one
            for result in report.results:
                _write_host(self._db, run_id, result)
            if compliance is not None:
                _write_compliance(self._db, run_id, compliance)
        return self.run(run_id)

    def prune(self, *, keep: int | None = None, older_than: float | None = None) -> int:
        """Delete old runs; returns how many (:meth:`prune_runs` says which).

        Args:
            keep: Keep only the newest *keep* runs.
            older_than: Delete the runs started more than this many days ago.

        Raises:
            HistoryError: Neither or a negative limit was given.
        """
        return len(self.prune_runs(keep=keep, older_than=older_than))

    def prune_runs(self, *, keep: int | None = None, older_than: float | None = None) -> list[Run]:
        """Delete old runs; returns the runs deleted, oldest first.

        The runs are read and deleted in one transaction, so a run another process saves
        meanwhile is neither deleted unsaid nor listed.

        Args:
            keep: Keep only the newest *keep* runs.
            older_than: Delete the runs started more than this many days ago.

        Raises:
            HistoryError: Neither or a negative limit was given.
        """
        if keep is None and older_than is None:
            msg = "say what to prune: --keep N or --older-than DAYS"
            raise HistoryError(msg)
        if keep is not None and not _is_int(keep):
            raise HistoryError(f"--keep takes a whole number from 0 to {_MAX_ROW_ID}, not {keep!r}")
        if older_than is not None and not (_is_seconds(older_than) and older_than <= MAX_DAYS):
            raise HistoryError(
                f"--older-than takes a number of days from 0 to {MAX_DAYS}, not {older_than!r}"
            )
        where: list[str] = []
        values: list[int | str] = []
        if keep is not None:
            where.append("id NOT IN (SELECT id FROM runs ORDER BY started DESC, id DESC LIMIT ?)")
            values.append(keep)
        if older_than is not None:
            cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than)
            where.append("started < ?")
            values.append(_stamp(cutoff))
        condition = " OR ".join(where)
        with self._transaction():
            deleted = [
                _run(row, str(self.path))
                for row in self._db.execute(
                    f"SELECT {_RUN_COLUMNS} FROM runs WHERE {condition} ORDER BY started, id",  # noqa: S608 - fixed columns and conditions
                    values,
                )
            ]
            self._db.executemany("DELETE FROM runs WHERE id = ?", [(run.id,) for run in deleted])
        return deleted

    def import_from(self, other: str | Path) -> int:
        """Copy in the runs of another history file that this one lacks; returns how many.

        :meth:`import_runs` does the same and returns the runs copied.

        Raises:
            HistoryError: The other file is missing, not a history, or of another schema.
        """
        return len(self.import_runs(other))

    def import_runs(self, other: str | Path) -> list[Run]:
        """Copy in the runs of another history file that this one lacks; returns them.

        The runs returned are those this call copied, numbered as in this history, oldest
        first (none that another process saved meanwhile).

        Runs are matched by their UUID, so importing twice (or importing a file that
        was merged before) adds nothing twice. The other file is only read.

        Raises:
            HistoryError: The other file is missing, not a history, or of another schema.
        """
        source = Path(other)
        if not source.is_file():
            raise HistoryError(f"{source}: no such history database")
        try:
            if source.resolve() == self.path.resolve():
                raise HistoryError(f"{source}: that is the database being imported into")
        except OSError as error:
            raise HistoryError(f"{source}: {error}") from None
        try:
            them = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise HistoryError(f"{source}: cannot open: {error}") from None
        try:
            try:
                version = _version_of(them)
            except sqlite3.DatabaseError as error:
                raise HistoryError(f"{source}: not a vmic history database: {error}") from None
            if version != SCHEMA_VERSION:
                raise HistoryError(
                    f"{source}: schema version {version}, this vmic writes {SCHEMA_VERSION}: "
                    "open it once with this vmic (vmic history --db FILE) to bring it forward"
                    if version < SCHEMA_VERSION
                    else f"{source}: schema version {version} is from a newer vmic"
                )
            copied = self._copy_runs(them, origin=str(source))
        except sqlite3.Error as error:
            raise HistoryError(f"{source}: cannot be read: {error}") from None
        finally:
            them.close()
        return [self.run(run_id) for run_id in copied]

    def _copy_runs(self, them: sqlite3.Connection, *, origin: str) -> list[int]:
        """Copy the runs *them* has and this history lacks, each value checked first.

        Returns the numbers the copied runs have here, oldest first.

        Raises:
            HistoryError: A value of the other file is not of its column's kind (the
                message names the run and column); nothing is copied then.
        """
        copied: list[int] = []
        with self._transaction():
            ours = {row[0] for row in self._db.execute("SELECT uuid FROM runs")}
            for row in them.execute(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY started, id"):  # noqa: S608 - fixed column list
                _check_values(row, _RUN_KINDS, f"{origin}: run {row[0]!r}")
                if row[1] in ours:
                    continue
                new_id = self._db.execute(
                    "INSERT INTO runs (uuid, started, duration, vmic_version, inventory, origin, "
                    "hosts, unreachable, vms, findings, exit_status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row[1:6], row[6] or encodable(origin), *row[7:]),
                ).lastrowid
                for table, kinds in _CHILD_TABLES:
                    columns = [column for column, _check, _kind in kinds]
                    marks = ", ".join("?" for _ in columns)
                    rows = them.execute(
                        f"SELECT {', '.join(columns)} FROM {table} WHERE run_id = ?",  # noqa: S608 - fixed names
                        (row[0],),
                    )
                    where = f"{origin}: run {row[0]!r}: {table}"
                    self._db.executemany(
                        f"INSERT INTO {table} (run_id, {', '.join(columns)}) VALUES (?, {marks})",  # noqa: S608 - fixed names
                        ((new_id, *_checked(values, kinds, where)) for values in rows),
                    )
                ours.add(row[1])
                copied.append(int(new_id or 0))
        return copied

    # --- reading -------------------------------------------------------------------------

    def runs(self, *, host: str | None = None, vm: str | None = None) -> list[Run]:
        """Saved runs, oldest first; only those that saw *host* / *vm* when given."""
        query = f"SELECT {_RUN_COLUMNS} FROM runs"  # noqa: S608 - fixed column list
        where: list[str] = []
        values: list[str] = []
        if host is not None:
            where.append("id IN (SELECT run_id FROM hosts WHERE host = ?)")
            values.append(host)
        if vm is not None:
            where.append("id IN (SELECT run_id FROM vms WHERE vm = ?)")
            values.append(vm)
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY started, id"
        return [_run(row, str(self.path)) for row in self._db.execute(query, values)]

    def run(self, run_id: int) -> Run:
        """The run with that number.

        Raises:
            HistoryError: No such run.
        """
        row = None
        if _is_int(run_id):  # beyond SQLite's integers there is no run (and no query)
            row = self._db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?",  # noqa: S608 - fixed column list
                (run_id,),
            ).fetchone()
        if row is None:
            raise HistoryError(f"{self.path}: no run {run_id}")
        return _run(row, str(self.path))

    def last_runs(self, count: int) -> list[Run]:
        """The newest *count* runs, oldest first."""
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY started DESC, id DESC LIMIT ?",  # noqa: S608 - fixed column list
            (count,),
        ).fetchall()
        return [_run(row, str(self.path)) for row in reversed(rows)]

    def snapshot(self, run_id: int) -> RunSnapshot:
        """Everything saved of one run.

        Raises:
            HistoryError: No such run.
        """
        run = self.run(run_id)
        hosts = dict(
            self._db.execute(
                "SELECT host, status FROM hosts WHERE run_id = ?", (run_id,)
            ).fetchall()
        )
        vms = {
            (row[0], vm_key(row[1], row[2])): (row[1], row[2])
            for row in self._db.execute(
                "SELECT host, vm, vm_id FROM vms WHERE run_id = ?", (run_id,)
            )
        }
        services = {
            (row[0], vm_key(row[1], row[2]), row[3]): row[4]
            for row in self._db.execute(
                "SELECT host, vm, vm_id, service, verdict FROM services WHERE run_id = ?",
                (run_id,),
            )
        }
        findings: dict[tuple[str, str, str, str], RunFinding] = {}
        for row in self._db.execute(
            "SELECT host, vm, vm_id, service, cause, verdict, explanation, fix FROM findings "
            "WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        ):
            finding = RunFinding(
                host=row[0],
                vm=row[1],
                vm_id=row[2],
                service=row[3],
                cause=row[4],
                verdict=row[5],
                explanation=row[6],
                fix=row[7],
            )
            findings.setdefault(finding.key, finding)
        policy_row = self._db.execute(
            "SELECT source, digest FROM policies WHERE run_id = ?", (run_id,)
        ).fetchone()
        compliance = {}
        for row in self._db.execute(
            "SELECT host, vm, vm_id, service, desired, actual, compliance, rule FROM compliance "
            "WHERE run_id = ?",
            (run_id,),
        ):
            entry = RunCompliance(
                host=row[0],
                vm=row[1],
                vm_id=row[2],
                service=row[3],
                desired=row[4],
                actual=row[5],
                compliance=row[6],
                rule=row[7],
            )
            compliance[(entry.host, vm_key(entry.vm, entry.vm_id), entry.service)] = entry
        return RunSnapshot(
            run=run,
            hosts=hosts,
            vms=vms,
            services=services,
            findings=findings,
            policy=None if policy_row is None else (policy_row[0], policy_row[1]),
            compliance=compliance,
        )


# The tables of a run's rows, each column with what it must hold (checked on import).
_CHILD_TABLES: Final = (
    (
        "hosts",
        (
            ("host", _is_text, "text"),
            ("status", _is_text, "text"),
            ("error", _is_text, "text"),
            ("duration", _is_seconds, "seconds (0 or more)"),
        ),
    ),
    (
        "vms",
        (
            ("host", _is_text, "text"),
            ("vm", _is_text, "text"),
            ("vm_id", _is_text, "text"),
            ("state", _is_text, "text"),
            ("healthy", _is_flag, "0 or 1"),
        ),
    ),
    (
        "services",
        (
            ("host", _is_text, "text"),
            ("vm", _is_text, "text"),
            ("vm_id", _is_text, "text"),
            ("service", _is_text, "text"),
            ("verdict", _is_text, "text"),
            ("causes", _is_text, "text"),
        ),
    ),
    (
        "findings",
        tuple(
            (column, _is_text, "text")
            for column in (
                "host",
                "vm",
                "vm_id",
                "service",
                "cause",
                "verdict",
                "explanation",
                "fix",
            )
        ),
    ),
    # Schema version 3: the run's policy and each VM's compliance with it.
    ("policies", (("source", _is_text, "text"), ("digest", _is_digest, "a SHA-256 digest"))),
    (
        "compliance",
        (
            ("host", _is_text, "text"),
            ("vm", _is_text, "text"),
            ("vm_id", _is_text, "text"),
            ("service", _is_text, "text"),
            ("desired", lambda value: value in {"on", "off"}, "on or off"),
            ("actual", lambda value: value in {"on", "off", ""}, "on, off or empty"),
            ("compliance", lambda value: value in COMPLIANCE, " or ".join(COMPLIANCE)),
            ("rule", lambda value: _is_int(value, 1), "a rule number"),
        ),
    ),
)


def _checked(
    values: Sequence[Any], kinds: Sequence[tuple[str, Any, str]], where: str
) -> Sequence[Any]:
    _check_values(values, kinds, where)
    return values


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception (Ctrl-C too)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        # IMMEDIATE takes the write lock now, so a second writer waits (busy timeout)
        # here rather than failing halfway through its run.
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")


def _version_of(db: sqlite3.Connection) -> int:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _statements(script: str) -> Iterator[str]:
    # The scripts hold no semicolons inside literals; executescript() would COMMIT.
    for statement in script.split(";"):
        if statement.strip():
            yield statement


def _write_host(db: sqlite3.Connection, run_id: int, result: HostResult) -> None:
    """Write one host's rows (inside the run's transaction).

    Every VM is its own row, told apart by its id; the text goes through the one
    sanitising policy (a lone surrogate in a name is spelled out, so SQLite can store it).
    """
    host = encodable(result.host)
    db.execute(
        "INSERT INTO hosts (run_id, host, status, error, duration) VALUES (?, ?, ?, ?, ?)",
        (run_id, host, result.status.value, encodable(result.error), result.duration),
    )
    if result.diagnosis is None:
        return
    for vm in result.diagnosis.vms:
        name, vm_id = encodable(vm.vm), encodable(vm.vm_id or "")
        # OR IGNORE: two VMs of one name whose ids the host did not report are one VM.
        db.execute(
            "INSERT OR IGNORE INTO vms (run_id, host, vm, vm_id, state, healthy) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, host, name, vm_id, vm.state.value, int(vm.healthy)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO services (run_id, host, vm, vm_id, service, verdict, causes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    host,
                    name,
                    vm_id,
                    entry.service.value,
                    entry.verdict.value,
                    ",".join(cause.value for cause in entry.causes),
                )
                for entry in vm.services
            ),
        )
        db.executemany(
            "INSERT INTO findings (run_id, host, vm, vm_id, service, cause, verdict, "
            "explanation, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    host,
                    encodable(finding.vm),
                    vm_id,
                    "" if finding.service is None else finding.service.value,
                    finding.cause.value,
                    finding.verdict.value,
                    encodable(finding.explanation),
                    encodable(finding.fixes[0].title) if finding.fixes else "",
                )
                for finding in vm.findings
            ),
        )


def _write_compliance(db: sqlite3.Connection, run_id: int, report: PolicyReport) -> None:
    """Write the run's policy and each VM's compliance (inside the run's transaction)."""
    db.execute(
        "INSERT INTO policies (run_id, source, digest) VALUES (?, ?, ?)",
        (run_id, encodable(report.source), report.digest),
    )
    db.executemany(
        "INSERT OR IGNORE INTO compliance (run_id, host, vm, vm_id, service, desired, actual, "
        "compliance, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                run_id,
                encodable(result.host),
                encodable(result.vm),
                encodable(result.vm_id or ""),
                result.service.value,
                "on" if result.desired else "off",
                "" if result.before is None else ("on" if result.before else "off"),
                result.compliance,
                result.rule,
            )
            for result in report.results
        ),
    )
