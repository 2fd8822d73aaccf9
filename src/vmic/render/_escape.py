r"""The one text-sanitising policy, and the escaping of each output format built on it.

No output vmic writes may hand a reader's terminal, editor, browser or Markdown viewer a
character that moves the cursor, starts an escape sequence, breaks a line, reorders text
or hides itself: a VM named ``"x\nHV01: 0 findings"`` would print a forged line, one
carrying U+202E would show its text reversed. Nor may it hold a lone UTF-16 surrogate
(``"vm\ud800"``, legal in a Windows name): it has no UTF-8 encoding, so writing it would
fail and lose the whole report. The same characters (:data:`INVISIBLE`) are handled in
every format, and a lone surrogate reads the same everywhere (``\ud800``):

- text formats (tables, plain text, Markdown, CSV cells, the HTML page, Prometheus label
  values, monitoring-plugin lines, one-line results) spell each character out with
  :func:`visible` (``\x7f``, ``\u202e``, ``\ud800``);
- JSON keeps every value exact (it round-trips) but writes those characters as ``\u``
  escapes (:func:`json_visible`), so the JSON text itself holds none of them raw;
- text stored for later (the history database) keeps everything but lone surrogates,
  which are spelled out (:func:`encodable`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "INVISIBLE",
    "SHOWN_LENGTH",
    "encodable",
    "json_visible",
    "markdown_code",
    "markdown_escape",
    "shown",
    "spreadsheet_safe",
    "visible",
    "visible_lines",
]

#: Every character :func:`visible` spells out, as a regular-expression class body:
#: C0 controls and DEL, C1 controls (NEL U+0085 among them), the soft hyphen, the Arabic
#: letter mark, the Mongolian vowel separator, zero-width space / non-joiner / joiner,
#: the left-to-right and right-to-left marks, the line and paragraph separators
#: (U+2028/U+2029), the bidi embeddings and overrides (U+202A-U+202E), word joiner and
#: invisible operators (U+2060-U+2064), the bidi isolates (U+2066-U+2069) and the other
#: deprecated format characters up to U+206F, the zero-width no-break space / BOM
#: (U+FEFF), the interlinear annotation characters (U+FFF9-U+FFFB), lone surrogates (which
#: no terminal can be sent) and the tag characters (U+E0000-U+E007F).
_OTHER_INVISIBLE: Final = (
    "\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)
INVISIBLE: Final = "\x00-\x1f" + _OTHER_INVISIBLE
_INVISIBLE_RE: Final = re.compile(f"[{INVISIBLE}]")
# The same without tab (U+0009) and newline (U+000A).
_INVISIBLE_BUT_LINES_RE: Final = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER_INVISIBLE}]")
# What JSON text may still hold raw: json escapes the C0 controls inside strings itself,
# and outside strings there is only its own layout (spaces and newlines).
_JSON_INVISIBLE_RE: Final = re.compile(f"[{_OTHER_INVISIBLE}]")
_SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    r"""*text* on one line, every invisible or control character spelled out.

    >>> visible("web\x7f01\n\u202eevil")
    'web\\x7f01\\x0a\\u202eevil'
    """
    return _INVISIBLE_RE.sub(_spelled, text)


#: How many characters of a refused value an error message repeats.
SHOWN_LENGTH: Final = 40


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    r"""A value as an error message repeats it: its ``repr``, cut to *limit* characters, visible.

    An error names what it refuses, but a value from a file or the command line may be
    megabytes long or hold control characters; the message stays one short line.

    >>> shown("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    >>> shown("a\x1bb"), shown(7)
    ("'a\\x1bb'", '7')
    """
    if isinstance(value, str):
        cut = value if len(value) <= limit else value[:limit] + "..."
        return visible(repr(cut))  # repr escapes what is not printable; visible the rest
    text = type(value).__name__ if isinstance(value, dict | list) else repr(value)
    return visible(text if len(text) <= limit else text[:limit] + "...")


def encodable(text: str) -> str:
    r"""*text* with each lone surrogate spelled out (as :func:`visible` does), the rest kept.

    For text that is stored rather than shown (SQLite and files take UTF-8 only).

    >>> encodable("vm\ud800\n")
    'vm\\ud800\n'
    """
    return _SURROGATE_RE.sub(_spelled, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    # JSON spells a character beyond the BMP as its UTF-16 pair.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(document: str) -> str:
    r"""JSON text with every :data:`INVISIBLE` character written as a ``\u`` escape.

    *document* is JSON from :mod:`json` (which escapes the C0 controls in strings itself);
    the values it holds are unchanged (a reader decodes the escapes back), but the text
    shows no control, bidi or invisible character raw and holds no lone surrogate.

    >>> json_visible('["del\x7f", "rlo\u202e", "vm\ud800"]')
    '["del\\u007f", "rlo\\u202e", "vm\\ud800"]'
    """
    return _JSON_INVISIBLE_RE.sub(_json_escape, document)


def visible_lines(text: str) -> str:
    r"""Like :func:`visible`, but newlines and tabs stay (for text that has several lines).

    >>> visible_lines("a\tb\r\nc\x1b[2J")
    'a\tb\\x0d\nc\\x1b[2J'
    """
    return _INVISIBLE_BUT_LINES_RE.sub(_spelled, text)


# Markdown syntax characters, escaped with a backslash (CommonMark: any ASCII punctuation
# may be). `<`, `>` and `&` so that no raw HTML or entity passes; `|` for tables; the rest
# for emphasis, code spans, links, headings, strike-through and images.
_MARKDOWN_RE: Final = re.compile(r"([\\`*_\[\]<>#|~!&{}])")


def markdown_escape(text: str) -> str:
    r"""*text* as literal Markdown on one line: controls spelled out, syntax escaped.

    >>> markdown_escape("a|b <img src=x> *c*\nd")
    'a\\|b \\<img src=x\\> \\*c\\*\\\\x0ad'
    """
    return _MARKDOWN_RE.sub(r"\\\1", visible(text))


def markdown_code(lines: Iterable[str], language: str = "") -> list[str]:
    """A fenced code block of *lines* (each made :func:`visible`).

    The fence is longer than any run of backticks in the lines, so no line can close it.

    >>> markdown_code(["echo ```"], "sh")
    ['````sh', 'echo ```', '````']
    """
    body = [visible(line) for line in lines]
    longest = max((len(run) for line in body for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *body, fence]


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (a VM named "=HYPERLINK(...)" would run on open); a leading apostrophe makes it text.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """*value*, with an apostrophe in front when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
