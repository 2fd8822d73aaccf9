"""The benchmarks' shared harness: interleaved rounds, medians, and ratios refused when busy."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("_harness")


def test_each_round_runs_every_workload_in_a_rotated_order(harness: Any) -> None:
    calls: list[str] = []

    def workload(name: str) -> Callable[[], float]:
        def run() -> float:
            calls.append(name)
            return float(len(calls))

        return run

    figures = harness.interleaved({n: workload(n) for n in "abc"}, runs=3)
    assert calls == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert figures == {"a": [1.0, 6.0, 8.0], "b": [2.0, 4.0, 9.0], "c": [3.0, 5.0, 7.0]}


@pytest.fixture
def report(
    harness: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[float], str]:
    """What a benchmark prints when the machine's load is the given one (2 cores)."""

    def printed(load: float) -> str:
        monkeypatch.setattr(harness, "load", lambda: load)
        monkeypatch.setattr(harness, "cores", lambda: 2)
        bench = harness.Bench("A benchmark.\n\nMore.", argparse.Namespace())
        bench.figure("vmic", [0.003, 0.001, 0.002], unit="ms")
        bench.ratio("vmic / json.loads", [4.0, 6.0, 5.0], [1.0, 1.0, 1.0], target=6.0)
        bench.ratio("instructions", [7.0], target=6.0, load_sensitive=False)
        bench.finish()
        return capsys.readouterr().out

    return printed


def test_a_ratio_is_printed_with_its_median_and_spread_on_a_quiet_machine(
    report: Callable[[float], str],
) -> None:
    out = report(1.5)
    assert "load average before: 1.50 (2 cores)" in out
    assert "median 2.000ms  spread 1.000-3.000ms" in out
    assert "median 5.00x  spread 4.00-6.00x  target <= 6x: met" in out
    assert "median 7.00x  spread 7.00-7.00x  target <= 6x: MISSED" in out
    assert "machine busy" not in out


def test_a_ratio_is_refused_when_the_load_was_above_the_cores(
    report: Callable[[float], str],
) -> None:
    out = report(2.5)
    assert "vmic / json.loads" in out
    assert "machine busy, rerun (load above 2 cores)" in out
    assert "5.00x" not in out
    # Figures stay, and so do instruction ratios, which the load does not change.
    assert "median 2.000ms" in out
    assert "median 7.00x" in out


def test_fewer_than_five_runs_are_refused(harness: Any) -> None:
    parser = argparse.ArgumentParser()
    harness.add_options(parser)
    assert parser.parse_args(["--runs", "5"]).runs == 5
    with pytest.raises(SystemExit):
        parser.parse_args(["--runs", "4"])
