"""The audit progress bar: on a terminal only, from the start, never dropping a redraw."""

from __future__ import annotations

import io
import threading

from vmic.fleet import HostResult, HostStatus
from vmic.render import TerminalProgress

OK = HostResult(host="a", status=HostStatus.OK)
DOWN = HostResult(host="b", status=HostStatus.UNREACHABLE, error="down")


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _last_line(text: str) -> str:
    return text.rsplit("\r", 1)[-1]


def test_terminal_progress_draws_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    progress = TerminalProgress(quiet)
    progress.start(2)
    progress(1, 2, OK)
    progress(2, 2, DOWN)
    progress.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    bar = TerminalProgress(shown, force=True)
    bar(1, 2, OK)
    bar(2, 2, DOWN)
    bar.close()
    text = shown.getvalue()
    assert text.startswith("\rvmic audit [")
    assert "2/2 hosts, 1 not audited" in text
    assert text.endswith("\n")


def test_the_bar_shows_from_the_start_with_elapsed_time() -> None:
    clock = _Clock()
    shown = io.StringIO()
    bar = TerminalProgress(shown, force=True, clock=clock)
    bar.start(12, ticker=False)
    assert "0/12 hosts, 0:00 elapsed" in shown.getvalue()  # before any host is done
    clock.now += 5
    bar.tick()  # hosts are slow: the clock still moves
    assert "0/12 hosts, 0:05 elapsed" in _last_line(shown.getvalue())


def test_a_throttled_redraw_is_deferred_not_dropped() -> None:
    clock = _Clock()
    shown = io.StringIO()
    bar = TerminalProgress(shown, force=True, clock=clock)
    bar.start(12, ticker=False)
    clock.now += 1
    bar(1, 12, OK)
    assert "1/12" in _last_line(shown.getvalue())
    for done in (2, 3, 4):  # within the throttle interval: not drawn yet
        bar(done, 12, OK)
    assert "4/12" not in shown.getvalue()
    clock.now += 1  # the interval is up: the next tick draws what was held back
    bar.tick()
    line = _last_line(shown.getvalue())
    assert "4/12 hosts" in line
    # 4 hosts in 2 s: 8 more take 4 s.
    assert "0:02 elapsed, ETA 0:04" in line


def test_close_draws_the_last_state() -> None:
    clock = _Clock()
    shown = io.StringIO()
    bar = TerminalProgress(shown, force=True, clock=clock)
    bar.start(3, ticker=False)
    clock.now += 1
    bar(1, 3, OK)
    bar(2, 3, DOWN)  # throttled
    bar.close()
    text = shown.getvalue()
    assert "2/3 hosts, 1 not audited" in _last_line(text)
    assert text.endswith("\n")


def test_the_background_ticker_stops_on_close() -> None:
    shown = io.StringIO()
    bar = TerminalProgress(shown, force=True)
    bar.start(2)
    bar(1, 2, OK)
    bar.close()
    assert "vmic-progress" not in {t.name for t in threading.enumerate()}
    assert shown.getvalue().endswith("\n")


def test_an_elapsed_line_counts_the_seconds_of_one_operation() -> None:
    from vmic.render import ElapsedLine  # noqa: PLC0415 - beside its use

    clock = _Clock()
    shown = io.StringIO()
    line = ElapsedLine(shown, "vmic wait: dc01: heartbeat", limit=600, force=True, clock=clock)
    line.start(ticker=False)
    assert _last_line(shown.getvalue()) == (
        "vmic wait: dc01: heartbeat ... 0:00 elapsed (timeout 10:00)\x1b[K"
    )
    clock.now += 75
    line.tick()
    assert "1:15 elapsed" in _last_line(shown.getvalue())
    line.close()
    assert shown.getvalue().endswith("\n")
    silent = io.StringIO()  # not a terminal
    with ElapsedLine(silent, "vmic wait: x", clock=clock):
        clock.now += 5
    assert silent.getvalue() == ""


def test_an_elapsed_line_shows_a_name_as_text() -> None:
    from vmic.render import ElapsedLine  # noqa: PLC0415 - beside its use

    shown = io.StringIO()
    with ElapsedLine(shown, "vmic copy: web\x1b[2J01", force=True):
        pass
    assert "\x1b[2J" not in shown.getvalue()
    assert "web\\x1b[2J01" in shown.getvalue()
