"""Render the update matrix and update rules as Markdown, JSON and CSV.

The Markdown form of each host table lists the same guests, in the same order, with
the same mechanisms and the same client / server / Linux separators as the article.

>>> from vmic.rules._export import matrix_markdown
>>> print(matrix_markdown("Windows 8").splitlines()[4][:41])
| Windows 8.1 | Integration Services disk
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmic import render
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.rules._matrix import UpdateRule, UpdateTable, update_rule, update_tables
from vmic.rules._matrix_data import CAB_FOOTNOTE, VMGUEST_ISO_NOTE

if TYPE_CHECKING:
    from vmic.rules._plans import PlanStep, UpdatePlan

__all__ = [
    "matrix_csv",
    "matrix_json",
    "matrix_markdown",
    "matrix_records",
    "matrix_view",
    "plan_as_dict",
    "plan_view",
    "rule_as_dict",
]

_CSV_FIELDS = (
    "table",
    "hosts",
    "row",
    "guest",
    "guest_label",
    "mechanism",
    "prerequisites",
    "fallback",
    "support",
    "notes",
    "provenance",
)


def rule_as_dict(rule: UpdateRule) -> dict[str, Any]:
    """A JSON-ready dict of a rule (enum values as their snake_case strings)."""
    return {
        "host": rule.host.name,
        "guest": str(rule.guest),
        "mechanism": rule.mechanism.value,
        "prerequisites": sorted(s.value for s in rule.prerequisites),
        "fallback": rule.fallback.value if rule.fallback else None,
        "support": rule.support.value,
        "notes": list(rule.notes),
        "table": rule.table.key if rule.table else None,
        "guest_label": rule.row.guest_label if rule.row else None,
        "provenance": str(rule.provenance),
        "general_statement": rule.is_general_statement,
    }


def _tables_for(host: str | OperatingSystem | None) -> tuple[tuple[UpdateTable, ...], str | None]:
    """Tables to render, or the general statement's note for a host newer than the tables."""
    if host is None:
        return update_tables(), None
    host_os = host if isinstance(host, OperatingSystem) else parse_os(host)
    for table in update_tables():
        if host_os.product in table.hosts:
            return (table,), None
    # Raises for non-hosts, answers the general statement for newer hosts.
    rule = update_rule(host_os, "Windows 10")
    return (), rule.notes[0]


def matrix_records(host: str | OperatingSystem | None = None) -> list[dict[str, Any]]:
    """One dict per (table, row): the whole matrix, or the table of one host.

    For a host newer than the tables the list is empty (see :func:`matrix_markdown` for
    the general statement that applies).
    """
    tables, _ = _tables_for(host)
    records = []
    for table in tables:
        for row in table.rows:
            rule = update_rule(OperatingSystem(table.hosts[0]), OperatingSystem(row.guest))
            records.append(
                {
                    "table": table.key,
                    "hosts": [h.display_name for h in table.hosts],
                    "row": row.provenance.row,
                    "guest": row.guest.value,
                    "guest_label": row.guest_label,
                    "mechanism": rule.mechanism.value,
                    "prerequisites": sorted(s.value for s in rule.prerequisites),
                    "fallback": rule.fallback.value if rule.fallback else None,
                    "support": rule.support.value,
                    "notes": [n for n in rule.notes if n != VMGUEST_ISO_NOTE],
                    "provenance": str(row.provenance),
                }
            )
    return records


def matrix_json(host: str | OperatingSystem | None = None, *, indent: int | None = 2) -> str:
    """The matrix as a JSON array of row objects (see :func:`matrix_records`)."""
    return render.json_text(matrix_records(host), indent=indent)


def matrix_csv(host: str | OperatingSystem | None = None) -> str:
    """The matrix as CSV with a header row; list fields are joined with ``;``."""
    rows = [
        [
            ";".join(value) if isinstance(value, list) else value
            for value in (record[field] for field in _CSV_FIELDS)
        ]
        for record in matrix_records(host)
    ]
    return render.csv_text(_CSV_FIELDS, rows)


def _table_view(table: UpdateTable) -> dict[str, Any]:
    """The plain data of one host table, for :func:`vmic.render.matrix_markdown_text`."""
    starred = any(row.note_kind == "data_exchange" for row in table.rows)
    return {
        "heading": table.heading,
        "note": VMGUEST_ISO_NOTE if table.key == "windows_10_server_2016_2019" else "",
        "groups": [
            [
                {
                    "guest_label": row.guest_label,
                    "mechanism": row.mechanism.label,
                    "note": row.note,
                    "starred": row.note_kind == "data_exchange",
                }
                for row in group
            ]
            for group in table.groups
        ],
        "footnote": CAB_FOOTNOTE if starred else "",
    }


def matrix_view(host: str | OperatingSystem | None = None) -> dict[str, Any]:
    """The plain data of ``vmic matrix`` in words, for :func:`vmic.render.matrix_text`.

    ``tables``: each host table as :func:`matrix_markdown` lays it out, with its
    ``source``; ``general``: the general statement for a host newer than the tables (else
    None); ``sections``: the newer hosts' supported-guests tables, each with its
    ``heading``, ``source`` and ``rows`` (guest, integration services, notes).
    """
    from vmic.rules._support_tables import supported_guest_view  # noqa: PLC0415 - on use

    tables, general = _tables_for(host)
    views = []
    for table in tables:
        first = table.rows[0].provenance
        views.append({**_table_view(table), "source": f"{first.document}, {first.revision}"})
    sections = supported_guest_view(host)
    return {"tables": views, "general": general, "sections": sections}


def matrix_markdown(host: str | OperatingSystem | None = None) -> str:
    """The host tables in the article's Markdown layout (all, or the one for *host*).

    For a host newer than the tables, the general statement that applies instead.
    """
    tables, general = _tables_for(host)
    if general is not None:
        return "No table covers this host. " + render.markdown_escape(general) + "\n"
    return render.matrix_markdown_text([_table_view(table) for table in tables])


def _step_record(index: int, step: PlanStep) -> dict[str, Any]:
    return {
        "step": index,
        "role": step.role.value,
        "side": step.side.value,
        "action": step.action.value,
        "automatable": step.automatable,
        "requires_restart": step.requires_restart,
        "title": step.title,
        "detail": step.detail,
        "commands": list(step.commands),
    }


def plan_as_dict(plan: UpdatePlan) -> dict[str, Any]:
    """A JSON-ready dict of an update plan: the rule's fields plus ``steps``."""
    return {
        **rule_as_dict(plan.rule),
        "vm_running": plan.vm_running,
        "data_exchange_enabled": plan.data_exchange_enabled,
        "automatable": plan.automatable,
        "requires_restart": plan.requires_restart,
        "steps": [_step_record(i, s) for i, s in enumerate(plan.steps, 1)],
    }


def plan_view(plan: UpdatePlan) -> dict[str, Any]:
    """:func:`plan_as_dict` plus the words to show, for :func:`vmic.render.plan_text`."""
    rule = plan.rule
    return {
        **plan_as_dict(plan),
        "mechanism_label": rule.mechanism.label,
        "prerequisite_names": sorted(s.english_name for s in rule.prerequisites),
        "fallback_label": rule.fallback.label if rule.fallback else None,
    }
