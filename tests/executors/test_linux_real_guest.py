"""This machine as a Linux guest, with Debian's real ``hyperv-daemons`` package installed.

CI installs the package (``apt-get install -y hyperv-daemons``); these tests then observe
this machine through ``LocalExecutor`` and through the suite's real sshd, and check what vmic
sees against what the package really installed (``dpkg -L``, ``/lib/systemd/system``) and
against the golden copy under ``tests/data/linux/``. Outside CI, a machine without the
package skips them; in CI (``CI`` set), a missing package fails them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests._cli import run
from vmic import IntegrationService
from vmic.clients import LinuxGuest
from vmic.diagnosis._guest import diagnose_linux_guest
from vmic.executors import LocalExecutor
from vmic.model._linux import packaging_for
from vmic.model._linux_records import ModuleStatus

if TYPE_CHECKING:
    from vmic.executors._ssh import SshExecutor
    from vmic.model._guest import Guest

DATA = Path(__file__).parent.parent / "data" / "linux"
UNITS = Path("/lib/systemd/system")


def _installed_files() -> list[str]:
    """``dpkg -L hyperv-daemons``; skipped off CI when the package is missing, failed in CI."""
    dpkg = shutil.which("dpkg")
    listed = (
        subprocess.run([dpkg, "-L", "hyperv-daemons"], capture_output=True, text=True, check=False)
        if dpkg is not None
        else None
    )
    if listed is None or listed.returncode != 0:
        message = (
            "Debian's hyperv-daemons package is not installed (apt-get install -y hyperv-daemons)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [line for line in listed.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def package_files() -> list[str]:
    return _installed_files()


def _real_units(files: list[str]) -> dict[IntegrationService, str]:
    """The package's unit per service, read from its unit files' ExecStart lines."""
    by_binary = {
        "hv_kvp_daemon": IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
        "hv_vss_daemon": IntegrationService.VSS,
        "hv_fcopy_daemon": IntegrationService.GUEST_SERVICE_INTERFACE,
        "hv_fcopy_uio_daemon": IntegrationService.GUEST_SERVICE_INTERFACE,
    }
    units: dict[IntegrationService, str] = {}
    for path in files:
        if path.startswith(("/lib/systemd/system/", "/usr/lib/systemd/system/")):
            text = Path(path).read_text(encoding="utf-8")
            start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
            binary = shlex.split(start.removeprefix("ExecStart="))[0].rsplit("/", 1)[-1]
            units[by_binary[binary]] = path.rsplit("/", 1)[-1]
    return units


def _check(observation: Guest, files: list[str]) -> None:
    assert observation.distribution == "debian"
    packaging = packaging_for(observation.distribution, observation.distribution_version)
    real_units = _real_units(files)
    daemons = observation.services or ()
    assert len(daemons) == 3
    for entry in daemons:
        # The binary vmic names is one the package installed, found where it is.
        assert entry.installed, entry
        assert f"/usr/sbin/{entry.name}" in files
        assert entry.path == f"/usr/sbin/{entry.name}"
        # The unit vmic would use is the package's unit for that daemon.
        assert isinstance(entry.service, IntegrationService)
        assert packaging.unit_for(entry.service, entry.name) == real_units[entry.service]
    # This machine is not a Hyper-V guest.
    assert observation.hv_vmbus is ModuleStatus.ABSENT
    assert observation.hv_utils in {ModuleStatus.ABSENT, ModuleStatus.NOT_LISTED}
    report = diagnose_linux_guest(observation)
    assert [f.cause for f in report.findings] == ["not_on_hyperv"]


def test_local_observation_matches_the_installed_package(package_files: list[str]) -> None:
    _check(LinuxGuest(LocalExecutor()).observe(), package_files)


def test_observation_over_real_ssh_matches_the_installed_package(
    package_files: list[str], ssh_executor: SshExecutor
) -> None:
    _check(LinuxGuest(ssh_executor).observe(), package_files)


def test_every_debian_fix_names_a_real_unit_and_package(package_files: list[str]) -> None:
    from vmic.diagnosis import _fixes  # noqa: PLC0415 - the fix builders under test

    observation = LinuxGuest(LocalExecutor()).observe()
    packaging = packaging_for(observation.distribution, observation.distribution_version)
    real_units = set(_real_units(package_files).values())
    installed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\n", *packaging.packages],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.stdout.split() == list(packaging.packages)
    for entry in observation.services or ():
        service = entry.service
        assert isinstance(service, IntegrationService)
        fixes = [
            _fixes.install_daemon(packaging, service),
            *(
                _fixes.start_daemon(
                    packaging, service, daemon=entry.name, unit=None, unit_state=state
                )
                for state in ("enabled", "disabled", "masked")
            ),
        ]
        for fix in fixes:
            for command in fix.commands:
                words = shlex.split(command)
                if "systemctl" in words:
                    assert words[-1] in real_units, command
                if "apt-get" in words:
                    assert set(words[words.index("-y") + 1 :]) == set(packaging.packages)


def test_golden_copy_is_what_the_package_installed(package_files: list[str]) -> None:
    # The golden data keeps the package's file list and units, so the facts' source can be
    # read without the package; on the machine that has it, the two must agree.
    golden = (DATA / "debian12-hyperv-daemons.list").read_text(encoding="utf-8").split()
    assert sorted(golden) == sorted(package_files)
    for unit in sorted(_real_units(package_files).values()):
        assert (DATA / f"debian12-{unit}").read_text(encoding="utf-8") == (UNITS / unit).read_text(
            encoding="utf-8"
        )


def test_no_systemd_as_pid_1_is_said_not_guessed(package_files: list[str]) -> None:
    observation = LinuxGuest(LocalExecutor()).observe()
    systemd = Path("/run/systemd/system").is_dir()
    if systemd:
        assert observation.init_system is not None
        assert observation.init_system.value == "systemd"
    else:
        assert observation.init_system is not None
        assert observation.init_system.value == "none"
        assert all(entry.unit is None for entry in observation.services or ())
        assert any("No service manager" in note for note in diagnose_linux_guest(observation).notes)


def test_vmic_guest_json_on_this_machine(package_files: list[str]) -> None:
    status, out, err = run("guest", "--format", "json")
    assert (status, err) == (1, "")
    report = json.loads(out)
    causes = [finding["cause"] for finding in report["findings"]]
    assert causes == ["not_on_hyperv"]
    assert "not running on Hyper-V: no hv_vmbus" in report["findings"][0]["explanation"]
    real_units = set(_real_units(package_files).values())
    assert [d["installed"] for d in report["daemons"]] == [True, True, True]
    assert {d["unit"] for d in report["daemons"]} == real_units
    assert "daemon_not_running" not in causes
