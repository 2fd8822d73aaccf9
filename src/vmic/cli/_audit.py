"""``vmic audit``: many hosts at once from a TOML inventory, one report, a monitoring status.

Exit status: 0 when every VM of every host functions, 1 when there are findings, 2 on a
usage error or a bad inventory, 3 when some host could not be audited. A progress bar is
drawn on stderr when it is a terminal; the table fits the terminal (``COLUMNS``) and
colours verdicts there (``NO_COLOR``/``FORCE_COLOR``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._connection import (
    LABS,
    add_feature_option,
    features_of,
    lab_targets,
    resolver_for,
    seconds,
)
from vmic.cli._history import add_audit_options, finish_audit
from vmic.cli._observations import ObservationRecorder, add_save_option
from vmic.cli._render import FORMATS, colour, width
from vmic.connect._ansible import limit_targets, load_inventory_limited
from vmic.errors import ConfigurationError
from vmic.fleet._runner import audit
from vmic.render import TerminalProgress

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

DEFAULT_CONCURRENCY: Final = 8
DEFAULT_TIMEOUT: Final = 120.0


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``vmic audit`` to the ``vmic`` parser."""
    command = commands.add_parser(
        "audit",
        help="audit many hosts from an inventory",
        description="Diagnose every host of a TOML inventory concurrently (see docs/audit.md). "
        "Exit status: 0 all functioning, 1 findings, 2 usage error, 3 some hosts unreachable.",
    )
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--inventory", help="the inventory of hosts: TOML, or Ansible YAML (.yml) or INI (.ini)"
    )
    source.add_argument("--lab", choices=LABS, help="audit the embedded simulated lab")
    command.add_argument(
        "--concurrency",
        type=int,
        help=f"hosts asked at once (default: the inventory's, else {DEFAULT_CONCURRENCY})",
    )
    command.add_argument(
        "--timeout",
        type=seconds,
        help=f"seconds per host, guests included (default: the inventory's, else "
        f"{DEFAULT_TIMEOUT:g})",
    )
    add_feature_option(command)
    command.add_argument(
        "--format", choices=(*FORMATS, "html", "openmetrics"), default="table", dest="output_format"
    )
    add_audit_options(command)
    add_save_option(command)
    command.add_argument("--no-progress", action="store_true", help="no progress bar")
    command.add_argument(
        "--no-keyring", action="store_true", help="do not look for passwords in the keyring"
    )
    command.add_argument("--no-prompt", action="store_true", help="never ask for a password")
    command.set_defaults(handler=_audit)


def _audit(args: argparse.Namespace) -> int:
    if args.concurrency is not None and args.concurrency < 1:
        raise ConfigurationError(f"--concurrency must be at least 1, not {args.concurrency}")
    if args.inventory:
        inventory = load_inventory_limited(args.inventory, limit=args.limit)
        inventory.check_files()
        concurrency = args.concurrency or inventory.concurrency or DEFAULT_CONCURRENCY
        timeout = args.timeout or inventory.timeout or DEFAULT_TIMEOUT
        targets = inventory.targets(resolver_for(args), timeout=timeout)
    else:
        concurrency = args.concurrency or DEFAULT_CONCURRENCY
        timeout = args.timeout or DEFAULT_TIMEOUT
        targets = lab_targets(args.lab, timeout=timeout)
        targets = limit_targets(targets, args.limit, source=f"lab {args.lab}")
    recorder = None
    if args.save_observations:
        recorder = ObservationRecorder()
        targets = [recorder.wrap(target) for target in targets]
    progress = TerminalProgress(sys.stderr)
    progress.enabled = progress.enabled and not args.no_progress
    progress.start(len(targets))
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
    if args.output_format == "openmetrics":
        from vmic.fleet._monitoring import openmetrics  # noqa: PLC0415 - on use

        text = openmetrics(report)
    else:
        # A terminal table fits its width and may be coloured; a file never is.
        table = args.output_format == "table" and not args.output
        text = report.render(
            args.output_format, width=width() if table else None, colour=table and colour()
        )
    finish_audit(args, report, text)
    if recorder is not None:
        recorder.save(args.save_observations, report)
    return report.exit_status
