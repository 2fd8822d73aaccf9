"""How commands write their output: the renderers of :mod:`vmic.render`, chosen per format.

The renderers escape every value by the one control-character policy; this module only
picks the terminal's width and colour for the ``table`` format and writes the result.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import vmic.render
from vmic.render import (
    FORMATS,
    colour_enabled,
    json_text,
    terminal_width,
    visible,
    visible_lines as _visible_lines,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from vmic.fleet._report import HostResult

__all__ = [
    "FORMATS",
    "colour",
    "emit",
    "emit_json",
    "emit_line",
    "failure_line",
    "render_records",
    "report_error",
    "visible",
    "width",
]


def width() -> int | None:
    """Columns the ``table`` format fits into: ``COLUMNS``, the terminal, or no limit."""
    return terminal_width(sys.stdout)


def colour() -> bool:
    """Whether the ``table`` format colours verdicts (a terminal, NO_COLOR, FORCE_COLOR)."""
    return colour_enabled(sys.stdout)


def render_records(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    output_format: str,
    *,
    words: Mapping[str, Callable[[Any], object]] | None = None,
) -> str:
    """:func:`vmic.render.render_records`, the ``table`` fitted to the terminal's width.

    *words* says values in words in the table and Markdown (see the renderer).
    """
    fit = width() if output_format == "table" else None
    return vmic.render.render_records(records, columns, output_format, width=fit, words=words)


def emit(text: str, *, rendered: bool = False) -> None:
    """Write command output to stdout.

    Args:
        text: The output.
        rendered: True when *text* comes from a :mod:`vmic.render` renderer (which
            escaped every value itself, and may colour it) or is JSON/CSV data: it is
            written exactly as it is. Otherwise control characters other than tab and
            newline are spelled out first.
    """
    sys.stdout.write(text if rendered else _visible_lines(text))


def report_error(error: BaseException, *, limit: int | None = None) -> None:
    """Say on stderr, in one line, why the command failed, then each note the error carries.

    A note says what vmic changed on the way and changed back, or left changed and the
    command that takes it back: it is printed even with ``--quiet``.

    Args:
        error: The error.
        limit: The longest error line (default: that of :func:`vmic.connect.one_line`).
    """
    from vmic.connect import one_line  # noqa: PLC0415 - error path only

    line = one_line(error) if limit is None else one_line(error, limit=limit)
    print(f"vmic: error: {visible(line)}", file=sys.stderr)
    for note in getattr(error, "__notes__", ()):
        print(f"vmic: note: {visible(str(note))}", file=sys.stderr)


def emit_line(text: str) -> None:
    r"""Write one line of output (a one-line result): the one sanitising policy, then a newline.

    Every control character is spelled out, newlines included, so a value inside *text*
    (a VM name holding ``"\nHV01: 0 findings"``) cannot forge a second line.
    """
    sys.stdout.write(visible(text) + "\n")


def emit_json(data: object) -> None:
    """Write *data* as indented JSON (:func:`vmic.render.json_text`) and a newline."""
    sys.stdout.write(json_text(data) + "\n")


def failure_line(failure: HostResult) -> str:
    """The one line on stderr for a host that could not be diagnosed (no prefix repeated).

    The error already says where and why (``cannot reach hv01:5986 (WinRM over HTTPS):
    connection refused - ...``); the host's name goes in front only when the error does
    not start with it (an inventory's name for an address).
    """
    named = failure.error.startswith((f"cannot reach {failure.host}:", f"{failure.host}:"))
    return visible(f"vmic: error: {'' if named else failure.host + ': '}{failure.error}")
