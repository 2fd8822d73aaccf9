"""``vmic matrix``, ``vmic plan``, ``vmic support`` and ``vmic services``: the rules, offline."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from vmic.cli._render import FORMATS, emit, render_records, width
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.render import markdown_escape
from vmic.rules._export import (
    matrix_csv,
    matrix_markdown,
    matrix_records,
    plan_as_dict,
)
from vmic.rules._plans import plan_update
from vmic.rules._support_tables import supported_guest_records, supported_guest_sections

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["register"]

_MATRIX_COLUMNS = ("hosts", "guest_label", "mechanism", "prerequisites", "fallback", "support")
_SUPPORT_COLUMNS = ("feature", "status", "inferred", "notes", "provenance")
_GUEST_COLUMNS = ("page", "host", "guest_label", "integration_services", "min_host", "note")
_STEP_COLUMNS = ("step", "role", "side", "action", "automatable", "requires_restart", "title")
_SERVICE_COLUMNS = (
    "service",
    "guid",
    "host_name",
    "windows_service",
    "linux",
    "default_enabled",
    "impact",
    "added_in",
)


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add the commands of this module to the ``vmic`` parser."""
    matrix = commands.add_parser(
        "matrix", help="the host x guest update matrix", description="Print the update matrix."
    )
    _os_option(matrix, "host", help_text="only the table for this host (e.g. 'Server 2016')")
    matrix.add_argument(
        "--supported-guests",
        action="store_true",
        help="print only the supported-guests tables of the newer hosts' pages",
    )
    matrix.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    matrix.set_defaults(handler=_matrix)

    plan = commands.add_parser(
        "plan",
        help="how to update a guest's integration services",
        description="Plan the update of a guest's integration services on a host.",
    )
    _os_option(plan, "host", required=True, help_text="the Hyper-V host OS (e.g. 'ws2012r2')")
    _os_option(plan, "guest", required=True, help_text="the guest OS (e.g. 'Windows 7')")
    plan.add_argument("--vm-off", action="store_true", help="the VM is not running")
    plan.add_argument(
        "--data-exchange-disabled",
        action="store_true",
        help="Data Exchange is disabled on the host for this VM",
    )
    plan.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    plan.set_defaults(handler=_plan)

    support = commands.add_parser(
        "support",
        help="which integration features a guest can have on a host",
        description="Answer which integration features a guest (Linux/FreeBSD distribution "
        "and version, or Windows) can have on a host, from Microsoft's supported-guest pages.",
    )
    _os_option(support, "host", required=True, help_text="the Hyper-V host OS")
    _os_option(support, "guest", required=True, help_text="the guest (e.g. 'Ubuntu 22.04')")
    support.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    support.set_defaults(handler=_support)

    services = commands.add_parser(
        "services",
        help="the integration service catalog",
        description="List the integration services with their ids and names.",
    )
    services.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    services.set_defaults(handler=_services)


class _DeprecatedAlias(argparse.Action):
    """Stores like the new option and says once, on stderr, that the old spelling is deprecated.

    A plain line, not a ``DeprecationWarning``: the CLI must not turn it into an error
    under ``-W error`` and a library user never sees it.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        print(
            f"vmic: note: {option_string} is deprecated; use --{self.dest.replace('_', '-')}",
            file=sys.stderr,
        )


def _os_option(
    parser: argparse.ArgumentParser,
    which: str,
    *,
    help_text: str,
    required: bool = False,
) -> None:
    """``--host-os`` / ``--guest-os``, with the old ``--host`` / ``--guest`` kept as aliases."""
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(f"--{which}-os", dest=f"{which}_os", help=help_text)
    group.add_argument(
        f"--{which}", dest=f"{which}_os", action=_DeprecatedAlias, help=argparse.SUPPRESS
    )


def _matrix(args: argparse.Namespace) -> int:
    args.host = args.host_os
    if args.supported_guests:
        records = supported_guest_records(args.host)
        if args.output_format == "json":
            emit(_versioned_rows(records))
        else:
            emit(render_records(records, _GUEST_COLUMNS, args.output_format))
        return 0
    if args.output_format == "markdown":
        text = matrix_markdown(args.host)
    elif args.output_format == "json":
        emit(_versioned_rows(matrix_records(args.host)), rendered=True)
        return 0
    elif args.output_format == "csv":
        text = matrix_csv(args.host)
    else:
        records = matrix_records(args.host)
        text = render_records(records, _MATRIX_COLUMNS, "table") if records else ""
        if not records:
            text = matrix_markdown(args.host)
    if args.output_format in {"table", "markdown"}:
        # The newer hosts' supported-guests tables, each under its own heading, after the
        # 2020 tables (JSON/CSV keep the seed's rows only: use --supported-guests for them).
        for heading, rows in supported_guest_sections(args.host):
            title = (
                f"### {markdown_escape(heading)}"
                if args.output_format == "markdown"
                else textwrap.fill(heading, width() or len(heading))
            )
            text += f"\n{title}\n\n" + render_records(rows, _GUEST_COLUMNS, args.output_format)
    emit(text)
    return 0


def _support(args: argparse.Namespace) -> int:
    from vmic.rules._support import guest_support  # noqa: PLC0415 - only this command needs it

    answer = guest_support(args.host_os, args.guest_os)
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **answer.to_dict()}
        emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    records = [entry.to_dict() for entry in answer.features]
    if args.output_format != "csv":
        header = (
            f"host:     {answer.host.name}\nguest:    {answer.guest}\n"
            f"column:   {answer.column}\nsource:   {answer.provenance}\n\n"
        )
        emit(
            header
            if args.output_format == "table"
            else "\n".join(f"- {line}" for line in header.strip().splitlines()) + "\n\n"
        )
    emit(render_records(records, _SUPPORT_COLUMNS, args.output_format))
    return 0


def _plan(args: argparse.Namespace) -> int:
    plan = plan_update(
        args.host_os,
        args.guest_os,
        vm_running=not args.vm_off,
        data_exchange_enabled=not args.data_exchange_disabled,
    )
    data = plan_as_dict(plan)
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **data}
        emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n", rendered=True)
        return 0
    steps = data["steps"]
    if args.output_format == "csv":
        emit(render_records(steps, _STEP_COLUMNS, "csv"))
        return 0
    rule = plan.rule
    header = [
        f"host:          {rule.host}",
        f"guest:         {rule.guest}",
        f"mechanism:     {rule.mechanism.label}",
        f"prerequisites: {', '.join(s.english_name for s in sorted(rule.prerequisites, key=lambda s: s.value)) or '-'}",  # noqa: E501
        f"fallback:      {rule.fallback.label if rule.fallback else '-'}",
        f"support:       {rule.support.value}",
        f"source:        {rule.provenance}",
        *(f"note:          {note}" for note in rule.notes),
    ]
    if args.output_format == "markdown":
        emit("\n".join(f"- {line}" for line in header) + "\n\n")
    else:
        emit("\n".join(header) + "\n\n")
    emit(render_records(steps, _STEP_COLUMNS, args.output_format))
    return 0


def service_records() -> list[dict[str, Any]]:
    """One dict per catalog entry: the six host-visible services, then the guest-only ones."""
    records: list[dict[str, Any]] = [
        {
            "service": service.value,
            "guid": service.guid,
            "host_name": service.english_name,
            "localized_names": dict(service.info.localized_names),
            "windows_service": service.info.windows_service,
            "windows_display_name": service.info.windows_display_names[0],
            "linux": service.info.linux_driver
            + "".join(f" + {d}" for d in service.info.linux_daemons[:1]),
            "linux_daemons": list(service.info.linux_daemons),
            "default_enabled": service.info.default_enabled,
            "impact": service.info.impact.value,
            "impact_text": service.info.impact_text,
            "added_in": [p.display_name for p in service.info.added_in],
        }
        for service in IntegrationService
    ]
    records.extend(
        {
            "service": service.value,
            "guid": None,
            "host_name": None,
            "windows_service": service.info.windows_service,
            "windows_display_name": service.info.windows_display_names[0],
            "linux": "not available",
            "default_enabled": None,
            "impact": None,
            "added_in": [p.display_name for p in service.info.added_in],
            "description": service.info.description,
        }
        for service in GuestOnlyService
    )
    return records


def _services(args: argparse.Namespace) -> int:
    if args.output_format == "json":
        emit(_versioned_rows(service_records()), rendered=True)
        return 0
    emit(render_records(service_records(), _SERVICE_COLUMNS, args.output_format))
    return 0


def _versioned_rows(rows: list[dict[str, Any]]) -> str:
    """Rows as the versioned JSON contract: ``{"schema_version": N, "rows": [...]}``."""
    from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

    document = {"schema_version": SCHEMA_VERSION, "rows": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
