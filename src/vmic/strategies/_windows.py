"""Strategies for the Windows records hosts and guests report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from packaging.version import Version

from vmic.model._locales import (
    LOCALES,
    integration_service_name,
    service_for_name,
    status_description,
    status_for_description,
)
from vmic.model._records import (
    REGISTRY_TYPES,
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.strategies._common import (
    _GUID_RE,
    _check_form,
    _check_locale,
    _Form,
    _guids,
    _json_texts,
    table_cell_texts,
)
from vmic.strategies._vocabularies import (
    integration_services,
    operational_statuses,
    start_types,
    windows_service_statuses,
)

if TYPE_CHECKING:
    from vmic.model._status import OperationalStatus

# --- Windows records ------------------------------------------------------------------------


def component_ids(
    *, vm_id: str | None = None, service: IntegrationService | None = None
) -> st.SearchStrategy[ComponentId]:
    """Component ids; ``str()`` and ``parse_component_id`` give them back.

    Args:
        vm_id: The VM's id (any case); default: any.
        service: The service whose component GUID to use; default: mostly a known
            service's, sometimes a GUID vmic does not know.
    """
    if vm_id is not None and _GUID_RE.fullmatch(vm_id) is None:
        raise InvalidArgument(f"vm_id={vm_id!r} is not a GUID")
    vm_ids = _guids() if vm_id is None else st.just(vm_id)
    if service is not None:
        guids: st.SearchStrategy[str] = st.just(service.guid)
    else:
        guids = st.sampled_from([s.guid for s in IntegrationService]) | _guids()
    return st.builds(ComponentId, vm_ids, guids)


def _names_none(text: str) -> bool:
    """Whether *text* is no service's name in any language (a component vmic does not know)."""
    return service_for_name(text) is None


def _names_of(service: IntegrationService) -> list[str]:
    return [service.english_name, *service.info.localized_names.values()]


def _table_status(draw: st.DrawFn, locale: str) -> tuple[OperationalStatus | None, str]:
    """A status and its description as a table carries them: read back from the text."""
    status = draw(st.none() | operational_statuses())
    if status is not None:
        return status, status_description(status, locale)
    free = table_cell_texts(max_size=30).filter(lambda s: status_for_description(s) is None)
    return None, draw(st.just("") | free)


def _json_status(draw: st.DrawFn, locale: str | None) -> tuple[OperationalStatus | None, str]:
    """A status and its description as JSON carries them: apart, so any description goes."""
    status = draw(st.none() | operational_statuses())
    if status is not None and locale is not None:
        return status, status_description(status, locale)
    if status is None:
        return None, draw(_json_texts())
    known = sorted({status_description(status, loc) for loc in LOCALES})
    return status, draw(st.sampled_from(known) | _json_texts())


@st.composite
def _table_component(draw: st.DrawFn, locale: str) -> IntegrationComponentRecord:
    service = draw(st.none() | integration_services())
    if service is not None:
        name = integration_service_name(service, locale)
    else:
        name = draw(table_cell_texts(max_size=20).filter(_names_none))
    primary, primary_text = _table_status(draw, locale)
    secondary, secondary_text = _table_status(draw, locale)
    return IntegrationComponentRecord(
        vm_name=draw(table_cell_texts(max_size=16)),
        name=name,
        enabled=draw(st.booleans()),
        primary_status=primary,
        primary_status_description=primary_text,
        secondary_status=secondary,
        secondary_status_description=secondary_text,
        service=service,
    )


@st.composite
def _json_component(draw: st.DrawFn, locale: str | None) -> IntegrationComponentRecord:
    vm_id = draw(st.none() | _guids())
    component_id = draw(st.none() | component_ids(vm_id=vm_id))
    if component_id is not None:
        service = component_id.service
    else:
        service = draw(st.none() | integration_services())
    if service is None:
        # Without an id the parser recognizes the service by its name: keep it unknown.
        anything = _json_texts()
        name = draw(anything if component_id is not None else anything.filter(_names_none))
    elif locale is not None:
        name = integration_service_name(service, locale)
    else:
        known = st.sampled_from(_names_of(service))
        # With an id, the name can be anything (a language vmic has no names for).
        name = draw(known | _json_texts() if component_id is not None else known)
    primary, primary_text = _json_status(draw, locale)
    secondary, secondary_text = _json_status(draw, locale)
    return IntegrationComponentRecord(
        vm_name=draw(_json_texts()),
        vm_id=vm_id,
        name=name,
        enabled=draw(st.booleans()),
        primary_status=primary,
        primary_status_description=primary_text,
        secondary_status=secondary,
        secondary_status_description=secondary_text,
        component_id=component_id,
        service=service,
    )


def integration_component_records(
    *, form: _Form = "json", locale: str | None = None
) -> st.SearchStrategy[IntegrationComponentRecord]:
    """``Get-VMIntegrationService`` rows that ``format_vm_integration_services`` renders exactly.

    They round-trip through ``format_vm_integration_services(records, form=form,
    locale=locale)`` and ``parse_vm_integration_services``.

    Args:
        form: ``"json"``: any text, ids (``ConvertTo-Json``). ``"table"``: one-line cells
            without outer spaces or a trailing ellipsis, no ids (the table shows none), and
            statuses that read back from their descriptions.
        locale: Names and descriptions as a host in this display language shows them. None:
            each record's text as recorded; a table's texts are then those of a host in a
            known language (any, per record), a JSON record's anything.
    """
    _check_form(form)
    _check_locale(locale)
    if form == "json":
        return _json_component(locale)
    if locale is not None:
        return _table_component(locale)
    return st.sampled_from(LOCALES).flatmap(_table_component)


_GUEST_SERVICE_NAMES: Final = tuple(
    sorted(
        {
            *(s.info.windows_service for s in (*IntegrationService, *GuestOnlyService)),
            "VMTools",
            "vmms",
        }
    )
)
_GUEST_DISPLAY_NAMES: Final = tuple(
    sorted(
        {
            name
            for s in (*IntegrationService, *GuestOnlyService)
            for name in s.info.windows_display_names
        }
    )
)


def guest_service_records(*, form: _Form = "json") -> st.SearchStrategy[GuestServiceRecord]:
    """``Get-Service`` records that ``format_get_service`` renders exactly.

    They round-trip through ``format_get_service(records, form=form, autosize=True)`` and
    ``parse_get_service``.

    Args:
        form: ``"json"``: any text, a start type, never cut. ``"table"``: one-line cells
            without outer spaces, no start type (the table shows none), display names
            possibly cut by the table.
    """
    _check_form(form)
    statuses = windows_service_statuses()
    if form == "json":
        return st.builds(
            GuestServiceRecord,
            name=st.sampled_from(_GUEST_SERVICE_NAMES) | _json_texts(),
            display_name=st.sampled_from(_GUEST_DISPLAY_NAMES) | _json_texts(),
            status=statuses,
            start_type=st.none() | start_types(),
        )
    return st.builds(
        GuestServiceRecord,
        name=st.sampled_from(_GUEST_SERVICE_NAMES) | table_cell_texts(),
        display_name=table_cell_texts(max_size=40),
        status=statuses,
        display_name_truncated=st.booleans(),
    )


def _system_versions() -> st.SearchStrategy[Version]:
    """Versions a ``System.Version`` holds: two to four parts below 2**31."""
    return st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=4).map(
        lambda parts: Version(".".join(map(str, parts)))
    )


def virtual_machine_records(*, form: _Form = "json") -> st.SearchStrategy[VirtualMachineRecord]:
    """``Get-VM`` records that ``format_get_vm`` renders exactly.

    They round-trip through ``format_get_vm(records, form=form)`` and ``parse_get_vm``.

    Args:
        form: ``"json"``: any text. ``"table"``: one-line cells without outer spaces.
    """
    _check_form(form)
    text = _json_texts() if form == "json" else table_cell_texts(max_size=20)
    return st.builds(
        VirtualMachineRecord,
        name=text,
        id=st.none() | _guids(),
        state=st.sampled_from(VMState),
        status=text,
        integration_services_version=st.none() | _system_versions(),
        integration_services_state=st.sampled_from(IntegrationServicesState),
    )


_HIVE_NAMES: Final = ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKLM", "HKCU")
_AUTO_KEY: Final = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto"


def _registry_words() -> st.SearchStrategy[str]:
    # reg.exe separates name, type and data by runs of spaces: no part may hold a type name.
    return table_cell_texts(min_size=1, max_size=20).filter(
        lambda s: not any(word in REGISTRY_TYPES for word in s.split())
    )


def registry_values() -> st.SearchStrategy[RegistryValue]:
    r"""Values ``REG QUERY`` prints so that they read back the same.

    They round-trip through ``format_reg_query`` and ``parse_reg_query``. Some are the
    ``IntegrationServicesVersion`` a Windows guest keeps under ``HKLM\...\Virtual Machine\Auto``.
    """

    @st.composite
    def build(draw: st.DrawFn) -> RegistryValue:
        path = draw(st.lists(_registry_words().filter(lambda s: "\\" not in s), max_size=4))
        key = "\\".join([draw(st.sampled_from(_HIVE_NAMES)), *path])
        data = draw(st.just("") | _registry_words())
        kind = draw(st.sampled_from(sorted(REGISTRY_TYPES)))
        return RegistryValue(key, draw(_registry_words()), kind, data)

    version = _system_versions().map(
        lambda v: RegistryValue(_AUTO_KEY, "IntegrationServicesVersion", "REG_SZ", str(v))
    )
    return build() | version
