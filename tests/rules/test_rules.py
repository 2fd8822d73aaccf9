"""Rules engine invariants, hosts newer than the tables, and the JSON/CSV exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given

from vmic import (
    IntegrationService,
    OperatingSystem,
    Product,
    SupportLevel,
    UnknownOperatingSystemError,
    UnsupportedCombinationError,
    UpdateMechanism,
    UpdateRule,
    parse_os,
    strategies as vst,
    update_rule,
    update_tables,
)
from vmic.model._provenance import ProvenanceKind
from vmic.rules._export import matrix_csv, matrix_json, matrix_markdown, matrix_records


def test_tables_have_no_duplicate_or_overlapping_rows() -> None:
    hosts_seen: set[Product] = set()
    for table in update_tables():
        guests = [row.guest for row in table.rows]
        assert len(guests) == len(set(guests)), table.key
        assert not hosts_seen & set(table.hosts), "a host must belong to exactly one table"
        hosts_seen |= set(table.hosts)
        assert [row.provenance.row for row in table.rows] == list(range(1, len(table.rows) + 1))
        assert [len(group) for group in table.groups][-1] == 1  # the Linux group


def test_every_label_resolves_to_its_row() -> None:
    for table in update_tables():
        for row in table.rows:
            parsed = parse_os(row.guest_label)
            assert parsed.product is row.guest
            assert parsed.service_pack == row.min_service_pack


def test_every_host_is_covered_by_a_table_or_the_general_statement() -> None:
    tabled = {host for table in update_tables() for host in table.hosts}
    for host in (p for p in Product if p.is_hyperv_host):
        rule = update_rule(OperatingSystem(host), "Linux guests")
        assert rule.is_general_statement is (host not in tabled)


@pytest.mark.parametrize("host", ["Windows 11", "Windows Server 2022", "Windows Server 2025"])
def test_hosts_newer_than_the_tables(host: str) -> None:
    # Linux: the newest revision's general statement; Windows: the supported-guests page.
    linux = update_rule(host, "Ubuntu 24.04")
    assert linux.mechanism is UpdateMechanism.PACKAGE_MANAGER
    assert linux.row is None
    assert linux.table is None
    assert linux.provenance.kind is ProvenanceKind.GENERAL_STATEMENT
    assert "general statement, not a table row" in str(linux.provenance)
    assert linux.support is SupportLevel.NOT_STATED
    assert linux.prerequisites == frozenset()
    windows = update_rule(host, "Windows 10")
    assert windows.mechanism is UpdateMechanism.WINDOWS_UPDATE
    assert windows.row is None
    assert windows.table is None
    assert windows.guest_row is not None
    assert windows.provenance.document.startswith("Supported Windows guest")
    assert windows.support is SupportLevel.SUPPORTED
    assert windows.prerequisites == frozenset()


def test_non_host_raises_naming_the_known_hosts() -> None:
    with pytest.raises(UnsupportedCombinationError, match="not a Hyper-V host") as caught:
        update_rule("Windows 7", "Windows 7")
    assert "Windows Server 2025" in str(caught.value)


def test_service_pack_below_the_row_raises() -> None:
    assert update_rule("2012 R2", "Windows XP SP3").mechanism is (
        UpdateMechanism.INTEGRATION_SERVICES_DISK
    )
    with pytest.raises(UnsupportedCombinationError, match=r"Windows XP \(SP 2, SP 3\)"):
        update_rule("2012 R2", "Windows XP SP1")


def test_unknown_names_raise_the_os_error() -> None:
    with pytest.raises(UnknownOperatingSystemError):
        update_rule("Windows Server 2016", "OS/2 Warp")


def test_answers_are_memoized_but_equal_to_a_fresh_computation() -> None:
    first = update_rule("ws2016", "win7")
    assert update_rule("ws2016", "win7") is first
    assert update_rule(parse_os("ws2016"), parse_os("win7")) == first


@given(vst.update_rules())
def test_rule_invariants(rule: UpdateRule) -> None:
    if rule.prerequisites:
        assert rule.prerequisites == {IntegrationService.KEY_VALUE_PAIR_EXCHANGE}
        assert rule.fallback is UpdateMechanism.DOWNLOAD_CENTER_CAB
        assert rule.mechanism is UpdateMechanism.WINDOWS_UPDATE
    else:
        assert rule.fallback is None
    assert (rule.mechanism is UpdateMechanism.PACKAGE_MANAGER) is rule.guest.is_linux
    assert rule.mechanism is not UpdateMechanism.DOWNLOAD_CENTER_CAB


def test_disk_mechanism_only_on_hosts_earlier_than_2016() -> None:
    for table in update_tables():
        disk = any(r.mechanism is UpdateMechanism.INTEGRATION_SERVICES_DISK for r in table.rows)
        new_host = Product.WINDOWS_SERVER_2016 in table.hosts
        assert disk is not new_host


def test_json_export_has_every_row_with_snake_case_values() -> None:
    records = json.loads(matrix_json())
    assert len(records) == sum(len(t.rows) for t in update_tables()) == 45
    assert {r["mechanism"] for r in records} == {
        "windows_update",
        "integration_services_disk",
        "package_manager",
    }
    starred = [r for r in records if r["prerequisites"]]
    assert {r["guest_label"] for r in starred} == {
        "Windows 8",
        "Windows 7",
        "Windows Vista (SP 2)",
        "Windows Server 2012",
        "Windows Server 2008 R2 (SP 1)",
    }
    assert all(r["fallback"] == "download_center_cab" for r in starred)


def test_csv_export_round_trips_to_the_records() -> None:
    rows = list(csv.DictReader(io.StringIO(matrix_csv("Windows 8.1"))))
    records = matrix_records("Windows 8.1")
    assert len(rows) == len(records) == 17
    for row, record in zip(rows, records, strict=True):
        assert row["guest_label"] == record["guest_label"]
        assert row["mechanism"] == record["mechanism"]
        assert row["hosts"] == "Windows 8.1;Windows Server 2012 R2"


def test_markdown_for_a_newer_host_is_the_general_statement() -> None:
    text = matrix_markdown("Windows Server 2022")
    assert text.startswith("No table covers this host.")
    assert matrix_records("Windows Server 2022") == []


def test_update_rule_answers_equal_inputs_alike_whatever_their_identity() -> None:
    # The first cache is keyed by identity: equal but distinct inputs, texts and models,
    # must get the same answer as the first caller's.
    first = update_rule(
        OperatingSystem(Product.WINDOWS_SERVER_2019), OperatingSystem(Product.WINDOWS_10)
    )
    again = update_rule(
        OperatingSystem(Product.WINDOWS_SERVER_2019), OperatingSystem(Product.WINDOWS_10)
    )
    text = update_rule("".join(["Windows Server ", "2019"]), "".join(["Windows ", "10"]))
    assert first == again == text
    other = update_rule(
        OperatingSystem(Product.WINDOWS_SERVER_2019), OperatingSystem(Product.WINDOWS_11)
    )
    assert other != first
