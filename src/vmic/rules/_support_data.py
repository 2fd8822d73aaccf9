"""Supported guests per host and Linux/FreeBSD feature maps: data only.

Every table names the page, the file in its documentation repository, the commit of
the revision read and that revision's ``ms.date``. Labels and cells are the page's own
spelling; nothing here is derived. Where vmic needs a fact the pages do not state, the
engine (:mod:`vmic.rules._support`) marks the answer as inferred instead of adding a row.
"""

from __future__ import annotations

from typing import Final

# --- Windows guests --------------------------------------------------------------------

#: (document title, repository path, commit, ms.date)
WINDOWS_SERVER_PAGE: Final = (
    "Supported Windows guest operating systems for Hyper-V on Windows Server",
    (
        "MicrosoftDocs/windowsserverdocs: WindowsServerDocs/virtualization/hyper-v/"
        "Supported-Windows-guest-operating-systems-for-Hyper-V-on-Windows.md"
    ),
    "01d8846",
    "04/23/2025",
)
#: The client-host page the Windows Server page links for "Windows 10, 11" hosts.
CLIENT_PAGE: Final = (
    "Supported Windows guests (Hyper-V on Windows)",
    (
        "MicrosoftDocs/Virtualization-Documentation: "
        "virtualization/hyper-v-on-windows/about/supported-guest-os.md"
    ),
    "015403e",
    "12/03/2024",
)

#: Host product keys each page is for.
WINDOWS_SERVER_PAGE_HOSTS: Final = (
    "windows_server_2016",
    "windows_server_2019",
    "windows_server_2022",
    "windows_server_2025",
)
CLIENT_PAGE_HOSTS: Final = ("windows_10", "windows_11")

_BUILT_IN = "built_in"
_CRITICAL = "install_critical_updates"
_UPGRADE = "upgrade_after_setup"

#: Integration Services column wording, by kind.
INTEGRATION_SERVICES_TEXT: Final = {
    _BUILT_IN: "Built-in",
    _CRITICAL: "Install all critical Windows updates after you set up the guest operating system.",
    _UPGRADE: "Upgrade the integration services after you set up the guest operating system.",
    "not_stated": "",
}

# Row: guest label (page spelling), product key, minimum service pack, section,
# Integration Services kind, oldest Windows Server host key ("" = every host of the page),
# note (the page's Notes / Host operating systems bullets, abridged).
WindowsRow = tuple[str, str, int | None, str, str, str, str]

WINDOWS_SERVER_ROWS: Final[tuple[WindowsRow, ...]] = (
    (
        "Windows Server 2025",
        "windows_server_2025",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "windows_server_2022",
        (
            "Host operating systems: Windows Server 2022 and later. The maximum number of virtual "
            "processors depends on the host OS."
        ),
    ),
    (
        "Windows Server 2022",
        "windows_server_2022",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "windows_server_2019",
        "Host operating systems: Windows Server 2019 and later.",
    ),
    (
        "Windows Server 2019",
        "windows_server_2019",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows Server 2016",
        "windows_server_2016",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows Server 2012 R2",
        "windows_server_2012_r2",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows Server 2012",
        "windows_server_2012",
        None,
        "Supported Windows Server guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows Server 2008 R2 with Service Pack 1 (SP1)",
        "windows_server_2008_r2",
        1,
        "Supported Windows Server guest operating systems",
        _CRITICAL,
        "",
        "Datacenter, Enterprise, Standard, and Web editions.",
    ),
    (
        "Windows Server 2008 with Service Pack 2 (SP2)",
        "windows_server_2008",
        2,
        "Supported Windows Server guest operating systems",
        _CRITICAL,
        "",
        "Datacenter, Enterprise, Standard, and Web editions (32-bit and 64-bit).",
    ),
    (
        "Windows 11",
        "windows_11",
        None,
        "Supported Windows client guest operating systems",
        _BUILT_IN,
        "windows_server_2019",
        (
            "Host operating systems: generation 2 virtual machine hosted on Windows Server 2019 "
            "and later. Needs POPCNT and SSE4.2: disable processor compatibility (or use dynamic "
            "processor compatibility on Windows Server 2025 clusters)."
        ),
    ),
    (
        "Windows 10",
        "windows_10",
        None,
        "Supported Windows client guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows 8.1",
        "windows_8_1",
        None,
        "Supported Windows client guest operating systems",
        _BUILT_IN,
        "",
        "",
    ),
    (
        "Windows 7 with Service Pack 1 (SP1)",
        "windows_7",
        1,
        "Supported Windows client guest operating systems",
        _UPGRADE,
        "",
        "Ultimate, Enterprise, and Professional editions (32-bit and 64-bit).",
    ),
)

#: The client page has no Integration Services column ("not_stated") and no host constraints.
#: Its 2024-12-03 revision ("Updated supported-guest-os.md for Windows Server 2025") added
#: Windows Server 2025, 2022 and 2019 and Windows 11; its Notes column reads "Theoretical
#: limit" beside the two 2048-processor rows, which is about processors, not support.
CLIENT_ROWS: Final[tuple[WindowsRow, ...]] = tuple(
    (label, key, sp, "Supported guest operating systems", "not_stated", "", note)
    for label, key, sp, note in (
        (
            "Windows Server 2025",
            "windows_server_2025",
            None,
            "At most 2048 virtual processors (a theoretical limit).",
        ),
        (
            "Windows Server 2022",
            "windows_server_2022",
            None,
            "At most 2048 virtual processors (a theoretical limit).",
        ),
        ("Windows 11", "windows_11", None, ""),
        (
            "Windows 10",
            "windows_10",
            None,
            "Enhanced Session Mode does not work on Windows 10 Home edition",
        ),
        ("Windows 8.1", "windows_8_1", None, ""),
        ("Windows 8", "windows_8", None, ""),
        (
            "Windows 7 with Service Pack 1 (SP 1)",
            "windows_7",
            1,
            "Ultimate, Enterprise, and Professional editions (32-bit and 64-bit).",
        ),
        (
            "Windows 7",
            "windows_7",
            None,
            "Ultimate, Enterprise, and Professional editions (32-bit and 64-bit).",
        ),
        (
            "Windows Vista with Service Pack 2 (SP2)",
            "windows_vista",
            2,
            "Business, Enterprise, and Ultimate, including N and KN editions.",
        ),
        ("Windows Server Semi-Annual Channel", "windows_server_sac", None, ""),
        ("Windows Server 2019", "windows_server_2019", None, ""),
        ("Windows Server 2016", "windows_server_2016", None, ""),
        ("Windows Server 2012 R2", "windows_server_2012_r2", None, ""),
        ("Windows Server 2012", "windows_server_2012", None, ""),
        (
            "Windows Server 2008 R2 with Service Pack 1 (SP 1)",
            "windows_server_2008_r2",
            1,
            "Datacenter, Enterprise, Standard and Web editions.",
        ),
        (
            "Windows Server 2008 with Service Pack 2 (SP 2)",
            "windows_server_2008",
            2,
            "Datacenter, Enterprise, Standard and Web editions (32-bit and 64-bit).",
        ),
        ("Windows Home Server 2011", "windows_home_server_2011", None, ""),
        ("Windows Small Business Server 2011", "windows_small_business_server_2011", None, ""),
    )
)

#: The "Hyper-V Integration Services" reference page, Data Exchange impact: "When disabled,
#: virtual machines running Windows 8 or Windows Server 2012 or earlier don't receive updates
#: to Hyper-V integration services."
INTEGRATION_SERVICES_PAGE: Final = (
    "Hyper-V Integration Services",
    (
        "MicrosoftDocs/windowsserverdocs: WindowsServerDocs/virtualization/hyper-v/"
        "integration-services.md"
    ),
    "2acf4bb",
    "07/29/2024",
)
#: Guests whose Windows Update servicing needs Data Exchange: NT 6.2 (Windows 8 / Server 2012)
#: "or earlier", as the reference page says.
DATA_EXCHANGE_MAX_NT: Final = (6, 2)
#: The team-blog post that says how Windows Update decides (2014-11-24).
WU_APPLICABILITY_NOTE: Final = (
    "Windows Update offers integration components only when it can read the host version: "
    "it checks the guest OS version, then HostSystemOSMajor and HostSystemOSMinor under "
    "HKLM\\SOFTWARE\\Microsoft\\Virtual Machine\\Guest\\Parameters, which Data Exchange (KVP) "
    "writes; if KVP has never been enabled they do not exist and nothing is offered "
    "(Virtualization team blog, 2014-11-24)."
)
#: The 2015 team-blog post on the KB3071740 cabs: "applies to Server 2016 Technical Preview or
#: Windows 10 and associated preview builds or later".
CAB_LATER_HOSTS_NOTE: Final = (
    "If Data Exchange can't be enabled, the KB3071740 cab files update these guests; the 2015 "
    "team-blog post says its instructions apply to Windows Server 2016 / Windows 10 hosts or later."
)

# --- Linux and FreeBSD -----------------------------------------------------------------

#: The "Feature Descriptions for Linux and FreeBSD virtual machines on Hyper-V" page: the
#: Core row stands for integrated shutdown, time synchronization, heartbeat (and more).
FEATURE_DESCRIPTIONS_PAGE: Final = (
    "Feature Descriptions for Linux and FreeBSD virtual machines on Hyper-V",
    (
        "MicrosoftDocs/windowsserverdocs: WindowsServerDocs/virtualization/hyper-v/"
        "Feature-Descriptions-for-Linux-and-FreeBSD-virtual-machines-on-Hyper-V.md"
    ),
    "86a4aa7",
    "09/27/2023",
)

_OK = "✔"
_LEGACY_HOSTS = "2019, 2016, 2012 R2"
_SOCKET_HOSTS = "2019, 2016"
_RHEL_HOSTS = "Windows Server 2025, 2022, 2019, 2016, Azure Stack HCI"
_LIS_43 = "LIS 4.3"

# A page: key, title, repository path, commit, ms.date, columns, rows, notes.
# Column: (label, version ranges (lowest, highest or None for "and later in that major"),
#          availability cell). Versions are (major, minor); SUSE minor = service pack.
# Rows: page row name -> (host list cell, one cell per column).
Column = tuple[str, tuple[tuple[tuple[int, int], tuple[int, int] | None], ...], str]
Page = tuple[
    str,
    str,
    str,
    str,
    str,
    tuple[Column, ...],
    dict[str, tuple[str, tuple[str, ...]]],
    dict[int, str],
]


def _same(cell: str, count: int) -> tuple[str, ...]:
    return (cell,) * count


#: Columns a page note restricts to newer hosts: (page key, (major, minor)) -> (oldest host,
#: note number). RHEL's Note 15 is not attached to any cell; it names the release itself.
COLUMN_MINIMUM_HOSTS: Final = {("rhel", (8, 5)): ("2019", 15)}

LINUX_PAGES: Final[tuple[Page, ...]] = (
    (
        "ubuntu",
        "Supported Ubuntu virtual machines on Hyper-V",
        "WindowsServerDocs/virtualization/hyper-v/Supported-Ubuntu-virtual-machines-on-Hyper-V.md",
        "0aaa548",
        "08/29/2020",
        (
            ("20.04 LTS", (((20, 4), (20, 4)),), "Built-in"),
            ("18.04 LTS", (((18, 4), (18, 4)),), "Built-in"),
            ("16.04 LTS", (((16, 4), (16, 4)),), "Built-in"),
            ("14.04 LTS", (((14, 4), (14, 4)),), "Built-in"),
        ),
        {
            "Core": (_LEGACY_HOSTS, _same(_OK, 4)),
            "Live virtual machine backup": (_LEGACY_HOSTS, _same(f"{_OK} Note 3, 4, 5", 4)),
            "Key/value pair": (_LEGACY_HOSTS, _same(f"{_OK} Note 5, 9", 4)),
            "File copy from host to guest": (_LEGACY_HOSTS, _same(_OK, 4)),
            "Hyper-V Sockets": (_SOCKET_HOSTS, _same(_OK, 4)),
        },
        {
            3: "With open file handles during a live backup, the backed-up VHDs may need a file "
            "system check (fsck) on restore in some corner cases.",
            4: "Live backup can fail silently with an attached iSCSI device or pass-through disk.",
            5: "On LTS releases use the latest virtual HWE kernel (linux-azure) for up-to-date "
            "Linux Integration Services.",
            9: "On Windows Server 2019, 2016 or 2012 R2 hosts the key/value pair infrastructure "
            "might not work without a Linux software update from the distribution vendor.",
        },
    ),
    (
        "debian",
        "Supported Debian virtual machines on Hyper-V",
        "WindowsServerDocs/virtualization/hyper-v/Supported-Debian-virtual-machines-on-Hyper-V.md",
        "030ee58",
        "09/26/2023",
        (
            ("11 (Bullseye)", (((11, 0), None),), "Built in"),
            ("10.0-10.3 (Buster)", (((10, 0), (10, 3)),), "Built in"),
        ),
        {
            "Core": (_LEGACY_HOSTS, _same(_OK, 2)),
            "Live virtual machine backup": (_LEGACY_HOSTS, _same(f"{_OK} Note 2", 2)),
            "Key-Value Pair": (_LEGACY_HOSTS, _same(f"{_OK} Note 2", 2)),
            "File copy from host to guest": (_LEGACY_HOSTS, _same(f"{_OK} Note 2", 2)),
            "Hyper-V Sockets": (_SOCKET_HOSTS, _same(f"{_OK} Note 4", 2)),
        },
        {
            2: "Starting with Debian 8.3 the manually installed package hyperv-daemons contains "
            "the key-value pair, fcopy and VSS daemons.",
            4: "The latest upstream kernel capabilities are only available with the kernels of "
            "Debian backports.",
        },
    ),
    (
        "rhel",
        "Supported CentOS and Red Hat Enterprise Linux virtual machines on Hyper-V",
        (
            "WindowsServerDocs/virtualization/hyper-v/"
            "Supported-CentOS-and-Red-Hat-Enterprise-Linux-virtual-machines-on-Hyper-V.md"
        ),
        "051b1c9",
        "06/19/2025",
        (
            ("10.x", (((10, 0), None),), "Built in"),
            ("9.x", (((9, 0), None),), "Built in"),
            ("8.1-8.6+", (((8, 1), None),), "Built in"),
            ("8.0", (((8, 0), (8, 0)),), "Built in"),
            # "RHEL/CentOS 7.x Series" (64-bit kernels only): three LIS 4.3 columns, then the
            # built-in ones, in the page's order.
            ("7.5-7.7", (((7, 5), (7, 7)),), _LIS_43),
            ("7.3-7.4", (((7, 3), (7, 4)),), _LIS_43),
            ("7.0-7.2", (((7, 0), (7, 2)),), _LIS_43),
            ("7.6-7.9", (((7, 6), (7, 9)),), "Built-in"),
            ("7.5", (((7, 5), (7, 5)),), "Built-in"),
            ("7.4", (((7, 4), (7, 4)),), "Built-in"),
            ("7.3", (((7, 3), (7, 3)),), "Built-in"),
            ("7.2", (((7, 2), (7, 2)),), "Built-in"),
            ("7.1", (((7, 1), (7, 1)),), "Built-in"),
            ("7.0", (((7, 0), (7, 0)),), "Built-in"),
        ),
        {
            "Core": (_RHEL_HOSTS, _same(_OK, 14)),
            "Live virtual machine backup": (
                _RHEL_HOSTS,
                (*_same(f"{_OK} Note 5", 7), *_same(f"{_OK} Note 4, 5", 7)),
            ),
            "Key-Value Pair": (_RHEL_HOSTS, (*_same(_OK, 7), *_same(f"{_OK} Note 4", 7))),
            # The 7.x row has nine cells for ten columns: 7.0's is blank.
            "File copy from host to guest": (
                _RHEL_HOSTS,
                (*_same(_OK, 7), *_same(f"{_OK} Note 4", 6), ""),
            ),
            "Hyper-V Sockets": (_RHEL_HOSTS, (*_same(_OK, 7), *_same("", 7))),
        },
        {
            4: 'For built-in LIS, the "hyperv-daemons" package must be installed for this '
            "functionality.",
            5: "Live backup: see the page's note 5 (backup caveats for built-in LIS).",
            15: "RHEL 8.5 requires Windows Server 2019 or newer, or Azure Local 20H2 or newer.",
        },
    ),
    (
        "oracle",
        "Supported Oracle Linux virtual machines on Hyper-V",
        (
            "WindowsServerDocs/virtualization/hyper-v/"
            "Supported-Oracle-Linux-virtual-machines-on-Hyper-V.md"
        ),
        "093f0bf",
        "09/27/2023",
        (
            ("9.0 (RHCK)", (((9, 0), (9, 0)),), ""),
            ("8.0-8.5 (RHCK)", (((8, 0), (8, 5)),), ""),
            # "Oracle Linux 7.x Series" (an HTML table): per release range an RHCK column
            # with LIS 4.3, an RHCK column built in, and a UEK column built in.
            ("7.5-7.8 (RHCK)", (((7, 5), (7, 8)),), _LIS_43),
            ("7.5-7.8 (RHCK)", (((7, 5), (7, 8)),), "Built in"),
            ("7.5-7.8 (UEK5)", (((7, 5), (7, 8)),), "Built in"),
            ("7.3-7.4 (RHCK)", (((7, 3), (7, 4)),), _LIS_43),
            ("7.3-7.4 (RHCK)", (((7, 3), (7, 4)),), "Built in"),
            ("7.3-7.4 (UEK4)", (((7, 3), (7, 4)),), "Built in"),
        ),
        {
            "Core": (_LEGACY_HOSTS, _same(_OK, 8)),
            "Live virtual machine backup": (
                _LEGACY_HOSTS,
                (
                    *_same(f"{_OK} Note 5", 2),
                    *(f"{_OK} Note 5", f"{_OK} Note 4,5", f"{_OK} Note 5") * 2,
                ),
            ),
            "Key-Value Pair": (_LEGACY_HOSTS, _same(_OK, 8)),
            "File copy from host to guest": (_LEGACY_HOSTS, _same(_OK, 8)),
            "Hyper-V Sockets": (_SOCKET_HOSTS, (_OK, _OK, *(_OK, "", _OK) * 2)),
        },
        {
            4: 'For built-in LIS, the "hyperv-daemons" package must be installed for this '
            "functionality.",
            5: "Live backup: see the page's note 5 (backup caveats).",
        },
    ),
    (
        "suse",
        "Supported SUSE virtual machines on Hyper-V",
        "WindowsServerDocs/virtualization/hyper-v/Supported-SUSE-virtual-machines-on-Hyper-V.md",
        "00e349e",
        "10/03/2016",
        (
            ("SLES 15", (((15, 0), None),), "Built-in"),
            ("SLES 12 SP3/SP4", (((12, 3), (12, 4)),), "Built-in"),
            ("SLES 12 SP2", (((12, 2), (12, 2)),), "Built-in"),
            ("SLES 12 SP1", (((12, 1), (12, 1)),), "Built-in"),
            ("SLES 11 SP4", (((11, 4), (11, 4)),), "Built-in"),
            ("SLES 11 SP3", (((11, 3), (11, 3)),), "Built-in"),
        ),
        {
            "Core": ("2019, 2016, 2012 R2, 2012, 2008 R2", _same(_OK, 6)),
            "Live virtual machine backup": (_LEGACY_HOSTS, _same(f"{_OK} Note 2, 3, 8", 6)),
            "Key/value pair": (
                "2019, 2016, 2012 R2, 2012, 2008 R2",
                (_OK, _OK, _OK, _OK, f"{_OK} Note 7", f"{_OK} Note 7"),
            ),
            "File copy from host to guest": (_LEGACY_HOSTS, (_OK, _OK, _OK, _OK, _OK, "")),
            "Hyper-V Sockets": (_SOCKET_HOSTS, (_OK, _OK, "", "", "", "")),
        },
        {
            2: "With open file handles during a live backup, the backed-up VHDs may need a file "
            "system check (fsck) on restore in some corner cases.",
            3: "Live backup can fail silently with an attached iSCSI device or pass-through disk.",
            7: "On Windows Server 2016 or 2012 R2 hosts the key/value pair infrastructure might "
            "not work without a Linux software update from the distribution vendor.",
            8: "VSS backup fails if a single partition is mounted multiple times.",
        },
    ),
    (
        "freebsd",
        "Supported FreeBSD virtual machines on Hyper-V",
        "WindowsServerDocs/virtualization/hyper-v/Supported-FreeBSD-virtual-machines-on-Hyper-V.md",
        "031ea96",
        "04/07/2020",
        (
            ("12", (((12, 0), None),), "Built in"),
            ("11.1-11.3", (((11, 1), (11, 3)),), "Built in"),
            ("11.0", (((11, 0), (11, 0)),), "Built in"),
            ("10.3", (((10, 3), (10, 3)),), "Built in"),
            ("10.2", (((10, 2), (10, 2)),), "Built in"),
            ("10.0 - 10.1", (((10, 0), (10, 1)),), "Built in"),
            ("9.1 - 9.3, 8.4", (((9, 1), (9, 3)), ((8, 4), (8, 4))), "Ports"),
        ),
        {
            "Core": (_LEGACY_HOSTS, _same(_OK, 7)),
            "Live virtual machine backup": (_LEGACY_HOSTS, (_OK, _OK, "", "", "", "", "")),
            "Key/value pair": (_LEGACY_HOSTS, (_OK, _OK, _OK, _OK, _OK, f"{_OK} Note 5", _OK)),
            "File copy from host to guest": (_LEGACY_HOSTS, _same("", 7)),
            "Hyper-V Sockets": (_SOCKET_HOSTS, _same("", 7)),
        },
        {
            5: "KVP is provided by ports on FreeBSD 10.0 (emulators/hyperv-is).",
        },
    ),
)
