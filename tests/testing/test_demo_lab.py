"""The demonstration estate shows every planted problem through the clients, and nothing else.

Every check reads the lab the way a user would: HyperVHost on the host executors,
WindowsGuest or LinuxGuest on the guest executors. Nothing looks at the lab's state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from packaging.version import Version

from vmic import (
    ConfigurationError,
    IntegrationService,
    OperationalStatus,
    Product,
    StartType,
    WindowsServiceStatus,
)
from vmic.clients import HyperVHost, LinuxGuest, WindowsGuest
from vmic.executors import Command, Shell
from vmic.model._linux_records import ModuleStatus
from vmic.model._records import IntegrationServicesState
from vmic.rules._causes import Cause
from vmic.testing import DemoLab, PlantedProblem, demo_lab

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.model._guest import Guest
    from vmic.model._host import VM, Host

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION
GSI = IntegrationService.GUEST_SERVICE_INTERFACE

# Which guests are Linux is something a user knows about their own VMs.
LINUX = {"rhel-db", "web01", "ubuntu-backup", "web03"}


class View:
    """Everything the clients report about the lab, read once."""

    def __init__(self, lab: DemoLab) -> None:
        self.hosts: dict[str, Host] = {host.name: HyperVHost(host).observe() for host in lab.hosts}
        self.guests: dict[tuple[str, str], Guest] = {}
        for name, observation in self.hosts.items():
            for vm in observation.vms:
                executor = lab.guest_executor(name, vm.name)
                guest = (
                    LinuxGuest(executor).observe()
                    if vm.name in LINUX
                    else WindowsGuest(executor).observe()
                )
                self.guests[name, vm.name] = guest

    def vm(self, host: str, name: str) -> VM:
        found = self.hosts[host].vm(name)
        assert found is not None
        return found

    def windows(self, host: str, name: str) -> Guest:
        guest = self.guests[host, name]
        assert guest.is_windows
        return guest

    def linux(self, host: str, name: str) -> Guest:
        guest = self.guests[host, name]
        assert guest.is_linux
        return guest


def _enabled(vm: VM, service: IntegrationService) -> bool:
    component = vm.service(service)
    assert component is not None
    return component.enabled


def _startup_disabled(view: View, problem: PlantedProblem) -> None:
    assert problem.service is VSS
    assert _enabled(view.vm(problem.host, problem.vm), VSS)
    record = view.windows(problem.host, problem.vm).service("vmicvss")
    assert record is not None
    assert (record.status, record.start_type) == (WindowsServiceStatus.STOPPED, StartType.DISABLED)


def _disabled_on_host(view: View, problem: PlantedProblem) -> None:
    assert isinstance(problem.service, IntegrationService)
    assert not _enabled(view.vm(problem.host, problem.vm), problem.service)


def _data_exchange_for_updates(view: View, problem: PlantedProblem) -> None:
    host = view.hosts[problem.host]
    assert host.os is not None
    assert (host.os.product.nt_version or (0, 0)) >= (10, 0)  # a 2016-or-later host
    guest = view.windows(problem.host, problem.vm)
    assert guest.os is not None
    assert guest.os.product is Product.WINDOWS_7
    assert not _enabled(view.vm(problem.host, problem.vm), KVP)


def _outdated(view: View, problem: PlantedProblem) -> None:
    vm = view.vm(problem.host, problem.vm)
    assert vm.integration_services_state is IntegrationServicesState.UPDATE_REQUIRED
    assert any(c.secondary_status is OperationalStatus.PROTOCOL_MISMATCH for c in vm.services)
    version = view.windows(problem.host, problem.vm).integration_services_version
    assert version is not None
    assert version < Version("6.3.9600.19456")


def _daemon_not_installed(view: View, problem: PlantedProblem) -> None:
    assert problem.service is KVP
    guest = view.linux(problem.host, problem.vm)
    assert guest.distribution == "rhel"
    entry = guest.service(KVP)
    assert entry is not None
    assert (entry.name, entry.installed, entry.running) == ("hypervkvpd", False, False)
    component = view.vm(problem.host, problem.vm).service(KVP)
    assert component is not None
    assert component.enabled
    assert component.primary_status is OperationalStatus.NO_CONTACT


def _daemon_not_running(view: View, problem: PlantedProblem) -> None:
    assert problem.service is VSS
    entry = view.linux(problem.host, problem.vm).service(VSS)
    assert entry is not None
    assert (entry.installed, entry.running) == (True, False)
    assert _enabled(view.vm(problem.host, problem.vm), VSS)


EVIDENCE: dict[Cause, Callable[[View, PlantedProblem], None]] = {
    Cause.GUEST_STARTUP_DISABLED: _startup_disabled,
    Cause.DISABLED_ON_HOST: _disabled_on_host,
    Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES: _data_exchange_for_updates,
    Cause.INTEGRATION_SERVICES_OUTDATED: _outdated,
    Cause.DAEMON_NOT_INSTALLED: _daemon_not_installed,
    Cause.DAEMON_NOT_RUNNING: _daemon_not_running,
}


@pytest.fixture(scope="module")
def lab() -> DemoLab:
    return demo_lab()


@pytest.fixture(scope="module")
def view(lab: DemoLab) -> View:
    return View(lab)


def test_the_lab_has_an_english_and_a_german_host(lab: DemoLab, view: View) -> None:
    assert [host.locale for host in lab.hosts] == ["en-US", "de-DE"]
    names = {c.name for vm in view.hosts["HV-BERLIN"].vms for c in vm.services}
    assert {"Takt", "Zeitsynchronisierung", "Gastdienstschnittstelle"} <= names


def test_the_planted_list_covers_what_was_asked_for(lab: DemoLab) -> None:
    planted = {(p.host, p.vm, p.service, p.cause) for p in lab.planted}
    assert planted == {
        ("HV01", "sql01", VSS, Cause.GUEST_STARTUP_DISABLED),
        ("HV01", "legacy-win7", KVP, Cause.DISABLED_ON_HOST),
        ("HV01", "legacy-win7", KVP, Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES),
        ("HV01", "app2012r2", None, Cause.INTEGRATION_SERVICES_OUTDATED),
        ("HV01", "rhel-db", KVP, Cause.DAEMON_NOT_INSTALLED),
        ("HV-BERLIN", "fs01", TIMESYNC, Cause.DISABLED_ON_HOST),
        ("HV-BERLIN", "ubuntu-backup", VSS, Cause.DAEMON_NOT_RUNNING),
    }
    assert len(lab.healthy) >= 4
    assert {host for host, _ in lab.healthy} == {"HV01", "HV-BERLIN"}


@pytest.mark.parametrize("index", range(7))
def test_each_planted_problem_shows_through_the_clients(
    lab: DemoLab, view: View, index: int
) -> None:
    problem = lab.planted[index]
    EVIDENCE[problem.cause](view, problem)


def test_healthy_vms_show_no_problem(lab: DemoLab, view: View) -> None:
    for host_name, vm_name in lab.healthy:
        assert lab.problems(host_name, vm_name) == ()
        vm = view.vm(host_name, vm_name)
        assert vm.integration_services_state is not IntegrationServicesState.UPDATE_REQUIRED
        for component in vm.services:
            assert component.service is not None
            assert component.enabled is component.service.info.default_enabled
            assert component.primary_status is OperationalStatus.OK
            assert component.secondary_status in {None, OperationalStatus.OK}
        guest = view.guests[host_name, vm_name]
        if guest.is_linux:
            assert guest.hv_utils is ModuleStatus.LOADED
            for entry in guest.services or ():
                assert entry.installed
                assert entry.running is (entry.service is not GSI)
        else:
            for service in IntegrationService:
                record = guest.service(service.info.windows_service)
                assert record is not None
                expected = (
                    WindowsServiceStatus.RUNNING
                    if service.info.default_enabled
                    else WindowsServiceStatus.STOPPED
                )
                assert record.status is expected
                assert record.start_type is not StartType.DISABLED


def test_planted_problems_do_not_heal_with_time() -> None:
    lab = demo_lab()
    for host in lab.hosts:
        host.settle()
    view = View(lab)
    for problem in lab.planted:
        EVIDENCE[problem.cause](view, problem)


def test_every_call_builds_a_fresh_lab() -> None:
    first = demo_lab()
    HyperVHost(first.host("HV01")).enable("sql01", GSI)
    second = demo_lab()
    (entry,) = HyperVHost(second.host("HV01")).integration_services("sql01")
    assert not _enabled(entry, GSI)
    assert second.host("HV01").commands[-1].action == "inventory"
    assert len(second.host("HV01").commands) == 1


def test_lab_lookups(lab: DemoLab) -> None:
    assert lab.host("HV-BERLIN").locale == "de-DE"
    with pytest.raises(ConfigurationError, match="no host 'HV03'"):
        lab.host("HV03")
    executor = lab.guest_executor("HV01", "web01")
    assert executor is lab.host("HV01").guest_executor("web01")
    assert [str(p) for p in lab.problems("HV01", "legacy-win7")] == [
        "HV01/legacy-win7: key_value_pair_exchange -> disabled_on_host",
        "HV01/legacy-win7: key_value_pair_exchange -> data_exchange_required_for_updates",
    ]


def test_latency_applies_to_every_host() -> None:
    lab = demo_lab(latency=0.001)
    assert all(host.latency == 0.001 for host in lab.hosts)
    result = lab.guest_executor("HV-BERLIN", "web03").run(Command(Shell.POSIX, "lsmod"))
    assert result.duration == 0.001
