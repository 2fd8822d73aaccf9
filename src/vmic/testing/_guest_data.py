"""What simulated machines report about themselves: data only.

Figures are illustrative but follow the shapes the reference notes document:
builds are the release builds of each product (``OSVersion`` is
``major.minor.build``); Windows integration services versions are
``<nt>.<build>.<revision>`` (on 2016-and-later hosts they follow the guest's own
build); Linux releases give ``/etc/os-release`` fields and a kernel release in each
distribution's naming; module sizes are those of the specification's ``lsmod``
sample where it shows them.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BUILTIN_HV_MODULES",
    "HOST_CAPTIONS",
    "HV_MODULES",
    "INTEGRATION_SERVICES_VERSIONS",
    "LINUX_KERNELS",
    "LINUX_RELEASES",
    "OUTDATED_VERSIONS",
    "PRODUCT_BUILDS",
    "WINDOWS_EDITIONS",
    "WINDOWS_POWERSHELL",
]

#: Release build of each Windows product (``OSVersion``'s third part).
PRODUCT_BUILDS: Final = {
    "windows_xp": 2600,
    "windows_vista": 6002,
    "windows_7": 7601,
    "windows_8": 9200,
    "windows_8_1": 9600,
    "windows_10": 19045,
    "windows_11": 22631,
    "windows_server_2003": 3790,
    "windows_server_2003_r2": 3790,
    "windows_server_2008": 6003,
    "windows_server_2008_r2": 7601,
    "windows_server_2012": 9200,
    "windows_server_2012_r2": 9600,
    "windows_server_2016": 14393,
    "windows_server_sac": 19042,
    "windows_server_2019": 17763,
    "windows_server_2022": 20348,
    "windows_server_2025": 26100,
    "windows_home_server_2011": 7601,
    "windows_small_business_server_2011": 7601,
}

#: The edition word a guest's ``OSName`` carries (clients and servers differ).
WINDOWS_EDITIONS: Final = {"windows_client": "Enterprise", "windows_server": "Datacenter"}

#: ``OSName`` spellings that are not "<product name> <edition>".
OS_NAME_OVERRIDES: Final = {
    # Windows 11 still reports ProductName "Windows 10 ..." (parse_os reads the build).
    "windows_11": "Windows 10 Enterprise",
    "windows_xp": "Windows XP Professional",
    "windows_server_sac": "Windows Server Datacenter",
    "windows_home_server_2011": "Windows Home Server 2011",
    "windows_small_business_server_2011": "Windows Small Business Server 2011 Standard",
}

#: ``Win32_OperatingSystem.Caption`` of a Hyper-V host.
HOST_CAPTIONS: Final = {
    "windows_8": "Microsoft Windows 8 Pro",
    "windows_8_1": "Microsoft Windows 8.1 Pro",
    "windows_10": "Microsoft Windows 10 Pro",
    "windows_11": "Microsoft Windows 11 Pro",
    "windows_server_2012": "Microsoft Windows Server 2012 Datacenter",
    "windows_server_2012_r2": "Microsoft Windows Server 2012 R2 Datacenter",
    "windows_server_2016": "Microsoft Windows Server 2016 Datacenter",
    "windows_server_sac": "Microsoft Windows Server Datacenter",
    "windows_server_2019": "Microsoft Windows Server 2019 Datacenter",
    "windows_server_2022": "Microsoft Windows Server 2022 Datacenter",
    "windows_server_2025": "Microsoft Windows Server 2025 Datacenter",
}

#: Revision of the integration services a current guest of each NT version runs. 6.3 is
#: KB4072650's 6.3.9600.19456 (reference notes, section 6); the others are illustrative.
INTEGRATION_SERVICES_VERSIONS: Final = {
    (6, 0): "6.0.6002.18005",
    (6, 1): "6.1.7601.24384",
    (6, 2): "6.2.9200.22099",
    (6, 3): "6.3.9600.19456",
}

#: An out-of-date version per NT version: the release (RTM) integration services.
OUTDATED_VERSIONS: Final = {
    (6, 0): "6.0.6001.18000",
    (6, 1): "6.1.7600.16385",
    (6, 2): "6.2.9200.16384",
    (6, 3): "6.3.9600.16384",
    (10, 0): "10.0.10240.16384",
}

#: Per distribution (``/etc/os-release`` ``ID``): (``NAME``, default ``VERSION_ID``, ``ID_LIKE``,
#: kernel release). Binary names, paths, units and the init system are not here: the lab
#: reads them from the packaging facts (:mod:`vmic.model._linux`), for the release given.
LINUX_RELEASES: Final = {
    "ubuntu": ("Ubuntu", "22.04", "debian", "5.15.0-91-generic"),
    "debian": ("Debian GNU/Linux", "12", "", "6.1.0-13-amd64"),
    "rhel": ("Red Hat Enterprise Linux", "9.3", "fedora", "5.14.0-362.8.1.el9_3.x86_64"),
    "centos": ("CentOS Stream", "9", "rhel fedora", "5.14.0-427.el9.x86_64"),
    "rocky": ("Rocky Linux", "9.4", "rhel centos fedora", "5.14.0-427.13.1.el9_4.x86_64"),
    "almalinux": ("AlmaLinux", "9.4", "rhel centos fedora", "5.14.0-427.13.1.el9_4.x86_64"),
    "ol": ("Oracle Linux Server", "9.4", "fedora", "5.15.0-206.153.7.el9uek.x86_64"),
    "fedora": ("Fedora Linux", "41", "", "6.11.4-301.fc41.x86_64"),
    "arch": ("Arch Linux", "", "", "6.6.7-arch1-1"),
    "sles": ("SLES", "15-SP5", "suse", "5.14.21-150500.55.39-default"),
    "opensuse-leap": ("openSUSE Leap", "15.5", "suse opensuse", "5.14.21-150500.55.39-default"),
    "opensuse-tumbleweed": ("openSUSE Tumbleweed", "", "opensuse suse", "6.11.5-1-default"),
    "alpine": ("Alpine Linux", "3.20.3", "", "6.6.58-0-virt"),
    "azurelinux": ("Microsoft Azure Linux", "3.0", "", "6.6.47.1-1.azl3"),
    "mariner": ("Common Base Linux Mariner", "2.0", "", "5.15.138.1-1.cm2"),
    "photon": ("VMware Photon OS", "5.0", "", "6.1.10-11.ph5"),
    # FreeBSD 13 and later write /etc/os-release too; uname -r is the release.
    "freebsd": ("FreeBSD", "14.1", "", "14.1-RELEASE"),
}
#: A kernel release of each major version line, for guests whose text names a release the
#: default above does not match (Debian 10 runs 4.19, Debian 13 runs 6.12...).
LINUX_KERNELS: Final = {
    ("debian", "10"): "4.19.0-27-amd64",
    ("debian", "11"): "5.10.0-32-amd64",
    ("debian", "13"): "6.12.12-amd64",
    ("alpine", "3.21"): "6.12.13-0-virt",
    ("fedora", "39"): "6.5.6-300.fc39.x86_64",
    ("fedora", "40"): "6.8.5-301.fc40.x86_64",
    ("rhel", "7"): "3.10.0-1160.el7.x86_64",
    ("rhel", "8"): "4.18.0-513.5.1.el8_9.x86_64",
    ("rhel", "10"): "6.12.0-55.9.1.el10_0.x86_64",
    ("centos", "7"): "3.10.0-1160.el7.x86_64",
    ("ubuntu", "20.04"): "5.4.0-200-generic",
    ("ubuntu", "24.04"): "6.8.0-45-generic",
}

#: The Hyper-V kernel modules of a guest as ``lsmod`` lists them (name, size, users), newest
#: first; hv_utils and hv_vmbus sizes and hv_vmbus's users are the specification's sample.
HV_MODULES: Final = (
    ("hv_utils", 20480, ()),
    ("hv_balloon", 32768, ()),
    ("hyperv_keyboard", 16384, ()),
    ("hv_netvsc", 94208, ()),
    ("hid_hyperv", 16384, ()),
    ("hyperv_fb", 24576, ()),
    ("hv_storvsc", 24576, ()),
    (
        "hv_vmbus",
        61440,
        (
            "hv_balloon",
            "hyperv_keyboard",
            "hv_netvsc",
            "hid_hyperv",
            "hv_utils",
            "hyperv_fb",
            "hv_storvsc",
        ),
    ),
)

#: ``modules.builtin`` lines of a kernel with the Hyper-V drivers compiled in.
BUILTIN_HV_MODULES: Final = (
    "kernel/drivers/hv/hv_vmbus.ko",
    "kernel/drivers/hv/hv_utils.ko",
    "kernel/drivers/hv/hv_balloon.ko",
    "kernel/drivers/scsi/hv_storvsc.ko",
    "kernel/drivers/net/hyperv/hv_netvsc.ko",
)

#: ``modules.builtin`` lines every simulated kernel has.
BASE_BUILTIN_MODULES: Final = (
    "kernel/crypto/crc32c_generic.ko",
    "kernel/drivers/hid/hid-generic.ko",
    "kernel/fs/ext4/ext4.ko",
)

#: Helper scripts the Debian-family KVP package puts next to the daemon (``compgen -c hv_``
#: in the specification's sample).
KVP_HELPERS: Final = ("hv_get_dhcp_info", "hv_get_dns_info", "hv_set_ifconfig")

#: systemd ``Description=`` of each daemon's unit.
UNIT_DESCRIPTIONS: Final = {
    "key_value_pair_exchange": "Hyper-V KVP Protocol Daemon",
    "vss": "Hyper-V VSS Protocol Daemon",
    "guest_service_interface": "Hyper-V FCOPY Daemon",
}

#: The Windows PowerShell each Windows ships ("Included" in the WMF availability table of
#: MicrosoftDocs/PowerShell-Docs reference/docs-conceptual/windows-powershell/wmf-overview.md
#: @27138b21; Windows 10 includes 5.1 from 1607, the lab's build). Windows Server 2025 is not
#: in that table (UNVERIFIED: 5.1 as in 2022). Windows Vista, Windows Server 2008 SP2 and older
#: ship no PowerShell 2.0 or later ("Yes" only: an installable WMF); the lab gives them 2.0, the
#: oldest it models.
WINDOWS_POWERSHELL: Final = {
    "windows_xp": "2.0",
    "windows_vista": "2.0",
    "windows_7": "2.0",
    "windows_8": "3.0",
    "windows_8_1": "4.0",
    "windows_10": "5.1",
    "windows_11": "5.1",
    "windows_server_2003": "2.0",
    "windows_server_2003_r2": "2.0",
    "windows_server_2008": "2.0",
    "windows_server_2008_r2": "2.0",
    "windows_server_2012": "3.0",
    "windows_server_2012_r2": "4.0",
    "windows_server_2016": "5.1",
    "windows_server_sac": "5.1",
    "windows_server_2019": "5.1",
    "windows_server_2022": "5.1",
    "windows_server_2025": "5.1",
    "windows_home_server_2011": "2.0",
    "windows_small_business_server_2011": "2.0",
}
