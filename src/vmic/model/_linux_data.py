"""Hyper-V daemon packaging per distribution and release: data only.

One row per distribution release range, first the row :func:`vmic.model._linux.packaging_for`
takes when no release is given. Every row's ``source`` names the package, its version and
the file that shows the facts; whatever no package source showed is listed in
``unverified`` (the diagnosis then says "unverified for this distribution").

Files read for this table:

- Debian 12 ``hyperv-daemons`` 6.1.192-3 (source ``linux``), installed on the CI image:
  ``dpkg -L`` and the three ``/lib/systemd/system/hv-*-daemon.service`` files, kept in
  ``tests/data/linux/``; its ``changelog.Debian.gz``, entry linux 5.8.3-1~exp1
  (2020-08-24): "Rename services to remove "hyperv-daemons." prefix".
- Fedora ``hyperv-daemons.spec`` 0-0.48.20240616git ("Update to 6.10-rc4", Fedora 41 mass
  rebuild), r0x0d/fedora-rpm-specs ``specs/hyperv-daemons.spec`` @851839c: ``%files -n
  hypervkvpd`` lists ``%{_sbindir}/hv_kvp_daemon`` and ``%{_unitdir}/hypervkvpd.service``;
  ``hypervfcopyd`` ships ``hv_fcopy_uio_daemon`` (x86 only).
- RHEL 8 lineage ``hyperv-daemons.spec`` 0-0.32.20180415git (openlogic/hyperv-daemons
  ``SPECS/hyperv-daemons.spec``; bz#1769920 "[RHEL8]"): ``%global hv_kvp_daemon hypervkvpd``.
- Azure Linux (CBL-Mariner) ``hyperv-daemons.spec`` 5.15.138.1 (microsoft/azurelinux
  ``SPECS/hyperv-daemons/hyperv-daemons.spec``): same renamed binaries and units.
- Photon ``hyper-v.spec`` 6.1-2 (vmware/photon ``SPECS/hyper-v/hyper-v.spec`` @3015046):
  ``%{_bindir}/hv_kvp_daemon``, units ``hv_kvp_daemon.service`` (preset: disabled).
- openSUSE/SLES ``hyper-v`` (vmic reference facts §5c: ``Name: hyper-v``, binaries in
  ``/usr/lib/hyper-v/bin``, ``hv_fcopy_uio_daemon.service``); the spec was not re-read here.
- Arch ``hyperv``: jtdubs/lab ``boxes/arch-base/scripts/install-hyperv.sh`` installs it with
  pacman and enables ``hv_kvp_daemon.service``, ``hv_vss_daemon.service``,
  ``hv_fcopy_daemon.service``; the PKGBUILD itself was not read.
"""

from __future__ import annotations

from typing import Final

from vmic.model._linux import InitSystem, LinuxPackaging
from vmic.model._services import IntegrationService

__all__ = ["PACKAGING_ROWS"]

_KVP, _VSS, _GSI = (
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.VSS,
    IntegrationService.GUEST_SERVICE_INTERFACE,
)
_UPSTREAM: Final = {_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"}
_RENAMED: Final = {_KVP: "hypervkvpd", _VSS: "hypervvssd", _GSI: "hypervfcopyd"}
_RENAMED_UNITS: Final = {
    _KVP: "hypervkvpd.service",
    _VSS: "hypervvssd.service",
    _GSI: "hypervfcopyd.service",
}
_UNDERSCORE_UNITS: Final = {
    _KVP: "hv_kvp_daemon.service",
    _VSS: "hv_vss_daemon.service",
    _GSI: "hv_fcopy_daemon.service",
}
_UIO: Final = {_GSI: ("hv_fcopy_uio_daemon",)}
_RHEL_IDS: Final = ("rhel", "centos", "rocky", "almalinux", "ol")
_DEBIAN_UPDATE: Final = (
    "apt-get update && apt-get install -y --only-upgrade linux-image-amd64 hyperv-daemons"
)

PACKAGING_ROWS: Final = (
    LinuxPackaging(
        family="debian",
        name="Debian 11 and 12",
        distributions=("debian",),
        versions=(11, 12),
        packages=("hyperv-daemons",),
        package_manager_update=_DEBIAN_UPDATE,
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units={
            _KVP: "hv-kvp-daemon.service",
            _VSS: "hv-vss-daemon.service",
            _GSI: "hv-fcopy-daemon.service",
        },
        source="Debian 12 hyperv-daemons 6.1.192-3: dpkg -L and /lib/systemd/system/"
        "hv-*-daemon.service (tests/data/linux/); changelog linux 5.8.3-1~exp1 "
        "(2020-08-24) renamed the units (Debian 11 ships linux 5.10)",
    ),
    LinuxPackaging(
        family="debian-13",
        name="Debian 13 and later",
        distributions=("debian",),
        versions=(13, None),
        packages=("hyperv-daemons",),
        package_manager_update=_DEBIAN_UPDATE,
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units={
            _KVP: "hv-kvp-daemon.service",
            _VSS: "hv-vss-daemon.service",
            _GSI: "hv-fcopy-daemon.service",
        },
        source="Debian 12 hyperv-daemons 6.1.192-3 unit names carried forward (the "
        "rename of changelog linux 5.8.3-1~exp1 stands); no Debian 13 package was read",
        unverified=(
            (
                "Debian 13 (linux 6.12): which file-copy binary and unit the package ships "
                "(hv_fcopy_uio_daemon after Linux 6.10) was not read"
            ),
        ),
    ),
    LinuxPackaging(
        family="debian-10",
        name="Debian 10 and older",
        distributions=("debian",),
        versions=(None, 10),
        packages=("hyperv-daemons",),
        package_manager_update=_DEBIAN_UPDATE,
        daemons=_UPSTREAM,
        units={
            _KVP: "hyperv-daemons.hv-kvp-daemon.service",
            _VSS: "hyperv-daemons.hv-vss-daemon.service",
            _GSI: "hyperv-daemons.hv-fcopy-daemon.service",
        },
        source="Debian hyperv-daemons changelog, linux 5.8.3-1~exp1 (2020-08-24): units "
        "renamed from the hyperv-daemons. prefix, which Debian 10's linux 4.19 still has; "
        "Debian 12's units carry Conflicts=hyperv-daemons.hv-kvp-daemon.service",
    ),
    LinuxPackaging(
        family="ubuntu",
        name="Ubuntu 20.04 to 24.04",
        distributions=("ubuntu",),
        versions=(20, None),
        packages=("linux-cloud-tools-common", "linux-cloud-tools-virtual"),
        package_manager_update="apt-get update && apt-get install -y --only-upgrade "
        "linux-virtual linux-cloud-tools-virtual",
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units={
            _KVP: "hv-kvp-daemon.service",
            _VSS: "hv-vss-daemon.service",
            _GSI: "hv-fcopy-daemon.service",
        },
        source="Ubuntu package linux-cloud-tools-common units (vmic reference facts §5c); "
        "Manage Hyper-V Integration Services ps -ef sample "
        "(/usr/lib/linux-tools/<kernel>/hv_kvp_daemon)",
        unverified=(
            (
                "package file list not read: /usr/sbin/hv_* as wrappers of the per-kernel "
                "linux-cloud-tools-$(uname -r) binaries"
            ),
        ),
    ),
    LinuxPackaging(
        family="fedora",
        name="Fedora 41 and later",
        distributions=("fedora",),
        versions=(41, None),
        packages=("hyperv-daemons",),
        package_manager_update="dnf upgrade -y kernel hyperv-daemons",
        install="dnf install -y",
        daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_uio_daemon"},
        units=_RENAMED_UNITS,
        source="Fedora hyperv-daemons.spec 0-0.48.20240616git (Linux 6.10-rc4 tools/hv): "
        "%files lists %{_sbindir}/hv_kvp_daemon, hv_vss_daemon, hv_fcopy_uio_daemon and "
        "%{_unitdir}/hypervkvpd.service, hypervvssd.service, hypervfcopyd.service",
    ),
    LinuxPackaging(
        family="fedora-old",
        name="Fedora 40 and older",
        distributions=("fedora",),
        versions=(None, 40),
        packages=("hyperv-daemons",),
        package_manager_update="dnf upgrade -y kernel hyperv-daemons",
        install="dnf install -y",
        daemons=_RENAMED,
        units=_RENAMED_UNITS,
        source="Fedora hyperv-daemons.spec before 0-0.45 (2024-06-20, 'Update to 6.10-rc4'): "
        "%global hv_kvp_daemon hypervkvpd, as in its RHEL 8 rebuild "
        "(openlogic/hyperv-daemons SPECS/hyperv-daemons.spec)",
    ),
    LinuxPackaging(
        family="rhel",
        name="RHEL, CentOS, Rocky, AlmaLinux, Oracle Linux 7 to 9",
        distributions=_RHEL_IDS,
        versions=(7, 9),
        packages=("hyperv-daemons",),
        package_manager_update="yum -y update kernel hyperv-daemons",
        install="yum install -y",
        daemons=_RENAMED,
        units=_RENAMED_UNITS,
        source="RHEL 8 hyperv-daemons.spec 0-0.32.20180415git (openlogic/hyperv-daemons "
        "SPECS/hyperv-daemons.spec, bz#1769920 '[RHEL8]'): %global hv_kvp_daemon hypervkvpd, "
        "units hypervkvpd.service, hypervvssd.service, hypervfcopyd.service",
        unverified=("RHEL 7 and 9 specs were not read (same Fedora lineage as RHEL 8)",),
    ),
    LinuxPackaging(
        family="rhel-10",
        name="RHEL, CentOS Stream, Rocky, AlmaLinux, Oracle Linux 10",
        distributions=_RHEL_IDS,
        versions=(10, None),
        packages=("hyperv-daemons",),
        package_manager_update="dnf upgrade -y kernel hyperv-daemons",
        install="dnf install -y",
        daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_uio_daemon"},
        alternatives={_KVP: ("hypervkvpd",), _VSS: ("hypervvssd",), _GSI: ("hypervfcopyd",)},
        units=_RENAMED_UNITS,
        source="no RHEL 10 spec read; branched from Fedora after its hyperv-daemons.spec "
        "0-0.48.20240616git (see the fedora row)",
        unverified=("RHEL 10 binary names (Fedora 41's spec assumed, renamed ones accepted)",),
    ),
    LinuxPackaging(
        family="suse",
        name="SUSE Linux Enterprise and openSUSE",
        distributions=(
            "sles",
            "sles_sap",
            "sled",
            "opensuse-leap",
            "opensuse-tumbleweed",
            "opensuse",
            "suse",
        ),
        packages=("hyper-v",),
        package_manager_update="zypper --non-interactive update kernel-default hyper-v",
        install="zypper --non-interactive install",
        directory="/usr/lib/hyper-v/bin",
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units=_UNDERSCORE_UNITS,
        unit_by_daemon={"hv_fcopy_uio_daemon": "hv_fcopy_uio_daemon.service"},
        source="openSUSE hyper-v.spec (Name: hyper-v; binaries in /usr/lib/hyper-v/bin; "
        "hv_fcopy_uio_daemon.service on current releases), vmic reference facts §5c",
        unverified=("the spec was not re-read: unit names of the KVP and VSS daemons",),
    ),
    LinuxPackaging(
        family="arch",
        name="Arch Linux",
        distributions=("arch",),
        packages=("hyperv",),
        package_manager_update="pacman -Syu --needed --noconfirm linux hyperv",
        install="pacman -S --needed --noconfirm",
        directory="/usr/bin",
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units=_UNDERSCORE_UNITS,
        source="jtdubs/lab boxes/arch-base/scripts/install-hyperv.sh: pacman -Sy hyperv, "
        "then systemctl enable hv_fcopy_daemon.service hv_kvp_daemon.service "
        "hv_vss_daemon.service",
        unverified=("PKGBUILD not read: binary directory, and the unit of hv_fcopy_uio_daemon",),
    ),
    LinuxPackaging(
        family="alpine",
        name="Alpine Linux",
        distributions=("alpine",),
        packages=("hvtools",),
        package_manager_update="apk upgrade --available linux-virt hvtools",
        install="apk add",
        init=InitSystem.OPENRC,
        daemons=_UPSTREAM,
        alternatives=_UIO,
        units={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"},
        source="Alpine aports package hvtools with OpenRC services (issue 10)",
        unverified=("APKBUILD not read: OpenRC service names and binary directory",),
    ),
    LinuxPackaging(
        family="azurelinux",
        name="Azure Linux and CBL-Mariner",
        distributions=("azurelinux", "mariner"),
        packages=("hyperv-daemons",),
        package_manager_update="tdnf -y update kernel hyperv-daemons",
        install="tdnf install -y",
        daemons=_RENAMED,
        units=_RENAMED_UNITS,
        source="microsoft/azurelinux SPECS/hyperv-daemons/hyperv-daemons.spec 5.15.138.1: "
        "%global hv_kvp_daemon hypervkvpd; Source1 hypervkvpd.service",
    ),
    LinuxPackaging(
        family="photon",
        name="VMware Photon OS",
        distributions=("photon",),
        packages=("hyper-v",),
        package_manager_update="tdnf -y update linux hyper-v",
        install="tdnf install -y",
        directory="/usr/bin",
        daemons=_UPSTREAM,
        units=_UNDERSCORE_UNITS,
        source="vmware/photon SPECS/hyper-v/hyper-v.spec 6.1-2: %{_bindir}/hv_kvp_daemon, "
        "hv_vss_daemon, hv_fcopy_daemon; units hv_*_daemon.service (50-hyper-v.preset "
        "disables them)",
    ),
    LinuxPackaging(
        family="freebsd",
        name="FreeBSD",
        distributions=("freebsd",),
        packages=(),
        package_manager_update="freebsd-update --not-running-from-cron fetch install",
        install="",
        init=InitSystem.RC_D,
        daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon"},
        units={_KVP: "hv_kvpd", _VSS: "hv_vssd"},
        source="FreeBSD base system (Microsoft 'Supported FreeBSD virtual machines on "
        "Hyper-V': integration services built in); rc.d script hv_kvpd with rcvar "
        "hv_kvp_daemon_enable (FreeBSD Hyper-V KVP prototype, code search)",
        unverified=("rc.d script of the VSS daemon and the rc.conf knobs of current releases",),
    ),
)
