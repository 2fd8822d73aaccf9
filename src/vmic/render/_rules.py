"""The update matrix, update rules and update plans as Markdown and HTML, from plain data.

The data comes from :mod:`vmic.rules` (the ``_repr_html_`` of rules, tables and plans, and
``rules/_export.py``): a rule is a list of ``(field, value)`` pairs, a host table its heading
and groups of rows, a plan its rule and its steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmic.render import _html
from vmic.render._escape import markdown_escape

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = ["matrix_markdown_text", "plan_html", "rule_html", "update_table_html"]


def _markdown_table(table: Mapping[str, Any]) -> Iterable[str]:
    yield f"**{markdown_escape(table['heading'])}:**"
    yield ""
    if table["note"]:
        yield f"> {markdown_escape(table['note'])}"
        yield ""
    yield "| Guest | Update mechanism | Notes |"
    yield "|:---------|:---------|:---------|"
    for index, group in enumerate(table["groups"]):
        if index:
            yield "| - | | |"
        for row in group:
            # The article marks the rows that need Data Exchange with a star.
            star = "*" if row["starred"] else ""
            cells = (markdown_escape(row["guest_label"]), markdown_escape(row["mechanism"]))
            yield f"| {cells[0]} | {cells[1]} | {markdown_escape(row['note'])}{star} |"
    if table["footnote"]:
        yield ""
        yield f"\\* {markdown_escape(table['footnote'])}"


def matrix_markdown_text(tables: Sequence[Mapping[str, Any]]) -> str:
    """Host tables in the article's Markdown layout, one block each."""
    return "\n\n".join("\n".join(_markdown_table(table)) for table in tables) + "\n"


def _rule_items(rule: Sequence[tuple[str, object]]) -> list[tuple[object, object]]:
    return [
        (
            name,
            _html.element("ul", *(_html.element("li", v) for v in value))
            if isinstance(value, list)
            else value,
        )
        for name, value in rule
    ]


def rule_html(rule: Sequence[tuple[str, object]]) -> str:
    """One rule as a two-column table (a list value becomes a bulleted list)."""
    return str(_html.element("div", _html.definitions(_rule_items(rule)), class_="vmic-rule"))


def update_table_html(table: Mapping[str, Any]) -> str:
    """One host table, with its group separators as blank rows."""
    rows: list[tuple[object, ...]] = []
    for index, group in enumerate(table["groups"]):
        if index:
            rows.append(("", "", "", ""))
        rows.extend(
            (row["guest_label"], row["mechanism"], row["note"], row["row"]) for row in group
        )
    return str(
        _html.table(("guest", "update mechanism", "notes", "row"), rows, caption=table["heading"])
    )


def plan_html(rule: Sequence[tuple[str, object]], steps: Sequence[Mapping[str, Any]]) -> str:
    """A plan: its rule, then its steps in order with their commands."""
    rows = [
        (
            str(number),
            step["role"],
            step["side"],
            _html.join(
                [
                    _html.element("strong", step["title"]),
                    _html.element("div", step["detail"]),
                    _html.code_block(step["commands"]) if step["commands"] else "",
                ]
            ),
            step["automatable"],
            step["requires_restart"],
        )
        for number, step in enumerate(steps, start=1)
    ]
    return str(
        _html.element(
            "div",
            _html.definitions(_rule_items(rule)),
            _html.table(("#", "role", "side", "step", "automatable", "restart"), rows),
            class_="vmic-plan",
        )
    )
