"""``vmic guest``: diagnose the machine vmic runs on as a Hyper-V guest (Linux)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.cli._render import emit, emit_json, render_records

if TYPE_CHECKING:
    import argparse
    import enum

    from vmic.diagnosis._guest import GuestReport

__all__ = ["render"]

_DAEMON_COLUMNS: Final = ("service", "daemon", "installed", "running", "unit", "evidence")
_FINDING_COLUMNS: Final = ("cause", "subject", "explanation", "fix")


def _words(state: enum.Enum | None) -> str:
    return "unknown" if state is None else str(state.value).replace("_", " ")


def _service_words(value: str | None) -> str:
    """A service's English name (its value is what JSON and CSV hold)."""
    from vmic.model._services import IntegrationService  # noqa: PLC0415 - on use

    return "" if value is None else IntegrationService(value).english_name


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
    else:
        emit(render(report, args.output_format, verbose=args.verbose))
    return 0 if report.healthy else 1


def render(report: GuestReport, output_format: str, *, verbose: bool = False) -> str:
    """The guest's report as ``table``, ``markdown`` or ``csv`` (JSON: its ``to_dict()``).

    The human formats say the notes; where the facts come from, and what no source
    showed about the distribution, only with *verbose* (said once, at the end), else one
    line says that ``--verbose`` shows them.
    """
    human = output_format != "csv"
    findings: list[dict[str, Any]] = [
        {
            "cause": finding.cause.replace("_", " ") if human else finding.cause,
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
        f"{_words(seen.init_system)}; hv_vmbus {_words(seen.hv_vmbus)}; hv_utils "
        f"{_words(seen.hv_utils)}\n"
    )
    rows = report.daemon_rows()
    if human:
        rows = [{**row, "service": _service_words(row["service"])} for row in rows]
    daemons = render_records(rows, _DAEMON_COLUMNS, output_format)
    found = render_records(findings, _FINDING_COLUMNS, output_format)
    if output_format == "csv":
        return daemons + "\n" + found
    notes = "".join(f"Note: {note}\n" for note in report.notes)
    verdict = "healthy\n" if report.healthy else ""
    return (
        head
        + "\n"
        + daemons
        + "\n"
        + (found if findings else verdict)
        + notes
        + _sources(report.sources, markdown=output_format == "markdown", verbose=verbose)
    )


def _sources(sources: tuple[str, ...], *, markdown: bool, verbose: bool) -> str:
    """The sources once, with *verbose*; else the line that says --verbose shows them."""
    from vmic.render import markdown_escape  # noqa: PLC0415 - on use
    from vmic.render._rules import SOURCES_HINT  # noqa: PLC0415

    if not sources:
        return ""
    if not verbose:
        return f"\n{SOURCES_HINT}\n"
    if markdown:
        return "\n**Sources**\n\n" + "".join(f"- {markdown_escape(s)}\n" for s in sources)
    return "\nSources:\n" + "".join(f"  - {source}\n" for source in sources)
