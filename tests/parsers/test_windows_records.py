"""The Windows records (vmic.model._records) and the names hosts show per locale."""

from __future__ import annotations

import inspect

import attrs
import pytest
from hypothesis import given, strategies as st
from packaging.version import Version

from vmic import (
    ConfigurationError,
    GuestOnlyService,
    IntegrationService,
    InvalidRecordError,
    OperationalStatus,
    WindowsServiceStatus,
)
from vmic.model import _locales as locales
from vmic.model._records import (
    FILL_COMPONENT,
    FILL_COMPONENT_ID,
    SERVICE_BY_GUID,
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
    expand_hive,
)
from vmic.parsers._registry import parse_reg_query
from vmic.strategies import integration_component_records, virtual_machine_records

VM = "7CCA7664-91D0-40A9-9769-7809F256F603"
HEARTBEAT = "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"


# --- ComponentId ---------------------------------------------------------------------------


def test_component_id_upper_cases_and_renders_the_id() -> None:
    cid = ComponentId(VM.lower(), HEARTBEAT.lower())
    assert (cid.vm_id, cid.guid) == (VM, HEARTBEAT)
    assert str(cid) == f"Microsoft:{VM}\\{HEARTBEAT}"
    assert cid.service is IntegrationService.HEARTBEAT


@pytest.mark.parametrize("service", list(IntegrationService))
def test_component_id_names_every_catalog_service(service: IntegrationService) -> None:
    assert ComponentId(VM, service.guid).service is service


def test_component_id_of_an_unknown_component_has_no_service() -> None:
    assert ComponentId(VM, "00000000-0000-0000-0000-000000000001").service is None


@pytest.mark.parametrize("bad", ["", "not-a-guid", "{" + VM + "}", VM + "0"])
def test_component_id_rejects_a_malformed_guid(bad: str) -> None:
    with pytest.raises(ValueError, match="must match regex"):
        ComponentId(VM, bad)


def test_component_id_rejects_a_non_string() -> None:
    with pytest.raises(TypeError, match="expected a GUID string, got int"):
        ComponentId(VM, 7)  # type: ignore[arg-type]  # the point of the test


# --- IntegrationComponentRecord --------------------------------------------------------------


def test_component_record_service_defaults_from_the_id_then_the_name() -> None:
    by_id = IntegrationComponentRecord(
        vm_name="DemoVM", name="whatever", enabled=True, component_id=ComponentId(VM, HEARTBEAT)
    )
    assert by_id.service is IntegrationService.HEARTBEAT
    by_name = IntegrationComponentRecord(
        vm_name="DemoVM", name="Zeitsynchronisierung", enabled=True
    )
    assert by_name.service is IntegrationService.TIME_SYNCHRONIZATION
    unknown = IntegrationComponentRecord(vm_name="DemoVM", name="Contoso Agent", enabled=False)
    assert unknown.service is None
    assert (unknown.primary_status, unknown.primary_status_description) == (None, "")


def test_component_record_rejects_an_id_of_another_vm() -> None:
    with pytest.raises(InvalidRecordError, match="belongs to VM"):
        IntegrationComponentRecord(
            vm_name="DemoVM",
            vm_id="11111111-1111-1111-1111-111111111111",
            name="Heartbeat",
            enabled=True,
            component_id=ComponentId(VM, HEARTBEAT),
        )


def test_component_record_rejects_a_service_the_id_contradicts() -> None:
    with pytest.raises(InvalidRecordError, match=r"is IntegrationService\.HEARTBEAT$"):
        IntegrationComponentRecord(
            vm_name="DemoVM",
            name="Heartbeat",
            enabled=True,
            component_id=ComponentId(VM, HEARTBEAT),
            service=IntegrationService.VSS,
        )


def test_component_record_vm_id_is_upper_cased() -> None:
    record = IntegrationComponentRecord(
        vm_name="DemoVM", vm_id=VM.lower(), name="Heartbeat", enabled=True
    )
    assert record.vm_id == VM


def test_component_record_enabled_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="enabled"):
        IntegrationComponentRecord(vm_name="x", name="y", enabled="True")  # type: ignore[arg-type]  # the point of the test


@given(integration_component_records())
def test_parser_fast_path_builds_the_same_record_as_the_checked_constructor(
    record: IntegrationComponentRecord,
) -> None:
    fields = attrs.asdict(record, recurse=False)
    # Every field is set by the unchecked path (a field added to the class must be added there).
    assert set(fields) == {field.name for field in attrs.fields(IntegrationComponentRecord)}
    assert IntegrationComponentRecord._unchecked(**fields) == record
    assert IntegrationComponentRecord(**fields) == record
    order = inspect.signature(IntegrationComponentRecord._unchecked).parameters
    assert FILL_COMPONENT(*(fields[name] for name in order)) == record
    if record.component_id is not None:
        cid = record.component_id
        assert ComponentId._unchecked(cid.vm_id, cid.guid) == cid
        assert FILL_COMPONENT_ID(cid.vm_id, cid.guid) == cid
        assert SERVICE_BY_GUID.get(cid.guid) is cid.service


@given(virtual_machine_records())
def test_the_vm_record_fast_path_builds_the_same_record_as_the_checked_constructor(
    record: VirtualMachineRecord,
) -> None:
    fields = attrs.asdict(record, recurse=False)
    # Every field is set by the unchecked path (a field added to the class must be added there).
    assert list(fields) == [field.name for field in attrs.fields(VirtualMachineRecord)]
    assert VirtualMachineRecord._unchecked(*fields.values()) == record


# --- GuestServiceRecord -----------------------------------------------------------------------


def test_guest_service_record_maps_its_name_to_the_catalog() -> None:
    def record(name: str) -> GuestServiceRecord:
        return GuestServiceRecord(name=name, display_name="", status=WindowsServiceStatus.RUNNING)

    assert record("vmicheartbeat").service is IntegrationService.HEARTBEAT
    assert record("VMICVMSESSION").service is GuestOnlyService.POWERSHELL_DIRECT
    assert record("vmicrdv").service is GuestOnlyService.REMOTE_DESKTOP_VIRTUALIZATION
    assert record("VMTools").service is None


def test_guest_service_record_rejects_a_service_its_name_contradicts() -> None:
    with pytest.raises(InvalidRecordError, match=r"'vmicvss' is IntegrationService\.VSS"):
        GuestServiceRecord(
            name="vmicvss",
            display_name="",
            status=WindowsServiceStatus.RUNNING,
            service=IntegrationService.HEARTBEAT,
        )


# --- VirtualMachineRecord, VMState, IntegrationServicesState ---------------------------------


def test_vm_state_codes_follow_the_current_module() -> None:
    assert VMState.RUNNING.code == 2
    assert VMState.from_code(3) is VMState.OFF
    assert VMState.from_code(32783) is VMState.HIBERNATED
    assert VMState.from_code(32796) is VMState.FAST_SAVING_CRITICAL
    assert VMState.from_code(5) is VMState.UNKNOWN
    assert VMState.UNKNOWN.code is None


def test_vm_state_codes_and_names_are_unique() -> None:
    codes = [state.code for state in VMState if state.code is not None]
    assert len(codes) == len(set(codes)) == len(VMState) - 1
    assert all(VMState.from_code(state.code) is state for state in VMState if state.code)
    assert all(VMState.from_name(state.dotnet_name) is state for state in VMState)


def test_vm_state_from_name_ignores_case_and_knows_unknown() -> None:
    assert VMState.from_name("fastsaved") is VMState.FAST_SAVED
    assert VMState.from_name("fast_saved") is VMState.FAST_SAVED
    assert VMState.FAST_SAVED.dotnet_name == "FastSaved"
    assert VMState.from_name("Gespeichert") is VMState.UNKNOWN


def test_integration_services_state_texts() -> None:
    assert IntegrationServicesState.from_text("Up to date") is IntegrationServicesState.UP_TO_DATE
    assert (
        IntegrationServicesState.from_text(" update  REQUIRED ")
        is IntegrationServicesState.UPDATE_REQUIRED
    )
    assert IntegrationServicesState.from_text("") is IntegrationServicesState.UNKNOWN
    assert IntegrationServicesState.from_text(None) is IntegrationServicesState.UNKNOWN
    assert IntegrationServicesState.from_text("Aktuell") is IntegrationServicesState.UNKNOWN
    assert IntegrationServicesState.UNKNOWN.text == ""


@pytest.mark.parametrize("version", ["6.3", "6.3.9600", "6.3.9600.19456", "0.0"])
def test_vm_record_accepts_system_versions(version: str) -> None:
    record = VirtualMachineRecord(
        name="DemoVM", state=VMState.RUNNING, integration_services_version=Version(version)
    )
    assert record.integration_services_version == Version(version)


@pytest.mark.parametrize(
    "version", ["6", "1.2.3.4.5", "1.0rc1", "1!2.0", "1.0+local", "2147483648.0"]
)
def test_vm_record_rejects_what_system_version_cannot_hold(version: str) -> None:
    with pytest.raises(InvalidRecordError, match=r": not a System\.Version"):
        VirtualMachineRecord(
            name="DemoVM", state=VMState.RUNNING, integration_services_version=Version(version)
        )


# --- RegistryValue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_key", "expected"),
    [
        ("HKLM\\Software\\X", "HKEY_LOCAL_MACHINE\\Software\\X"),
        ("hkcu\\A B", "HKEY_CURRENT_USER\\A B"),
        ("HKU", "HKEY_USERS"),
        ("HKEY_LOCAL_MACHINE\\Software", "HKEY_LOCAL_MACHINE\\Software"),
        ("Software\\X", "Software\\X"),
    ],
)
def test_expand_hive(given_key: str, expected: str) -> None:
    assert expand_hive(given_key) == expected


def test_registry_value_expands_the_hive_and_checks_the_type() -> None:
    value = RegistryValue("hklm\\Software", "Name", "REG_SZ", "x")
    assert value.key == "HKEY_LOCAL_MACHINE\\Software"
    with pytest.raises(InvalidRecordError, match="does not start with a hive"):
        RegistryValue("Software\\X", "Name", "REG_SZ", "x")
    with pytest.raises(ValueError, match="'type' must be in"):
        RegistryValue("HKLM\\Software", "Name", "REG_STRING", "x")


@pytest.mark.parametrize("hive", ["HKLM", "hklm", "HKEY_LOCAL_MACHINE", "hkey_users", "HKCC"])
def test_reg_query_values_are_what_the_checked_constructor_builds(hive: str) -> None:
    text = f"\r\n{hive}\\Software\\X\r\n    A B    REG_DWORD    0x1\r\n    C    REG_SZ\r\n"
    values = parse_reg_query(text)
    assert [attrs.astuple(value) for value in values] == [
        (expand_hive(f"{hive}\\Software\\X"), "A B", "REG_DWORD", "0x1"),
        (expand_hive(f"{hive}\\Software\\X"), "C", "REG_SZ", ""),
    ]
    assert [RegistryValue(*attrs.astuple(value)) for value in values] == list(values)


# --- locales ----------------------------------------------------------------------------------


def test_locales_are_en_us_and_the_catalog_locales() -> None:
    assert locales.LOCALES[0] == "en-US"
    assert set(locales.LOCALES) == {"en-US", "de-DE", "fr-FR", "it-IT", "zh-CN"}


@pytest.mark.parametrize(
    ("service", "locale", "name"),
    [
        (IntegrationService.HEARTBEAT, "de-DE", "Takt"),
        (IntegrationService.HEARTBEAT, "en-US", "Heartbeat"),
        (IntegrationService.HEARTBEAT, "fr-FR", "Heartbeat"),
        (IntegrationService.GUEST_SERVICE_INTERFACE, "fr-FR", "Interface de services d'invite"),
        (IntegrationService.KEY_VALUE_PAIR_EXCHANGE, "de-DE", "Austausch von Schlüsselwertepaaren"),
        (IntegrationService.KEY_VALUE_PAIR_EXCHANGE, "zh-CN", "键值对交换"),
    ],
)
def test_integration_service_name(service: IntegrationService, locale: str, name: str) -> None:
    assert locales.integration_service_name(service, locale) == name


def test_names_come_from_the_catalog() -> None:
    for service in IntegrationService:
        for locale, name in service.info.localized_names.items():
            assert locales.integration_service_name(service, locale) == name
            assert locales.service_for_name(name) is service


def test_status_descriptions_fall_back_to_english() -> None:
    assert locales.status_description(OperationalStatus.NO_CONTACT, "de-DE") == "Kein Kontakt"
    assert locales.status_description(OperationalStatus.NO_CONTACT, "fr-FR") == "No Contact"
    assert (
        locales.status_description(OperationalStatus.LOST_COMMUNICATION, "de-DE")
        == "Lost Communication"
    )
    assert locales.status_description(OperationalStatus.PROTOCOL_MISMATCH, "de-DE").startswith(
        "Die Protokollversion"
    )


def test_every_status_has_an_english_description_that_reads_back() -> None:
    for locale in locales.LOCALES:
        for status in OperationalStatus:
            text = locales.status_description(status, locale)
            assert locales.status_for_description(text) is status


def test_status_for_description_reads_a_cut_description() -> None:
    read = locales.status_for_description
    assert read("The protocol version of the component installed in...") is (
        OperationalStatus.PROTOCOL_MISMATCH
    )
    assert read("Die Protokollversion der auf dem\u2026") is OperationalStatus.PROTOCOL_MISMATCH
    assert read("kein   KONTAKT") is OperationalStatus.NO_CONTACT
    # Too short to tell which description was cut: "Co..." starts two of them.
    assert read("Co...") is None
    assert read("...") is None
    assert read("Betriebsbereit") is None


def test_service_for_name_reads_a_cut_name() -> None:
    assert locales.service_for_name("Austausch von Schl...") is (
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE
    )
    assert locales.service_for_name("  time   synchronization ") is (
        IntegrationService.TIME_SYNCHRONIZATION
    )
    assert locales.service_for_name("Backup (volume shadow copy)") is None


def test_unknown_locale_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown locale 'ja-JP'; known: en-US, de-DE"):
        locales.status_description(OperationalStatus.OK, "ja-JP")


@given(st.text())
def test_lookups_never_raise(text: str) -> None:
    service = locales.service_for_name(text)
    status = locales.status_for_description(text)
    assert service is None or isinstance(service, IntegrationService)
    assert status is None or isinstance(status, OperationalStatus)
