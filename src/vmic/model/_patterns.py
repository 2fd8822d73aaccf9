"""The record grammars, written once: the models validate with them and the parsers read with them.

Each pattern is one compiled regex (or the text a variant is derived from, as packaging
derives ``_VERSION_PATTERN_OLD`` from ``_VERSION_PATTERN``). The parsers import these
objects rather than restating them, so a record a parser accepts is one its model
accepts.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "CONTROL",
    "CPU_TIME",
    "GUID_PATTERN",
    "HEX_GUID",
    "HEX_GUID_PATTERN",
    "MODULE_NAME",
    "SERVICES_VERSION",
    "SHORT_CPU_TIME",
    "SUB_STATE",
    "UNIT_NAME",
    "UNPRINTABLE",
]

#: A GUID as Hyper-V prints it in a component ``Id``: upper-case hex, no braces.
GUID_PATTERN: Final = r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"
#: The same GUID in either case (how the parsers read it before upper-casing it).
HEX_GUID_PATTERN: Final = f"(?i:{GUID_PATTERN})"
HEX_GUID: Final = re.compile(HEX_GUID_PATTERN)

#: An integration services version as Hyper-V and the guest's registry print it:
#: two to four dot-separated numbers (``6.3.9600.18692``).
SERVICES_VERSION: Final = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,10}){1,3}")

# What the Linux commands never print inside a column: control characters (which include
# every line break str.splitlines() knows; ps and systemctl escape them), the line and
# paragraph separators, and the byte-order mark, which the parsers drop from the start of
# their input. A tab may stand inside a command line or a description.
_UNPRINTABLE_RANGES: Final = "\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff"
#: Any of those characters (the tab excepted).
UNPRINTABLE: Final = re.compile(f"[{_UNPRINTABLE_RANGES}]")
#: Any of those characters or a tab: for a name, which holds no tab either.
CONTROL: Final = re.compile(f"[\t{_UNPRINTABLE_RANGES}]")

#: A kernel module name (``lsmod``, ``/proc/modules``, ``modules.builtin``).
MODULE_NAME: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: The ``TIME`` column of ``ps -ef``: ``[DD-]HH:MM:SS``.
CPU_TIME: Final = re.compile(
    r"(?:(?P<days>[0-9]{1,9})-)?(?P<h>[0-9]{2,9}):(?P<m>[0-5][0-9]):(?P<s>[0-5][0-9])"
)
#: The ``TIME`` column of FreeBSD's ``ps`` (minutes, seconds and hundredths: ``0:00.02``, the
#: decimal point as the locale writes it) and of BusyBox's (minutes and seconds: ``0:00``).
SHORT_CPU_TIME: Final = re.compile(
    r"(?P<m>[0-9]{1,9}):(?P<s>[0-5][0-9])(?:[.,](?P<hundredths>[0-9]{2}))?"
)
#: A systemd unit name.
UNIT_NAME: Final = re.compile(r"[A-Za-z0-9:_.\\@-]+")
#: A systemd unit's ``SubState`` word.
SUB_STATE: Final = re.compile(r"[a-z][a-z0-9-]*")
