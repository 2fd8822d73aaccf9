"""The specification's both-sides rules, seen only through the clients.

"If you start a service in the guest operating system but it is disabled in Hyper-V,
the service will stop. If you stop a service in the guest operating system that is
enabled in Hyper-V, Hyper-V will eventually start it again. If you disable the service
in the guest, Hyper-V will be unable to start it." (Manage Hyper-V Integration
Services, 2020), and the newer revision's "When you enable a service in the host, it
automatically starts running in the guest."
"""

from __future__ import annotations

import pytest

from vmic import IntegrationService, OperationalStatus, StartType, WindowsServiceStatus
from vmic.clients import HyperVHost, LinuxGuest, WindowsGuest
from vmic.testing import FakeHyperVHost

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION


@pytest.fixture
def lab() -> FakeHyperVHost:
    host = FakeHyperVHost("HV01")
    host.add_vm("win", "Windows Server 2019")
    host.add_vm("linux", "Ubuntu 22.04")
    host.add_vm("rhel", "Red Hat Enterprise Linux 9")
    return host


def _status(guest: WindowsGuest, name: str) -> WindowsServiceStatus:
    record = guest.observe().service(name)
    assert record is not None
    assert record.status is not None
    return record.status


def _host_status(
    host: HyperVHost, vm: str, service: IntegrationService
) -> OperationalStatus | None:
    (entry,) = host.integration_services(vm)
    component = entry.service(service)
    assert component is not None
    return component.primary_status


def test_enabling_on_the_host_starts_the_guest_service(lab: FakeHyperVHost) -> None:
    host = HyperVHost(lab)
    guest = WindowsGuest(lab.guest_executor("win"))
    assert _status(guest, "vmicguestinterface") is WindowsServiceStatus.STOPPED
    host.enable("win", GSI)
    assert _status(guest, "vmicguestinterface") is WindowsServiceStatus.RUNNING
    assert _host_status(host, "win", GSI) is OperationalStatus.OK
    host.disable("win", GSI)
    assert _status(guest, "vmicguestinterface") is WindowsServiceStatus.STOPPED


def test_hyperv_restarts_a_service_stopped_in_the_guest(lab: FakeHyperVHost) -> None:
    host = HyperVHost(lab)
    guest = WindowsGuest(lab.guest_executor("win"))
    assert guest.stop("vmictimesync").status is WindowsServiceStatus.STOPPED
    assert _status(guest, "vmictimesync") is WindowsServiceStatus.STOPPED
    assert _host_status(host, "win", TIMESYNC) is OperationalStatus.LOST_COMMUNICATION
    lab.settle()
    assert _status(guest, "vmictimesync") is WindowsServiceStatus.RUNNING
    assert _host_status(host, "win", TIMESYNC) is OperationalStatus.OK


def test_disabled_startup_keeps_hyperv_from_starting_it(lab: FakeHyperVHost) -> None:
    host = HyperVHost(lab)
    guest = WindowsGuest(lab.guest_executor("win"))
    guest.set_startup("vmicvss", StartType.DISABLED)
    guest.stop("vmicvss")
    lab.settle()
    assert _status(guest, "vmicvss") is WindowsServiceStatus.STOPPED
    # Turning it off and on at the host does not start it either.
    host.disable("win", VSS)
    host.enable("win", VSS)
    lab.settle()
    assert _status(guest, "vmicvss") is WindowsServiceStatus.STOPPED
    assert _host_status(host, "win", VSS) is OperationalStatus.LOST_COMMUNICATION
    # Once the startup type allows it, Hyper-V starts it again.
    guest.set_startup("vmicvss", StartType.MANUAL)
    lab.settle()
    assert _status(guest, "vmicvss") is WindowsServiceStatus.RUNNING


def test_a_service_started_in_the_guest_while_disabled_on_the_host_stops_again(
    lab: FakeHyperVHost,
) -> None:
    guest = WindowsGuest(lab.guest_executor("win"))
    assert guest.start("vmicguestinterface").status is WindowsServiceStatus.RUNNING
    assert _status(guest, "vmicguestinterface") is WindowsServiceStatus.RUNNING
    lab.settle()
    assert _status(guest, "vmicguestinterface") is WindowsServiceStatus.STOPPED


@pytest.mark.parametrize(("vm", "daemon"), [("linux", "hv_kvp_daemon"), ("rhel", "hypervkvpd")])
def test_hyperv_never_restarts_a_linux_daemon(lab: FakeHyperVHost, vm: str, daemon: str) -> None:
    host = HyperVHost(lab)
    guest = LinuxGuest(lab.guest_executor(vm))
    entry = guest.observe().service(KVP)
    assert entry is not None
    assert (entry.name, entry.running) == (daemon, True)
    assert guest.stop(KVP) == "systemd"
    lab.settle()
    entry = guest.observe().service(KVP)
    assert entry is not None
    assert not entry.running
    assert _host_status(host, vm, KVP) is OperationalStatus.LOST_COMMUNICATION
    assert guest.start(daemon) == "systemd"
    entry = guest.observe().service(KVP)
    assert entry is not None
    assert entry.running
    assert _host_status(host, vm, KVP) is OperationalStatus.OK


def test_disabling_on_the_host_stops_a_linux_daemon(lab: FakeHyperVHost) -> None:
    host = HyperVHost(lab)
    guest = LinuxGuest(lab.guest_executor("linux"))
    host.disable("linux", VSS)
    entry = guest.observe().service(VSS)
    assert entry is not None
    assert not entry.running
    host.enable("linux", VSS)
    entry = guest.observe().service(VSS)
    assert entry is not None
    assert entry.running
