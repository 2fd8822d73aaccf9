"""Wall time of a fleet audit, printed as ratios against figures of the same run.

500 simulated Hyper-V hosts, each answering after 50 ms (the simulated host sleeps), are
audited at concurrency 50 (host side: one round trip each, then the diagnosis). Printed:

- the wall time relative to the ideal ``ceil(500 / 50) x 50 ms`` (target: under 1.3x);
- the wall time relative to a sequential audit (concurrency 1) of the same hosts, which
  is measured on a sample of them and scaled (it would otherwise take 25 s).

Run: ``python benchmarks/bench_audit.py [--hosts 500] [--concurrency 50] [--latency 0.05]``.
"""

from __future__ import annotations

import argparse
import math
import time

from vmic.fleet import audit
from vmic.testing import FakeHyperVHost


def _fleet(count: int, latency: float, *, prefix: str) -> list[FakeHyperVHost]:
    hosts = []
    for index in range(count):
        host = FakeHyperVHost(f"{prefix}{index:04d}", latency=latency)
        host.add_vm("web", "Windows Server 2019")
        host.add_vm("db", "Ubuntu 22.04")
        hosts.append(host)
    return hosts


def _timed_audit(hosts: list[FakeHyperVHost], concurrency: int) -> float:
    started = time.perf_counter()
    report = audit(hosts, concurrency=concurrency, timeout=30)
    elapsed = time.perf_counter() - started
    failed = report.failures
    assert not failed, f"{len(failed)} simulated hosts failed: {failed[0].error}"
    assert len(report.results) == len(hosts)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--sequential-sample", type=int, default=40)
    options = parser.parse_args()

    # Warm up imports, parsers and the diagnosis once, outside the measurement.
    _timed_audit(_fleet(2, 0.0, prefix="warm"), 2)

    ideal = math.ceil(options.hosts / options.concurrency) * options.latency
    concurrent = _timed_audit(
        _fleet(options.hosts, options.latency, prefix="hv"), options.concurrency
    )
    sample = min(options.sequential_sample, options.hosts)
    sequential_sample = _timed_audit(_fleet(sample, options.latency, prefix="seq"), 1)
    sequential = sequential_sample * options.hosts / sample

    print(
        f"audit of {options.hosts} hosts, {options.latency * 1000:.0f} ms latency each, "
        f"concurrency {options.concurrency}"
    )
    print(f"ideal ceil({options.hosts}/{options.concurrency}) x latency: {ideal:7.3f} s (baseline)")
    print(
        f"concurrent audit:                  {concurrent:7.3f} s  "
        f"ratio {concurrent / ideal:5.2f}x (target < 1.3x)"
    )
    print(
        f"sequential audit (from {sample} hosts):   {sequential:7.3f} s  "
        f"concurrent is {sequential / concurrent:5.1f}x faster"
    )


if __name__ == "__main__":
    main()
