"""``vmic matrix``, ``vmic plan``, ``vmic support`` and ``vmic services``: the rules, offline.

Each handler imports the rules it needs: ``vmic services`` is a start-up benchmark and
loads only the service catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmic.cli._render import emit, emit_json, render_records, width

if TYPE_CHECKING:
    import argparse

__all__: list[str] = []

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


def _matrix(args: argparse.Namespace) -> int:
    import textwrap  # noqa: PLC0415

    from vmic.render import markdown_escape  # noqa: PLC0415
    from vmic.rules._export import (  # noqa: PLC0415
        matrix_csv,
        matrix_markdown,
        matrix_records,
    )
    from vmic.rules._support_tables import (  # noqa: PLC0415
        supported_guest_records,
        supported_guest_sections,
    )

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
    from vmic.rules._support import guest_support  # noqa: PLC0415

    answer = guest_support(args.host_os, args.guest_os)
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **answer.to_dict()}
        emit_json(document)
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
    from vmic.rules._export import plan_as_dict  # noqa: PLC0415
    from vmic.rules._plans import plan_update  # noqa: PLC0415

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
        emit_json(document)
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
    from vmic.model._services import GuestOnlyService, IntegrationService  # noqa: PLC0415

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
    from vmic.render import json_text  # noqa: PLC0415 - JSON only
    from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

    return json_text({"schema_version": SCHEMA_VERSION, "rows": rows}) + "\n"
