"""The feature catalog maps what users want to the services it needs."""

from __future__ import annotations

import pytest

from vmic import GuestOnlyService, IntegrationService, parse_os
from vmic.rules._features import Feature, services_needed


def test_every_service_backs_some_feature() -> None:
    needed = {s for f in Feature for s in f.info.services}
    assert needed == set(IntegrationService)


@pytest.mark.parametrize(
    ("guest", "needs_kvp"),
    [
        ("Windows 7", True),
        ("Windows Server 2012", True),
        ("Windows Server 2008 R2 SP1", True),
        ("Windows 8.1", False),
        ("Windows Server 2016", False),
        ("Ubuntu 22.04", False),
    ],
)
def test_windows_update_needs_data_exchange_only_on_older_guests(
    guest: str, needs_kvp: bool
) -> None:
    needed = services_needed(Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES, parse_os(guest))
    assert (IntegrationService.KEY_VALUE_PAIR_EXCHANGE in needed) is needs_kvp


def test_powershell_direct_is_windows_only_and_guest_only() -> None:
    assert services_needed(Feature.POWERSHELL_DIRECT, parse_os("Windows Server 2019")) == {
        GuestOnlyService.POWERSHELL_DIRECT
    }
    assert services_needed(Feature.POWERSHELL_DIRECT, parse_os("Debian 12")) == frozenset()


def test_linux_ip_reporting_needs_the_kvp_daemon_service() -> None:
    assert services_needed(Feature.GUEST_IP_REPORTING, parse_os("RHEL 9")) == {
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE
    }
