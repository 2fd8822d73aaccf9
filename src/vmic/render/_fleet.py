"""The fleet report as one self-contained HTML page, and its fragment for Jupyter.

The page opens with the fleet summary (when it was made and by which vmic, hosts audited
and failed, VMs with findings and healthy, findings), then a VM x service heat map whose
first rows are the VMs with findings, worst first (the healthy VMs folded under
``<details>`` below them), then the findings grouped by cause, each numbered, with its
fixes, then the hosts not audited and, folded, the sources behind the findings. Each part
appears once. It needs no JavaScript and loads nothing: the CSS is inline, there are no
images, scripts, fonts or links out; its only links are to its own parts.

Every heat-map cell carries its verdict three ways, so no reader depends on colour: a
colour (class ``v-<verdict>``), a symbol (the legend spells each out), and a ``title``
tooltip with the verdict and its causes (the column names the service; a functioning
cell, the most common, has no cause and no tooltip). A cell whose service has a finding
links to it (``#finding-N``). Each cell is a ``<td>`` with the class ``cell``, one per VM
and service.

The view is :meth:`vmic.fleet.AuditReport` 's plain data: ``summary``, ``failures``
(host, status, error), ``diagnoses`` (each audited host's diagnosis view), and
``generated`` and ``version`` (when the page was made, and by which vmic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._audit import audit_headline
from vmic.render._diagnosis import finding_html
from vmic.render._tables import Footnotes

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from vmic.render._diagnosis import Reach

__all__ = ["SYMBOLS", "fleet_fragment", "fleet_page", "observation_fragment"]

#: Each verdict's symbol in a heat-map cell (the colour repeats it; the symbol does not
#: depend on seeing colour).
SYMBOLS: Final = {
    "functioning": "\u2713",  # check mark
    "degraded": "!",
    "not_functioning": "\u2717",  # ballot x
    "not_available": "\u2013",  # en dash
    "off_by_default": "\u25cb",  # white circle
    "unknown": "?",
}

# A cause with more findings than this shows the first _EXAMPLES in full, the rest as rows.
_IN_FULL: Final = 20
_EXAMPLES: Final = 3

_CSS: Final = """
.vmic-fleet{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;
 line-height:1.4;max-width:100%}
.vmic-fleet table{border-collapse:collapse;margin:.5em 0}
.vmic-fleet th,.vmic-fleet td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;
 vertical-align:top}
.vmic-fleet thead th{background:#f6f8fa;position:sticky;top:0}
.vmic-fleet td.n{text-align:right;font-variant-numeric:tabular-nums}
.vmic-fleet .heat td.cell{text-align:center;font-weight:bold;min-width:2.2em}
.vmic-fleet .v-functioning{background:#dafbe1;color:#116329}
.vmic-fleet .v-degraded{background:#fff8c5;color:#7d4e00}
.vmic-fleet .v-not_functioning{background:#ffebe9;color:#a40e26}
.vmic-fleet .v-not_available{background:#f6f8fa;color:#57606a}
.vmic-fleet .v-off_by_default{background:#ddf4ff;color:#0a3069}
.vmic-fleet .v-unknown{background:#eaeef2;color:#424a53}
.vmic-fleet pre{background:#f6f8fa;padding:4px 8px;overflow-x:auto;white-space:pre-wrap}
.vmic-fleet .vmic-finding{margin:.6em 0}
.vmic-fleet .h-on{background:#dafbe1;color:#116329}
.vmic-fleet .h-off{background:#ffebe9;color:#a40e26}
.vmic-fleet .h-other{background:#fff8c5;color:#7d4e00}
"""


def _label(value: str) -> str:
    return value.replace("_", " ")


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _summary_html(view: Mapping[str, Any]) -> _html.Markup:
    summary = view["summary"]
    with_findings = summary["vms"] - summary["healthy_vms"]
    rows = [
        ("hosts audited", summary["audited"]),
        ("hosts not audited", summary["failed"]),
        ("VMs with findings", with_findings),
        ("VMs healthy", summary["healthy_vms"]),
        ("findings", summary["findings"]),
    ]
    counts = _html.element(
        "table",
        _html.element(
            "tbody",
            *(
                _html.element("tr", _html.element("th", name), _html.element("td", n, class_="n"))
                for name, n in rows
            ),
        ),
        class_="counts",
    )
    made = []
    if view.get("generated"):
        made.append(f"Generated {view['generated']}")
    if view.get("version"):
        made.append(f"by vmic {view['version']}")
    parts: list[object] = [
        _html.element("h2", "Fleet summary"),
        _html.element("p", audit_headline(summary), class_="headline"),
    ]
    if made:
        parts.append(_html.element("p", " ".join(made), class_="generated"))
    parts.append(counts)
    return _html.element("section", *parts, id="summary", class_="summary")


# How bad a verdict is, for the order of the heat map's rows: worst first.
_SEVERITY: Final = {"not_functioning": 0, "degraded": 1, "unknown": 2}


def _rank(vm: Mapping[str, Any]) -> tuple[int, int]:
    """A VM's place in the heat map: its worst verdict first, then more findings first."""
    worst = min(
        (_SEVERITY.get(finding["verdict"], len(_SEVERITY)) for finding in vm["findings"]),
        default=len(_SEVERITY),
    )
    return worst, -len(vm["findings"])


def _numbered(view: Mapping[str, Any]) -> dict[str, list[tuple[int, str, Mapping[str, Any]]]]:
    """The findings by cause (most common first), each numbered in the order shown."""
    groups: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for diagnosis in view["diagnoses"]:
        for vm in diagnosis["vms"]:
            for finding in vm["findings"]:
                groups.setdefault(finding["cause"], []).append((diagnosis["host"], finding))
    numbered: dict[str, list[tuple[int, str, Mapping[str, Any]]]] = {}
    number = 0
    for cause, entries in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        numbered[cause] = []
        for host, finding in entries:
            number += 1
            numbered[cause].append((number, host, finding))
    return numbered


def _targets(
    numbered: Mapping[str, list[tuple[int, str, Mapping[str, Any]]]],
) -> dict[tuple[str, str, str | None], int]:
    """Where a cell links: (host, VM, service) -> the first finding number about it."""
    targets: dict[tuple[str, str, str | None], int] = {}
    for entries in numbered.values():
        for number, host, finding in entries:
            targets.setdefault((host, finding["vm"], finding["service"]), number)
            targets.setdefault((host, finding["vm"], "*"), number)
    return targets


def _services(view: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every service some VM reports on, in first-seen (catalog) order, with its name."""
    seen: dict[str, str] = {}
    for diagnosis in view["diagnoses"]:
        for vm in diagnosis["vms"]:
            for service in vm["services"]:
                seen.setdefault(service["service"], service["name"])
    return list(seen.items())


def _cell(service: Mapping[str, Any] | None, target: int | None) -> str:
    """One heat-map cell, built as a string: it is the page's innermost loop.

    The column names the service; the tooltip gives the verdict and its causes; a cell
    with a finding behind it links to that finding (*target*).
    """
    if service is None:
        # The diagnosis leaves out only what does not apply (PowerShell Direct in a Linux guest).
        return (
            '<td class="cell v-not_available" title="does not apply to this guest">'
            f"{SYMBOLS['not_available']}</td>"
        )
    verdict = service["verdict"]
    if verdict == "functioning":
        # The fleet's most common cell says only what its symbol says: no tooltip.
        return f'<td class="cell v-functioning">{SYMBOLS["functioning"]}</td>'
    tip = _label(verdict)
    causes = service.get("cause_labels") or [_label(cause) for cause in service["causes"]]
    if causes:
        tip += ": " + ", ".join(causes)
    symbol = SYMBOLS.get(verdict, "?")
    if target is not None:
        symbol = f'<a href="#finding-{target}">{symbol}</a>'
    return f'<td class="cell v-{_html.escape(verdict)}" title="{_html.escape(tip)}">{symbol}</td>'


def _link(
    targets: Mapping[tuple[str, str, str | None], int],
    host: str,
    vm: Mapping[str, Any],
    service: Mapping[str, Any] | None,
) -> int | None:
    """The finding a cell links to: about its service, else about its whole VM."""
    if service is None or service["verdict"] in {"functioning", "not_available", "off_by_default"}:
        return None
    found = targets.get((host, vm["vm"], service["service"]))
    if found is None:
        found = targets.get((host, vm["vm"], None), targets.get((host, vm["vm"], "*")))
    return found


def _grid(
    head: str,
    rows: list[tuple[str, Mapping[str, Any]]],
    services: list[tuple[str, str]],
    targets: Mapping[tuple[str, str, str | None], int],
) -> str:
    body = []
    for host, vm in rows:
        by_value = {s["service"]: s for s in vm["services"]}
        cells = "".join(
            _cell(by_value.get(value), _link(targets, host, vm, by_value.get(value)))
            for value, _ in services
        )
        body.append(
            f"<tr><td>{_html.escape(host)}</td><td>{_html.escape(vm['vm'])}</td>"
            f"<td>{_html.escape(vm['guest_os'] or 'unknown')}</td>{cells}</tr>\n"
        )
    rows_html = "".join(body)
    return f'<table class="heat"><thead><tr>{head}</tr></thead><tbody>\n{rows_html}</tbody></table>'


def _heatmap_html(
    view: Mapping[str, Any], targets: Mapping[tuple[str, str, str | None], int]
) -> _html.Markup:
    services = _services(view)
    head = "".join(
        f"<th>{_html.escape(h)}</th>"
        for h in ("host", "VM", "guest OS", *(name for _, name in services))
    )
    vms = [(d["host"], vm) for d in view["diagnoses"] for vm in d["vms"]]
    sick = sorted((entry for entry in vms if entry[1]["findings"]), key=lambda e: _rank(e[1]))
    healthy = [entry for entry in vms if not entry[1]["findings"]]
    legend = _html.element(
        "p",
        "Legend: ",
        _html.join(
            (
                _html.element("span", f"{symbol} {_label(verdict)}", class_=f"v-{verdict}")
                for verdict, symbol in SYMBOLS.items()
            ),
            "  ",
        ),
        ". A marked cell links to its finding.",
        class_="legend",
    )
    parts: list[object] = [_html.element("h2", "VM \u00d7 service"), legend]
    if sick:
        parts.append(_html.Markup(_grid(head, sick, services, targets)))
    if healthy:
        parts.append(
            _html.element(
                "details",
                _html.element("summary", f"Healthy VMs ({len(healthy)})"),
                _html.Markup(_grid(head, healthy, services, targets)),
                id="healthy",
            )
        )
    return _html.element("section", *parts, id="heatmap")


def _findings_html(
    numbered: Mapping[str, list[tuple[int, str, Mapping[str, Any]]]],
    failures: int,
    sources: Footnotes,
    connection: Reach,
) -> _html.Markup:
    parts: list[object] = [_html.element("h2", "Findings by cause")]
    index = [
        (cause, entries[0][2].get("cause_label", _label(cause)), len(entries))
        for cause, entries in numbered.items()
    ]
    if failures:
        index.append(("host_unreachable", "host unreachable", failures))
    if not index:
        parts.append(_html.element("p", "No findings: every VM of every host functions."))
    else:
        parts.append(
            _html.element(
                "ul",
                *(
                    _html.element(
                        "li",
                        _html.element("a", label, href=f"#cause-{cause}"),
                        f" ({_count(n, 'finding' if cause != 'host_unreachable' else 'host')})",
                    )
                    for cause, label, n in index
                ),
                class_="causes",
            )
        )
    for cause, entries in numbered.items():
        shown = entries if len(entries) <= _IN_FULL else entries[:_EXAMPLES]
        label = entries[0][2].get("cause_label", _label(cause))
        items = (
            _html.element(
                "li",
                _html.element("span", host, class_="host"),
                ": ",
                finding_html(finding, number=number, sources=sources, connection=connection),
            )
            for number, host, finding in shown
        )
        section: list[object] = [
            _html.element("h3", f"{label} ({_count(len(entries), 'finding')})"),
            _html.element("ul", *items),
        ]
        rest = entries[len(shown) :]
        if rest:
            # A fleet-sized group: the first ones in full, the others one row each (the
            # JSON and Markdown forms hold every finding's own commands).
            section.append(
                _html.element(
                    "details",
                    _html.element("summary", f"{len(rest)} more with this cause"),
                    _rest_table(rest),
                )
            )
        parts.append(_html.element("section", *section, id=f"cause-{cause}", class_="cause"))
    return _html.element("section", *parts, id="findings")


def _rest_table(rest: list[tuple[int, str, Mapping[str, Any]]]) -> _html.Markup:
    """The findings of a large group beyond the first ones: one row each, each its anchor."""
    head = "".join(f"<th>{h}</th>" for h in ("#", "host", "VM", "service", "verdict"))
    rows = "".join(
        f'<tr id="finding-{number}"><td>{number}</td><td>{_html.escape(host)}</td>'
        f"<td>{_html.escape(f['vm'])}</td><td>{_html.escape(f['service_name'] or '')}</td>"
        f"<td>{_html.escape(_label(f['verdict']))}</td></tr>"
        for number, host, f in rest
    )
    return _html.Markup(
        f'<table class="vmic"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _sources_html(sources: Footnotes) -> _html.Markup:
    if not sources:
        return _html.Markup("")
    return _html.element(
        "details",
        _html.element("summary", "Sources"),
        _html.element(
            "ul", *(_html.element("li", f"{mark} {text}") for mark, text in sources.items())
        ),
        id="sources",
    )


def _failures_html(failures: Iterable[tuple[str, str, str]]) -> _html.Markup:
    rows = list(failures)
    if not rows:
        return _html.Markup("")
    return _html.element(
        "section",
        _html.element("h2", "Hosts not audited"),
        _html.table(("host", "status", "error"), rows),
        id="cause-host_unreachable",
    )


def _compliance_html(compliance: Mapping[str, Any] | None) -> _html.Markup:
    """A policy's section: which policy, its headline, the services that do not comply."""
    if compliance is None:
        return _html.Markup("")
    parts: list[object] = [
        _html.element("h2", "Policy compliance"),
        _html.element(
            "p",
            f"Policy {compliance['source']} (sha256 {compliance['digest'][:12]}): "
            f"{compliance['headline']}",
            class_="headline",
        ),
    ]
    if compliance["rows"]:
        parts.append(_html.table(compliance["headers"], compliance["rows"]))
    return _html.element("section", *parts, id="compliance")


def _body(view: Mapping[str, Any], title: str, connection: Reach) -> _html.Markup:
    numbered = _numbered(view)
    sources = Footnotes("S")
    findings = _findings_html(numbered, len(view["failures"]), sources, connection)
    return _html.element(
        "div",
        _html.element("h1", title),
        _summary_html(view),
        _compliance_html(view.get("compliance")),
        _heatmap_html(view, _targets(numbered)),
        findings,
        _failures_html(view["failures"]),
        _sources_html(sources),
        class_="vmic-fleet",
    )


def fleet_fragment(
    view: Mapping[str, Any], *, title: str = "vmic fleet report", connection: Reach = None
) -> str:
    """The report as an HTML fragment with its own ``<style>`` (for Jupyter).

    *connection*: see :func:`fleet_page`.
    """
    return f"<style>{_CSS}</style>{_body(view, title, connection)}"


def fleet_page(
    view: Mapping[str, Any], *, title: str = "vmic fleet report", connection: Reach = None
) -> str:
    """The report as one self-contained HTML document (inline CSS, no scripts, no links out).

    *connection* says how the ``vmic`` commands of fixes reach each host: the options of
    the run that made the report (``["--lab", "demo"]``), each host's own by its name
    (an inventory's), or None for ``--host`` and the host's name; so every command shown
    runs as shown, as in the text and Markdown forms.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>{_body(view, title, connection)}</body></html>\n"
    )


# A host-side grid: what the host reports per VM and service, before any diagnosis.
_HOST_SYMBOLS: Final = {"on": "\u2713", "off": "\u2717", "other": "!"}


def observation_fragment(view: Mapping[str, Any]) -> str:
    """A host's observation: a one-line summary, then its VM x service grid (host side).

    *view* has ``host``, ``host_os`` and ``vms``, each with ``vm``, ``state``, ``guest_os``
    and ``services`` (``name``, ``state``: ``on``/``off``/``other``, ``text``).
    """
    names = list(dict.fromkeys(s["name"] for vm in view["vms"] for s in vm["services"]))
    rows = []
    for vm in view["vms"]:
        by_name = {s["name"]: s for s in vm["services"]}
        cells = []
        for name in names:
            entry = by_name.get(name)
            if entry is None:
                cells.append(_html.element("td", "?", class_="cell", title="not reported"))
                continue
            cells.append(
                _html.element(
                    "td",
                    _HOST_SYMBOLS[entry["state"]],
                    class_=f"cell h-{entry['state']}",
                    title=entry["text"],
                )
            )
        rows.append(
            _html.element(
                "tr",
                _html.element("td", vm["vm"]),
                _html.element("td", vm["state"]),
                _html.element("td", vm["guest_os"] or "unknown"),
                *cells,
            )
        )
    head = _html.element(
        "tr", *(_html.element("th", h) for h in ("VM", "state", "guest OS", *names))
    )
    summary = (
        f"{view['host']} ({view['host_os'] or 'host OS unknown'}): "
        f"{_count(len(view['vms']), 'VM')} observed, host side (not yet diagnosed)"
    )
    body = _html.element(
        "div",
        _html.element("p", summary, class_="headline"),
        _html.element(
            "table", _html.element("thead", head), _html.element("tbody", *rows), class_="heat"
        ),
        class_="vmic-fleet",
    )
    return f"<style>{_CSS}</style>{body}"
