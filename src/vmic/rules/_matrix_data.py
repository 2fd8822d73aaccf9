"""The update-mechanism tables of "Manage Hyper-V Integration Services": data only.

Provenance of every row: the 2020 revision of the article (English source commit
047dddc of MicrosoftDocs/windowsserverdocs, translated to Italian on 2020-04-08),
section "Keep integration services up to date", in the three host tables below,
in document order. Guest labels are the English article's spelling. A ``None``
row is the article's ``- | | |`` separator between client, server and Linux guests.

Row fields: guest label, guest product key, minimum service pack named by the label,
mechanism, note kind, lifecycle "read more" link (or "").

Note kinds: ``""`` (none), ``"data_exchange"`` ("Requires the Data Exchange
integration service.*" — the footnote names the KB3071740 cab as fallback),
``"instructions"`` ("See instructions, below."), ``"extended_support"``,
``"will_not_be_supported"``, ``"no_mainstream_support"``, ``"linux"`` ("Integration
services for Linux are built into the distro but there may be optional updates
available."; the trailing ``**`` / ``********`` of that row are stray Markdown with no
footnote and are not modelled).
"""

from __future__ import annotations

from typing import Final

Row = tuple[str, str, int | None, str, str, str] | None

_WU, _DISK, _PKG = "windows_update", "integration_services_disk", "package_manager"
_LINUX: Final = (
    "Linux guests",
    "linux",
    None,
    _PKG,
    "linux",
    "",
)

#: (table key, heading, host product keys, rows)
TABLES: Final[tuple[tuple[str, str, tuple[str, ...], tuple[Row, ...]], ...]] = (
    (
        "windows_10_server_2016_2019",
        "For virtual machines running on Windows 10/Windows Server 2016/2019 hosts",
        ("windows_10", "windows_server_2016", "windows_server_2019"),
        (
            ("Windows 10", "windows_10", None, _WU, "", ""),
            ("Windows 8.1", "windows_8_1", None, _WU, "", ""),
            ("Windows 8", "windows_8", None, _WU, "data_exchange", ""),
            ("Windows 7", "windows_7", None, _WU, "data_exchange", ""),
            ("Windows Vista (SP 2)", "windows_vista", 2, _WU, "data_exchange", ""),
            None,
            ("Windows Server 2016", "windows_server_2016", None, _WU, "", ""),
            ("Windows Server, Semi-Annual Channel", "windows_server_sac", None, _WU, "", ""),
            ("Windows Server 2012 R2", "windows_server_2012_r2", None, _WU, "", ""),
            ("Windows Server 2012", "windows_server_2012", None, _WU, "data_exchange", ""),
            (
                "Windows Server 2008 R2 (SP 1)",
                "windows_server_2008_r2",
                1,
                _WU,
                "data_exchange",
                "",
            ),
            (
                "Windows Server 2008 (SP 2)",
                "windows_server_2008",
                2,
                _WU,
                "extended_support",
                "https://support.microsoft.com/lifecycle?p1=12925",
            ),
            (
                "Windows Home Server 2011",
                "windows_home_server_2011",
                None,
                _WU,
                "will_not_be_supported",
                "https://support.microsoft.com/lifecycle?p1=15820",
            ),
            (
                "Windows Small Business Server 2011",
                "windows_small_business_server_2011",
                None,
                _WU,
                "no_mainstream_support",
                "https://support.microsoft.com/lifecycle?p1=15817",
            ),
            None,
            _LINUX,
        ),
    ),
    (
        "windows_8_1_server_2012_r2",
        "For virtual machines running on Windows 8.1/Windows Server 2012R2 hosts",
        ("windows_8_1", "windows_server_2012_r2"),
        (
            ("Windows 10", "windows_10", None, _WU, "", ""),
            ("Windows 8.1", "windows_8_1", None, _DISK, "instructions", ""),
            ("Windows 8", "windows_8", None, _DISK, "instructions", ""),
            ("Windows 7", "windows_7", None, _DISK, "instructions", ""),
            ("Windows Vista (SP 2)", "windows_vista", 2, _DISK, "instructions", ""),
            ("Windows XP (SP 2, SP 3)", "windows_xp", 2, _DISK, "instructions", ""),
            None,
            ("Windows Server 2016", "windows_server_2016", None, _WU, "", ""),
            ("Windows Server, Semi-Annual Channel", "windows_server_sac", None, _WU, "", ""),
            ("Windows Server 2012 R2", "windows_server_2012_r2", None, _DISK, "instructions", ""),
            ("Windows Server 2012", "windows_server_2012", None, _DISK, "instructions", ""),
            ("Windows Server 2008 R2", "windows_server_2008_r2", None, _DISK, "instructions", ""),
            ("Windows Server 2008 (SP 2)", "windows_server_2008", 2, _DISK, "instructions", ""),
            (
                "Windows Home Server 2011",
                "windows_home_server_2011",
                None,
                _DISK,
                "instructions",
                "",
            ),
            (
                "Windows Small Business Server 2011",
                "windows_small_business_server_2011",
                None,
                _DISK,
                "instructions",
                "",
            ),
            (
                "Windows Server 2003 R2 (SP 2)",
                "windows_server_2003_r2",
                2,
                _DISK,
                "instructions",
                "",
            ),
            ("Windows Server 2003 (SP 2)", "windows_server_2003", 2, _DISK, "instructions", ""),
            None,
            _LINUX,
        ),
    ),
    (
        "windows_8_server_2012",
        "For virtual machines running on Windows 8/Windows Server 2012 hosts",
        ("windows_8", "windows_server_2012"),
        (
            ("Windows 8.1", "windows_8_1", None, _DISK, "instructions", ""),
            ("Windows 8", "windows_8", None, _DISK, "instructions", ""),
            ("Windows 7", "windows_7", None, _DISK, "instructions", ""),
            ("Windows Vista (SP 2)", "windows_vista", 2, _DISK, "instructions", ""),
            ("Windows XP (SP 2, SP 3)", "windows_xp", 2, _DISK, "instructions", ""),
            None,
            ("Windows Server 2012 R2", "windows_server_2012_r2", None, _DISK, "instructions", ""),
            ("Windows Server 2012", "windows_server_2012", None, _DISK, "instructions", ""),
            ("Windows Server 2008 R2", "windows_server_2008_r2", None, _DISK, "instructions", ""),
            ("Windows Server 2008 (SP 2)", "windows_server_2008", 2, _DISK, "instructions", ""),
            (
                "Windows Home Server 2011",
                "windows_home_server_2011",
                None,
                _DISK,
                "instructions",
                "",
            ),
            (
                "Windows Small Business Server 2011",
                "windows_small_business_server_2011",
                None,
                _DISK,
                "instructions",
                "",
            ),
            (
                "Windows Server 2003 R2 (SP 2)",
                "windows_server_2003_r2",
                2,
                _DISK,
                "instructions",
                "",
            ),
            ("Windows Server 2003 (SP 2)", "windows_server_2003", 2, _DISK, "instructions", ""),
            None,
            _LINUX,
        ),
    ),
)

#: Hosts newer than every table: the newest revision (ms.date 02/18/2025) removed the tables and
#: says only that Windows guests get integration services from Windows Update and Linux guests
#: through their kernel ("You will receive the latest integration components when you update
#: the kernel").
GENERAL_HOSTS: Final = ("windows_11", "windows_server_2022", "windows_server_2025")

#: English note texts by note kind (the 2020 article's wording).
NOTE_TEXT: Final = {
    "data_exchange": "Requires the Data Exchange integration service.",
    "instructions": "See the Install or update integration services instructions.",
    "extended_support": "Extended support only in Windows Server 2016.",
    "will_not_be_supported": "Will not be supported in Windows Server 2016.",
    "no_mainstream_support": "Not under mainstream support.",
    "linux": "Integration services for Linux are built into the distro but there may be "
    "optional updates available.",
}
#: The footnote of the Data Exchange rows.
CAB_FOOTNOTE: Final = (
    "If the Data Exchange integration service can't be enabled, the integration services for "
    "these guests are available from the Download Center as a cabinet (cab) file (KB3071740)."
)
#: The note above the Windows 10/Windows Server 2016/2019 table.
VMGUEST_ISO_NOTE: Final = (
    "The image file vmguest.iso isn't included with Hyper-V on Windows 10/Windows Server "
    "2016/2019 because it's no longer needed."
)
#: The newest revision's general statement, used for hosts newer than the tables.
GENERAL_WINDOWS_NOTE: Final = (
    "Windows guests get integration services updates from Windows Update when they are set up "
    "to get important updates (general statement of the newest revision; it has no table)."
)
GENERAL_LINUX_NOTE: Final = (
    "Linux guests using current kernels contain integration services built in; you receive the "
    "latest integration components when you update the kernel (general statement of the newest "
    "revision; it has no table)."
)
