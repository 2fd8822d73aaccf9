r"""Integration component ids: ``Microsoft:<VMID>\<GUID>``.

Grammar (case-insensitive, spaces around the whole id ignored)::

    id   = "Microsoft:" guid sep guid
    sep  = "\" | "\\"          (a doubled backslash, as copied out of JSON text)
    guid = 8 HEX "-" 4 HEX "-" 4 HEX "-" 4 HEX "-" 12 HEX

>>> cid = parse_component_id(
...     "Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"
... )
>>> cid.service
IntegrationService.HEARTBEAT
>>> parse_component_id("Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603/84EAAE65")
Traceback (most recent call last):
    ...
vmic.errors.ParseError: expected '\' after the VM id (line 1, column 47)
    Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603/84EAAE65
                                                  ^
"""

from __future__ import annotations

import re
from typing import Final

from vmic.model._patterns import GUID_PATTERN, HEX_GUID
from vmic.model._records import FILL_COMPONENT_ID, ComponentId
from vmic.parsers._errors import error_at
from vmic.parsers._text import clean_text

__all__ = ["parse_component_id"]


# HEX_GUID's grammar with its letters written in both cases: the very characters that
# HEX_GUID's case-insensitive classes match (a test compares them over every code point),
# read three times faster, since the regex engine need not fold each character's case.
# The parsers read one or two GUIDs per component this way.
_ANY_CASE_GUID_PATTERN: Final = GUID_PATTERN.replace("A-F", "A-Fa-f")
#: A GUID in either case (the parsers' fast form of :data:`vmic.model._patterns.HEX_GUID`).
ANY_CASE_GUID: Final = re.compile(_ANY_CASE_GUID_PATTERN)

_PREFIX: Final = "microsoft:"
# The prefix stays case-insensitive: that also accepts the three non-ASCII letters that
# fold to its i and s (as it always has).
_ID_RE: Final = re.compile(
    f"(?i:microsoft):({_ANY_CASE_GUID_PATTERN})\\\\{{1,2}}({_ANY_CASE_GUID_PATTERN})"
)
# The id as Hyper-V writes it (``Microsoft:`` and upper-case GUIDs): a subset of _ID_RE's
# language whose groups are upper case already. Tried first, as it runs once per component
# read: it spares the two upper() copies and the case-folded prefix.
_EXACT_ID_RE: Final = re.compile(f"Microsoft:({GUID_PATTERN})\\\\{{1,2}}({GUID_PATTERN})")


def match_component_id(text: str) -> ComponentId | None:
    """The id in ``text`` (exactly, no surrounding space), or None: the quiet fast path."""
    match = _EXACT_ID_RE.fullmatch(text)
    if match is not None:
        return FILL_COMPONENT_ID(*match.groups())
    match = _ID_RE.fullmatch(text)
    if match is None:
        return None
    vm_id, guid = match.groups()
    return FILL_COMPONENT_ID(vm_id.upper(), guid.upper())


def parse_component_id(text: str | bytes) -> ComponentId:
    r"""Parse ``Microsoft:<VMID>\<GUID>`` (the ``Id`` of a ``VMIntegrationComponent``).

    Raises:
        ParseError: The text is not such an id; the error points at the first wrong part.
    """
    source = clean_text(text)
    end = len(source.rstrip())
    start = len(source) - len(source.lstrip())
    found = match_component_id(source[start:end])
    if found is not None:
        return found
    if source[start : start + len(_PREFIX)].casefold() != _PREFIX:
        msg = "expected an id starting with 'Microsoft:'"
        raise error_at(msg, source, start)
    pos = start + len(_PREFIX)
    if HEX_GUID.match(source, pos) is None:
        msg = "expected the VM id (a GUID) after 'Microsoft:'"
        raise error_at(msg, source, pos)
    pos += 36
    if source[pos : pos + 1] != "\\":
        msg = "expected '\\' after the VM id"
        raise error_at(msg, source, pos)
    pos += 2 if source[pos + 1 : pos + 2] == "\\" else 1
    if HEX_GUID.match(source, pos) is None:
        msg = "expected the component GUID after '\\'"
        raise error_at(msg, source, pos)
    msg = "unexpected text after the component GUID"
    raise error_at(msg, source, pos + 36)
