"""Every vmic enum: ``str()`` is the display name, ``.value`` the machine word, repr the member."""

from __future__ import annotations

import enum
import importlib
import pkgutil

import pytest

import vmic
from vmic.diagnosis import Verdict
from vmic.fleet._monitoring import CheckState
from vmic.model import IntegrationService, OperationalStatus
from vmic.model._named import NamedEnum, words
from vmic.rules._causes import Cause
from vmic.rules._features import Feature


def _enums() -> list[type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.walk_packages(vmic.__path__, "vmic."):
        if info.name.startswith("vmic.strategies"):
            continue  # needs hypothesis: its modules define no enum
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, enum.Enum)
                and value.__module__ == info.name
                and list(value)
                and not value.__name__.startswith("_")  # private sentinels
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


ENUMS = _enums()


def test_every_enum_of_vmic_is_found() -> None:
    names = {cls.__name__ for cls in ENUMS}
    assert {"IntegrationService", "Cause", "Verdict", "Feature", "Product", "CheckState"} <= names
    assert len(ENUMS) > 35


@pytest.mark.parametrize("cls", ENUMS, ids=lambda cls: cls.__name__)
def test_str_is_the_display_name(cls: type[enum.Enum]) -> None:
    for member in cls:
        shown = str(member)
        assert shown == f"{member}"  # format() says the same
        assert shown
        assert shown != f"{cls.__name__}.{member.name}"  # not the old default
        assert "_" not in shown, shown  # words, not the machine value
        if isinstance(member, NamedEnum):
            assert shown == member.label
        assert repr(member).startswith(f"{cls.__name__}.") or repr(member).startswith("<")


def test_the_names_a_person_knows() -> None:
    assert str(IntegrationService.HEARTBEAT) == "Heartbeat"
    assert f"{IntegrationService.KEY_VALUE_PAIR_EXCHANGE}" == "Key-Value Pair Exchange"
    assert IntegrationService.KEY_VALUE_PAIR_EXCHANGE.value == "key_value_pair_exchange"
    assert str(Cause.DISABLED_ON_HOST) == "disabled on host"
    assert str(Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES) == "Data Exchange required for updates"
    assert str(Verdict.NOT_FUNCTIONING) == "not functioning"
    assert str(OperationalStatus.PROTOCOL_MISMATCH) == "Protocol Mismatch"
    assert str(OperationalStatus.OK) == "OK"
    assert str(Feature.GUEST_IP_REPORTING) == "guest IP reporting"
    assert str(vmic.parse_os("Windows Server 2019").product) == "Windows Server 2019"
    assert (str(CheckState.CRITICAL), int(CheckState.CRITICAL)) == ("CRITICAL", 2)
    assert repr(IntegrationService.HEARTBEAT) == "IntegrationService.HEARTBEAT"


def test_words_keeps_names_and_acronyms_as_written() -> None:
    assert words("vm_not_running") == "VM not running"
    assert words("windows_update_integration_services") == "Windows Update integration services"
    assert words("hyperv_sockets") == "Hyper-V sockets"
    assert words("powershell_direct") == "PowerShell Direct"
    assert words("not_available_on_guest_os") == "not available on guest OS"
