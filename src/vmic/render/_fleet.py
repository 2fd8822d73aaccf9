"""The fleet report as one self-contained HTML page, and its fragment for Jupyter.

The page opens with the fleet summary (hosts audited and failed, VMs healthy and with
findings, findings by cause), then a VM x service heat map, then the findings grouped by
cause with their fixes, the hosts not audited, and the healthy VMs folded under
``<details>``. It needs no JavaScript and loads nothing: the CSS is inline, there are no
images, scripts, fonts or links out.

Every heat-map cell carries its verdict three ways, so no reader depends on colour: a
colour (class ``v-<verdict>``), a symbol (the legend spells each out), and a ``title``
tooltip with the verdict and its causes (the column names the service; a functioning
cell, the most common, has no cause and no tooltip). Each cell is a ``<td>`` with the
class ``cell``, one per VM and service.

The view is :meth:`vmic.fleet.AuditReport` 's plain data: ``summary``, ``failures``
(host, status, error) and ``diagnoses`` (each audited host's diagnosis view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._audit import audit_headline
from vmic.render._diagnosis import finding_html

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

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
    causes: dict[str, int] = {}
    for diagnosis in view["diagnoses"]:
        for vm in diagnosis["vms"]:
            for finding in vm["findings"]:
                causes[finding["cause"]] = causes.get(finding["cause"], 0) + 1
    if view["failures"]:
        causes["host_unreachable"] = len(view["failures"])
    rows = [
        ("hosts audited", summary["audited"], "hosts-audited"),
        ("hosts not audited", summary["failed"], "hosts-failed"),
        ("VMs healthy", summary["healthy_vms"], "vms-healthy"),
        ("VMs with findings", with_findings, "vms-findings"),
        ("findings", summary["findings"], "findings"),
    ]
    counts = _html.element(
        "table",
        _html.element(
            "tbody",
            *(
                _html.element("tr", _html.element("th", name), _html.element("td", n, class_="n"))
                for name, n, _ in rows
            ),
        ),
        class_="counts",
    )
    ranked = sorted(causes.items(), key=lambda item: (-item[1], item[0]))
    by_cause = _html.element(
        "table",
        _html.element(
            "thead", _html.element("tr", *(_html.element("th", h) for h in ("cause", "count")))
        ),
        _html.element(
            "tbody",
            *(
                _html.element(
                    "tr",
                    _html.element("td", _html.element("a", cause, href=f"#cause-{cause}")),
                    _html.element("td", n, class_="n"),
                )
                for cause, n in ranked
            ),
        ),
        class_="causes",
    )
    parts: list[object] = [_html.element("h2", "Fleet summary"), counts]
    if ranked:
        parts.extend([_html.element("h3", "Findings by cause"), by_cause])
    return _html.element("section", *parts, id="summary", class_="summary")


def _services(view: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every service some VM reports on, in first-seen (catalog) order, with its name."""
    seen: dict[str, str] = {}
    for diagnosis in view["diagnoses"]:
        for vm in diagnosis["vms"]:
            for service in vm["services"]:
                seen.setdefault(service["service"], service["name"])
    return list(seen.items())


def _cell(service: Mapping[str, Any] | None) -> str:
    """One heat-map cell, built as a string: it is the page's innermost loop.

    The column names the service; the tooltip gives the verdict and its causes.
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
    if service["causes"]:
        tip += ": " + ", ".join(_label(cause) for cause in service["causes"])
    return (
        f'<td class="cell v-{_html.escape(verdict)}" title="{_html.escape(tip)}">'
        f"{SYMBOLS.get(verdict, '?')}</td>"
    )


def _heatmap_html(view: Mapping[str, Any]) -> _html.Markup:
    services = _services(view)
    head = "".join(
        f"<th>{_html.escape(h)}</th>"
        for h in ("host", "VM", "guest OS", *(name for _, name in services))
    )
    rows: list[str] = []
    for diagnosis in view["diagnoses"]:
        host = _html.escape(diagnosis["host"])
        for vm in diagnosis["vms"]:
            by_value = {s["service"]: s for s in vm["services"]}
            cells = "".join(_cell(by_value.get(value)) for value, _ in services)
            rows.append(
                f"<tr><td>{host}</td><td>{_html.escape(vm['vm'])}</td>"
                f"<td>{_html.escape(vm['guest_os'] or 'unknown')}</td>{cells}</tr>\n"
            )
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
        class_="legend",
    )
    body = "".join(rows)
    table = _html.Markup(
        f'<table class="heat"><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>'
    )
    return _html.element(
        "section", _html.element("h2", "VM \u00d7 service"), legend, table, id="heatmap"
    )


def _findings_html(view: Mapping[str, Any]) -> _html.Markup:
    groups: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for diagnosis in view["diagnoses"]:
        for vm in diagnosis["vms"]:
            for finding in vm["findings"]:
                groups.setdefault(finding["cause"], []).append((diagnosis["host"], finding))
    parts: list[object] = [_html.element("h2", "Findings by cause")]
    if not groups:
        parts.append(_html.element("p", "No findings: every VM of every host functions."))
    for cause, entries in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = entries if len(entries) <= _IN_FULL else entries[:_EXAMPLES]
        items = (
            _html.element("li", _html.element("span", host, class_="host"), ": ", finding_html(f))
            for host, f in shown
        )
        section: list[object] = [
            _html.element("h3", f"{_label(cause)} ({_count(len(entries), 'finding')})"),
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
                    _html.table(
                        ("host", "VM", "service", "verdict"),
                        (
                            (host, f["vm"], f["service_name"] or "", _label(f["verdict"]))
                            for host, f in rest
                        ),
                    ),
                )
            )
        parts.append(_html.element("section", *section, id=f"cause-{cause}", class_="cause"))
    return _html.element("section", *parts, id="findings")


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


def _healthy_html(view: Mapping[str, Any]) -> _html.Markup:
    rows = [
        (diagnosis["host"], vm["vm"], vm["state"], vm["guest_os"] or "unknown")
        for diagnosis in view["diagnoses"]
        for vm in diagnosis["vms"]
        if not vm["findings"]
    ]
    return _html.element(
        "details",
        _html.element("summary", f"Healthy VMs ({len(rows)})"),
        _html.table(("host", "VM", "state", "guest OS"), rows),
        id="healthy",
    )


def _body(view: Mapping[str, Any], title: str) -> _html.Markup:
    return _html.element(
        "div",
        _html.element("h1", title),
        _html.element("p", audit_headline(view["summary"]), class_="headline"),
        _summary_html(view),
        _heatmap_html(view),
        _findings_html(view),
        _failures_html(view["failures"]),
        _healthy_html(view),
        class_="vmic-fleet",
    )


def fleet_fragment(view: Mapping[str, Any], *, title: str = "vmic fleet report") -> str:
    """The report as an HTML fragment with its own ``<style>`` (for Jupyter)."""
    return f"<style>{_CSS}</style>{_body(view, title)}"


def fleet_page(view: Mapping[str, Any], *, title: str = "vmic fleet report") -> str:
    """The report as one self-contained HTML document (inline CSS, no scripts, no links out)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>{_body(view, title)}</body></html>\n"
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
