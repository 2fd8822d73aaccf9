"""A host's diagnosis as text, Markdown and HTML, from its plain view data.

The view is the dict :meth:`vmic.diagnosis.Diagnosis.render` builds: the JSON fields of
the diagnosis plus the words to show (service names, feature titles, a finding's subject).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._escape import markdown_code, markdown_escape, visible
from vmic.render._tables import markdown_table, text_table
from vmic.render._terminal import paint_verdict

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "diagnosis_html",
    "diagnosis_markdown",
    "diagnosis_text",
    "finding_html",
    "verdict_html",
    "vm_html",
]

# Explanations wrap at this width even on a wider terminal: long lines are hard to read.
_READABLE: Final = 100
_OVERVIEW: Final = ("vm", "state", "guest", "guest_os", "verdict")
_SERVICES: Final = ("service", "host", "guest", "verdict")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _label(value: str) -> str:
    return value.replace("_", " ")


def _heading(view: Mapping[str, Any]) -> str:
    findings = sum(len(vm["findings"]) for vm in view["vms"])
    return (
        f"{view['host']} ({view['host_os'] or 'host OS unknown'}): "
        f"{_plural(len(view['vms']), 'VM')}, {_plural(findings, 'finding')}"
    )


def _vm_verdict(vm: Mapping[str, Any]) -> str:
    return "healthy" if not vm["findings"] else _plural(len(vm["findings"]), "finding")


def _host_cell(service: Mapping[str, Any]) -> str:
    status: str = service["host_status"]
    if service["host_enabled"] is None:
        return status
    words = "enabled" if service["host_enabled"] else "disabled"
    return f"{words}, {status}" if status else words


def _overview_rows(view: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        (vm["vm"], vm["state"], vm["guest_view"], vm["guest_os"] or "unknown", _vm_verdict(vm))
        for vm in view["vms"]
    ]


def _service_rows(vm: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        (s["name"], _host_cell(s), s["guest_state"], _label(s["verdict"])) for s in vm["services"]
    ]


def _finding_head(number: int, finding: Mapping[str, Any]) -> tuple[str, str]:
    subject = finding["service_name"] or finding["vm"]
    return f"[{number}] {subject}: {finding['cause']}", _label(finding["verdict"])


def _fix_head(fix: Mapping[str, Any]) -> str:
    role = "" if fix["role"] == "required" else f", {fix['role']}"
    shell = f", {fix['shell']}" if fix["shell"] else ""
    return f"fix ({fix['side']}{shell}{role}): {fix['title']}"


# --- text ------------------------------------------------------------------------------------


def _wrap(text: str, width: int | None, indent: str) -> list[str]:
    """*text* made visible and wrapped to *width* (None: one line), each line indented."""
    shown = visible(text)
    if width is None:
        return [indent + shown]
    return textwrap.wrap(
        shown, max(width - len(indent), 20), initial_indent=indent, subsequent_indent=indent
    ) or [indent]


def diagnosis_text(
    view: Mapping[str, Any],
    *,
    verbose: bool = False,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """A VM overview, then each VM that has findings (every VM when *verbose*).

    Lines fit *width* columns (None: no limit), except fix commands: each is printed whole
    on its own line, so it can be copied. With *colour*, verdicts are coloured.
    """
    paint = _table_paint if colour else None
    lines = [*_wrap(_heading(view), width, ""), ""]
    if view["vms"]:
        lines.append(
            text_table(_OVERVIEW, _overview_rows(view), width=width, indent="  ", paint=paint)
        )
    number = 0
    for vm in view["vms"]:
        if not vm["findings"] and not verbose:
            continue
        lines.append("")
        lines.extend(_wrap(f"{vm['vm']}: {_vm_verdict(vm)}", width, ""))
        if vm["guest_detail"]:
            detail = f"guest {_label(vm['guest_view'])}: {vm['guest_detail']}"
            lines.extend(_wrap(detail, width, "  "))
        lines.append(
            text_table(_SERVICES, _service_rows(vm), width=width, indent="  ", paint=paint)
        )
        broken = [f["title"] for f in vm["features"] if f["broken"]]
        if broken:
            lines.extend(_wrap("features not working: " + "; ".join(broken), width, "  "))
        for note in vm["notes"]:
            lines.extend(_wrap(f"note: {note}", width, "  "))
        for finding in vm["findings"]:
            number += 1
            lines.extend(_finding_text(number, finding, width=width, colour=colour))
    return "\n".join(lines).rstrip("\n") + "\n"


def _table_paint(header: str, cell: str, piece: str) -> str:
    return paint_verdict(cell, piece) if header == "verdict" else piece


def _finding_text(
    number: int, finding: Mapping[str, Any], *, width: int | None, colour: bool
) -> list[str]:
    head, verdict = _finding_head(number, finding)
    heads = _wrap(f"{head} ({verdict})", width, "  ")
    if colour and heads[-1].endswith(f"({verdict})"):
        heads[-1] = heads[-1][: -len(verdict) - 1] + paint_verdict(verdict) + ")"
    lines = ["", *heads]
    readable = _READABLE if width is None else min(width, _READABLE)
    lines.extend(_wrap(finding["explanation"], readable, "      "))
    if finding["features"]:
        lines.extend(_wrap("breaks: " + ", ".join(finding["features"]), width, "      "))
    for fix in finding["fixes"]:
        lines.extend(_wrap(_fix_head(fix), width, "      "))
        # Commands are never wrapped or cut: each is one line to copy.
        lines.extend(f"        {visible(command)}" for command in fix["commands"])
        if fix["detail"] and not fix["commands"]:
            lines.extend(_wrap(fix["detail"], readable, "        "))
    return lines


# --- Markdown --------------------------------------------------------------------------------


def diagnosis_markdown(view: Mapping[str, Any], *, verbose: bool = False) -> str:
    """The same as :func:`diagnosis_text`, in Markdown (every value escaped)."""
    lines = [f"## {markdown_escape(_heading(view))}", ""]
    if view["vms"]:
        lines.append(markdown_table(_OVERVIEW, _overview_rows(view)))
    number = 0
    for vm in view["vms"]:
        if not vm["findings"] and not verbose:
            continue
        lines.extend(["", f"### {markdown_escape(vm['vm'] + ': ' + _vm_verdict(vm))}", ""])
        if vm["guest_detail"]:
            detail = f"guest {_label(vm['guest_view'])}: {vm['guest_detail']}"
            lines.extend([markdown_escape(detail), ""])
        lines.append(markdown_table(_SERVICES, _service_rows(vm)))
        broken = [f["title"] for f in vm["features"] if f["broken"]]
        if broken:
            lines.append(markdown_escape("features not working: " + "; ".join(broken)))
        lines.extend(f"- {markdown_escape('note: ' + note)}" for note in vm["notes"])
        for finding in vm["findings"]:
            number += 1
            lines.extend(_finding_markdown(number, finding))
    return "\n".join(lines).rstrip("\n") + "\n"


def _finding_markdown(number: int, finding: Mapping[str, Any]) -> list[str]:
    head, verdict = _finding_head(number, finding)
    lines = ["", f"**{markdown_escape(f'{head} ({verdict})')}**", ""]
    lines.append(markdown_escape(finding["explanation"]))
    if finding["features"]:
        lines.extend(["", markdown_escape("breaks: " + ", ".join(finding["features"]))])
    for fix in finding["fixes"]:
        lines.extend(["", f"- {markdown_escape(_fix_head(fix))}"])
        if fix["commands"]:
            language = "powershell" if fix["shell"] == "powershell" else "sh"
            lines.extend(["", *markdown_code(fix["commands"], language), ""])
        elif fix["detail"]:
            lines.extend(["", markdown_escape(fix["detail"])])
    return lines


# --- HTML ------------------------------------------------------------------------------------

_VERDICT_COLOURS: Final = {
    "functioning": "#1a7f37",
    "degraded": "#9a6700",
    "not_functioning": "#cf222e",
}
_GREY: Final = "#57606a"


def verdict_html(verdict: str) -> _html.Markup:
    """A coloured verdict label."""
    colour = _VERDICT_COLOURS.get(verdict, _GREY)
    return _html.element("span", _label(verdict), style=f"color: {colour}")


def _fix_html(fix: Mapping[str, Any]) -> _html.Markup:
    role = "" if fix["role"] == "required" else f" ({fix['role']})"
    parts: list[object] = [_html.element("div", f"{fix['side']}{role}: {fix['title']}")]
    if fix["commands"]:
        parts.append(_html.code_block(fix["commands"]))
    if fix["detail"]:
        parts.append(_html.element("div", fix["detail"]))
    return _html.element("li", *parts)


def finding_html(finding: Mapping[str, Any]) -> _html.Markup:
    """One finding: subject, cause, verdict, explanation, what it breaks, its fixes."""
    parts: list[object] = [
        _html.element("strong", finding["subject"]),
        " \u2014 ",
        _html.element("code", finding["cause"]),
        " (",
        verdict_html(finding["verdict"]),
        ")",
        _html.element("div", finding["explanation"]),
    ]
    if finding["feature_titles"]:
        parts.append(_html.element("div", f"Breaks: {', '.join(finding['feature_titles'])}"))
    if finding["fixes"]:
        parts.append(_html.element("ol", *(_fix_html(fix) for fix in finding["fixes"])))
    return _html.element("div", *parts, class_="vmic-finding")


def _rows_html(
    headers: Sequence[str], rows: Sequence[Sequence[object]], verdict_column: int
) -> _html.Markup:
    marked = [
        tuple(verdict_html(str(c)) if i == verdict_column else c for i, c in enumerate(row))
        for row in rows
    ]
    return _html.table(headers, marked)


def vm_html(vm: Mapping[str, Any]) -> _html.Markup:
    """One VM: its services, its features, its notes and its findings."""
    title = f"{vm['vm']} ({vm['state']}; {vm['guest_os'] or 'guest OS unknown'})"
    view = _label(vm["guest_view"])
    if vm["guest_detail"]:
        view += f": {vm['guest_detail']}"
    services = _rows_html(
        ("service", "host", "guest", "verdict", "causes"),
        [
            (s["name"], _host_cell(s), s["guest_state"], s["verdict"], ", ".join(s["causes"]))
            for s in vm["services"]
        ],
        3,
    )
    features = _rows_html(
        ("feature", "verdict", "blocked by"),
        [(f["title"], f["verdict"], ", ".join(f["blocking"])) for f in vm["features"]],
        1,
    )
    parts: list[object] = [
        _html.element("h4", title),
        _html.element("div", f"guest: {view}"),
        services,
        features,
    ]
    parts.extend(_html.element("div", f"note: {note}") for note in vm["notes"])
    parts.extend(finding_html(finding) for finding in vm["findings"])
    return _html.element("div", *parts, class_="vmic-vm")


def diagnosis_html(view: Mapping[str, Any]) -> _html.Markup:
    """A host's diagnosis: a heading, then each VM."""
    return _html.element(
        "div",
        _html.element("h3", _heading(view)),
        *(vm_html(vm) for vm in view["vms"]),
        class_="vmic-diagnosis",
    )
