"""Cost of the Windows-side parsers, printed as ratios against baselines measured in the same run.

- Every parser on a 1 MB and a 10 MB input of the same shape: the 10 MB time relative to the
  1 MB time. Target: linear, a ratio of about 10 (no quadratic or catastrophic paths).
- ``parse_vm_integration_services`` on ``ConvertTo-Json`` output for 10,000 VMs x 6 services,
  relative to bare ``json.loads`` of the same text. Target: within 3x.

Each figure is the median (and spread) of ``--runs`` interleaved rounds; ratios are paired
round by round.

Run: ``python benchmarks/bench_parsers_windows.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import statistics
import uuid
from typing import TYPE_CHECKING

import _harness

from vmic import IntegrationService, OperationalStatus, StartType, WindowsServiceStatus
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.parsers._component_id import parse_component_id
from vmic.parsers._integration_services import (
    format_vm_integration_services,
    parse_vm_integration_services,
)
from vmic.parsers._registry import (
    format_reg_query,
    parse_integration_services_version,
    parse_reg_query,
)
from vmic.parsers._services import format_get_service, parse_get_service
from vmic.parsers._vms import format_get_vm, parse_get_vm

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.parsers._json import PowerShellVersion

MB = 1_000_000


def _components(vms: int) -> list[IntegrationComponentRecord]:
    records = []
    for number in range(vms):
        vm_id = str(uuid.UUID(int=number + 1)).upper()
        for service in IntegrationService:
            secondary = OperationalStatus.OK if service is IntegrationService.HEARTBEAT else None
            records.append(
                IntegrationComponentRecord(
                    vm_name=f"VM{number:05d}",
                    vm_id=vm_id,
                    name=service.english_name,
                    enabled=service is not IntegrationService.GUEST_SERVICE_INTERFACE,
                    primary_status=OperationalStatus.OK,
                    primary_status_description="OK",
                    secondary_status=secondary,
                    secondary_status_description="OK" if secondary else "",
                    component_id=ComponentId(vm_id, service.guid),
                    service=service,
                )
            )
    return records


def _scaled(make: Callable[[int], str], size: int) -> str:
    """``make(n)`` for the smallest n whose text reaches ``size`` characters."""
    unit = len(make(100)) / 100
    count = max(1, int(size / unit))
    text = make(count)
    while len(text) < size:
        count = int(count * 1.05) + 1
        text = make(count)
    return text


def _inputs() -> list[tuple[str, Callable[[str], object], Callable[[int], str]]]:
    def reg(n: int) -> str:
        values = [
            RegistryValue(
                "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto",
                f"Value{i}",
                "REG_SZ",
                f"data {i}",
            )
            for i in range(n)
        ]
        return format_reg_query(values)

    def reg_version(n: int) -> str:
        last = RegistryValue(
            "HKLM\\Software\\Microsoft\\Virtual Machine\\Auto",
            "IntegrationServicesVersion",
            "REG_SZ",
            "10.0.17763.1",
        )
        return reg(n) + format_reg_query([last])

    def components_table(n: int) -> str:
        return format_vm_integration_services(_components(max(1, n // 6)))

    def components_json(n: int) -> str:
        return format_vm_integration_services(_components(max(1, n // 6)), form="json")

    services = [
        GuestServiceRecord(
            name=service.info.windows_service,
            display_name=service.info.windows_display_names[0],
            status=WindowsServiceStatus.RUNNING,
            start_type=StartType.MANUAL,
        )
        for service in IntegrationService
    ]

    def services_table(n: int) -> str:
        return format_get_service((services * (n // 6 + 1))[:n])

    def services_json(n: int) -> str:
        return format_get_service((services * (n // 6 + 1))[:n], form="json")

    def vms(n: int) -> list[VirtualMachineRecord]:
        return [
            VirtualMachineRecord(
                name=f"VM{i:06d}",
                id=str(uuid.UUID(int=i + 1)),
                state=VMState.RUNNING,
                status="Operating normally",
                integration_services_version=None,
                integration_services_state=IntegrationServicesState.UP_TO_DATE,
            )
            for i in range(n)
        ]

    def vms_table(n: int) -> str:
        return format_get_vm(vms(n))

    def vms_json(n: int) -> str:
        return format_get_vm(vms(n), form="json")

    component_id = (
        "Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"
    )

    def padded_id(n: int) -> str:
        return " " * (n * 100) + component_id + " " * (n * 100)

    def broken_id(n: int) -> str:
        return "Microsoft:" + "7CCA7664-91D0-40A9-9769-7809F256F603\\" + "0" * (n * 200)

    def must_fail(text: str) -> object:
        try:
            parse_component_id(text)
        except ValueError:
            return None
        raise AssertionError

    return [
        ("parse_reg_query", parse_reg_query, reg),
        ("parse_integration_services_version", parse_integration_services_version, reg_version),
        ("parse_vm_integration_services (table)", parse_vm_integration_services, components_table),
        ("parse_vm_integration_services (JSON)", parse_vm_integration_services, components_json),
        ("parse_get_service (table)", parse_get_service, services_table),
        ("parse_get_service (JSON)", parse_get_service, services_json),
        ("parse_get_vm (table)", parse_get_vm, vms_table),
        ("parse_get_vm (JSON)", parse_get_vm, vms_json),
        ("parse_component_id (padded)", parse_component_id, padded_id),
        ("parse_component_id (error)", must_fail, broken_id),
    ]


def bench_linearity(bench: _harness.Bench, runs: int) -> None:
    bench.line(
        "time on 1 MB and 10 MB inputs of the same shape (ratio target: about 10); for scale,"
        " the same ratio for a plain linear pass over the same text (str.splitlines, or"
        " json.loads for JSON), which memory effects alone push above 10"
    )
    for name, parse, make in _inputs():
        small = _scaled(make, MB)
        large = _scaled(make, 10 * MB)
        plain = json.loads if small.startswith(("[", "{")) else str.splitlines
        gc.collect()
        figures = _harness.interleaved(
            {
                "small": _harness.wall(functools.partial(parse, small)),
                "large": _harness.wall(functools.partial(parse, large)),
                "plain small": _harness.wall(functools.partial(plain, small)),
                "plain large": _harness.wall(functools.partial(plain, large)),
            },
            runs=runs,
        )
        bench.line(
            f"  {name}: 1 MB {statistics.median(figures['small']) * 1e3:.1f} ms, "
            f"10 MB {statistics.median(figures['large']) * 1e3:.1f} ms"
        )
        bench.ratio("    10 MB / 1 MB", figures["large"], figures["small"])
        bench.ratio("    plain pass 10 MB / 1 MB", figures["plain large"], figures["plain small"])


def bench_json_path(bench: _harness.Bench, runs: int) -> None:
    versions: tuple[PowerShellVersion, ...] = ("5.1", "7")
    for powershell in versions:
        text = format_vm_integration_services(
            _components(10_000),
            form="json",
            powershell=powershell,
        )
        assert len(parse_vm_integration_services(text)) == 60_000
        figures = _harness.interleaved(
            {
                "json.loads": _harness.wall(functools.partial(json.loads, text)),
                "parse": _harness.wall(functools.partial(parse_vm_integration_services, text)),
            },
            runs=runs,
        )
        label = f"JSON path, 10,000 VMs x 6 services (PowerShell {powershell})"
        bench.line(f"{label}, {len(text) / MB:.1f} MB")
        bench.figure("  json.loads (baseline)", figures["json.loads"], unit="ms")
        bench.figure("  parse_vm_integration_services", figures["parse"], unit="ms")
        bench.ratio("  parse / json.loads", figures["parse"], figures["json.loads"], target=3.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    _harness.add_options(parser)
    options = parser.parse_args()
    bench = _harness.Bench(__doc__, options)
    bench_json_path(bench, options.runs)
    bench_linearity(bench, options.runs)
    bench.finish()


if __name__ == "__main__":
    main()
