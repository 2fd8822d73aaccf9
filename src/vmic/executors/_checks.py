"""Checks of values that come from callers, shared by the executor modules."""

from __future__ import annotations

import re
from typing import Final, TypeVar

from vmic.errors import ConfigurationError, UnsafeValueError

__all__ = ["IDENTIFIER", "check_identifier", "check_instance", "check_text"]

_T = TypeVar("_T")

IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")
"""A name that is a variable in PowerShell and in POSIX sh alike (at most 100 characters)."""


def check_identifier(value: object, *, what: str) -> str:
    """Return *value* if it is an :data:`IDENTIFIER`; raise a ConfigurationError otherwise.

    For names written into script text (``$Name``), where anything else would be code.
    """
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise ConfigurationError(
            f"{what} {value!r} is not an identifier "
            "(letters, digits and '_', not starting with a digit, at most 100 characters)"
        )
    return value


def check_instance(value: object, kind: type[_T], *, what: str) -> _T:
    """Return *value* if it is a *kind*; raise a ConfigurationError naming *what* otherwise.

    Type annotations already say what is expected; this catches callers that
    are not type-checked before the value fails somewhere less clear.
    """
    if not isinstance(value, kind):
        raise ConfigurationError(
            f"{what} must be a {kind.__module__}.{kind.__qualname__}, not {type(value).__name__}"
        )
    return value


def check_text(value: str, *, what: str) -> str:
    """Return *value* unchanged if it can reach a shell intact.

    Args:
        value: The text to check.
        what: How to name the text in an error message ("parameter 'VMName'").

    Raises:
        UnsafeValueError: The text holds a NUL character (which ends a string in
            every process argument and C API on the way) or an unpaired surrogate
            (which has no UTF-8 or UTF-16 encoding). The message names the
            position, never the text, because the text may be a secret.
    """
    nul = value.find("\x00")
    if nul >= 0:
        raise UnsafeValueError(f"{what} contains a NUL character at index {nul}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnsafeValueError(
            f"{what} contains an unpaired surrogate at index {exc.start}; it has no UTF-8 encoding"
        ) from None
    return value
