"""``vmic fix``: diagnose, plan the fixes, apply the allowed ones, and diagnose again.

``vmic fix --lab demo --check`` shows what would run and changes nothing;
``vmic fix --host H … --yes`` applies host-setting changes and guest service starts;
``--allow-install`` adds package installs, ``--allow-restart`` steps that restart a guest.
Without ``--yes`` it asks once on a terminal, and refuses without one. Exit status: 0
every finding resolved, 1 findings remain, 2 usage error (or no ``--yes`` and no
terminal), 3 a host unreachable.
"""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING, Any

from vmic.cli import _confirm
from vmic.cli._connection import change_targets, features_of
from vmic.cli._progress import elapsed, host_progress
from vmic.cli._render import emit, failure_line, visible, width
from vmic.connect import EXIT_FINDINGS
from vmic.diagnosis._remedy import FixPlan, FixPolicy, FixStep, plan_fixes
from vmic.diagnosis._results import service_name, vmic_command
from vmic.errors import VMNotFoundError
from vmic.fleet._fix import FixReport, FixTarget, apply_fixes
from vmic.fleet._runner import audit
from vmic.render import csv_text, json_text

if TYPE_CHECKING:
    import argparse

    from vmic.render._diagnosis import Reach

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """``vmic fix``: plan, confirm, apply, re-diagnose."""
    interactive = _confirm.interactive()
    if not args.check and not args.yes and not interactive:
        # Refuse before reaching anything: no terminal to ask on, and no --yes.
        return _confirm.refuse("vmic fix changes hosts and guests")
    targets, reach = change_targets(args)
    try:
        return _run(args, targets, reach, interactive=interactive)
    finally:
        for target in targets:
            target.executor.close()


def _run(
    args: argparse.Namespace, targets: list[FixTarget], reach: Reach, *, interactive: bool
) -> int:
    progress = host_progress(args, len(targets))
    try:
        before = audit(
            [target.audit_target() for target in targets],
            timeout=args.timeout,
            features=features_of(args),
            vm=args.vm,
            progress=progress,
        )
    finally:
        progress.close()
    for failure in before.failures:
        print(failure_line(failure), file=sys.stderr)
    diagnoses = [r.diagnosis for r in before.results if r.diagnosis is not None]
    if args.vm is not None and not before.failures and not any(d.vm(args.vm) for d in diagnoses):
        raise VMNotFoundError(", ".join(t.name for t in targets), args.vm)
    policy = FixPolicy(install=args.allow_install, restart=args.allow_restart)
    plan = plan_fixes(diagnoses, allow=policy)
    reachable = {d.host for d in diagnoses}
    live = [target for target in targets if target.name in reachable]
    if not args.check and not args.yes and plan.allowed:
        emit(_render_plan(plan, args.output_format, reach), rendered=True)
        if not _confirm.confirm(len(plan.allowed), "step"):
            print("vmic: nothing changed", file=sys.stderr)
            return EXIT_FINDINGS if plan.findings else before.exit_status
    doing = "checking" if args.check else "applying"
    count = len(plan.allowed)
    with elapsed(args, f"{doing} {count} step{'s' if count != 1 else ''}, then diagnosing again"):
        report = apply_fixes(plan, live, check=args.check)
    emit(_render(report, args.output_format, reach), rendered=True)
    if before.failures:
        return before.exit_status
    return report.exit_status


# --- output ---------------------------------------------------------------------------------

_STEP_HEADERS = ("host", "VM", "side", "outcome", "step")
_FINDING_HEADERS = ("host", "VM", "service", "cause", "before", "after")
#: The CSV's columns: one row per step and per finding (``record`` says which), values only.
_CSV_COLUMNS = (
    "record",
    "host",
    "vm",
    "service",
    "cause",
    "side",
    "title",
    "outcome",
    "before",
    "after",
    "detail",
    "vmic",
    "commands",
)


def _commands(step: FixStep, connection: Reach) -> list[str]:
    """The lines under a step: its ``vmic`` command, then what it runs (to copy, whole)."""
    from vmic.render._diagnosis import vmic_line  # noqa: PLC0415 - on use

    lines = []
    argv = vmic_command(step.fix, step.vm)
    if argv is not None:
        lines.append("  " + vmic_line(argv, connection, step.host))
        if step.fix.commands:
            lines.append("or in PowerShell on the host:")
    lines.extend(f"  {command}" for command in step.fix.commands)
    return lines


def _step_table(rows: list[tuple[FixStep, str, str]], connection: Reach, output_format: str) -> str:
    """Steps as text or Markdown: who, what, and every command each runs."""
    cells = [(s.host, s.vm, s.side.value, outcome, s.fix.title) for s, outcome, _ in rows]
    if output_format == "markdown":
        from vmic.render import markdown_code, markdown_table  # noqa: PLC0415

        text = markdown_table(_STEP_HEADERS, cells)
        for step, _, detail in rows:
            commands = [line.strip() for line in _commands(step, connection)]
            head = f"{step.vm}: {step.fix.title}" + (f" ({detail})" if detail else "")
            text += f"\n- {visible(head)}\n"
            if commands:
                text += "\n" + "\n".join(markdown_code(commands, "sh")) + "\n"
        return text
    from vmic.render import text_table  # noqa: PLC0415

    return text_table(
        _STEP_HEADERS,
        cells,
        width=width(),
        below=[detail for _, _, detail in rows],
        verbatim=[_commands(step, connection) for step, _, _ in rows],
    )


def _render_plan(plan: FixPlan, output_format: str, connection: Reach) -> str:
    if output_format == "json":
        return _json(plan.to_dict())
    rows = [
        (step, "will run" if step.allowed else step.permission.value, step.why)
        for step in plan.steps
    ]
    if output_format == "csv":
        return csv_text(
            _CSV_COLUMNS, [_csv_step(step, outcome, why) for step, outcome, why in rows]
        )
    return "Plan:\n" + _step_table(rows, connection, output_format) + "\n"


def _json(data: dict[str, Any]) -> str:
    from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

    return json_text({"schema_version": SCHEMA_VERSION, **data}) + "\n"


def _csv_step(step: FixStep, outcome: str, detail: str) -> list[object]:
    argv = vmic_command(step.fix, step.vm)
    return [
        "step",
        step.host,
        step.vm,
        None if step.fix.service is None else step.fix.service.value,
        None,
        step.side.value,
        step.fix.title,
        outcome,
        None,
        None,
        detail,
        None if argv is None else shlex.join(argv),
        "; ".join(step.fix.commands),
    ]


def _render(report: FixReport, output_format: str, connection: Reach) -> str:
    if output_format == "json":
        return _json(report.to_dict())
    if output_format == "csv":
        rows = [_csv_step(r.step, r.outcome.value, r.detail) for r in report.steps]
        rows.extend(
            [
                "finding",
                r.finding.host,
                r.finding.vm,
                None if r.finding.service is None else r.finding.service.value,
                r.finding.cause.value,
                None,
                None,
                r.outcome.value,
                r.finding.verdict.value,
                r.after,
                None,
                None,
                None,
            ]
            for r in report.findings
        )
        return csv_text(_CSV_COLUMNS, rows)
    steps = [(r.step, r.outcome.value.replace("_", " "), r.detail) for r in report.steps]
    findings: list[tuple[str, ...]] = [
        (
            r.finding.host,
            r.finding.vm,
            "" if r.finding.service is None else service_name(r.finding.service),
            r.finding.cause.label,
            r.finding.verdict.label,
            r.after.replace("_", " "),
        )
        for r in report.findings
    ]
    headers: tuple[str, ...] = _FINDING_HEADERS
    found = "Findings (before -> after):\n"
    if report.check:
        # A check changes nothing: every finding stays as it is, said once.
        findings = [row[:-1] for row in findings]
        headers = _FINDING_HEADERS[:-1]
        found = "Findings (check: each stays as it is):\n"
    heading = "Steps (check: nothing changed)" if report.check else "Steps"
    parts = []
    if steps:
        parts.append(f"{heading}:\n" + _step_table(steps, connection, output_format))
    if findings:
        from vmic.render import markdown_table, text_table  # noqa: PLC0415

        table = (
            markdown_table(headers, findings)
            if output_format == "markdown"
            else text_table(headers, findings, width=width())
        )
        parts.append(found + table)
    if not parts:
        return "Nothing to fix: no findings.\n"
    left = len(report.remaining)
    summary = (
        f"{left} finding{'s' if left != 1 else ''} remain{'s' if left == 1 else ''}."
        if left
        else "Every finding is resolved."
    )
    return "\n".join(part.rstrip("\n") + "\n" for part in parts) + "\n" + summary + "\n"
