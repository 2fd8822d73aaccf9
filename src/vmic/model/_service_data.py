"""The integration service catalog: data only, one row per service, each fact with its source.

Sources (see the project's reference notes):
- [GUID] host component ids: hashicorp/vagrant PR #11499 ``driver.rb``; packer-plugin-hyperv
  ``hyperv.go``; PlagueHO/LabBuilder#183; dsccommunity/HyperVDsc#76 (all agree).
- [REF] "Hyper-V Integration Services" reference page (ms.date 07/29/2024): Windows service
  names, Linux daemon, description, "Added In", impact when disabled.
- [MANAGE] "Manage Hyper-V Integration Services" (2020): ``Get-VMIntegrationService`` and
  ``Get-Service -Name vm*`` sample output (English host names, guest display names);
  newest revision: "Hyper-V PowerShell Direct Service" display name.
- [DE] German host names: neutrinolabs/xrdp#1403 (full list), PlagueHO/LabBuilder#183 ("Takt"),
  dsccommunity/HyperVDsc#73 ("Gastdienstschnittstelle").
- [FR] French: "Interface de services d'invite" (script comment found by public code search).
- [ZH] Chinese: cloudbase/windows-imaging-tools#352 ("键值对交换").
- [IT] Italian: the 2020 it-IT translation of [MANAGE] ("Interfaccia servizio guest Hyper-V",
  "Scambio di dati").
- [UI] Hyper-V Manager labels ("Operating system shutdown", "Data Exchange", "Backup (volume
  shadow copy)", "Guest services").
- [LINUX] ``include/linux/hyperv.h`` VMBus class GUIDs; Debian/Ubuntu/Fedora/Azure Linux/Arch
  packaging for daemon binaries (``hypervkvpd`` family) and the fcopy UIO daemon (2024).
- [WMI] ``Msvm_*ComponentSettingData`` classes: PlagueHO/LabBuilder#202.
"""

from __future__ import annotations

from typing import Final

#: One row per host-visible service. Fields, in order:
#: key, component GUID [GUID], English host name [MANAGE], localized host names
#: {locale: name} [DE][FR][ZH][IT], other aliases [UI], Windows guest service [REF],
#: guest display names (current first) [MANAGE], Linux kernel driver [REF],
#: Linux daemons (binary names, all distributions) [LINUX], Linux VMBus class GUID [LINUX],
#: added in (product keys) [REF], enabled by default [MANAGE], impact when disabled [REF],
#: what disabling costs (paraphrased from [REF]), WMI setting-data class [WMI].
SERVICE_ROWS: Final = (
    (
        "guest_service_interface",
        "6C09BB55-D683-4DA0-8931-C9BF705F6480",
        "Guest Service Interface",
        {
            "de-DE": "Gastdienstschnittstelle",
            "fr-FR": "Interface de services d'invite",
            "it-IT": "Interfaccia servizio guest Hyper-V",
        },
        ("Guest services", "Guest File Copy", "File copy", "fcopy"),
        "vmicguestinterface",
        ("Hyper-V Guest Service Interface",),
        "hv_utils",
        ("hv_fcopy_daemon", "hv_fcopy_uio_daemon", "hypervfcopyd"),
        "34d14be3-dee4-41c8-9ae7-6b174977c192",
        ("windows_server_2012_r2", "windows_8_1"),
        False,
        "low",
        "The host cannot copy files to or from the guest with Copy-VMFile.",
        "Msvm_GuestServiceInterfaceComponentSettingData",
    ),
    (
        "heartbeat",
        "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
        "Heartbeat",
        {"de-DE": "Takt"},
        ("Heartbeat Service",),
        "vmicheartbeat",
        ("Hyper-V Heartbeat Service",),
        "hv_utils",
        (),
        "57164f39-9115-4e78-ab55-382f3bd5422d",
        ("windows_server_2012", "windows_8"),
        True,
        "varies",
        (
            "The guest cannot report that its operating system is running correctly; "
            "monitoring and host-side diagnostics (Get-VM Status) lose that signal."
        ),
        "Msvm_HeartbeatComponentSettingData",
    ),
    (
        "key_value_pair_exchange",
        "2A34B1C2-FD73-4043-8A5B-DD2159BC743F",
        "Key-Value Pair Exchange",
        {
            "de-DE": "Austausch von Schlüsselwertepaaren",
            "zh-CN": "键值对交换",
            "it-IT": "Scambio di dati",
        },
        ("Data Exchange", "KVP", "Key-Value pair Exchange", "Data Exchange Service"),
        "vmickvpexchange",
        ("Hyper-V Data Exchange Service",),
        "hv_utils",
        ("hv_kvp_daemon", "hypervkvpd"),
        "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6",
        ("windows_server_2012", "windows_8"),
        True,
        "medium",
        (
            "Guests running Windows 8 / Windows Server 2012 or earlier get no integration "
            "services updates from Windows Update; the host loses guest data such as IP "
            "addresses and OS version."
        ),
        "Msvm_KvpExchangeComponentSettingData",
    ),
    (
        "shutdown",
        "9F8233AC-BE49-4C79-8EE3-E7E1985B2077",
        "Shutdown",
        {"de-DE": "Herunterfahren"},
        ("Operating system shutdown", "Guest Shutdown"),
        "vmicshutdown",
        ("Hyper-V Guest Shutdown Service",),
        "hv_utils",
        (),
        "0e0b6031-5213-4934-818b-38d90ced39db",
        ("windows_server_2012", "windows_8"),
        True,
        "high",
        (
            "The host cannot ask the guest to shut down cleanly; every shutdown is a hard "
            "power-off, which can lose or corrupt data."
        ),
        "Msvm_ShutdownComponentSettingData",
    ),
    (
        "time_synchronization",
        "2497F4DE-E9FA-4204-80E4-4B75C46419C0",
        "Time Synchronization",
        {"de-DE": "Zeitsynchronisierung"},
        ("Time synchronization", "Time Sync", "TimeSync"),
        "vmictimesync",
        ("Hyper-V Time Synchronization Service",),
        "hv_utils",
        (),
        "9527e630-d0ae-497b-adce-e80ab0175caf",
        ("windows_server_2012", "windows_8"),
        True,
        "high",
        "The guest clock drifts erratically.",
        "Msvm_TimeSyncComponentSettingData",
    ),
    (
        "vss",
        "5CED1297-4598-4915-A5FC-AD21BB4D02A4",
        "VSS",
        {"de-DE": "VSS"},
        ("Backup (volume shadow copy)", "Volume Shadow Copy", "Backup"),
        "vmicvss",
        ("Hyper-V Volume Shadow Copy Requestor",),
        "hv_utils",
        ("hv_vss_daemon", "hypervvssd"),
        "35fa2e29-ea23-4236-96ae-3a6ebacba440",
        ("windows_server_2012", "windows_8"),
        True,
        "varies",
        "The guest cannot be backed up while running (live backup through VSS).",
        "Msvm_VssComponentSettingData",
    ),
)

#: Guest-only services: no row in Get-VMIntegrationService. Fields: key, Windows service,
#: display names (current first), added in (product keys), description.
GUEST_ONLY_ROWS: Final = (
    (
        "powershell_direct",
        "vmicvmsession",
        ("Hyper-V PowerShell Direct Service", "Hyper-V VM Session Service"),
        ("windows_server_2016", "windows_10"),
        "Lets the host manage the guest with PowerShell Direct, without a network.",
    ),
    (
        "remote_desktop_virtualization",
        "vmicrdv",
        (
            "Hyper-V Remote Desktop Virtualization Service",
            "Hyper-V Remote Desktop Virtualizati...",
        ),
        ("windows_server_2012", "windows_8"),
        "Remote Desktop virtualization host integration (listed by Get-Service, not by the host).",
    ),
)
