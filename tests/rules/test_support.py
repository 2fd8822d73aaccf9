"""Supported guests per host and Linux/FreeBSD feature support, against a second reading."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import vmic
from tests._cli import run
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
from vmic.model._provenance import MANAGE_DOC
from vmic.rules._guests import IntegrationServicesKind, page_for_host, supported_guests
from vmic.rules._support import (
    FeatureStatus,
    GuestFeature,
    guest_support,
    unavailable_reason,
    unusable_reason,
)
from vmic.rules._support_tables import supported_guest_records

DATA = Path(__file__).parents[1] / "data" / "support"
_WITH_SP = re.compile(r" with Service Pack \d")


def _readable(label: str) -> str:
    # parse_os reads "(SP1)" but not the pages' "with Service Pack 1" wording.
    return _WITH_SP.sub("", label)


def _transcription() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(
        (DATA / "windows_guests.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("key", ["windows_server", "client"])
def test_windows_rows_match_the_independent_transcription_cell_by_cell(key: str) -> None:
    page = _transcription()[key]
    hosts = [parse_os(str(h)).product for h in page["hosts"]]  # type: ignore[attr-defined]
    rows = supported_guests(hosts[0])
    expected = page["rows"]
    assert isinstance(expected, list)
    assert len(rows) == len(expected)
    for row, (label, kind, min_host) in zip(rows, expected, strict=True):
        assert row.guest_label == label
        assert row.integration_services is IntegrationServicesKind(kind)
        assert (row.min_host.display_name if row.min_host else None) == min_host
        assert row.page.title == page["page"]
        assert str(page["commit"]).startswith(row.page.commit)
        assert row.page.ms_date == page["ms_date"]
    for host in hosts:
        found = page_for_host(host)
        assert found is not None
        assert found.key == key


def test_every_listed_guest_resolves_and_no_row_is_duplicated() -> None:
    seen: set[tuple[str, str]] = set()
    for row in supported_guests():
        parsed = parse_os(_readable(row.guest_label))
        assert parsed.product is row.guest
        assert parsed.service_pack == row.min_service_pack
        assert (row.page.key, row.guest_label) not in seen
        seen.add((row.page.key, row.guest_label))
        assert row.provenance.document == row.page.title
        assert row.page.commit in row.provenance.revision
        assert row.page.ms_date in row.provenance.revision


@pytest.mark.parametrize(
    ("host", "guest"),
    [("Windows Server 2019", "Windows Server 2019"), ("Windows Server 2022", "Windows 11")],
)
def test_built_in_guests_outside_the_tables_get_windows_update(host: str, guest: str) -> None:
    rule = update_rule(host, guest)
    assert rule.mechanism is UpdateMechanism.WINDOWS_UPDATE
    assert rule.provenance.document.startswith("Supported Windows guest operating systems")
    assert rule.provenance.document != MANAGE_DOC
    assert rule.row is None
    assert rule.guest_row is not None
    assert not rule.is_general_statement
    assert rule.support is SupportLevel.SUPPORTED
    assert rule.prerequisites == frozenset()


@pytest.mark.parametrize("host", ["Windows Server 2022", "Windows Server 2025"])
@pytest.mark.parametrize(
    "guest",
    [
        "Windows XP",
        "Windows Server 2003",
        "Windows Vista",
        "Windows 8",
        "Windows Server, Semi-Annual Channel",
    ],
)
def test_guests_the_page_does_not_list_raise_naming_the_page(host: str, guest: str) -> None:
    with pytest.raises(
        UnsupportedCombinationError, match="Supported Windows guest operating"
    ) as caught:
        update_rule(host, guest)
    assert "01d8846" in str(caught.value)
    assert caught.value.listed


@pytest.mark.parametrize(
    ("host", "guest"),
    [
        ("Windows Server 2016", "Windows 11"),
        ("Windows Server 2016", "Windows Server 2022"),
        ("Windows Server 2019", "Windows Server 2025"),
    ],
)
def test_host_constraints_of_the_page_hold(host: str, guest: str) -> None:
    with pytest.raises(UnsupportedCombinationError, match="does not list it for that host"):
        update_rule(host, guest)


@pytest.mark.parametrize("guest", ["Windows 7", "Windows Server 2012", "Windows Server 2008 R2"])
@pytest.mark.parametrize("host", ["Windows Server 2022", "Windows Server 2025", "Windows 11"])
def test_data_exchange_prerequisite_on_every_windows_update_host(host: str, guest: str) -> None:
    rule = update_rule(host, guest)
    assert rule.prerequisites == {IntegrationService.KEY_VALUE_PAIR_EXCHANGE}
    assert rule.fallback is UpdateMechanism.DOWNLOAD_CENTER_CAB
    assert rule.prerequisite_source is not None
    assert rule.prerequisite_source.document == "Hyper-V Integration Services"
    assert any("HostSystemOSMajor" in note for note in rule.notes)


def test_the_2024_client_page_lists_the_newer_guests_on_client_hosts() -> None:
    # The 2024-12-03 revision added Windows Server 2025, 2022, 2019 and Windows 11 guests.
    for guest in (
        "Windows 11",
        "Windows Server 2025",
        "Windows Server 2022",
        "Windows Server 2019",
    ):
        rule = update_rule("Windows 11", guest)
        assert rule.support is SupportLevel.SUPPORTED, guest
        assert rule.guest_row is not None
        assert rule.guest_row.provenance.revision == "ms.date 12/03/2024, commit 015403e"
    with pytest.raises(UnsupportedCombinationError, match=r"Hyper-V on Windows\)"):
        update_rule("Windows 11", "Windows XP")


def test_plan_works_for_a_page_answered_pair_and_exits_2_for_an_unsupported_one() -> None:
    plan = vmic.plan_update("Windows Server 2022", "Windows 7", data_exchange_enabled=False)
    assert [s.action.value for s in plan.steps][:2] == ["enable_data_exchange", "windows_update"]
    status, out, err = run("plan", "--host-os", "Windows Server 2022", "--guest-os", "Windows XP")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Supported Windows guest operating systems" in err


def test_old_option_names_still_work_with_a_note() -> None:
    status, out, err = run("plan", "--host", "2016", "--guest", "win7", "--format", "json")
    assert status == 0
    assert json.loads(out)["mechanism"] == "windows_update"
    assert "--host is deprecated; use --host-os" in err


def _cells() -> list[dict[str, str]]:
    lines = [
        line
        for line in (DATA / "linux_features.csv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    return list(csv.DictReader(lines))


_ROW_FEATURE = {
    "Core": GuestFeature.HEARTBEAT,
    "Live virtual machine backup": GuestFeature.LIVE_BACKUP,
    "Key/value pair": GuestFeature.KEY_VALUE_PAIR_EXCHANGE,
    "Key-Value Pair": GuestFeature.KEY_VALUE_PAIR_EXCHANGE,
    "File copy from host to guest": GuestFeature.FILE_COPY,
    "Hyper-V Sockets": GuestFeature.HYPERV_SOCKETS,
}


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: f"{c['guest']}-{c['row']}")
def test_linux_cells_match_the_independent_transcription(cell: dict[str, str]) -> None:
    answer = guest_support(cell["host"], cell["guest"])
    assert answer.distribution == cell["page"]
    entry = answer.feature(_ROW_FEATURE[cell["row"]])
    assert not entry.inferred
    assert entry.provenance.document.startswith("Supported ")
    assert "commit" in entry.provenance.revision
    if not cell["cell"]:
        assert entry.status is FeatureStatus.NOT_AVAILABLE
        return
    assert entry.status is not FeatureStatus.NOT_AVAILABLE
    numbers = cell["cell"][2:].split(",") if len(cell["cell"]) > 1 else []
    for number in numbers:
        assert any(note.startswith(f"Note {number.strip()}:") for note in entry.notes), entry.notes


def test_ubuntu_2204_on_2019_has_kvp_vss_and_heartbeat_with_provenance() -> None:
    answer = vmic.guest_support("Windows Server 2019", "Ubuntu 22.04")
    for feature in (
        GuestFeature.KEY_VALUE_PAIR_EXCHANGE,
        GuestFeature.LIVE_BACKUP,
        GuestFeature.HEARTBEAT,
    ):
        entry = answer.feature(feature)
        assert entry.status is FeatureStatus.AVAILABLE
        assert entry.provenance.document == "Supported Ubuntu virtual machines on Hyper-V"
        assert entry.inferred  # 22.04 is newer than every column of the page revision
    status, out, _ = run(
        "support",
        "--host-os",
        "Windows Server 2019",
        "--guest-os",
        "Ubuntu 22.04",
        "--format",
        "json",
    )
    assert status == 0
    assert json.loads(out) == {"schema_version": 1, **answer.to_dict()}


def test_add_ons_and_unlisted_versions() -> None:
    assert (
        guest_support("Windows Server 2016", "Debian 11").feature(GuestFeature.FILE_COPY).status
        is FeatureStatus.NEEDS_ADD_ON
    )
    assert (
        guest_support("Windows Server 2016", "FreeBSD 9.1").feature(GuestFeature.HEARTBEAT).status
        is FeatureStatus.NEEDS_ADD_ON
    )
    with pytest.raises(UnsupportedCombinationError, match="lists no column"):
        guest_support("Windows Server 2019", "Ubuntu 19.10")
    with pytest.raises(UnsupportedCombinationError, match="name the version"):
        guest_support("Windows Server 2019", "Ubuntu")


def test_hosts_older_than_a_row_lists_make_it_not_available() -> None:
    entry = guest_support("Windows Server 2012 R2", "Ubuntu 20.04").feature(
        GuestFeature.HYPERV_SOCKETS
    )
    assert entry.status is FeatureStatus.NOT_AVAILABLE
    assert any("only for" in note for note in entry.notes)


def test_unavailable_reason_names_the_page_for_the_diagnosis() -> None:
    host = parse_os("Windows Server 2019")
    why = unavailable_reason(host, "FreeBSD 11.0", IntegrationService.VSS)
    assert why is not None
    assert "FreeBSD" in why
    assert unavailable_reason(host, "FreeBSD 12", IntegrationService.VSS) is None
    # Without a version vmic cannot tell: no reason, never a failure.
    assert unavailable_reason(host, OperatingSystem(Product.LINUX), IntegrationService.VSS) is None


def test_windows_guest_support_follows_the_catalog() -> None:
    answer = guest_support("Windows Server 2022", "Windows Server 2008 R2")
    assert answer.feature(GuestFeature.FILE_COPY).status is FeatureStatus.NOT_AVAILABLE
    assert answer.feature(GuestFeature.HEARTBEAT).status is FeatureStatus.AVAILABLE


def test_matrix_export_adds_the_newer_hosts_as_separate_labelled_tables() -> None:
    records = supported_guest_records("Windows Server 2022")
    assert {r["host"] for r in records} == {"Windows Server 2022"}
    assert "Windows XP" not in {r["guest_label"] for r in records}
    status, out, _ = run("matrix", "--format", "markdown")
    assert status == 0
    assert "Supported Windows guests on Windows Server 2025 hosts" in out
    assert "not part of the 2020 tables" in out
    status, out, _ = run("matrix", "--supported-guests", "--format", "json")
    assert status == 0
    assert len(json.loads(out)["rows"]) == len(supported_guest_records())


@pytest.mark.parametrize(
    ("guest", "column", "inferred"),
    [
        ("RHEL 7.9", "7.6-7.9", False),
        ("CentOS 7.9", "7.6-7.9", False),
        ("Oracle Linux 7.9", "7.5-7.8 (RHCK)", True),
    ],
)
def test_7x_guests_answer_from_the_7x_tables(guest: str, column: str, *, inferred: bool) -> None:
    status, out, err = run(
        "support", "--host-os", "Windows Server 2019", "--guest-os", guest, "--format", "json"
    )
    assert (status, err) == (0, "")
    answer = json.loads(out)
    assert answer["column"] == column
    kvp = next(f for f in answer["features"] if f["feature"] == "key_value_pair_exchange")
    assert kvp["inferred"] is inferred
    assert kvp["status"] in {"available", "needs_add_on"}
    if guest.startswith(("RHEL", "CentOS")):
        # Built-in LIS: 'the "hyperv-daemons" package must be installed' (Note 4).
        assert kvp["status"] == "needs_add_on"
        assert any(note.startswith("Note 4:") for note in kvp["notes"])


def test_the_built_in_column_answers_where_the_lis_download_also_covers_the_release() -> None:
    answer = guest_support("Windows Server 2019", "RHEL 7.5")
    assert answer.column == "7.5"  # not the LIS 4.3 column "7.5-7.7"
    sockets = answer.feature(GuestFeature.HYPERV_SOCKETS)
    assert sockets.status is FeatureStatus.NOT_AVAILABLE


def test_rhel_8_5_needs_windows_server_2019_as_note_15_says() -> None:
    with pytest.raises(UnsupportedCombinationError, match=r"Note 15: RHEL 8\.5 requires Windows"):
        guest_support("Windows Server 2016", "RHEL 8.5")
    assert guest_support("Windows Server 2019", "RHEL 8.5").column == "8.1-8.6+"
    assert guest_support("Windows Server 2016", "RHEL 8.4").column == "8.1-8.6+"
    status, _, err = run("support", "--host-os", "Windows Server 2016", "--guest-os", "RHEL 8.5")
    assert status == 2
    assert "Note 15" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("guest", "service", "names"),
    [
        ("Windows 7", IntegrationService.GUEST_SERVICE_INTERFACE, "service catalog"),
        ("Windows Server 2008 R2", IntegrationService.GUEST_SERVICE_INTERFACE, "service catalog"),
        ("Debian 13", IntegrationService.GUEST_SERVICE_INTERFACE, "hyperv-daemons"),
        ("FreeBSD 11.0", IntegrationService.VSS, "Supported FreeBSD"),
    ],
)
def test_unusable_reason_joins_the_catalog_the_packaging_and_the_pages(
    guest: str, service: IntegrationService, names: str
) -> None:
    why = unusable_reason(parse_os("Windows Server 2019"), parse_os(guest), service)
    assert why is not None
    assert names in why


@pytest.mark.parametrize(
    "guest", ["Windows Server 2016", "Windows 10", "Debian 12", "Ubuntu 22.04", "Linux"]
)
def test_unusable_reason_is_none_where_the_guest_can_use_every_service(guest: str) -> None:
    host = parse_os("Windows Server 2019")
    assert [unusable_reason(host, parse_os(guest), s) for s in IntegrationService] == [None] * 6
