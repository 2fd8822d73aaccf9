"""Shared pieces of vmic's strategies: option checks and text."""

from __future__ import annotations

import re
from typing import Final, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from vmic.model._locales import (
    ELLIPSES,
    LOCALES,
)
from vmic.model._records import (
    GUID_PATTERN,
)

#: How a Windows record is rendered: a PowerShell table, or ``ConvertTo-Json``.
_Form = Literal["json", "table"]

_DISTRIBUTIONS: Final = ("ubuntu", "debian", "rhel", "arch", "suse")
_FORMS: Final = ("json", "table")
_GUID_RE: Final = re.compile(GUID_PATTERN, re.IGNORECASE)


def _check_form(form: str) -> None:
    if form not in _FORMS:
        raise InvalidArgument(f"form={form!r}; expected one of {_FORMS}")


def _check_locale(locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise InvalidArgument(f"locale={locale!r}; vmic knows {', '.join(LOCALES)}")


def _check_distribution(distribution: str | None) -> None:
    if distribution is not None and distribution not in _DISTRIBUTIONS:
        raise InvalidArgument(
            f"distribution={distribution!r}; expected one of {', '.join(_DISTRIBUTIONS)}"
        )


# --- Text -----------------------------------------------------------------------------------


def _line_chars() -> st.SearchStrategy[str]:
    # One line of printable text: no control characters, line or paragraph separators, lone
    # surrogates, private use or unassigned code points, nor the byte-order mark parsers drop.
    # Wide CJK and combining characters are welcome.
    return st.characters(
        exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), exclude_characters="\ufeff"
    )


def table_cell_texts(*, min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text a table cell shows unchanged: one line, no outer spaces, no trailing ellipsis."""
    return st.text(_line_chars(), min_size=min_size, max_size=max_size).filter(
        lambda s: s == s.strip() and not s.endswith(ELLIPSES)
    )


def _json_texts(*, min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Any text JSON carries: line breaks, NULs and other control characters included."""
    return st.text(min_size=min_size, max_size=max_size)


def _guids() -> st.SearchStrategy[str]:
    """GUIDs in upper case, as records keep them."""
    return st.uuids().map(lambda u: str(u).upper())
