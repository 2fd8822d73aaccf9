"""Time and size of the fleet HTML report for a large fleet.

The demo lab is audited once; its VM diagnoses are then copied onto ``--hosts`` hosts of
``--vms`` VMs each (1,000 x 10 by default), and the report is rendered as one page.
Printed: hosts, VMs, heat-map cells, seconds to render (median and spread of ``--runs``),
and the page's size in MiB (targets: a few seconds, a few MiB).

Run: ``python benchmarks/bench_fleet_html.py [--hosts 1000] [--vms 10] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import itertools

import _harness
import attrs

from vmic.cli._connection import lab_targets
from vmic.fleet import AuditReport, HostResult, HostStatus, audit


def _fleet(hosts: int, vms: int) -> AuditReport:
    demo = audit(lab_targets("demo"))
    pool = [vm for result in demo.results if result.diagnosis for vm in result.diagnosis.vms]
    template = next(r.diagnosis for r in demo.results if r.diagnosis is not None)
    cycle = itertools.cycle(pool)
    results = []
    for index in range(hosts):
        name = f"hv{index:04d}.example"
        chosen = tuple(
            attrs.evolve(vm, host=name, vm=f"{vm.vm}-{n}")
            for n, vm in zip(range(vms), cycle, strict=False)
        )
        diagnosis = attrs.evolve(template, host=name, vms=chosen)
        results.append(HostResult(host=name, status=HostStatus.OK, diagnosis=diagnosis))
    return AuditReport(results=tuple(results))


def main() -> None:
    """Render the report and print its time and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _harness.add_options(parser)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--vms", type=int, default=10)
    args = parser.parse_args()
    bench = _harness.Bench(__doc__, args)
    report = _fleet(args.hosts, args.vms)
    figures = _harness.interleaved(
        {"render": _harness.wall(lambda: report.render("html"))}, runs=args.runs
    )
    page = report.render("html")
    cells = page.count('<td class="cell ')
    size = len(page.encode("utf-8")) / 2**20
    bench.line(f"hosts={args.hosts} vms={args.hosts * args.vms} cells={cells} size={size:.2f}MiB")
    bench.figure("render (wall)", figures["render"])
    bench.finish()


if __name__ == "__main__":
    main()
