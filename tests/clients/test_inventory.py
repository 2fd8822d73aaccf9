"""Reading the host inventory: a hand-written 5.1 sample, and malformed sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from vmic import IntegrationService, OperationalStatus, ParseError, Product
from vmic.clients._inventory import inventory_from_sections, parse_inventory, parse_os_caption
from vmic.clients._scripts import script
from vmic.model import VM
from vmic.model._records import VMState
from vmic.testing import FakeHyperVHost

DATA = Path(__file__).parents[1] / "data" / "inventory"


def test_french_host_sample() -> None:
    observation = parse_inventory((DATA / "ps51_french_host.txt").read_text(encoding="utf-8"))
    assert observation.name == "HV-LAB07"
    assert observation.os is not None
    assert observation.os.product is Product.WINDOWS_SERVER_2016
    sql, old = observation.vms
    assert sql.name == "SQL 2019 (prod)"
    assert sql.state is VMState.RUNNING
    assert sql.integration_services_version == Version("10.0.17763.1")
    assert sql.guest_os is not None
    assert sql.guest_os.product is Product.WINDOWS_SERVER_2019
    assert sql.item("NetworkAddressIPv4") == "10.0.0.5;169.254.1.1"
    assert len(sql.services) == 7
    unknown = [c for c in sql.services if c.service is None]
    assert [c.name for c in unknown] == ["Composant inconnu"]
    gsi = sql.service(IntegrationService.GUEST_SERVICE_INTERFACE)
    assert gsi is not None
    assert (gsi.name, gsi.enabled) == ("Interface de services d'invite", False)
    heartbeat = sql.service(IntegrationService.HEARTBEAT)
    assert heartbeat is not None
    assert heartbeat.secondary_status is OperationalStatus.OK
    assert old.state is VMState.OFF
    assert old.intrinsic_items == ()
    assert old.guest_os is None
    assert old.service(IntegrationService.GUEST_SERVICE_INTERFACE) is None
    assert all(c.primary_status is None for c in old.services)


SECTIONS = {
    "host": '{"ComputerName": "HV", "Caption": null, "Version": null}',
    "vms": "[]",
    "components": "[]",
    "kvp": "[]",
}


def test_minimal_sections() -> None:
    observation = inventory_from_sections(SECTIONS, name=None)
    assert (observation.name, observation.os, observation.vms) == ("HV", None, ())


@pytest.mark.parametrize(
    ("section", "text", "message"),
    [
        ("host", "[1]", "one JSON object"),
        ("host", '{"Caption": 7}', "Caption in the 'host' section should be a string"),
        ("host", "{", "not valid JSON"),
        ("kvp", '"x"', "should be a JSON array"),
        ("kvp", '[{"Items": {}}]', "has no VMId string"),
        ("kvp", '[{"VMId": "x", "Items": {"OSName": 1}}]', "Items should map names to strings"),
        ("kvp", '[{"VMId": "x", "Items": {"A": "1", "B": null}}]', "Items should map names"),
        ("kvp", '[{"VMId": "x", "Items": {"A": ["1"]}}]', "Items should map names to strings"),
        ("kvp", '[{"VMId": "x", "Items": {"A": {}}}]', "Items should map names to strings"),
        ("kvp", '[{"VMId": "x", "Items": ["A"]}]', "Items should map names to strings"),
        ("vms", '[{"State": 2}]', "Name should be a string"),
    ],
)
def test_malformed_sections_are_parse_errors(section: str, text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        inventory_from_sections({**SECTIONS, section: text}, name="HV")


def test_a_missing_section_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no 'kvp' section"):
        inventory_from_sections({k: v for k, v in SECTIONS.items() if k != "kvp"}, name="HV")


def test_components_without_ids_attach_by_name() -> None:
    sections = {
        **SECTIONS,
        "vms": '[{"Name": "a", "State": 2}]',
        "components": '[{"VMName": "a", "Name": "Heartbeat", "Enabled": true}]',
        "kvp": '{"VMId": "X", "Items": null}',
    }
    (vm,) = inventory_from_sections(sections, name=None).vms
    assert [c.service for c in vm.services] == [IntegrationService.HEARTBEAT]


def test_os_captions() -> None:
    assert parse_os_caption(None, "10.0") is None
    assert parse_os_caption("  ", None) is None
    assert parse_os_caption("Microsoft Hyper-V Server 2019", "10.0.17763") is not None
    assert parse_os_caption("Contoso OS", "1.0") is None


def _lab_inventory() -> str:
    host = FakeHyperVHost("HV-PARSED")
    host.add_vm("web", "Windows Server 2019")
    host.add_vm("db", "Ubuntu 22.04")
    host.add_vm("old", "Windows 7", running=False)
    return host.run(script("host-inventory").command()).stdout


@pytest.mark.parametrize(
    "text",
    [(DATA / "ps51_french_host.txt").read_text(encoding="utf-8"), _lab_inventory()],
    ids=["french-host", "lab"],
)
def test_the_readers_vms_are_those_the_checked_constructor_builds(text: str) -> None:
    # The reader builds each VM without converting and checking again what it has read:
    # each must equal the VM that VM.from_record makes of the same parts.
    for vm in parse_inventory(text).vms:
        rebuilt = VM.from_record(
            vm.record, vm.services, intrinsic_items=dict(vm.intrinsic_items), guest_os=vm.guest_os
        )
        assert rebuilt == vm
        assert rebuilt.intrinsic_items == vm.intrinsic_items
