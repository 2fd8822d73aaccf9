"""The formatters: PowerShell's own layout, checked against the golden samples byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from vmic import ConfigurationError, OperationalStatus, StartType, WindowsServiceStatus
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.parsers._integration_services import (
    format_vm_integration_services,
    parse_vm_integration_services,
)
from vmic.parsers._registry import format_reg_query, parse_reg_query
from vmic.parsers._services import format_get_service, parse_get_service
from vmic.parsers._vms import format_get_vm, parse_get_vm

DATA = Path(__file__).parents[1] / "data"
SPEC_VM = "7CCA7664-91D0-40A9-9769-7809F256F603"
HEARTBEAT = "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"


def text(folder: str, name: str) -> str:
    return (DATA / folder / name).read_bytes().decode("utf-8").removeprefix("\ufeff")


def dedented_crlf(sample: str) -> str:
    """A code-block sample as ``Out-String`` gives it: no indentation, CRLF, blank lines around."""
    lines = sample.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\r\n" + "\r\n".join(line[indent:] for line in lines) + "\r\n" * 3


# --- Get-Service --------------------------------------------------------------------------------


def test_default_view_reproduces_the_specification_sample() -> None:
    sample = text("get_service", "spec_2020_it.txt")
    assert format_get_service(parse_get_service(sample)) == dedented_crlf(sample)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("newest_autosize.txt", {"autosize": True}),
        ("ps7_default_view.txt", {"powershell": "7"}),
        ("server2008r2_guest_crlf_bom.txt", {}),
    ],
)
def test_get_service_tables_are_reproduced_byte_for_byte(
    name: str, options: dict[str, object]
) -> None:
    sample = text("get_service", name)
    assert format_get_service(parse_get_service(sample), **options) == sample  # type: ignore[arg-type]  # options are the formatter's keywords


def test_default_view_cuts_long_text_as_each_powershell_does() -> None:
    record = GuestServiceRecord(
        name="VMwareCAFCommAmqpListener",
        display_name="VMware CAF AMQP Communication Service",
        status=WindowsServiceStatus.CONTINUE_PENDING,
    )
    assert format_get_service([record], newline="\n").split("\n")[3] == (
        "Conti... VMwareCAFCommAm... VMware CAF AMQP Communication Service"
    )
    assert format_get_service([record], powershell="7", newline="\n").split("\n")[3] == (
        "Continu\u2026 VMwareCAFCommAmqp\u2026 VMware CAF AMQP Communication Service"
    )


def test_get_service_json_forms() -> None:
    records = [
        GuestServiceRecord(
            name="vmicvss",
            display_name="Hyper-V Volume Shadow Copy Requestor",
            status=WindowsServiceStatus.RUNNING,
            start_type=StartType.MANUAL,
        )
    ]
    assert format_get_service(records, form="json") == (
        '{\r\n    "Name":  "vmicvss",\r\n'
        '    "DisplayName":  "Hyper-V Volume Shadow Copy Requestor",\r\n'
        '    "Status":  4,\r\n    "StartType":  3\r\n}'
    )
    assert format_get_service(
        records * 2, form="json", powershell="7", enums_as_strings=True, newline="\n"
    ) == (
        "[\n"
        + ",\n".join(
            [
                (
                    '  {\n    "Name": "vmicvss",\n'
                    '    "DisplayName": "Hyper-V Volume Shadow Copy Requestor",\n'
                    '    "Status": "Running",\n    "StartType": "Manual"\n  }'
                )
            ]
            * 2
        )
        + "\n]"
    )
    assert format_get_service([], form="json") == ""


def test_a_cut_display_name_keeps_its_ellipsis_in_json() -> None:
    (record,) = [
        r for r in parse_get_service(text("get_service", "spec_2020_it.txt")) if r.name == "vmicrdv"
    ]
    assert '"DisplayName":  "Hyper-V Remote Desktop Virtualizati..."' in format_get_service(
        [record], form="json"
    )


# --- Get-VMIntegrationService -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("en_us_crlf_bom.txt", {}),
        ("de_de_host.txt", {"locale": "de-DE"}),
        ("multiple_vms.txt", {"newline": "\n"}),
        ("zh_cn_host_wide_chars.txt", {"locale": "zh-CN"}),
        ("server2008r2_guest.txt", {"locale": None}),
    ],
)
def test_component_tables_are_reproduced_byte_for_byte(
    name: str, options: dict[str, object]
) -> None:
    sample = text("vm_integration_services", name)
    records = parse_vm_integration_services(sample)
    assert format_vm_integration_services(records, **options) == sample  # type: ignore[arg-type]  # options are the formatter's keywords


def test_specification_sample_sized_to_its_contents() -> None:
    # The article's VMName column is wider than "DemoVM"; sized to its contents it is the
    # CRLF sample.
    records = parse_vm_integration_services(text("vm_integration_services", "spec_2020_it.txt"))
    assert format_vm_integration_services(records) == text(
        "vm_integration_services", "en_us_crlf_bom.txt"
    )


def test_locale_renames_known_services_and_statuses() -> None:
    records = parse_vm_integration_services(text("vm_integration_services", "de_de_host.txt"))
    english = format_vm_integration_services(records, newline="\n").split("\n")
    assert english[1].split() == [
        "VMName",
        "Name",
        "Enabled",
        "PrimaryStatusDescription",
        "SecondaryStatusDescription",
    ]
    assert english[5] == ("ubuntu-xrdp Key-Value Pair Exchange True    No Contact")
    assert english[4].endswith(
        "The protocol version of the component installed in the virtual machine does not "
        "match the version expected by the hosting system."
    )
    as_recorded = format_vm_integration_services(records, locale=None)
    assert as_recorded == text("vm_integration_services", "de_de_host.txt")


def component(**changes: object) -> IntegrationComponentRecord:
    fields: dict[str, object] = {
        "vm_name": "DemoVM",
        "vm_id": SPEC_VM,
        "name": "Heartbeat",
        "enabled": True,
        "primary_status": OperationalStatus.OK,
        "primary_status_description": "OK",
        "secondary_status": OperationalStatus.PROTOCOL_MISMATCH,
        "secondary_status_description": "The protocol version of the component installed in...",
        "component_id": ComponentId(SPEC_VM, HEARTBEAT),
    }
    fields.update(changes)
    return IntegrationComponentRecord(**fields)  # type: ignore[arg-type]  # the record's own keywords


def test_component_json_51_layout() -> None:
    assert format_vm_integration_services([component()], form="json", newline="\n") == (
        "{\n"
        '    "Enabled":  true,\n'
        '    "OperationalStatus":  [\n'
        "                              2,\n"
        "                              32775\n"
        "                          ],\n"
        '    "PrimaryOperationalStatus":  2,\n'
        '    "PrimaryStatusDescription":  "OK",\n'
        '    "SecondaryOperationalStatus":  32775,\n'
        '    "SecondaryStatusDescription":  "The protocol version of the component installed in '
        'the virtual machine does not match the version expected by the hosting system.",\n'
        '    "StatusDescription":  [\n'
        '                              "OK",\n'
        '                              "The protocol version of the component installed in the '
        'virtual machine does not match the version expected by the hosting system."\n'
        "                          ],\n"
        '    "Name":  "Heartbeat",\n'
        f'    "Id":  "Microsoft:{SPEC_VM}\\\\{HEARTBEAT}",\n'
        f'    "VMId":  "{SPEC_VM.lower()}",\n'
        '    "VMName":  "DemoVM",\n'
        '    "VMSnapshotId":  "00000000-0000-0000-0000-000000000000",\n'
        '    "VMSnapshotName":  "",\n'
        '    "IsDeleted":  false\n'
        "}"
    )


def test_component_json_7_with_enum_names_and_no_statuses() -> None:
    record = component(
        vm_id=None,
        component_id=None,
        primary_status=None,
        primary_status_description="",
        secondary_status=None,
        secondary_status_description="",
    )
    rendered = format_vm_integration_services(
        [record, component()], form="json", powershell="7", enums_as_strings=True, newline="\n"
    )
    assert rendered.startswith(
        "[\n  {\n"
        '    "Enabled": true,\n'
        '    "OperationalStatus": [],\n'
        '    "PrimaryOperationalStatus": null,\n'
        '    "PrimaryStatusDescription": null,\n'
        '    "SecondaryOperationalStatus": null,\n'
        '    "SecondaryStatusDescription": null,\n'
        '    "StatusDescription": [],\n'
        '    "Name": "Heartbeat",\n'
        '    "Id": null,\n'
        '    "VMId": null,\n'
    )
    assert '"OperationalStatus": [\n      "Ok",\n      "ProtocolMismatch"\n    ],' in rendered


# --- Get-VM -------------------------------------------------------------------------------------


def test_get_vm_table() -> None:
    records = parse_get_vm(text("get_vm", "ps51_select.json"))
    assert format_get_vm(records, newline="\n").split("\n") == [
        "",
        (
            "Name     Id                                   State   Status             "
            "IntegrationServicesVersion IntegrationServicesState"
        ),
        (
            "----     --                                   -----   ------             "
            "-------------------------- ------------------------"
        ),
        (
            "DemoVM   7cca7664-91d0-40a9-9769-7809f256f603 Running Operating normally "
            "10.0.17763.1               Up to date"
        ),
        (
            "LEGACY01 a1b2c3d4-e5f6-4789-abcd-ef0123456789 Running Operating normally "
            "6.1.7601.17514             Update required"
        ),
        "TEMPLATE 0f1e2d3c-4b5a-4697-8877-665544332211 Off     Operating normally 0.0",
        "",
        "",
        "",
    ]


def test_get_vm_json_writes_system_version_objects() -> None:
    record = VirtualMachineRecord(
        name="DemoVM",
        id=SPEC_VM,
        state=VMState.RUNNING,
        status="Operating normally",
        integration_services_version=Version("6.3.9600.70000"),
        integration_services_state=IntegrationServicesState.UPDATE_REQUIRED,
    )
    assert format_get_vm([record], form="json", powershell="7", newline="\n") == (
        "{\n"
        '  "Name": "DemoVM",\n'
        f'  "Id": "{SPEC_VM.lower()}",\n'
        '  "State": 2,\n'
        '  "Status": "Operating normally",\n'
        '  "IntegrationServicesVersion": {\n'
        '    "Major": 6,\n    "Minor": 3,\n    "Build": 9600,\n    "Revision": 70000,\n'
        '    "MajorRevision": 1,\n    "MinorRevision": 4464\n'
        "  },\n"
        '  "IntegrationServicesState": "Update required"\n'
        "}"
    )
    unknown = VirtualMachineRecord(name="x", state=VMState.UNKNOWN)
    assert '"State":  null' in format_get_vm([unknown], form="json")
    assert '"State": "Hibernated"' in format_get_vm(
        [VirtualMachineRecord(name="x", state=VMState.HIBERNATED)],
        form="json",
        powershell="7",
        enums_as_strings=True,
    )


def test_minor_revision_is_a_signed_16_bit_half() -> None:
    record = VirtualMachineRecord(
        name="x", state=VMState.OFF, integration_services_version=Version("1.0.0.40000")
    )
    rendered = format_get_vm([record], form="json")
    assert '"MinorRevision":  -25536' in rendered
    assert parse_get_vm(rendered)[0].integration_services_version == Version("1.0.0.40000")


# --- REG QUERY ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["spec_command.txt", "server2008r2_guest.txt", "auto_key_all_values.txt"]
)
def test_reg_query_is_reproduced_byte_for_byte(name: str) -> None:
    sample = text("reg_query", name)
    assert format_reg_query(parse_reg_query(sample)) == sample


def test_reg_query_separates_keys_with_a_blank_line() -> None:
    values = [
        RegistryValue("HKLM\\A", "x", "REG_SZ", "1"),
        RegistryValue("HKLM\\B", "y", "REG_DWORD", "0x1"),
    ]
    assert format_reg_query(values, newline="\n") == (
        "\nHKEY_LOCAL_MACHINE\\A\n    x    REG_SZ    1\n\n"
        "HKEY_LOCAL_MACHINE\\B\n    y    REG_DWORD    0x1\n\n"
    )
    assert format_reg_query([]) == ""


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"form": "xml"}, "form should be 'table' or 'json', not 'xml'"),
        ({"powershell": "6"}, "powershell should be '5.1' or '7', not '6'"),
        (
            {"enums_as_strings": True},
            "Windows PowerShell 5.1's ConvertTo-Json has no -EnumsAsStrings",
        ),
    ],
)
def test_impossible_options_are_configuration_errors(options: dict[str, Any], message: str) -> None:
    for formatter in (format_vm_integration_services, format_get_service, format_get_vm):
        with pytest.raises(ConfigurationError) as caught:
            formatter([], **options)
        assert str(caught.value).startswith(message)


def test_unknown_locale_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown locale 'pt-BR'"):
        format_vm_integration_services([], locale="pt-BR")
