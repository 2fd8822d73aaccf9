"""``vmic check``: an audit as a Nagios, Icinga or Checkmk plugin.

Prints one status line, ``VMIC OK|WARNING|CRITICAL|UNKNOWN - ... | perfdata``, then (with
``-v``) one line per finding, and exits 0, 1, 2 or 3 as the Monitoring Plugins
guidelines say. Any error (a bad option or threshold, an unreadable inventory, an
internal error) is UNKNOWN, exit status 3, on stdout where the monitoring system reads
it. No password is ever prompted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.cli._connection import features_of, lab_targets, read_inventory_and_groups
from vmic.cli._policy import Compliance
from vmic.cli._render import emit
from vmic.connect._ansible import limit_targets
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

__all__: list[str] = []
DEFAULT_TIMEOUT: Final = 60.0


def _check(args: argparse.Namespace) -> int:
    try:
        result = _run(args)
    except VmicError as error:
        result = CheckResult(state=CheckState.UNKNOWN, summary=str(error))
    except Exception as error:  # a plugin's every outcome is a status line
        if args.debug:
            raise  # the CLI prints the traceback
        result = CheckResult(
            state=CheckState.UNKNOWN, summary=f"internal error: {type(error).__name__}: {error}"
        )
    emit(result.render(long_output=args.verbose), rendered=True)
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
    if args.inventory:
        inventory, groups = read_inventory_and_groups(args.inventory, limit=args.limit)
        timeout = args.timeout or inventory.timeout or DEFAULT_TIMEOUT
        # A monitoring system has no terminal: never prompt.
        resolver = CredentialResolver(use_keyring=not args.no_keyring, prompt=None)
        targets = inventory.targets(resolver, timeout=timeout)
    else:
        timeout = args.timeout or DEFAULT_TIMEOUT
        targets = lab_targets(args.lab, timeout=timeout)
        targets = limit_targets(targets, args.limit, source=f"lab {args.lab}")
        groups = {target.name: ("all", "ungrouped") for target in targets}
    # The policy is read before any host is asked (a bad one is UNKNOWN, like any error).
    judge = None if args.policy is None else Compliance(args.policy, groups=groups)
    if judge is not None:
        targets = judge.wrap(targets)
    report = audit(
        targets, concurrency=args.concurrency, timeout=timeout, features=features_of(args)
    )
    return check_report(
        report,
        warning=warning,
        critical=critical,
        critical_causes=causes,
        compliance=None if judge is None else judge.judge(report),
    )
