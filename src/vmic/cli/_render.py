"""Plain-text tables and the output formats shared by every command."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any, Final

from vmic._csv import csv_text

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["FORMATS", "emit", "render_records", "text_table", "visible"]

FORMATS: Final = ("table", "markdown", "json", "csv")

# Control characters other than tab and newline: a VM, service or host name that carries
# them (ESC sequences, carriage returns, bells) must not reach the reader's terminal raw.
_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str) -> str:
    r"""*text* with control characters other than tab and newline shown as ``\xNN``."""
    return _CONTROL_RE.sub(_visible, text)


def emit(text: str) -> None:
    """Write command output to stdout, control characters made visible."""
    sys.stdout.write(visible(text))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def text_table(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Align *columns* of *records* under a header, one record a line."""
    rows = [[_cell(record.get(column)) for column in columns] for record in records]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    return "\n".join(lines) + "\n"


def _markdown(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines.extend(
        "| " + " | ".join(esc(_cell(record.get(c))) for c in columns) + " |" for record in records
    )
    return "\n".join(lines) + "\n"


def render_records(
    records: Sequence[dict[str, Any]], columns: Sequence[str], output_format: str
) -> str:
    """Render records as a text table, Markdown, JSON (all fields) or CSV."""
    if output_format == "json":
        return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        return csv_text(columns, ([_cell(record.get(c)) for c in columns] for record in records))
    if output_format == "markdown":
        return _markdown(records, columns)
    return text_table(records, columns)
