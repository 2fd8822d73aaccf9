"""Time-sync posture findings: read by the guest clients, judged by the diagnosis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests import _diagnosis_builders as b
from vmic.clients import HyperVHost, LinuxGuest, WindowsGuest
from vmic.clients._linux import parse_time_sync
from vmic.diagnosis import diagnose
from vmic.executors import Shell
from vmic.model._time_sync import VMIC_SOURCE, WindowsTimeSync
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from vmic.diagnosis._results import VMDiagnosis

TIME = "Time Synchronization"
_TIME_CAUSES = {
    Cause.TIME_SYNC_DC_FROM_HOST,
    Cause.TIME_SYNC_MEMBER_FROM_HOST,
    Cause.TIME_SYNC_NO_PTP_REFCLOCK,
    Cause.TIME_SYNC_NO_SOURCE,
}


def _diagnosis(lab: FakeHyperVHost, name: str) -> VMDiagnosis:
    vm = lab.vm(name)
    executor = lab.guest_executor(name)
    guest = (
        WindowsGuest(executor).observe()
        if vm.guest_os.is_windows
        else LinuxGuest(executor).observe()
    )
    return diagnose(b.with_guests(HyperVHost(lab).observe(), {name: guest})).vms[0]


def _time_causes(diagnosis: VMDiagnosis) -> list[Cause]:
    return [f.cause for f in diagnosis.findings if f.cause in _TIME_CAUSES]


def test_a_dc_taking_time_from_the_host_gets_the_finding_and_not_once_the_provider_is_off() -> None:
    lab = FakeHyperVHost("HV01")
    dc = lab.add_vm("dc01", "Windows Server 2022")
    dc.clock.domain_role = 5
    diagnosis = _diagnosis(lab, "dc01")
    (finding,) = [f for f in diagnosis.findings if f.cause is Cause.TIME_SYNC_DC_FROM_HOST]
    assert "DomainRole is 5" in finding.explanation
    assert "VMICTimeProvider Enabled is 1" in finding.explanation
    host_fix, guest_fix = finding.fixes
    assert host_fix.shell is Shell.POWERSHELL
    assert "Disable-VMIntegrationService" in host_fix.commands[0]
    assert "2497F4DE-E9FA-4204-80E4-4B75C46419C0" in host_fix.commands[0]
    assert guest_fix.commands[0] == (
        r"reg add HKLM\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders"
        r"\VMICTimeProvider /v Enabled /t REG_DWORD /d 0 /f"
    )
    assert "w32tm /config /syncfromflags:DOMHIER /update" in guest_fix.commands
    dc.clock.vmic_provider = False
    assert _time_causes(_diagnosis(lab, "dc01")) == []


def test_a_dc_whose_host_time_sync_is_off_has_no_dc_finding() -> None:
    lab = FakeHyperVHost("HV01")
    dc = lab.add_vm("dc01", "Windows Server 2022")
    dc.clock.domain_role = 5
    dc.disable_on_host(TIME)
    assert Cause.TIME_SYNC_DC_FROM_HOST not in _time_causes(_diagnosis(lab, "dc01"))


def test_a_member_using_the_host_is_reported() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("app01", "Windows Server 2019").clock.domain_role = 3
    assert _time_causes(_diagnosis(lab, "app01")) == [Cause.TIME_SYNC_MEMBER_FROM_HOST]


def test_a_windows_guest_left_on_its_local_clock_is_a_finding() -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("app01", "Windows Server 2019")
    vm.clock.ntp_source = ""
    vm.disable_on_host(TIME)
    assert _time_causes(_diagnosis(lab, "app01")) == [Cause.TIME_SYNC_NO_SOURCE]


def test_linux_without_the_ptp_refclock_gets_the_chrony_line() -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("web01", "Ubuntu 22.04 LTS")
    assert _time_causes(_diagnosis(lab, "web01")) == []
    vm.clock.chrony = ("pool ntp.ubuntu.com iburst",)
    diagnosis = _diagnosis(lab, "web01")
    (finding,) = [f for f in diagnosis.findings if f.cause is Cause.TIME_SYNC_NO_PTP_REFCLOCK]
    assert "refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0" in finding.fixes[0].commands[0]
    vm.clock.ptp_hyperv = False
    assert _time_causes(_diagnosis(lab, "web01")) == []


def test_linux_with_host_time_sync_off_and_no_network_source() -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("web01", "Ubuntu 22.04 LTS")
    vm.disable_on_host(TIME)
    assert _time_causes(_diagnosis(lab, "web01")) == []  # chrony has a pool
    vm.clock.chrony = ("refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0",)
    assert _time_causes(_diagnosis(lab, "web01")) == [Cause.TIME_SYNC_NO_SOURCE]


def test_parse_time_sync_and_the_windows_posture() -> None:
    posture = parse_time_sync(
        "ptp /dev/ptp_hyperv\nchrony refclock PHC /dev/ptp_hyperv poll 3\n"
        "timesyncd NTP=ntp.example\ndaemon systemd-timesyncd\nnoise\n"
    )
    assert posture.ptp_refclock
    assert posture.timesyncd == ("NTP=ntp.example",)
    assert posture.any_source
    assert not parse_time_sync("").any_source
    windows = WindowsTimeSync(domain_role=4, vmic_provider_enabled=None, source=VMIC_SOURCE)
    assert windows.is_domain_controller
    assert windows.provider_on
    assert windows.source_is_host
    assert not WindowsTimeSync(domain_role=2).is_domain_member


def test_the_chrony_fix_writes_each_familys_file_and_restarts_its_service() -> None:
    expected = {
        "Debian GNU/Linux 12": ("/etc/chrony/chrony.conf", "sudo systemctl restart chrony"),
        "Rocky Linux 9.4": ("/etc/chrony.conf", "sudo systemctl restart chronyd"),
        "SUSE Linux Enterprise Server 15 SP5": (
            "/etc/chrony.conf",
            "sudo systemctl restart chronyd",
        ),
    }
    for os_text, (path, restart) in expected.items():
        lab = FakeHyperVHost("HV01")
        lab.add_vm("web01", os_text).clock.chrony = ("pool 2.pool.ntp.org iburst",)
        (finding,) = [
            f
            for f in _diagnosis(lab, "web01").findings
            if f.cause is Cause.TIME_SYNC_NO_PTP_REFCLOCK
        ]
        write, restart_command, check = finding.fixes[0].commands
        assert write.endswith(f"| sudo tee -a {path}"), os_text
        # Microsoft's two lines: the PHC refclock as stratum 2, and makestep 1.0 -1.
        assert "'refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0 stratum 2'" in write
        assert "'makestep 1.0 -1'" in write
        assert (restart_command, check) == (restart, "chronyc sources")
        unverified = any(s.startswith("Unverified for this distribution") for s in finding.sources)
        assert unverified is os_text.startswith("SUSE")
        assert "nverified" not in finding.fixes[0].detail
