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
- **mixed within a host** (one Windows, one Linux guest), for information: the Linux guest's
  address comes from the host's answer, so such a host costs host + Windows guest (inside
  the host command) + Linux guest; its floor is printed beside the ideal.

The simulator's own cost is kept out (the lab also caches what it renders for an unchanged
state, but still builds its records each time): each executor in the audit replays what its
simulated machine answered in a first (priming) audit, sleeping as long as the machine
did. What the simulator spends rendering an answer is measured on its own and printed.
Each mode runs ``--runs`` times, interleaved (paired), and prints the median and spread.
The machine may be shared: run it more than once and compare.

Run: ``python benchmarks/bench_audit.py [--hosts 500] [--concurrency 50] [--latency 0.05]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from typing import TYPE_CHECKING

from vmic.clients import _scripts
from vmic.connect import HostTarget
from vmic.executors import Command, Credential, Result
from vmic.executors._closing import Closing
from vmic.fleet import audit
from vmic.testing import FakeHyperVHost, _guest_scripts

if TYPE_CHECKING:
    from vmic.executors import Executor
    from vmic.model import VM

ACCOUNT = Credential("bench\\admin", "not-a-real-password")


class Replay(Closing):
    """An executor that answers each distinct command as its simulated machine first did.

    The first time, the machine answers (and sleeps its latency); afterwards the answer is
    replayed after sleeping as long, so the audit pays the latency but not the rendering.
    """

    def __init__(self, machine: Executor) -> None:
        self.machine = machine
        self.name = getattr(machine, "name", "replay")
        self.answers: dict[object, Result] = {}

    def run(self, command: Command) -> Result:
        key = (command.shell, command.script, tuple(sorted(command.parameters.items())))
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self.machine.run(command)
            return answer
        time.sleep(answer.duration)
        return Result(
            command,
            stdout=answer.stdout,
            stderr=answer.stderr,
            exit_code=answer.exit_code,
            duration=answer.duration,
        )

    def close(self) -> None:
        """Nothing to release."""


class _Fleet:
    def __init__(self, count: int, latency: float, guests: str) -> None:
        self.targets: list[HostTarget] = []
        self.host_only = guests == "none"
        for index in range(count):
            host = FakeHyperVHost(f"hv{index:04d}", latency=latency)
            kinds = {
                "none": ("Windows Server 2022", "Ubuntu 22.04"),
                "split": ("Windows Server 2022",) * 2 if index % 2 else ("Ubuntu 22.04",) * 2,
                "mixed": ("Windows Server 2022", "Ubuntu 22.04"),
            }[guests]
            for number, guest_os in enumerate(kinds):
                host.add_vm(f"vm{number}", guest_os)
            replay = Replay(host)
            if guests == "none":
                self.targets.append(HostTarget.for_executor(replay, name=host.name, timeout=30))
                continue
            replays = {vm.name: Replay(vm.guest_executor()) for vm in host.vms}

            def reach(vm: VM, replays: dict[str, Replay] = replays) -> Executor:
                return replays[vm.name]

            self.targets.append(
                HostTarget.for_executor(
                    replay, name=host.name, guests=reach, timeout=30, fan_out=ACCOUNT
                )
            )

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
    fleet = _Fleet(0, latency, "none")
    fleet.host_only = False
    host = FakeHyperVHost("doctor", latency=latency)
    for number in range(guests):
        host.add_vm(f"vm{number:02d}", kind)
    replays = {vm.name: Replay(vm.guest_executor()) for vm in host.vms}

    def reach(vm: VM) -> Executor:
        return replays[vm.name]

    fleet.targets.append(
        HostTarget.for_executor(
            Replay(host), name=host.name, guests=reach, timeout=30, fan_out=ACCOUNT
        )
    )
    fleet.audit(1)
    return fleet, 2 * latency


def _render_cost(repeat: int = 200) -> tuple[float, ...]:
    """CPU seconds the simulator spends on one host's answer (host-only, fan-out), first
    rendered and then from the lab's cache of an unchanged state."""
    host = FakeHyperVHost("render")
    host.add_vm("vm0", "Windows Server 2022")
    host.add_vm("vm1", "Windows Server 2022")
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
    costs = []
    for fresh in (True, False):
        for command in (inventory, fan_out):
            started = time.process_time()
            for _ in range(repeat):
                if fresh:
                    # What the lab kept from the last answer: forgotten, to time a first
                    # rendering (the benchmark reaches into the simulator on purpose).
                    host.rendered_texts.clear()
                    _guest_scripts._OBSERVED.clear()
                host.run(command)
            costs.append((time.process_time() - started) / repeat)
    return tuple(costs)


def _line(label: str, runs: list[float], ideal: float, target: str) -> None:
    ratios = [run / ideal for run in runs]
    print(
        f"{label:<34} median {statistics.median(runs):6.3f} s  "
        f"ratio {statistics.median(ratios):5.2f}x  spread {min(ratios):.2f}-{max(ratios):.2f}x"
        f"  {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    hosts, concurrency, latency = options.hosts, options.concurrency, options.latency

    waves = math.ceil(hosts / concurrency)
    fleets = {mode: _Fleet(hosts, latency, mode) for mode in ("none", "split", "mixed")}
    priming = {mode: fleet.audit(concurrency) for mode, fleet in fleets.items()}
    runs: dict[str, list[float]] = {mode: [] for mode in fleets}
    for _ in range(options.runs):
        for mode, fleet in fleets.items():
            runs[mode].append(fleet.audit(concurrency))

    print(
        f"audit of {hosts} hosts at concurrency {concurrency}, {latency * 1e3:.0f} ms per command"
    )
    print(f"{options.runs} replayed runs per mode, interleaved; simulator rendering excluded")
    host_only = waves * latency
    two_sided = waves * 2 * latency
    print(f"ideal host-only {host_only:.3f} s; two-sided (host + slowest guest) {two_sided:.3f} s")
    _line("host-only", runs["none"], host_only, "(target <= 1.3x)")
    _line("two-sided, 2 guests/host", runs["split"], two_sided, "(target <= 1.5x)")
    _line(
        "mixed within a host", runs["mixed"], two_sided, f"(floor {3 / 2:.2f}x: Linux after host)"
    )
    print(
        "priming audits (simulator rendering included): "
        + ", ".join(f"{mode} {seconds:.3f} s" for mode, seconds in priming.items())
    )
    for label, kind in (("Windows, fan-out", "Windows Server 2022"), ("Linux", "Ubuntu 22.04")):
        fleet, ideal = _one_host(kind, 10, latency)
        doctor = [fleet.audit(1) for _ in range(max(options.runs, 5))]
        _line(f"doctor, 10 {label} guests", doctor, ideal, "(target <= 1.5x host + guest)")
    plain, fanned, plain_cached, fanned_cached = _render_cost()
    print(
        f"simulator CPU per host answer (2 VMs), not in the replayed runs: rendered "
        f"{plain * 1e3:.3f} ms (with fan-out {fanned * 1e3:.3f} ms), unchanged state "
        f"{plain_cached * 1e3:.3f} ms (with fan-out {fanned_cached * 1e3:.3f} ms)"
    )


if __name__ == "__main__":
    main()
