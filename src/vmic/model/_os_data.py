"""Operating systems vmic knows: data only.

Each row: product key, canonical English name, family, NT version (major, minor),
whether Hyper-V hosts of that product exist, and the extra spellings that
:func:`vmic.parse_os` accepts besides the canonical name. Spellings are compared
after normalization (lower case; "windows", "microsoft", "server", punctuation,
service-pack and edition words removed), so only genuinely different forms are
listed here.

Sources: the update tables of "Manage Hyper-V Integration Services" (2020, English
and Italian) for the guest names; the "Applies to" line and the newest revision for
the host list; NT version numbers as used by ``IntegrationServicesVersion``
(6.0 Vista/2008, 6.1 7/2008 R2, 6.2 8/2012, 6.3 8.1/2012 R2, 10.0 from Windows 10).
"""

from __future__ import annotations

from typing import Final

# (key, canonical name, family, (nt major, nt minor), is host, extra spellings)
OS_ROWS: Final[tuple[tuple[str, str, str, tuple[int, int], bool, tuple[str, ...]], ...]] = (
    ("windows_xp", "Windows XP", "windows_client", (5, 1), False, ("xp", "winxp")),
    ("windows_vista", "Windows Vista", "windows_client", (6, 0), False, ("vista", "winvista")),
    ("windows_7", "Windows 7", "windows_client", (6, 1), False, ("win7", "7", "w7")),
    ("windows_8", "Windows 8", "windows_client", (6, 2), True, ("win8", "8", "w8")),
    ("windows_8_1", "Windows 8.1", "windows_client", (6, 3), True, ("win81", "8.1", "w81")),
    ("windows_10", "Windows 10", "windows_client", (10, 0), True, ("win10", "10", "w10")),
    ("windows_11", "Windows 11", "windows_client", (10, 0), True, ("win11", "11", "w11")),
    (
        "windows_server_2003",
        "Windows Server 2003",
        "windows_server",
        (5, 2),
        False,
        ("ws2003", "2003", "win2003", "w2k3"),
    ),
    (
        "windows_server_2003_r2",
        "Windows Server 2003 R2",
        "windows_server",
        (5, 2),
        False,
        ("ws2003r2", "2003r2", "win2003r2", "w2k3r2"),
    ),
    (
        "windows_server_2008",
        "Windows Server 2008",
        "windows_server",
        (6, 0),
        False,
        ("ws2008", "2008", "win2008", "w2k8"),
    ),
    (
        "windows_server_2008_r2",
        "Windows Server 2008 R2",
        "windows_server",
        (6, 1),
        False,
        ("ws2008r2", "2008r2", "win2008r2", "w2k8r2"),
    ),
    (
        "windows_server_2012",
        "Windows Server 2012",
        "windows_server",
        (6, 2),
        True,
        ("ws2012", "2012", "win2012", "w2k12"),
    ),
    (
        "windows_server_2012_r2",
        "Windows Server 2012 R2",
        "windows_server",
        (6, 3),
        True,
        ("ws2012r2", "2012r2", "win2012r2", "w2k12r2"),
    ),
    (
        "windows_server_2016",
        "Windows Server 2016",
        "windows_server",
        (10, 0),
        True,
        ("ws2016", "2016", "win2016", "w2k16"),
    ),
    (
        "windows_server_sac",
        "Windows Server, Semi-Annual Channel",
        "windows_server",
        (10, 0),
        False,
        (
            "sac",
            "semiannualchannel",
            "semiannual",
            "wssac",
            "canalesemestrale",
            "semestrale",
        ),
    ),
    (
        "windows_server_2019",
        "Windows Server 2019",
        "windows_server",
        (10, 0),
        True,
        ("ws2019", "2019", "win2019", "w2k19"),
    ),
    (
        "windows_server_2022",
        "Windows Server 2022",
        "windows_server",
        (10, 0),
        True,
        ("ws2022", "2022", "win2022", "w2k22"),
    ),
    (
        "windows_server_2025",
        "Windows Server 2025",
        "windows_server",
        (10, 0),
        True,
        ("ws2025", "2025", "win2025", "w2k25"),
    ),
    (
        "windows_home_server_2011",
        "Windows Home Server 2011",
        "windows_server",
        (6, 1),
        False,
        ("whs2011", "homeserver2011", "home2011"),
    ),
    (
        "windows_small_business_server_2011",
        "Windows Small Business Server 2011",
        "windows_server",
        (6, 1),
        False,
        ("sbs2011", "smallbusinessserver2011", "smallbusiness2011"),
    ),
    (
        "linux",
        "Linux",
        "linux",
        (0, 0),
        False,
        ("linuxguests", "linuxguest", "guestlinux", "linux guests"),
    ),
)

#: Linux distribution names recognised in free text and KVP ``OSName`` values, mapped to
#: the ``/etc/os-release`` ``ID`` that names the distribution (the packaging facts of
#: :mod:`vmic.model._linux_data` are keyed by it). The longest name found first wins.
LINUX_DISTRIBUTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("ubuntu", "ubuntu"),
    ("debian", "debian"),
    ("red hat", "rhel"),
    ("redhat", "rhel"),
    ("rhel", "rhel"),
    ("centos", "centos"),
    ("fedora", "fedora"),
    ("rocky", "rocky"),
    ("almalinux", "almalinux"),
    ("alma linux", "almalinux"),
    ("oracle linux", "ol"),
    ("azure linux", "azurelinux"),
    ("azurelinux", "azurelinux"),
    ("cbl-mariner", "mariner"),
    ("mariner", "mariner"),
    ("photon", "photon"),
    ("alpine", "alpine"),
    ("arch", "arch"),
    ("opensuse tumbleweed", "opensuse-tumbleweed"),
    ("opensuse-tumbleweed", "opensuse-tumbleweed"),
    ("opensuse leap", "opensuse-leap"),
    ("opensuse-leap", "opensuse-leap"),
    ("opensuse", "opensuse-leap"),
    ("suse", "sles"),
    ("sles", "sles"),
    # Not Linux, but a guest of the same kind for Hyper-V: the same pages list it, its daemons
    # are in the base system (vmic.model._linux_data).
    ("freebsd", "freebsd"),
)
#: Every distribution ``ID`` an ``OperatingSystem`` may carry: the ones above, plus IDs that
#: only ``/etc/os-release`` gives (``ID_LIKE``-level names such as ``suse``).
LINUX_IDS: Final = frozenset(
    {distribution for _needle, distribution in LINUX_DISTRIBUTIONS}
    | {"suse", "ol", "sles_sap", "sled", "opensuse"}
)
#: Release code names that stand for a version when a text gives no number.
LINUX_CODENAMES: Final[tuple[tuple[str, str], ...]] = (
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("focal", "20.04"),
    ("jammy", "22.04"),
    ("noble", "24.04"),
)

#: Windows 10-family build numbers that identify a product when the name is ambiguous.
#: Server: 14393 = 2016, 17763 = 2019, 20348 = 2022, 26100 = 2025; Semi-Annual Channel
#: releases 1709 (16299), 1803 (17134), 1903 (18362), 1909 (18363), 2004 (19041), 20H2 (19042).
SERVER_BUILDS: Final[tuple[tuple[int, str], ...]] = (
    (14393, "windows_server_2016"),
    (16299, "windows_server_sac"),
    (17134, "windows_server_sac"),
    (17763, "windows_server_2019"),
    (18362, "windows_server_sac"),
    (18363, "windows_server_sac"),
    (19041, "windows_server_sac"),
    (19042, "windows_server_sac"),
    (20348, "windows_server_2022"),
    (26100, "windows_server_2025"),
)
#: Windows 11 starts at build 22000; everything from 10240 below it is Windows 10.
WINDOWS_11_FIRST_BUILD: Final = 22000
