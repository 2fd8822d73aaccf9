"""LinuxGuest against the simulated guests of every distribution family, and for real here."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import attrs
import pytest

from vmic import ConfigurationError, IntegrationService, ParseError
from vmic.clients import GuestCommandError, LinuxGuest
from vmic.clients._linux import parse_os_release, release_family, release_os
from vmic.executors import LocalExecutor
from vmic.model._linux import InitSystem, packaging_for
from vmic.model._linux_records import KvpPool, KvpRecord, ModuleStatus, UnitFileState, UnitLoadState
from vmic.rules._semantics import KernelDriver, UnitState
from vmic.testing import FakeHyperVHost

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
VSS = IntegrationService.VSS
GSI = IntegrationService.GUEST_SERVICE_INTERFACE

DISTRIBUTIONS = {
    "ubuntu": "Ubuntu 22.04 LTS",
    "debian": "Debian 12",
    "rhel": "Red Hat Enterprise Linux 9",
    "arch": "Arch Linux",
    "sles": "SUSE Linux Enterprise Server 15",
    "fedora": "Fedora Linux 41",
    "opensuse-leap": "openSUSE Leap 15.5",
    "alpine": "Alpine Linux 3.20",
    "photon": "VMware Photon OS 5.0",
    "azurelinux": "Azure Linux 3.0",
}


def _guest(
    guest_os: str = "Ubuntu 22.04 LTS", **options: object
) -> tuple[FakeHyperVHost, LinuxGuest]:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("vm", guest_os, **options)  # type: ignore[arg-type]
    return lab, LinuxGuest(lab.guest_executor("vm"))


@pytest.mark.parametrize("family", sorted(DISTRIBUTIONS))
def test_observe_names_the_daemons_of_each_distribution(family: str) -> None:
    lab, guest = _guest(DISTRIBUTIONS[family])
    observation = guest.observe()
    assert len(lab.vm("vm").guest_executor().commands) == 1
    assert observation.distribution == family
    assert guest.distribution == family
    assert observation.hv_utils is ModuleStatus.LOADED
    packaging = packaging_for(family, observation.distribution_version)
    assert observation.init_system is packaging.init
    assert [d.service for d in observation.services or ()] == [KVP, VSS, GSI]
    for entry in guest.daemons():
        assert isinstance(entry.service, IntegrationService)
        assert entry.name == packaging.daemon_for(entry.service)
        assert entry.installed
        # Guest Service Interface is off on the host by default: its daemon idles.
        assert entry.running is (entry.service is not GSI)
        unit_name = packaging.unit_for(entry.service)
        if packaging.init is InitSystem.OPENRC:
            assert entry.unit is None
            assert entry.service_status == (0 if entry.service is not GSI else 3)
        elif unit_name is None:
            assert entry.unit is None or entry.unit.load_state is UnitLoadState.NOT_FOUND
        else:
            assert entry.unit is not None
            assert entry.unit.name == unit_name
            assert entry.unit.load_state is UnitLoadState.LOADED
            assert entry.unit.unit_file_state is UnitFileState.ENABLED


def test_a_given_distribution_asks_only_for_its_units() -> None:
    lab, _ = _guest("Red Hat Enterprise Linux 9")
    guest = LinuxGuest(lab.guest_executor("vm"), distribution="rhel")
    guest.observe()
    (recorded,) = lab.vm("vm").guest_executor().commands
    assert recorded.command.parameters["Units"] == tuple(packaging_for("rhel").units.values())


def test_unknown_distribution_is_refused() -> None:
    lab, _ = _guest()
    with pytest.raises(ConfigurationError, match="unknown Linux distribution 'gentoo'"):
        LinuxGuest(lab.guest_executor("vm"), distribution="gentoo")


@pytest.mark.parametrize(
    ("driver", "status"),
    [
        (KernelDriver.LOADED, ModuleStatus.LOADED),
        (KernelDriver.BUILT_IN, ModuleStatus.BUILT_IN),
        (KernelDriver.NOT_LOADED, ModuleStatus.ABSENT),
    ],
)
def test_hv_utils_loaded_built_in_or_absent(driver: KernelDriver, status: ModuleStatus) -> None:
    _, guest = _guest(kernel_driver=driver)
    assert guest.hv_utils() is status
    running = [d.running for d in guest.daemons()]
    assert any(running) is driver.present


def test_a_missing_daemon_is_reported_and_cannot_be_started() -> None:
    lab, guest = _guest("Red Hat Enterprise Linux 9")
    lab.vm("vm").remove_daemon("hypervkvpd")
    entry = guest.observe().service(KVP)
    assert entry is not None
    assert (entry.name, entry.installed, entry.running) == ("hypervkvpd", False, False)
    assert entry.unit is not None
    assert entry.unit.load_state is UnitLoadState.NOT_FOUND
    with pytest.raises(GuestCommandError, match="hypervkvpd: it is not installed") as info:
        guest.start(KVP)
    assert info.value.reason == "not-installed"
    assert guest.kvp_pools() == {}


def test_without_a_unit_daemons_are_signalled_and_run_by_hand() -> None:
    lab, guest = _guest("Ubuntu 22.04 LTS")
    vm = lab.vm("vm")
    vm.set_unit(VSS, UnitState.MASKED)
    assert guest.stop("hv_vss_daemon") == "signal"
    entry = guest.observe().service(VSS)
    assert entry is not None
    assert not entry.running
    assert entry.unit is not None
    assert entry.unit.load_state is UnitLoadState.MASKED
    assert guest.start(VSS) == "exec"
    entry = guest.observe().service(VSS)
    assert entry is not None
    assert entry.running
    started = vm.daemon_process(VSS)
    assert started is not None
    assert started[1] == "exec"


def test_daemon_names_of_any_distribution_are_accepted() -> None:
    _, guest = _guest("Ubuntu 22.04 LTS")
    assert guest.stop("hypervkvpd") == "systemd"
    entry = guest.observe().service(KVP)
    assert entry is not None
    assert entry.name == "hv_kvp_daemon"
    assert not entry.running
    with pytest.raises(ConfigurationError, match="hv_utils implements it"):
        guest.stop(IntegrationService.HEARTBEAT)


def test_start_and_stop_detect_the_distribution_once() -> None:
    lab, guest = _guest("Debian 12")
    guest.stop(KVP)
    guest.start(KVP)
    actions = [c.action for c in lab.vm("vm").guest_executor().commands]
    assert actions == ["os-release", "stop-daemon", "start-daemon"]
    recorded = lab.vm("vm").guest_executor().commands[1].command
    assert recorded.parameters["Unit"] == "hv-kvp-daemon.service"
    assert recorded.parameters["Sudo"] is False


def test_sudo_is_passed_as_a_parameter() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("vm", "Ubuntu 22.04")
    guest = LinuxGuest(lab.guest_executor("vm"), distribution="ubuntu", sudo=True)
    guest.stop(KVP)
    (recorded,) = lab.vm("vm").guest_executor().commands
    assert recorded.command.parameters["Sudo"] is True


def test_kvp_pools_hold_the_host_parameters() -> None:
    lab, guest = _guest("Ubuntu 22.04 LTS")
    pools = guest.kvp_pools()
    assert set(pools) == set(KvpPool)
    parameters = {r.key: r.value for r in pools[KvpPool.AUTO_EXTERNAL]}
    assert parameters["HostName"] == "HV01"
    assert parameters["VirtualMachineName"] == "vm"
    assert parameters["HostSystemOSMajor"] == "10"
    assert pools[KvpPool.EXTERNAL] == ()
    assert all(isinstance(r, KvpRecord) for records in pools.values() for r in records)
    assert lab.vm("vm").guest_executor().commands[-1].action == "kvp-pools"


def test_os_release_parsing() -> None:
    text = 'NAME="Rocky Linux"\nVERSION_ID="9.3"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'
    release = parse_os_release(text)
    assert release == {
        "NAME": "Rocky Linux",
        "VERSION_ID": "9.3",
        "ID": "rocky",
        "ID_LIKE": "rhel centos fedora",
    }
    assert release_family(release) == "rocky"
    assert str(release_os(release)) == "Linux (rocky 9.3)"
    # A derivative vmic does not know takes its parent's facts, not its release number.
    mint = {"ID": "linuxmint", "ID_LIKE": "ubuntu debian", "VERSION_ID": "21.3"}
    assert str(release_os(mint)) == "Linux (ubuntu)"
    assert release_family({"NAME": "Plan 9", "ID": "plan9"}) is None
    assert release_family(parse_os_release('NAME="Debian GNU/Linux"\nID=debian\n')) == "debian"


def test_unknown_distribution_falls_back_to_the_names_found() -> None:
    lab, _ = _guest("Red Hat Enterprise Linux 9")
    vm = lab.vm("vm")
    release = vm.release
    assert release is not None
    vm.set_release(attrs.evolve(release, name="Plan 9", id="plan9", id_like=""))
    guest = LinuxGuest(lab.guest_executor("vm"))
    observation = guest.observe()
    assert observation.distribution is None
    entry = observation.service(KVP)
    assert entry is not None
    assert (entry.name, entry.running) == ("hypervkvpd", True)


def test_bad_pool_data_is_a_parse_error() -> None:
    lab, _ = _guest()

    class Corrupt:
        def run(self, command: object) -> object:
            result = lab.guest_executor("vm").run(command)  # type: ignore[arg-type]
            stdout = result.stdout.replace("<<vmic:pool-0>>\n", "<<vmic:pool-0>>\n!!")
            return type(result)(result.command, stdout=stdout, stderr="", exit_code=0, duration=0.0)

    with pytest.raises(ParseError, match="did not arrive as Base64"):
        LinuxGuest(Corrupt(), distribution="ubuntu").kvp_pools()  # type: ignore[arg-type]


# --- on this machine, for real -----------------------------------------------------------------


def test_observe_runs_for_real_on_this_machine() -> None:
    observation = LinuxGuest(LocalExecutor()).observe()
    assert observation.hv_utils in set(ModuleStatus)
    assert [d.service for d in observation.services or ()] == [KVP, VSS, GSI]
    assert LinuxGuest(LocalExecutor()).kvp_pools() == {
        pool: () for pool in KvpPool if Path(pool.path).is_file()
    }


def test_stopping_a_daemon_that_is_not_installed_fails_clearly_for_real(tmp_path: Path) -> None:
    # RHEL's renamed binaries: not on this machine, even where Debian's real package is.
    env = dict(os.environ, PATH=f"{tmp_path}:/usr/bin:/bin")
    guest = LinuxGuest(LocalExecutor(env=env), distribution="rhel")
    with pytest.raises(GuestCommandError, match="not installed"):
        guest.stop(KVP)


def _our_pids(daemon: Path) -> list[int]:
    found = subprocess.run(["pidof", daemon.name], capture_output=True, text=True, check=False)
    pids = [int(p) for p in found.stdout.split()]
    mine = []
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if str(daemon).encode() in cmdline:
            mine.append(pid)
    return mine


def test_a_daemon_is_started_and_signalled_for_real(tmp_path: Path) -> None:
    # A stand-in daemon that forks into the background under the daemon's name, as
    # hv_kvp_daemon does when started without -n.
    daemon = tmp_path / "hv_kvp_daemon"
    daemon.write_text('#!/bin/bash\n( exec -a "$0" sleep 600 ) </dev/null >/dev/null 2>&1 &\n')
    daemon.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    guest = LinuxGuest(LocalExecutor(env=env), distribution="debian")
    try:
        assert guest.start(KVP) == "exec"
        entry = guest.observe().service(KVP)
        assert entry is not None
        assert entry.installed
        assert entry.running
        assert len(_our_pids(daemon)) == 1
        assert guest.stop("hv_kvp_daemon") == "signal"
        for _ in range(100):
            if not _our_pids(daemon):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert _our_pids(daemon) == []
    finally:
        for pid in _our_pids(daemon):
            os.kill(pid, signal.SIGKILL)


def test_newer_kernels_file_copy_daemon_is_found_and_driven_for_real(tmp_path: Path) -> None:
    # Linux 6.10 replaced hv_fcopy_daemon with hv_fcopy_uio_daemon: a Fedora 41 guest has
    # Guest Service Interface's daemon installed under the new name. (Fedora, since this
    # machine may have Debian's real package, whose hv_fcopy_daemon would be found first.)
    daemon = tmp_path / "hv_fcopy_uio_daemon"
    daemon.write_text('#!/bin/bash\n( exec -a "$0" sleep 600 ) </dev/null >/dev/null 2>&1 &\n')
    daemon.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    guest = LinuxGuest(LocalExecutor(env=env), distribution="fedora", version="41")
    try:
        entry = guest.observe().service(GSI)
        assert entry is not None
        assert (entry.name, entry.installed, entry.running) == (
            "hv_fcopy_uio_daemon",
            True,
            False,
        )
        assert guest.start(GSI) == "exec"
        running = guest.observe().service(GSI)
        assert running is not None
        assert running.running
        assert len(_our_pids(daemon)) == 1
        assert guest.stop(GSI) == "signal"
        for _ in range(100):
            if not _our_pids(daemon):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert _our_pids(daemon) == []
    finally:
        for pid in _our_pids(daemon):
            os.kill(pid, signal.SIGKILL)


def test_packaging_names_the_usual_file_copy_daemon_first() -> None:
    assert packaging_for("sles").daemon_names_for(GSI) == (
        "hv_fcopy_daemon",
        "hv_fcopy_uio_daemon",
    )
    # Debian's own packages name exactly what they ship (checked against them in CI).
    assert packaging_for("debian", "12").daemon_names_for(GSI) == ("hv_fcopy_daemon",)
    assert packaging_for("debian", "13").daemon_names_for(GSI) == ()
    assert packaging_for("rhel").daemon_names_for(KVP) == ("hypervkvpd",)
    assert packaging_for("arch").daemon_names_for(IntegrationService.HEARTBEAT) == ()
