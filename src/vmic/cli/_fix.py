"""``vmic fix``: diagnose, plan the fixes, apply the allowed ones, and diagnose again.

``vmic fix --lab demo --check`` shows what would run and changes nothing;
``vmic fix --host H … --yes`` applies host-setting changes and guest service starts;
``--allow-install`` adds package installs, ``--allow-restart`` steps that restart a guest.
Without ``--yes`` it asks once on a terminal, and refuses without one. Exit status: 0
every finding resolved, 1 findings remain, 2 usage error (or no ``--yes`` and no
terminal), 3 a host unreachable.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from vmic.cli import _confirm
from vmic.cli._connection import change_targets, features_of
from vmic.cli._render import emit, render_records, visible
from vmic.connect import EXIT_FINDINGS
from vmic.diagnosis._remedy import FixPlan, FixPolicy, plan_fixes
from vmic.errors import VMNotFoundError
from vmic.fleet._fix import FixReport, FixTarget, apply_fixes
from vmic.fleet._runner import audit
from vmic.render import json_text

if TYPE_CHECKING:
    import argparse

__all__ = ["run"]

_STEP_COLUMNS = ("host", "vm", "side", "step", "outcome", "detail")
_FINDING_COLUMNS = ("host", "vm", "service", "cause", "before", "after")


def run(args: argparse.Namespace) -> int:
    """``vmic fix``: plan, confirm, apply, re-diagnose."""
    interactive = _confirm.interactive()
    if not args.check and not args.yes and not interactive:
        # Refuse before reaching anything: no terminal to ask on, and no --yes.
        return _confirm.refuse("vmic fix changes hosts and guests")
    targets = change_targets(args)
    try:
        return _run(args, targets, interactive=interactive)
    finally:
        for target in targets:
            target.executor.close()


def _run(args: argparse.Namespace, targets: list[FixTarget], *, interactive: bool) -> int:
    before = audit(
        [target.audit_target() for target in targets],
        timeout=args.timeout,
        features=features_of(args),
        vm=args.vm,
    )
    for failure in before.failures:
        print(
            visible(f"vmic: error: {failure.host}: {failure.status.value}: {failure.error}"),
            file=sys.stderr,
        )
    diagnoses = [r.diagnosis for r in before.results if r.diagnosis is not None]
    if args.vm is not None and not before.failures and not any(d.vm(args.vm) for d in diagnoses):
        raise VMNotFoundError(", ".join(t.name for t in targets), args.vm)
    policy = FixPolicy(install=args.allow_install, restart=args.allow_restart)
    plan = plan_fixes(diagnoses, allow=policy)
    reachable = {d.host for d in diagnoses}
    live = [target for target in targets if target.name in reachable]
    if not args.check and not args.yes and plan.allowed:
        emit(_render_plan(plan, args.output_format), rendered=True)
        if not _confirm.confirm(len(plan.allowed), "step"):
            print("vmic: nothing changed", file=sys.stderr)
            return EXIT_FINDINGS if plan.findings else before.exit_status
    report = apply_fixes(plan, live, check=args.check)
    emit(_render(report, args.output_format), rendered=True)
    if before.failures:
        return before.exit_status
    return report.exit_status


# --- output ---------------------------------------------------------------------------------


def _plan_rows(plan: FixPlan) -> list[dict[str, Any]]:
    return [
        {
            "host": step.host,
            "vm": step.vm,
            "side": step.side.value,
            "step": step.fix.title,
            "outcome": "will run" if step.allowed else step.permission.value,
            "detail": step.why,
        }
        for step in plan.steps
    ]


def _render_plan(plan: FixPlan, output_format: str) -> str:
    if output_format == "json":
        return json_text(plan.to_dict()) + "\n"
    return "Plan:\n" + render_records(_plan_rows(plan), _STEP_COLUMNS, output_format) + "\n"


def _render(report: FixReport, output_format: str) -> str:
    if output_format == "json":
        return json_text(report.to_dict()) + "\n"
    steps = [
        {
            "host": r.step.host,
            "vm": r.step.vm,
            "side": r.step.side.value,
            "step": r.step.fix.title,
            "outcome": r.outcome.value.replace("_", " "),
            "detail": r.detail,
        }
        for r in report.steps
    ]
    findings = [
        {
            "host": r.finding.host,
            "vm": r.finding.vm,
            "service": "" if r.finding.service is None else r.finding.service.value,
            "cause": r.finding.cause.value,
            "before": r.finding.verdict.value,
            "after": r.after if not report.check else "(check: unchanged)",
        }
        for r in report.findings
    ]
    heading = "Steps (check: nothing changed)" if report.check else "Steps"
    parts = []
    if steps:
        parts.append(f"{heading}:\n" + render_records(steps, _STEP_COLUMNS, output_format))
    if findings:
        parts.append(
            "Findings (before -> after):\n"
            + render_records(findings, _FINDING_COLUMNS, output_format)
        )
    if not parts:
        return "Nothing to fix: no findings.\n"
    left = len(report.remaining)
    summary = (
        f"{left} finding{'s' if left != 1 else ''} remain{'s' if left == 1 else ''}."
        if left
        else "Every finding is resolved."
    )
    return "\n\n".join(parts) + "\n\n" + summary + "\n"
