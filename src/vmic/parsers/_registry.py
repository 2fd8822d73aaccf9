r"""``REG QUERY`` output, and the guest's integration services version read from it.

The specification checks a Windows guest with::

    REG QUERY "HKLM\Software\Microsoft\Virtual Machine\Auto" /v IntegrationServicesVersion

Grammar of what :func:`parse_reg_query` accepts (CRLF or LF; blank lines anywhere)::

    output  = { line }
    line    = blank | key | value | end | error | command
    key     = hive [ "\" path ]          hive: HKEY_LOCAL_MACHINE, HKLM, ... (any case)
    value   = [ ws ] name ws type [ ws data ]
    type    = REG_SZ | REG_EXPAND_SZ | REG_MULTI_SZ | REG_DWORD | REG_QWORD | REG_BINARY | ...
    end     = "End of search: " ...
    error   = "ERROR: " message
    command = an echoed ``reg query`` command line, or a bare prompt ending in ">"

``ws`` is any run of whitespace (``reg.exe`` writes four spaces; a paste may turn
them into tabs). The value name may contain spaces: it ends at the first word
that is a value type. Data keeps inner spaces but not leading or trailing ones.
"ERROR: The system was unable to find the specified registry key or value."
raises :class:`vmic.RegistryValueNotFoundError`.

>>> text = (
...     "\r\nHKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto\r\n"
...     "    IntegrationServicesVersion    REG_SZ    6.3.9600.19456\r\n\r\n"
... )
>>> parse_integration_services_version(text)
<Version('6.3.9600.19456')>
>>> parse_reg_query(text)[0].data
'6.3.9600.19456'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from packaging.version import Version

from vmic.errors import ParseError, RegistryValueNotFoundError
from vmic.model._patterns import SERVICES_VERSION
from vmic.model._records import HIVES, REGISTRY_TYPES, RegistryValue, expand_hive
from vmic.parsers._errors import error_at
from vmic.parsers._text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["format_reg_query", "parse_integration_services_version", "parse_reg_query"]

#: The value the specification reads.
_VERSION_VALUE: Final = "IntegrationServicesVersion"
_VERSION_FOLDED: Final = _VERSION_VALUE.casefold()

_WORD_RE: Final = re.compile(r"\S+")
_ABBREVIATIONS: Final = frozenset(HIVES.values())
_NOT_FOUND: Final = "unable to find the specified registry key or value"
_COMMANDS: Final = ("reg query", "reg.exe query")


class _Located:
    """A value with the offsets a later error may need."""

    __slots__ = ("data_offset", "line_offset", "type_offset", "value")

    def __init__(
        self, value: RegistryValue, line_offset: int, type_offset: int, data_offset: int
    ) -> None:
        self.value = value
        self.line_offset = line_offset
        self.type_offset = type_offset
        self.data_offset = data_offset


def _is_key(line: str) -> bool:
    # The same test expand_hive applies: the text before the first backslash is a hive.
    hive = line.rstrip().partition("\\")[0].upper()
    return hive in HIVES or hive in _ABBREVIATIONS


def _split_value(line: str) -> tuple[str, str, str, int, int] | None:
    """``(name, type, data, type_index, data_index)`` of a value line, or None."""
    first: re.Match[str] | None = None
    previous_end = 0
    for word in _WORD_RE.finditer(line):
        if first is None:
            first = word
        elif word.group() in REGISTRY_TYPES:
            rest = line[word.end() :]
            data = rest.strip()
            data_index = word.end() + (len(rest) - len(rest.lstrip())) if data else len(line)
            return (
                line[first.start() : previous_end],
                word.group(),
                data,
                word.start(),
                data_index,
            )
        previous_end = word.end()
    return None


def _read(source: str) -> list[_Located]:
    found: list[_Located] = []
    key: str | None = None
    offset = 0
    for raw in source.split("\n"):
        line = raw.removesuffix("\r")
        line_offset = offset
        offset += len(raw) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if _is_key(line):
            key = expand_hive(line.rstrip())
            continue
        parts = _split_value(line)
        if parts is not None:
            name, kind, data, type_index, data_index = parts
            if key is None:
                msg = "a value line before any key line"
                raise error_at(msg, source, line_offset)
            found.append(
                _Located(
                    # The key's hive is spelled out (and _is_key found it), the type is one
                    # of REGISTRY_TYPES: the record's own checks hold.
                    RegistryValue._unchecked(key, name, kind, data),
                    line_offset,
                    line_offset + type_index,
                    line_offset + data_index,
                )
            )
            continue
        column = len(line) - len(line.lstrip())
        folded = stripped.casefold()
        if folded.startswith("error:"):
            cls = RegistryValueNotFoundError if _NOT_FOUND in folded else ParseError
            raise error_at(f"reg.exe reported {stripped!r}", source, line_offset + column, cls=cls)
        if folded.startswith("end of search") or stripped.endswith(">"):
            continue
        if any(command in " ".join(folded.split()) for command in _COMMANDS):
            continue
        msg = (
            "expected a registry key, a '<name>  <REG_TYPE>  <data>' value line, "
            "or a reg.exe message"
        )
        raise error_at(
            msg,
            source,
            line_offset + column,
        )
    return found


def parse_reg_query(text: str | bytes) -> tuple[RegistryValue, ...]:
    """Every value listed by ``REG QUERY`` output, in order (see the module docstring).

    Raises:
        RegistryValueNotFoundError: The output is reg.exe's "unable to find the
            specified registry key or value" error.
        ParseError: A line is none of the accepted forms, or a value comes before any key.
    """
    return tuple(located.value for located in _read(clean_text(text)))


def parse_integration_services_version(text: str | bytes) -> Version:
    r"""The guest's ``IntegrationServicesVersion`` from ``REG QUERY`` output.

    The value is looked up by name (any case); when several keys list it, the one
    under ``...\Virtual Machine\Auto`` wins.

    Raises:
        RegistryValueNotFoundError: reg.exe reported the value missing, or the output
            does not list it.
        ParseError: The output is not ``REG QUERY`` output, or the value is not a
            ``REG_SZ`` dotted version of two to four numbers.
    """
    source = clean_text(text)
    candidates = [
        located for located in _read(source) if located.value.name.casefold() == _VERSION_FOLDED
    ]
    if not candidates:
        start = len(source) - len(source.lstrip())
        raise error_at(
            f"the output lists no {_VERSION_VALUE} value",
            source,
            start,
            cls=RegistryValueNotFoundError,
        )
    auto = [c for c in candidates if c.value.key.casefold().endswith("\\virtual machine\\auto")]
    chosen = (auto or candidates)[0]
    value = chosen.value
    if value.type != "REG_SZ":
        raise error_at(
            f"{_VERSION_VALUE} should be REG_SZ, not {value.type}", source, chosen.type_offset
        )
    if SERVICES_VERSION.fullmatch(value.data) is None:
        raise error_at(
            f"{_VERSION_VALUE} {value.data!r} is not a version like 6.3.9600.19456",
            source,
            chosen.data_offset,
        )
    return Version(value.data)


def format_reg_query(values: Iterable[RegistryValue], *, newline: str = "\r\n") -> str:
    """Render values as ``reg.exe`` prints them: a blank line, then each key and its values.

    Consecutive values of one key share its key line; keys are separated by a blank
    line. Returns "" for no values.

    Args:
        values: The values, grouped by key in the order to print.
        newline: Line break to write (reg.exe writes CRLF).
    """
    lines: list[str] = []
    key: str | None = None
    for value in values:
        if value.key != key:
            if key is not None:
                lines.append("")
            key = value.key
            lines.append(key)
        lines.append(f"    {value.name}    {value.type}    {value.data}")
    if not lines:
        return ""
    return newline + newline.join(lines) + newline * 2
