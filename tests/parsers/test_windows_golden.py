"""The Windows parsers on the golden samples of tests/data (see each folder's README)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs
import pytest
from packaging.version import Version

from vmic import (
    GuestOnlyService,
    IntegrationService,
    OperationalStatus,
    ParseError,
    RegistryValueNotFoundError,
    StartType,
    WindowsServiceStatus,
)
from vmic.model._patterns import HEX_GUID
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    VirtualMachineRecord,
    VMState,
)
from vmic.parsers._component_id import (
    _ID_RE,
    ANY_CASE_GUID,
    match_component_id,
    parse_component_id,
)
from vmic.parsers._integration_services import parse_vm_integration_services
from vmic.parsers._registry import parse_integration_services_version, parse_reg_query
from vmic.parsers._services import parse_get_service
from vmic.parsers._vms import parse_get_vm

DATA = Path(__file__).parents[1] / "data"
OK = OperationalStatus.OK
SPEC_VM = "7CCA7664-91D0-40A9-9769-7809F256F603"
VM_FF = "FF5AE193-85CE-502B-BA8F-E64FBDB18B9F"
GSI, HB, KVP, SD, TS, VSS = (
    IntegrationService.GUEST_SERVICE_INTERFACE,
    IntegrationService.HEARTBEAT,
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.SHUTDOWN,
    IntegrationService.TIME_SYNCHRONIZATION,
    IntegrationService.VSS,
)


def sample(folder: str, name: str) -> bytes:
    return (DATA / folder / name).read_bytes()


def text(folder: str, name: str) -> str:
    return sample(folder, name).decode("utf-8")


def without_ids(
    records: tuple[IntegrationComponentRecord, ...],
) -> list[IntegrationComponentRecord]:
    """What a table shows of JSON records: no ``VMId`` and no ``Id``."""
    return [attrs.evolve(r, vm_id=None, component_id=None) for r in records]


def test_every_sample_folder_says_where_its_files_come_from() -> None:
    for folder in ("reg_query", "vm_integration_services", "get_service", "get_vm"):
        notes = (DATA / folder / "README.md").read_text(encoding="utf-8")
        for path in (DATA / folder).iterdir():
            if path.name != "README.md":
                assert f"`{path.name}`" in notes, f"{folder}/README.md says nothing of {path.name}"


# --- Get-VMIntegrationService -------------------------------------------------------------------


def spec_records() -> list[IntegrationComponentRecord]:
    rows = [
        ("Guest Service Interface", False, None),
        ("Heartbeat", True, OK),
        ("Key-Value Pair Exchange", True, None),
        ("Shutdown", True, None),
        ("Time Synchronization", True, None),
        ("VSS", True, None),
    ]
    return [
        IntegrationComponentRecord(
            vm_name="DemoVM",
            name=name,
            enabled=enabled,
            primary_status=OK,
            primary_status_description="OK",
            secondary_status=secondary,
            secondary_status_description="OK" if secondary else "",
        )
        for name, enabled, secondary in rows
    ]


def test_specification_table() -> None:
    records = parse_vm_integration_services(text("vm_integration_services", "spec_2020_it.txt"))
    assert list(records) == spec_records()
    assert [r.service for r in records] == [GSI, HB, KVP, SD, TS, VSS]


def test_specification_table_equals_its_json_form() -> None:
    table = parse_vm_integration_services(text("vm_integration_services", "spec_2020_it.txt"))
    data = parse_vm_integration_services(text("vm_integration_services", "spec_2020_it.json"))
    assert without_ids(data) == list(table)
    # The JSON form carries what the table cannot: the VM id and the component ids.
    assert {r.vm_id for r in data} == {SPEC_VM}
    assert [r.component_id for r in data] == [
        ComponentId(SPEC_VM, s.guid) for s in table_services()
    ]


def table_services() -> list[IntegrationService]:
    return [GSI, HB, KVP, SD, TS, VSS]


def test_crlf_bom_table_as_bytes_reads_like_the_specification() -> None:
    records = parse_vm_integration_services(sample("vm_integration_services", "en_us_crlf_bom.txt"))
    assert list(records) == spec_records()


def test_german_host_table_and_json() -> None:
    table = parse_vm_integration_services(text("vm_integration_services", "de_de_host.txt"))
    data = parse_vm_integration_services(sample("vm_integration_services", "de_de_host_ps51.json"))
    assert without_ids(data) == list(table)
    assert [r.name for r in table] == [
        "Gastdienstschnittstelle",
        "Takt",
        "Austausch von Schlüsselwertepaaren",
        "Herunterfahren",
        "Zeitsynchronisierung",
        "VSS",
    ]
    assert [r.service for r in table] == table_services()
    assert [r.primary_status for r in table] == [
        OK,
        OK,
        OperationalStatus.NO_CONTACT,
        OK,
        OK,
        OperationalStatus.NO_CONTACT,
    ]
    assert table[1].secondary_status is OperationalStatus.PROTOCOL_MISMATCH
    assert table[1].secondary_status_description.startswith("Die Protokollversion")


def test_french_host_names_the_service_in_french() -> None:
    (row,) = parse_vm_integration_services(text("vm_integration_services", "fr_fr_host.txt"))
    (item,) = parse_vm_integration_services(text("vm_integration_services", "fr_fr_host_ps51.json"))
    assert row.name == item.name == "Interface de services d'invite"
    assert row.service is item.service is GSI
    assert attrs.evolve(item, vm_id=None, component_id=None) == row


def test_server_2008_r2_guest_reads_the_cut_protocol_mismatch() -> None:
    table = parse_vm_integration_services(text("vm_integration_services", "server2008r2_guest.txt"))
    data = parse_vm_integration_services(
        text("vm_integration_services", "server2008r2_guest_ps51.json")
    )
    assert [r.secondary_status for r in table] == [None] + [OperationalStatus.PROTOCOL_MISMATCH] * 5
    assert table[1].secondary_status_description == (
        "The protocol version of the component installed in..."
    )
    assert data[1].secondary_status_description.startswith(
        "The protocol version of the component installed in the virtual machine"
    )
    # Statuses agree between the forms even where the table cut the text.
    assert [(r.service, r.primary_status, r.secondary_status) for r in table] == [
        (r.service, r.primary_status, r.secondary_status) for r in data
    ]


def test_powershell_7_enums_as_strings() -> None:
    records = parse_vm_integration_services(
        text("vm_integration_services", "ps7_enums_as_strings.json")
    )
    heartbeat, vss = records[1], records[5]
    assert heartbeat.primary_status is OperationalStatus.LOST_COMMUNICATION
    assert heartbeat.primary_status_description == "Lost Communication"
    assert (vss.enabled, vss.primary_status, vss.primary_status_description) == (False, None, "")
    assert {r.vm_id for r in records} == {"5B0C9D8E-7F6A-4E3D-8C2B-1A0F9E8D7C6B"}


def test_windows_powershell_value_count_wrapper() -> None:
    records = parse_vm_integration_services(
        text("vm_integration_services", "ps51_value_count_wrapper.json")
    )
    assert [attrs.evolve(r, component_id=None) for r in records] == spec_records()[:2]
    assert [r.component_id for r in records] == [
        ComponentId(SPEC_VM, GSI.guid),
        ComponentId(SPEC_VM, HB.guid),
    ]


def test_several_vms_in_one_table() -> None:
    records = parse_vm_integration_services(text("vm_integration_services", "multiple_vms.txt"))
    assert [(r.vm_name, r.service, r.enabled, r.primary_status) for r in records] == [
        ("DemoVM", HB, True, OK),
        ("SQL01-PROD", HB, True, OperationalStatus.NO_CONTACT),
        ("SQL01-PROD", SD, False, OK),
    ]


def test_wide_characters_line_up_by_terminal_cells() -> None:
    (record,) = parse_vm_integration_services(
        text("vm_integration_services", "zh_cn_host_wide_chars.txt")
    )
    assert (record.vm_name, record.name, record.service) == ("测试机", "键值对交换", KVP)
    assert (record.enabled, record.primary_status) == (True, OK)


def test_empty_output_is_no_components() -> None:
    assert parse_vm_integration_services("") == ()
    assert parse_vm_integration_services("\r\n\r\n") == ()
    assert parse_vm_integration_services(b"\xef\xbb\xbf") == ()


def test_unknown_component_and_unknown_status_are_kept() -> None:
    text_ = (
        '{"VMName": "a", "Name": "Contoso Backup Agent", "Enabled": true,'
        ' "Id": "Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603'
        '\\\\00000000-0000-0000-0000-000000000001",'
        ' "OperationalStatus": [15], "StatusDescription": ["Paused"]}'
    )
    (record,) = parse_vm_integration_services(text_)
    assert record.service is None
    assert record.component_id == ComponentId(SPEC_VM, "00000000-0000-0000-0000-000000000001")
    assert (record.primary_status, record.primary_status_description) == (None, "Paused")


def test_table_with_chosen_columns_reads_ids_and_statuses() -> None:
    text_ = (
        "Name      Enabled PrimaryOperationalStatus SecondaryOperationalStatus Id\n"
        "----      ------- ------------------------ -------------------------- --\n"
        "Heartbeat True    Ok                       ProtocolMismatch           "
        f"Microsoft:{SPEC_VM}\\{HB.guid}\n"
    )
    (record,) = parse_vm_integration_services(text_)
    assert record.vm_name == ""
    assert record.primary_status is OK
    assert record.secondary_status is OperationalStatus.PROTOCOL_MISMATCH
    assert record.component_id == ComponentId(SPEC_VM, HB.guid)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "hello world",
            (
                "expected a Get-VMIntegrationService table (a header line underlined with dashes) "
                "or JSON (line 1, column 1)\n    hello world\n    ^"
            ),
        ),
        (
            "VMName Name\n------ ----\nDemoVM VSS\n",
            "the table has no Enabled column (line 1, column 1)\n    VMName Name\n    ^",
        ),
        (
            "\r\nName Enabled\r\n---- -------\r\nVSS  Yes\r\n",
            (
                "Enabled should be True or False, not 'Yes' (line 4, column 6)\n"
                "    VSS  Yes\n         ^"
            ),
        ),
        (
            '[{"VMName": "a", "Name": "VSS", "Enabled": "true"}]',
            (
                "Enabled should be true or false (line 1, column 44)\n"
                '    [{"VMName": "a", "Name": "VSS", "Enabled": "true"}]\n'
                "                                               ^"
            ),
        ),
        (
            '{"VMName": "a", "Name": "VSS", "Enabled": true, "Id": "VSS"}',
            (
                "Id should be 'Microsoft:<VMID>\\<GUID>' (line 1, column 55)\n"
                '    {"VMName": "a", "Name": "VSS", "Enabled": true, "Id": "VSS"}\n'
                "                                                          ^"
            ),
        ),
        (
            '{"Name": "VSS", "Enabled": true}',
            (
                "VMName should be a string (line 1, column 1)\n"
                '    {"Name": "VSS", "Enabled": true}\n    ^'
            ),
        ),
    ],
)
def test_component_errors_render_the_line_and_a_caret(given: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_vm_integration_services(given)
    assert str(caught.value) == expected


def test_an_id_of_another_vm_than_vm_id_is_an_error() -> None:
    given = (
        '{"VMName": "a", "Name": "VSS", "Enabled": true, '
        '"VMId": "11111111-1111-1111-1111-111111111111", '
        f'"Id": "Microsoft:{SPEC_VM}\\\\{VSS.guid}"}}'
    )
    with pytest.raises(ParseError, match="Id names another VM than VMId"):
        parse_vm_integration_services(given)


# --- Get-Service --------------------------------------------------------------------------------


def guest(
    name: str,
    display: str,
    status: WindowsServiceStatus = WindowsServiceStatus.RUNNING,
    **kw: object,
) -> GuestServiceRecord:
    return GuestServiceRecord(name=name, display_name=display, status=status, **kw)  # type: ignore[arg-type]  # the keywords are the record's own


def test_specification_get_service_table() -> None:
    records = parse_get_service(text("get_service", "spec_2020_it.txt"))
    assert list(records) == [
        guest("vmicguestinterface", "Hyper-V Guest Service Interface"),
        guest("vmicheartbeat", "Hyper-V Heartbeat Service"),
        guest("vmickvpexchange", "Hyper-V Data Exchange Service"),
        guest("vmicrdv", "Hyper-V Remote Desktop Virtualizati", display_name_truncated=True),
        guest("vmicshutdown", "Hyper-V Guest Shutdown Service"),
        guest("vmictimesync", "Hyper-V Time Synchronization Service"),
        guest("vmicvmsession", "Hyper-V VM Session Service", WindowsServiceStatus.STOPPED),
        guest("vmicvss", "Hyper-V Volume Shadow Copy Requestor"),
    ]
    assert [r.service for r in records] == [
        GSI,
        HB,
        KVP,
        GuestOnlyService.REMOTE_DESKTOP_VIRTUALIZATION,
        SD,
        TS,
        GuestOnlyService.POWERSHELL_DIRECT,
        VSS,
    ]


def test_newest_revision_autosize_table() -> None:
    records = parse_get_service(text("get_service", "newest_autosize.txt"))
    assert records[3] == guest("vmicrdv", "Hyper-V Remote Desktop Virtualization Service")
    assert records[6] == guest(
        "vmicvmsession", "Hyper-V PowerShell Direct Service", WindowsServiceStatus.STOPPED
    )
    assert not any(r.display_name_truncated for r in records)


def test_newest_and_2020_samples_agree_on_names_and_states() -> None:
    old = parse_get_service(text("get_service", "spec_2020_it.txt"))
    new = parse_get_service(text("get_service", "newest_autosize.txt"))
    assert [(r.name, r.status, r.service) for r in old] == [
        (r.name, r.status, r.service) for r in new
    ]
    assert new[3].display_name.startswith(old[3].display_name)


def test_powershell_7_view_cuts_with_one_character() -> None:
    records = parse_get_service(text("get_service", "ps7_default_view.txt"))
    assert records[3] == guest(
        "vmicrdv", "Hyper-V Remote Desktop Virtualization", display_name_truncated=True
    )
    assert records[7].status is WindowsServiceStatus.START_PENDING


def test_server_2008_r2_guest_services() -> None:
    records = parse_get_service(sample("get_service", "server2008r2_guest_crlf_bom.txt"))
    assert [r.service for r in records] == [HB, KVP, SD, TS, VSS]


def test_start_type_column_and_a_foreign_service() -> None:
    records = parse_get_service(text("get_service", "with_start_type.txt"))
    assert [(r.name, r.start_type, r.service) for r in records] == [
        ("vmicheartbeat", StartType.AUTOMATIC, HB),
        ("vmicvmsession", StartType.MANUAL, GuestOnlyService.POWERSHELL_DIRECT),
        ("vmictimesync", StartType.DISABLED, TS),
        ("VMTools", StartType.AUTOMATIC, None),
    ]


def test_get_service_json_forms() -> None:
    whole = parse_get_service(text("get_service", "ps51_whole_objects.json"))
    assert list(whole) == [
        guest("vmicheartbeat", "Hyper-V Heartbeat Service", start_type=StartType.MANUAL),
        guest(
            "vmicvmsession",
            "Hyper-V VM Session Service",
            WindowsServiceStatus.STOPPED,
            start_type=StartType.MANUAL,
        ),
    ]
    (one,) = parse_get_service(text("get_service", "ps7_enums_as_strings.json"))
    assert one == guest(
        "vmickvpexchange", "Hyper-V Data Exchange Service", start_type=StartType.MANUAL
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "Status  Name\n------  ----\nRuning  vmicvss\n",
            "'Runing' is not a Status value (line 3, column 1)\n    Runing  vmicvss\n    ^",
        ),
        (
            # "Pa..." could be Paused or PausePending: ambiguous, so an error.
            "Status   Name\n------   ----\nPa...    vmicvss\n",
            "'Pa...' is not a Status value (line 3, column 1)\n    Pa...    vmicvss\n    ^",
        ),
        (
            "Name    DisplayName\n----    -----------\nvmicvss VSS\n",
            "the table has no Status column (line 1, column 1)\n    Name    DisplayName\n    ^",
        ),
        (
            '{"Name": "vmicvss", "Status": 9}',
            (
                "Status 9 is not a Status value (line 1, column 31)\n"
                '    {"Name": "vmicvss", "Status": 9}\n'
                "                                  ^"
            ),
        ),
        (
            '[{"Name": "vmicvss"}]',
            'the object has no Status (line 1, column 2)\n    [{"Name": "vmicvss"}]\n     ^',
        ),
    ],
)
def test_get_service_errors_render_the_line_and_a_caret(given: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_get_service(given)
    assert str(caught.value) == expected


# --- Get-VM -------------------------------------------------------------------------------------


def vm(
    name: str,
    state: VMState,
    version: str | None = None,
    is_state: IntegrationServicesState = IntegrationServicesState.UNKNOWN,
    vm_id: str | None = None,
) -> VirtualMachineRecord:
    return VirtualMachineRecord(
        name=name,
        id=vm_id,
        state=state,
        status="Operating normally",
        integration_services_version=None if version is None else Version(version),
        integration_services_state=is_state,
    )


IS_VMS = [
    vm("DemoVM", VMState.RUNNING, "10.0.17763.1", IntegrationServicesState.UP_TO_DATE),
    vm("LEGACY01", VMState.RUNNING, "6.1.7601.17514", IntegrationServicesState.UPDATE_REQUIRED),
    vm("TEMPLATE", VMState.OFF, "0.0"),
]


def test_reference_page_select() -> None:
    assert list(parse_get_vm(text("get_vm", "reference_page_select.txt"))) == [
        vm("DemoVM", VMState.RUNNING)
    ]


def test_default_view_version_column_is_not_the_integration_services_version() -> None:
    records = parse_get_vm(text("get_vm", "default_view.txt"))
    assert list(records) == [vm("DemoVM", VMState.RUNNING), vm("LEGACY01", VMState.SAVED)]


def test_integration_services_columns_table_equals_json() -> None:
    table = parse_get_vm(text("get_vm", "integration_services_columns.txt"))
    data = parse_get_vm(text("get_vm", "ps51_select.json"))
    assert list(table) == IS_VMS
    assert [attrs.evolve(r, id=None) for r in data] == IS_VMS
    assert data[0].id == SPEC_VM


def test_get_vm_powershell_7_and_whole_object() -> None:
    seven = parse_get_vm(text("get_vm", "ps7_enums_as_strings.json"))
    assert seven[0] == vm(
        "DemoVM", VMState.RUNNING, "10.0.17763.1", IntegrationServicesState.UP_TO_DATE, SPEC_VM
    )
    assert seven[1] == vm(
        "build-agent", VMState.PAUSED, vm_id="C0FFEE00-1234-4ABC-9DEF-00112233AABB"
    )
    (whole,) = parse_get_vm(text("get_vm", "ps51_whole_object.json"))
    assert whole == seven[0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "Name   IntegrationServicesVersion\n----   --------------------------\nDemoVM 10.0.x\n",
            (
                "IntegrationServicesVersion '10.0.x' is not a version (line 3, column 8)\n"
                "    DemoVM 10.0.x\n           ^"
            ),
        ),
        (
            (
                '{"Name": "DemoVM", "State": 2, '
                '"IntegrationServicesVersion": {"Major": 10, "Build": 1}}'
            ),
            (
                "IntegrationServicesVersion should have Major and Minor, then optional Build and "
                "Revision (line 1, column 62)\n"
                '    {"Name": "DemoVM", "State": 2, '
                '"IntegrationServicesVersion": {"Major": 10, "Build": 1}}\n'
                "                                                                 ^"
            ),
        ),
        (
            '{"Name": "DemoVM", "Id": 42, "State": 2}',
            (
                "Id should be a GUID (line 1, column 26)\n"
                '    {"Name": "DemoVM", "Id": 42, "State": 2}\n'
                "                             ^"
            ),
        ),
        (
            "State   Status\n-----   ------\nRunning Operating normally\n",
            "the table has no Name column (line 1, column 1)\n    State   Status\n    ^",
        ),
        (
            # Format-Table -Wrap: the rest of the Status cell is no VM named "".
            (
                "Name   State   Status\n----   -----   ------\nDemoVM Running Operating\n"
                "               normally\n"
            ),
            (
                "a row with no State: the rest of a wrapped line, not a VM (line 4, column 16)\n"
                "                   normally\n                   ^"
            ),
        ),
        (
            # A terminal folded a long row: its tail starts a line of its own.
            (
                "Name   State   IntegrationServicesState\n----   -----   ------------------------\n"
                "DemoVM Running Up to\ndate\n"
            ),
            (
                "a row with no State: the rest of a wrapped line, not a VM (line 4, column 1)\n"
                "    date\n    ^"
            ),
        ),
    ],
)
def test_get_vm_errors_render_the_line_and_a_caret(given: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_get_vm(given)
    assert str(caught.value) == expected


def test_unknown_states_are_kept_as_unknown() -> None:
    given = '[{"Name": "a", "State": 99}, {"Name": "b", "State": "Hibernating"}, {"Name": "c"}]'
    assert [r.state for r in parse_get_vm(given)] == [VMState.UNKNOWN] * 3


# --- REG QUERY ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("spec_command.txt", "6.3.9600.19456"),
        ("server2008r2_guest.txt", "6.1.7601.17514"),
        ("auto_key_all_values.txt", "10.0.17763.1"),
        ("abbreviated_hive_tabs_bom.txt", "10.0.20348.1"),
    ],
)
def test_integration_services_version(name: str, version: str) -> None:
    assert parse_integration_services_version(sample("reg_query", name)) == Version(version)


def test_reg_query_values() -> None:
    values = parse_reg_query(text("reg_query", "auto_key_all_values.txt"))
    assert len(values) == 17
    assert {v.key for v in values} == {
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto"
    }
    by_name = {v.name: v for v in values}
    assert by_name["OSName"].data == "Windows Server 2019 Datacenter"
    assert by_name["CSDVersion"].data == ""
    assert all(v.type == "REG_SZ" for v in values)
    (tabbed,) = parse_reg_query(sample("reg_query", "abbreviated_hive_tabs_bom.txt"))
    assert tabbed.key == "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto"


def test_reg_query_skips_the_echoed_command_and_prompts() -> None:
    values = parse_reg_query(text("reg_query", "guest_parameters.txt"))
    assert [v.name for v in values] == [
        "HostName",
        "PhysicalHostName",
        "PhysicalHostNameFullyQualified",
        "VirtualMachineName",
        "HostSystemOSMajor",
        "HostSystemOSMinor",
    ]


def test_value_not_found_raises_the_specific_error() -> None:
    with pytest.raises(RegistryValueNotFoundError) as caught:
        parse_integration_services_version(text("reg_query", "value_not_found.txt"))
    assert str(caught.value) == (
        "reg.exe reported 'ERROR: The system was unable to find the specified registry key or "
        "value.' (line 1, column 1)\n"
        "    ERROR: The system was unable to find the specified registry key or value.\n"
        "    ^"
    )
    with pytest.raises(RegistryValueNotFoundError):
        parse_reg_query(sample("reg_query", "value_not_found.txt"))


def test_output_without_the_value_is_value_not_found() -> None:
    with pytest.raises(RegistryValueNotFoundError, match="lists no IntegrationServicesVersion"):
        parse_integration_services_version(text("reg_query", "guest_parameters.txt"))
    with pytest.raises(RegistryValueNotFoundError):
        parse_integration_services_version("")


def test_a_hive_must_be_the_whole_first_part_of_a_key() -> None:
    # "HKLM " (with a space) is no hive: the line is no key line, and no value line either.
    with pytest.raises(ParseError, match="expected a registry key"):
        parse_reg_query("HKLM \\Software\n    x    REG_SZ    1\n")
    with pytest.raises(ParseError, match="expected a registry key"):
        parse_reg_query(" HKLM\\Software\n")


def test_the_value_under_auto_wins() -> None:
    given = (
        "HKEY_LOCAL_MACHINE\\Software\\Other\n    IntegrationServicesVersion    REG_SZ    1.0\n\n"
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto\n"
        "    integrationservicesversion    REG_SZ    6.3.9600.19456\n"
    )
    assert parse_integration_services_version(given) == Version("6.3.9600.19456")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "HKLM\\X\n    IntegrationServicesVersion    REG_DWORD    0x3\n",
            (
                "IntegrationServicesVersion should be REG_SZ, not REG_DWORD (line 2, column 35)\n"
                "        IntegrationServicesVersion    REG_DWORD    0x3\n"
                "                                      ^"
            ),
        ),
        (
            "HKLM\\X\n    IntegrationServicesVersion    REG_SZ    Unknown version\n",
            (
                "IntegrationServicesVersion 'Unknown version' is not a version like 6.3.9600.19456 "
                "(line 2, column 45)\n"
                "        IntegrationServicesVersion    REG_SZ    Unknown version\n"
                "                                                ^"
            ),
        ),
        (
            "HKLM\\X\n    this line has no type\n",
            (
                "expected a registry key, a '<name>  <REG_TYPE>  <data>' value line, or a reg.exe "
                "message (line 2, column 5)\n        this line has no type\n        ^"
            ),
        ),
        (
            "    IntegrationServicesVersion    REG_SZ    1.0\n",
            (
                "a value line before any key line (line 1, column 1)\n"
                "        IntegrationServicesVersion    REG_SZ    1.0\n    ^"
            ),
        ),
        (
            'ERROR: Invalid syntax.\r\nType "REG QUERY /?" for usage.\r\n',
            (
                "reg.exe reported 'ERROR: Invalid syntax.' (line 1, column 1)\n"
                "    ERROR: Invalid syntax.\n    ^"
            ),
        ),
    ],
)
def test_reg_query_errors_render_the_line_and_a_caret(given: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_integration_services_version(given)
    assert str(caught.value) == expected
    assert not isinstance(caught.value, RegistryValueNotFoundError)


# --- component ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        f"Microsoft:{SPEC_VM}\\{HB.guid}",
        f"  microsoft:{SPEC_VM.lower()}\\{HB.guid.lower()}\r\n",
        f"Microsoft:{SPEC_VM}\\\\{HB.guid}",
        f"\ufeffMicrosoft:{SPEC_VM}\\{HB.guid}".encode(),
    ],
)
def test_parse_component_id(given: str | bytes) -> None:
    assert parse_component_id(given) == ComponentId(SPEC_VM, HB.guid)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "expected an id starting with 'Microsoft:' (line 1, column 1)\n    \n    ^"),
        (
            f"Micro:{SPEC_VM}",
            (
                "expected an id starting with 'Microsoft:' (line 1, column 1)\n"
                f"    Micro:{SPEC_VM}\n    ^"
            ),
        ),
        (
            "Microsoft:7CCA7664\\x",
            (
                "expected the VM id (a GUID) after 'Microsoft:' (line 1, column 11)\n"
                "    Microsoft:7CCA7664\\x\n              ^"
            ),
        ),
        (
            f"Microsoft:{SPEC_VM}\\84EAAE65",
            "expected the component GUID after '\\' (line 1, column 48)\n"
            f"    Microsoft:{SPEC_VM}\\84EAAE65\n" + " " * 51 + "^",
        ),
        (
            f"Microsoft:{SPEC_VM}\\{HB.guid} extra",
            "unexpected text after the component GUID (line 1, column 84)\n"
            f"    Microsoft:{SPEC_VM}\\{HB.guid} extra\n" + " " * 87 + "^",
        ),
    ],
)
def test_component_id_errors_render_the_line_and_a_caret(given: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_component_id(given)
    assert str(caught.value) == expected


# --- the remaining error and tolerance paths, one line each ------------------------------------

COMPONENT = '"VMName": "a", "Name": "VSS", "Enabled": true'


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "{" + COMPONENT + ', "PrimaryOperationalStatus": [2]}',
            "PrimaryOperationalStatus should be",
        ),
        (
            "{" + COMPONENT + ', "PrimaryStatusDescription": 2}',
            "PrimaryStatusDescription should be",
        ),
        ('{"VMName": "a", "Name": 3, "Enabled": true}', "Name should be a string"),
        ("{" + COMPONENT + ', "VMId": "not-a-guid"}', "VMId should be a GUID"),
        (
            "Name Enabled Id\n---- ------- --\nVSS  True    Microsoft:x\n",
            "Id should be 'Microsoft:<VMID>\\<GUID>'",
        ),
        ("Name Enabled VMId\n---- ------- ----\nVSS  True    x-y\n", "VMId should be a GUID"),
        (
            (
                "Name Enabled VMId                                 Id\n"
                "---- ------- ----                                 --\n"
                "VSS  True    11111111-1111-1111-1111-111111111111 "
                f"Microsoft:{SPEC_VM}\\{VSS.guid}\n"
            ),
            "Id names another VM than VMId",
        ),
        (
            (
                "Name Enabled PrimaryOperationalStatus\n---- ------- ------------------------\n"
                "VSS  True    Bogus\n"
            ),
            "'Bogus' is not an operational status",
        ),
    ],
)
def test_component_errors(given: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_vm_integration_services(given)
    assert caught.value.message == message or caught.value.message.startswith(message)
    assert caught.value.line >= 1


def test_the_parsers_guid_pattern_matches_what_hex_guid_matches() -> None:
    # ANY_CASE_GUID writes HEX_GUID's letters in both cases instead of folding case: the
    # same characters, every one of them, at a hex digit's place and at the hyphen's.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        for text in (char + SPEC_VM[1:], SPEC_VM[:8] + char + SPEC_VM[9:]):
            assert (HEX_GUID.fullmatch(text) is None) == (ANY_CASE_GUID.fullmatch(text) is None)


def _checked_component_id(text: str) -> ComponentId | None:
    """match_component_id's answer from the any-case pattern alone (its checked path)."""
    match = _ID_RE.fullmatch(text)
    return None if match is None else ComponentId(*match.groups())


def _touches_ascii(char: str) -> bool:
    forms = (char, char.lower(), char.upper(), char.casefold())
    return any(letter.isascii() for form in forms for letter in form)


def test_the_exact_case_id_pattern_answers_as_the_any_case_one() -> None:
    # match_component_id tries Hyper-V's own spelling first: a character at each kind of
    # place of such an id (a prefix letter, the colon, a hex digit, a hyphen, the
    # separator) gets the answer the any-case pattern gives.
    # separator). The characters tried: those whose case or folding touches ASCII (the
    # only ones either pattern can take), and a few others.
    given = f"Microsoft:{SPEC_VM}\\{VSS.guid}"
    places = (0, 1, 9, 10, 18, 46, 47, 48, 56, len(given) - 1)
    chars = [chr(code) for code in range(sys.maxunicode + 1) if _touches_ascii(chr(code))]
    for char in [*chars, "\u00e9", "\u0660", "\uff21"]:
        for place in places:
            text = given[:place] + char + given[place + 1 :]
            assert match_component_id(text) == _checked_component_id(text), text


@pytest.mark.parametrize(
    "text",
    [
        f"Microsoft:{SPEC_VM}\\{VSS.guid}",
        f"Microsoft:{SPEC_VM}\\\\{VSS.guid}",
        f"microsoft:{SPEC_VM.lower()}\\{VSS.guid.lower()}",
        f"MICROSOFT:{SPEC_VM}\\{VSS.guid.title()}",
        f"Microsoft:{SPEC_VM}\\\\\\{VSS.guid}",
        f"Microsoft:{SPEC_VM}{VSS.guid}",
        f" Microsoft:{SPEC_VM}\\{VSS.guid}",
        f"Microsoft:{SPEC_VM}\\{VSS.guid}\n",
    ],
)
def test_a_component_id_in_any_spelling_matches_as_the_any_case_pattern_says(text: str) -> None:
    found = match_component_id(text)
    assert found == _checked_component_id(text)
    if found is not None:
        assert (found.vm_id, found.guid) == (SPEC_VM, VSS.guid)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # null is "" whatever the arrays say; an absent description is read from them.
        ('"SecondaryStatusDescription": null, "StatusDescription": ["OK", "Lost"]', ""),
        ('"StatusDescription": ["OK", "Lost"]', "Lost"),
        ('"StatusDescription": ["OK"]', ""),
        ('"SecondaryStatusDescription": null', ""),
        ('"SecondaryStatusDescription": "Lost", "StatusDescription": ["OK"]', "Lost"),
    ],
)
def test_a_components_null_or_absent_description(members: str, expected: str) -> None:
    given = "{" + COMPONENT + ", " + members + "}"
    (record,) = parse_vm_integration_services(given)
    assert record.secondary_status_description == expected
    swapped = members.replace("SecondaryStatusDescription", "PrimaryStatusDescription")
    swapped = swapped.replace('["OK", "Lost"]', '["Lost", "OK"]').replace('["OK"]', "[]")
    (record,) = parse_vm_integration_services("{" + COMPONENT + ", " + swapped + "}")
    assert record.primary_status_description == expected


@pytest.mark.parametrize("description", ["7", "true", '["OK"]', "{}"])
def test_a_components_description_that_is_no_string_is_refused(description: str) -> None:
    given = "{" + COMPONENT + f', "SecondaryStatusDescription": {description}}}'
    with pytest.raises(ParseError) as caught:
        parse_vm_integration_services(given)
    assert caught.value.message == "SecondaryStatusDescription should be a string"


COMPONENT_WITH_ID = COMPONENT + f', "Id": "Microsoft:{VM_FF}\\\\{VSS.guid}"'


@pytest.mark.parametrize(
    ("vm_id", "message"),
    [
        # Upper-cased, this text is the Id's VM id, but it is no GUID (U+FB00 is "ff").
        (VM_FF.lower().replace("ff", "\ufb00", 1), "VMId should be a GUID"),
        ("FF5AE193-85CE-502B-BA8F-E64FBDB18B9E", "Id names another VM than VMId"),
        ("ff5ae193-85ce-502b-ba8f-e64fbdb18b9", "VMId should be a GUID"),
        (7, "VMId should be a GUID"),
    ],
)
def test_a_components_vm_id_must_be_the_guid_its_id_holds(vm_id: object, message: str) -> None:
    given = "{" + COMPONENT_WITH_ID + f', "VMId": {json.dumps(vm_id)}}}'
    with pytest.raises(ParseError) as caught:
        parse_vm_integration_services(given)
    assert caught.value.message == message


@pytest.mark.parametrize("vm_id", [VM_FF, VM_FF.lower(), VM_FF.title()])
def test_a_components_vm_id_in_any_case_is_kept_upper_case(vm_id: str) -> None:
    given = "{" + COMPONENT_WITH_ID + f', "VMId": "{vm_id}"}}'
    (record,) = parse_vm_integration_services(given)
    assert record.vm_id == VM_FF
    assert record.component_id == ComponentId(VM_FF, VSS.guid)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("2", OperationalStatus.OK),
        ('"Ok"', OperationalStatus.OK),
        ("15", None),  # WMI's Paused: not a status the module defines
        ("null", None),
        ("2.0", "PrimaryOperationalStatus should be a number or a name, not a number"),
        ("true", "PrimaryOperationalStatus should be a number or a name, not a boolean"),
    ],
)
def test_a_components_status_code_name_or_wrong_value(
    status: str, expected: OperationalStatus | str | None
) -> None:
    given = "{" + COMPONENT + f', "PrimaryOperationalStatus": {status}}}'
    if isinstance(expected, str):
        with pytest.raises(ParseError) as caught:
            parse_vm_integration_services(given)
        assert caught.value.message == expected
        return
    (record,) = parse_vm_integration_services(given)
    assert record.primary_status is expected


def test_a_cut_operational_status_in_a_table_is_unknown_not_an_error() -> None:
    given = (
        "Name Enabled PrimaryOperationalStatus SecondaryOperationalStatus\n"
        "---- ------- ------------------------ --------------------------\n"
        "VSS  True                             ProtocolMis...\n"
    )
    (record,) = parse_vm_integration_services(given)
    assert (record.primary_status, record.secondary_status) == (None, None)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ('{"Name": "x", "State": true}', "State should be a number or a name"),
        ('{"Name": "x", "State": 2, "Status": 1}', "Status should be a string"),
        ('{"Name": "x", "State": 2, "IntegrationServicesState": 1}', "IntegrationServicesState"),
        ('{"Name": "x", "State": 2, "IntegrationServicesVersion": "1"}', "IntegrationServices"),
        (
            '{"Name": "x", "State": 2, "IntegrationServicesVersion": [1, 0]}',
            "IntegrationServicesVersion should be a version object",
        ),
        (
            '{"Name": "x", "State": 2, "IntegrationServicesVersion": "99999999999.0"}',
            "IntegrationServicesVersion '99999999999.0' is not a version",
        ),
        ("Name Id\n---- --\nx    y\n", "Id should be a GUID"),
        ('{"Name": "vmicvss", "DisplayName": 5, "Status": 4}', "DisplayName should be a string"),
    ],
)
def test_vm_and_service_json_errors(given: str, message: str) -> None:
    parse = parse_get_service if "vmicvss" in given else parse_get_vm
    with pytest.raises(ParseError) as caught:
        parse(given)
    assert caught.value.message.startswith(message)


def test_get_vm_reads_cut_and_textual_cells() -> None:
    given = (
        "Name State      IntegrationServicesVersion IntegrationServicesState\n"
        "---- -----      -------------------------- ------------------------\n"
        "a    RunningC...10.0.1776...               Update req...\n"
        "b    Off        6.3                        Up to d\u2026\n"
    )
    first, second = parse_get_vm(given)
    assert (first.state, first.integration_services_version) == (VMState.RUNNING_CRITICAL, None)
    assert first.integration_services_state is IntegrationServicesState.UPDATE_REQUIRED
    assert second.integration_services_state is IntegrationServicesState.UP_TO_DATE
    assert parse_get_vm('{"Name": "a", "State": "2"}')[0].state is VMState.RUNNING
    assert parse_get_vm('{"Name": "a", "State": 2, "IntegrationServicesVersion": "6.3.9600"}')[
        0
    ].integration_services_version == Version("6.3.9600")
