"""Checks of values that come from callers, shared by the executor modules."""

from __future__ import annotations

from typing import TypeVar

from vmic.errors import ConfigurationError, UnsafeValueError

__all__ = ["check_instance", "check_text"]

_T = TypeVar("_T")


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
