"""Cost of the rules engine, printed as ratios against baselines measured in the same run.

- ``update_rule`` per call (OperatingSystem inputs, and text inputs) relative to a plain
  dict lookup of a precomputed table; target: within 5x.
- Import time of ``vmic`` relative to importing ``attrs`` and ``packaging`` alone, each in a
  fresh interpreter, timed inside the interpreter (startup excluded); target: under 1.5x.

Run: ``python benchmarks/bench_rules.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit

from vmic import OperatingSystem, update_rule, update_tables


def _per_call(stmt: str, namespace: dict[str, object], number: int) -> float:
    runs = timeit.repeat(stmt, globals=namespace, number=number, repeat=7)
    return min(runs) / number


def bench_update_rule() -> None:
    cells = [
        (OperatingSystem(host), OperatingSystem(row.guest))
        for table in update_tables()
        for host in table.hosts
        for row in table.rows
    ]
    table = {cell: update_rule(*cell) for cell in cells}
    texts = [(h.name, g.name) for h, g in cells]
    number = 2000
    namespace: dict[str, object] = {
        "cells": cells,
        "texts": texts,
        "table": table,
        "update_rule": update_rule,
    }
    baseline = _per_call("for c in cells: table[c]", namespace, number) / len(cells)
    objects = _per_call("for h, g in cells: update_rule(h, g)", namespace, number) / len(cells)
    strings = _per_call("for h, g in texts: update_rule(h, g)", namespace, number) / len(cells)
    print(f"dict lookup of a precomputed table: {baseline * 1e9:8.1f} ns/call (baseline)")
    print(
        f"update_rule(OperatingSystem, ...):  {objects * 1e9:8.1f} ns/call "
        f"ratio {objects / baseline:5.2f}x (target <= 5x)"
    )
    print(
        f"update_rule(str, str):              {strings * 1e9:8.1f} ns/call "
        f"ratio {strings / baseline:5.2f}x (target <= 5x)"
    )


_TIMED_IMPORT = (
    "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
)


def _import_time(modules: str, repeat: int = 21) -> float:
    samples = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _TIMED_IMPORT.format(modules=modules)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(float(out))
    return statistics.median(samples)


def bench_import() -> None:
    baseline = _import_time("attrs, packaging.version")
    vmic = _import_time("vmic")
    print(f"import attrs, packaging.version: {baseline * 1e3:7.2f} ms (baseline, median)")
    print(
        f"import vmic:                     {vmic * 1e3:7.2f} ms "
        f"ratio {vmic / baseline:5.2f}x (target < 1.5x)"
    )


if __name__ == "__main__":
    bench_update_rule()
    bench_import()
