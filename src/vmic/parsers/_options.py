"""Options shared by the formatters: which rendering, whose PowerShell."""

from __future__ import annotations

from typing import Final, Literal

from vmic.errors import ConfigurationError
from vmic.model._locales import ELLIPSES

__all__ = ["Form", "check_options", "ellipsis_for"]

#: ``"table"``: what the console shows; ``"json"``: ``| ConvertTo-Json``.
Form = Literal["table", "json"]

_FORMS: Final = ("table", "json")
_VERSIONS: Final = ("5.1", "7")


def check_options(form: str, powershell: str, *, enums_as_strings: bool = False) -> None:
    """Reject an unknown form or PowerShell version, and switches that version lacks.

    Raises:
        ConfigurationError: The options are not ones PowerShell could have produced.
    """
    if form not in _FORMS:
        raise ConfigurationError(f"form should be 'table' or 'json', not {form!r}")
    if powershell not in _VERSIONS:
        raise ConfigurationError(f"powershell should be '5.1' or '7', not {powershell!r}")
    if enums_as_strings and powershell == "5.1":
        msg = "Windows PowerShell 5.1's ConvertTo-Json has no -EnumsAsStrings; use powershell='7'"
        raise ConfigurationError(msg)


def ellipsis_for(powershell: str) -> str:
    """What that PowerShell appends to a cell it cuts: ``...`` in 5.1, ``…`` from 6.2 on."""
    return ELLIPSES[0] if powershell == "5.1" else ELLIPSES[1]
