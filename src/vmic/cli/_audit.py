"""``vmic audit``: many hosts at once from a TOML inventory, one report, a monitoring status.

Exit status: 0 when every VM of every host functions, 1 when there are findings, 2 on a
usage error or a bad inventory, 3 when some host could not be audited. A progress bar is
drawn on stderr when it is a terminal; the table fits the terminal (``COLUMNS``) and
colours verdicts there (``NO_COLOR``/``FORCE_COLOR``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from vmic.cli._commands import AUDIT_TIMEOUT as DEFAULT_TIMEOUT, DEFAULT_CONCURRENCY
from vmic.cli._connection import (
    features_of,
    inventory_words,
    lab_targets,
    read_inventory_and_groups,
    resolver_for,
)
from vmic.cli._history import finish_audit
from vmic.cli._observations import ObservationRecorder
from vmic.cli._policy import Compliance, with_compliance
from vmic.cli._progress import host_progress
from vmic.cli._render import colour, width
from vmic.connect._ansible import limit_targets
from vmic.fleet._runner import audit

if TYPE_CHECKING:
    import argparse

    from vmic.render._diagnosis import Reach

__all__: list[str] = []


def _audit(args: argparse.Namespace) -> int:
    groups: dict[str, tuple[str, ...]] = {}
    # How the vmic commands of fixes reach each host: as this audit did.
    reach: Reach
    if args.inventory:
        inventory, groups = read_inventory_and_groups(args.inventory, limit=args.limit)
        inventory.check_files()
        concurrency = args.concurrency or inventory.concurrency or DEFAULT_CONCURRENCY
        timeout = args.timeout or inventory.timeout or DEFAULT_TIMEOUT
        targets = inventory.targets(resolver_for(args), timeout=timeout)
        reach = inventory_words(inventory)
    else:
        concurrency = args.concurrency or DEFAULT_CONCURRENCY
        timeout = args.timeout or DEFAULT_TIMEOUT
        targets = lab_targets(args.lab, timeout=timeout)
        targets = limit_targets(targets, args.limit, source=f"lab {args.lab}")
        groups = {target.name: ("all", "ungrouped") for target in targets}
        reach = ["--lab", args.lab]
    recorder = None
    if args.save_observations or args.policy:
        recorder = ObservationRecorder()
        targets = [recorder.wrap(target) for target in targets]
    # The policy is read before any host is asked: a bad one costs no audit.
    judge = (
        None if args.policy is None else Compliance(args.policy, groups=groups, recorder=recorder)
    )
    progress = host_progress(args, len(targets))
    try:
        report = audit(
            targets,
            concurrency=concurrency,
            timeout=timeout,
            features=features_of(args),
            progress=progress,
        )
    finally:
        progress.close()
    compliance = None if judge is None else judge.judge(report)
    if args.output_format == "openmetrics":
        from vmic.fleet._monitoring import openmetrics  # noqa: PLC0415 - on use

        text = openmetrics(report, compliance=compliance)
    else:
        # A terminal table fits its width and may be coloured; a file never is.
        table = args.output_format == "table" and not args.output
        fit = width() if table else None
        if compliance is not None and args.output_format == "html":
            text = report.to_html(connection=reach, compliance=compliance.compliance_view())
        else:
            text = report.render(
                args.output_format, width=fit, colour=table and colour(), connection=reach
            )
        if compliance is not None:
            text = with_compliance(text, report, compliance, args.output_format, width=fit)
            if args.output_format == "csv" and not args.quiet:
                # One table per CSV file: the findings' here, the compliance's elsewhere.
                print(
                    "vmic: note: the CSV holds the audit's findings only; the policy's "
                    "compliance is in the other formats and in "
                    "'vmic apply --policy FILE --check --format csv'",
                    file=sys.stderr,
                )
    finish_audit(args, report, text, compliance=compliance)
    if recorder is not None and args.save_observations:
        recorder.save(args.save_observations, report)
    if compliance is not None and report.exit_status == 0:
        return compliance.exit_status
    return report.exit_status
