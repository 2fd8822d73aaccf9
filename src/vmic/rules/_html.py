"""HTML of the update matrix and update plans, for ``_repr_html_`` in Jupyter.

Built with :mod:`vmic._html`, which escapes every value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic import _html

if TYPE_CHECKING:
    from vmic.rules._matrix import UpdateRule, UpdateTable
    from vmic.rules._plans import UpdatePlan

__all__ = ["plan_html", "rule_html", "table_html"]


def _names(services: frozenset[object]) -> str:
    return ", ".join(sorted(getattr(s, "english_name", str(s)) for s in services)) or "-"


def _rule_items(rule: UpdateRule) -> list[tuple[object, object]]:
    return [
        ("host", str(rule.host)),
        ("guest", str(rule.guest)),
        ("mechanism", rule.mechanism.label),
        ("prerequisites", _names(frozenset(rule.prerequisites))),
        ("fallback", rule.fallback.label if rule.fallback else "-"),
        ("support", rule.support.value.replace("_", " ")),
        ("notes", _html.element("ul", *(_html.element("li", note) for note in rule.notes))),
        ("source", str(rule.provenance)),
    ]


def rule_html(rule: UpdateRule) -> str:
    """One rule as a two-column table."""
    return str(_html.element("div", _html.definitions(_rule_items(rule)), class_="vmic-rule"))


def table_html(table: UpdateTable) -> str:
    """One host table of the article, with its group separators as blank rows."""
    rows: list[tuple[object, ...]] = []
    for index, group in enumerate(table.groups):
        if index:
            rows.append(("", "", "", ""))
        rows.extend(
            (row.guest_label, row.mechanism.label, row.note, str(row.provenance.row or ""))
            for row in group
        )
    return str(
        _html.table(("guest", "update mechanism", "notes", "row"), rows, caption=table.heading)
    )


def plan_html(plan: UpdatePlan) -> str:
    """A plan: its rule, then its steps in order with their commands."""
    steps = [
        (
            str(number),
            step.role.value,
            step.side.value,
            _html.join(
                [
                    _html.element("strong", step.title),
                    _html.element("div", step.detail),
                    _html.code_block(step.commands) if step.commands else "",
                ]
            ),
            "yes" if step.automatable else "no",
            "yes" if step.requires_restart else "no",
        )
        for number, step in enumerate(plan.steps, start=1)
    ]
    return str(
        _html.element(
            "div",
            _html.definitions(_rule_items(plan.rule)),
            _html.table(("#", "role", "side", "step", "automatable", "restart"), steps),
            class_="vmic-plan",
        )
    )
