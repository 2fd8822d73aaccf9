"""Hypothesis strategies for the Windows records, shaped for what each rendering can carry.

A table cannot carry leading or trailing spaces, line breaks or ids, and its statuses are
read back from their descriptions; JSON carries everything. Each strategy here draws
records that the named rendering represents exactly, so a round trip must give them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st
from packaging.version import Version

from vmic import IntegrationService, OperationalStatus, StartType, WindowsServiceStatus
from vmic.model.locales import (
    ELLIPSES,
    integration_service_name,
    service_for_name,
    status_description,
    status_for_description,
)
from vmic.model.records import (
    REGISTRY_TYPES,
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.parsers._table import cell_width

if TYPE_CHECKING:
    from collections.abc import Callable

# Printable text of one line: no control characters, line or paragraph separators,
# unpaired surrogates or private use; wide CJK and combining characters are welcome.
_LINE_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
    blacklist_characters="\ufeff",
)


def cell_texts(*, min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text a table cell shows unchanged: one line, no outer spaces, no trailing ellipsis."""
    return st.text(_LINE_CHARS, min_size=min_size, max_size=max_size).filter(
        lambda s: s == s.strip() and not s.endswith(ELLIPSES)
    )


def any_texts() -> st.SearchStrategy[str]:
    """Any text at all, as JSON carries it (line breaks, NULs, lone surrogates...)."""
    return st.text(max_size=24)


def guids() -> st.SearchStrategy[str]:
    """GUIDs in upper case, as records keep them."""
    return st.uuids().map(lambda u: str(u).upper())


def _unknown_names() -> st.SearchStrategy[str]:
    return cell_texts(max_size=20).filter(lambda s: service_for_name(s) is None)


def _free_descriptions() -> st.SearchStrategy[str]:
    return cell_texts(max_size=30).filter(lambda s: status_for_description(s) is None)


@st.composite
def table_components(draw: st.DrawFn, *, locale: str) -> IntegrationComponentRecord:
    """A component as the table of a host in ``locale`` shows it."""
    service = draw(st.none() | st.sampled_from(IntegrationService))
    name = (
        integration_service_name(service, locale) if service is not None else draw(_unknown_names())
    )
    statuses = []
    for _ in range(2):
        status = draw(st.none() | st.sampled_from(OperationalStatus))
        text = (
            status_description(status, locale)
            if status is not None
            else draw(st.just("") | _free_descriptions())
        )
        statuses.append((status, text))
    return IntegrationComponentRecord(
        vm_name=draw(cell_texts(max_size=16)),
        name=name,
        enabled=draw(st.booleans()),
        primary_status=statuses[0][0],
        primary_status_description=statuses[0][1],
        secondary_status=statuses[1][0],
        secondary_status_description=statuses[1][1],
        service=service,
    )


@st.composite
def json_components(draw: st.DrawFn, *, locale: str | None) -> IntegrationComponentRecord:
    """A component as ``ConvertTo-Json`` carries it; localized names when ``locale`` is given."""
    vm_id = draw(st.none() | guids())
    guid = draw(st.sampled_from([s.guid for s in IntegrationService]) | guids())
    component_id = None
    if draw(st.booleans()):
        component_id = ComponentId(vm_id if vm_id is not None else draw(guids()), guid)
    if component_id is not None:
        service = component_id.service
    else:
        service = draw(st.none() | st.sampled_from(IntegrationService))
    if locale is not None and service is not None:
        name = integration_service_name(service, locale)
    elif service is not None and component_id is None:
        name = draw(st.sampled_from(_names_of(service)))
    else:
        name = draw(any_texts().filter(lambda s: service_for_name(s) is None))
    primary = draw(st.none() | st.sampled_from(OperationalStatus))
    secondary = draw(st.none() | st.sampled_from(OperationalStatus))

    def text(status: OperationalStatus | None) -> str:
        if locale is not None and status is not None:
            return status_description(status, locale)
        return draw(any_texts())

    return IntegrationComponentRecord(
        vm_name=draw(any_texts()),
        vm_id=vm_id,
        name=name,
        enabled=draw(st.booleans()),
        primary_status=primary,
        primary_status_description=text(primary),
        secondary_status=secondary,
        secondary_status_description=text(secondary),
        component_id=component_id,
        service=service,
    )


def _names_of(service: IntegrationService) -> list[str]:
    return [service.english_name, *service.info.localized_names.values()]


_SERVICE_NAMES = sorted(
    {
        *(s.info.windows_service for s in IntegrationService),
        "vmicvmsession",
        "vmicrdv",
        "VMTools",
        "vmms",
    }
)


def json_guest_services() -> st.SearchStrategy[GuestServiceRecord]:
    """A Get-Service record as ``ConvertTo-Json`` carries it (never cut)."""
    return st.builds(
        GuestServiceRecord,
        name=st.sampled_from(_SERVICE_NAMES) | any_texts(),
        display_name=any_texts(),
        status=st.sampled_from(WindowsServiceStatus),
        start_type=st.none() | st.sampled_from(StartType),
    )


@st.composite
def table_guest_services(
    draw: st.DrawFn,
    *,
    name_width: int | None = None,
    display_width: int | None = None,
    ellipsis: str = "...",
) -> GuestServiceRecord:
    """A Get-Service record a table shows whole: cells within the given widths, if any."""

    def fits(width: int | None) -> Callable[[str], bool]:
        return lambda text: width is None or cell_width(text) <= width

    name = draw((st.sampled_from(_SERVICE_NAMES) | cell_texts()).filter(fits(name_width)))
    truncated = draw(st.booleans())
    room = display_width
    if room is not None and truncated:
        room -= cell_width(ellipsis)
    return GuestServiceRecord(
        name=name,
        display_name=draw(cell_texts(max_size=40).filter(fits(room))),
        status=draw(st.sampled_from(WindowsServiceStatus)),
        display_name_truncated=truncated,
    )


def system_versions() -> st.SearchStrategy[Version]:
    """Versions a ``System.Version`` holds: two to four parts below 2**31."""
    return st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=4).map(
        lambda parts: Version(".".join(map(str, parts)))
    )


@st.composite
def virtual_machines(draw: st.DrawFn, *, form: str) -> VirtualMachineRecord:
    """A Get-VM record the ``form`` ("json", "table") carries."""
    text = any_texts() if form == "json" else cell_texts(max_size=20)
    return VirtualMachineRecord(
        name=draw(text),
        id=draw(st.none() | guids()),
        state=draw(st.sampled_from(VMState)),
        status=draw(text),
        integration_services_version=draw(st.none() | system_versions()),
        integration_services_state=draw(st.sampled_from(IntegrationServicesState)),
    )


_HIVE_NAMES = ["HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKLM", "HKCU"]


def _registry_words() -> st.SearchStrategy[str]:
    return cell_texts(min_size=1, max_size=20).filter(
        lambda s: not any(word in REGISTRY_TYPES for word in s.split())
    )


@st.composite
def registry_values(draw: st.DrawFn) -> RegistryValue:
    """A value ``REG QUERY`` prints so that it reads back the same."""
    path = draw(st.lists(_registry_words().filter(lambda s: "\\" not in s), max_size=4))
    key = "\\".join([draw(st.sampled_from(_HIVE_NAMES)), *path])
    data = draw(st.just("") | _registry_words())
    return RegistryValue(
        key, draw(_registry_words()), draw(st.sampled_from(sorted(REGISTRY_TYPES))), data
    )


__all__ = [
    "any_texts",
    "cell_texts",
    "guids",
    "json_components",
    "json_guest_services",
    "registry_values",
    "system_versions",
    "table_components",
    "table_guest_services",
    "virtual_machines",
]
