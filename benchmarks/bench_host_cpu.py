"""vmic's own CPU per host: parse one host's inventory output and diagnose it (2 VMs).

The simulated host renders its answer once, outside the measurement; what is timed is
what an audit spends per host once the answer has arrived: reading the sections, parsing
the host inventory (and, reported separately, the two guests' outputs) and the diagnosis.
Each figure is CPU time (``time.process_time``, so other processes on a shared machine
are not billed to vmic): the median of repeated runs, with the spread (min-max) beside it.

Target: parse + diagnose <= 0.4 ms per 2-VM host.

Run: ``python benchmarks/bench_host_cpu.py [--repeat 15] [--number 400] [--profile]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

import attrs

from vmic.clients import _scripts
from vmic.clients._inventory import INVENTORY_SECTIONS, inventory_from_sections
from vmic.clients._sections import split_sections
from vmic.clients._windows import windows_observation
from vmic.diagnosis import diagnose
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic import Guest, Host


def _outputs() -> tuple[str, str]:
    host = FakeHyperVHost("HV-CPU")
    host.add_vm("web", "Windows Server 2019")
    host.add_vm("db", "Ubuntu 22.04")
    inventory = host.run(_scripts.script("host-inventory").command()).stdout
    windows = host.guest_executor("web").run(_scripts.script("windows-observe").command())
    return inventory, windows.stdout


def _with_guest(host: Host, name: str, guest: Guest) -> Host:
    """*host*, its VM *name* carrying *guest* (as an audit attaches what a guest said)."""
    vms = [attrs.evolve(vm, guest=guest) if vm.name == name else vm for vm in host.vms]
    return attrs.evolve(host, vms=vms)


def _runs(work: Callable[[], object], *, repeat: int, number: int) -> list[float]:
    """CPU seconds per call (this process's), one figure per run.

    CPU time, not wall time: the machine may be shared, and other processes' turns on
    the cores must not be billed to vmic.
    """
    figures = []
    for _ in range(repeat):
        started = time.process_time()
        for _ in range(number):
            work()
        figures.append((time.process_time() - started) / number)
    return figures


def _show(label: str, figures: list[float], *, target: float | None = None) -> None:
    median = statistics.median(figures)
    spread = f"spread {min(figures) * 1e3:.3f}-{max(figures) * 1e3:.3f} ms"
    verdict = "" if target is None else f"  {median / target:4.2f}x the {target * 1e3:.1f} ms goal"
    print(f"{label:<38} {median * 1e3:7.3f} ms median  {spread}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--number", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="print a cProfile instead")
    options = parser.parse_args()

    inventory_text, windows_text = _outputs()

    def parse() -> Host:
        sections = split_sections(inventory_text, required=INVENTORY_SECTIONS)
        return inventory_from_sections(sections, name=None)

    host = parse()
    windows = windows_observation(split_sections(windows_text, required=("os",)))

    def guest_parse() -> object:
        return windows_observation(split_sections(windows_text, required=("os",)))

    def both() -> object:
        return diagnose(_with_guest(parse(), "web", windows))

    if options.profile:
        import cProfile  # noqa: PLC0415 - only with --profile
        import pstats  # noqa: PLC0415

        profile = cProfile.Profile()
        profile.runcall(lambda: [both() for _ in range(2000)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return

    number, repeat = options.number, options.repeat
    both()  # first call outside the runs: imports and tables
    _show("parse host inventory (2 VMs)", _runs(parse, repeat=repeat, number=number))
    _show(
        "diagnose (2 VMs, one guest observed)",
        _runs(lambda: diagnose(_with_guest(host, "web", windows)), repeat=repeat, number=number),
    )
    _show("parse + diagnose per host", _runs(both, repeat=repeat, number=number), target=4e-4)
    _show("parse one Windows guest's output", _runs(guest_parse, repeat=repeat, number=number))


if __name__ == "__main__":
    main()
