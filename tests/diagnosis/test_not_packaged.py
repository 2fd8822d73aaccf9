"""A distribution release that packages no daemon for a service: its own finding, honest fixes."""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING

import pytest

from tests import _diagnosis_builders as b
from vmic import IntegrationService
from vmic.clients import HyperVHost, LinuxGuest
from vmic.diagnosis import diagnose
from vmic.diagnosis._guest import diagnose_linux_guest
from vmic.diagnosis._results import Verdict
from vmic.errors import ConfigurationError
from vmic.rules._causes import Cause
from vmic.rules._plans import StepRole
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from vmic.diagnosis._results import Finding, VMDiagnosis

GSI = IntegrationService.GUEST_SERVICE_INTERFACE


def _lab_guest(os_text: str, *, gsi: bool) -> tuple[FakeHyperVHost, VMDiagnosis]:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("g", os_text)
    if gsi:
        vm.enable_on_host(GSI)
    observation = LinuxGuest(lab.guest_executor("g")).observe()
    return lab, diagnose(b.with_guests(HyperVHost(lab).observe(), {"g": observation})).vms[0]


def _words(finding: Finding) -> str:
    parts = [finding.explanation]
    for fix in finding.fixes:
        parts.extend((fix.title, fix.detail, *fix.commands))
    return "\n".join(parts)


def test_debian_13_with_guest_service_interface_on_gets_not_packaged() -> None:
    _lab, vm = _lab_guest("Debian GNU/Linux 13 (trixie)", gsi=True)
    (finding,) = vm.findings
    assert finding.cause is Cause.NOT_PACKAGED
    assert finding.service is GSI
    assert finding.verdict is Verdict.NOT_AVAILABLE
    assert "Debian 13's hyperv-daemons provides no file-copy daemon" in finding.explanation
    assert "Copy-VMFile cannot work in this guest" in finding.explanation
    assert any("6.10-1~exp1" in s for s in finding.sources)  # the changelog entry that says so
    # No fix anywhere starts, installs or names a unit that does not exist.
    for entry in vm.findings:
        text = _words(entry)
        assert "hv-fcopy-daemon" not in text
        assert "systemctl" not in text
    instead, build, disable = finding.fixes
    assert "another way" in instead.title
    assert not instead.automatable
    assert "hv_fcopy_uio_daemon" in build.title
    assert "tools/hv" in build.detail
    assert build.role is StepRole.ALTERNATIVE
    assert disable.role is StepRole.ALTERNATIVE
    assert "Disable-VMIntegrationService" in disable.commands[0]
    (gsi,) = [s for s in vm.services if s.service is GSI]
    assert gsi.guest_state == "no daemon packaged"


def test_debian_12_with_guest_service_interface_on_stays_healthy() -> None:
    _lab, vm = _lab_guest("Debian GNU/Linux 12 (bookworm)", gsi=True)
    assert vm.findings == ()
    (gsi,) = [s for s in vm.services if s.service is GSI]
    assert gsi.verdict is Verdict.FUNCTIONING
    assert gsi.guest_state == "hv_fcopy_daemon running"


def test_debian_13_with_guest_service_interface_off_has_no_finding() -> None:
    _lab, vm = _lab_guest("Debian GNU/Linux 13", gsi=False)
    assert vm.findings == ()
    (gsi,) = [s for s in vm.services if s.service is GSI]
    assert gsi.verdict is Verdict.NOT_AVAILABLE
    assert gsi.causes == (Cause.NOT_PACKAGED,)


def test_debian_13_not_asked_is_judged_from_its_operating_system() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("g", "Debian GNU/Linux 13").enable_on_host(GSI)
    vm = diagnose(HyperVHost(lab).observe()).vms[0]
    assert [f.cause for f in vm.findings if f.service is GSI] == [Cause.NOT_PACKAGED]


def test_a_file_copy_daemon_built_by_hand_counts_while_it_runs() -> None:
    from vmic.clients import _linux  # noqa: PLC0415 - the observation's reader under test
    from vmic.parsers._linux import daemon_pids  # noqa: PLC0415

    lab = FakeHyperVHost("HV01")
    lab.add_vm("g", "Debian GNU/Linux 13")
    guest = LinuxGuest(lab.guest_executor("g"), distribution="debian", version="13")
    running = daemon_pids("root 4242 1 0 09:00 ? 00:00:00 /usr/local/sbin/hv_fcopy_uio_daemon")
    seen = _linux._Seen(available=set(), paths=set(), processes=running, units={}, status={})
    entry = guest._daemon(GSI, seen)
    assert entry is not None
    assert (entry.name, entry.running, entry.pid) == ("hv_fcopy_uio_daemon", True, 4242)


def test_freebsd_file_copy_is_not_packaged_and_no_fix_names_an_rc_d_script() -> None:
    _lab, vm = _lab_guest("FreeBSD 14.1", gsi=True)
    causes = [(f.service, f.cause) for f in vm.findings]
    assert causes == [(GSI, Cause.NOT_PACKAGED)]
    (finding,) = vm.findings
    assert "devd" in finding.explanation
    assert len(finding.fixes) == 2  # another transfer, or turn it off: nothing to build
    for fix in finding.fixes:
        assert "rc.d" not in _words(finding)
        assert "service " not in " ".join(fix.commands)


def test_the_client_refuses_to_install_or_start_what_is_not_packaged() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("g", "Debian GNU/Linux 13")
    guest = LinuxGuest(lab.guest_executor("g"))
    with pytest.raises(ConfigurationError, match="no file-copy daemon"):
        guest.install(GSI)
    with pytest.raises(ConfigurationError, match="no file-copy daemon"):
        guest.start(GSI)


def test_vmic_guest_notes_what_the_release_does_not_package() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("g", "Debian GNU/Linux 13")
    report = diagnose_linux_guest(LinuxGuest(lab.guest_executor("g")).observe())
    assert report.healthy
    assert any("provides no file-copy daemon" in note for note in report.notes)
    assert "hv-fcopy-daemon" not in json.dumps(report.to_dict())


def test_doctor_json_of_a_debian_13_lab_guest() -> None:
    _lab, vm = _lab_guest("Debian GNU/Linux 13", gsi=True)
    data = vm.to_dict()
    (finding,) = data["findings"]
    assert finding["cause"] == "not_packaged"
    for fix in finding["fixes"]:
        for command in fix["commands"]:
            assert "systemctl" not in shlex.split(command)
