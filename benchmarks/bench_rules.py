"""Cost of the rules engine, printed as ratios against baselines measured in the same run.

- ``update_rule`` per cached call, with OperatingSystem arguments and with text arguments,
  against a dict keyed by ``(str, str)`` tuples holding the same answers (what a caller
  would write by hand); target: within 3x. Paired: each round times the baseline and both
  variants, interleaved, so a busy machine slows all three alike; the ratio printed is
  the median of the rounds' ratios, with their spread (min-max).
- First (uncached) calls: every cell once with the caches emptied, median and spread.
- Import time of ``vmic`` relative to importing ``attrs`` and ``packaging`` alone, each in a
  fresh interpreter, timed inside the interpreter (startup excluded), interleaved in
  ``--runs`` rounds; target: under 1.5x.

Run: ``python benchmarks/bench_rules.py [--runs 15]``.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import time
import timeit

import _harness

from vmic import OperatingSystem, update_rule, update_tables
from vmic.model import _operating_system
from vmic.rules import _matrix


def _per_call(stmt: str, namespace: dict[str, object], number: int, calls: int) -> float:
    return timeit.timeit(stmt, globals=namespace, number=number) / number / calls


def _empty_caches() -> None:
    # The benchmark measures the uncached path: empty the private caches.
    _matrix._cache.clear()
    _matrix._by_identity.clear()
    _operating_system._parsed.clear()


def bench_update_rule(bench: _harness.Bench, rounds: int) -> None:
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
    statements = {
        "baseline": "for h, g in texts: table[h, g]",
        "objects": "for h, g in cells: update_rule(h, g)",
        "strings": "for h, g in texts: update_rule(h, g)",
    }
    figures = _harness.interleaved(
        {
            name: functools.partial(_per_call, statement, namespace, number, calls)
            for name, statement in statements.items()
        },
        runs=rounds,
    )
    bench.line(f"{len(cells)} cells, {rounds} paired rounds of {number} passes each")
    bench.figure("dict[(str, str)] lookup (baseline)", figures["baseline"], unit="ns")
    bench.figure("update_rule(OperatingSystem, ..)", figures["objects"], unit="ns")
    bench.figure("update_rule(str, str)", figures["strings"], unit="ns")
    bench.ratio("OperatingSystem / baseline", figures["objects"], figures["baseline"], target=3)
    bench.ratio("str / baseline", figures["strings"], figures["baseline"], target=3)

    for label, inputs in (("OperatingSystem", cells), ("str", texts)):
        firsts = []
        for host, guest in inputs:
            _empty_caches()
            started = time.perf_counter()
            update_rule(host, guest)
            firsts.append(time.perf_counter() - started)
        bench.figure(f"first call, {label} (caches emptied)", firsts, unit="us")


_TIMED_IMPORT = (
    "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
)


def _import_time(modules: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT.format(modules=modules)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out)


def bench_import(bench: _harness.Bench, rounds: int) -> None:
    figures = _harness.interleaved(
        {
            "baseline": functools.partial(_import_time, "attrs, packaging.version"),
            "vmic": functools.partial(_import_time, "vmic"),
        },
        runs=rounds,
    )
    bench.figure("import attrs, packaging.version", figures["baseline"], unit="ms")
    bench.figure("import vmic", figures["vmic"], unit="ms")
    bench.ratio("import vmic / baseline", figures["vmic"], figures["baseline"], target=1.5)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser, runs=15)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    bench_update_rule(bench, options.runs)
    bench_import(bench, max(options.runs, 21))
    bench.finish()
