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

_SUPPORT_COLUMNS = ("feature", "status", "inferred", "notes", "provenance")
_SERVICE_HEADERS = {
    "service": "service",
    "guid": "GUID",
    "host_name": "name on the host",
    "windows_service": "Windows service",
    "linux": "Linux",
    "default_enabled": "on by default",
    "impact": "impact",
    "added_in": "added in",
}
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
    from vmic.rules._export import (  # noqa: PLC0415
        matrix_csv,
        matrix_markdown,
        matrix_records,
        matrix_view,
    )
    from vmic.rules._support_tables import supported_guest_records  # noqa: PLC0415

    host = args.host_os
    if args.supported_guests:
        if args.output_format == "json":
            emit(_versioned_rows(supported_guest_records(host)), rendered=True)
        elif args.output_format == "csv":
            emit(render_records(supported_guest_records(host), _GUEST_COLUMNS, "csv"))
        else:
            view = {**matrix_view(host), "tables": [], "general": None}
            emit(_matrix_human(view, args), rendered=True)
        return 0
    if args.output_format == "json":
        emit(_versioned_rows(matrix_records(host)), rendered=True)
    elif args.output_format == "csv":
        emit(matrix_csv(host), rendered=True)
    elif args.output_format == "markdown":
        from vmic.render import matrix_sections_markdown  # noqa: PLC0415

        # The newer hosts' supported-guests tables, each under its own heading, after the
        # 2020 tables (JSON/CSV keep the seed's rows only: use --supported-guests for them).
        sections = matrix_view(host)["sections"]
        text = matrix_markdown(host) + matrix_sections_markdown(sections, verbose=args.verbose)
        emit(text, rendered=True)
    else:
        emit(_matrix_human(matrix_view(host), args), rendered=True)
    return 0


def _matrix_human(view: dict[str, Any], args: argparse.Namespace) -> str:
    from vmic.render import matrix_sections_markdown, matrix_text  # noqa: PLC0415

    if args.output_format == "markdown":
        return matrix_sections_markdown(view["sections"], verbose=args.verbose).lstrip("\n")
    return matrix_text(view, width=width(), verbose=args.verbose)


def _support(args: argparse.Namespace) -> int:
    from vmic.rules._support import guest_support  # noqa: PLC0415

    answer = guest_support(args.host_os, args.guest_os)
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **answer.to_dict()}
        emit_json(document)
        return 0
    if args.output_format == "csv":
        records = [entry.to_dict() for entry in answer.features]
        emit(render_records(records, _SUPPORT_COLUMNS, "csv"))
        return 0
    from vmic.render import support_markdown, support_text  # noqa: PLC0415

    if args.output_format == "markdown":
        emit(support_markdown(answer.view(), verbose=args.verbose), rendered=True)
    else:
        emit(support_text(answer.view(), width=width(), verbose=args.verbose), rendered=True)
    return 0


def _plan(args: argparse.Namespace) -> int:
    from vmic.rules._export import plan_as_dict, plan_view  # noqa: PLC0415
    from vmic.rules._plans import plan_update  # noqa: PLC0415

    plan = plan_update(
        args.host_os,
        args.guest_os,
        vm_running=not args.vm_off,
        data_exchange_enabled=not args.data_exchange_disabled,
    )
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, **plan_as_dict(plan)}
        emit_json(document)
        return 0
    if args.output_format == "csv":
        emit(render_records(plan_as_dict(plan)["steps"], _STEP_COLUMNS, "csv"))
        return 0
    from vmic.render import plan_markdown, plan_text  # noqa: PLC0415

    if args.output_format == "markdown":
        emit(plan_markdown(plan_view(plan), verbose=args.verbose), rendered=True)
    else:
        emit(plan_text(plan_view(plan), width=width(), verbose=args.verbose), rendered=True)
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
    if args.output_format == "csv":
        emit(render_records(service_records(), _SERVICE_COLUMNS, "csv"))
        return 0
    # In words: the service's name, not its value (the value is what the CLI takes, and
    # what JSON and CSV hold).
    shown = [
        {
            **record,
            "service": record["host_name"] or record["windows_display_name"],
            "host_name": record["service"],
        }
        for record in service_records()
    ]
    headers = {**_SERVICE_HEADERS, "host_name": "value (vmic enable SERVICE)"}
    columns = ("service", "host_name", "guid", "windows_service", "linux", "default_enabled")
    from vmic.render import markdown_table, text_table  # noqa: PLC0415

    rows = [[record[column] for column in columns] for record in shown]
    names = [headers[column] for column in columns]
    if args.output_format == "markdown":
        emit(markdown_table(names, rows), rendered=True)
    else:
        emit(text_table(names, rows, width=width()), rendered=True)
    return 0


def _versioned_rows(rows: list[dict[str, Any]]) -> str:
    """Rows as the versioned JSON contract: ``{"schema_version": N, "rows": [...]}``."""
    from vmic.render import json_text  # noqa: PLC0415 - JSON only
    from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

    return json_text({"schema_version": SCHEMA_VERSION, "rows": rows}) + "\n"
