"""JSON output of a big audit report: vmic's writer against ``json.dumps(indent=2)``.

``json.dumps`` with an indent takes Python's pure-Python encoder; vmic lays out the outer
two levels itself and writes every value with the C encoder. Printed: CPU seconds of
each (median and spread of ``--runs``), their ratio, and the sizes.

Run: ``python benchmarks/bench_json.py [--hosts 5000] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from vmic.fleet import AuditReport, audit
from vmic.render import json_text
from vmic.testing import FakeHyperVHost


def _report(hosts: int) -> AuditReport:
    fleet = []
    for index in range(100):
        host = FakeHyperVHost(f"hv{index:03d}")
        host.add_vm("web", "Windows Server 2019")
        host.add_vm("db", "Ubuntu 22.04")
        fleet.append(host)
    sample = audit(fleet, concurrency=4).results
    results = tuple(sample[index % len(sample)] for index in range(hosts))
    return AuditReport(results=results, duration=1.0, concurrency=4)


def _cpu(work: object, runs: int) -> list[float]:
    figures = []
    for _ in range(runs):
        started = time.process_time()
        work()  # type: ignore[operator]
        figures.append(time.process_time() - started)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    data = _report(options.hosts).to_dict()
    pure = _cpu(lambda: json.dumps(data, indent=2, ensure_ascii=False), options.runs)
    ours = _cpu(lambda: json_text(data), options.runs)
    compact = _cpu(lambda: json_text(data, indent=None), options.runs)
    print(f"report of {options.hosts} hosts (to_dict done once, outside the timing)")
    for label, figures in (
        ("json.dumps(indent=2)", pure),
        ("vmic json_text (indent 2)", ours),
        ("vmic json_text (compact)", compact),
    ):
        median = statistics.median(figures)
        print(f"{label:<26} median {median:6.3f} s  spread {min(figures):.3f}-{max(figures):.3f} s")
    ratio = statistics.median(pure) / statistics.median(ours)
    print(f"json.dumps(indent=2) / vmic json_text: {ratio:4.1f}x")
    print(
        f"sizes: indent=2 {len(json.dumps(data, indent=2, ensure_ascii=False)):,} chars, "
        f"vmic {len(json_text(data)):,} chars"
    )


if __name__ == "__main__":
    main()
