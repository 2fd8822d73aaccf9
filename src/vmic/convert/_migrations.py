"""Saved observations of older schema versions, brought to the current one before reading.

Version 1 (vmic until the host and guest models): the document held ``host``, the host's
observation (``host``, ``host_os``, each VM as its ``Get-VM`` record under ``vm`` beside
its ``components``), and ``guests``, each guest's observation by VM name, tagged
``windows``, ``linux`` or ``unreachable``. Version 2 holds the host alone (``name``,
``os``, ``vms``), each VM flat with its ``services`` and its ``guest`` (tagged ``guest``
or ``unreachable``): one guest model for Windows and Linux, whose services are one record
type (Windows services and daemons alike).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Final

from vmic.errors import ConfigurationError, VmicError
from vmic.model._guest import WINDOWS_RUNNING
from vmic.model._operating_system import OperatingSystem, Product
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["migrate_observations"]

_RUNNING_STATES: Final = frozenset({"running", "running_critical"})
_WINDOWS_RUNNING: Final = frozenset(status.value for status in WINDOWS_RUNNING)
#: Why a version 1 guest report is not attached to a VM whose name another VM shares.
_SHARED_NAME: Final = (
    "several VMs of this host are named {name!r}; the saved guest report could be any of "
    "theirs, so it is not used"
)


def migrate_observations(
    document: Mapping[str, Any], version: int, *, source: str
) -> dict[str, Any]:
    """*document* (of schema *version*) as the current version writes it.

    Raises:
        ConfigurationError: A version 1 document whose parts are not where that version
            puts them.
    """
    current = dict(document)
    for step_from, step in _STEPS:
        if version <= step_from:
            try:
                current = step(current)
            except (KeyError, TypeError, AttributeError, ValueError, VmicError) as error:
                raise ConfigurationError(
                    f"{source} is not a valid version {step_from} observations document: "
                    f"{type(error).__name__}: {error}"
                ) from None
    return current


def _from_1(document: dict[str, Any]) -> dict[str, Any]:
    host = document["host"]
    guests = document.get("guests") or {}
    if not isinstance(host, dict) or not isinstance(guests, dict):
        msg = "host and guests must be JSON objects"
        raise TypeError(msg)
    vms = host.get("vms") or []
    counts = Counter(entry["vm"]["name"] for entry in vms)
    migrated = []
    for entry in vms:
        record = entry["vm"]
        name = record["name"]
        guest = guests.get(name)
        new_guest = None
        if guest is not None and counts[name] == 1:
            new_guest = _guest_from_1(guest)
        elif guest is not None and record.get("state") in _RUNNING_STATES:
            new_guest = {"kind": "unreachable", "reason": _SHARED_NAME.format(name=name)}
        migrated.append(
            {
                **record,
                "services": entry.get("components") or [],
                "intrinsic_items": entry.get("intrinsic_items") or [],
                "guest_os": entry.get("guest_os"),
                "guest": new_guest,
            }
        )
    return {
        "schema_version": 2,
        "host": {"name": host["host"], "os": host.get("host_os"), "vms": migrated},
    }


def _guest_from_1(guest: Mapping[str, Any]) -> dict[str, Any]:
    kind = guest["kind"]
    if kind == "unreachable":
        return {"kind": "unreachable", "reason": guest["reason"]}
    if kind == "windows":
        time_sync = guest.get("time_sync")
        return {
            "kind": "guest",
            "os": guest.get("guest_os"),
            "services": [_windows_service(record) for record in guest.get("services") or []],
            "integration_services_version": guest.get("integration_services_version"),
            "time_sync": None if time_sync is None else {"kind": "windows", **time_sync},
        }
    if kind == "linux":
        time_sync = guest.get("time_sync")
        return {
            "kind": "guest",
            "os": _linux_os(guest.get("distribution"), guest.get("distribution_version")),
            "services": [_daemon(entry) for entry in guest.get("daemons") or []],
            "time_sync": None if time_sync is None else {"kind": "linux", **time_sync},
            "hv_utils": guest.get("hv_utils"),
            "hv_vmbus": guest.get("hv_vmbus"),
            "init_system": guest.get("init_system"),
        }
    msg = f"unknown guest kind {kind!r}"
    raise ValueError(msg)


def _windows_service(record: Mapping[str, Any]) -> dict[str, Any]:
    status = record.get("status")
    return {
        "name": record["name"],
        "service": record.get("service"),
        "installed": True,  # Get-Service listed it
        "running": status in _WINDOWS_RUNNING,
        "status": status,
        "start_type": record.get("start_type"),
        "display_name": record.get("display_name") or "",
    }


def _daemon(entry: Mapping[str, Any]) -> dict[str, Any]:
    service = entry["service"]
    # A daemon entry built by hand could leave its binary unnamed: the usual name stands in.
    name = entry.get("daemon") or IntegrationService(service).info.linux_daemons[0]
    return {
        "name": name,
        "service": service,
        # Version 1 let a daemon run "not installed" (its binary off the paths checked);
        # one that runs is there.
        "installed": bool(entry["installed"]) or bool(entry["running"]),
        "running": entry["running"],
        "unit": entry.get("unit"),
        "path": entry.get("path"),
        "pid": entry.get("pid"),
        "service_status": entry.get("service_status"),
    }


def _linux_os(distribution: object, version: object) -> dict[str, Any]:
    """The OS a version 1 Linux guest named, as far as the model holds it.

    Version 1 kept the distribution as free text; one vmic does not know is dropped (its
    diagnosis then used the upstream names too).
    """
    for kept in (version, None):
        try:
            system = OperatingSystem(
                Product.LINUX,
                distribution=distribution,  # type: ignore[arg-type] # the model checks it
                distribution_version=kept,  # type: ignore[arg-type]
            )
        except (ValueError, TypeError):
            continue
        return {
            "product": system.product.value,
            "distribution": system.distribution,
            "distribution_version": system.distribution_version,
        }
    return {"product": Product.LINUX.value}


#: Each step: the version it migrates from, and the migration to the next version.
_STEPS: Final[tuple[tuple[int, Callable[[dict[str, Any]], dict[str, Any]]], ...]] = ((1, _from_1),)
