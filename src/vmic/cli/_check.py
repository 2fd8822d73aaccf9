"""``vmic check``: an audit as a Nagios, Icinga or Checkmk plugin.

Prints one status line, ``VMIC OK|WARNING|CRITICAL|UNKNOWN - ... | perfdata``, then (with
``-v``) one line per finding, and exits 0, 1, 2 or 3 as the Monitoring Plugins
guidelines say. Any error (a bad threshold, an unreadable inventory) is UNKNOWN, on
stdout where the monitoring system reads it. No password is ever prompted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.cli._connection import LABS, add_feature_option, features_of, lab_targets, seconds
from vmic.cli._render import emit
from vmic.connect._ansible import limit_targets, load_inventory_limited
from vmic.connect._credentials import CredentialResolver
from vmic.errors import VmicError
from vmic.fleet._monitoring import (
    DEFAULT_CRITICAL_CAUSES,
    CheckResult,
    CheckState,
    check_report,
    parse_range,
)
from vmic.fleet._runner import audit
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

DEFAULT_CONCURRENCY: Final = 8
DEFAULT_TIMEOUT: Final = 60.0


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``vmic check`` to the ``vmic`` parser."""
    command = commands.add_parser(
        "check",
        help="audit as a Nagios/Icinga/Checkmk plugin",
        description="Audit the inventory and print one Monitoring Plugins status line with "
        "performance data. Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Thresholds "
        "are ranges ([@]start:end) on the number of findings.",
    )
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--inventory", help="the inventory: TOML, Ansible YAML or INI")
    source.add_argument("--lab", choices=LABS, help="check the embedded simulated lab")
    command.add_argument("--limit", metavar="PATTERN", help="only these groups or hosts")
    command.add_argument(
        "-w", "--warning", default="0", help="WARNING when findings are outside (default 0)"
    )
    command.add_argument(
        "-c", "--critical", help="CRITICAL when findings are outside this range (default: none)"
    )
    command.add_argument(
        "--critical-cause",
        action="append",
        choices=[cause.value for cause in Cause],
        metavar="CAUSE",
        dest="critical_causes",
        help="a cause that is CRITICAL on its own (repeatable; default: "
        + ", ".join(cause.value for cause in DEFAULT_CRITICAL_CAUSES)
        + ")",
    )
    command.add_argument(
        "--no-critical-causes",
        action="store_true",
        help="no cause is CRITICAL on its own; only the thresholds count",
    )
    command.add_argument("-v", "--verbose", action="store_true", help="one line per finding")
    command.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    command.add_argument("-t", "--timeout", type=seconds, help="seconds per host")
    add_feature_option(command)
    command.add_argument(
        "--no-keyring", action="store_true", help="do not look for passwords in the keyring"
    )
    command.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    try:
        result = _run(args)
    except VmicError as error:
        result = CheckResult(state=CheckState.UNKNOWN, summary=str(error))
    emit(result.render(long_output=args.verbose))
    return result.exit_status


def _run(args: argparse.Namespace) -> CheckResult:
    warning = parse_range(args.warning) if args.warning else None
    critical = parse_range(args.critical) if args.critical else None
    if args.no_critical_causes:
        causes: tuple[Cause, ...] = ()
    elif args.critical_causes:
        causes = tuple(Cause(value) for value in args.critical_causes)
    else:
        causes = DEFAULT_CRITICAL_CAUSES
    if args.concurrency < 1:
        from vmic.errors import ConfigurationError  # noqa: PLC0415 - error path only

        raise ConfigurationError(f"--concurrency must be at least 1, not {args.concurrency}")
    if args.inventory:
        inventory = load_inventory_limited(args.inventory, limit=args.limit)
        timeout = args.timeout or inventory.timeout or DEFAULT_TIMEOUT
        # A monitoring system has no terminal: never prompt.
        resolver = CredentialResolver(use_keyring=not args.no_keyring, prompt=None)
        targets = inventory.targets(resolver, timeout=timeout)
    else:
        timeout = args.timeout or DEFAULT_TIMEOUT
        targets = lab_targets(args.lab, timeout=timeout)
        targets = limit_targets(targets, args.limit, source=f"lab {args.lab}")
    report = audit(
        targets, concurrency=args.concurrency, timeout=timeout, features=features_of(args)
    )
    return check_report(report, warning=warning, critical=critical, critical_causes=causes)
