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
    "Footnotes",
    "cell_text",
    "csv_text",
    "header_words",
    "in_words",
    "json_text",
    "markdown_table",
    "render_records",
    "text_table",
    "wrap_words",
]

#: The output formats every command offers.
FORMATS: Final = ("table", "markdown", "json", "csv")

_GAP: Final = "  "
# Below this many columns for its values, a stacked record puts each value under its label.
_MIN_VALUE_ROOM: Final = 20
# Paragraphs under a row (and stacked values) wrap at no fewer columns than this.
_MIN_PARAGRAPH: Final = 20
# Paragraphs under a row wrap at this width even on a wider terminal: long lines are hard
# to read.
READABLE: Final = 100


def cell_text(value: object) -> str:
    """A cell's words: None as empty, booleans as yes/no, lists joined with commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(item) for item in value)
    return str(value)


def wrap_words(
    text: str, width: int | None, indent: str = "", *, later: str | None = None
) -> list[str]:
    """*text* made visible and wrapped to *width* columns at spaces only, each line indented.

    A word (an identifier, a GUID, a path, ``legacy-win7``) is never split, not even at a
    hyphen: a word longer than the room is a line of its own, longer than *width*. None:
    one line. *later* is the indent of the lines after the first (default: *indent*).
    """
    shown = visible(text)
    rest = indent if later is None else later
    if width is None:
        return [indent + shown]
    room = max(width - max(len(indent), len(rest)), _MIN_PARAGRAPH)
    return textwrap.wrap(
        shown,
        room,
        initial_indent=indent,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _fit(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that add up to at most *room*, taking from the widest first."""
    widths = list(natural)
    while sum(widths) > room:
        index = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[index] <= floors[index]:
            break  # as narrow as it gets
        widths[index] -= 1
    return widths


def _widths(heads: list[str], cells: list[list[str]], room: int) -> list[int] | None:
    """Column widths that fit *room* without splitting a word, or None when none do.

    Natural widths when they fit; else the widest columns get narrower, down to their
    longest word (header included), and their cells wrap at spaces.
    """
    natural = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(heads)]
    if sum(natural) <= room:
        return natural
    floors = [
        max([_longest_word(h), *(_longest_word(row[i]) for row in cells), 1])
        for i, h in enumerate(heads)
    ]
    if sum(floors) > room:
        return None
    return _fit(natural, floors, room)


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    width: int | None = None,
    indent: str = "",
    paint: Callable[[str, str, str], str] | None = None,
    below: Sequence[str] | None = None,
    verbatim: Sequence[Sequence[str]] | None = None,
) -> str:
    """Align *rows* under *headers*, each line at most *width* columns (None: no limit).

    Every cell is made :func:`~vmic.render.visible` first, so it stays on its line. When
    the table is wider than *width*, the widest columns get narrower and their cells wrap
    at spaces; when even that cannot fit without splitting a word (an identifier, a GUID),
    each row becomes a block of ``header: value`` lines instead (the stacked layout). No
    word is ever split. *paint* may colour a cell's text (widths are measured without
    it). ``below[i]``, when given, is a paragraph printed under row *i*, indented and
    wrapped to *width*; ``verbatim[i]`` are lines printed under it as they are (commands
    to copy: never wrapped or cut).
    """
    cells = [[visible(cell_text(value)) for value in row] for row in rows]
    heads = [visible(header) for header in headers]
    widths: list[int] | None = [
        max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(heads)
    ]
    if width is not None:
        widths = _widths(heads, cells, width - len(indent) - len(_GAP) * (len(heads) - 1))
    if widths is None:
        return _stacked(
            heads,
            cells,
            width=width,
            indent=indent,
            paint=paint,
            below=below,
            verbatim=verbatim,
        )
    lines = [*_physical(heads, widths, indent, None, heads), _rule(widths, indent)]
    for number, row in enumerate(cells):
        lines.extend(_physical(row, widths, indent, paint, heads))
        lines.extend(_under(number, below, verbatim, width, indent + "    "))
    return "\n".join(lines) + "\n"


def _under(
    number: int,
    below: Sequence[str] | None,
    verbatim: Sequence[Sequence[str]] | None,
    width: int | None,
    indent: str,
) -> list[str]:
    """The paragraph and the verbatim lines printed under row *number*."""
    lines = []
    if below is not None and below[number]:
        readable = None if width is None else min(width, READABLE + len(indent))
        lines.extend(wrap_words(below[number], readable, indent))
    if verbatim is not None:
        lines.extend(indent + visible(line) for line in verbatim[number])
    return lines


def _stacked(
    heads: Sequence[str],
    cells: Sequence[Sequence[str]],
    *,
    width: int | None,
    indent: str,
    paint: Callable[[str, str, str], str] | None,
    below: Sequence[str] | None,
    verbatim: Sequence[Sequence[str]] | None,
) -> str:
    """Each row as a block of ``header: value`` lines, a blank line between blocks.

    Values wrap at spaces after their label; when the labels leave too little room, each
    value goes under its label instead. Empty values are left out.
    """
    label = max(len(h) for h in heads) + 2
    under = width is not None and width - len(indent) - label < _MIN_VALUE_ROOM
    blocks = []
    for number, row in enumerate(cells):
        lines = []
        for head, cell in zip(heads, row, strict=True):
            if not cell:
                continue
            if under:
                lines.append(f"{indent}{head}:")
                pieces = wrap_words(cell, width, indent + "    ")
            else:
                first = f"{indent}{head}:".ljust(len(indent) + label)
                pieces = wrap_words(cell, width, first, later=" " * len(first))
            if paint is not None:
                pieces = [_painted(piece, head, cell, paint) for piece in pieces]
            lines.extend(pieces)
        lines.extend(_under(number, below, verbatim, width, indent + "    "))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _painted(line: str, head: str, cell: str, paint: Callable[[str, str, str], str]) -> str:
    """*line* of a stacked value with its text (not its label or indent) painted."""
    text = line.lstrip()
    lead = line[: len(line) - len(text)]
    if text.startswith(f"{head}:"):
        label = f"{head}:"
        value = text[len(label) :].lstrip()
        lead += text[: len(text) - len(value)]
        text = value
    return lead + paint(head, cell, text) if text else line


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
        textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=False) or [""]
        if len(text) > w
        else [text]
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


class Footnotes:
    """Notes said once: each distinct text gets a number, cells refer to it (``[1]``).

    A note that many rows share (an inference, a page's remark) would otherwise be
    repeated on every row; it is printed once, under the table, by :meth:`lines`.
    *prefix* tells one kind of note from another (``[S1]`` for sources).

    >>> notes = Footnotes()
    >>> notes.mark("Inferred."), notes.mark("Other."), notes.mark("Inferred.")
    ('[1]', '[2]', '[1]')
    >>> notes.marks(["Other.", "Inferred."]), notes.lines(None)
    ('[1] [2]', ['[1] Inferred.', '[2] Other.'])
    """

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix
        self._numbers: dict[str, int] = {}

    def _ref(self, number: int) -> str:
        return f"[{self._prefix}{number}]"

    def mark(self, text: str) -> str:
        """The reference to *text* (``[n]``), numbering it if it is new; "" for no text."""
        if not text:
            return ""
        return self._ref(self._numbers.setdefault(text, len(self._numbers) + 1))

    def marks(self, texts: Iterable[str]) -> str:
        """The references to each of *texts*, in number order, space-separated."""
        numbers = sorted({self._numbers.setdefault(t, len(self._numbers) + 1) for t in texts if t})
        return " ".join(self._ref(number) for number in numbers)

    def __bool__(self) -> bool:
        return bool(self._numbers)

    def items(self) -> list[tuple[str, str]]:
        """``("[n]", text)`` in number order."""
        return [(self._ref(number), text) for text, number in self._numbers.items()]

    def lines(self, width: int | None, indent: str = "") -> list[str]:
        """Each note, wrapped to *width* under its reference."""
        lines = []
        for mark, text in self.items():
            first = f"{indent}{mark} "
            lines.extend(wrap_words(text, width, first, later=" " * len(first)))
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


def header_words(column: str) -> str:
    """A column's key as a header a person reads: ``guest_os`` -> ``guest OS``, ``vm`` -> ``VM``.

    >>> [header_words(c) for c in ("vm", "guest_os", "host_status", "vm_id")]
    ['VM', 'guest OS', 'host status', 'VM id']
    """
    words = column.split("_")
    return " ".join(_HEADER_WORDS.get(word, word) for word in words)


# Words a header spells otherwise than its key does.
_HEADER_WORDS: Final = {"vm": "VM", "vms": "VMs", "os": "OS", "guid": "GUID", "ip": "IP"}


def in_words(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    words: Mapping[str, Callable[[Any], object]],
) -> tuple[list[str], list[list[object]]]:
    """Headers and rows of *records* in words, as people read them (any layout's cells).

    Each column's header by :func:`header_words`; each value of a column *words* has a
    function for said by it (an empty value stays as it is).
    """
    headers = [header_words(column) for column in columns]
    rows: list[list[object]] = [
        [
            words[column](value) if column in words and value not in (None, "") else value
            for column, value in ((column, record.get(column)) for column in columns)
        ]
        for record in records
    ]
    return headers, rows


def render_records(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    output_format: str,
    *,
    width: int | None = None,
    paint: Callable[[str, str, str], str] | None = None,
    words: Mapping[str, Callable[[Any], object]] | None = None,
) -> str:
    """Records as a text table, Markdown, JSON (every field) or CSV (*columns* only).

    JSON and CSV keep the values and the keys as they are. With *words* (for the human
    formats, a function per column that says a value in words: a service's name for its
    value), the table and Markdown show those words under headers in words
    (:func:`header_words`), so a narrow terminal wraps them at spaces.
    """
    if output_format == "json":
        return json_text(list(records)) + "\n"
    rows = [[record.get(column) for column in columns] for record in records]
    if output_format == "csv":
        return csv_text(columns, rows)
    headers: Sequence[str] = columns
    if words is not None:
        headers, rows = in_words(records, columns, words)
    if output_format == "markdown":
        return markdown_table(headers, rows)
    if output_format == "table":
        return text_table(headers, rows, width=width, paint=paint)
    known = ", ".join(FORMATS)
    raise ConfigurationError(f"unknown output format {output_format!r}; known: {known}")
