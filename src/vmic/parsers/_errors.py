r"""Position a :class:`vmic.ParseError` in its source: shared by every parser.

Line and column are counted the way :meth:`str.splitlines` splits text (the way
:class:`~vmic.errors.ParseError` renders the offending line), both 1-based, the
column in characters.

>>> error = error_at("unexpected '!'", "one\ntwo!", 7)
>>> (error.line, error.column)
(2, 4)
>>> print(error)
unexpected '!' (line 2, column 4)
    two!
       ^
"""

from __future__ import annotations

from vmic.errors import ParseError

__all__ = ["error_at", "error_at_line", "position"]


def position(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset in ``source``.

    An offset past the end is placed after the last character.
    """
    offset = max(0, min(offset, len(source)))
    start = 0
    line = 1
    chunks = source.splitlines(keepends=True)
    for chunk in chunks:
        end = start + len(chunk)
        if offset < end:
            return line, offset - start + 1
        start = end
        line += 1
    if chunks and chunks[-1].splitlines() == [chunks[-1]]:
        # The text does not end with a line break: the end belongs to its last line.
        line -= 1
        start -= len(chunks[-1])
    return line, offset - start + 1


def error_at(
    message: str, source: str, offset: int, *, cls: type[ParseError] = ParseError
) -> ParseError:
    """A ``cls`` error pointing at character ``offset`` of ``source``."""
    line, column = position(source, offset)
    return cls(message, source=source, line=line, column=column)


def error_at_line(
    message: str, source: str, line: int, column: int, *, cls: type[ParseError] = ParseError
) -> ParseError:
    """A ``cls`` error at a 1-based ``line`` and ``column`` of ``source``."""
    return cls(message, source=source, line=line, column=column)
