"""A fleet audit report as text, Markdown, CSV and HTML, from its plain view data.

The view is the dict :meth:`vmic.audit.AuditReport.render` builds: ``summary`` and
``findings`` (the rows) as in its JSON, ``shown`` (the same rows in the words a person
reads: service names, cause and verdict labels, which text and Markdown show),
``failures`` (host, status, error) and ``diagnoses`` (each audited host's diagnosis
view, see :mod:`vmic.render._diagnosis`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.render import _html
from vmic.render._diagnosis import diagnosis_html
from vmic.render._escape import markdown_escape, visible
from vmic.render._tables import csv_text, markdown_table, text_table
from vmic.render._terminal import paint_verdict

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from vmic.render._diagnosis import Reach

__all__ = ["audit_csv", "audit_headline", "audit_html", "audit_markdown", "audit_text"]

_NO_FINDINGS: Final = "No findings: every VM of every host functions."
# Column headers in words (the others are their key with spaces).
_HEADERS: Final = {"vm": "VM", "host_status": "host status"}


def _headers(columns: Sequence[str]) -> list[str]:
    return [_HEADERS.get(column, column.replace("_", " ")) for column in columns]


def audit_headline(summary: Mapping[str, Any]) -> str:
    """One line: how many hosts, failures, VMs and findings, and how long it took."""
    return (
        f"{summary['hosts']} hosts ({summary['failed']} not audited), {summary['vms']} VMs "
        f"({summary['healthy_vms']} healthy), {summary['findings']} findings in "
        f"{summary['duration']:.1f}s"
    )


def _rows(
    view: Mapping[str, Any], columns: Sequence[str], key: str = "findings"
) -> list[list[str]]:
    return [[row.get(column, "") for column in columns] for row in view[key]]


def audit_text(
    view: Mapping[str, Any],
    columns: Sequence[str],
    *,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """The headline and a table of *columns*, each row's explanation under it.

    Lines fit *width* columns (None: no limit); a host that could not be audited has its
    status in front of the explanation.
    """
    headline = visible(audit_headline(view["summary"]))
    if not view["findings"]:
        return f"{headline}\n{_NO_FINDINGS}\n"
    shown = view.get("shown", view["findings"])
    below = [
        row["explanation"]
        if row["host_status"] == "ok"
        else f"{row['host_status']}: {row['explanation']}"
        for row in shown
    ]
    paint = _paint if colour else None
    rows = [[row.get(column, "") for column in columns] for row in shown]
    table = text_table(_headers(columns), rows, width=width, paint=paint, below=below)
    return f"{headline}\n\n{table}"


def _paint(header: str, cell: str, piece: str) -> str:
    return paint_verdict(cell, piece) if header == "verdict" else piece


def audit_markdown(view: Mapping[str, Any], columns: Sequence[str]) -> str:
    """The headline and a Markdown table of *columns*."""
    lines = [f"**vmic audit**: {markdown_escape(audit_headline(view['summary']))}", ""]
    if not view["findings"]:
        return "\n".join([*lines, _NO_FINDINGS, ""])
    key = "shown" if "shown" in view else "findings"
    return "\n".join(lines) + "\n" + markdown_table(_headers(columns), _rows(view, columns, key))


def audit_csv(view: Mapping[str, Any], columns: Sequence[str]) -> str:
    """The rows as CSV with a header line."""
    return csv_text(columns, _rows(view, columns))


def audit_html(view: Mapping[str, Any], *, connection: Reach = None) -> str:
    """The headline, the hosts not audited, then each audited host's diagnosis.

    *connection* says how the ``vmic`` commands of fixes reach each host (as for
    :func:`~vmic.render.fleet_page`; None: ``--host NAME``).
    """
    parts: list[object] = [_html.element("h3", f"vmic audit: {audit_headline(view['summary'])}")]
    if view["failures"]:
        parts.append(
            _html.table(("host", "status", "error"), view["failures"], caption="Hosts not audited")
        )
    parts.extend(diagnosis_html(diagnosis, connection) for diagnosis in view["diagnoses"])
    return str(_html.element("div", *parts, class_="vmic-audit"))
