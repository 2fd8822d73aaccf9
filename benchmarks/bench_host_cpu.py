"""vmic's own CPU per host in an audit (2 VMs), as a ratio to json.loads of the same answers.

Each host's answers are replayed (``_replay``), so what is measured is what an audit
spends on a host once its answers have arrived: reading them, the guests asked over
their own executors (in their threads), the diagnosis and the host's result, through the
audit's own per-host code. Three kinds of host, each with two VMs:

- **host side**: a Windows and a Linux VM, guests not asked;
- **two-sided, Windows**: two Windows guests, answering inside the host's command
  (PowerShell Direct fan-out);
- **two-sided, Linux**: two Linux guests, asked over their own executors.

The baseline, measured in the same rounds, is ``json.loads`` of the same answers: every
JSON section once, every text section as one JSON string (``_replay.json_baseline``).
Figures are CPU seconds of the whole process (all threads) per host; each round times
``--number`` hosts of each kind, interleaved. Target: each ratio <= 6x. Then an audit of
``--hosts`` replayed two-sided hosts (half of each kind, concurrency 1, no latency), pool
included, per host.

``--profile`` prints a cProfile of every thread instead; ``--count-instructions`` counts
instructions per host under callgrind (independent of the machine's load).

Run: ``python benchmarks/bench_host_cpu.py [--runs 7] [--number 300] [--profile]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import TYPE_CHECKING

import _harness
import _replay

from vmic.fleet import audit
from vmic.fleet._runner import _Job, _Runner

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.connect import HostTarget

KINDS = {
    "host side": ((_replay.WINDOWS, _replay.LINUX), False),
    "two-sided, 2 Windows guests (fan-out)": ((_replay.WINDOWS, _replay.WINDOWS), True),
    "two-sided, 2 Linux guests": ((_replay.LINUX, _replay.LINUX), True),
}
TARGET = 6.0


def _per_host(made: HostTarget) -> Callable[[], object]:
    """One host's work in an audit once its answers are in: the runner's own code."""
    runner = _Runner([], 1, 30.0, 1.0, (), None)

    def work() -> object:
        job = _Job(0, made)
        job.started = time.monotonic()  # as the worker that takes the host sets it
        runner._work(job)
        assert job.result is not None
        assert job.result.diagnosis is not None, job.result.error
        for vm in job.result.diagnosis.vms:
            assert vm.guest_view.value != "unreachable", vm.guest_detail
        return job.result

    return work


def _baseline(documents: list[str]) -> Callable[[], object]:
    def work() -> object:
        return [json.loads(document) for document in documents]

    return work


def _profile(targets: dict[str, HostTarget], number: int) -> None:
    """A cProfile of every thread (the guests' threads too), by own time.

    Each host's work is set up once the hook is in place, so that the threads its audit
    code starts to ask guests are profiled from their first call.
    """
    import cProfile  # noqa: PLC0415 - only with --profile
    import pstats  # noqa: PLC0415

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start(*_: object) -> None:
        # The first event of each new thread: profile it from here on (this thread's hook
        # off, not threading's, which every later thread still needs).
        sys.setprofile(None)
        profile = cProfile.Profile()
        with lock:
            profiles.append(profile)
        profile.enable()

    main = cProfile.Profile()
    threading.setprofile(start)
    work = [_per_host(made) for made in targets.values()]
    main.enable()
    for action in work:
        for _ in range(number):
            action()
    main.disable()
    threading.setprofile(None)
    for profile in profiles:
        profile.disable()
    stats = pstats.Stats(main)
    for profile in profiles:
        stats.add(profile)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser, runs=7, instructions=True)
    parser.add_argument("--number", type=int, default=300, help="hosts per kind and round")
    parser.add_argument("--hosts", type=int, default=50, help="hosts in the audit figure")
    parser.add_argument("--profile", action="store_true", help="print a cProfile instead")
    options = parser.parse_args()

    work: dict[str, Callable[[], object]] = {}
    baselines: dict[str, Callable[[], object]] = {}
    targets: dict[str, HostTarget] = {}
    for label, (guests, ask) in KINDS.items():
        made, replays = _replay.target("hv-cpu", guests, latency=0.0, ask_guests=ask)
        targets[label] = made
        work[label] = _per_host(made)
        work[label]()  # the first answers are the simulator's; from here on, replayed
        baselines[label] = _baseline(_replay.json_baseline(_replay.answers(replays)))
    if options.profile:
        _profile(targets, options.number)
        return
    bench = _harness.Bench(__doc__, options)
    if bench.counting:
        actions = {**work, **{f"json.loads: {label}": b for label, b in baselines.items()}}
        counts = bench.instructions(actions, 20)
        for label in KINDS:
            count, count_base = counts[label], counts[f"json.loads: {label}"]
            bench.line(f"{label:<46} {count:12,.0f} instructions per host")
            bench.line(f"{'  json.loads of the same answers':<46} {count_base:12,.0f} instructions")
            bench.ratio(
                f"  {label} / json.loads", [count / count_base], target=TARGET, load_sensitive=False
            )
        bench.finish()
        return

    fleet = []
    fleet_replays: list[_replay.Replay] = []
    for index in range(options.hosts):
        guests = (_replay.WINDOWS,) * 2 if index % 2 else (_replay.LINUX,) * 2
        made, replays = _replay.target(f"hv{index:03d}", guests, latency=0.0)
        fleet.append(made)
        fleet_replays.extend(replays)
    audit(fleet, concurrency=1)  # the simulator answers once; replayed from here on
    fleet_baseline = _baseline(_replay.json_baseline(_replay.answers(fleet_replays)))

    number = options.number
    timed = {}
    for label in KINDS:
        timed[label] = _harness.cpu_per_call(work[label], number)
        timed["json.loads: " + label] = _harness.cpu_per_call(baselines[label], number)
    timed["audit"] = _harness.cpu_per_call(lambda: audit(fleet, concurrency=1), 1)
    timed["json.loads: audit"] = _harness.cpu_per_call(fleet_baseline, 1)
    figures = _harness.interleaved(timed, runs=options.runs)
    for label in KINDS:
        ours, base = figures[label], figures["json.loads: " + label]
        bench.figure(label, ours, unit="ms", note="per host")
        bench.figure("  json.loads of the same answers", base, unit="ms")
        bench.ratio(f"  {label} / json.loads", ours, base, target=TARGET)
    per_host = [seconds / options.hosts for seconds in figures["audit"]]
    base = [seconds / options.hosts for seconds in figures["json.loads: audit"]]
    bench.figure(f"audit of {options.hosts} two-sided hosts", per_host, unit="ms", note="per host")
    bench.figure("  json.loads of the same answers", base, unit="ms", note="per host")
    bench.ratio("  audit / json.loads", per_host, base, target=TARGET)
    bench.finish()


if __name__ == "__main__":
    main()
