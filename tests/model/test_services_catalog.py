"""The service catalog: GUIDs, localized names, guest services, availability by guest OS."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from vmic import GuestOnlyService, IntegrationService, Product, UnknownServiceError, VmicError
from vmic.model._services import guest_service_for

GUIDS = {
    IntegrationService.GUEST_SERVICE_INTERFACE: "6C09BB55-D683-4DA0-8931-C9BF705F6480",
    IntegrationService.HEARTBEAT: "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE: "2A34B1C2-FD73-4043-8A5B-DD2159BC743F",
    IntegrationService.SHUTDOWN: "9F8233AC-BE49-4C79-8EE3-E7E1985B2077",
    IntegrationService.TIME_SYNCHRONIZATION: "2497F4DE-E9FA-4204-80E4-4B75C46419C0",
    IntegrationService.VSS: "5CED1297-4598-4915-A5FC-AD21BB4D02A4",
}


def test_guids_are_the_documented_ones_and_unique() -> None:
    assert {s: s.guid for s in IntegrationService} == GUIDS
    assert len(set(GUIDS.values())) == 6
    assert len({s.info.linux_vmbus_guid for s in IntegrationService}) == 6


@pytest.mark.parametrize("service", list(IntegrationService))
def test_from_id_accepts_guid_and_full_component_ids(service: IntegrationService) -> None:
    vmid = "7CCA7664-91D0-40A9-9769-7809F256F603"
    assert IntegrationService.from_id(service.guid) is service
    assert IntegrationService.from_id(service.guid.lower()) is service
    assert IntegrationService.from_id("{" + service.guid + "}") is service
    assert IntegrationService.from_id(f"Microsoft:{vmid}\\{service.guid}") is service
    assert IntegrationService.from_id(f" Microsoft:{vmid.lower()}\\{service.guid} ") is service


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "Heartbeat",
        "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB4",
        "00000000-0000-0000-0000-000000000000",
        "Microsoft:nope\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
        "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47\\Microsoft:x",
    ],
)
def test_from_id_rejects_other_text(bad: str) -> None:
    with pytest.raises(UnknownServiceError):
        IntegrationService.from_id(bad)


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("Heartbeat", IntegrationService.HEARTBEAT),
        ("takt", IntegrationService.HEARTBEAT),
        ("Gastdienstschnittstelle", IntegrationService.GUEST_SERVICE_INTERFACE),
        ("Interface de services d'invite", IntegrationService.GUEST_SERVICE_INTERFACE),
        ("Austausch von Schlüsselwertepaaren", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("键值对交换", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("Herunterfahren", IntegrationService.SHUTDOWN),
        ("Zeitsynchronisierung", IntegrationService.TIME_SYNCHRONIZATION),
        ("Data Exchange", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("vmickvpexchange", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("Hyper-V Volume Shadow Copy Requestor", IntegrationService.VSS),
        ("hypervkvpd", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("hv_fcopy_uio_daemon", IntegrationService.GUEST_SERVICE_INTERFACE),
        ("  time   synchronization ", IntegrationService.TIME_SYNCHRONIZATION),
        ("VSS", IntegrationService.VSS),
        ("vss", IntegrationService.VSS),
        ("key_value_pair_exchange", IntegrationService.KEY_VALUE_PAIR_EXCHANGE),
        ("84eaae65-2f2e-45f5-9bb5-0e857dc8eb47", IntegrationService.HEARTBEAT),
    ],
)
def test_lookup_by_any_name(name: str, service: IntegrationService) -> None:
    assert IntegrationService.lookup(name) is service


def test_lookup_suggests_without_repeating() -> None:
    with pytest.raises(UnknownServiceError) as caught:
        IntegrationService.lookup("Heartbaet")
    assert caught.value.suggestions == ("Heartbeat",)
    assert str(caught.value) == "unknown integration service 'Heartbaet'; did you mean 'Heartbeat'?"
    assert isinstance(caught.value, LookupError)


@given(st.text())
def test_lookup_of_any_text_is_a_service_or_a_vmic_error(text: str) -> None:
    try:
        result: object = IntegrationService.lookup(text)
    except VmicError as error:
        result = error
    assert isinstance(result, IntegrationService | UnknownServiceError)


def test_names_do_not_collide_between_services() -> None:
    # Every name lookup() knows a service by, each resolving to that service alone.
    seen: dict[str, IntegrationService] = {}
    for service in IntegrationService:
        info = service.info
        names = (
            service.value,
            service.name,
            info.english_name,
            *info.localized_names.values(),
            *info.aliases,
            info.windows_service,
            *info.windows_display_names,
            *info.linux_daemons,
        )
        for name in names:
            key = " ".join(name.split()).casefold()
            assert seen.setdefault(key, service) is service, name
            assert IntegrationService.lookup(name) is service, name
            assert IntegrationService.lookup(name.upper()) is service, name


def test_defaults_follow_the_specification() -> None:
    # "All integration services except Guest Service Interface are on by default."
    assert {s for s in IntegrationService if not s.info.default_enabled} == {
        IntegrationService.GUEST_SERVICE_INTERFACE
    }


@pytest.mark.parametrize(
    ("product", "has_gsi", "has_psdirect"),
    [
        (Product.WINDOWS_SERVER_2008_R2, False, False),
        (Product.WINDOWS_7, False, False),
        (Product.WINDOWS_SERVER_2012, False, False),
        (Product.WINDOWS_8_1, True, False),
        (Product.WINDOWS_SERVER_2012_R2, True, False),
        (Product.WINDOWS_10, True, True),
        (Product.WINDOWS_SERVER_2016, True, True),
        (Product.WINDOWS_SERVER_2025, True, True),
        (Product.LINUX, True, False),
    ],
)
def test_older_guests_lack_services_they_predate(
    product: Product, has_gsi: bool, has_psdirect: bool
) -> None:
    assert IntegrationService.GUEST_SERVICE_INTERFACE.is_available_on(product) is has_gsi
    assert GuestOnlyService.POWERSHELL_DIRECT.is_available_on(product) is has_psdirect
    assert IntegrationService.HEARTBEAT.is_available_on(product)


def test_guest_service_names_map_to_services() -> None:
    assert guest_service_for("vmicheartbeat") is IntegrationService.HEARTBEAT
    assert guest_service_for("VMICVMSESSION") is GuestOnlyService.POWERSHELL_DIRECT
    assert guest_service_for("vmicrdv") is GuestOnlyService.REMOTE_DESKTOP_VIRTUALIZATION
    assert guest_service_for("wuauserv") is None
    names = GuestOnlyService.POWERSHELL_DIRECT.info.windows_display_names
    assert names == ("Hyper-V PowerShell Direct Service", "Hyper-V VM Session Service")
