"""Cost of the rules engine, printed as ratios against baselines measured in the same run.

- ``update_rule`` per cached call, with OperatingSystem arguments and with text arguments,
  against a dict keyed by ``(str, str)`` tuples holding the same answers (what a caller
  would write by hand); target: within 3x. Paired: each round times the baseline and both
  variants back to back, so a busy machine slows all three alike; the ratio printed is
  the median of the rounds' ratios, with their spread (min-max).
- First (uncached) calls: every cell once with the caches emptied, median and spread.
- Import time of ``vmic`` relative to importing ``attrs`` and ``packaging`` alone, each in a
  fresh interpreter, timed inside the interpreter (startup excluded); target: under 1.5x.

Run: ``python benchmarks/bench_rules.py [--rounds 15]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import timeit

from vmic import OperatingSystem, update_rule, update_tables
from vmic.model import _operating_system
from vmic.rules import _matrix


def _per_call(stmt: str, namespace: dict[str, object], number: int, calls: int) -> float:
    return timeit.timeit(stmt, globals=namespace, number=number) / number / calls


def _spread(values: list[float], scale: float = 1.0, unit: str = "") -> str:
    low, high = min(values) * scale, max(values) * scale
    return f"median {statistics.median(values) * scale:7.2f}{unit}  spread {low:.2f}-{high:.2f}"


def _empty_caches() -> None:
    # The benchmark measures the uncached path: empty the private caches.
    _matrix._cache.clear()
    _matrix._by_identity.clear()
    _operating_system._parsed.clear()


def bench_update_rule(rounds: int) -> None:
    cells = [
        (OperatingSystem(host), OperatingSystem(row.guest))
        for table in update_tables()
        for host in table.hosts
        for row in table.rows
    ]
    texts = [(h.name, g.name) for h, g in cells]
    table = {text: update_rule(*text) for text in texts}
    for cell in cells:
        update_rule(*cell)
    namespace: dict[str, object] = {
        "cells": cells,
        "texts": texts,
        "table": table,
        "update_rule": update_rule,
    }
    number, calls = 500, len(cells)
    baselines, objects, strings = [], [], []
    for _ in range(rounds):
        baselines.append(_per_call("for h, g in texts: table[h, g]", namespace, number, calls))
        objects.append(_per_call("for h, g in cells: update_rule(h, g)", namespace, number, calls))
        strings.append(_per_call("for h, g in texts: update_rule(h, g)", namespace, number, calls))
    objects_ratio = [o / b for o, b in zip(objects, baselines, strict=True)]
    strings_ratio = [s / b for s, b in zip(strings, baselines, strict=True)]
    print(f"{len(cells)} cells, {rounds} paired rounds of {number} passes each")
    print(f"dict[(str, str)] lookup:          {_spread(baselines, 1e9, ' ns')} (baseline)")
    print(f"update_rule(OperatingSystem, ..): {_spread(objects, 1e9, ' ns')}")
    print(f"update_rule(str, str):            {_spread(strings, 1e9, ' ns')}")
    print(f"ratio OperatingSystem / baseline: {_spread(objects_ratio, 1, 'x')} (target <= 3x)")
    print(f"ratio str / baseline:             {_spread(strings_ratio, 1, 'x')} (target <= 3x)")

    for label, inputs in (("OperatingSystem", cells), ("str", texts)):
        firsts = []
        for host, guest in inputs:
            _empty_caches()
            started = time.perf_counter()
            update_rule(host, guest)
            firsts.append(time.perf_counter() - started)
        print(f"first call, {label + ':':<17} {_spread(firsts, 1e6, ' us')} (caches emptied)")


_TIMED_IMPORT = (
    "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
)


def _import_time(modules: str, repeat: int = 21) -> list[float]:
    samples = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _TIMED_IMPORT.format(modules=modules)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(float(out))
    return samples


def bench_import() -> None:
    baseline = _import_time("attrs, packaging.version")
    vmic = _import_time("vmic")
    ratio = statistics.median(vmic) / statistics.median(baseline)
    print(f"import attrs, packaging.version: {_spread(baseline, 1e3, ' ms')} (baseline)")
    print(f"import vmic:                     {_spread(vmic, 1e3, ' ms')}")
    print(f"ratio of medians:                {ratio:5.2f}x (target < 1.5x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()
    bench_update_rule(options.rounds)
    bench_import()
