"""The one table writer (text, Markdown, CSV) and the one JSON writer, over plain rows."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Final

from vmic.errors import ConfigurationError
from vmic.render._escape import json_visible, markdown_escape, spreadsheet_safe, visible

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "FORMATS",
    "cell_text",
    "csv_text",
    "json_text",
    "markdown_table",
    "render_records",
    "text_table",
]

#: The output formats every command offers.
FORMATS: Final = ("table", "markdown", "json", "csv")

_GAP: Final = "  "
# A column is never squeezed below its header or this many characters.
_MIN_COLUMN: Final = 4
# Words longer than this may be cut when a column must get narrower than the word.
_MAX_WORD: Final = 20


def cell_text(value: object) -> str:
    """A cell's words: None as empty, booleans as yes/no, lists joined with commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(item) for item in value)
    return str(value)


def _fit(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that add up to at most *room*, taking from the widest first."""
    widths = list(natural)
    while sum(widths) > room:
        index = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[index] <= floors[index]:
            break  # as narrow as it gets
        widths[index] -= 1
    return widths


def _widths(heads: list[str], cells: list[list[str]], room: int) -> list[int]:
    """Natural widths; else narrower ones that wrap at spaces; else ones that cut words."""
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(heads)]
    longest_word = [
        max([0, *(len(word) for row in cells for word in row[i].split())])
        for i in range(len(heads))
    ]
    for cap in (None, _MAX_WORD, _MIN_COLUMN):
        floors = [
            min(w, max(len(h), _MIN_COLUMN, word if cap is None else min(word, cap)))
            for w, h, word in zip(widths, heads, longest_word, strict=True)
        ]
        widths = _fit(widths, floors, room)
        if sum(widths) <= room:
            break
    return widths


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    width: int | None = None,
    indent: str = "",
    paint: Callable[[str, str, str], str] | None = None,
    below: Sequence[str] | None = None,
) -> str:
    """Align *rows* under *headers*, each line at most *width* columns (None: no limit).

    Every cell is made :func:`~vmic.render.visible` first, so it stays on its line. When
    the table is wider than *width*, the widest columns get narrower and their cells wrap
    onto more lines (at spaces when they can). *paint* may colour a cell's text (widths
    are measured without it). ``below[i]``, when given, is a paragraph printed under row
    *i*, indented and wrapped to *width*.
    """
    cells = [[visible(cell_text(value)) for value in row] for row in rows]
    heads = [visible(header) for header in headers]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(heads)]
    if width is not None:
        widths = _widths(heads, cells, width - len(indent) - len(_GAP) * (len(heads) - 1))
    lines = [*_physical(heads, widths, indent, None, heads), _rule(widths, indent)]
    for number, row in enumerate(cells):
        lines.extend(_physical(row, widths, indent, paint, heads))
        if below is not None and below[number]:
            lines.extend(_paragraph(below[number], width, indent + "    "))
    return "\n".join(lines) + "\n"


def _paragraph(text: str, width: int | None, indent: str) -> list[str]:
    shown = visible(text)
    if width is None:
        return [indent + shown]
    room = max(width - len(indent), _MAX_WORD)
    return textwrap.wrap(shown, room, initial_indent=indent, subsequent_indent=indent)


def _rule(widths: Sequence[int], indent: str) -> str:
    return indent + _GAP.join("-" * w for w in widths)


def _physical(
    row: Sequence[str],
    widths: Sequence[int],
    indent: str,
    paint: Callable[[str, str, str], str] | None,
    heads: Sequence[str],
) -> list[str]:
    wrapped = [
        textwrap.wrap(text, w, break_on_hyphens=False) or [""] if len(text) > w else [text]
        for text, w in zip(row, widths, strict=True)
    ]
    height = max(len(pieces) for pieces in wrapped)
    lines = []
    for number in range(height):
        segments = []
        for column, (pieces, w) in enumerate(zip(wrapped, widths, strict=True)):
            piece = pieces[number] if number < len(pieces) else ""
            shown = paint(heads[column], row[column], piece) if paint and piece else piece
            segments.append(shown + " " * (w - len(piece)))
        lines.append((indent + _GAP.join(segments)).rstrip())
    return lines


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown (GFM) table; every cell escaped with :func:`~vmic.render.markdown_escape`.

    The headers are the caller's own words (column names), shown as they are.
    """
    lines = [
        "| " + " | ".join(visible(h).replace("|", "\\|") for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines.extend(
        "| " + " | ".join(markdown_escape(cell_text(value)) for value in row) + " |" for row in rows
    )
    return "\n".join(lines) + "\n"


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header line and one line per row.

    Every cell is made :func:`~vmic.render.visible` (so each row is one line) and
    spreadsheet-safe (a formula-like cell is kept as text).
    """
    import csv  # noqa: PLC0415 - only when writing CSV
    import io  # noqa: PLC0415

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([visible(h) for h in headers])
    writer.writerows([spreadsheet_safe(visible(cell_text(c))) for c in row] for row in rows)
    return buffer.getvalue()


def json_text(data: object, *, indent: int | None = 2) -> str:
    r"""*data* as JSON (no trailing newline), by :mod:`json` and the one sanitising policy.

    Valid whatever the strings hold, and every value round-trips exactly: :mod:`json`
    escapes the C0 controls itself, and :func:`~vmic.render.json_visible` writes the other
    control, bidi and invisible characters and lone surrogates as ``\u`` escapes, so the
    text holds none of them raw (and always encodes as UTF-8).

    With *indent*, the outer two levels of objects and arrays are laid out one member
    per line and everything deeper is written on its member's line (a host, a finding,
    a row per line). Every value goes through the C encoder: ``json.dumps(indent=...)``
    takes the pure-Python one, several times slower and far hungrier for a fleet.
    None: one compact line.
    """
    import json  # noqa: PLC0415 - only when writing JSON

    if indent is None:
        return json_visible(json.dumps(data, ensure_ascii=False))
    encode = json.JSONEncoder(ensure_ascii=False).encode
    parts: list[str] = []
    _layout(data, encode, " " * indent, 0, parts)
    return json_visible("".join(parts))


#: Levels of nesting :func:`json_text` lays out one member per line.
_LAID_OUT: Final = 2


def _layout(
    data: object, encode: Callable[[object], str], step: str, depth: int, parts: list[str]
) -> None:
    """Append *data* as JSON to *parts*, laying out the outer levels (see json_text)."""
    if depth >= _LAID_OUT:
        parts.append(encode(data))
        return
    members: list[tuple[str | None, object]]
    if type(data) is dict and all(type(key) is str for key in data):
        members = list(data.items())
    elif type(data) is list or type(data) is tuple:
        members = [(None, item) for item in data]
    else:
        members = []  # a scalar, or an object whose keys json turns into text itself
    if not members:
        parts.append(encode(data))
        return
    is_object = type(data) is dict
    inner = "\n" + step * (depth + 1)
    parts.append("{" if is_object else "[")
    for index, (key, item) in enumerate(members):
        parts.append(inner if index == 0 else "," + inner)
        if key is not None:
            parts.append(encode(key) + ": ")
        _layout(item, encode, step, depth + 1, parts)
    parts.append("\n" + step * depth + ("}" if is_object else "]"))


def render_records(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    output_format: str,
    *,
    width: int | None = None,
    paint: Callable[[str, str, str], str] | None = None,
) -> str:
    """Records as a text table, Markdown, JSON (every field) or CSV (*columns* only)."""
    if output_format == "json":
        return json_text(list(records)) + "\n"
    rows = [[record.get(column) for column in columns] for record in records]
    if output_format == "csv":
        return csv_text(columns, rows)
    if output_format == "markdown":
        return markdown_table(columns, rows)
    if output_format == "table":
        return text_table(columns, rows, width=width, paint=paint)
    known = ", ".join(FORMATS)
    raise ConfigurationError(f"unknown output format {output_format!r}; known: {known}")
