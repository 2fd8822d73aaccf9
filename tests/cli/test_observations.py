"""Saved observations: each host as the audit saw it, every VM with the guest asked for it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from vmic import Guest, GuestUnreachable, StartType
from vmic.cli._observations import ObservationRecorder, report_from_file
from vmic.connect import HostTarget
from vmic.convert import read_observations
from vmic.executors import Credential
from vmic.fleet import audit
from vmic.rules import Cause
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from pathlib import Path

    from vmic import VM
    from vmic.executors import Executor

ACCOUNT = Credential("lab\\admin", "s3cret-Pa55")


def _twins() -> FakeHyperVHost:
    """Two running Windows VMs of one name (Hyper-V allows it), one of them with VSS broken."""
    host = FakeHyperVHost("HV-TWINS")
    host.add_vm("web", "Windows Server 2019", vm_id=uuid.UUID(int=1))
    broken = host.add_vm("web", "Windows Server 2019", vm_id=uuid.UUID(int=2))
    broken.set_startup("VSS", StartType.DISABLED)
    broken.stop_service("VSS")
    host.add_vm("db", "Ubuntu 22.04")
    return host


def _reach(host: FakeHyperVHost) -> HostTarget:
    def reach(vm: VM) -> Executor:
        assert vm.id is not None
        return host.guest_executor(uuid.UUID(vm.id))  # by id: the names repeat

    return HostTarget.for_executor(host, guests=reach, timeout=5.0)


def test_two_vms_of_one_name_are_each_audited_and_saved_with_their_own_guest(
    tmp_path: Path,
) -> None:
    host = _twins()
    recorder = ObservationRecorder()
    report = audit([recorder.wrap(_reach(host))])
    (result,) = report.results
    assert result.diagnosis is not None
    healthy, broken, db = result.diagnosis.vms
    assert (healthy.vm, broken.vm, db.vm) == ("web", "web", "db")
    assert healthy.findings == ()
    assert [f.cause for f in broken.findings] == [Cause.GUEST_STARTUP_DISABLED]
    assert {vm.guest_view.value for vm in result.diagnosis.vms} == {"observed"}
    (path,) = recorder.save(str(tmp_path), report)
    saved = read_observations(path.read_text(encoding="utf-8"))
    assert [vm.id for vm in saved.vms] == [vm.vm_id for vm in result.diagnosis.vms]
    assert all(isinstance(vm.guest, Guest) for vm in saved.vms)
    again = report_from_file(str(path), vm=None, features=())
    assert again.results[0].diagnosis == result.diagnosis


def test_guests_the_host_asked_itself_are_saved_too(tmp_path: Path) -> None:
    host = FakeHyperVHost("HV-FAN")
    host.add_vm("win", "Windows Server 2022")
    host.add_vm("old", "Windows Server 2012 R2")  # no PowerShell Direct: unreachable
    host.add_vm("lin", "Ubuntu 22.04")
    target = HostTarget.for_executor(
        host, guests=lambda vm: host.guest_executor(vm.name), timeout=5.0, fan_out=ACCOUNT
    )
    recorder = ObservationRecorder()
    report = audit([recorder.wrap(target)])
    assert [c.action for c in host.commands] == ["inventory-guests"]
    (path,) = recorder.save(str(tmp_path), report)
    saved = read_observations(path.read_text(encoding="utf-8"))
    guests = {vm.name: vm.guest for vm in saved.vms}
    assert isinstance(guests["win"], Guest)
    assert guests["win"].is_windows
    assert isinstance(guests["old"], GuestUnreachable)
    assert isinstance(guests["lin"], Guest)
    assert guests["lin"].is_linux
    again = report_from_file(str(path), vm=None, features=())
    assert again.results[0].diagnosis == report.results[0].diagnosis
