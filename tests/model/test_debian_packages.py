"""vmic's Debian facts against Debian's real hyperv-daemons packages, release by release.

The golden copies under ``tests/data/linux/`` (file list and unit files of bullseye's,
bookworm's and trixie's package) are checked against the facts everywhere. In CI,
``.ci/debian-packages`` fetches the archive's current ``.deb`` of each release through apt
and names the folder in ``VMIC_DEBIAN_DEBS``; the tests then compare each package itself
with the facts and with its golden copy, so a Debian release that changes its packaging
turns CI red. Run any other way, the tests fetch the packages themselves with that script.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from vmic.model._linux import packaging_for
from vmic.model._linux_records import daemon_service

if TYPE_CHECKING:
    from vmic import IntegrationService

DATA = Path(__file__).parents[1] / "data" / "linux"
FETCH = Path(__file__).parents[2] / ".ci" / "debian-packages"
#: Debian release number of each suite the facts cover.
SUITES = {"bullseye": "11", "bookworm": "12", "trixie": "13"}
_UNIT_DIRECTORIES = ("/lib/systemd/system/", "/usr/lib/systemd/system/")


def _facts(release: str) -> tuple[set[str], dict[str, IntegrationService]]:
    """The binary paths and the unit of each service that vmic's facts name for a release."""
    row = packaging_for("debian", release)
    paths = {path for service in row.provides for path in row.paths_for(service)}
    units = {unit: service for service, unit in row.units.items()}
    return paths, units


def _package(files: list[str], unit_text: dict[str, str]) -> tuple[set[str], dict[str, str]]:
    """The daemon binaries a package installs and each unit's binary (from ``ExecStart=``)."""
    binaries = {f for f in files if f.startswith("/usr/sbin/") and daemon_service(f) is not None}
    started: dict[str, str] = {}
    for name, text in unit_text.items():
        line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
        started[name] = shlex.split(line.removeprefix("ExecStart="))[0]
    return binaries, started


def _check(release: str, files: list[str], unit_text: dict[str, str]) -> None:
    paths, units = _facts(release)
    binaries, started = _package(files, unit_text)
    # Exactly the binaries and units the package contains: nothing more, nothing less.
    assert paths == binaries
    assert set(units) == set(started)
    for unit, binary in started.items():
        assert daemon_service(binary) is units[unit], (unit, binary)
    row = packaging_for("debian", release)
    for service in row.not_packaged:
        assert not any(daemon_service(b) is service for b in binaries)


def _golden(release: str) -> tuple[list[str], dict[str, str]]:
    files = (DATA / f"debian{release}-hyperv-daemons.list").read_text(encoding="utf-8").split()
    units = {
        path.rsplit("/", 1)[-1]: (DATA / f"debian{release}-{path.rsplit('/', 1)[-1]}").read_text(
            encoding="utf-8"
        )
        for path in files
        if path.startswith(_UNIT_DIRECTORIES) and path.endswith(".service")
    }
    return files, units


@pytest.mark.parametrize("release", sorted(SUITES.values()))
def test_the_facts_name_what_the_golden_package_contains(release: str) -> None:
    files, units = _golden(release)
    _check(release, files, units)


def test_debian_13_ships_no_file_copy_daemon_and_12_does() -> None:
    files_13, units_13 = _golden("13")
    files_12, _ = _golden("12")
    assert not any("fcopy" in f for f in files_13)
    assert set(units_13) == {"hv-kvp-daemon.service", "hv-vss-daemon.service"}
    assert "/usr/sbin/hv_fcopy_daemon" in files_12


@functools.cache
def _debs() -> Path:
    """The folder of the archive's packages: ``VMIC_DEBIAN_DEBS``, else fetched here.

    ``.ci/run`` fetches them before the tests; run any other way, the tests fetch them
    themselves through the same script (cached for a day, and locked, so that the xdist
    workers fetch once).
    """
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is missing")
    folder = os.environ.get("VMIC_DEBIAN_DEBS", "")
    if not folder:
        fetched = subprocess.run(
            ["bash", str(FETCH)], capture_output=True, text=True, check=False, timeout=600
        )
        if fetched.returncode != 0:
            pytest.fail(f"{FETCH.name} failed: {fetched.stderr.strip()}")
        folder = fetched.stdout.strip()
    return Path(folder)


def _extract(deb: Path, into: Path) -> tuple[list[str], dict[str, str]]:
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    files = []
    for line in listing.splitlines():
        path = line.split()[5].removeprefix(".").rstrip("/") or "/."
        files.append(path)
    subprocess.run(["dpkg-deb", "--extract", str(deb), str(into)], check=True)
    units = {
        path.rsplit("/", 1)[-1]: (into / path.lstrip("/")).read_text(encoding="utf-8")
        for path in files
        if path.startswith(_UNIT_DIRECTORIES) and path.endswith(".service")
    }
    return files, units


@pytest.mark.parametrize(("suite", "release"), sorted(SUITES.items()))
def test_the_archives_package_is_what_the_facts_and_golden_copy_say(
    suite: str, release: str, tmp_path: Path
) -> None:
    (deb,) = sorted((_debs() / suite).glob("hyperv-daemons_*.deb"))
    files, units = _extract(deb, tmp_path)
    _check(release, files, units)
    golden_files, golden_units = _golden(release)
    assert sorted(files) == sorted(golden_files)
    assert units == golden_units
