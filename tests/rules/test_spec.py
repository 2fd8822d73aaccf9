"""The update matrix answers every cell exactly as the specification's tables say."""

from __future__ import annotations

import re

import pytest

from tests._spec_tables import SEPARATOR, read_tables
from vmic import (
    IntegrationService,
    OperatingSystem,
    Product,
    SupportLevel,
    UnsupportedCombinationError,
    UpdateMechanism,
    parse_os,
    update_rule,
)
from vmic.rules._export import matrix_markdown
from vmic.rules._guests import built_in_on_windows_server, find_supported_guest, page_for_host

SPEC = read_tables()

ITALIAN_MECHANISMS = {
    "Windows Update": UpdateMechanism.WINDOWS_UPDATE,
    "Disco dei servizi di integrazione": UpdateMechanism.INTEGRATION_SERVICES_DISK,
    "package manager": UpdateMechanism.PACKAGE_MANAGER,
}
ENGLISH_MECHANISMS = {m.label: m for m in UpdateMechanism}


def _support(note: str) -> SupportLevel:
    if note.startswith("Supporto esteso solo"):
        return SupportLevel.EXTENDED_SUPPORT_ONLY
    if note.startswith("Non sarà supportato"):
        return SupportLevel.WILL_NOT_BE_SUPPORTED
    if note.startswith("Non è previsto il supporto Mainstream"):
        return SupportLevel.NO_MAINSTREAM_SUPPORT
    return SupportLevel.SUPPORTED


def test_the_specification_has_three_host_tables() -> None:
    assert [hosts for hosts, _ in SPEC] == [
        ["Windows 10", "Windows Server 2016", "Windows Server 2019"],
        ["Windows 8.1", "Windows Server 2012R2"],
        ["Windows 8", "Windows Server 2012"],
    ]
    assert [sum(1 for row in rows if row != SEPARATOR) for _, rows in SPEC] == [14, 17, 14]


CELLS = [
    pytest.param(host, guest, mechanism, notes, id=f"{host}|{guest}")
    for hosts, rows in SPEC
    for host in hosts
    for guest, mechanism, notes in rows
    if (guest, mechanism, notes) != SEPARATOR
]


@pytest.mark.parametrize(("host", "guest", "mechanism", "notes"), CELLS)
def test_every_cell_is_answered_as_the_specification_says(
    host: str, guest: str, mechanism: str, notes: str
) -> None:
    rule = update_rule(host, guest)
    assert rule.mechanism is ITALIAN_MECHANISMS[mechanism]
    data_exchange = "Scambio di dati" in notes
    assert rule.prerequisites == (
        frozenset({IntegrationService.KEY_VALUE_PAIR_EXCHANGE}) if data_exchange else frozenset()
    )
    assert rule.fallback is (UpdateMechanism.DOWNLOAD_CENTER_CAB if data_exchange else None)
    assert rule.support is _support(notes)
    assert rule.row is not None
    assert rule.row.provenance.kind.value == "table_row"
    assert rule.guest.product is parse_os(guest).product
    assert rule.table is not None
    assert host in {h.display_name for h in rule.table.hosts} or parse_os(host).product in (
        rule.table.hosts
    )
    vmguest_note = any("vmguest.iso" in note for note in rule.notes)
    assert vmguest_note is (rule.table.key == "windows_10_server_2016_2019")


@pytest.mark.parametrize(("hosts", "rows"), SPEC, ids=[h[0] for h, _ in SPEC])
def test_unlisted_guests_raise_naming_the_listed_ones(
    hosts: list[str], rows: list[tuple[str, str, str]]
) -> None:
    listed = {parse_os(guest).product for guest, _, _ in rows if (guest, _, _) != SEPARATOR}
    for host in hosts:
        for product in Product:
            if product in listed:
                continue
            guest = OperatingSystem(product)
            host_os = parse_os(host)
            if find_supported_guest(host_os, guest) is not None or (
                page_for_host(host_os.product) is not None
                and page_for_host(host_os.product).key == "client"  # type: ignore[union-attr]
                and built_in_on_windows_server(product)
            ):
                # Answered by the supported-guests page, never as a row of this table.
                assert update_rule(host, guest).row is None
                continue
            with pytest.raises(UnsupportedCombinationError) as caught:
                update_rule(host, guest)
            assert isinstance(caught.value, LookupError)
            assert len(caught.value.listed) == len(listed)
            assert {parse_os(name).product for name in caught.value.listed} == listed


def _markdown_rows(text: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("| Guest |"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], cells[1], cells[2]))
    return rows


@pytest.mark.parametrize(("hosts", "rows"), SPEC, ids=[h[0] for h, _ in SPEC])
def test_markdown_export_lists_the_same_guests_in_the_same_order(
    hosts: list[str], rows: list[tuple[str, str, str]]
) -> None:
    for host in hosts:
        exported = _markdown_rows(matrix_markdown(host))
        assert len(exported) == len(rows)
        for (guest, mechanism, _), (our_guest, our_mechanism, _) in zip(
            rows, exported, strict=True
        ):
            if guest == "-":
                assert our_guest == "-"
                continue
            assert parse_os(our_guest) == parse_os(guest)
            assert ENGLISH_MECHANISMS[our_mechanism] is ITALIAN_MECHANISMS[mechanism]


def test_data_exchange_rows_carry_the_footnote_marker_like_the_specification() -> None:
    hosts, rows = SPEC[0]
    starred = [g for g, _, n in rows if re.search(r"\.\*$", n)]
    exported = [g for g, _, n in _markdown_rows(matrix_markdown(hosts[0])) if n.endswith("*")]
    assert [parse_os(g) for g in exported] == [parse_os(g) for g in starred]
    assert "KB3071740" in matrix_markdown(hosts[0])
