"""``vmic history`` and ``vmic diff``: saved audits, and what changed between two of them.

``vmic audit --save`` records a run (see :mod:`vmic.history`); ``vmic history`` lists the
runs, prunes old ones and imports another machine's; ``vmic diff`` compares two runs and
exits 1 when something got worse (a new finding, a host that became unreachable, a
service whose verdict fell), else 0.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._render import emit, emit_json, emit_line, render_records, visible, width
from vmic.history import History, HistoryError, default_db_path, diff_runs
from vmic.history._diff import COLUMNS as DIFF_COLUMNS
from vmic.render import markdown_escape, markdown_table, text_table
from vmic.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from vmic.fleet._policy import PolicyReport
    from vmic.fleet._report import AuditReport
    from vmic.history import Run

__all__ = ["finish_audit"]

_RUN_COLUMNS: Final = (
    "id",
    "started",
    "inventory",
    "hosts",
    "unreachable",
    "vms",
    "findings",
    "exit_status",
    "vmic_version",
)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_db_path()


def _open(args: argparse.Namespace, *, create: bool = False) -> History:
    """The history ``--db`` names; only saving and importing create it (reads create nothing)."""
    return History(_path(args), create=create)


def _list(args: argparse.Namespace) -> int:
    runs = []
    if _path(args).exists():  # no file yet: no runs (and none is made by looking)
        with _open(args) as history:
            runs = history.runs(host=args.host, vm=args.vm)
    if args.output_format == "json":
        records = [run.to_dict() for run in runs]
        emit_json({"schema_version": SCHEMA_VERSION, "runs": records})
    elif not runs and args.output_format == "table":
        emit("No saved runs.\n")
    else:
        emit(_runs_text(runs, args.output_format), rendered=True)
    return 0


def _runs_text(runs: Sequence[Run], output_format: str) -> str:
    """Runs as a table, Markdown or CSV (by value); the human forms in words."""
    records = [run.to_dict() for run in runs]
    if output_format == "csv":
        return render_records(records, _RUN_COLUMNS, "csv")
    # In words: a readable time, headers with spaces (they wrap at a narrow terminal).
    shown = [
        {**record, "started": _when(run.started)} for record, run in zip(records, runs, strict=True)
    ]
    headers = [column.replace("_", " ").replace("vms", "VMs") for column in _RUN_COLUMNS]
    rows = [[record[column] for column in _RUN_COLUMNS] for record in shown]
    if output_format == "markdown":
        return markdown_table(headers, rows)
    return text_table(headers, rows, width=width())


def _prune(args: argparse.Namespace) -> int:
    _refuse_filters(args, "prune")
    with _open(args) as history:
        deleted = history.prune_runs(keep=args.keep, older_than=args.older_than)
        path = history.path
    _changed(args, "prune", deleted, f"{_runs(len(deleted))} deleted", database=path)
    return 0


def _import(args: argparse.Namespace) -> int:
    _refuse_filters(args, "import")
    with _open(args, create=True) as history:
        copied = history.import_runs(args.other)
        path = history.path
    what = f"{_runs(len(copied))} imported"
    _changed(args, "import", copied, what, database=path, source=args.other)
    return 0


def _refuse_filters(args: argparse.Namespace, action: str) -> None:
    """``--host``/``--vm`` select runs to list: a prune or import would act on every run."""
    given = [f"--{name}" for name in ("host", "vm") if getattr(args, name, None) is not None]
    if given:
        which = "them" if len(given) > 1 else "it"
        verb = "choose" if len(given) > 1 else "chooses"
        msg = (
            f"{' and '.join(given)} only {verb} the runs listed; "
            f"vmic history {action} acts on every run (leave {which} out)"
        )
        raise HistoryError(msg)


def _runs(count: int) -> str:
    return f"{count} run{'s' if count != 1 else ''}"


def _changed(
    args: argparse.Namespace,
    action: str,
    runs: Sequence[Run],
    what: str,
    *,
    database: Path,
    source: str | None = None,
) -> None:
    """What ``history prune`` or ``import`` did: a line, or the runs in the format asked.

    JSON and CSV list the runs deleted (or imported, numbered as in this database); the
    table says how many; Markdown says it and lists them.
    """
    if args.output_format == "json":
        emit_json(
            {
                "schema_version": SCHEMA_VERSION,
                "action": action,
                "database": str(database),
                "source": source,
                "count": len(runs),
                "runs": [run.to_dict() for run in runs],
            }
        )
    elif args.output_format == "csv":
        emit(_runs_text(runs, "csv"), rendered=True)
    elif args.output_format == "markdown":
        table = "\n" + _runs_text(runs, "markdown") if runs else ""
        emit(f"**vmic history {action}**: {markdown_escape(what)}\n{table}", rendered=True)
    else:
        emit_line(what)


def _diff(args: argparse.Namespace) -> int:
    if len(args.runs) > 2:
        msg = "give at most two run numbers"
        raise HistoryError(msg)
    if not _path(args).exists():
        raise HistoryError(f"{_path(args)}: no saved runs; vmic diff needs two (vmic audit --save)")
    with _open(args) as history:
        if len(args.runs) == 2:
            first, second = args.runs
        else:
            last = history.last_runs(2)
            if len(args.runs) == 1:
                if not last:
                    raise HistoryError(f"{history.path}: no saved runs")
                first, second = args.runs[0], last[-1].id
            else:
                if len(last) < 2:
                    raise HistoryError(
                        f"{history.path}: {len(last)} saved run(s); vmic diff needs two "
                        "(vmic audit --save)"
                    )
                first, second = last[0].id, last[1].id
        drift = diff_runs(history.snapshot(first), history.snapshot(second))
    records = [change.to_dict() for change in drift.changes]
    if args.output_format == "json":
        emit_json({"schema_version": SCHEMA_VERSION, **drift.to_dict()})
    elif args.output_format == "csv":
        emit(render_records(records, DIFF_COLUMNS, "csv"), rendered=True)
    else:
        records = [_in_words(record) for record in records]
        head = (
            f"run {drift.a.id} ({_when(drift.a.started)}) -> run {drift.b.id} "
            f"({_when(drift.b.started)}): {len(records)} change{'s' if len(records) != 1 else ''}"
            + (", worse" if drift.worse else "")
        )
        if args.output_format == "markdown":
            head = f"**vmic diff**: {head}"
        columns = [column for column in DIFF_COLUMNS if column not in {"vm_id", "worse"}]
        body = render_records(records, columns, args.output_format) if records else "No changes.\n"
        emit(f"{head}\n\n{body}")
    return 1 if drift.worse else 0


def _in_words(record: dict[str, Any]) -> dict[str, Any]:
    """A change as a person reads it: its kind, the service, verdicts and causes in words."""
    from vmic.diagnosis._results import Verdict, service_name  # noqa: PLC0415 - on use
    from vmic.model._services import GuestOnlyService, IntegrationService  # noqa: PLC0415
    from vmic.rules._causes import Cause  # noqa: PLC0415

    labels: dict[str, str] = {verdict.value: verdict.label for verdict in Verdict}
    labels |= {cause.value: cause.label for cause in Cause}
    services = {s.value: service_name(s) for s in (*IntegrationService, *GuestOnlyService)}
    change = record["change"].replace("_", " ")
    if record["worse"]:
        change += " (worse)"
    return {
        **record,
        "change": change,
        "service": services.get(record["service"], record["service"]),
        "before": labels.get(record["before"], record["before"].replace("_", " ")),
        "after": labels.get(record["after"], record["after"].replace("_", " ")),
    }


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


# --- the options `vmic audit` gets from here ------------------------------------------------


def finish_audit(
    args: argparse.Namespace,
    report: AuditReport,
    text: str,
    *,
    compliance: PolicyReport | None = None,
) -> None:
    """Write the rendered report to stdout or ``--output``, then save the run when asked.

    *compliance*: the audit's hosts judged against ``--policy``, saved with the run.
    """
    if args.output:
        from vmic._files import write_atomically  # noqa: PLC0415 - on use

        write_atomically(args.output, text)
    else:
        emit(text, rendered=True)  # the renderers escaped every value (JSON stays JSON)
    if args.save:
        inventory = args.inventory or f"lab:{args.lab}"
        if args.limit:
            inventory += f" --limit {args.limit}"
        with _open(args, create=True) as history:
            run = history.save(
                report,
                inventory=inventory,
                started=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=report.duration),
                compliance=compliance,
            )
        if not args.quiet:
            # On stderr: stdout holds the report, which may be JSON or metrics.
            print(
                visible(f"vmic: saved run {run.id} to {history.path} (vmic history, vmic diff)"),
                file=sys.stderr,
            )
