"""The distributions' Hyper-V daemon facts, and what vmic does with them (issue 10)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs
import pytest

from tests import _diagnosis_builders as b
from vmic import IntegrationService, OperatingSystem, Product, parse_os
from vmic.clients import LinuxGuest
from vmic.clients._scripts import marker, script
from vmic.diagnosis import diagnose_vm
from vmic.diagnosis._guest import diagnose_linux_guest
from vmic.executors._closing import Closing
from vmic.executors._result import Result
from vmic.model._linux import InitSystem, LinuxPackaging, all_packaging, packaging_for
from vmic.model._linux_records import ModuleStatus, UnitActiveState
from vmic.model._os_data import LINUX_IDS
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from vmic.executors._command import Command

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS
GSI = IntegrationService.GUEST_SERVICE_INTERFACE

# --- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize("row", all_packaging(), ids=lambda row: row.family)
def test_every_fact_has_a_provenance(row: LinuxPackaging) -> None:
    # A source names a package or a file: a spec, a package file list, a changelog.
    assert len(row.source) > 20
    assert re.search(r"spec|dpkg|changelog|package|PKGBUILD|script|base system", row.source)
    assert row.distributions, row.family
    assert row.name, row.family
    assert all(text.strip() for text in row.unverified)


def test_a_row_without_provenance_is_refused() -> None:
    row = packaging_for("debian", "12")
    with pytest.raises(ValueError, match="source"):
        attrs.evolve(row, source=" ")


def test_rows_do_not_overlap() -> None:
    for distribution in sorted({d for row in all_packaging() for d in row.distributions}):
        for major in range(1, 60):
            covering = [r.family for r in all_packaging() if r.covers(distribution, str(major))]
            assert len(covering) <= 1, (distribution, major, covering)


def test_every_linux_id_has_facts_and_every_fact_a_known_id() -> None:
    covered = {d for row in all_packaging() for d in row.distributions}
    assert covered == set(LINUX_IDS)  # FreeBSD included: parse_os knows it too


@pytest.mark.parametrize(
    ("distribution", "version", "kvp_daemon", "kvp_unit"),
    [
        ("debian", "10", "hv_kvp_daemon", "hyperv-daemons.hv-kvp-daemon.service"),
        ("debian", "11", "hv_kvp_daemon", "hv-kvp-daemon.service"),
        ("debian", "12", "hv_kvp_daemon", "hv-kvp-daemon.service"),
        ("debian", "13", "hv_kvp_daemon", "hv-kvp-daemon.service"),
        ("ubuntu", "20.04", "hv_kvp_daemon", "hv-kvp-daemon.service"),
        ("ubuntu", "24.04", "hv_kvp_daemon", "hv-kvp-daemon.service"),
        ("fedora", "41", "hv_kvp_daemon", "hypervkvpd.service"),
        ("fedora", "39", "hypervkvpd", "hypervkvpd.service"),
        ("rhel", "8", "hypervkvpd", "hypervkvpd.service"),
        ("centos", "7", "hypervkvpd", "hypervkvpd.service"),
        ("rocky", "9.4", "hypervkvpd", "hypervkvpd.service"),
        ("almalinux", "10", "hypervkvpd", "hypervkvpd.service"),
        ("sles", "15", "hv_kvp_daemon", "hv_kvp_daemon.service"),
        ("opensuse-leap", "15.5", "hv_kvp_daemon", "hv_kvp_daemon.service"),
        ("arch", None, "hv_kvp_daemon", "hv_kvp_daemon.service"),
        ("alpine", "3.20", "hv_kvp_daemon", "hv_kvp_daemon"),
        ("mariner", "2.0", "hypervkvpd", "hypervkvpd.service"),
        ("photon", "5.0", "hv_kvp_daemon", "hv_kvp_daemon.service"),
        ("freebsd", "14.1", "hv_kvp_daemon", None),
    ],
)
def test_facts_per_distribution_and_release(
    distribution: str, version: str | None, kvp_daemon: str, kvp_unit: str | None
) -> None:
    row = packaging_for(distribution, version)
    assert row.daemon_for(KVP) == kvp_daemon
    assert row.unit_for(KVP) == kvp_unit


def test_file_copy_and_init_system_per_distribution() -> None:
    assert packaging_for("fedora", "41").daemon_for(GSI) == "hv_fcopy_uio_daemon"
    assert packaging_for("fedora", "41").unit_for(GSI) == "hypervfcopyd.service"
    suse = packaging_for("sles", "15")
    assert suse.packages == ("hyper-v",)
    assert suse.unit_for(GSI, "hv_fcopy_uio_daemon") == "hv_fcopy_uio_daemon.service"
    assert suse.paths_for(KVP) == ("/usr/lib/hyper-v/bin/hv_kvp_daemon",)
    alpine = packaging_for("alpine")
    assert alpine.init is InitSystem.OPENRC
    assert alpine.packages == ("hvtools", "hvtools-openrc")
    assert alpine.directory == "/usr/bin"
    assert alpine.daemon_names_for(GSI) == ("hv_fcopy_daemon",)  # built from Linux 4.11: no UIO
    freebsd = packaging_for("freebsd")
    assert freebsd.init is InitSystem.RC_D
    assert freebsd.provides == frozenset({KVP, VSS})
    assert freebsd.all_units() == ()  # devd starts the daemons; no rc.d script exists
    assert "devd" in freebsd.started_by
    assert packaging_for("debian", "12").provides == frozenset({KVP, VSS, GSI})
    assert packaging_for("debian", "13").provides == frozenset({KVP, VSS})
    rhel10 = packaging_for("rhel", "10")
    assert (rhel10.daemon_for(KVP), rhel10.daemon_for(VSS)) == ("hypervkvpd", "hypervvssd")
    assert rhel10.daemon_for(GSI) == "hv_fcopy_uio_daemon"


@pytest.mark.parametrize(("distribution", "version"), [("debian", "13"), ("freebsd", "14.1")])
def test_a_release_without_a_file_copy_daemon_says_why(distribution: str, version: str) -> None:
    row = packaging_for(distribution, version)
    missing = row.missing(GSI)
    assert missing is not None
    assert "Copy-VMFile cannot work" in missing.reason
    assert row.daemon_for(GSI) is None
    assert row.unit_for(GSI) is None
    assert row.missing(KVP) is None


def test_a_row_cannot_both_ship_and_lack_a_daemon() -> None:
    row = packaging_for("debian", "13")
    with pytest.raises(ValueError, match="cannot have a daemon and none"):
        attrs.evolve(row, daemons={**row.daemons, GSI: "hv_fcopy_daemon"})


@pytest.mark.parametrize(
    ("distribution", "version", "path", "service"),
    [
        ("debian", "12", "/etc/chrony/chrony.conf", "chrony"),
        ("ubuntu", "24.04", "/etc/chrony/chrony.conf", "chrony"),
        ("rhel", "9", "/etc/chrony.conf", "chronyd"),
        ("fedora", "41", "/etc/chrony.conf", "chronyd"),
        ("sles", "15", "/etc/chrony.conf", "chronyd"),
    ],
)
def test_chrony_lives_where_each_family_puts_it(
    distribution: str, version: str, path: str, service: str
) -> None:
    chrony = packaging_for(distribution, version).chrony
    assert chrony is not None
    assert (chrony.path, chrony.service) == (path, service)
    assert chrony.source


def test_every_row_knows_chrony() -> None:
    assert all(row.chrony is not None for row in all_packaging())


# --- the operating system ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "distribution", "version"),
    [
        ("Fedora 41", "fedora", "41"),
        ("Debian GNU/Linux 12 (bookworm)", "debian", "12"),
        ("Debian GNU/Linux 10 (buster)", "debian", "10"),
        ("Debian bookworm", "debian", "12"),
        ("Ubuntu 24.04.1 LTS", "ubuntu", "24.04"),
        ("Rocky Linux 9.4 (Blue Onyx)", "rocky", "9.4"),
        ("AlmaLinux 8.10", "almalinux", "8.10"),
        ("Oracle Linux Server 8.9", "ol", "8.9"),
        ("openSUSE Leap 15.5", "opensuse-leap", "15.5"),
        ("Microsoft Azure Linux 3.0", "azurelinux", "3.0"),
        ("CBL-Mariner 2.0", "mariner", "2.0"),
        ("VMware Photon OS 5.0", "photon", "5.0"),
        ("Alpine Linux v3.20", "alpine", None),
    ],
)
def test_parse_os_keeps_distribution_and_release(
    text: str, distribution: str, version: str | None
) -> None:
    found = parse_os(text)
    assert (found.distribution, found.distribution_version) == (distribution, version)


def test_debian_10_is_not_debian_12() -> None:
    assert parse_os("Debian 10") != parse_os("Debian 12")
    # A Linux KVP OSVersion is the kernel release: not the distribution's.
    assert parse_os("Ubuntu", version="5.15.0").distribution_version is None
    assert parse_os("Ubuntu", version="22.04").distribution_version == "22.04"


# --- running, from the service manager -----------------------------------------------------------


class _Canned(Closing):
    """An executor that answers the Linux check with fixed sections."""

    def __init__(self, units: tuple[str, ...], **sections: str) -> None:
        self.units = units
        self.sections = sections

    def run(self, command: Command) -> Result:
        assert command.script == script("linux-observe").text
        sections = dict(self.sections)
        given = {block.split("Id=")[1].split("\n")[0]: block for block in self.units}
        asked = command.parameters["Units"]
        assert isinstance(asked, tuple)
        sections["systemctl"] = "\n".join(
            given.get(
                str(name),
                f"Id={name}\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n",
            )
            for name in asked
        )
        text = "".join(
            f"{marker(name.replace('_', '-'))}\n{body}" for name, body in sections.items()
        )
        return Result(
            command, stdout=text + marker("end") + "\n", stderr="", exit_code=0, duration=0
        )

    def close(self) -> None:
        pass


def _systemctl(*units: tuple[str, str, str, int]) -> tuple[str, ...]:
    return tuple(
        f"MainPID={pid}\nId={name}\nDescription=x\nLoadState=loaded\nActiveState={active}\n"
        f"SubState={sub}\nUnitFileState=enabled\n"
        for name, active, sub, pid in units
    )


_FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n'
_LSMOD = "Module Size Used by\nhv_utils 20480 0\nhv_vmbus 61440 1 hv_utils\n"
_PS = "UID PID PPID C STIME TTY TIME CMD\nroot 1 0 0 Jul11 ? 00:00:04 /usr/lib/systemd/systemd\n"


def _fedora_guest(kvp: tuple[str, str, int]) -> LinuxGuest:
    units = _systemctl(
        ("hypervkvpd.service", *kvp),
        ("hypervvssd.service", "active", "running", 702),
        ("hypervfcopyd.service", "active", "running", 703),
    )
    return LinuxGuest(
        _Canned(
            units,
            os_release=_FEDORA,
            lsmod=_LSMOD,
            ps=_PS,  # the process list shows none of the daemons: systemd decides
            compgen="hv_kvp_daemon\nhv_vss_daemon\nhv_fcopy_uio_daemon\n",
            paths="/usr/sbin/hv_kvp_daemon\n/usr/sbin/hv_vss_daemon\n/usr/sbin/hv_fcopy_uio_daemon\n",
            vmbus="present\n",
            init="systemd\n",
        )
    )


def test_fedora_41_with_active_units_is_healthy() -> None:
    observation = _fedora_guest(("active", "running", 701)).observe()
    assert [(d.name, d.running) for d in observation.services or ()] == [
        ("hv_kvp_daemon", True),
        ("hv_vss_daemon", True),
        ("hv_fcopy_uio_daemon", True),
    ]
    kvp = observation.service(KVP)
    assert kvp is not None
    assert kvp.unit is not None
    assert (kvp.unit.name, kvp.unit.main_pid) == ("hypervkvpd.service", 701)
    assert diagnose_linux_guest(observation).healthy
    host_side = b.vm("f41", guest_os="Fedora Linux 41", overrides={GSI: {"enabled": True}})
    assert (
        diagnose_vm(b.with_guest(host_side, observation), host=b.HOST, host_os=b.HOST_OS).findings
        == ()
    )


def test_fedora_41_with_a_failed_kvp_unit_is_daemon_not_running_quoting_the_unit() -> None:
    observation = _fedora_guest(("failed", "failed", 0)).observe()
    kvp = observation.service(KVP)
    assert kvp is not None
    assert kvp.unit is not None
    assert kvp.unit.active_state is UnitActiveState.FAILED
    assert not kvp.running
    host_side = b.vm("f41", guest_os="Fedora Linux 41", overrides={GSI: {"enabled": True}})
    vm = diagnose_vm(b.with_guest(host_side, observation), host=b.HOST, host_os=b.HOST_OS)
    (finding,) = [f for f in vm.findings if f.service is KVP]
    assert finding.cause is Cause.DAEMON_NOT_RUNNING
    assert "hypervkvpd.service is failed (failed)" in finding.explanation
    assert finding.fixes[0].commands[0] == "sudo systemctl start hypervkvpd.service"
    (guest_finding,) = diagnose_linux_guest(observation).findings
    assert guest_finding.cause == "daemon_not_running"
    assert "hypervkvpd.service" in guest_finding.explanation


# --- fixes ---------------------------------------------------------------------------------------


def _stopped_kvp(os_text: str) -> tuple[str, ...]:
    found = parse_os(os_text)
    guest = attrs.evolve(b.linux_guest("debian", running={KVP: False}), os=found)
    row = packaging_for(found.distribution, found.distribution_version)
    daemons = tuple(
        attrs.evolve(
            d,
            unit=None
            if d.unit is None or not isinstance(d.service, IntegrationService)
            else attrs.evolve(d.unit, name=str(row.unit_for(d.service))),
        )
        for d in guest.services or ()
    )
    guest = attrs.evolve(guest, services=daemons)
    vm = diagnose_vm(
        b.with_guest(b.vm("deb", guest_os=os_text), guest), host=b.HOST, host_os=b.HOST_OS
    )
    (finding,) = vm.findings
    assert finding.cause is Cause.DAEMON_NOT_RUNNING
    return finding.fixes[0].commands


def test_debian_12_starts_the_unprefixed_unit_and_debian_10_the_prefixed_one() -> None:
    assert _stopped_kvp("Debian GNU/Linux 12 (bookworm)")[0] == (
        "sudo systemctl start hv-kvp-daemon.service"
    )
    assert not any("hyperv-daemons." in c for c in _stopped_kvp("Debian GNU/Linux 12"))
    assert _stopped_kvp("Debian GNU/Linux 10 (buster)")[0] == (
        "sudo systemctl start hyperv-daemons.hv-kvp-daemon.service"
    )


def test_suse_installs_hyper_v_and_finds_its_binaries_off_path() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("sles", "SUSE Linux Enterprise Server 15 SP5")
    observation = LinuxGuest(lab.guest_executor("sles")).observe()
    kvp = observation.service(KVP)
    assert kvp is not None
    assert (kvp.installed, kvp.path) == (True, "/usr/lib/hyper-v/bin/hv_kvp_daemon")
    missing = attrs.evolve(
        observation,
        services=tuple(
            attrs.evolve(d, installed=False, running=False, unit=None, path=None)
            if d.service is KVP
            else d
            for d in observation.services or ()
        ),
    )
    (finding,) = [f for f in diagnose_linux_guest(missing).findings if f.subject == kvp.name]
    assert finding.cause == "daemon_not_installed"
    assert finding.fixes[0].commands[0] == "sudo zypper --non-interactive install hyper-v"


def test_openrc_and_masked_units_get_their_own_commands() -> None:
    alpine = attrs.evolve(
        b.linux_guest("debian", running={VSS: False}),
        os=OperatingSystem(Product.LINUX, distribution="alpine", distribution_version="3.20"),
        init_system=InitSystem.OPENRC,
        services=tuple(
            attrs.evolve(d, unit=None, service_status=0 if d.service is KVP else 3)
            for d in b.linux_guest("debian", running={VSS: False}).services or ()
        ),
    )
    report = diagnose_linux_guest(alpine)
    vss = next(f for f in report.findings if f.subject == "hv_vss_daemon")
    assert vss.fixes[0].commands[:2] == (
        "sudo rc-update add hv_vss_daemon default",
        "sudo rc-service hv_vss_daemon start",
    )
    # What no source showed is said once for the report, not in each finding.
    assert "Unverified for this distribution" not in vss.explanation
    assert any(s.startswith("Unverified for this distribution") for s in report.sources)


def test_not_on_hyperv_is_one_finding_without_daemon_noise() -> None:
    guest = attrs.evolve(
        b.linux_guest("debian", running={KVP: False, VSS: False}),
        hv_vmbus=ModuleStatus.ABSENT,
        hv_utils=ModuleStatus.ABSENT,
    )
    (finding,) = diagnose_linux_guest(guest).findings
    assert finding.cause == "not_on_hyperv"
    assert "not running on Hyper-V: no hv_vmbus" in finding.explanation


# --- the lab derives from the facts --------------------------------------------------------------


def test_a_debian_13_lab_guest_has_no_file_copy_daemon() -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("g", "Debian GNU/Linux 13")
    vm.enable_on_host(GSI)
    observation = LinuxGuest(lab.guest_executor("g")).observe()
    assert observation.service(GSI) is None
    assert [d.name for d in observation.services or ()] == ["hv_kvp_daemon", "hv_vss_daemon"]


@pytest.mark.parametrize(
    ("os_text", "gsi_daemon", "gsi_unit"),
    [
        ("Fedora Linux 41", "hv_fcopy_uio_daemon", "hypervfcopyd.service"),
        ("Debian GNU/Linux 12", "hv_fcopy_daemon", "hv-fcopy-daemon.service"),
        ("Debian GNU/Linux 10", "hv_fcopy_daemon", "hyperv-daemons.hv-fcopy-daemon.service"),
        ("openSUSE Tumbleweed", "hv_fcopy_uio_daemon", "hv_fcopy_uio_daemon.service"),
    ],
)
def test_lab_guests_show_their_distributions_binaries_and_units(
    os_text: str, gsi_daemon: str, gsi_unit: str
) -> None:
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("g", os_text)
    vm.enable_on_host(GSI)
    observation = LinuxGuest(lab.guest_executor("g")).observe()
    gsi = observation.service(GSI)
    assert gsi is not None
    assert gsi.name == gsi_daemon
    assert gsi.unit is not None
    assert gsi.unit.name == gsi_unit
    release = lab.vm("g").release
    assert release is not None
    kernel_610 = release.kernel_version >= (6, 10)
    assert (gsi_daemon == "hv_fcopy_uio_daemon") is (kernel_610 or "Fedora" in os_text)
