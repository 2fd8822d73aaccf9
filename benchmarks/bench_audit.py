"""Wall time of a fleet audit, printed as ratios against the ideal of the same settings.

500 simulated Hyper-V hosts answering after 50 ms, audited at concurrency 50:

- **host-only**: one round trip per host; ideal ``ceil(500 / 50) x 50 ms`` (target <= 1.3x);
- **two-sided**, 2 guests per host answering after 50 ms each: half the hosts have two
  Windows guests, asked by the host itself in its one command (PowerShell Direct fan-out,
  host 50 ms + guests 50 ms), the other half two Linux guests, asked over their own
  executors at the same time once the host has answered (50 ms + 50 ms); ideal
  ``ceil(500 / 50) x (host + slowest guest)`` (target <= 1.5x);
- **doctor** of one host with 10 Windows guests (fan-out) and with 10 Linux guests, 50 ms
  each; ideal: host + guest latency (target <= 1.5x);
- **mixed within a host** (one Windows, one Linux guest): the Linux guest's address comes
  from the host's answer, so such a host costs host + Windows guest (inside the host
  command) + Linux guest; its floor is ``ceil(500 / 50) x 3 x 50 ms`` (target <= 1.1x).

The simulator's own cost is kept out (the lab also caches what it renders for an unchanged
state, but still builds its records each time): each executor in the audit replays what its
simulated machine answered in a first (priming) audit, sleeping as long as the machine
did. What the simulator spends rendering an answer is measured on its own and printed.
Each mode runs ``--runs`` times (at least 5), interleaved (paired), and prints the median
and spread of its ratio; on a busy machine (load above the cores) the ratios are refused.

``--count-instructions`` counts the simulator's instructions per host answer instead
(callgrind; independent of the machine's load).

Run: ``python benchmarks/bench_audit.py [--hosts 500] [--concurrency 50] [--latency 0.05]
[--runs 5] [--count-instructions]``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import time
from typing import TYPE_CHECKING

import _harness
import _replay

from vmic.clients import _scripts
from vmic.fleet import audit
from vmic.testing import FakeHyperVHost, _guest_scripts

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.connect import HostTarget

#: The guests of each host, per mode.
MODES: dict[str, Callable[[int], tuple[str, ...]]] = {
    "none": lambda _index: (_replay.WINDOWS, _replay.LINUX),
    "split": lambda index: (_replay.WINDOWS,) * 2 if index % 2 else (_replay.LINUX,) * 2,
    "mixed": lambda _index: (_replay.WINDOWS, _replay.LINUX),
}


class _Fleet:
    def __init__(self, targets: list[HostTarget], *, host_only: bool) -> None:
        self.targets = targets
        self.host_only = host_only

    @classmethod
    def of(cls, count: int, latency: float, mode: str) -> _Fleet:
        targets = [
            _replay.target(
                f"hv{index:04d}", MODES[mode](index), latency=latency, ask_guests=mode != "none"
            )[0]
            for index in range(count)
        ]
        return cls(targets, host_only=mode == "none")

    def audit(self, concurrency: int) -> float:
        started = time.perf_counter()
        report = audit(self.targets, concurrency=concurrency, timeout=30)
        elapsed = time.perf_counter() - started
        failed = report.failures
        assert not failed, f"{len(failed)} simulated hosts failed: {failed[0].error}"
        for result in report.results:
            assert result.diagnosis is not None
            if self.host_only:
                continue
            for vm in result.diagnosis.vms:
                assert vm.guest_view.value == "observed", (result.host, vm.vm, vm.guest_detail)
        return elapsed


def _one_host(kind: str, guests: int, latency: float) -> tuple[_Fleet, float]:
    """A fleet of one host with *guests* guests of *kind*, primed; and its ideal."""
    made, _ = _replay.target("doctor", (kind,) * guests, latency=latency)
    fleet = _Fleet([made], host_only=False)
    fleet.audit(1)
    return fleet, 2 * latency


def _render_actions() -> dict[str, Callable[[], object]]:
    """The simulator answering one host (host-only, fan-out; 2 VMs), first rendered and then
    from the lab's cache of an unchanged state."""
    host = FakeHyperVHost("render")
    host.add_vm("vm0", _replay.WINDOWS)
    host.add_vm("vm1", _replay.WINDOWS)
    inventory = _scripts.script("host-inventory").command()
    fan_out = _scripts.script("host-inventory-guests").command(
        {
            "VmicUser": "u",
            "VmicPassword": "p",
            "VmicGuestScript": _scripts.script("windows-observe").text,
            "VmicGuestTimeout": "30",
            "VmicThrottle": "8",
        },
    )

    def fresh(command: object) -> object:
        # What the lab kept from the last answer: forgotten, to time a first rendering
        # (the benchmark reaches into the simulator on purpose).
        host.rendered_texts.clear()
        _guest_scripts._OBSERVED.clear()
        return host.run(command)  # type: ignore[arg-type]

    return {
        "rendered": lambda: fresh(inventory),
        "rendered, fan-out": lambda: fresh(fan_out),
        "unchanged state": lambda: host.run(inventory),
        "unchanged state, fan-out": lambda: host.run(fan_out),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser, instructions=True)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    options = parser.parse_args()
    hosts, concurrency, latency = options.hosts, options.concurrency, options.latency
    bench = _harness.Bench(__doc__, options)
    if bench.counting:
        # The simulator's own rendering only: instructions per host answer.
        for label, count in bench.instructions(_render_actions(), 20).items():
            bench.line(f"simulator, {label:<36} {count:12,.0f} instructions per host answer")
        bench.finish()
        return

    waves = math.ceil(hosts / concurrency)
    fleets = {mode: _Fleet.of(hosts, latency, mode) for mode in MODES}
    priming = {mode: fleet.audit(concurrency) for mode, fleet in fleets.items()}
    doctors = {
        label: _one_host(kind, 10, latency)
        for label, kind in (("Windows, fan-out", _replay.WINDOWS), ("Linux", _replay.LINUX))
    }
    # Three labs of 500 simulated hosts stay alive for the whole benchmark: without this,
    # each of the collector's full passes during an audit would walk all of them again
    # (a test suite or a service that keeps big fixtures does the same; vmic leaves the
    # process's collector alone).
    gc.collect()
    gc.freeze()
    runs = _harness.interleaved(
        {
            **{mode: functools.partial(fleet.audit, concurrency) for mode, fleet in fleets.items()},
            **{
                label: functools.partial(fleet.audit, 1)
                for label, (fleet, _ideal) in doctors.items()
            },
        },
        runs=options.runs,
    )
    host_only = waves * latency
    two_sided = waves * 2 * latency
    bench.line(
        f"audit of {hosts} hosts at concurrency {concurrency}, {latency * 1e3:.0f} ms per "
        f"command; {options.runs} replayed rounds, modes interleaved; simulator excluded"
    )
    bench.line(
        f"ideal host-only {host_only:.3f} s; two-sided (host + slowest guest) {two_sided:.3f} s"
    )
    bench.figure("host-only (seconds)", runs["none"])
    bench.ratio("host-only / ideal", [r / host_only for r in runs["none"]], target=1.3)
    bench.figure("two-sided, 2 guests/host (seconds)", runs["split"])
    bench.ratio("two-sided / ideal", [r / two_sided for r in runs["split"]], target=1.5)
    # The Linux guest's address comes from the host's answer: host, then the Windows guest
    # inside the host's command, then the Linux guest, one latency each.
    floor = 3 * waves * latency
    bench.figure("mixed within a host (seconds)", runs["mixed"])
    bench.ratio("mixed / its floor (3 latencies)", [r / floor for r in runs["mixed"]], target=1.1)
    for label, (_fleet, ideal) in doctors.items():
        bench.figure(f"doctor, 10 {label} guests (seconds)", runs[label])
        bench.ratio(
            f"doctor, 10 {label} guests / ideal",
            [r / ideal for r in runs[label]],
            target=1.5,
            note="(ideal: host + guest)",
        )
    bench.line(
        "priming audits (simulator rendering included): "
        + ", ".join(f"{mode} {seconds:.3f} s" for mode, seconds in priming.items())
    )
    costs = _harness.interleaved(
        {label: _harness.cpu_per_call(action, 200) for label, action in _render_actions().items()},
        runs=options.runs,
    )
    targets = {"rendered": 0.4e-3, "rendered, fan-out": 0.8e-3}
    for label, figures in costs.items():
        goal = targets.get(label)
        bench.figure(
            f"simulator CPU per host answer, {label}",
            figures,
            unit="ms",
            note="" if goal is None else f"(target <= {goal * 1e3:.1f} ms)",
        )
    bench.finish()


if __name__ == "__main__":
    main()
