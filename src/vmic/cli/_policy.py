"""``vmic policy show FILE`` and ``vmic apply --policy FILE``: a fleet's desired state.

``policy show`` prints a policy's rules and digest, or with hosts (``--lab``,
``--inventory``, ``--host``) the desired state it resolves to for each of their VMs; it
reads each host once and changes nothing. ``apply --policy`` reads each host once, sends
one change command per host for all of its VMs, verifies the read-back and reports each VM
and service (:func:`vmic.fleet.apply_policy`). Without ``--yes`` it asks on a terminal
(after a check run that shows what would change) and refuses without one. Exit status: 0
compliant after the run, 1 something would change (``--check``) or failed, 2 usage error
or bad policy, 3 a host unreachable.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic import render
from vmic.cli import _confirm
from vmic.cli._connection import change_targets_and_groups
from vmic.cli._observations import ObservationRecorder
from vmic.cli._render import emit, failure_line, render_records, visible, width
from vmic.connect import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE
from vmic.diagnosis._results import WORDS
from vmic.errors import ConfigurationError
from vmic.fleet._policy import (
    COLUMNS as POLICY_COLUMNS,
    apply_policy,
    failed_host,
    plan_policy,
    read_host,
)
from vmic.policy._policy import Policy
from vmic.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from vmic.connect import HostTarget
    from vmic.fleet._fix import FixTarget
    from vmic.fleet._policy import PolicyReport
    from vmic.fleet._report import AuditReport, HostResult
    from vmic.policy._policy import DesiredVM

__all__ = ["Compliance", "apply_policy_command"]

_DESIRED_COLUMNS: Final = ("host", "vm", "guest_os", "service", "desired", "rule", "note")
_RULE_COLUMNS: Final = ("rule", "name", "selects", "services")


def _has_hosts(args: argparse.Namespace) -> bool:
    return bool(args.lab or args.inventory or args.host)


@contextlib.contextmanager
def _targets(
    args: argparse.Namespace,
) -> Iterator[tuple[list[FixTarget], dict[str, tuple[str, ...]]]]:
    """The hosts named by the options and their groups; their connections closed after."""
    targets, groups = change_targets_and_groups(args)
    try:
        yield targets, groups
    finally:
        for target in targets:
            with contextlib.suppress(Exception):  # closing must not change the result
                target.executor.close()


def _show(args: argparse.Namespace) -> int:
    """``vmic policy show FILE``: the rules, or the desired state of each VM of the hosts."""
    policy = Policy.load(args.file)
    if not _has_hosts(args):
        emit(_render_rules(policy, args.output_format), rendered=True)
        return EXIT_OK
    desired: list[DesiredVM] = []
    failures: list[HostResult] = []
    with _targets(args) as (targets, groups):
        for target in targets:
            try:
                host = read_host(target)
            except Exception as error:  # noqa: BLE001 - any failure is this host's result
                failures.append(failed_host(target, error))
                continue
            desired.extend(policy.resolve(host, groups=groups.get(target.name, ())))
    for failure in failures:
        print(failure_line(failure), file=sys.stderr)
    emit(_render_desired(policy, desired, args.output_format), rendered=True)
    return EXIT_UNREACHABLE if failures else EXIT_OK


def _render_rules(policy: Policy, output_format: str) -> str:
    if output_format == "json":
        return render.json_text(_policy_dict(policy)) + "\n"
    rows = []
    for number, rule in enumerate(policy.rules, start=1):
        selects = rule.selector.to_dict()
        rows.append(
            {
                "rule": number,
                "name": rule.name or "",
                "selects": "; ".join(f"{k} {_listed(v)}" for k, v in selects.items()) or "every VM",
                "services": ", ".join(
                    f"{s.value} {'on' if on else 'off'}" for s, on in rule.services.items()
                ),
            }
        )
    table = render_records(rows, _RULE_COLUMNS, output_format)
    if output_format == "csv":
        return table
    line = render.markdown_escape if output_format == "markdown" else render.visible
    return f"{table}\n{line(f'{policy.source}: sha256 {policy.digest}')}\n"


def _listed(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _policy_dict(policy: Policy) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "policy": {"source": policy.source, "digest": policy.digest, **policy.to_dict()},
    }


def _render_desired(policy: Policy, desired: list[DesiredVM], output_format: str) -> str:
    if output_format == "json":
        document = _policy_dict(policy) | {"vms": [entry.to_dict() for entry in desired]}
        return render.json_text(document) + "\n"
    rows = [
        {
            "host": entry.host,
            "vm": entry.vm,
            "guest_os": entry.guest_os or "unknown",
            "service": wanted.service.value,
            "desired": "on" if wanted.on else "off",
            "rule": wanted.rule_label.removeprefix("rule "),
            "note": "" if wanted.applicable else f"not applicable: {wanted.not_applicable}",
        }
        for entry in desired
        for wanted in entry.services
    ]
    fit = width() if output_format == "table" else None
    return render.render_records(rows, _DESIRED_COLUMNS, output_format, width=fit, words=WORDS)


def apply_policy_command(args: argparse.Namespace) -> int:
    """``vmic apply --policy FILE``: check, ask or refuse, apply, report."""
    policy = Policy.load(args.policy)
    interactive = _confirm.interactive()
    if not args.check and not args.yes and not interactive:
        # Refuse before reaching anything: no terminal to ask on, and no --yes.
        return _confirm.refuse("vmic apply --policy changes hosts")
    if not _has_hosts(args):
        msg = "give the hosts: --lab demo, --inventory FILE or --host NAME"
        raise ConfigurationError(msg)
    with _targets(args) as (targets, groups):
        if not args.check and not args.yes:
            plan = apply_policy(policy, targets, check=True, groups=groups)
            _report_failures(plan)
            if not plan.pending or plan.failures:
                emit(_render(plan, args.output_format), rendered=True)
                return plan.exit_status
            emit(_render(plan, args.output_format), rendered=True)
            if not _confirm.confirm(len(plan.pending), "change"):
                print("vmic: nothing changed", file=sys.stderr)
                return EXIT_FINDINGS
        report = apply_policy(policy, targets, check=args.check, groups=groups)
    _report_failures(report)
    emit(_render(report, args.output_format), rendered=True)
    return report.exit_status


def _render(report: PolicyReport, output_format: str) -> str:
    return report.render(output_format, width=width() if output_format == "table" else None)


def _report_failures(report: PolicyReport) -> None:
    for failure in report.failures:
        print(
            visible(f"vmic: error: {failure.host}: {failure.status.value}: {failure.error}"),
            file=sys.stderr,
        )


# --- audit --policy, check --policy -------------------------------------------------------


class Compliance:
    """``--policy FILE`` of ``vmic audit`` and ``vmic check``: each VM judged against it.

    The policy is read before any host is asked (a bad one is exit status 2, or UNKNOWN
    for ``check``); the audit's own reading of each host (its guests included) is kept as
    it passes and planned against the policy afterwards, so no host is asked twice.

    Args:
        path: The policy file.
        groups: Each host's inventory groups, by host name.
        recorder: Keeps what the hosts report (shared with ``--save-observations``).
    """

    def __init__(
        self,
        path: str,
        *,
        groups: dict[str, tuple[str, ...]],
        recorder: ObservationRecorder | None = None,
    ) -> None:
        self.policy = Policy.load(path)
        self.groups = groups
        self.recorder = recorder or ObservationRecorder()

    def wrap(self, targets: list[HostTarget]) -> list[HostTarget]:
        """The audit's targets, keeping what each host reports."""
        return [self.recorder.wrap(target) for target in targets]

    def judge(self, report: AuditReport) -> PolicyReport:
        """Each VM of the audited hosts against the policy (hosts not audited are left out)."""
        hosts = []
        for result in report.results:
            host = self.recorder.host(result.host)
            if result.ok and host is not None:
                hosts.append(attrs.evolve(host, name=result.host))
        return plan_policy(self.policy, hosts, groups=self.groups)


def with_compliance(
    text: str,
    report: AuditReport,
    compliance: PolicyReport,
    output_format: str,
    *,
    width: int | None = None,
) -> str:
    """An audit's rendered *text* with its compliance added, in the same format.

    JSON gets a ``compliance`` member (the ``policy.json`` document, less its version);
    a table or Markdown gets the services that do not comply and the headline, in words;
    CSV stays the audit's findings alone (one table per file: the caller says so). HTML
    is made with its section by :meth:`~vmic.fleet.AuditReport.to_html`, not here.
    """
    if output_format == "json":
        document = report.to_dict()
        document["compliance"] = {
            key: value for key, value in compliance.to_dict().items() if key != "schema_version"
        }
        return render.json_text(document) + "\n"
    if output_format not in {"table", "markdown"}:
        return text
    rows = [
        row
        for row, result in zip(compliance.records(), compliance.results, strict=True)
        if not result.compliant
    ]
    table = (
        render.render_records(rows, POLICY_COLUMNS, output_format, width=width, words=WORDS)
        if rows
        else ""
    )
    line = render.markdown_escape if output_format == "markdown" else render.visible
    heading = line(f"Policy {compliance.source} (sha256 {compliance.digest[:12]}):")
    body = f"{table}\n" if table else ""
    return f"{text.rstrip()}\n\n{heading}\n{body}{line(compliance.headline())}\n"
