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
    "LINUX_RELEASES",
    "OUTDATED_VERSIONS",
    "PRODUCT_BUILDS",
    "WINDOWS_EDITIONS",
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

#: Per family: (os-release NAME, VERSION_ID, ID, ID_LIKE, kernel release, daemon directory).
#: Ubuntu runs its daemons from the versioned linux-tools directory (the specification's
#: ``ps -ef`` sample); the others from the directory their package installs into.
LINUX_RELEASES: Final = {
    "ubuntu": ("Ubuntu", "22.04", "ubuntu", "debian", "5.15.0-91-generic", "/usr/lib/linux-tools"),
    "debian": ("Debian GNU/Linux", "12", "debian", "", "6.1.0-13-amd64", "/usr/sbin"),
    "rhel": (
        "Red Hat Enterprise Linux",
        "9.3",
        "rhel",
        "fedora",
        "5.14.0-362.8.1.el9_3.x86_64",
        "/usr/sbin",
    ),
    "arch": ("Arch Linux", "", "arch", "", "6.6.7-arch1-1", "/usr/bin"),
    "suse": (
        "SLES",
        "15-SP5",
        "sles",
        "suse",
        "5.14.21-150500.55.39-default",
        "/usr/sbin",
    ),
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
