"""A one-line progress bar for long audits, drawn on a terminal and silent elsewhere."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from vmic.fleet._report import HostResult

__all__ = ["TerminalProgress"]

_BAR: Final = 24
_MIN_INTERVAL: Final = 0.1


class TerminalProgress:
    """Draws ``[#####.....] 120/500 hosts, 3 not audited`` on *stream* when it is a terminal.

    Use it as the ``progress`` callback of :func:`vmic.audit.audit`; call :meth:`close`
    at the end to finish the line. When *stream* is not a terminal it writes nothing.
    """

    def __init__(self, stream: TextIO, *, force: bool = False) -> None:
        isatty = getattr(stream, "isatty", None)
        self.enabled = force or (callable(isatty) and bool(isatty()))
        self._stream = stream
        self._failed = 0
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int, result: HostResult) -> None:
        if not result.ok:
            self._failed += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < _MIN_INTERVAL:
            return
        self._last = now
        filled = _BAR * done // total if total else _BAR
        failed = f", {self._failed} not audited" if self._failed else ""
        line = f"\rvmic audit [{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total} hosts{failed}"
        self._stream.write(line)
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the progress line (nothing when nothing was drawn)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
