"""Reading Ansible inventories: linear in the hosts, 200,000 INI hosts in under 5 seconds.

Each inventory has two groups (half the hosts each, every host with its own address, port
and a group variable) nested under a third, as a site's inventory has. Printed for each
size: seconds (best of ``--runs``), microseconds per host, and the ratio to the 20,000-host
figure of the same run (target: linear, so 200,000 hosts cost about 10 times 20,000); the
TOML reader on the same hosts is the same-run baseline. Before issue 23 INI reading was
quadratic: 10,000 hosts 3.4 s, 20,000 11.8 s, 200,000 more than 120 s.

Run: ``python benchmarks/bench_ansible.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import functools
import time
from typing import TYPE_CHECKING

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


def _best(action: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    readers: dict[str, tuple[Callable[[int], str], Callable[[str], object]]] = {
        "INI": (_ini, parse_ansible_ini),
        "YAML": (_yaml, parse_ansible_yaml),
        "TOML": (_toml, parse_inventory),
    }
    figures: dict[tuple[str, int], float] = {}
    print(f"{'format':<6} {'hosts':>8} {'seconds':>8} {'per host':>9} {'vs 20,000':>10}")
    for label, (write, read) in readers.items():
        for count in SIZES:
            text = write(count)
            hosts = read(text)
            assert hosts is not None
            seconds = _best(functools.partial(read, text), options.runs)
            figures[label, count] = seconds
            ratio = seconds / figures[label, SIZES[0]]
            print(
                f"{label:<6} {count:>8,} {seconds:>8.2f} {seconds / count * 1e6:>7.1f}us "
                f"{ratio:>9.1f}x"
            )
    ini = figures["INI", SIZES[-1]]
    verdict = "met" if ini < TARGET_SECONDS else "MISSED"
    print(
        f"INI, {SIZES[-1]:,} hosts: {ini:.2f} s (target < {TARGET_SECONDS:g} s: {verdict}); "
        f"linearity {ini / figures['INI', SIZES[0]]:.1f} (target ~10); "
        f"{ini / figures['TOML', SIZES[-1]]:.2f}x the TOML reader"
    )


if __name__ == "__main__":
    main()
