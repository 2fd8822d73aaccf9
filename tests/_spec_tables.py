"""Read the specification's update tables (Italian Markdown) into plain tuples for the tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

SPEC_TABLES: Final = Path(__file__).parent / "data" / "spec" / "update-tables.it.md"

_HEADING = re.compile(
    r"^\*\*Per le macchine virtuali in esecuzione (?:in|negli) host (?P<hosts>.+):\*\*$"
)
_ROW = re.compile(r"^\|(?P<cells>.*)\|\s*$")

SEPARATOR: Final = ("-", "", "")


def _hosts(text: str) -> list[str]:
    names: list[str] = []
    for raw in text.split("/"):
        part = raw.strip()
        # "Windows Server 2016/2019": the bare year continues the previous family.
        if part.isdigit() and names:
            names.append(names[-1].rsplit(" ", 1)[0] + " " + part)
        else:
            names.append(part)
    return names


def read_tables(text: str | None = None) -> list[tuple[list[str], list[tuple[str, str, str]]]]:
    """[(host names, [(guest, mechanism, notes) or SEPARATOR, ...]), ...] in document order."""
    source = SPEC_TABLES.read_text(encoding="utf-8") if text is None else text
    tables: list[tuple[list[str], list[tuple[str, str, str]]]] = []
    rows: list[tuple[str, str, str]] | None = None
    for line in source.splitlines():
        heading = _HEADING.match(line.strip())
        if heading:
            rows = []
            tables.append((_hosts(heading.group("hosts")), rows))
            continue
        match = _ROW.match(line.strip())
        if match is None or rows is None:
            continue
        cells = [c.strip() for c in match.group("cells").split("|")]
        if cells[0] in {"Guest", ""} or (set(cells[0]) <= {":", "-"} and cells[0] != "-"):
            continue
        guest, mechanism, notes = [*cells, "", ""][:3]
        rows.append((guest, mechanism, notes))
    return tables
