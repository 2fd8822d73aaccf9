"""What the host's inventory and change scripts print, from the host's state.

``host-inventory`` (every VM), ``host-inventory-vm`` (the VMs named exactly ``$VMName``)
and ``host-set-services``, rendered by the project's own formatters in the host's display
language and PowerShell. Texts are rendered once per distinct state (see
:func:`rendered`), so a benchmark measures vmic, not the simulator formatting the same
JSON again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.model._services import IntegrationService
from vmic.parsers._integration_services import format_vm_integration_services
from vmic.parsers._json import dumps
from vmic.parsers._vms import format_get_vm
from vmic.testing import _render
from vmic.testing._shell import Reply, error_reply, sections

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.model._records import IntegrationComponentRecord
    from vmic.testing._hyperv import HyperVState
    from vmic.testing._vm import FakeVM

__all__ = ["INVENTORY", "inventory", "one_vm", "rendered", "set_services"]

_NEWLINE: Final = "\n"
#: Rendered texts a host keeps (see :func:`rendered`).
_RENDERED_LIMIT: Final = 256
#: The sections of the inventory, in order.
INVENTORY: Final = ("host", "vms", "components", "kvp")


def rendered(host: HyperVState, key: object, render: Callable[[], str]) -> str:
    """What *render* prints, rendered once per distinct *key* on this host.

    *key* holds every input the text is made from (frozen records, items), so an unchanged
    state is answered from the cache and any change renders afresh.
    """
    texts = host.rendered_texts
    text = texts.get(key)
    if text is None:
        if len(texts) >= _RENDERED_LIMIT:
            texts.clear()
        text = texts[key] = render()
    return text


def one_vm(host: HyperVState, name: str) -> FakeVM | Reply:
    """The one VM named exactly *name*, or the scripts' ``vm-count N`` error."""
    found = host.selected(name)
    if len(found) != 1:
        return error_reply(f"vm-count {len(found)}")
    return found[0]


def _components_json(host: HyperVState, vms: list[FakeVM]) -> str:
    records = tuple(record for vm in vms for record in _render.component_records(vm))
    return rendered(host, ("components", records), lambda: _format_components(host, records))


def _format_components(host: HyperVState, records: tuple[IntegrationComponentRecord, ...]) -> str:
    text = format_vm_integration_services(
        records, form="json", powershell=host.powershell, locale=host.locale, newline=_NEWLINE
    )
    return text or "[]"


def inventory_parts(host: HyperVState, name: str | None) -> list[tuple[str, str]]:
    """The inventory's sections of every VM (None) or of the VMs named exactly *name*."""
    vms = host.selected(name)
    caption, version = host.caption
    shell = host.powershell
    host_json = rendered(
        host,
        ("host", caption, version),
        lambda: dumps(
            {"ComputerName": host.name, "Caption": caption, "Version": version},
            powershell=shell,
            newline=_NEWLINE,
        ),
    )
    records = tuple(_render.vm_record(vm) for vm in vms)
    vm_json = rendered(
        host,
        ("vms", records),
        lambda: format_get_vm(records, form="json", powershell=shell, newline=_NEWLINE),
    )
    items = tuple((str(vm.id).upper(), tuple(_render.intrinsic_items(vm).items())) for vm in vms)
    kvp = rendered(
        host,
        ("kvp", items),
        lambda: dumps(
            [{"VMId": vm_id, "Items": dict(pairs)} for vm_id, pairs in items],
            powershell=shell,
            newline=_NEWLINE,
        ),
    )
    return [
        ("host", host_json),
        ("vms", vm_json or "[]"),
        ("components", _components_json(host, vms)),
        ("kvp", kvp),
    ]


def inventory(host: HyperVState, name: str | None) -> Reply:
    """``host-inventory`` (*name* None) or ``host-inventory-vm``."""
    return Reply(stdout=sections(*inventory_parts(host, name)))


def set_services(
    host: HyperVState,
    select: str,
    keys: tuple[str, ...],
    enable: tuple[str, ...],
    disable: tuple[str, ...],
) -> Reply:
    """``host-set-services``: each VM's components by GUID on, or off, where they are not already.

    *keys* are VM ids (*select* ``id``, compared as a GUID's text) or exact names; *enable*
    and *disable* hold each VM's GUIDs joined by commas. Every VM is found before anything
    changes, as the script does.
    """
    if not len(keys) == len(enable) == len(disable):
        return error_reply("arguments")
    everything = host.selected(None)
    chosen: list[FakeVM] = []
    for index, key in enumerate(keys):
        if select == "id":
            found = [vm for vm in everything if str(vm.id).casefold() == key.casefold()]
        else:
            found = [vm for vm in everything if vm.name == key]
        if len(found) != 1:
            return error_reply(f"vm-count {len(found)} {index}")
        chosen.append(found[0])
    # A VM listed twice takes its last entry's settings, as the script's table of entries does.
    entry = {id(vm): index for index, vm in enumerate(chosen)}
    unique = list({id(vm): vm for vm in chosen}.values())
    before = _components_json(host, unique)
    for vm in unique:
        index = entry[id(vm)]
        wanted_on = {guid.upper() for guid in enable[index].split(",") if guid}
        wanted_off = {guid.upper() for guid in disable[index].split(",") if guid}
        for service in IntegrationService:
            enabled = bool(vm.integration.state(service).host_enabled)
            if service.guid in wanted_on and not enabled:
                vm.host_set(service, True)  # noqa: FBT003 - the setting's new value
            elif service.guid in wanted_off and enabled:
                vm.host_set(service, False)  # noqa: FBT003 - the setting's new value
    after = _components_json(host, unique)
    return Reply(stdout=sections(("before", before), ("after", after)))
