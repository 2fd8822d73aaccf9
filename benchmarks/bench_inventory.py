"""Cost of a host inventory (``HyperVHost.observe()``) for 1, 100 and 1,000 VMs on one host.

Printed for each size, against the 100-VM figures measured in the same run:

- round trips: commands the client sent (target: 1 whatever the size);
- parse and model: the client reading the host's output into observations
  (``parse_inventory``); target: linear, so 1,000 VMs cost about 10 times 100 VMs;
- render: the simulated host writing that output with the project's formatters (the
  lab's cost, not the client's), for comparison.

Run: ``python benchmarks/bench_inventory.py``.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING

from vmic.clients import HyperVHost, _scripts
from vmic.clients._inventory import parse_inventory
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Callable

SIZES = (1, 100, 1000)
GUESTS = ("Windows Server 2019", "Ubuntu 22.04 LTS", "Windows Server 2012 R2", "Windows 10")
REPEATS = 5


def _host(count: int) -> FakeHyperVHost:
    host = FakeHyperVHost("HV01")
    for index in range(count):
        host.add_vm(f"vm{index:05d}", GUESTS[index % len(GUESTS)])
    return host


def _best(action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = []
    for count in SIZES:
        host = _host(count)
        observation = HyperVHost(host).observe()
        assert len(observation.vms) == count
        round_trips = len(host.commands)
        command = _scripts.script("host-inventory").command()
        text = host.run(command).stdout
        parse = _best(functools.partial(parse_inventory, text))
        render = _best(functools.partial(host.run, command))
        rows.append((count, round_trips, len(text), parse, render))
    base = next(row for row in rows if row[0] == 100)
    print(
        f"{'VMs':>6} {'round trips':>11} {'output':>10} {'parse+model':>12} {'vs 100':>7} "
        f"{'per VM':>9} {'render':>9} {'vs 100':>7}"
    )
    for count, trips, size, parse, render in rows:
        print(
            f"{count:>6} {trips:>11} {size:>9}B {parse * 1000:>10.2f}ms {parse / base[3]:>6.2f}x "
            f"{parse / count * 1e6:>7.0f}us {render * 1000:>7.2f}ms {render / base[4]:>6.2f}x"
        )
    big = next(row for row in rows if row[0] == 1000)
    print(
        f"linearity (1000 VMs / 100 VMs, target ~10): parse+model {big[3] / base[3]:.1f}, "
        f"render {big[4] / base[4]:.1f}"
    )
    print(f"round trips per inventory: {sorted({row[1] for row in rows})} (target: [1])")


if __name__ == "__main__":
    main()
