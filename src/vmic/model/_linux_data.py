"""Hyper-V daemon packaging per distribution and release: data only.

One row per distribution release range, first the row :func:`vmic.model._linux.packaging_for`
takes when no release is given. Every row's ``source`` names the package, its version and
the file that shows the facts; whatever no package source showed is listed in
``unverified`` (the diagnosis then says "unverified for this distribution").

Files read for this table:

- Debian ``hyperv-daemons`` (source ``linux``), the real ``.deb`` of each release, file list
  and unit files kept in ``tests/data/linux/`` and compared with the archive's packages in CI:
  bullseye 5.10.223-1 and bookworm 6.1.176-1 (also 6.1.192-3, installed on the CI image):
  ``/usr/sbin/hv_{kvp,vss,fcopy}_daemon``,
  ``/lib/systemd/system/hv-{kvp,vss,fcopy}-daemon.service``;
  trixie 6.12.117-1: only ``/usr/sbin/hv_{kvp,vss}_daemon`` and
  ``/usr/lib/systemd/system/hv-{kvp,vss}-daemon.service``. Its ``changelog.Debian.gz``:
  linux 5.8.3-1~exp1 (2020-08-24) "Rename services to remove "hyperv-daemons." prefix";
  linux 6.10-1~exp1 "hyperv-daemons: Update for upstream removal of hv_fcopy_daemon".
- Debian ``chrony`` 4.3-2+deb12u3: ``/etc/chrony/``, ``lib/systemd/system/chrony.service``
  (``Alias=chronyd.service``).
- Fedora ``hyperv-daemons.spec`` 0-0.48.20240616git ("Update to 6.10-rc4", Fedora 41 mass
  rebuild), r0x0d/fedora-rpm-specs ``specs/hyperv-daemons.spec`` @851839c: ``%files -n
  hypervkvpd`` lists ``%{_sbindir}/hv_kvp_daemon`` and ``%{_unitdir}/hypervkvpd.service``;
  ``hypervfcopyd`` ships ``hv_fcopy_uio_daemon`` (x86 only).
- RHEL 7 ``hyperv-daemons.spec`` 0-0.34.20180415git.el7
  (eurolinux-enterprise-linux-sources/hyperv-daemons branch el7 @ac02bb6), RHEL 8
  0-0.32.20180415git (openlogic/hyperv-daemons ``SPECS/hyperv-daemons.spec``), RHEL 9
  0-0.42.20190303git.el9 (openela-main/hyperv-daemons branch el9 @83cc681,
  ``SPECS/hyperv-daemons.spec``): ``%global hv_kvp_daemon hypervkvpd``, ``%files -n
  hypervkvpd`` ``%{_unitdir}/hypervkvpd.service`` (likewise VSS and file copy).
- RHEL 10 (CentOS Stream 10) ``hyperv-daemons.spec`` 0-0.49.20220731git (2024-11-21):
  ``%global hv_kvp_daemon hypervkvpd``, ``hv_vss_daemon hypervvssd``, ``hv_fcopy_uio_daemon
  hv_fcopy_uio_daemon`` under ``%ifnarch aarch64`` ("[RHEL-10] Add support for fcopy UIO
  userland module", RHEL-44617); units hypervkvpd/hypervvssd/hypervfcopyd.service.
- Fedora-lineage ``chrony.spec`` ``%files``: ``%config(noreplace) %{_sysconfdir}/chrony.conf``,
  ``%systemd_post chronyd.service``.
- openSUSE/SLES ``hyper-v.spec`` Version 9 (2024 SUSE LLC): binaries in
  ``/usr/lib/hyper-v/bin`` (``hv_kvp_daemon``, ``hv_vss_daemon``, ``hv_fcopy_daemon``, and
  ``hv_fcopy_uio_daemon`` on x86), units ``hv_kvp_daemon.service``, ``hv_vss_daemon.service``,
  ``hv_fcopy_daemon.service``, ``hv_fcopy_uio_daemon.service``, whose ``ExecStartPre`` hands
  the file-copy VMBus device class ``34d14be3-dee4-41c8-9ae7-6b174977c192`` to
  ``uio_hv_generic``.
- Alpine aports ``main/hvtools/APKBUILD`` @1fcfeea (hvtools 4.11.9-r4): built from the Linux
  4.11 tree, installs ``hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon`` to ``/usr/bin`` and the
  OpenRC scripts ``/etc/init.d/hv_{kvp,vss,fcopy}_daemon`` (subpackage ``hvtools-openrc``).
- FreeBSD ``sbin/devd/hyperv.conf`` (freebsd/freebsd-src @47e79d7): ``devd`` runs
  ``/usr/sbin/hv_kvp_daemon`` when ``hv_kvp_dev`` is created and ``/usr/sbin/hv_vss_daemon``
  for ``hv_fsvss_dev``; there is no ``rc.d`` script and no file-copy daemon.
- Azure Linux (CBL-Mariner) ``hyperv-daemons.spec`` 5.15.138.1 (microsoft/azurelinux
  ``SPECS/hyperv-daemons/hyperv-daemons.spec``): same renamed binaries and units.
- Photon ``hyper-v.spec`` 6.1-2 (vmware/photon ``SPECS/hyper-v/hyper-v.spec`` @3015046):
  ``%{_bindir}/hv_kvp_daemon``, units ``hv_kvp_daemon.service`` (preset: disabled).
- Arch ``hyperv``: jtdubs/lab ``boxes/arch-base/scripts/install-hyperv.sh`` installs it with
  pacman and enables ``hv_kvp_daemon.service``, ``hv_vss_daemon.service``,
  ``hv_fcopy_daemon.service``; the PKGBUILD itself was not read.
"""

from __future__ import annotations

from typing import Final

from vmic.model._linux_packaging import (
    ChronyFacts,
    InitSystem,
    LinuxPackaging,
    NotPackaged,
    PsFormat,
)
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

_DEBIAN_UNITS: Final = {
    _KVP: "hv-kvp-daemon.service",
    _VSS: "hv-vss-daemon.service",
    _GSI: "hv-fcopy-daemon.service",
}
_DEBIAN_CHRONY: Final = ChronyFacts(
    path="/etc/chrony/chrony.conf",
    service="chrony",
    source="Debian chrony 4.3-2+deb12u3: ./etc/chrony/, lib/systemd/system/chrony.service "
    "(Alias=chronyd.service)",
)
_RPM_CHRONY: Final = ChronyFacts(
    path="/etc/chrony.conf",
    service="chronyd",
    source="Fedora-lineage chrony.spec %files: %config(noreplace) %{_sysconfdir}/chrony.conf; "
    "%systemd_post chronyd.service",
)


def _chrony_unread(path: str, service: str, why: str) -> ChronyFacts:
    return ChronyFacts(path=path, service=service, source=why, verified=False)


#: What the Copy-VMFile fix says when a release has no file-copy daemon to run.
_BUILD_UIO: Final = (
    "build hv_fcopy_uio_daemon from tools/hv of the running kernel's source (Linux 6.10 or "
    "later), then run it as root while the uio_hv_generic driver owns the file-copy VMBus "
    "device (class 34d14be3-dee4-41c8-9ae7-6b174977c192)"
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
        units=_DEBIAN_UNITS,
        chrony=_DEBIAN_CHRONY,
        source="Debian package hyperv-daemons 5.10.223-1 (bullseye) and 6.1.176-1 / 6.1.192-3 "
        "(bookworm): /usr/sbin/hv_{kvp,vss,fcopy}_daemon and "
        "/lib/systemd/system/hv-{kvp,vss,fcopy}-daemon.service (tests/data/linux/); "
        "changelog linux 5.8.3-1~exp1 (2020-08-24) renamed the units",
    ),
    LinuxPackaging(
        family="debian-13",
        name="Debian 13 and later",
        distributions=("debian",),
        versions=(13, None),
        packages=("hyperv-daemons",),
        package_manager_update=_DEBIAN_UPDATE,
        daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon"},
        units={_KVP: "hv-kvp-daemon.service", _VSS: "hv-vss-daemon.service"},
        not_packaged={
            _GSI: NotPackaged(
                reason="Debian 13's hyperv-daemons provides no file-copy daemon (neither "
                "hv_fcopy_daemon, which Linux 6.10 removed, nor hv_fcopy_uio_daemon), so "
                "Copy-VMFile cannot work in this guest",
                source="Debian package hyperv-daemons 6.12.117-1 (trixie): "
                "/usr/sbin/hv_kvp_daemon, hv_vss_daemon only; changelog linux 6.10-1~exp1: "
                "'hyperv-daemons: Update for upstream removal of hv_fcopy_daemon'",
                build=_BUILD_UIO,
            )
        },
        chrony=_DEBIAN_CHRONY,
        source="Debian package hyperv-daemons 6.12.117-1 (trixie): /usr/sbin/hv_kvp_daemon, "
        "hv_vss_daemon and /usr/lib/systemd/system/hv-{kvp,vss}-daemon.service "
        "(tests/data/linux/)",
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
        chrony=_DEBIAN_CHRONY,
        source="Debian hyperv-daemons changelog, linux 5.8.3-1~exp1 (2020-08-24): units "
        "renamed from the hyperv-daemons. prefix, which Debian 10's linux 4.19 still has; "
        "Debian 11's and later units carry Conflicts=hyperv-daemons.hv-kvp-daemon.service",
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
        units=_DEBIAN_UNITS,
        chrony=_chrony_unread(
            "/etc/chrony/chrony.conf",
            "chrony",
            "Debian's chrony packaging, from which Ubuntu's derives; Ubuntu's package not read",
        ),
        source="Manage Hyper-V Integration Services ps -ef sample "
        "(/usr/lib/linux-tools/<kernel>/hv_kvp_daemon); unit names as Debian's package, "
        "from which Ubuntu's linux-cloud-tools-common derives",
        unverified=(
            (
                "package file list not read: /usr/sbin/hv_* as wrappers of the per-kernel "
                "linux-cloud-tools-$(uname -r) binaries"
            ),
            "unit names not read from Ubuntu's linux-cloud-tools-common (Debian's are used)",
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
        chrony=_RPM_CHRONY,
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
        chrony=_RPM_CHRONY,
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
        chrony=_RPM_CHRONY,
        source="hyperv-daemons.spec of RHEL 7 (0-0.34.20180415git.el7, "
        "eurolinux-enterprise-linux-sources/hyperv-daemons el7 @ac02bb6), RHEL 8 "
        "(0-0.32.20180415git, openlogic/hyperv-daemons) and RHEL 9 (0-0.42.20190303git.el9, "
        "openela-main/hyperv-daemons el9 @83cc681): %global hv_kvp_daemon hypervkvpd; "
        "%{_unitdir}/hypervkvpd.service, hypervvssd.service, hypervfcopyd.service",
    ),
    LinuxPackaging(
        family="rhel-10",
        name="RHEL, CentOS Stream, Rocky, AlmaLinux, Oracle Linux 10",
        distributions=_RHEL_IDS,
        versions=(10, None),
        packages=("hyperv-daemons",),
        package_manager_update="dnf upgrade -y kernel hyperv-daemons",
        install="dnf install -y",
        daemons={_KVP: "hypervkvpd", _VSS: "hypervvssd", _GSI: "hv_fcopy_uio_daemon"},
        units=_RENAMED_UNITS,
        chrony=_RPM_CHRONY,
        source="CentOS Stream 10 hyperv-daemons.spec 0-0.49.20220731git: %global "
        "hv_kvp_daemon hypervkvpd, hv_vss_daemon hypervvssd; hypervfcopyd ships "
        "%{_sbindir}/hv_fcopy_uio_daemon and hypervfcopyd.service, x86 only "
        "(%ifnarch aarch64)",
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
        chrony=_chrony_unread(
            "/etc/chrony.conf", "chronyd", "SUSE's chrony package not read (RPM layout assumed)"
        ),
        source="openSUSE hyper-v.spec Version 9: %helper_dir/bin = /usr/lib/hyper-v/bin holds "
        "hv_kvp_daemon, hv_vss_daemon, hv_fcopy_daemon and (x86) hv_fcopy_uio_daemon; "
        "%_unitdir/hv_kvp_daemon.service, hv_vss_daemon.service, hv_fcopy_daemon.service, "
        "hv_fcopy_uio_daemon.service",
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
        chrony=_chrony_unread("/etc/chrony.conf", "chronyd", "Arch's chrony package not read"),
        source="jtdubs/lab boxes/arch-base/scripts/install-hyperv.sh: pacman -Sy hyperv, "
        "then systemctl enable hv_fcopy_daemon.service hv_kvp_daemon.service "
        "hv_vss_daemon.service",
        unverified=("PKGBUILD not read: binary directory, and the unit of hv_fcopy_uio_daemon",),
    ),
    LinuxPackaging(
        family="alpine",
        name="Alpine Linux",
        distributions=("alpine",),
        packages=("hvtools", "hvtools-openrc"),
        package_manager_update="apk upgrade --available linux-virt hvtools",
        install="apk add",
        init=InitSystem.OPENRC,
        ps=PsFormat.BUSYBOX,
        directory="/usr/bin",
        daemons=_UPSTREAM,
        units={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"},
        chrony=_chrony_unread(
            "/etc/chrony/chrony.conf", "chronyd", "Alpine's chrony package not read"
        ),
        source="Alpine aports main/hvtools/APKBUILD @1fcfeea (hvtools 4.11.9-r4, built from "
        "Linux 4.11 tools/hv): install -D -t $pkgdir/usr/bin hv_kvp_daemon hv_vss_daemon "
        "hv_fcopy_daemon; OpenRC scripts /etc/init.d/hv_{kvp,vss,fcopy}_daemon "
        "(hvtools-openrc); no hv_fcopy_uio_daemon",
        unverified=(
            (
                "whether the Linux 4.11 hv_fcopy_daemon can run on the installed linux-virt "
                "kernel: Linux 6.10 removed the /dev/vmbus/hv_fcopy device it opens"
            ),
        ),
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
        chrony=_chrony_unread(
            "/etc/chrony.conf", "chronyd", "Azure Linux's chrony.spec not read (RPM layout)"
        ),
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
        chrony=_chrony_unread(
            "/etc/chrony.conf", "chronyd", "Photon's chrony.spec not read (RPM layout)"
        ),
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
        ps=PsFormat.BSD,
        daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon"},
        units={},
        started_by="devd, as /etc/devd/hyperv.conf says, when the kernel creates the daemon's "
        "device (hv_kvp_dev, hv_fsvss_dev)",
        not_packaged={
            _GSI: NotPackaged(
                reason="FreeBSD has no file-copy daemon: devd's hyperv.conf starts only "
                "hv_kvp_daemon and hv_vss_daemon, and Microsoft's FreeBSD page lists no file "
                "copy from host to guest, so Copy-VMFile cannot work in this guest",
                source="freebsd/freebsd-src sbin/devd/hyperv.conf @47e79d7",
            )
        },
        chrony=_chrony_unread(
            "/usr/local/etc/chrony.conf", "chronyd", "FreeBSD's net/chrony port not read"
        ),
        source="freebsd/freebsd-src sbin/devd/hyperv.conf @47e79d7: notify rules run "
        "/usr/sbin/hv_kvp_daemon on CREATE of hv_kvp_dev and /usr/sbin/hv_vss_daemon on "
        "CREATE of hv_fsvss_dev (pkill -x on DESTROY); base system, no rc.d script",
    ),
)
