"""JSON output of a big audit report: vmic's writer against ``json.dumps(indent=2)``.

``json.dumps`` with an indent takes Python's pure-Python encoder; vmic lays out the outer
two levels itself and writes every value with the C encoder. Printed: CPU seconds of
each (median and spread of ``--runs`` interleaved rounds), their ratio per round, and
the sizes.

Run: ``python benchmarks/bench_json.py [--hosts 5000] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import json

import _harness

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser)
    parser.add_argument("--hosts", type=int, default=5000)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    data = _report(options.hosts).to_dict()
    figures = _harness.interleaved(
        {
            "json.dumps(indent=2)": _harness.cpu_per_call(
                lambda: json.dumps(data, indent=2, ensure_ascii=False), 1
            ),
            "vmic json_text (indent 2)": _harness.cpu_per_call(lambda: json_text(data), 1),
            "vmic json_text (compact)": _harness.cpu_per_call(
                lambda: json_text(data, indent=None), 1
            ),
        },
        runs=options.runs,
    )
    bench.line(f"report of {options.hosts} hosts (to_dict done once, outside the timing)")
    for label, values in figures.items():
        bench.figure(label, values)
    bench.ratio(
        "json.dumps(indent=2) / vmic json_text",
        figures["json.dumps(indent=2)"],
        figures["vmic json_text (indent 2)"],
    )
    bench.line(
        f"sizes: indent=2 {len(json.dumps(data, indent=2, ensure_ascii=False)):,} chars, "
        f"vmic {len(json_text(data)):,} chars"
    )
    bench.finish()


if __name__ == "__main__":
    main()
