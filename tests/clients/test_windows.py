"""WindowsGuest against the simulated guests: REG QUERY, Get-Service, service actions."""

from __future__ import annotations

import pytest
from packaging.version import Version

from vmic import (
    ConfigurationError,
    ConnectionFailedError,
    GuestOnlyService,
    IntegrationService,
    InvalidTransitionError,
    ParseError,
    Product,
    StartType,
    UnknownCommandError,
    UnknownServiceError,
    WindowsServiceStatus,
)
from vmic.clients import GuestCommandError, GuestPowerShellError, WindowsGuest
from vmic.testing import FakeHyperVHost, Fault

VSS = IntegrationService.VSS
GSI = IntegrationService.GUEST_SERVICE_INTERFACE


def _guest(
    guest_os: str = "Windows Server 2019", **options: object
) -> tuple[FakeHyperVHost, WindowsGuest]:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("vm", guest_os, **options)  # type: ignore[arg-type]
    return lab, WindowsGuest(lab.guest_executor("vm"))


def test_observe_is_one_command_with_version_services_and_os() -> None:
    lab, guest = _guest("Windows Server 2016")
    observation = guest.observe()
    commands = lab.vm("vm").guest_executor().commands
    assert [c.action for c in commands] == ["observe-windows"]
    assert observation.integration_services_version == Version("10.0.14393.1")
    assert observation.os is not None
    assert observation.os.product is Product.WINDOWS_SERVER_2016
    names = [record.name for record in observation.services or ()]
    assert names == sorted(names)
    assert set(names) == {
        "vmicguestinterface",
        "vmicheartbeat",
        "vmickvpexchange",
        "vmicrdv",
        "vmicshutdown",
        "vmictimesync",
        "vmicvmsession",
        "vmicvss",
    }
    heartbeat = observation.service("vmicheartbeat")
    assert heartbeat is not None
    assert heartbeat.status is WindowsServiceStatus.RUNNING
    assert heartbeat.start_type is StartType.MANUAL
    # Off on the host by default, so stopped in the guest; PowerShell Direct idles stopped.
    for idle in ("vmicguestinterface", "vmicvmsession"):
        record = observation.service(idle)
        assert record is not None
        assert record.status is WindowsServiceStatus.STOPPED


def test_older_guests_lack_newer_services() -> None:
    lab, guest = _guest("Windows Server 2008 R2 SP1")
    lab.vm("vm").powershell_version = "5.1"  # WMF 5.1 installed: 2008 R2 ships 2.0
    names = {record.name for record in guest.services()}
    assert "vmicguestinterface" not in names
    assert "vmicvmsession" not in names
    assert "vmicheartbeat" in names
    with pytest.raises(GuestCommandError, match="not installed") as info:
        guest.start(GSI)
    assert info.value.reason == "not-installed"
    assert isinstance(info.value, InvalidTransitionError)


def test_a_powershell_2_guest_says_it_needs_powershell_3() -> None:
    lab, guest = _guest("Windows 7")
    assert lab.vm("vm").powershell_version == Version("2.0")  # as Windows 7 SP1 ships
    with pytest.raises(GuestPowerShellError, match=r"needs PowerShell 3\.0 in the guest \(WMF"):
        guest.observe()
    with pytest.raises(GuestPowerShellError) as info:
        guest.start("vmicvss")
    assert info.value.version == "2.0"
    # REG QUERY runs on 2.0: reading the version needs no newer PowerShell.
    assert guest.integration_services_version() == lab.vm("vm").integration_services_version
    lab.vm("vm").powershell_version = "5.1"  # WMF 5.1 installed
    assert guest.observe().service("vmicvss") is not None


def test_integration_services_version_from_reg_query() -> None:
    lab, guest = _guest("Windows Server 2012 R2")
    assert guest.integration_services_version() == Version("6.3.9600.19456")
    lab.vm("vm").make_outdated()
    assert guest.integration_services_version() == Version("6.3.9600.16384")
    lab.vm("vm").update_integration_services("6.3.9600.20000")
    assert guest.integration_services_version() == Version("6.3.9600.20000")


def test_version_is_none_without_integration_services() -> None:
    _, guest = _guest(installed=False)
    assert guest.integration_services_version() is None
    observation = guest.observe()
    assert observation.integration_services_version is None
    assert observation.services == ()


def test_stop_start_and_startup_type_return_the_state_afterwards() -> None:
    lab, guest = _guest()
    stopped = guest.stop("vmicvss")
    assert stopped.name == "vmicvss"
    assert stopped.status is WindowsServiceStatus.STOPPED
    disabled = guest.set_startup(VSS, StartType.DISABLED)
    assert disabled.start_type is StartType.DISABLED
    assert disabled.status is WindowsServiceStatus.STOPPED
    with pytest.raises(GuestCommandError, match="startup type Disabled") as info:
        guest.start("Hyper-V Volume Shadow Copy Requestor")
    assert info.value.reason == "startup-disabled"
    assert guest.set_startup("vss", "manual").start_type is StartType.MANUAL
    assert guest.start(VSS).status is WindowsServiceStatus.RUNNING
    actions = [c.action for c in lab.vm("vm").guest_executor().commands]
    assert actions == [
        "stop-service",
        "set-service",
        "start-service",
        "set-service",
        "start-service",
    ]
    for recorded in lab.vm("vm").guest_executor().commands:
        assert recorded.command.parameters["Name"] == "vmicvss"
        assert "vmicvss" not in recorded.command.script


def test_guest_only_services_can_be_acted_on_in_the_guest() -> None:
    _, guest = _guest()
    record = guest.start(GuestOnlyService.POWERSHELL_DIRECT)
    assert record.name == "vmicvmsession"
    assert record.status is WindowsServiceStatus.RUNNING


def test_bad_arguments_are_refused_before_anything_runs() -> None:
    lab, guest = _guest()
    with pytest.raises(ConfigurationError, match="Automatic, Manual or Disabled"):
        guest.set_startup(VSS, StartType.BOOT)
    with pytest.raises(ConfigurationError):
        guest.set_startup(VSS, "sometimes")
    with pytest.raises(UnknownServiceError):
        guest.stop("spooler")
    assert lab.vm("vm").guest_executor().commands == []


def test_unreachable_guests_raise() -> None:
    lab, guest = _guest()
    lab.vm("vm").power_off()
    with pytest.raises(ConnectionFailedError, match="the VM is off"):
        guest.observe()
    lab.vm("vm").power_on()
    assert guest.observe().services
    lab.vm("vm").guest_fault = Fault.garbage()
    with pytest.raises(ParseError):
        guest.observe()


def test_a_linux_guest_does_not_understand_windows_scripts() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("web", "Ubuntu 22.04")
    with pytest.raises(UnknownCommandError, match="HV01/web does not understand"):
        WindowsGuest(lab.guest_executor("web")).observe()
