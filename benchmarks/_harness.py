"""What every benchmark shares: the machine's load, paired runs, medians, spreads, ratios.

A figure taken on a shared machine says as much about the other processes as about vmic.
Every benchmark therefore:

- prints the command that reproduces it and the load average (1 minute) before and after,
  beside the number of cores;
- runs its workloads paired and interleaved: each round runs every workload once, in a
  rotated order, so a busy moment weighs on all of them alike and no workload always goes
  first (warm caches, a just-collected heap);
- reports the median and the spread (lowest and highest) over at least 5 rounds;
- refuses to print a ratio when the load was above the core count, before or after
  ("machine busy, rerun"), since the ratio would then measure the neighbours.

Instruction counts (``valgrind --tool=callgrind``) do not depend on what else runs: a
benchmark that offers ``--count-instructions`` runs each workload in a child process under
callgrind, counting only the calls of the workload itself, and prints the instructions per
call. Those ratios are printed whatever the load.

Use::

    bench = harness.Bench(__doc__, options)
    figures = harness.interleaved({"json.loads": load, "vmic": parse}, runs=options.runs)
    bench.figure("json.loads", figures["json.loads"], unit="ms")
    bench.ratio("vmic / json.loads", figures["vmic"], figures["json.loads"], target=6.0)
    bench.finish()
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final, TypeAlias

#: One run of a workload, returning its figure (seconds, or any measure).
Workload: TypeAlias = Callable[[], float]
#: The fewest rounds a figure is reported over.
MIN_RUNS: Final = 5
_UNITS: Final = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9, "x": 1.0, "": 1.0}
_CHILD_FLAG: Final = "--instructions-child"


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load() -> float:
    """The machine's load average over the last minute."""
    return os.getloadavg()[0]


def add_options(
    parser: argparse.ArgumentParser, *, runs: int = MIN_RUNS, instructions: bool = False
) -> None:
    """``--runs`` (at least 5), and ``--count-instructions`` for CPU benchmarks."""
    parser.add_argument(
        "--runs",
        type=_runs,
        default=runs,
        help=f"rounds, each running every workload once (at least {MIN_RUNS}; default {runs})",
    )
    if instructions:
        parser.add_argument(
            "--count-instructions",
            action="store_true",
            help="count instructions per call under valgrind's callgrind instead of timing "
            "(independent of the machine's load)",
        )
        parser.add_argument(_CHILD_FLAG, default=None, help=argparse.SUPPRESS)


def _runs(text: str) -> int:
    value = int(text)
    if value < MIN_RUNS:
        raise argparse.ArgumentTypeError(f"at least {MIN_RUNS} runs, not {value}")
    return value


def interleaved(work: Mapping[str, Workload], *, runs: int) -> dict[str, list[float]]:
    """Each workload's figure per round; each round runs every workload once.

    The order rotates from round to round, so that no workload always runs first or
    right after the same neighbour.
    """
    names = list(work)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(runs):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            figures[name].append(work[name]())
    return figures


def cpu_per_call(action: Callable[[], object], number: int) -> Workload:
    """A workload: CPU seconds of this process per call of *action*, over *number* calls.

    CPU time, not wall time: another process's turn on a core is not billed to *action*
    (though a shared cache and memory bus still slow it, hence the load check).
    """

    def run() -> float:
        started = time.process_time()
        for _ in range(number):
            action()
        return (time.process_time() - started) / number

    return run


def wall(action: Callable[[], object]) -> Workload:
    """A workload: wall seconds of one call of *action*."""

    def run() -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    return run


def summary(values: Sequence[float], unit: str = "s") -> str:
    """``median 1.234 ms  spread 1.100-1.400 ms`` (*values* in seconds, or plain ratios)."""
    scale = _UNITS[unit]
    digits = 2 if unit == "x" else 3
    median = statistics.median(values) * scale
    low, high = min(values) * scale, max(values) * scale
    return f"median {median:.{digits}f}{unit}  spread {low:.{digits}f}-{high:.{digits}f}{unit}"


class Bench:
    """One benchmark's report: its command, the load around it, figures and ratios.

    Lines are kept and printed by :meth:`finish`, once the load after the runs is known, so
    that a ratio taken on a busy machine is replaced by a refusal.
    """

    def __init__(self, doc: str | None, options: argparse.Namespace | None = None) -> None:
        self.options = options
        self.child = getattr(options, "instructions_child", None)
        self.lines: list[tuple[str, str | None]] = []
        self.cores = cores()
        self.before = load()
        if self.child is not None:
            return  # a callgrind child prints nothing of its own
        title = (doc or "").strip().splitlines()[0] if doc else Path(sys.argv[0]).stem
        arguments = " ".join(shlex.quote(argument) for argument in sys.argv[1:])
        print(title)
        print(f"$ python benchmarks/{Path(sys.argv[0]).name} {arguments}".rstrip())
        print(f"load average before: {self.before:.2f} ({self.cores} cores)")

    @property
    def counting(self) -> bool:
        """Whether to count instructions (or, in a callgrind child, to run one workload)."""
        return bool(getattr(self.options, "count_instructions", False)) or self.child is not None

    def line(self, text: str) -> None:
        """A line printed as it is (a figure that is not a ratio, a note)."""
        self.lines.append((text, None))

    def figure(
        self, label: str, values: Sequence[float], *, unit: str = "s", note: str = ""
    ) -> None:
        """A measured figure: its median and spread."""
        self.line(f"{label:<46} {summary(values, unit)}{'  ' + note if note else ''}")

    def ratio(
        self,
        label: str,
        values: Sequence[float],
        baseline: Sequence[float] | None = None,
        *,
        target: float | None = None,
        note: str = "",
        load_sensitive: bool = True,
    ) -> list[float]:
        """A ratio per round (*values* / *baseline*, paired round by round), summarised.

        Without *baseline*, *values* are ratios already. Refused at :meth:`finish` if the
        machine was busy, unless *load_sensitive* is false (instruction counts).

        Returns:
            The ratio of each round.
        """
        ratios = (
            list(values)
            if baseline is None
            else [value / base for value, base in zip(values, baseline, strict=True)]
        )
        verdict = ""
        if target is not None:
            met = statistics.median(ratios) <= target
            verdict = f"  target <= {target:g}x: {'met' if met else 'MISSED'}"
        text = f"{label:<46} {summary(ratios, 'x')}{verdict}{'  ' + note if note else ''}"
        self.lines.append((text, label if load_sensitive else None))
        return ratios

    def busy(self, after: float) -> bool:
        """Whether the load before or *after* the runs was above the core count."""
        return max(self.before, after) > self.cores

    def finish(self) -> bool:
        """Print the figures, the load after, and each ratio or its refusal.

        Returns:
            Whether the machine was quiet enough for the ratios.
        """
        after = load()
        busy = self.busy(after)
        for text, refusable in self.lines:
            if refusable is not None and busy:
                print(f"{refusable:<46} machine busy, rerun (load above {self.cores} cores)")
            else:
                print(text)
        print(f"load average after: {after:.2f} ({self.cores} cores)")
        return not busy

    # --- instruction counts ----------------------------------------------------------------

    def instructions(
        self, work: Mapping[str, Callable[[], object]], number: int
    ) -> dict[str, float]:
        """Instructions per call of each workload (callgrind), or run one if in a child.

        Each workload runs in a child process under callgrind: the child sets up, calls the
        workload once to warm up, and then *number* times inside one ``functools.reduce``
        call; callgrind writes what every thread executed while that call ran (from its
        entry to its exit, a dump at each), so start-up and set-up are not counted and
        the workload's own threads are.
        """
        if self.child is not None:
            action = work[self.child]
            action()
            functools.reduce(lambda _, __: action(), range(number), None)
            raise SystemExit(0)
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            msg = "--count-instructions needs valgrind (apt-get install valgrind)"
            raise SystemExit(msg)
        return {name: _callgrind(valgrind, name) / number for name in work}


def _callgrind(valgrind: str, child: str) -> int:
    """Instructions every thread executes during the child's last ``functools.reduce`` call."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        arguments = [a for a in sys.argv[1:] if a != "--count-instructions"]
        subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                # A dump (which also zeroes the counters) on entering and leaving the C
                # function of functools.reduce: the one written on leaving it holds the run.
                "--dump-before=functools_reduce",
                "--dump-after=functools_reduce",
                f"--callgrind-out-file={out}",
                sys.executable,
                sys.argv[0],
                *arguments,
                _CHILD_FLAG,
                child,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # The same hashes every time: dict and set layouts, and so the count, repeat.
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        counts = {}
        for dump in Path(folder).glob("callgrind.out.*"):
            text = dump.read_text()
            if "desc: Trigger: --dump-after=functools_reduce" not in text:
                continue
            summary = next(line for line in text.splitlines() if line.startswith("summary:"))
            counts[int(dump.suffix[1:])] = int(summary.split()[1])
    if not counts:
        raise SystemExit(f"callgrind wrote no count for {child}")
    return counts[max(counts)]
