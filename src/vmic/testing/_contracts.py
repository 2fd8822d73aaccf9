"""How the lab holds what it is sent to the documented contracts.

A real host refuses a script whose syntax its PowerShell does not have before running any of
it (a parse error), and stops at the first cmdlet call that fits no documented parameter
set (the scripts stop at the first error). The lab does the same with every PowerShell text
it is sent, vmic's scripts and typed commands alike:

- :func:`syntax_refusal`: syntax newer than the PowerShell that answers (``&&``, ``||``,
  ``??``, ternaries and null-conditional members on Windows PowerShell 5.1; ``-in``,
  ``-notin``, ``-shl``, ``-shr`` and classes on 2.0);
- :func:`call_refusal`: a cmdlet call that does not bind
  (:func:`~vmic.testing._reference.check_call`), for the Hyper-V module of the host's
  Windows Server edition;
- :func:`unknown_wmi`: a WMI class whose reference page the lab was not given (the lab
  cannot tell what a host would do with it, so it does not understand the script).

Each text is read once (:func:`reading`): a host answering the same script again pays a
dictionary look-up.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

from packaging.version import Version

from vmic.testing._guest_data import PRODUCT_BUILDS
from vmic.testing._powershell import Reading, ReadingError, read
from vmic.testing._reference import check_call, reference

if TYPE_CHECKING:
    from vmic.model._operating_system import OperatingSystem

__all__ = ["call_refusal", "edition_of", "reading", "syntax_refusal", "unknown_wmi"]

# The PowerShell that first has each piece of syntax:
# - `&&`, `||`: about_Pipeline_Chain_Operators (PowerShell-Docs reference/7.4): "Beginning in
#   PowerShell 7";
# - `??`, `??=`, the ternary `?:`: in reference/7.4 about_Operators, not in reference/5.1's;
#   7.0 (UNVERIFIED beyond that: the 7.4 page gives no version);
# - `?.`, `?[]`: reference/7.4 about_Operators: "moved from experimental to mainstream in
#   PowerShell 7.1";
# - `-in`, `-notin`: reference/5.1 about_Comparison_Operators: "introduced in PowerShell 3";
#   `-shl`, `-shr`: reference/5.1 about_Arithmetic_Operators: "Beginning in PowerShell 3.0";
# - `class`, `enum`, `using`, `[Type]::new()`: in reference/5.1 (about_Classes, about_Enum,
#   about_Using); 5.0 (UNVERIFIED: the pages give no version).
_SYNTAX_SINCE: Final = {
    "&&": Version("7.0"),
    "||": Version("7.0"),
    "&": Version("7.0"),
    "??": Version("7.0"),
    "??=": Version("7.0"),
    "?:": Version("7.0"),
    "?.": Version("7.1"),
    "?[": Version("7.1"),
    "-in": Version("3.0"),
    "-notin": Version("3.0"),
    "-shl": Version("3.0"),
    "-shr": Version("3.0"),
    "class": Version("5.0"),
    "enum": Version("5.0"),
    "using": Version("5.0"),
}
# Fails only when it runs (a method call), not when the script is parsed.
_AT_RUN_TIME: Final = frozenset({"::new"})
_WMI_CLASS: Final = re.compile(r"(?:Msvm|Win32|CIM)_[A-Za-z0-9_]+")
# Builds that begin each documented edition of the Hyper-V module.
_EDITIONS: Final = (
    (17763, "Windows Server 2019"),
    (20348, "Windows Server 2022"),
    (26100, "Windows Server 2025"),
)


@functools.lru_cache(maxsize=512)
def reading(text: str) -> Reading | str:
    """What the lab's reader makes of *text*, or why it cannot read it."""
    try:
        return read(text)
    except ReadingError as error:
        return str(error)


def syntax_refusal(found: Reading, version: Version) -> str | None:
    """PowerShell *version*'s parse error for syntax it does not have, or None."""
    for operator in sorted(found.operators - _AT_RUN_TIME):
        since = _SYNTAX_SINCE.get(operator)
        if since is not None and version < since:
            if operator in {"&&", "||"}:
                return f"The token '{operator}' is not a valid statement separator in this version."
            return f"Unexpected token '{operator}' in expression or statement."
    return None


def call_refusal(
    found: Reading, version: Version, *, editions: tuple[str, ...] | None = None
) -> str | None:
    """The error of the first call PowerShell *version* would refuse, or None."""
    if "::new" in found.operators and version < Version("5.0"):
        return (
            "Method invocation failed because [System.Type] does not contain a method named 'new'."
        )
    for call in found.calls:
        if call.native or call.cmdlet in found.functions:
            continue
        problem = check_call(call, version=version, editions=editions)
        if problem is not None:
            return problem
    return None


def unknown_wmi(found: Reading) -> str | None:
    """A WMI class the text names that the lab has no reference page for, or None."""
    data = reference()
    for literal in found.literals:
        if _WMI_CLASS.fullmatch(literal) and data.wmi_class(literal) is None:
            return literal
    return None


def edition_of(host_os: OperatingSystem) -> str:
    """The documented edition of the Hyper-V module closest to (not newer than) a host's.

    Hosts older than Windows Server 2016 use the 2016 pages, the oldest there are.
    """
    build = host_os.build or PRODUCT_BUILDS.get(host_os.product.value, 0)
    edition = "Windows Server 2016"
    for first, name in _EDITIONS:
        if build >= first:
            edition = name
    return edition
