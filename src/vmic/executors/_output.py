"""Turning raw process output into the text a Result and an error message show."""

from __future__ import annotations

import contextlib
import logging
import re
import shlex
import threading
from collections import Counter
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from vmic.executors._command import Secret

__all__ = [
    "LOG",
    "RedactingFilter",
    "decode",
    "redact",
    "render_tails",
    "signal_exit_code",
    "tail",
]

LOG: Final = logging.getLogger("vmic.executors")
TAIL_LINES: Final = 10
_TAIL_WIDTH: Final = 300
_PS_QUOTES: Final = "'\u2018\u2019\u201a\u201b"
#: Secrets shorter than this are not masked: masking a password ``p`` would turn
#: ``port=2222`` into ``***ort=2222`` and so tell the password to whoever reads it.
MIN_MASKED_LENGTH: Final = 4


def decode(data: bytes) -> str:
    """Decode process output as UTF-8, dropping a byte-order mark; bad bytes become U+FFFD."""
    text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def _forms(secret: str) -> set[str]:
    # The plain value plus the shapes it takes inside the quoted literals vmic
    # writes, since shells echo a failing source line back in their errors.
    doubled = "".join(c + c if c in _PS_QUOTES else c for c in secret)
    return {secret, doubled, shlex.quote(secret)}


def redact(text: str, secrets: Iterable[Secret | str]) -> str:
    """Replace each secret (plain or quoted) in *text* with ``***``, where it stands whole.

    A secret is masked only where it is not part of a longer word (no letter, digit or
    ``_`` touches it), and only when it is at least :data:`MIN_MASKED_LENGTH` characters
    long; a :class:`~vmic.executors.Secret` made with ``mask=False`` is left alone.
    """
    forms: set[str] = set()
    for secret in secrets:
        if not isinstance(secret, str) and not secret.mask:
            continue
        plain = secret if isinstance(secret, str) else secret.reveal()
        if len(plain) >= MIN_MASKED_LENGTH:
            forms |= _forms(plain)
    if not forms:
        return text
    # Longest first, so a quoted form wins over the plain text inside it. (Not cached:
    # a cache would keep the secrets' text alive.)
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", "***", text)


def tail(text: str, lines: int = TAIL_LINES) -> tuple[str, int]:
    """Return the last *lines* lines of *text* (each cut to a readable width) and the total."""
    all_lines = text.splitlines()
    shown = [
        line if len(line) <= _TAIL_WIDTH else line[: _TAIL_WIDTH - 3] + "..."
        for line in all_lines[-lines:]
    ]
    return "\n".join(shown), len(all_lines)


def render_tails(stdout: str, stderr: str) -> str:
    """Render both streams' tails for an error message (empty streams are named as such)."""
    parts: list[str] = []
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        shown, total = tail(text)
        if total == 0:
            parts.append(f"\n{name}: (empty)")
            continue
        what = f"last {min(total, TAIL_LINES)} of {total} lines" if total > TAIL_LINES else "all"
        indented = "\n".join("    " + line for line in shown.splitlines())
        parts.append(f"\n{name} ({what}):\n{indented}")
    return "".join(parts)


def signal_exit_code(signal_number: int) -> int:
    """The status a POSIX shell reports for a process killed by *signal_number*."""
    return 128 + signal_number


class RedactingFilter(logging.Filter):
    """A logging filter that blanks the secrets of the commands currently running.

    A transport library may log what it sends and receives at DEBUG level
    (pypsrp logs every PSRP message); when a remote script prints a secret, that
    log record would hold it. Executors attach this filter to such loggers and
    register each command's secrets while it runs.
    """

    def __init__(self) -> None:
        super().__init__()
        self._active: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def active(self, secrets: Iterable[Secret]) -> Iterator[None]:
        """Redact *secrets* from records logged inside the ``with`` block."""
        plain = [s.reveal() for s in secrets if s.reveal()]
        with self._lock:
            self._active.update(plain)
        try:
            yield
        finally:
            with self._lock:
                self._active.subtract(plain)
                self._active += Counter()  # drop entries that reached zero

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite *record* without the active secrets; never drops a record."""
        with self._lock:
            secrets = list(self._active)
        if not secrets:
            return True
        message = record.getMessage()
        cleaned = redact(message, secrets)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True

    def attach(self, prefix: str) -> None:
        """Add this filter to every existing logger named *prefix* or ``prefix.*``."""
        names = [
            prefix,
            *(n for n in logging.root.manager.loggerDict if n.startswith(prefix + ".")),
        ]
        for name in names:
            logger = logging.getLogger(name)
            if self not in logger.filters:
                logger.addFilter(self)
