"""``vmic matrix``, ``vmic plan`` and ``vmic services``: the rules and the catalog, offline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vmic.cli._render import FORMATS, emit, render_records
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.rules._export import (
    matrix_csv,
    matrix_json,
    matrix_markdown,
    matrix_records,
    plan_as_dict,
)
from vmic.rules._plans import plan_update

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

_MATRIX_COLUMNS = ("hosts", "guest_label", "mechanism", "prerequisites", "fallback", "support")
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
    matrix.add_argument("--host", help="only the table for this host (e.g. 'Server 2016')")
    matrix.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    matrix.set_defaults(handler=_matrix)

    plan = commands.add_parser(
        "plan",
        help="how to update a guest's integration services",
        description="Plan the update of a guest's integration services on a host.",
    )
    plan.add_argument("--host", required=True, help="the Hyper-V host OS (e.g. 'ws2012r2')")
    plan.add_argument("--guest", required=True, help="the guest OS (e.g. 'Windows 7')")
    plan.add_argument("--vm-off", action="store_true", help="the VM is not running")
    plan.add_argument(
        "--data-exchange-disabled",
        action="store_true",
        help="Data Exchange is disabled on the host for this VM",
    )
    plan.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    plan.set_defaults(handler=_plan)

    services = commands.add_parser(
        "services",
        help="the integration service catalog",
        description="List the integration services with their ids and names.",
    )
    services.add_argument("--format", choices=FORMATS, default="table", dest="output_format")
    services.set_defaults(handler=_services)


def _matrix(args: argparse.Namespace) -> int:
    if args.output_format == "markdown":
        text = matrix_markdown(args.host)
    elif args.output_format == "json":
        emit(matrix_json(args.host) + "\n", rendered=True)
        return 0
    elif args.output_format == "csv":
        text = matrix_csv(args.host)
    else:
        records = matrix_records(args.host)
        text = render_records(records, _MATRIX_COLUMNS, "table") if records else ""
        if not records:
            text = matrix_markdown(args.host)
    emit(text)
    return 0


def _plan(args: argparse.Namespace) -> int:
    plan = plan_update(
        args.host,
        args.guest,
        vm_running=not args.vm_off,
        data_exchange_enabled=not args.data_exchange_disabled,
    )
    data = plan_as_dict(plan)
    if args.output_format == "json":
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", rendered=True)
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
    emit(render_records(service_records(), _SERVICE_COLUMNS, args.output_format))
    return 0
