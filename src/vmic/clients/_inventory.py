"""The host inventory (the ``host-inventory`` script) read into observations.

Sections and what reads them:

- ``host``: ``{"ComputerName": str, "Caption": str, "Version": str}`` (``Win32_OperatingSystem``);
- ``vms``: ``Get-VM | Select-Object ... | ConvertTo-Json``, read by
  :func:`vmic.parsers._vms.parse_get_vm`;
- ``components``: ``Get-VMIntegrationService | ConvertTo-Json``, read by
  :func:`vmic.parsers._integration_services.parse_vm_integration_services`;
- ``kvp``: ``[{"VMId": str, "Items": {name: data}}]``, the ``Name`` and ``Data`` of each
  ``Msvm_KvpExchangeDataItem`` in ``Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems``.

Components are attached to their VM by VM id (names may repeat on a host), by name
when the output has no id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.clients._sections import load_json, split_sections
from vmic.errors import ParseError, UnknownOperatingSystemError
from vmic.model._host import VM, Host
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.parsers._integration_services import parse_vm_integration_services
from vmic.parsers._vms import parse_get_vm

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vmic.model._records import IntegrationComponentRecord

__all__ = [
    "INVENTORY_SECTIONS",
    "guest_os_from_items",
    "inventory_from_sections",
    "parse_components",
    "parse_inventory",
    "parse_os_caption",
]

#: The sections the inventory script prints.
INVENTORY_SECTIONS: Final = ("host", "vms", "components", "kvp")
_TEXT: Final = frozenset({str})
_SECTION_SET: Final = frozenset(INVENTORY_SECTIONS)


def parse_os_caption(caption: object, version: object) -> OperatingSystem | None:
    """The operating system a caption and version name (``Win32_OperatingSystem``), or None."""
    if not isinstance(caption, str) or not caption.strip():
        return None
    try:
        return parse_os(caption, version=version if isinstance(version, str) else None)
    except UnknownOperatingSystemError:
        return None


def guest_os_from_items(items: Mapping[str, str]) -> OperatingSystem | None:
    """The guest OS its intrinsic KVP items name (``OSName`` and ``OSVersion``), or None.

    A Linux guest's ``OSVersion`` is its kernel release; its ``OSMajorVersion`` is the
    distribution's ``VERSION_ID``, which ``hv_kvp_daemon`` reads from ``/etc/os-release``
    with ``NAME`` (both strings are in Debian's ``/usr/sbin/hv_kvp_daemon`` 6.1.192-3), so
    the release comes from there: Debian 13 packages other daemons than Debian 12.
    """
    found = parse_os_caption(items.get("OSName"), items.get("OSVersion"))
    release = items.get("OSMajorVersion", "").strip()
    if found is None or not found.is_linux or found.distribution_version or not release:
        return found
    return parse_os_caption(f"{items.get('OSName')} {release}", None) or found


def _host_section(text: str) -> dict[str, str | None]:
    value = load_json(text, section="host")
    if not isinstance(value, dict):
        msg = "the 'host' section should be one JSON object"
        raise ParseError(msg, source=text)
    result: dict[str, str | None] = {}
    for key in ("ComputerName", "Caption", "Version"):
        item = value.get(key)
        if item is not None and not isinstance(item, str):
            raise ParseError(f"{key} in the 'host' section should be a string", source=text)
        result[key] = item
    return result


def _kvp_section(text: str) -> dict[str, dict[str, str]]:
    """Intrinsic items by upper-case VM id."""
    if not text.strip():
        return {}
    value: Any = load_json(text, section="kvp")
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        msg = "the 'kvp' section should be a JSON array"
        raise ParseError(msg, source=text)
    found: dict[str, dict[str, str]] = {}
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or not isinstance(entry.get("VMId"), str):
            raise ParseError(f"item {index} of the 'kvp' section has no VMId string", source=text)
        items = entry.get("Items")
        if items is None or items == "":
            items = {}
        # JSON object keys are always strings, and json.loads builds exact types, so a
        # look at the values' types (in C) is the whole check.
        if not isinstance(items, dict) or not _TEXT.issuperset(map(type, items.values())):
            raise ParseError(
                f"item {index} of the 'kvp' section: Items should map names to strings",
                source=text,
            )
        found[entry["VMId"].strip("{}").upper()] = items
    return found


def parse_components(text: str) -> tuple[IntegrationComponentRecord, ...]:
    """The components of a ``before``/``after``/``components`` section."""
    return parse_vm_integration_services(text)


def parse_inventory(text: str, *, name: str | None = None) -> Host:
    """Read the output of the inventory script into a :class:`~vmic.Host`.

    Args:
        text: What the script printed.
        name: The host's name to report; default: the name the host gave itself.

    Raises:
        ParseError: The output is incomplete or a section is malformed.
    """
    sections = split_sections(text, required=INVENTORY_SECTIONS, what="the host inventory")
    return inventory_from_sections(sections, name=name)


def inventory_from_sections(sections: Mapping[str, str], *, name: str | None) -> Host:
    """:func:`parse_inventory` for output already split into sections.

    Raises:
        ParseError: A section is missing or malformed.
    """
    if not sections.keys() >= _SECTION_SET:
        missing = next(section for section in INVENTORY_SECTIONS if section not in sections)
        raise ParseError(f"the host inventory printed no {missing!r} section")
    host = _host_section(sections["host"])
    vms = parse_get_vm(sections["vms"])
    components = parse_vm_integration_services(sections["components"])
    kvp = _kvp_section(sections["kvp"])

    by_id: dict[str, list[IntegrationComponentRecord]] = {}
    by_name: dict[str, list[IntegrationComponentRecord]] = {}
    for record in components:
        if record.vm_id is not None:
            by_id.setdefault(record.vm_id, []).append(record)
        else:
            by_name.setdefault(record.vm_name, []).append(record)
    machines = []
    for vm in vms:
        mine = by_id.get(vm.id, []) if vm.id is not None else by_name.get(vm.name, [])
        items = kvp.get(vm.id, {}) if vm.id is not None else {}
        machines.append(VM._parsed(vm, tuple(mine), items, guest_os_from_items(items)))
    return Host._parsed(
        name or host["ComputerName"] or "",
        parse_os_caption(host["Caption"], host["Version"]),
        tuple(machines),
    )
