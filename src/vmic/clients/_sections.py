r"""Reading the sectioned output of the client scripts (see :mod:`vmic.clients._scripts`).

Grammar (lines end with LF or CRLF)::

    output  = { junk } { section } end-line
    section = marker-line { text-line }
    marker-line = "<<vmic:" NAME ">>"
    end-line    = "<<vmic:end>>"

Lines before the first marker (a banner, a warning a profile printed) are ignored;
a marker never appears inside section text because every section is JSON, a
command's table, or Base64, none of which starts a line with ``<<vmic:``.

>>> sections = split_sections("<<vmic:a>>\r\n1\r\n<<vmic:b>>\r\n<<vmic:end>>\r\n")
>>> sections
{'a': '1\n', 'b': ''}
"""

from __future__ import annotations

import json
import operator
import re
from typing import TYPE_CHECKING, Any, Final

from vmic.errors import ParseError
from vmic.parsers._errors import error_at
from vmic.parsers._json import JSON_SPACE

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from vmic.executors._result import Result

__all__ = ["error_reason", "load_json", "read_result", "split_sections"]

# Starts with a literal, so the regex engine can jump from one "<<vmic:" to the next;
# what precedes it on its line (byte order marks only) is checked separately.
_MARKER_RE: Final = re.compile(r"<<vmic:([a-z0-9-]+)>>[^\S\n]*$", re.MULTILINE)


# After this many "<" that start no marker, the rest of a text is left to the regex engine.
_STRAY_LIMIT: Final = 16
# Below this length the regex engine's own scan costs less than jumping in Python.
_LONG_TEXT: Final = 4096


def _markers(text: str) -> Iterator[re.Match[str]]:
    r"""``_MARKER_RE.finditer(text)``, found faster in a long output of vmic's scripts.

    A marker starts with "<", which the JSON sections escape (``\u003c``) and tables and
    Base64 rarely hold: the search jumps from one "<" to the next (in C) and tries the
    pattern there, where the regex engine compares every character with the pattern's
    first. A match can start nowhere else, so the matches are the same. A text with many
    other "<" is left to the regex engine from there on.
    """
    if len(text) < _LONG_TEXT:
        return _MARKER_RE.finditer(text)
    return _jumping_markers(text)


def _jumping_markers(text: str) -> Iterator[re.Match[str]]:
    stray = 0
    at = text.find("<")
    while at >= 0:
        match = _MARKER_RE.match(text, at)
        if match is not None:
            yield match
            at = text.find("<", match.end())
            continue
        stray += 1
        if stray > _STRAY_LIMIT:
            yield from _MARKER_RE.finditer(text, at + 1)
            return
        at = text.find("<", at + 1)


def split_sections(
    text: str, *, required: Iterable[str] = (), what: str = "the command"
) -> dict[str, str]:
    """The sections of *text*, by name, each with LF line ends.

    Args:
        text: What the script printed.
        required: Sections that must be present (an ``error`` section excuses them).
        what: How to name the command in error messages.

    Raises:
        ParseError: The text has no end line (it was cut short, or is not the
            output of a vmic script), or lacks a required section.
    """
    result = _split_short(text) if len(text) < _LONG_TEXT else None
    if result is None:
        result = _split_by_markers(text, what)
    if "error" not in result:
        missing = [name for name in required if name not in result]
        if missing:
            raise ParseError(
                f"{what} printed no {', '.join(repr(m) for m in missing)} section", source=text
            )
    return result


# What starts every marker line; in the usual output, ">>" and LF end it.
_MARKER_START: Final = "<<vmic:"
_MARKER_END: Final = ">>\n"
_NAME_AND_SECTION: Final = operator.methodcaller("split", _MARKER_END, 1)
# The names of a text's sections, joined by LFs, each as the marker pattern spells a name.
_NAMES_RE: Final = re.compile(r"[a-z0-9-]++(?:\n[a-z0-9-]++)*+")


def _split_short(text: str) -> dict[str, str] | None:
    """The sections of an output in the usual shape; None if it is not so.

    What :func:`_split_by_markers` gives for such a text, from C calls alone (one
    ``str.split`` at the markers, one ``dict`` of the pieces, one match of the names) where
    a search for the markers and a step per section cost more (this runs for every guest of
    an audit; a long output, such as a host's, is left to the search, which costs it less).

    The usual shape: every ``<<vmic:`` starts a line; each marker line but the last is a
    name the marker pattern accepts, ``>>`` and LF; no name twice; the last marker, the end
    line, ends the text (nothing but its line after it). Then the pieces between the markers
    are the sections, each ending its line. Any other output (CRLF, spaces after a marker, a
    ``<<vmic:`` inside a line or not starting a marker) is left to
    :func:`_split_by_markers`, which decides and says what is wrong.
    """
    parts = text.split(_MARKER_START)
    markers = len(parts) - 1
    last = parts[-1]
    if (
        not markers
        or (last != "end>>" and last[:6] != "end>>\n")
        or text.count("\n" + _MARKER_START) + text.startswith(_MARKER_START) != markers
    ):
        return None
    try:
        sections = dict(map(_NAME_AND_SECTION, parts[1:-1]))
    except ValueError:  # a piece without ">>" and LF: not the usual shape
        return None
    if len(sections) != markers - 1 or "end" in sections:
        return None  # a name twice, or an end line before the last
    names = "\n".join(sections)
    if sections and (_NAMES_RE.fullmatch(names) is None or names.count("\n") != markers - 2):
        return None  # a name the marker pattern refuses (one holding an LF counts twice)
    return sections


def _split_by_markers(text: str, what: str) -> dict[str, str]:
    """The sections of *text*, by name, each with LF line ends (any text).

    Raises:
        ParseError: The text has no end line.
    """
    # Markers are found by one multi-line search, not a Python loop over every line.
    # Lines end at LF only: a JSON string may hold U+2028 or a form feed, which
    # str.splitlines() would also split on. A marker line may start with byte order
    # marks and end with whitespace (a CR among it).
    result: dict[str, str] = {}
    ended = False
    name: str | None = None
    body_start = 0
    crlf = "\r" in text
    for match in _markers(text):
        line_start = at = match.start()
        if at and text[at - 1] != "\n":  # not at the start of its line
            line_start = text.rfind("\n", 0, at) + 1
            if text[line_start:at].strip("\ufeff"):
                continue  # a marker inside a line of text
        if name is not None:
            body = text[body_start:line_start]
            result[name] += body.replace("\r\n", "\n") if crlf else body
        name = match.group(1)
        if name == "end":
            ended = True
            break
        if name not in result:
            result[name] = ""
        body_start = match.end() + 1
    if not ended:
        shown = text.strip().splitlines()[:1]
        start = shown[0][:60] if shown else ""
        raise ParseError(
            f"{what} printed no complete vmic output (no '<<vmic:end>>' line); "
            f"it starts with {start!r}"
            if start
            else f"{what} printed nothing",
            source=text,
        )
    return result


def read_result(result: Result, *, required: Iterable[str] = (), what: str) -> dict[str, str]:
    """The sections of a result's output, once the result is known to be usable.

    Raises:
        vmic.CommandFailedError: The command failed without printing an ``error``
            section (its own output explains the failure better than a cut-off parse).
        ParseError: The command succeeded but its output is incomplete or lacks a section.
    """
    try:
        sections = split_sections(result.stdout, required=required, what=what)
    except ParseError:
        result.check()
        raise
    if "error" not in sections:
        result.check()
    return sections


def error_reason(sections: dict[str, str]) -> tuple[str, str] | None:
    """``(reason, detail)`` from an ``error`` section, or None when there is none."""
    text = sections.get("error")
    if text is None:
        return None
    first = text.strip().splitlines()[:1]
    words = first[0].split(maxsplit=1) if first else []
    if not words:
        return ("unknown", "")
    return (words[0], words[1] if len(words) > 1 else "")


def load_json(text: str, *, section: str) -> Any:  # noqa: ANN401 - JSON has any shape
    """Decode one section's JSON.

    Raises:
        ParseError: The section is not valid JSON; the error points into it.
    """
    inner = text.strip(JSON_SPACE)
    if inner[:1] == "[" and inner[-1:] == "]" and not inner[1:-1].strip(JSON_SPACE):
        # An empty array (the fan-out's guests of a host whose guests are all Linux, say),
        # answered without a decoder's call: what json.loads answers for it.
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"the {section!r} section is not valid JSON: {exc.msg}"
        raise error_at(message, text, exc.pos) from None
    except (RecursionError, ValueError) as exc:
        message = f"the {section!r} section cannot be read as JSON: {exc}"
        raise ParseError(message, source=text) from None
