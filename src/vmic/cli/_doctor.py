"""``vmic doctor``: why a host's integration services (and the features they carry) fail.

``vmic doctor --lab demo`` diagnoses the embedded simulated lab;
``vmic doctor --host H --transport psrp|ssh|local [--vm NAME]`` a real host, its guests
too when ``--guest-user`` / ``--linux-user`` say how to log in. Exit status: 0 when every
VM functions, 1 when there are findings, 3 when a host could not be diagnosed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import attrs

from vmic.cli._connection import (
    connection_words,
    features_of,
    host_entry,
    lab_targets,
    resolver_for,
)
from vmic.cli._observations import report_from_file
from vmic.cli._progress import host_progress
from vmic.cli._render import colour, emit, failure_line, width
from vmic.errors import ConfigurationError, VMNotFoundError
from vmic.fleet._runner import audit

if TYPE_CHECKING:
    import argparse

    from vmic.connect import HostTarget
    from vmic.fleet._report import AuditReport
    from vmic.model._host import Host

__all__: list[str] = []


def _doctor(args: argparse.Namespace) -> int:
    if args.observations is not None:
        if args.lab or args.host:
            given = "--lab" if args.lab else "--host"
            raise ConfigurationError(f"--observations diagnoses a file: {given} is not used")
        report = report_from_file(args.observations, vm=args.vm, features=features_of(args))
        emit(_render(report, args, connection=None), rendered=True)
        return report.exit_status
    if args.lab:
        targets = lab_targets(args.lab, host=args.host, vm=args.vm, timeout=args.timeout)
    else:
        targets = [host_entry(args).target(resolver_for(args), timeout=args.timeout)]
    seen: list[str] = []
    if args.vm is not None:
        targets = [_recording_names(target, seen) for target in targets]
    progress = host_progress(args, len(targets))
    try:
        report = audit(
            targets, timeout=args.timeout, features=features_of(args), vm=args.vm, progress=progress
        )
    finally:
        progress.close()
    if args.vm is not None:
        _check_found(report, args.vm, seen)
    emit(_render(report, args, connection=connection_words(args)), rendered=True)
    for failure in report.failures:
        print(
            failure_line(failure),
            file=sys.stderr,
        )
    return report.exit_status


def _recording_names(target: HostTarget, seen: list[str]) -> HostTarget:
    """*target*, noting the names of the VMs its host reports (for a "no such VM" error)."""
    observe = target.observe

    def observe_and_note() -> Host:
        host = observe()
        seen.extend(vm.name for vm in host.vms)
        return host

    both = target.observe_with_guests
    if both is None:
        return attrs.evolve(target, observe=observe_and_note)

    def both_and_note() -> Host:
        host = both()
        seen.extend(vm.name for vm in host.vms)
        return host

    return attrs.evolve(target, observe=observe_and_note, observe_with_guests=both_and_note)


def _check_found(report: AuditReport, vm: str, known: list[str]) -> None:
    """Raise VMNotFoundError when every host answered and none has the VM *vm*."""
    found = any(
        result.diagnosis is not None and result.diagnosis.vm(vm) is not None
        for result in report.results
    )
    if not found and not report.failures:
        host = ", ".join(result.host for result in report.results)
        raise VMNotFoundError(host, vm, known)


def _render(report: AuditReport, args: argparse.Namespace, *, connection: list[str] | None) -> str:
    """The report in the format asked; text and Markdown number findings across hosts.

    *connection*: the options the ``vmic`` commands of fixes reach the host with, in every
    format that shows them (None: ``--host NAME``).
    """
    if args.output_format in {"json", "csv", "html"}:
        return report.render(args.output_format, connection=connection)
    from vmic import render  # noqa: PLC0415 - on use
    from vmic.diagnosis._results import diagnosis_view  # noqa: PLC0415

    # Hosts that could not be diagnosed are reported on stderr, one line each.
    views = [diagnosis_view(r.diagnosis) for r in report.results if r.diagnosis is not None]
    if not views:
        return ""
    if args.output_format == "markdown":
        return render.diagnoses_markdown(views, verbose=args.verbose, connection=connection)
    return render.diagnoses_text(
        views, verbose=args.verbose, width=width(), colour=colour(), connection=connection
    )
