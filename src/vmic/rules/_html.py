"""HTML of the update matrix and update plans, for ``_repr_html_`` in Jupyter.

This module turns rules, tables and plans into plain data; :mod:`vmic.render` writes the
HTML (escaping every value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmic import render

if TYPE_CHECKING:
    from vmic.rules._matrix import UpdateRule, UpdateTable
    from vmic.rules._plans import UpdatePlan

__all__ = ["plan_html", "rule_html", "table_html"]


def _names(services: frozenset[object]) -> str:
    return ", ".join(sorted(getattr(s, "english_name", str(s)) for s in services)) or "-"


def _rule_items(rule: UpdateRule) -> list[tuple[str, object]]:
    return [
        ("host", str(rule.host)),
        ("guest", str(rule.guest)),
        ("mechanism", rule.mechanism.label),
        ("prerequisites", _names(frozenset(rule.prerequisites))),
        ("fallback", rule.fallback.label if rule.fallback else "-"),
        ("support", rule.support.value.replace("_", " ")),
        ("notes", list(rule.notes)),
        ("source", str(rule.provenance)),
    ]


def rule_html(rule: UpdateRule) -> str:
    """One rule as a two-column table."""
    return render.rule_html(_rule_items(rule))


def table_html(table: UpdateTable) -> str:
    """One host table of the article, with its group separators as blank rows."""
    view: dict[str, Any] = {
        "heading": table.heading,
        "groups": [
            [
                {
                    "guest_label": row.guest_label,
                    "mechanism": row.mechanism.label,
                    "note": row.note,
                    "row": str(row.provenance.row or ""),
                }
                for row in group
            ]
            for group in table.groups
        ],
    }
    return render.update_table_html(view)


def plan_html(plan: UpdatePlan) -> str:
    """A plan: its rule, then its steps in order with their commands."""
    steps = [
        {
            "role": step.role.value,
            "side": step.side.value,
            "title": step.title,
            "detail": step.detail,
            "commands": list(step.commands),
            "automatable": step.automatable,
            "requires_restart": step.requires_restart,
        }
        for step in plan.steps
    ]
    return render.plan_html(_rule_items(plan.rule), steps)
