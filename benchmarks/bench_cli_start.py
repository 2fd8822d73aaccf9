"""Start-up cost of the ``vmic`` command, as a ratio to ``python -c pass``.

Each round runs ``python -c pass`` and then each command, back to back (paired, so a busy
moment of the machine weighs on both), in fresh interpreters with bytecode caches
written beforehand; the ratio of each round is reported as the median over all rounds
with its spread (the lowest and highest round). Target: ``vmic services`` and
``vmic --help`` within 6x.

Run: ``python benchmarks/bench_cli_start.py [ROUNDS]``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "vmic services": ["-m", "vmic", "services"],
    "vmic --help": ["-m", "vmic", "--help"],
    "vmic matrix": ["-m", "vmic", "matrix"],
    "vmic audit --help": ["-m", "vmic", "audit", "--help"],
}
#: The commands the target is for; the others are shown for reference.
TARGETED = ("vmic services", "vmic --help")
TARGET = 6.0


def _run(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: PLW1510 - the status is not what is measured
        [sys.executable, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    for arguments in COMMANDS.values():
        _run(arguments)  # write the bytecode caches first
    ratios: dict[str, list[float]] = {name: [] for name in COMMANDS}
    bases: list[float] = []
    for _ in range(rounds):
        base = _run(["-c", "pass"])
        bases.append(base)
        for name, arguments in COMMANDS.items():
            ratios[name].append(_run(arguments) / base)
    print(f"python -c pass: median {statistics.median(bases) * 1000:.1f} ms over {rounds} rounds")
    for name, values in ratios.items():
        median = statistics.median(values)
        if name in TARGETED:
            verdict = f"target {TARGET:g}x: {'ok' if median <= TARGET else 'over'}"
        else:
            verdict = "for reference"
        print(
            f"{name:<20} {median:5.2f}x python -c pass (rounds {min(values):.2f}x-"
            f"{max(values):.2f}x; {verdict})"
        )


if __name__ == "__main__":
    main()
