"""Read and write the text of PowerShell's ``Format-Table``.

Grammar of what :func:`read_tables` accepts (one table or several in a row)::

    text    = { junk-line } table { table }
    table   = header dashes { row | blank-line }
    header  = labels, each starting at the column of the dash run under it
    dashes  = runs of "-" separated by spaces, one run per column, as long as its label
    row     = cells; column i spans from the start of run i to the start of run i + 1
              (the last column to the end of the line)

Columns are measured in terminal cells, as PowerShell lays them out: East Asian
wide characters take two. Rows may be shorter than the header (empty trailing
cells) and lines may end in CRLF. A value that crosses a column start (a
right-aligned number wider than its label) is given to the column it ends in.
Anything before the first header is ignored (a prompt, a blank line).

:func:`render_table` writes what ``Out-String`` gives for a table: a blank line,
the header, the dashes, the rows, and two blank lines.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Table", "cell_width", "read_tables", "render_table", "truncate"]

_DASHES_RE: Final = re.compile(r"-+")
_WIDTHS: Final[dict[str, int]] = {}


def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is None:
        width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if len(_WIDTHS) < 65536:
            _WIDTHS[char] = width
    return width


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (wide characters count two)."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def _indices(line: str, columns: Iterable[int]) -> list[int]:
    """The character index where each display column (ascending) starts in ``line``."""
    if line.isascii():
        size = len(line)
        return [min(column, size) for column in columns]
    result: list[int] = []
    targets = iter(columns)
    target = next(targets, None)
    width = 0
    for index, char in enumerate(line):
        while target is not None and width >= target:
            result.append(index)
            target = next(targets, None)
        if target is None:
            return result
        width += _char_width(char)
    while target is not None:
        result.append(len(line))
        target = next(targets, None)
    return result


class Table:
    """One table: its column labels and the lines of its rows.

    Attributes:
        offset: Character offset of the header line in the text.
        names: The column labels, as shown.
        starts: Display column where each column starts.
        rows: ``(offset, line)`` of every non-blank row, line break removed.
    """

    __slots__ = ("_by_name", "names", "offset", "rows", "starts")

    def __init__(self, offset: int, names: tuple[str, ...], starts: tuple[int, ...]) -> None:
        self.offset = offset
        self.names = names
        self.starts = starts
        self.rows: list[tuple[int, str]] = []
        self._by_name = {name.casefold(): index for index, name in reversed(list(enumerate(names)))}

    def column(self, name: str) -> int | None:
        """Index of the column labelled ``name`` (any case), or None."""
        return self._by_name.get(name.casefold())

    def _cuts(self, line: str) -> list[int]:
        size = len(line)
        cuts = [0]
        for bound in _indices(line, self.starts[1:]):
            previous = cuts[-1]
            cut = max(bound, previous)
            if previous < cut < size and line[cut - 1] != " " and line[cut] != " ":
                # The text runs across the column start: it belongs to the column it ends in.
                space = line.rfind(" ", previous, cut)
                if space >= previous:
                    cut = space + 1
            cuts.append(cut)
        cuts.append(size)
        return cuts

    def cells(self, line: str) -> list[str]:
        """The cells of a row, stripped; one per column ("" where the row is short)."""
        cuts = self._cuts(line)
        return [line[cuts[i] : cuts[i + 1]].strip() for i in range(len(self.names))]

    def cell_offset(self, row: tuple[int, str], column: int) -> int:
        """Character offset (in the whole text) of the first character of a cell."""
        offset, line = row
        cuts = self._cuts(line)
        start = cuts[column]
        text = line[start : cuts[column + 1]]
        return offset + start + (len(text) - len(text.lstrip()))


def _labels(header: str, runs: list[tuple[int, int]]) -> tuple[str, ...] | None:
    """The labels over each dash run, or None if the runs do not underline labels."""
    bounds = _indices(header, [point for run in runs for point in run])
    labels = []
    for i in range(len(runs)):
        first, end = bounds[2 * i], bounds[2 * i + 1]
        # The label must start at the run's first column and end at its last one.
        if end <= first or header[first] == " " or header[end - 1] == " ":
            return None
        labels.append(header[first:end].strip())
    return tuple(labels)


def read_tables(text: str) -> list[Table]:
    """Every table in ``text``, in order (see the module docstring for the grammar)."""
    tables: list[Table] = []
    current: Table | None = None
    previous: str | None = None
    previous_offset = 0
    offset = 0
    for raw in text.split("\n"):
        line = raw.removesuffix("\r")
        if previous is not None and "-" in line and not line.strip(" -") and previous.strip(" -"):
            runs = [(match.start(), match.end()) for match in _DASHES_RE.finditer(line)]
            names = _labels(previous, runs)
            if names is not None:
                if current is not None and current.rows and current.rows[-1][0] == previous_offset:
                    current.rows.pop()
                current = Table(previous_offset, names, tuple(run[0] for run in runs))
                tables.append(current)
                previous = None
                offset += len(raw) + 1
                continue
        if current is not None and line.strip():
            current.rows.append((offset, line))
        previous = line
        previous_offset = offset
        offset += len(raw) + 1
    return tables


def truncate(text: str, width: int, ellipsis: str) -> str:
    """``text`` cut to ``width`` cells with ``ellipsis`` at the end, as PowerShell cuts a cell."""
    if cell_width(text) <= width:
        return text
    room = max(width - cell_width(ellipsis), 0)
    kept: list[str] = []
    used = 0
    for char in text:
        used += _char_width(char)
        if used > room:
            break
        kept.append(char)
    return "".join(kept) + ellipsis


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_width(text))


def render_table(
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int] | None = None,
    ellipsis: str = "...",
    newline: str = "\r\n",
) -> str:
    """Lay rows out as ``Format-Table`` does; "" for no rows (PowerShell prints nothing).

    Args:
        names: Column labels.
        rows: One sequence of cell texts per row.
        widths: Fixed column widths (a view's declared widths): longer cells are cut
            with ``ellipsis``. None sizes every column to its widest cell or label
            (``-AutoSize``, and the default for views without widths).
        ellipsis: What marks a cut cell.
        newline: Line break to write.
    """
    if not rows:
        return ""
    last = len(names) - 1
    if widths is None:
        sizes = [
            max([cell_width(names[i]), *(cell_width(row[i]) for row in rows)])
            for i in range(len(names))
        ]
        cells = [list(row) for row in rows]
    else:
        sizes = list(widths)
        cells = [[truncate(row[i], sizes[i], ellipsis) for i in range(len(names))] for row in rows]

    def line(values: Sequence[str]) -> str:
        padded = [_pad(value, sizes[i]) if i < last else value for i, value in enumerate(values)]
        return " ".join(padded).rstrip()

    lines = [
        line([truncate(name, sizes[i], ellipsis) for i, name in enumerate(names)]),
        line(["-" * min(cell_width(name), sizes[i]) for i, name in enumerate(names)]),
        *(line(row) for row in cells),
    ]
    return newline + newline.join(lines) + newline * 3
