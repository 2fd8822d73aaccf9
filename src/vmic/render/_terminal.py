"""What the reader's terminal allows: its width, and whether to colour verdicts.

Widths follow ``COLUMNS`` first (as :func:`shutil.get_terminal_size` does), then the real
terminal; output that goes to a file or a pipe has no width limit. Colour follows the
conventions of https://no-color.org and https://force-color.org: ``NO_COLOR`` (any
non-empty value) turns it off, ``FORCE_COLOR`` (non-empty) turns it on, otherwise only a
terminal gets it (and not a ``TERM=dumb`` one).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["colour_enabled", "paint_verdict", "terminal_width"]


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return callable(isatty) and bool(isatty())
    except ValueError:  # a closed stream
        return False


def terminal_width(stream: TextIO, environ: Mapping[str, str] | None = None) -> int | None:
    """Columns to fit lines into: ``COLUMNS``, else *stream*'s terminal, else None (no limit)."""
    env = os.environ if environ is None else environ
    columns = env.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not _is_terminal(stream):
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (OSError, ValueError, AttributeError):
        return None


def colour_enabled(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour output written to *stream* (NO_COLOR, FORCE_COLOR, a terminal)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and env.get("TERM") != "dumb"


_RESET: Final = "\x1b[0m"
# Select Graphic Rendition codes: green, yellow, red, dim.
_SGR: Final = {
    "functioning": "\x1b[32m",
    "healthy": "\x1b[32m",
    "degraded": "\x1b[33m",
    "not functioning": "\x1b[31m",
    "not_functioning": "\x1b[31m",
    "unknown": "\x1b[2m",
}


def paint_verdict(verdict: str, text: str | None = None) -> str:
    """*text* (default: *verdict*) in the colour of *verdict*; unknown words stay plain.

    A count of findings (``"2 findings"``) is red, like a verdict that does not function.
    """
    shown = verdict if text is None else text
    code = _SGR.get(verdict)
    if code is None and verdict.split(" ", 1)[-1] in {"finding", "findings"}:
        code = _SGR["not functioning"]
    return shown if code is None or not shown else f"{code}{shown}{_RESET}"
