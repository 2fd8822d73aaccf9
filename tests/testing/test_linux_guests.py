"""The lab's Linux and FreeBSD guests derive from the packaging facts, ps layout included."""

from __future__ import annotations

from tests import _diagnosis_builders as b
from vmic import IntegrationService
from vmic.clients import HyperVHost, LinuxGuest
from vmic.clients._scripts import script
from vmic.diagnosis import diagnose
from vmic.executors import Command, Shell
from vmic.model._linux import packaging_for
from vmic.model._linux_packaging import InitSystem, PsFormat
from vmic.parsers._linux import parse_ps
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS


def _ps_section(lab: FakeHyperVHost, name: str) -> str:
    command = script("linux-observe").command({"Units": (), "Paths": (), "Services": ()})
    stdout = lab.guest_executor(name).run(command).stdout
    return stdout.split("<<vmic:ps>>\n", 1)[1].split("<<vmic:", 1)[0]


def test_a_freebsd_guest_prints_bsd_ps_and_its_daemons_run_without_rc_d() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("bsd", "FreeBSD 14.1")
    section = _ps_section(lab, "bsd")
    assert section.splitlines()[0].split() == ["PID", "TT", "STAT", "TIME", "COMMAND"]
    daemons = {p.daemon for p in parse_ps(section)}
    assert {"hv_kvp_daemon", "hv_vss_daemon"} <= daemons
    assert "/sbin/devd" in section
    observation = LinuxGuest(lab.guest_executor("bsd")).observe()
    assert (observation.distribution, observation.init_system) == ("freebsd", InitSystem.RC_D)
    assert [(d.name, d.running, d.unit) for d in observation.services or ()] == [
        ("hv_kvp_daemon", True, None),
        ("hv_vss_daemon", True, None),
    ]
    assert (
        diagnose(b.with_guests(HyperVHost(lab).observe(), {"bsd": observation})).vms[0].findings
        == ()
    )


def test_a_stopped_freebsd_daemon_is_started_by_hand_never_through_rc_d() -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("bsd", "FreeBSD 14.1")
    vm.stop_service(KVP, method="signal")
    observation = LinuxGuest(lab.guest_executor("bsd")).observe()
    (finding,) = (
        diagnose(b.with_guests(HyperVHost(lab).observe(), {"bsd": observation})).vms[0].findings
    )
    assert finding.cause is Cause.DAEMON_NOT_RUNNING
    (fix,) = finding.fixes
    assert fix.commands == ("sudo /usr/sbin/hv_kvp_daemon", "pgrep -x hv_kvp_daemon")
    assert "devd" in fix.detail
    words = " ".join((finding.explanation, fix.title, fix.detail, *fix.commands))
    assert "rc.d" not in words
    assert "service " not in " ".join(fix.commands)
    # The fix's commands are ones the guest understands.
    guest = lab.guest_executor("bsd")
    assert guest.run(Command(Shell.POSIX, fix.commands[0])).exit_code == 0
    assert guest.run(Command(Shell.POSIX, fix.commands[1])).exit_code == 0


def test_an_alpine_guest_prints_busybox_ps_from_usr_bin() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("alp", "Alpine Linux 3.20")
    section = _ps_section(lab, "alp")
    assert section.splitlines()[0].split() == ["PID", "USER", "TIME", "COMMAND"]
    commands = [p.command for p in parse_ps(section) if p.daemon is not None]
    assert "/usr/bin/hv_kvp_daemon" in commands
    assert packaging_for("alpine").ps is PsFormat.BUSYBOX
    observation = LinuxGuest(lab.guest_executor("alp")).observe()
    kvp = observation.service(KVP)
    assert kvp is not None
    assert (kvp.name, kvp.running, kvp.path) == ("hv_kvp_daemon", True, "/usr/bin/hv_kvp_daemon")


def test_plain_ps_answers_in_the_guests_layout() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("alp", "Alpine Linux 3.20")
    lab.add_vm("deb", "Debian GNU/Linux 12")
    busybox = lab.guest_executor("alp").run(Command(Shell.POSIX, "ps -ef | grep hv")).stdout
    assert {p.daemon for p in parse_ps(busybox)} >= {"hv_kvp_daemon", "hv_vss_daemon"}
    assert busybox.split()[1] == "root"  # PID USER TIME COMMAND, no header after grep
    procps = lab.guest_executor("deb").run(Command(Shell.POSIX, "ps -ef")).stdout
    assert procps.split()[:8] == ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
