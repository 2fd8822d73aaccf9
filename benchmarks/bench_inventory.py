"""Cost of a host inventory (``HyperVHost.observe()``) for 1, 100 and 1,000 VMs on one host.

Printed for each size, against the 100-VM figures measured in the same run:

- round trips: commands the client sent (target: 1 whatever the size);
- parse and model: the client reading the host's output into observations
  (``parse_inventory``); target: linear, so 1,000 VMs cost about 10 times 100 VMs;
- render: the simulated host writing that output with the project's formatters (the
  lab's cost, not the client's), for comparison.

Each size's figures are the median (and spread) of ``--runs`` interleaved rounds; the
ratios are paired round by round.

Run: ``python benchmarks/bench_inventory.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import functools
import statistics

import _harness

from vmic.clients import HyperVHost, _scripts
from vmic.clients._inventory import parse_inventory
from vmic.testing import FakeHyperVHost

SIZES = (1, 100, 1000)
GUESTS = ("Windows Server 2019", "Ubuntu 22.04 LTS", "Windows Server 2012 R2", "Windows 10")


def _host(count: int) -> FakeHyperVHost:
    host = FakeHyperVHost("HV01")
    for index in range(count):
        host.add_vm(f"vm{index:05d}", GUESTS[index % len(GUESTS)])
    return host


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    work: dict[str, _harness.Workload] = {}
    facts = []
    for count in SIZES:
        host = _host(count)
        observation = HyperVHost(host).observe()
        assert len(observation.vms) == count
        round_trips = len(host.commands)
        command = _scripts.script("host-inventory").command()
        text = host.run(command).stdout
        work[f"parse {count}"] = _harness.wall(functools.partial(parse_inventory, text))
        work[f"render {count}"] = _harness.wall(functools.partial(host.run, command))
        facts.append((count, round_trips, len(text)))
    figures = _harness.interleaved(work, runs=options.runs)
    for count, trips, size in facts:
        parse, render = figures[f"parse {count}"], figures[f"render {count}"]
        per_vm = statistics.median(parse) / count * 1e6
        bench.line(
            f"{count:>5} VMs: {trips} round trip(s), output {size:,} B, {per_vm:.0f} us per VM"
        )
        bench.figure(f"  parse and model, {count} VMs", parse, unit="ms")
        bench.figure(f"  render (the lab), {count} VMs", render, unit="ms")
    for what in ("parse", "render"):
        bench.ratio(
            f"{what}: 1000 VMs / 100 VMs",
            figures[f"{what} 1000"],
            figures[f"{what} 100"],
            note="(linear: about 10)",
        )
    bench.line(f"round trips per inventory: {sorted({f[1] for f in facts})} (target: [1])")
    bench.finish()


if __name__ == "__main__":
    main()
