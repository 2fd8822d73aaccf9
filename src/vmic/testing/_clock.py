"""The lab's time: it moves only when a wait in the lab says so.

A wait of 60 seconds advances the clock by 60 seconds and returns at once, so tests of
waits and timeouts are fast and give the same answer every run.
:meth:`SimulatedClock.call_later` plans a change (a daemon installed, a lease obtained) at a
moment of simulated time; the clock applies it when a wait reaches it.

>>> clock = SimulatedClock()
>>> seen = []
>>> clock.call_later(5, lambda: seen.append(clock.now))
>>> clock.advance(10)
>>> seen, clock.now
([5.0], 10.0)
"""

from __future__ import annotations

import heapq
import itertools
from typing import TYPE_CHECKING

from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SimulatedClock"]


class SimulatedClock:
    """The lab's time, in seconds since the lab was built; it moves only when told to."""

    def __init__(self) -> None:
        self._now = 0.0
        self._order = itertools.count()
        self._planned: list[tuple[float, int, Callable[[], object]]] = []

    def __repr__(self) -> str:
        return f"SimulatedClock(now={self._now:g}, {len(self._planned)} planned)"

    @property
    def now(self) -> float:
        """Seconds of simulated time so far."""
        return self._now

    def call_later(self, seconds: float, action: Callable[[], object]) -> None:
        """Run *action* once *seconds* of simulated time have passed.

        Raises:
            vmic.ConfigurationError: *seconds* is negative or not a number.
        """
        checked: object = seconds
        if isinstance(checked, bool) or not isinstance(checked, int | float) or checked < 0:
            raise ConfigurationError(f"seconds must be a number of 0 or more, not {seconds!r}")
        heapq.heappush(self._planned, (self._now + seconds, next(self._order), action))

    def advance(self, seconds: float) -> None:
        """Let *seconds* pass, running what was planned in that time, in order."""
        if seconds < 0:
            raise ConfigurationError(f"time cannot go back ({seconds!r} seconds)")
        end = self._now + seconds
        while self._planned and self._planned[0][0] <= end:
            moment, _, action = heapq.heappop(self._planned)
            self._now = max(self._now, moment)
            action()
        self._now = end
