"""Enums whose ``str()`` is their display name, and how a snake_case value reads as words.

Every vocabulary of vmic is an :class:`enum.Enum` whose ``.value`` is a stable snake_case
word for machines (JSON, CSV, the CLI's arguments) and whose ``str()`` is the name a person
reads (:attr:`NamedEnum.label`): ``str(IntegrationService.HEARTBEAT) == "Heartbeat"``,
``str(Cause.DISABLED_ON_HOST) == "disabled on host"``. By default the label is the value in
words, with the product names and acronyms written as they are written
(:func:`words`); an enum with names of its own (services, products) gives them instead.
``repr()`` stays the enum's ``Class.MEMBER``.

>>> words("guest_ip_reporting"), words("data_exchange_required_for_updates")
('guest IP reporting', 'Data Exchange required for updates')
"""

from __future__ import annotations

import enum
import re
from typing import Final

from vmic.render._escape import shown, visible

__all__ = ["NAME_LENGTH", "NamedEnum", "counted", "cut", "named", "words"]

#: The most characters of a name a repr shows (reprs are one short line, whatever the names).
NAME_LENGTH: Final = 40

#: Names written as they are written, matched as whole snake_case words (longest first).
_PHRASES: Final = {
    "key_value_pair_exchange": "Key-Value Pair Exchange",
    "guest_service_interface": "Guest Service Interface",
    "time_synchronization": "Time Synchronization",
    "powershell_direct": "PowerShell Direct",
    "windows_update": "Windows Update",
    "data_exchange": "Data Exchange",
}
_WORDS: Final = {
    "vm": "VM",
    "vms": "VMs",
    "os": "OS",
    "ip": "IP",
    "ipv4": "IPv4",
    "ipv6": "IPv6",
    "dc": "DC",
    "ptp": "PTP",
    "kvp": "KVP",
    "vss": "VSS",
    "ok": "OK",
    "hyperv": "Hyper-V",
    "powershell": "PowerShell",
    "windows": "Windows",
    "linux": "Linux",
    "freebsd": "FreeBSD",
}
_PHRASE_RE: Final = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted(_PHRASES, key=len, reverse=True)) + r")(?![a-z0-9])"
)


def words(value: str) -> str:
    """A snake_case *value* as words: names and acronyms as they are written, the rest as is."""
    marked = _PHRASE_RE.sub(lambda match: _PHRASES[match.group(1)].replace(" ", "\0"), value)
    return " ".join(_WORDS.get(word, word) for word in marked.split("_")).replace("\0", " ")


class NamedEnum(enum.Enum):
    """An enum whose ``str()`` (and ``format()``) is its display name, :attr:`label`."""

    # Members are singletons, equal only to themselves: hashing them by identity, in C, keeps
    # every dict and set as it is, where Enum's hash of the name runs Python code on every
    # lookup (a fifth of the diagnosis's calls went there).
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name a person reads: the value in words (see :func:`words`)."""
        value = self.value
        return words(value if isinstance(value, str) else self.name.lower())


def named(text: str) -> str:
    """A name as a repr shows it: quoted, visible, at most :data:`NAME_LENGTH` characters."""
    quoted = shown(text, NAME_LENGTH)
    return quoted if len(quoted) <= NAME_LENGTH else quoted[: NAME_LENGTH - 4] + "..." + quoted[0]


def cut(text: str, limit: int = 60) -> str:
    """Text for a repr: on one line, visible, at most *limit* characters (``...`` when cut)."""
    flat = visible(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def counted(count: int, noun: str) -> str:
    """``"1 finding"``, ``"2 findings"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
