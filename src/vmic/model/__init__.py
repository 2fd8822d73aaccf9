"""The domain model: operating systems, services, states, records and observations.

Every name loads on first use, from the private module that defines it.

>>> from vmic.model import IntegrationService, parse_os
>>> parse_os("2012 R2").name, IntegrationService.lookup("Takt").value
('Windows Server 2012 R2', 'heartbeat')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.model._guest import (
        Guest as Guest,
        GuestService as GuestService,
        GuestUnreachable as GuestUnreachable,
    )
    from vmic.model._host import (
        VM as VM,
        Host as Host,
    )
    from vmic.model._kvp_exchange import (
        MAX_KEY_BYTES as MAX_KEY_BYTES,
        MAX_VALUE_BYTES as MAX_VALUE_BYTES,
        GuestKvpItems as GuestKvpItems,
        KvpExchange as KvpExchange,
    )
    from vmic.model._linux import (
        all_packaging as all_packaging,
        known_distributions as known_distributions,
        packaging_for as packaging_for,
    )
    from vmic.model._linux_packaging import (
        DAEMON_SERVICES as DAEMON_SERVICES,
        KERNEL_SERVICES as KERNEL_SERVICES,
        ChronyFacts as ChronyFacts,
        InitSystem as InitSystem,
        LinuxPackaging as LinuxPackaging,
        NotPackaged as NotPackaged,
        PsFormat as PsFormat,
    )
    from vmic.model._linux_records import (
        KVP_KEY_SIZE as KVP_KEY_SIZE,
        KVP_POOL_DIRECTORY as KVP_POOL_DIRECTORY,
        KVP_RECORD_SIZE as KVP_RECORD_SIZE,
        KVP_VALUE_SIZE as KVP_VALUE_SIZE,
        MAX_PID as MAX_PID,
        MAX_SIZE as MAX_SIZE,
        CommandList as CommandList,
        KvpPool as KvpPool,
        KvpRecord as KvpRecord,
        LoadedModule as LoadedModule,
        ModuleList as ModuleList,
        ModuleStatus as ModuleStatus,
        ProcessRecord as ProcessRecord,
        SystemdUnit as SystemdUnit,
        UnitActiveState as UnitActiveState,
        UnitFileState as UnitFileState,
        UnitLoadState as UnitLoadState,
        daemon_service as daemon_service,
        module_name as module_name,
        unit_service as unit_service,
    )
    from vmic.model._locales import (
        DEFAULT_LOCALE as DEFAULT_LOCALE,
        ELLIPSES as ELLIPSES,
        LOCALES as LOCALES,
        check_locale as check_locale,
        integration_service_name as integration_service_name,
        service_for_name as service_for_name,
        status_description as status_description,
        status_for_description as status_for_description,
    )
    from vmic.model._operating_system import (
        HOSTS as HOSTS,
        OperatingSystem as OperatingSystem,
        OSFamily as OSFamily,
        Product as Product,
        parse_os as parse_os,
    )
    from vmic.model._provenance import (
        MANAGE_DOC as MANAGE_DOC,
        MANAGE_DOC_2020 as MANAGE_DOC_2020,
        MANAGE_DOC_2025 as MANAGE_DOC_2025,
        Provenance as Provenance,
        ProvenanceKind as ProvenanceKind,
    )
    from vmic.model._records import (
        GUID_PATTERN as GUID_PATTERN,
        HIVES as HIVES,
        REGISTRY_TYPES as REGISTRY_TYPES,
        ComponentId as ComponentId,
        GuestServiceRecord as GuestServiceRecord,
        IntegrationComponentRecord as IntegrationComponentRecord,
        IntegrationServicesState as IntegrationServicesState,
        RegistryValue as RegistryValue,
        VirtualMachineRecord as VirtualMachineRecord,
        VMState as VMState,
        expand_hive as expand_hive,
    )
    from vmic.model._services import (
        GuestOnlyService as GuestOnlyService,
        GuestOnlyServiceInfo as GuestOnlyServiceInfo,
        Impact as Impact,
        IntegrationService as IntegrationService,
        ServiceInfo as ServiceInfo,
        guest_service_for as guest_service_for,
    )
    from vmic.model._status import (
        OperationalStatus as OperationalStatus,
        StartType as StartType,
        WindowsServiceStatus as WindowsServiceStatus,
    )
    from vmic.model._time_sync import (
        LinuxTimeSync as LinuxTimeSync,
        WindowsTimeSync as WindowsTimeSync,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "GuestKvpItems": "._kvp_exchange",
        "KvpExchange": "._kvp_exchange",
        "MAX_KEY_BYTES": "._kvp_exchange",
        "MAX_VALUE_BYTES": "._kvp_exchange",
        "LinuxTimeSync": "._time_sync",
        "WindowsTimeSync": "._time_sync",
        "InitSystem": "._linux_packaging",
        "all_packaging": "._linux",
        "known_distributions": "._linux",
        "ChronyFacts": "._linux_packaging",
        "CommandList": "._linux_records",
        "ComponentId": "._records",
        "DAEMON_SERVICES": "._linux_packaging",
        "DEFAULT_LOCALE": "._locales",
        "ELLIPSES": "._locales",
        "GUID_PATTERN": "._records",
        "Guest": "._guest",
        "GuestService": "._guest",
        "GuestOnlyService": "._services",
        "GuestOnlyServiceInfo": "._services",
        "GuestServiceRecord": "._records",
        "GuestUnreachable": "._guest",
        "HIVES": "._records",
        "HOSTS": "._operating_system",
        "Host": "._host",
        "Impact": "._services",
        "IntegrationComponentRecord": "._records",
        "IntegrationService": "._services",
        "IntegrationServicesState": "._records",
        "KERNEL_SERVICES": "._linux_packaging",
        "KVP_KEY_SIZE": "._linux_records",
        "KVP_POOL_DIRECTORY": "._linux_records",
        "KVP_RECORD_SIZE": "._linux_records",
        "KVP_VALUE_SIZE": "._linux_records",
        "KvpPool": "._linux_records",
        "KvpRecord": "._linux_records",
        "LOCALES": "._locales",
        "LinuxPackaging": "._linux_packaging",
        "NotPackaged": "._linux_packaging",
        "LoadedModule": "._linux_records",
        "MANAGE_DOC": "._provenance",
        "MANAGE_DOC_2020": "._provenance",
        "MANAGE_DOC_2025": "._provenance",
        "MAX_PID": "._linux_records",
        "MAX_SIZE": "._linux_records",
        "ModuleList": "._linux_records",
        "ModuleStatus": "._linux_records",
        "OSFamily": "._operating_system",
        "OperatingSystem": "._operating_system",
        "OperationalStatus": "._status",
        "ProcessRecord": "._linux_records",
        "PsFormat": "._linux_packaging",
        "Product": "._operating_system",
        "Provenance": "._provenance",
        "ProvenanceKind": "._provenance",
        "REGISTRY_TYPES": "._records",
        "RegistryValue": "._records",
        "ServiceInfo": "._services",
        "StartType": "._status",
        "SystemdUnit": "._linux_records",
        "UnitActiveState": "._linux_records",
        "UnitFileState": "._linux_records",
        "UnitLoadState": "._linux_records",
        "VM": "._host",
        "VMState": "._records",
        "VirtualMachineRecord": "._records",
        "WindowsServiceStatus": "._status",
        "check_locale": "._locales",
        "daemon_service": "._linux_records",
        "expand_hive": "._records",
        "guest_service_for": "._services",
        "integration_service_name": "._locales",
        "module_name": "._linux_records",
        "packaging_for": "._linux",
        "parse_os": "._operating_system",
        "service_for_name": "._locales",
        "status_description": "._locales",
        "status_for_description": "._locales",
        "unit_service": "._linux_records",
    },
)
