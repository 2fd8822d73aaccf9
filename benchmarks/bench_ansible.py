"""Reading Ansible inventories: linear in the hosts, 200,000 INI hosts in under 5 seconds.

Each inventory has two groups (half the hosts each, every host with its own address, port
and a group variable) nested under a third, as a site's inventory has. Printed for each
size: seconds (median and spread of ``--runs`` interleaved rounds), microseconds per host,
and the ratio to the 20,000-host figure of the same round (target: linear, so 200,000
hosts cost about 10 times 20,000); the TOML reader on the same hosts is the same-run
baseline. Before issue 23 INI reading was quadratic: 10,000 hosts 3.4 s, 20,000 11.8 s,
200,000 more than 120 s.

Run: ``python benchmarks/bench_ansible.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import functools
import statistics
from typing import TYPE_CHECKING

import _harness

from vmic.connect import parse_inventory
from vmic.connect._ansible import parse_ansible_ini, parse_ansible_yaml

if TYPE_CHECKING:
    from collections.abc import Callable

SIZES = (20_000, 200_000)
TARGET_SECONDS = 5.0


def _names(count: int) -> list[tuple[str, str, str, int]]:
    """(group, name, address, port) of each host: documentation names only."""
    return [
        (
            "web" if index % 2 else "db",
            f"hv{index:06d}.example.test",
            f"hv{index:06d}.mgmt.example.test",
            5986 + index % 100,
        )
        for index in range(count)
    ]


def _ini(count: int) -> str:
    lines = ["[all:vars]", "ansible_connection=psrp"]
    for group in ("web", "db"):
        lines.append(f"[{group}]")
        lines.extend(
            f"{name} ansible_host={address} ansible_port={port}"
            for kind, name, address, port in _names(count)
            if kind == group
        )
    lines.extend(["[site:children]", "web", "db", "[site:vars]", "vmic_guests_linux=none"])
    return "\n".join(lines) + "\n"


def _yaml(count: int) -> str:
    lines = ["all:", "  vars: {ansible_connection: psrp}", "  children:", "    site:"]
    lines.extend(["      vars: {vmic_guests_linux: none}", "      children:"])
    for group in ("web", "db"):
        lines.extend([f"        {group}:", "          hosts:"])
        lines.extend(
            f"            {name}: {{ansible_host: {address}, ansible_port: {port}}}"
            for kind, name, address, port in _names(count)
            if kind == group
        )
    return "\n".join(lines) + "\n"


def _toml(count: int) -> str:
    parts = ['[defaults]\ntransport = "psrp"\n']
    parts.extend(
        f'[[hosts]]\nname = "{name}"\naddress = "{address}"\nport = {port}\n'
        for _, name, address, port in _names(count)
    )
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    readers: dict[str, tuple[Callable[[int], str], Callable[[str], object]]] = {
        "INI": (_ini, parse_ansible_ini),
        "YAML": (_yaml, parse_ansible_yaml),
        "TOML": (_toml, parse_inventory),
    }
    work: dict[str, _harness.Workload] = {}
    for label, (write, read) in readers.items():
        for count in SIZES:
            text = write(count)
            assert read(text) is not None
            work[f"{label} {count}"] = _harness.wall(functools.partial(read, text))
    figures = _harness.interleaved(work, runs=options.runs)
    for label in readers:
        for count in SIZES:
            values = figures[f"{label} {count}"]
            per_host = statistics.median(values) / count * 1e6
            bench.figure(f"{label}, {count:,} hosts", values, note=f"{per_host:.1f} us per host")
        bench.ratio(
            f"{label}: {SIZES[-1]:,} / {SIZES[0]:,} hosts",
            figures[f"{label} {SIZES[-1]}"],
            figures[f"{label} {SIZES[0]}"],
            note="(linear: about 10)",
        )
    ini = statistics.median(figures[f"INI {SIZES[-1]}"])
    verdict = "met" if ini < TARGET_SECONDS else "MISSED"
    bench.line(f"INI, {SIZES[-1]:,} hosts: {ini:.2f} s (target < {TARGET_SECONDS:g} s: {verdict})")
    bench.ratio(
        f"INI / TOML reader, {SIZES[-1]:,} hosts",
        figures[f"INI {SIZES[-1]}"],
        figures[f"TOML {SIZES[-1]}"],
    )
    bench.finish()


if __name__ == "__main__":
    main()
