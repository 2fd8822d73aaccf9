"""The update matrix, update rules, update plans and guest support as text, Markdown and HTML.

The data comes from :mod:`vmic.rules` (the ``_repr_html_`` of rules, tables and plans, and
``rules/_export.py``): a rule is a list of ``(field, value)`` pairs, a host table its heading
and groups of rows, a plan its rule and its steps.

The text forms fit the terminal without splitting a word; a note many rows share is said
once under its table (``[1]``), and where the facts come from (a document's revision, a
page's commit) only with *verbose*: the JSON always has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._escape import markdown_code, markdown_escape, visible
from vmic.render._tables import Footnotes, markdown_table, text_table, wrap_words

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "SOURCES_HINT",
    "matrix_markdown_text",
    "matrix_sections_markdown",
    "matrix_text",
    "plan_html",
    "plan_markdown",
    "plan_text",
    "rule_html",
    "support_markdown",
    "support_text",
    "update_table_html",
]

#: The line a text form ends with when it leaves its sources out.
SOURCES_HINT: Final = "Sources: --verbose."


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


# --- text: the matrix ------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _table_text(table: Mapping[str, Any], width: int | None) -> list[str]:
    """One host table: its heading, its note, the rows (groups apart), notes said once."""
    notes = Footnotes()
    rows: list[tuple[str, str, str]] = []
    for index, group in enumerate(table["groups"]):
        if index:
            rows.append(("", "", ""))  # the article's separator between client, server, Linux
        for row in group:
            note = row["note"]
            if row["starred"] and table["footnote"]:
                note = f"{note} {table['footnote']}"
            rows.append((row["guest_label"], row["mechanism"], notes.mark(note)))
    lines = [*wrap_words(table["heading"], width)]
    if table["note"]:
        lines.extend(wrap_words(table["note"], width, "  "))
    lines.extend(
        [
            "",
            *_lines(
                text_table(("guest", "update mechanism", "notes"), rows, width=width, indent="  ")
            ),
        ]
    )
    if notes:
        lines.extend(["", *notes.lines(width, "  ")])
    return lines


def _section_text(section: Mapping[str, Any], width: int | None) -> list[str]:
    notes = Footnotes()
    rows = [
        (row["guest_label"], row["integration_services"], notes.marks(row["notes"]))
        for row in section["rows"]
    ]
    lines = [*wrap_words(section["heading"], width), ""]
    headers = ("guest", "integration services", "notes")
    lines.extend(_lines(text_table(headers, rows, width=width, indent="  ")))
    if notes:
        lines.extend(["", *notes.lines(width, "  ")])
    return lines


def matrix_text(view: Mapping[str, Any], *, width: int | None = None, verbose: bool = False) -> str:
    """``vmic matrix`` as text: each host table, then the newer hosts' supported guests.

    *view* is :func:`vmic.rules.matrix_view`'s. With *verbose*, each table's source.
    """
    blocks: list[list[str]] = []
    if view["general"] is not None:
        blocks.append(wrap_words("No table covers this host. " + view["general"], width))
    for table in view["tables"]:
        block = _table_text(table, width)
        if verbose:
            block.extend(wrap_words(f"source: {table['source']}", width, "  "))
        blocks.append(block)
    for section in view["sections"]:
        block = _section_text(section, width)
        if verbose:
            block.extend(wrap_words(f"source: {section['source']}", width, "  "))
        blocks.append(block)
    text = "\n\n".join("\n".join(block) for block in blocks)
    if not verbose and (view["tables"] or view["sections"]):
        text += "\n\n" + SOURCES_HINT
    return text + "\n"


def matrix_sections_markdown(
    sections: Sequence[Mapping[str, Any]], *, verbose: bool = False
) -> str:
    """The newer hosts' supported-guests tables in Markdown, each under its own heading."""
    blocks = []
    for section in sections:
        notes = Footnotes()
        rows = [
            (row["guest_label"], row["integration_services"], notes.marks(row["notes"]))
            for row in section["rows"]
        ]
        lines = [f"### {markdown_escape(section['heading'])}", ""]
        if verbose:
            lines.extend([markdown_escape(f"Source: {section['source']}"), ""])
        lines.append(markdown_table(("Guest", "Integration services", "Notes"), rows).rstrip("\n"))
        if notes:
            lines.append("")
            lines.extend(f"- {markdown_escape(f'{mark} {text}')}" for mark, text in notes.items())
        blocks.append("\n".join(lines))
    return "".join(f"\n{block}\n" for block in blocks)


# --- text: guest support ---------------------------------------------------------------------


def _support_rows(
    view: Mapping[str, Any], notes: Footnotes, sources: Footnotes | None
) -> list[tuple[str, ...]]:
    rows = []
    for feature in view["features"]:
        row = [feature["label"], feature["status_label"], notes.marks(feature["notes"])]
        if sources is not None:
            row.append(sources.mark(feature["provenance"]))
        rows.append(tuple(row))
    return rows


def _support_head(view: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("host", view["host"]),
        ("guest", f"{view['guest']} (the page's {view['column']} column)"),
    ]


def support_text(
    view: Mapping[str, Any], *, width: int | None = None, verbose: bool = False
) -> str:
    """``vmic support`` as text: the host and guest, one row per feature, notes said once.

    *view* is the support answer's JSON fields plus ``label`` and ``status_label`` per
    feature. With *verbose*, the page and row each answer comes from.
    """
    notes, sources = Footnotes(), Footnotes("S") if verbose else None
    lines = [
        line
        for name, value in _support_head(view)
        for line in wrap_words(value, width, f"{name}:".ljust(7), later=" " * 7)
    ]
    headers = ("feature", "status", "notes", *(("source",) if sources is not None else ()))
    table = text_table(headers, _support_rows(view, notes, sources), width=width, indent="  ")
    lines.extend(["", *_lines(table)])
    if notes:
        lines.extend(["", *notes.lines(width, "  ")])
    if sources is not None:
        lines.extend(
            ["", "Sources:", *[line.replace("[", "[S", 1) for line in sources.lines(width, "  ")]]
        )
    else:
        lines.extend(["", SOURCES_HINT])
    return "\n".join(lines) + "\n"


def support_markdown(view: Mapping[str, Any], *, verbose: bool = False) -> str:
    """``vmic support`` in Markdown (see :func:`support_text`)."""
    notes, sources = Footnotes(), Footnotes("S") if verbose else None
    lines = [f"- {markdown_escape(f'{name}: {value}')}" for name, value in _support_head(view)]
    headers = ("Feature", "Status", "Notes", *(("Source",) if sources is not None else ()))
    lines.extend(["", markdown_table(headers, _support_rows(view, notes, sources)).rstrip("\n")])
    if notes:
        lines.append("")
        lines.extend(f"- {markdown_escape(f'{mark} {text}')}" for mark, text in notes.items())
    if sources is not None:
        lines.extend(["", "**Sources**", ""])
        lines.extend(f"- {markdown_escape(f'{mark} {text}')}" for mark, text in sources.items())
    return "\n".join(lines) + "\n"


# --- text: update plans ----------------------------------------------------------------------


def _plan_head(view: Mapping[str, Any], *, verbose: bool) -> list[tuple[str, str]]:
    head = [
        ("host", view["host"]),
        ("guest", view["guest"]),
        ("mechanism", view["mechanism_label"]),
        ("needs", ", ".join(view["prerequisite_names"]) or "-"),
        ("fallback", view["fallback_label"] or "-"),
        ("support", view["support"]),
    ]
    head.extend(
        ("note", note) for note in view["notes"] if verbose or not note.startswith("Unverified")
    )
    if verbose:
        head.append(("source", view["provenance"]))
    return head


def _step_facts(step: Mapping[str, Any]) -> str:
    facts = [step["side"]]
    if step["role"] != "required":
        facts.append(step["role"])
    facts.append("automatable" if step["automatable"] else "by hand")
    if step["requires_restart"]:
        facts.append("restarts the guest")
    return ", ".join(facts)


def plan_text(view: Mapping[str, Any], *, width: int | None = None, verbose: bool = False) -> str:
    """``vmic plan`` as text: the rule, then every step with every command it runs.

    Commands are printed whole, one a line, to copy; the rest wraps at spaces. With
    *verbose*, where the rule comes from (and the notes no source showed).
    """
    head = _plan_head(view, verbose=verbose)
    label = max(len(name) for name, _ in head) + 2
    lines = [
        line
        for name, value in head
        for line in wrap_words(value, width, f"{name}:".ljust(label), later=" " * label)
    ]
    lines.extend(["", "Steps:"])
    for step in view["steps"]:
        lead = f"  {step['step']}. "
        title = f"{step['title']} ({_step_facts(step)})"
        lines.extend(wrap_words(title, width, lead, later=" " * len(lead)))
        lines.extend(f"       {visible(command)}" for command in step["commands"])
        if step["detail"]:
            lines.extend(wrap_words(step["detail"], width, "     "))
    if not verbose:
        lines.extend(["", SOURCES_HINT])
    return "\n".join(lines) + "\n"


def plan_markdown(view: Mapping[str, Any], *, verbose: bool = False) -> str:
    """``vmic plan`` in Markdown (see :func:`plan_text`)."""
    lines = [
        f"- {markdown_escape(f'{name}: {value}')}"
        for name, value in _plan_head(view, verbose=verbose)
    ]
    lines.extend(["", "**Steps**"])
    for step in view["steps"]:
        title = f"{step['title']} ({_step_facts(step)})"
        lines.extend(["", f"{step['step']}\\. {markdown_escape(title)}"])
        if step["commands"]:
            language = "sh" if step["action"] == "update_linux_packages" else "powershell"
            lines.extend(["", *markdown_code(step["commands"], language)])
        if step["detail"]:
            lines.extend(["", markdown_escape(step["detail"])])
    return "\n".join(lines) + "\n"
