"""Start-up cost of the ``vmic`` command, as a ratio to ``python -c pass``.

Each round runs ``python -c pass`` and each command once (paired and interleaved, so a
busy moment of the machine weighs on all of them), in fresh interpreters with bytecode
caches written beforehand; the ratio of each round is reported as the median over all
rounds with its spread (the lowest and highest round). Target: ``vmic services`` and
``vmic --help`` within 6x.

Run: ``python benchmarks/bench_cli_start.py [--runs 30]``.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys

import _harness

COMMANDS = {
    "vmic services": ["-m", "vmic", "services"],
    "vmic --help": ["-m", "vmic", "--help"],
    "vmic matrix": ["-m", "vmic", "matrix"],
    "vmic audit --help": ["-m", "vmic", "audit", "--help"],
}
#: The commands the target is for; the others are shown for reference.
TARGETED = ("vmic services", "vmic --help")
TARGET = 6.0


def _run(arguments: list[str]) -> None:
    subprocess.run(  # noqa: PLW1510 - the status is not what is measured
        [sys.executable, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser, runs=30)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    for arguments in COMMANDS.values():
        _run(arguments)  # write the bytecode caches first
    work = {"python -c pass": _harness.wall(functools.partial(_run, ["-c", "pass"]))}
    work.update({name: _harness.wall(functools.partial(_run, a)) for name, a in COMMANDS.items()})
    figures = _harness.interleaved(work, runs=options.runs)
    bench.figure("python -c pass", figures["python -c pass"], unit="ms")
    for name in COMMANDS:
        bench.ratio(
            f"{name} / python -c pass",
            figures[name],
            figures["python -c pass"],
            target=TARGET if name in TARGETED else None,
            note="" if name in TARGETED else "(for reference)",
        )
    bench.finish()


if __name__ == "__main__":
    main()
