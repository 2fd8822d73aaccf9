r"""``ConvertTo-Json`` output: reading it, pointing into it, and writing it.

What ``ConvertTo-Json`` writes, and what :func:`load_items` accepts:

- one object when one object went down the pipeline, an array otherwise;
- Windows PowerShell 5.1 may wrap an array as ``{"value": [...], "Count": n}``
  (an array that carries extended properties);
- enums as numbers (both versions), or as names (PowerShell 7 ``-EnumsAsStrings``);
- ``DateTime`` as ``"\/Date(<ms>)\/"`` in 5.1, ISO 8601 in 7 (see :func:`dotnet_date`).

The two versions also lay the text out differently, which :func:`dumps` reproduces:
5.1 indents members four columns past the bracket that opens them and writes
``"key":  value`` (two spaces); 7 writes two-space indentation and ``"key": value``.
"""

from __future__ import annotations

import datetime
import functools
import json
import json.scanner
import re
from enum import Enum
from itertools import repeat
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeVar

from vmic.parsers._errors import error_at

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from vmic.errors import ParseError

__all__ = [
    "JSON_SPACE",
    "MISSING",
    "PowerShellVersion",
    "Reporter",
    "dotnet_date",
    "dumps",
    "enum_member",
    "load_items",
    "locate",
]

#: The two serializers vmic reproduces.
PowerShellVersion = Literal["5.1", "7"]

_E = TypeVar("_E", bound=Enum)
_T = TypeVar("_T")


class _Missing(Enum):
    MISSING = "missing"


#: Returned for a property an object does not have (as opposed to a JSON ``null``).
MISSING: Final = _Missing.MISSING

_STRING_TAIL_RE: Final = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCALAR_END_RE: Final = re.compile(r"[\s,\]}]|$")
_SPACE_RE: Final = re.compile(r"\s*")
# Anchored at the start of a digit run, so shorter runs are each scanned once.
_LONG_NUMBER_RE: Final = re.compile(r"(?<![0-9])[0-9]{4000,}")
_DATE_RE: Final = re.compile(r"/Date\((-?[0-9]{1,15})(?:[+-][0-9]{4})?\)/")


class Reporter(Protocol):
    """Builds the error for a problem found in an item (``raise reporter.error(...)``)."""

    def error(self, message: str, index: int, key: str | None = None) -> Exception:
        """The exception to raise for ``message`` about item ``index`` (and its ``key``)."""
        ...


class _RejectedError(Exception):
    """An item did not convert while decoding; the second pass will say why, and where."""


class _Quiet:
    """The reporter used while decoding: positions are not known yet, so it only rejects."""

    __slots__ = ()

    def error(self, message: str, index: int, key: str | None = None) -> Exception:
        del message, index, key
        return _RejectedError()


class _Located:
    """The reporter used after decoding: errors point at the item (or its key) in the text."""

    __slots__ = ("_prefix", "source")

    def __init__(self, source: str, prefix: tuple[str, ...] | None) -> None:
        self.source = source
        # Path of the array holding the items; None when the text is one object.
        self._prefix = prefix

    def error(self, message: str, index: int, key: str | None = None) -> ParseError:
        path: tuple[str | int, ...] = () if self._prefix is None else (*self._prefix, index)
        if key is not None:
            path = (*path, key)
        return error_at(message, self.source, locate(self.source, path))


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE_RE.match(text, pos)
    return match.end() if match else pos


def _skip_value(text: str, pos: int) -> int:
    """Offset just past the (valid) JSON value starting at ``pos``."""
    char = text[pos]
    if char == '"':
        match = _STRING_TAIL_RE.match(text, pos + 1)
        return match.end() if match else len(text)
    if char not in "[{":
        match = _SCALAR_END_RE.search(text, pos)
        return match.start() if match else len(text)
    depth = 0
    while pos < len(text):
        char = text[pos]
        if char == '"':
            match = _STRING_TAIL_RE.match(text, pos + 1)
            pos = match.end() if match else len(text)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return pos


def _child(text: str, pos: int, step: str | int) -> int | None:
    """Offset of member ``step`` (a key, or an index) of the container at ``pos``."""
    opener = text[pos]
    pos = _skip_space(text, pos + 1)
    index = 0
    while pos < len(text) and text[pos] not in "]}":
        if opener == "{":
            key_end = _skip_value(text, pos)
            key = json.loads(text[pos:key_end])
            value = _skip_space(text, _skip_space(text, key_end) + 1)
            if key == step:
                return value
            pos = _skip_value(text, value)
        else:
            if index == step:
                return pos
            pos = _skip_value(text, pos)
            index += 1
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
    return None


def locate(text: str, path: Sequence[str | int]) -> int:
    """Character offset of the value at ``path`` (keys and indices) in valid JSON ``text``.

    Stops at the deepest part of the path that exists (a missing key points at its
    object). Used on error paths only: it rescans the text.
    """
    pos = _skip_space(text, 0)
    for step in path:
        if pos >= len(text) or text[pos] not in "[{":
            break
        if (text[pos] == "{") != isinstance(step, str):
            break
        found = _child(text, pos, step)
        if found is None:
            break
        pos = found
    return pos


def _depth_offset(text: str, limit: int) -> int:
    """Offset where bracket nesting first exceeds ``limit`` (0 if it never does)."""
    depth = 0
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == '"':
            match = _STRING_TAIL_RE.match(text, pos + 1)
            pos = match.end() if match else len(text)
            continue
        if char in "[{":
            depth += 1
            if depth > limit:
                return pos
        elif char in "]}":
            depth -= 1
        pos += 1
    return 0


#: What JSON calls whitespace (json.decoder's WHITESPACE).
JSON_SPACE: Final = " \t\n\r"
# What opens a container.
_OPENERS: Final = ("[", "{")


def _decode(source: str, scan: Callable[[str, int], tuple[Any, int]]) -> object:
    if source.startswith("\ufeff"):
        # What json.loads says of a byte order mark (clean_text drops one, not two).
        msg = "not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)"
        raise error_at(msg, source, 0)
    try:
        # JSONDecoder.decode's steps without its two Python calls (every ConvertTo-Json
        # answer a host gives is read here): skip whitespace (nothing to skip before an
        # opening bracket), scan one value, and allow only whitespace after it.
        start = 0 if source[:1] in _OPENERS else len(source) - len(source.lstrip(JSON_SPACE))
        value, end = scan(source, start)
    except StopIteration as exc:
        msg = "not valid JSON: Expecting value"
        raise error_at(msg, source, exc.value) from None
    except json.JSONDecodeError as exc:
        raise error_at(f"not valid JSON: {exc.msg}", source, exc.pos) from None
    except RecursionError:
        msg = "JSON nested too deeply to read"
        raise error_at(msg, source, _depth_offset(source, 500)) from None
    except ValueError as exc:
        # json.loads raises a bare ValueError for integers longer than Python converts.
        match = _LONG_NUMBER_RE.search(source)
        raise error_at(f"not valid JSON: {exc}", source, match.start() if match else 0) from None
    if end != len(source):
        rest = source[end:].lstrip(JSON_SPACE)
        if rest:
            msg = "not valid JSON: Extra data"
            raise error_at(msg, source, len(source) - len(rest))
    return value


# What json.loads builds, None aside (bool is an int).
_JSON_CLASSES: Final = (dict, list, str, int, float)
_NONE: Final = type(None)


def _is_json(value: object) -> bool:
    """Whether ``value`` is something json.loads builds (not something a hook returned)."""
    return value is None or isinstance(value, _JSON_CLASSES)


_QUIET: Final = _Quiet()


@functools.lru_cache(maxsize=64)
def _decoder(
    convert: Callable[[Reporter, int, dict[str, Any]], object], marker: str
) -> Callable[[str, int], tuple[Any, int]]:
    """The scanner (a decoder's) that converts each object with ``marker`` as it is decoded.

    One per parser, built once: ``json.loads`` with a hook builds a decoder and its scanner
    on every call, which costs more than decoding a small section. A decoder holds no
    state between calls (``json.loads`` shares one across threads too).
    """

    def hook(obj: dict[str, Any]) -> object:
        if marker in obj:
            try:
                return convert(_QUIET, -1, obj)
            except _RejectedError:
                pass
        return obj

    decoder = json.JSONDecoder(object_hook=hook)
    # The scanner reads the decoder's settings (typeshed asks for a scanner, wrongly).
    return json.scanner.make_scanner(decoder)  # type: ignore[arg-type] # a decoder is right


def load_items(
    source: str, convert: Callable[[Reporter, int, dict[str, Any]], _T], *, marker: str
) -> tuple[_T, ...]:
    """Parse ``ConvertTo-Json`` output and convert each of its objects.

    Objects that have the ``marker`` property are converted while the JSON is being
    decoded, so the decoded objects never pile up (that keeps parsing within a small
    factor of ``json.loads`` itself, garbage collector included). Whatever did not
    convert then is converted again with a reporter that knows positions, and raises
    there.

    Args:
        source: The text.
        convert: Builds one item from its object, reporting problems through the
            reporter; what it returns must not be something ``json.loads`` builds (a
            dict, a list, a string...), which is how converted items are told apart.
        marker: A property every item has.

    Raises:
        ParseError: The text is not JSON, is nested too deeply for Python's parser, is
            not an object, an array of objects or 5.1's ``value``/``Count`` wrapper, or
            ``convert`` rejects an item.
    """
    value = _decode(source, _decoder(convert, marker))
    prefix: tuple[str, ...] | None = ()
    if (
        isinstance(value, dict)
        and value.keys() == {"value", "Count"}
        and isinstance(value["value"], list)
    ):
        value = value["value"]
        prefix = ("value",)
    if not isinstance(value, list):
        if _is_json(value) and not isinstance(value, dict):
            raise error_at(
                f"expected a JSON object or an array of objects, got {_json_type(value)}",
                source,
                _skip_space(source, 0),
            )
        value = [value]
        prefix = None
    # Usually every item was converted while decoding: then the list is the answer. Its
    # items' classes (one or two) are what tells, not each item in turn.
    if not any(issubclass(kind, _JSON_CLASSES) or kind is _NONE for kind in set(map(type, value))):
        return tuple(value)
    located = _Located(source, prefix)
    items: list[_T] = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            items.append(convert(located, index, item))
        elif _is_json(item):
            raise located.error(f"item {index} is {_json_type(item)}, not an object", index)
        else:
            items.append(item)
    return tuple(items)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def enum_member(value: object, by_code: Mapping[int, _E], by_name: Mapping[str, _E]) -> _E:
    """The enum member a JSON value stands for: a number, a digit string, or a name (any case).

    Raises:
        LookupError: The number or name is not a member.
        TypeError: The value is neither a number nor a string.
    """
    if type(value) is int:
        return by_code[value]
    if isinstance(value, str):
        key = value.strip()
        if key.isdigit() and key.isascii():
            return by_code[int(key)]
        return by_name[key.replace(" ", "").replace("_", "").casefold()]
    raise TypeError(_json_type(value))


def dotnet_date(value: object) -> datetime.datetime | None:
    r"""A ``DateTime`` as Windows PowerShell 5.1 writes it (``"\/Date(<ms>)\/"``), in UTC.

    Returns None for anything else, including out-of-range dates.

    >>> dotnet_date("/Date(1586304000000)/")
    datetime.datetime(2020, 4, 8, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if not isinstance(value, str):
        return None
    match = _DATE_RE.fullmatch(value)
    if match is None:
        return None
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    try:
        return epoch + datetime.timedelta(milliseconds=int(match.group(1)))
    except OverflowError:
        return None


# --- writing ---------------------------------------------------------------------------------

_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_ESCAPES_TAB: Final = {**_ESCAPES, "\t": "\\t"}
# JavaScriptSerializer (5.1) also escapes the HTML-sensitive characters; Json.NET (7)
# escapes the JavaScript line terminators U+0085, U+2028 and U+2029.
_ESCAPE_51_RE: Final = re.compile("[\"\\\\\x00-\x1f<>&']")
_ESCAPE_7_RE: Final = re.compile('["\\\\\x00-\x1f\x85\u2028\u2029]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES_TAB.get(char) or f"\\u{ord(char):04x}"


@functools.lru_cache(maxsize=4096)
def _string(text: str, powershell: PowerShellVersion) -> str:
    # Memoized: the same keys and most of the same values recur in every object written.
    pattern = _ESCAPE_51_RE if powershell == "5.1" else _ESCAPE_7_RE
    return '"' + pattern.sub(_escape_char, text) + '"'


def _scalar(value: object, powershell: PowerShellVersion) -> str:
    if type(value) is str:  # the most common member: first
        return _string(value, powershell)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value, powershell)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


#: Per layout: the indent of a member, what follows a key, and whether a nested container
#: is indented from the end of its key (Windows PowerShell) or from its parent's indent.
_LAYOUTS: Final = {"5.1": (4, ":  ", True), "7": (2, ": ", False)}
_NO_KEY: Final = object()


@functools.lru_cache(maxsize=1024)
def _key_text(key: str, powershell: PowerShellVersion) -> str:
    """A key as written before its value (the same few keys in every object)."""
    return _string(key, powershell) + _LAYOUTS[powershell][1]


def _dump(
    value: object, column: int, out: list[str], newline: str, powershell: PowerShellVersion
) -> None:
    # The closing bracket sits under the opening line's indent (*column*); an empty
    # container is "{}" in PowerShell 7 and keeps its blank line in Windows PowerShell.
    # Scalars are written in the loop itself: most members are, and a call per member
    # would cost more than writing it.
    if isinstance(value, dict):
        opening, closing = "{", "}"
    elif isinstance(value, list):
        opening, closing = "[", "]"
    else:
        out.append(_scalar(value, powershell))
        return
    step, _, under_key = _LAYOUTS[powershell]
    if not value:
        out.append(opening + (newline + newline + " " * column if under_key else "") + closing)
        return
    pad = newline + " " * (column + step)
    out.append(opening)
    separator = pad
    # Dicts and lists in one loop: a list's member is a dict's without a key.
    members = value.items() if isinstance(value, dict) else zip(repeat(_NO_KEY), value)
    for key, member in members:
        label = separator
        inner = column + step
        if key is not _NO_KEY:
            key_text = _key_text(key, powershell)
            label += key_text
            inner += len(key_text) if under_key else 0
        if isinstance(member, dict | list):
            out.append(label)
            _dump(member, inner, out, newline, powershell)
        else:
            out.append(label + _scalar(member, powershell))
        separator = "," + pad
    out.append(newline + " " * column + closing)


def dumps(value: object, *, powershell: PowerShellVersion, newline: str = "\r\n") -> str:
    """Write ``value`` (dicts, lists, str, int, bool, None) as that ``ConvertTo-Json`` would.

    No trailing line break: ``ConvertTo-Json`` returns one string.
    """
    out: list[str] = []
    _dump(value, 0, out, newline, powershell)
    return "".join(out)
