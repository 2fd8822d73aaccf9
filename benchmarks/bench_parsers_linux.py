"""Linear time of the Linux parsers and the KVP pool parser, as ratios measured in one run.

Each parser reads a realistic input of about 1 MB and one of about 10 MB (the same lines
repeated, kept valid: unique module names, consistent systemctl blocks...), then a few
pathological inputs of the same sizes (one huge line, runs of separators). The time of the
10 MB input is printed relative to the 1 MB one: a linear parser gives about 10, a
quadratic one about 100. Target: about 10.

A 1 MB input still fits the processor caches and a 10 MB one does not, so memory-bound
cases (many tiny lines, a few milliseconds in all) can show 15 to 25 without doing more
work per byte. The 20 MB / 10 MB ratio, both past the caches, separates the two: about 2
when linear, about 4 when quadratic.

Each size runs in every one of ``--runs`` interleaved rounds; the ratios are paired round
by round and printed as their median and spread.

Run: ``python benchmarks/bench_parsers_linux.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
from typing import TYPE_CHECKING

import _harness

from vmic.errors import ParseError
from vmic.model._linux_records import KvpRecord
from vmic.parsers._kvp import format_kvp_pool, parse_kvp_pool
from vmic.parsers._linux import (
    parse_compgen,
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    parse_systemctl_is_active,
    parse_systemctl_show,
)

if TYPE_CHECKING:
    from collections.abc import Callable

MB = 1_000_000


def _lines(size: int, line: Callable[[int], str]) -> str:
    parts: list[str] = []
    total = 0
    index = 0
    while total < size:
        text = line(index) + "\n"
        parts.append(text)
        total += len(text)
        index += 1
    return "".join(parts)


def _lsmod(size: int) -> str:
    return "Module                  Size  Used by\n" + _lines(
        size, lambda i: f"hv_mod_{i:<12} {20480 + i:>8}  2 hv_utils,hv_vmbus"
    )


def _proc_modules(size: int) -> str:
    return _lines(size, lambda i: f"hv_mod_{i} 20480 2 hv_utils,hv_vmbus, Live 0x0000000000000000")


def _builtin(size: int) -> str:
    return _lines(size, lambda i: f"kernel/drivers/hv/hv-mod-{i}.ko")


def _ps(size: int) -> str:
    return "UID        PID  PPID  C STIME TTY          TIME CMD\n" + _lines(
        size,
        lambda i: (
            f"root     {i:>5}     1  0 Jul11 ?        00:01:11 "
            "/usr/lib/linux-tools/3.13.0-32-generic/hv_kvp_daemon -n"
        ),
    )


def _compgen(size: int) -> str:
    return _lines(size, lambda i: ("hv_kvp_daemon", "hv_vss_daemon", f"hv_tool_{i}")[i % 3])


def _show(size: int) -> str:
    block = (
        "MainPID={pid}\nId=hv-kvp-daemon-{i}.service\nDescription=Hyper-V KVP Protocol Daemon\n"
        "LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n"
        "ExecStart={{ path=/usr/sbin/hv_kvp_daemon ; argv[]=/usr/sbin/hv_kvp_daemon -n }}\n"
    )
    return _lines(size, lambda i: block.format(pid=i + 1, i=i))


def _is_active(size: int) -> tuple[str, list[str]]:
    text = _lines(size, lambda i: ("active", "inactive", "failed")[i % 3])
    return text, [f"u{i}.service" for i in range(text.count("\n"))]


def _kvp(size: int) -> bytes:
    record = KvpRecord("NetworkAddressIPv4", "192.0.2.10;198.51.100.7")
    return format_kvp_pool([record] * (size // 2560))


def _is_active_case(size: int) -> Callable[[], object]:
    text, units = _is_active(size)
    return lambda: parse_systemctl_is_active(text, units)


def _kvp_case(size: int) -> Callable[[], object]:
    data = _kvp(size)
    return lambda: parse_kvp_pool(data)


def _parse_or_error(parse: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return parse(text)
        except ParseError as error:
            return error

    return run


def _report(
    bench: _harness.Bench, runs: int, name: str, run: Callable[[int], Callable[[], object]]
) -> tuple[float, float]:
    sizes = {"1 MB": MB, "10 MB": 10 * MB, "20 MB": 20 * MB}
    figures = _harness.interleaved(
        {label: _harness.wall(run(size)) for label, size in sizes.items()}, runs=runs
    )
    times = "  ".join(
        f"{label} {statistics.median(values) * 1e3:.1f} ms" for label, values in figures.items()
    )
    bench.line(f"{name}: {times}")
    ratio = bench.ratio("  10 MB / 1 MB", figures["10 MB"], figures["1 MB"])
    doubling = bench.ratio("  20 MB / 10 MB", figures["20 MB"], figures["10 MB"])
    return statistics.median(ratio), statistics.median(doubling)


def _text_case(
    parse: Callable[[str], object], build: Callable[[int], str]
) -> Callable[[int], Callable[[], object]]:
    def prepare(size: int) -> Callable[[], object]:
        text = build(size)
        return lambda: parse(text)

    return prepare


def main() -> None:
    """Print every parser's time at 1 MB, 10 MB and 20 MB, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    cases: list[tuple[str, Callable[[int], Callable[[], object]]]] = [
        ("parse_lsmod (lsmod)", _text_case(parse_lsmod, _lsmod)),
        ("parse_lsmod (/proc/modules)", _text_case(parse_lsmod, _proc_modules)),
        ("parse_modules_builtin", _text_case(parse_modules_builtin, _builtin)),
        ("parse_ps", _text_case(parse_ps, _ps)),
        ("parse_compgen", _text_case(parse_compgen, _compgen)),
        ("parse_systemctl_show", _text_case(parse_systemctl_show, _show)),
        ("parse_systemctl_is_active", _is_active_case),
        ("parse_kvp_pool", _kvp_case),
    ]
    pathological: list[tuple[str, Callable[[int], str]]] = [
        ("one line of letters", lambda size: "a" * size),
        ("one line of spaces", lambda size: " " * size),
        ("one line of short words", lambda size: "1 " * (size // 2)),
        ("one line of commas", lambda size: "hv_utils 1 0 " + "x," * (size // 2)),
        ("one line of '='", lambda size: "=" * size),
        ("only line breaks", lambda size: "\n" * size),
        ("unfinished escapes", lambda size: "\x1b[" * (size // 2)),
    ]
    parsers: list[tuple[str, Callable[[str], object]]] = [
        ("lsmod", parse_lsmod),
        ("ps", parse_ps),
        ("compgen", parse_compgen),
        ("systemctl show", parse_systemctl_show),
    ]
    bench.line("Realistic inputs")
    ratios = [_report(bench, options.runs, name, case) for name, case in cases]
    bench.line("Pathological inputs (result or ParseError)")
    for label, build in pathological:
        for parser_name, parse in parsers:
            case = _text_case(_parse_or_error(parse), build)
            ratios.append(_report(bench, options.runs, f"{parser_name}: {label}", case))
    bench.ratio(
        "largest median 10 MB / 1 MB", [max(r for r, _ in ratios)], note="(linear: about 10)"
    )
    bench.ratio(
        "largest median 20 MB / 10 MB", [max(d for _, d in ratios)], note="(linear: about 2)"
    )
    bench.finish()


if __name__ == "__main__":
    main()
