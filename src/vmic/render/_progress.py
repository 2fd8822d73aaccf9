"""One-line progress for long work, with elapsed time: drawn on a terminal, silent elsewhere.

:class:`TerminalProgress` counts hosts (``vmic audit``, ``vmic doctor``, ``vmic fix
--inventory``); :class:`ElapsedLine` says what one long operation is doing and for how
long (``vmic wait``, ``vmic shutdown``, ``vmic copy``, applying fixes). Both redraw their
line in place at most every 0.1 s from a background thread, so the clock runs while a
host is slow, and end it with a newline at :meth:`close`. When the stream is not a
terminal, nothing is written and no thread starts.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Final, Protocol, TextIO

from vmic.render._escape import visible

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ElapsedLine", "TerminalProgress"]

_BAR: Final = 24
_MIN_INTERVAL: Final = 0.1
# Clear from the cursor to the end of the line: a shorter line leaves nothing behind.
_CLEAR_TO_END: Final = "\x1b[K"


class _Result(Protocol):
    """What the bar needs of a host's result: whether it was audited."""

    @property
    def ok(self) -> bool: ...


def _clock_text(seconds: float) -> str:
    minutes, secs = divmod(max(0, round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Line:
    """A line redrawn in place on a terminal: the clock, the ticker thread, the drawing."""

    def __init__(
        self,
        stream: TextIO,
        *,
        force: bool = False,
        clock: Callable[[], float] = time.monotonic,
        interval: float = _MIN_INTERVAL,
    ) -> None:
        isatty = getattr(stream, "isatty", None)
        self.enabled = force or (callable(isatty) and bool(isatty()))
        self._stream = stream
        self._clock = clock
        self._interval = interval
        self._lock = threading.Lock()
        self._started: float | None = None
        self._last_draw = float("-inf")
        self._shown = ""
        self._drawn = False
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def _begin(self, *, ticker: bool) -> None:
        if not self.enabled:
            return
        self.tick()
        if ticker and self._ticker is None:
            self._ticker = threading.Thread(target=self._run, name="vmic-progress", daemon=True)
            self._ticker.start()

    def _elapsed(self) -> float | None:
        return None if self._started is None else self._clock() - self._started

    def _line(self) -> str:
        raise NotImplementedError

    def tick(self) -> None:
        """Redraw the line if what it shows has changed (the background thread calls this)."""
        if not self.enabled:
            return
        with self._lock:
            line = self._line()
            if line == self._shown:
                return
            self._stream.write(f"\r{line}{_CLEAR_TO_END}")
            self._stream.flush()
            self._shown = line
            self._last_draw = self._clock()
            self._drawn = True

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.tick()

    def close(self) -> None:
        """Draw the last state and end the line (nothing when nothing was drawn)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if not self.enabled:
            return
        if self._started is not None or self._drawn:
            self.tick()
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False


class TerminalProgress(_Line):
    """Draws ``[#####.....] 120/500 hosts, 3 not audited, 1:02 elapsed, ETA 4:15``.

    Use it as the ``progress`` callback of :func:`vmic.audit.audit`: call :meth:`start`
    with the number of hosts before the audit (the bar shows at once and its clock keeps
    running while hosts are slow), and :meth:`close` at the end to finish the line. Redraws
    are at most every 0.1 s; one that comes sooner is drawn when that time is up (by a
    background thread, or at :meth:`close`), never dropped. When *stream* is not a
    terminal, nothing is written and no thread starts. *label* names the command
    (``"vmic doctor"``).
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        force: bool = False,
        clock: Callable[[], float] = time.monotonic,
        interval: float = _MIN_INTERVAL,
        label: str = "vmic audit",
    ) -> None:
        super().__init__(stream, force=force, clock=clock, interval=interval)
        self._label = visible(label)
        self._done = 0
        self._total = 0
        self._failed = 0

    def start(self, total: int, *, ticker: bool = True) -> None:
        """Draw ``0/total`` now and, unless *ticker* is false, keep the line current."""
        with self._lock:
            self._total = total
            self._started = self._clock()
        self._begin(ticker=ticker)

    def __call__(self, done: int, total: int, result: _Result) -> None:
        with self._lock:
            if self._started is None:
                self._started = self._clock()
            self._done = done
            self._total = total
            if not result.ok:
                self._failed += 1
        if self.enabled and (done >= total or self._clock() - self._last_draw >= self._interval):
            self.tick()

    def _line(self) -> str:
        done, total = self._done, self._total
        filled = _BAR * done // total if total else _BAR
        failed = f", {self._failed} not audited" if self._failed else ""
        timing = ""
        elapsed = self._elapsed()
        if elapsed is not None:
            timing = f", {_clock_text(elapsed)} elapsed"
            if 0 < done < total:
                timing += f", ETA {_clock_text(elapsed / done * (total - done))}"
        bar = "#" * filled + "." * (_BAR - filled)
        return f"{self._label} [{bar}] {done}/{total} hosts{failed}{timing}"


class ElapsedLine(_Line):
    """Draws ``vmic wait: dc01: heartbeat ... 0:12 elapsed (timeout 10:00)`` while it works.

    For one long operation that has no count to show: :meth:`start` before it,
    :meth:`close` after it (a ``with`` block does both).
    """

    def __init__(
        self,
        stream: TextIO,
        text: str,
        *,
        limit: float | None = None,
        force: bool = False,
        clock: Callable[[], float] = time.monotonic,
        interval: float = _MIN_INTERVAL,
    ) -> None:
        super().__init__(stream, force=force, clock=clock, interval=interval)
        self._text = visible(text)
        self._limit = limit

    def start(self, *, ticker: bool = True) -> None:
        """Draw the line now and, unless *ticker* is false, keep its clock running."""
        with self._lock:
            self._started = self._clock()
        self._begin(ticker=ticker)

    def __enter__(self) -> ElapsedLine:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _line(self) -> str:
        elapsed = self._elapsed() or 0.0
        limit = f" (timeout {_clock_text(self._limit)})" if self._limit is not None else ""
        return f"{self._text} ... {_clock_text(elapsed)} elapsed{limit}"
