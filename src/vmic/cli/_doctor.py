"""``vmic doctor``: why a host's integration services (and the features they carry) fail.

``vmic doctor --lab demo`` diagnoses the embedded simulated lab;
``vmic doctor --host H --transport psrp|ssh|local [--vm NAME]`` a real host, its guests
too when ``--guest-user`` / ``--linux-user`` say how to log in. Exit status: 0 when every
VM functions, 1 when there are findings, 3 when a host could not be diagnosed.
"""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING, Any

import attrs

from vmic.cli._connection import (
    add_connection_options,
    add_feature_option,
    features_of,
    host_entry,
    lab_targets,
    resolver_for,
)
from vmic.cli._render import FORMATS, emit, render_records, text_table, visible
from vmic.cli._values import ExactValue
from vmic.diagnosis._results import service_name
from vmic.errors import VMNotFoundError
from vmic.fleet._runner import audit

if TYPE_CHECKING:
    import argparse

    from vmic.connect import HostTarget
    from vmic.diagnosis._results import Diagnosis, Finding, VMDiagnosis
    from vmic.fleet._report import AuditReport
    from vmic.model._observations import HostObservation

__all__ = ["register", "render_diagnosis"]

_WIDTH = 100


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``vmic doctor`` to the ``vmic`` parser."""
    doctor = commands.add_parser(
        "doctor",
        help="diagnose a host's integration services",
        description="Diagnose every VM of a Hyper-V host (or one VM): a verdict per service "
        "and feature, the cause of each problem in plain words, and the commands that fix "
        "it. Exit status: 0 all functioning, 1 findings, 2 usage error, 3 host unreachable.",
    )
    add_connection_options(doctor, guests=True)
    doctor.add_argument(
        "--vm",
        action=ExactValue,
        help="only the VM with exactly this name (--vm=NAME for any name)",
    )
    add_feature_option(doctor)
    doctor.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    doctor.add_argument(
        "--verbose", action="store_true", help="show the service table of healthy VMs too"
    )
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    if args.lab:
        targets = lab_targets(args.lab, host=args.host, vm=args.vm, timeout=args.timeout)
    else:
        targets = [host_entry(args).target(resolver_for(args), timeout=args.timeout)]
    seen: list[str] = []
    if args.vm is not None:
        targets = [_recording_names(target, seen) for target in targets]
    report = audit(targets, timeout=args.timeout, features=features_of(args), vm=args.vm)
    if args.vm is not None:
        _check_found(report, args.vm, seen)
    emit(_render(report, args.output_format, verbose=args.verbose))
    for failure in report.failures:
        print(
            visible(f"vmic: error: {failure.host}: {failure.status.value}: {failure.error}"),
            file=sys.stderr,
        )
    return report.exit_status


def _recording_names(target: HostTarget, seen: list[str]) -> HostTarget:
    """*target*, noting the names of the VMs its host reports (for a "no such VM" error)."""
    observe = target.observe

    def observe_and_note() -> HostObservation:
        host = observe()
        seen.extend(vm.name for vm in host.vms)
        return host

    return attrs.evolve(target, observe=observe_and_note)


def _check_found(report: AuditReport, vm: str, known: list[str]) -> None:
    """Raise VMNotFoundError when every host answered and none has the VM *vm*."""
    found = any(
        result.diagnosis is not None and result.diagnosis.vm(vm) is not None
        for result in report.results
    )
    if not found and not report.failures:
        host = ", ".join(result.host for result in report.results)
        raise VMNotFoundError(host, vm, known)


def _render(report: AuditReport, output_format: str, *, verbose: bool) -> str:
    if output_format == "json":
        return report.to_json()
    if output_format == "csv":
        return report.to_csv()
    # Hosts that could not be diagnosed are reported on stderr, one line each.
    markdown = output_format == "markdown"
    parts = [
        render_diagnosis(result.diagnosis, markdown=markdown, verbose=verbose)
        for result in report.results
        if result.diagnosis is not None
    ]
    return "\n".join(parts)


def render_diagnosis(diagnosis: Diagnosis, *, markdown: bool = False, verbose: bool = False) -> str:
    """A host's diagnosis as text (or Markdown): a VM overview, then each VM's findings."""
    count = len(diagnosis.findings)
    vms = len(diagnosis.vms)
    heading = (
        f"{diagnosis.host} ({diagnosis.host_os or 'host OS unknown'}): {vms} "
        f"VM{'' if vms == 1 else 's'}, {count} finding{'' if count == 1 else 's'}"
    )
    lines = [f"## {heading}" if markdown else heading, ""]
    overview = [
        {
            "vm": vm.vm,
            "state": vm.state.value,
            "guest": vm.guest_view.value,
            "guest_os": str(vm.guest_os) if vm.guest_os else "unknown",
            "verdict": _vm_verdict(vm),
        }
        for vm in diagnosis.vms
    ]
    if overview:
        lines.append(
            _table(overview, ("vm", "state", "guest", "guest_os", "verdict"), markdown=markdown)
        )
    number = 0
    for vm in diagnosis.vms:
        if vm.healthy and not verbose:
            continue
        lines.extend(_vm_section(vm, markdown=markdown))
        for finding in vm.findings:
            number += 1
            lines.extend(_finding(number, finding, markdown=markdown))
    return "\n".join(lines).rstrip("\n") + "\n"


def _vm_verdict(vm: VMDiagnosis) -> str:
    if vm.healthy:
        return "healthy"
    count = len(vm.findings)
    return f"{count} finding{'' if count == 1 else 's'}"


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...], *, markdown: bool) -> str:
    if markdown:
        return render_records(rows, columns, "markdown")
    return textwrap.indent(text_table(rows, columns), "  ")


def _vm_section(vm: VMDiagnosis, *, markdown: bool) -> list[str]:
    title = f"{vm.vm}: {_vm_verdict(vm)}"
    lines = ["", f"### {title}" if markdown else title]
    if vm.guest_detail:
        lines.append(f"  guest {vm.guest_view.value.replace('_', ' ')}: {vm.guest_detail}")
    rows = [
        {
            "service": entry.name,
            "host": _host_cell(entry.host_status, enabled=entry.host_enabled),
            "guest": entry.guest_state,
            "verdict": entry.verdict.label,
        }
        for entry in vm.services
    ]
    lines.append(_table(rows, ("service", "host", "guest", "verdict"), markdown=markdown))
    broken = [entry.feature.info.title for entry in vm.broken_features]
    if broken:
        lines.append("  features not working: " + "; ".join(broken))
    lines.extend(f"  note: {note}" for note in vm.notes)
    return lines


def _host_cell(status: str, *, enabled: bool | None) -> str:
    if enabled is None:
        return status
    words = "enabled" if enabled else "disabled"
    return f"{words}, {status}" if status else words


def _finding(number: int, finding: Finding, *, markdown: bool) -> list[str]:
    subject = finding.vm if finding.service is None else service_name(finding.service)
    head = f"[{number}] {subject}: {finding.cause.value} ({finding.verdict.label})"
    lines = ["", f"**{head}**" if markdown else f"  {head}"]
    lines.extend(
        textwrap.wrap(
            finding.explanation, width=_WIDTH, initial_indent="      ", subsequent_indent="      "
        )
    )
    if finding.features:
        lines.append("      breaks: " + ", ".join(f.value for f in finding.features))
    for fix in finding.fixes:
        role = "" if fix.role.value == "required" else f", {fix.role.value}"
        shell = f", {fix.shell.value}" if fix.shell is not None else ""
        lines.append(f"      fix ({fix.side.value}{shell}{role}): {fix.title}")
        if fix.commands:
            if markdown:
                language = "powershell" if shell == ", powershell" else "sh"
                lines.extend(["", f"```{language}", *fix.commands, "```", ""])
            else:
                lines.extend(f"        {command}" for command in fix.commands)
        if fix.detail and not fix.commands:
            lines.extend(
                textwrap.wrap(
                    fix.detail,
                    width=_WIDTH,
                    initial_indent="        ",
                    subsequent_indent="        ",
                )
            )
    return lines
