"""A host's diagnosis as text, Markdown and HTML, from its plain view data.

The view is the dict :meth:`vmic.diagnosis.Diagnosis.render` builds: the JSON fields of
the diagnosis plus the words to show (service names, cause and verdict labels, feature
titles, the host side in words, each fix's ``vmic`` command). Human formats show those
words; the enum values stay in JSON and CSV.

Each VM with findings lists its fixes once, merged (two findings fixed by one command
name it once) and host fixes first, each as its ``vmic`` command when there is one with
the PowerShell beside it. Where the facts behind a finding come from (a document's
revision, a package file, what no source showed) is said once, at the end, and only when
*verbose*: the JSON always has it.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._escape import markdown_code, markdown_escape, visible
from vmic.render._tables import (
    READABLE as _READABLE,
    Footnotes,
    markdown_table,
    text_table,
    wrap_words,
)
from vmic.render._terminal import paint_verdict

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import TypeAlias

    #: How the ``vmic`` commands of fixes reach a host: the same options for every host
    #: (``["--lab", "demo"]``), the options of each host by its name (an inventory's
    #: hosts), or None: ``--host`` and the host's name.
    Reach: TypeAlias = Sequence[str] | Mapping[str, Sequence[str]] | None

__all__ = [
    "LEGEND",
    "diagnoses_markdown",
    "diagnoses_text",
    "diagnosis_html",
    "diagnosis_markdown",
    "diagnosis_text",
    "finding_html",
    "fixes_html",
    "merged_fixes",
    "verdict_html",
    "vm_html",
    "vmic_line",
]

_OVERVIEW: Final = ("VM", "state", "guest", "guest OS", "verdict")
_SERVICES: Final = ("service", "host", "guest", "verdict")
#: What the columns of a VM's service table hold (said once, under the report).
LEGEND: Final = (
    "Legend: host = the VM's setting on the Hyper-V host, then the status Hyper-V reports "
    "(primary / secondary); guest = what the guest shows (its service, daemon or driver)."
)
# Who acts on a fix, in the order fixes are listed: the host first.
_SIDES: Final = {"host": 0, "guest": 1, "console": 2, "management": 3}
_SHELLS: Final = {"powershell": "PowerShell", "posix": "shell"}
_WHERE: Final = {
    "host": "on the host",
    "guest": "in the guest",
    "console": "at the VM's console",
    "management": "in the management system",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _heading(view: Mapping[str, Any]) -> str:
    findings = sum(len(vm["findings"]) for vm in view["vms"])
    return (
        f"{view['host']} ({view['host_os'] or 'host OS unknown'}): "
        f"{_plural(len(view['vms']), 'VM')}, {_plural(findings, 'finding')}"
    )


def _vm_verdict(vm: Mapping[str, Any]) -> str:
    return "healthy" if not vm["findings"] else _plural(len(vm["findings"]), "finding")


def _overview_rows(view: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        (
            vm["vm"],
            vm["state"],
            vm["guest_view_label"],
            vm["guest_os"] or "unknown",
            _vm_verdict(vm),
        )
        for vm in view["vms"]
    ]


def _service_rows(vm: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        (s["name"], s["host_words"], s["guest_state"], s["verdict_label"]) for s in vm["services"]
    ]


def _finding_head(number: int, finding: Mapping[str, Any]) -> str:
    subject = finding["service_name"] or finding["vm"]
    return f"[{number}] {subject}: {finding['cause_label']}"


def vmic_line(argv: Sequence[str], connection: Reach, host: str) -> str:
    """A ``vmic`` command line: its verb, the options that reach *host*, then its arguments.

    *connection* says how the host is reached (:data:`Reach`): the same options for every
    host (``--lab demo``), each host's own options by its name, or None for ``--host``
    and its name (as for a host *connection* does not name). Every word is quoted for a
    POSIX shell.

    >>> vmic_line(["vmic", "enable", "--vm", "web 01", "vss"], ["--lab", "demo"], "HV01")
    "vmic enable --lab demo --vm 'web 01' vss"
    >>> inventory = {"HV02": ["--host", "hv02.test", "--transport", "ssh"]}
    >>> vmic_line(["vmic", "enable", "--vm", "fs01", "vss"], inventory, "HV02")
    'vmic enable --host hv02.test --transport ssh --vm fs01 vss'
    """
    if isinstance(connection, Mapping):
        reach = list(connection.get(host, ("--host", host)))
    else:
        reach = ["--host", host] if connection is None else list(connection)
    return shlex.join([*argv[:2], *reach, *argv[2:]])


def _shown_commands(
    fix: Mapping[str, Any], connection: Reach, host: str
) -> tuple[str | None, str | None]:
    """A fix's ``vmic`` command line, and the words that introduce its commands beside it.

    Either is None when there is none (no ``vmic`` command; no commands of its own). Every
    format shows a fix's commands this way: the short ``vmic`` command first, then
    "or in PowerShell on the host:" and the commands it stands for.
    """
    if fix["vmic"] is None:
        return None, None
    line = vmic_line(fix["vmic"], connection, host)
    if not fix["commands"]:
        return line, None
    shell = _SHELLS.get(fix["shell"] or "", "a shell")
    return line, f"or in {shell} {_WHERE.get(fix['side'], '')}".rstrip() + ":"


def _sections(
    views: Sequence[Mapping[str, Any]], *, verbose: bool
) -> list[tuple[Mapping[str, Any], list[tuple[Mapping[str, Any], list[tuple[int, Any]]]]]]:
    """Each host's view with the VMs shown in detail, each with its findings numbered.

    The VMs shown are those with findings (every VM when *verbose*); findings are
    numbered across the hosts, in order, from 1.
    """
    sections = []
    number = 0
    for view in views:
        shown = []
        for vm in view["vms"]:
            if not vm["findings"] and not verbose:
                continue
            numbered = []
            for finding in vm["findings"]:
                number += 1
                numbered.append((number, finding))
            shown.append((vm, numbered))
        sections.append((view, shown))
    return sections


def merged_fixes(
    findings: Iterable[tuple[int, Mapping[str, Any]]],
) -> list[tuple[Mapping[str, Any], list[int]]]:
    """The fixes of numbered findings, each once, with the numbers of the findings it fixes.

    Two fixes are one when they run the same commands on the same side (or, with no
    commands, say the same). Host fixes come first, then the guest's; otherwise the
    order is the findings'.
    """
    merged: dict[tuple[object, ...], tuple[Mapping[str, Any], list[int]]] = {}
    for number, finding in findings:
        for fix in finding["fixes"]:
            same = (fix["side"], tuple(fix["commands"]) or (fix["title"], fix["detail"]))
            entry = merged.setdefault(same, (fix, []))
            if number not in entry[1]:
                entry[1].append(number)
    return sorted(merged.values(), key=lambda item: _SIDES.get(item[0]["side"], len(_SIDES)))


def _fix_title(fix: Mapping[str, Any], numbers: Sequence[int]) -> str:
    facts = [fix["side"]]
    if fix["shell"] and fix["vmic"] is None:
        facts.append(_SHELLS.get(fix["shell"], fix["shell"]))
    if fix["role"] != "required":
        facts.append(fix["role"])
    refs = ", ".join(f"[{n}]" for n in numbers)
    return f"{fix['title']} ({', '.join(facts)}; for {refs})"


def _sources_line(findings: Sequence[Mapping[str, Any]]) -> str:
    """The one line that says sources exist, when they are not shown."""
    sourced = [f for f in findings if f["sources"]]
    if not sourced:
        return ""
    unverified = sum(1 for f in sourced if any(s.startswith("Unverified") for s in f["sources"]))
    extra = f", {unverified} of them with unverified facts" if unverified else ""
    return f"--verbose shows the sources behind {_plural(len(sourced), 'finding')}{extra}."


# --- text ------------------------------------------------------------------------------------


def diagnosis_text(
    view: Mapping[str, Any],
    *,
    verbose: bool = False,
    width: int | None = None,
    colour: bool = False,
    connection: Reach = None,
) -> str:
    """One host's diagnosis as text (see :func:`diagnoses_text`)."""
    return diagnoses_text(
        [view], verbose=verbose, width=width, colour=colour, connection=connection
    )


def diagnoses_text(
    views: Sequence[Mapping[str, Any]],
    *,
    verbose: bool = False,
    width: int | None = None,
    colour: bool = False,
    connection: Reach = None,
) -> str:
    """Each host: a VM overview, then each VM that has findings (every VM when *verbose*).

    Findings are numbered across the hosts; each VM's fixes follow its findings, merged,
    host fixes first. Lines fit *width* columns (None: no limit) and no word is split,
    except commands: each is printed whole on its own line, so it can be copied. With
    *colour*, verdicts are coloured. *connection* says how the ``vmic`` commands of fixes
    reach each host (:data:`Reach`; None: ``--host NAME``). With *verbose*, the features
    each finding breaks and the sources behind it (said once, at the end) are shown too.
    """
    paint = _table_paint if colour else None
    sources = Footnotes("S")
    lines: list[str] = []
    findings: list[Mapping[str, Any]] = []
    sections = _sections(views, verbose=verbose)
    for view, shown in sections:
        if lines:
            lines.append("")
        lines.extend([*wrap_words(_heading(view), width), ""])
        if view["vms"]:
            lines.append(
                text_table(
                    _OVERVIEW, _overview_rows(view), width=width, indent="  ", paint=paint
                ).rstrip("\n")
            )
        for vm, numbered in shown:
            lines.extend(["", *wrap_words(f"{vm['vm']}: {_vm_verdict(vm)}", width)])
            if vm["guest_detail"]:
                detail = f"guest {vm['guest_view_label']}: {vm['guest_detail']}"
                lines.extend(wrap_words(detail, width, "  "))
            lines.append(
                text_table(_SERVICES, _service_rows(vm), width=width, indent="  ", paint=paint)
            )
            broken = [f["title"] for f in vm["features"] if f["broken"]]
            if broken:
                lines.extend(wrap_words("features not working: " + "; ".join(broken), width, "  "))
            for note in vm["notes"]:
                lines.extend(wrap_words(f"note: {note}", width, "  "))
            for number, finding in numbered:
                findings.append(finding)
                lines.extend(
                    _finding_text(
                        number,
                        finding,
                        width=width,
                        colour=colour,
                        sources=sources if verbose else None,
                    )
                )
            lines.extend(
                _fixes_text(numbered, width=width, connection=connection, host=view["host"])
            )
    if any(shown for _, shown in sections):
        lines.extend(["", *wrap_words(LEGEND, width)])
    if verbose and sources:
        lines.extend(["", "Sources:", *sources.lines(width, "  ")])
    elif not verbose and (said := _sources_line(findings)):
        lines.extend(wrap_words(said, width))
    return "\n".join(lines).rstrip("\n") + "\n"


def _table_paint(header: str, cell: str, piece: str) -> str:
    return paint_verdict(cell, piece) if header == "verdict" else piece


def _finding_text(
    number: int,
    finding: Mapping[str, Any],
    *,
    width: int | None,
    colour: bool,
    sources: Footnotes | None,
) -> list[str]:
    verdict = finding["verdict_label"]
    heads = wrap_words(f"{_finding_head(number, finding)} ({verdict})", width, "  ", later="      ")
    if colour and heads[-1].endswith(f"({verdict})"):
        heads[-1] = heads[-1][: -len(verdict) - 1] + paint_verdict(verdict) + ")"
    lines = ["", *heads]
    readable = _READABLE if width is None else min(width, _READABLE)
    lines.extend(wrap_words(finding["explanation"], readable, "      "))
    if sources is not None:
        if finding["feature_titles"]:
            breaks = "breaks: " + "; ".join(finding["feature_titles"])
            lines.extend(wrap_words(breaks, width, "      ", later="        "))
        if finding["sources"]:
            marks = " ".join(sources.mark(source) for source in finding["sources"])
            lines.extend(wrap_words(f"sources: {marks}", width, "      "))
    return lines


def _fixes_text(
    numbered: Sequence[tuple[int, Mapping[str, Any]]],
    *,
    width: int | None,
    connection: Reach,
    host: str,
) -> list[str]:
    fixes = merged_fixes(numbered)
    if not fixes:
        return []
    first = " (host first)" if any(fix["side"] == "host" for fix, _ in fixes[1:]) else ""
    lines = ["", f"  To fix{first}:"]
    for index, (fix, numbers) in enumerate(fixes, start=1):
        lead = f"    {index}. "
        lines.extend(wrap_words(_fix_title(fix, numbers), width, lead, later=" " * len(lead)))
        # Commands are never wrapped or cut: each is one line to copy.
        line, beside = _shown_commands(fix, connection, host)
        if line is not None:
            lines.append("         " + visible(line))
        if beside is not None:
            lines.append("       " + beside)
        lines.extend(f"         {visible(command)}" for command in fix["commands"])
        if fix["detail"] and not fix["commands"]:
            readable = _READABLE if width is None else min(width, _READABLE)
            lines.extend(wrap_words(fix["detail"], readable, "         "))
    return lines


# --- Markdown --------------------------------------------------------------------------------


def diagnosis_markdown(
    view: Mapping[str, Any], *, verbose: bool = False, connection: Reach = None
) -> str:
    """One host's diagnosis in Markdown (see :func:`diagnoses_markdown`)."""
    return diagnoses_markdown([view], verbose=verbose, connection=connection)


def diagnoses_markdown(
    views: Sequence[Mapping[str, Any]],
    *,
    verbose: bool = False,
    connection: Reach = None,
) -> str:
    """The same as :func:`diagnoses_text`, in Markdown (every value escaped)."""
    sources = Footnotes("S")
    lines: list[str] = []
    findings: list[Mapping[str, Any]] = []
    sections = _sections(views, verbose=verbose)
    for view, shown in sections:
        if lines:
            lines.append("")
        lines.extend([f"## {markdown_escape(_heading(view))}", ""])
        if view["vms"]:
            lines.append(markdown_table(_OVERVIEW, _overview_rows(view)))
        for vm, numbered in shown:
            lines.extend(["", f"### {markdown_escape(vm['vm'] + ': ' + _vm_verdict(vm))}", ""])
            if vm["guest_detail"]:
                detail = f"guest {vm['guest_view_label']}: {vm['guest_detail']}"
                lines.extend([markdown_escape(detail), ""])
            lines.append(markdown_table(_SERVICES, _service_rows(vm)))
            broken = [f["title"] for f in vm["features"] if f["broken"]]
            if broken:
                lines.append(markdown_escape("features not working: " + "; ".join(broken)))
            lines.extend(f"- {markdown_escape('note: ' + note)}" for note in vm["notes"])
            for number, finding in numbered:
                findings.append(finding)
                lines.extend(_finding_markdown(number, finding, sources if verbose else None))
            lines.extend(_fixes_markdown(numbered, connection=connection, host=view["host"]))
    if any(shown for _, shown in sections):
        lines.extend(["", markdown_escape(LEGEND)])
    if verbose and sources:
        lines.extend(["", "**Sources**", ""])
        lines.extend(f"- {markdown_escape(f'{mark} {text}')}" for mark, text in sources.items())
    elif not verbose and (said := _sources_line(findings)):
        lines.extend(["", markdown_escape(said)])
    return "\n".join(lines).rstrip("\n") + "\n"


def _finding_markdown(
    number: int, finding: Mapping[str, Any], sources: Footnotes | None
) -> list[str]:
    head = f"{_finding_head(number, finding)} ({finding['verdict_label']})"
    lines = ["", f"**{markdown_escape(head)}**", "", markdown_escape(finding["explanation"])]
    if sources is not None:
        if finding["feature_titles"]:
            breaks = "breaks: " + "; ".join(finding["feature_titles"])
            lines.extend(["", markdown_escape(breaks)])
        if finding["sources"]:
            marks = " ".join(sources.mark(source) for source in finding["sources"])
            lines.extend(["", markdown_escape(f"sources: {marks}")])
    return lines


def _fixes_markdown(
    numbered: Sequence[tuple[int, Mapping[str, Any]]],
    *,
    connection: Reach,
    host: str,
) -> list[str]:
    fixes = merged_fixes(numbered)
    if not fixes:
        return []
    lines = ["", "**To fix:**"]
    for index, (fix, numbers) in enumerate(fixes, start=1):
        lines.extend(["", f"{index}\\. {markdown_escape(_fix_title(fix, numbers))}"])
        line, beside = _shown_commands(fix, connection, host)
        if line is not None:
            lines.extend(["", *markdown_code([line], "sh")])
        if beside is not None:
            lines.extend(["", markdown_escape(beside)])
        if fix["commands"]:
            language = "powershell" if fix["shell"] == "powershell" else "sh"
            lines.extend(["", *markdown_code(fix["commands"], language)])
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
    return _html.element("span", verdict.replace("_", " "), style=f"color: {colour}")


def _fix_html(
    fix: Mapping[str, Any], numbers: Sequence[int] | None, host: str, connection: Reach
) -> _html.Markup:
    role = "" if fix["role"] == "required" else f" ({fix['role']})"
    refs = "" if not numbers else " \u2014 for " + ", ".join(f"[{n}]" for n in numbers)
    parts: list[object] = [_html.element("div", f"{fix['side']}{role}: {fix['title']}{refs}")]
    line, beside = _shown_commands(fix, connection, host)
    if line is not None:
        parts.append(_html.code_block([line]))
    if beside is not None:
        parts.append(_html.element("div", beside))
    if fix["commands"]:
        parts.append(_html.code_block(fix["commands"]))
    if fix["detail"]:
        parts.append(_html.element("div", fix["detail"]))
    return _html.element("li", *parts)


def finding_html(
    finding: Mapping[str, Any],
    *,
    number: int | None = None,
    sources: Footnotes | None = None,
    fixes: bool = True,
    connection: Reach = None,
) -> _html.Markup:
    """One finding: subject, cause, verdict, explanation, what it breaks, its fixes.

    *number* titles it ``[n]`` (and gives it the anchor ``finding-n``); *sources*
    collects its sources as footnotes (shown once by the page), else they are listed
    under it, folded. Without *fixes*, its fixes are left to a merged list. *connection*
    says how the ``vmic`` commands of its fixes reach its host (see :func:`vmic_line`).
    """
    title = finding["subject"] if number is None else f"[{number}] {finding['subject']}"
    parts: list[object] = [
        _html.element("strong", title),
        " \u2014 ",
        finding.get("cause_label", finding["cause"]),
        " (",
        verdict_html(finding["verdict"]),
        ")",
        _html.element("div", finding["explanation"]),
    ]
    if finding["feature_titles"]:
        parts.append(_html.element("div", f"Breaks: {', '.join(finding['feature_titles'])}"))
    if fixes and finding["fixes"]:
        host = finding["host"]
        parts.append(
            _html.element(
                "ol", *(_fix_html(fix, None, host, connection) for fix in finding["fixes"])
            )
        )
    if finding["sources"]:
        if sources is not None:
            marks = " ".join(sources.mark(source) for source in finding["sources"])
            parts.append(
                _html.element("div", "Sources: ", _html.element("a", marks, href="#sources"))
            )
        else:
            parts.append(
                _html.element(
                    "details",
                    _html.element("summary", "Sources"),
                    _html.element("ul", *(_html.element("li", s) for s in finding["sources"])),
                )
            )
    attributes = {"class_": "vmic-finding"}
    if number is not None:
        attributes["id"] = f"finding-{number}"
    return _html.element("div", *parts, **attributes)


def fixes_html(
    numbered: Sequence[tuple[int, Mapping[str, Any]]], host: str, connection: Reach = None
) -> _html.Markup:
    """The merged fixes of numbered findings (host fixes first), as an ordered list."""
    fixes = merged_fixes(numbered)
    if not fixes:
        return _html.Markup("")
    return _html.element(
        "div",
        _html.element("strong", "To fix:"),
        _html.element("ol", *(_fix_html(fix, numbers, host, connection) for fix, numbers in fixes)),
        class_="vmic-fixes",
    )


def _rows_html(
    headers: Sequence[str], rows: Sequence[Sequence[object]], verdict_column: int
) -> _html.Markup:
    marked = [
        tuple(verdict_html(str(c)) if i == verdict_column else c for i, c in enumerate(row))
        for row in rows
    ]
    return _html.table(headers, marked)


def vm_html(vm: Mapping[str, Any], connection: Reach = None) -> _html.Markup:
    """One VM: its services, its features, its notes and its findings.

    *connection*: how the ``vmic`` commands of fixes reach the host (see :func:`vmic_line`).
    """
    title = f"{vm['vm']} ({vm['state']}; {vm['guest_os'] or 'guest OS unknown'})"
    view = vm["guest_view_label"]
    if vm["guest_detail"]:
        view += f": {vm['guest_detail']}"
    services = _rows_html(
        ("service", "host", "guest", "verdict", "causes"),
        [
            (
                s["name"],
                s["host_words"],
                s["guest_state"],
                s["verdict"],
                ", ".join(s["cause_labels"]),
            )
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
    parts.extend(finding_html(finding, connection=connection) for finding in vm["findings"])
    return _html.element("div", *parts, class_="vmic-vm")


def diagnosis_html(view: Mapping[str, Any], connection: Reach = None) -> _html.Markup:
    """A host's diagnosis: a heading, then each VM (see :func:`vmic_line` for *connection*)."""
    return _html.element(
        "div",
        _html.element("h3", _heading(view)),
        *(vm_html(vm, connection) for vm in view["vms"]),
        class_="vmic-diagnosis",
    )
