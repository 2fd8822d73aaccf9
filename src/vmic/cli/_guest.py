"""``vmic guest``: diagnose the machine vmic runs on as a Hyper-V guest (Linux)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.cli._render import emit, emit_json, render_records

if TYPE_CHECKING:
    import argparse

__all__: list[str] = []

_FORMATS: Final = ("table", "markdown", "json", "csv")
_DAEMON_COLUMNS: Final = ("service", "daemon", "installed", "running", "unit", "evidence")
_FINDING_COLUMNS: Final = ("cause", "subject", "explanation", "fix")


def _run(args: argparse.Namespace) -> int:
    from vmic.clients._linux import LinuxGuest  # noqa: PLC0415 - keep `vmic --help` fast
    from vmic.diagnosis._guest import diagnose_linux_guest  # noqa: PLC0415
    from vmic.executors._local import LocalExecutor  # noqa: PLC0415

    observation = LinuxGuest(LocalExecutor(), timeout=args.timeout).observe()
    report = diagnose_linux_guest(observation)
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **report.to_dict()}
        emit_json(document)
        return 0 if report.healthy else 1
    findings: list[dict[str, Any]] = [
        {
            "cause": finding.cause,
            "subject": finding.subject,
            "explanation": finding.explanation,
            "fix": "; ".join(c for fix in finding.fixes for c in fix.commands),
        }
        for finding in report.findings
    ]
    seen = report.observation
    release = " ".join(p for p in (seen.distribution, seen.distribution_version) if p)
    head = (
        f"Guest: {release or 'unknown distribution'}; service manager "
        f"{seen.init_system.value if seen.init_system else 'unknown'}; hv_vmbus "
        f"{seen.hv_vmbus.value if seen.hv_vmbus else 'unknown'}; hv_utils "
        f"{seen.hv_utils.value if seen.hv_utils else 'unknown'}\n"
    )
    daemons = render_records(report.daemon_rows(), _DAEMON_COLUMNS, args.output_format)
    found = render_records(findings, _FINDING_COLUMNS, args.output_format)
    if args.output_format == "csv":
        emit(daemons + "\n" + found)
    else:
        notes = "".join(f"Note: {note}\n" for note in report.notes)
        verdict = "healthy\n" if report.healthy else ""
        emit(head + "\n" + daemons + "\n" + (found if findings else verdict) + notes)
    return 0 if report.healthy else 1
