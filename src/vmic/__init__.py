"""vmic: model, inspect and manage Hyper-V Integration Services.

The core (errors, operating systems, the service catalog and statuses) is imported
eagerly and depends on ``attrs`` and ``packaging`` only. Everything else (the rules,
parsers, executors, clients, diagnosis and audits) loads on first use of its names.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

from vmic._lazy import lazy_face
from vmic.errors import (
    AuthenticationFailedError as AuthenticationFailedError,
    CommandFailedError as CommandFailedError,
    CommandTimeoutError as CommandTimeoutError,
    ConfigurationError as ConfigurationError,
    ConnectionFailedError as ConnectionFailedError,
    ExecutionError as ExecutionError,
    InsecureOptionWarning as InsecureOptionWarning,
    InvalidRecordError as InvalidRecordError,
    InvalidTransitionError as InvalidTransitionError,
    KvpPoolError as KvpPoolError,
    MissingExtraError as MissingExtraError,
    ParseError as ParseError,
    RegistryValueNotFoundError as RegistryValueNotFoundError,
    UnknownCommandError as UnknownCommandError,
    UnknownOperatingSystemError as UnknownOperatingSystemError,
    UnknownServiceError as UnknownServiceError,
    UnsafeValueError as UnsafeValueError,
    UnsupportedCombinationError as UnsupportedCombinationError,
    VmicError as VmicError,
)
from vmic.model import (
    HOSTS as HOSTS,
    GuestOnlyService as GuestOnlyService,
    Impact as Impact,
    IntegrationService as IntegrationService,
    OperatingSystem as OperatingSystem,
    OperationalStatus as OperationalStatus,
    OSFamily as OSFamily,
    Product as Product,
    ServiceInfo as ServiceInfo,
    StartType as StartType,
    WindowsServiceStatus as WindowsServiceStatus,
    parse_os as parse_os,
)

if TYPE_CHECKING:
    from vmic.clients import (
        HyperVHost as HyperVHost,
        LinuxGuest as LinuxGuest,
        WindowsGuest as WindowsGuest,
    )
    from vmic.diagnosis import (
        Diagnosis as Diagnosis,
        FeatureDiagnosis as FeatureDiagnosis,
        Finding as Finding,
        Fix as Fix,
        ServiceDiagnosis as ServiceDiagnosis,
        Verdict as Verdict,
        VMDiagnosis as VMDiagnosis,
        diagnose as diagnose,
    )
    from vmic.errors import (
        DataExchangeDisabledError as DataExchangeDisabledError,
        KvpItemError as KvpItemError,
        KvpVerificationError as KvpVerificationError,
        OperationError as OperationError,
        PreflightError as PreflightError,
        WaitTimeoutError as WaitTimeoutError,
    )
    from vmic.executors import (
        Command as Command,
        Credential as Credential,
        Executor as Executor,
        Result as Result,
        Secret as Secret,
        Shell as Shell,
    )
    from vmic.fleet import (
        AuditReport as AuditReport,
        HostResult as HostResult,
        HostStatus as HostStatus,
        HostTarget as HostTarget,
        Inventory as Inventory,
        audit as audit,
        load_inventory as load_inventory,
    )
    from vmic.model import (
        ComponentId as ComponentId,
        GuestServiceRecord as GuestServiceRecord,
        GuestUnreachable as GuestUnreachable,
        HostObservation as HostObservation,
        IntegrationComponentRecord as IntegrationComponentRecord,
        IntegrationServicesState as IntegrationServicesState,
        KvpExchange as KvpExchange,
        KvpPool as KvpPool,
        KvpRecord as KvpRecord,
        LinuxDaemonObservation as LinuxDaemonObservation,
        LinuxGuestObservation as LinuxGuestObservation,
        LoadedModule as LoadedModule,
        ModuleList as ModuleList,
        ModuleStatus as ModuleStatus,
        ProcessRecord as ProcessRecord,
        RegistryValue as RegistryValue,
        SystemdUnit as SystemdUnit,
        VirtualMachineRecord as VirtualMachineRecord,
        VMObservation as VMObservation,
        VMState as VMState,
        WindowsGuestObservation as WindowsGuestObservation,
    )
    from vmic.rules import (
        Cause as Cause,
        Feature as Feature,
        GuestSupport as GuestSupport,
        PlanStep as PlanStep,
        Reason as Reason,
        ServiceState as ServiceState,
        StepAction as StepAction,
        StepRole as StepRole,
        StepSide as StepSide,
        SupportLevel as SupportLevel,
        UpdateMechanism as UpdateMechanism,
        UpdatePlan as UpdatePlan,
        UpdateRule as UpdateRule,
        UpdateTable as UpdateTable,
        VMIntegration as VMIntegration,
        guest_support as guest_support,
        plan_update as plan_update,
        update_rule as update_rule,
        update_tables as update_tables,
    )

# Every public name, with the module that defines it: `__all__` and the lazy loading both come
# from this one table. Names imported above are loaded eagerly; the others on first use.
__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "KvpItemError": "vmic.errors",
        "DataExchangeDisabledError": "vmic.errors",
        "KvpVerificationError": "vmic.errors",
        "KvpExchange": "vmic.model",
        "OperationError": "vmic.errors",
        "PreflightError": "vmic.errors",
        "WaitTimeoutError": "vmic.errors",
        "AuditReport": "vmic.fleet",
        "GuestSupport": "vmic.rules",
        "guest_support": "vmic.rules",
        "AuthenticationFailedError": "vmic.errors",
        "Cause": "vmic.rules",
        "Command": "vmic.executors",
        "CommandFailedError": "vmic.errors",
        "CommandTimeoutError": "vmic.errors",
        "ComponentId": "vmic.model",
        "ConfigurationError": "vmic.errors",
        "ConnectionFailedError": "vmic.errors",
        "Credential": "vmic.executors",
        "Diagnosis": "vmic.diagnosis",
        "ExecutionError": "vmic.errors",
        "Executor": "vmic.executors",
        "Feature": "vmic.rules",
        "FeatureDiagnosis": "vmic.diagnosis",
        "Finding": "vmic.diagnosis",
        "Fix": "vmic.diagnosis",
        "GuestOnlyService": "vmic.model._services",
        "GuestServiceRecord": "vmic.model",
        "GuestUnreachable": "vmic.model",
        "HOSTS": "vmic.model._operating_system",
        "HostObservation": "vmic.model",
        "HostResult": "vmic.fleet",
        "HostStatus": "vmic.fleet",
        "HostTarget": "vmic.fleet",
        "HyperVHost": "vmic.clients",
        "Impact": "vmic.model._services",
        "InsecureOptionWarning": "vmic.errors",
        "IntegrationComponentRecord": "vmic.model",
        "IntegrationService": "vmic.model._services",
        "IntegrationServicesState": "vmic.model",
        "InvalidRecordError": "vmic.errors",
        "InvalidTransitionError": "vmic.errors",
        "Inventory": "vmic.fleet",
        "KvpPool": "vmic.model",
        "KvpPoolError": "vmic.errors",
        "KvpRecord": "vmic.model",
        "LinuxDaemonObservation": "vmic.model",
        "LinuxGuest": "vmic.clients",
        "LinuxGuestObservation": "vmic.model",
        "LoadedModule": "vmic.model",
        "MissingExtraError": "vmic.errors",
        "ModuleList": "vmic.model",
        "ModuleStatus": "vmic.model",
        "OSFamily": "vmic.model._operating_system",
        "OperatingSystem": "vmic.model._operating_system",
        "OperationalStatus": "vmic.model._status",
        "ParseError": "vmic.errors",
        "PlanStep": "vmic.rules",
        "ProcessRecord": "vmic.model",
        "Product": "vmic.model._operating_system",
        "Reason": "vmic.rules",
        "RegistryValue": "vmic.model",
        "RegistryValueNotFoundError": "vmic.errors",
        "Result": "vmic.executors",
        "Secret": "vmic.executors",
        "ServiceDiagnosis": "vmic.diagnosis",
        "ServiceInfo": "vmic.model._services",
        "ServiceState": "vmic.rules",
        "Shell": "vmic.executors",
        "StartType": "vmic.model._status",
        "StepAction": "vmic.rules",
        "StepRole": "vmic.rules",
        "StepSide": "vmic.rules",
        "SupportLevel": "vmic.rules",
        "SystemdUnit": "vmic.model",
        "UnknownCommandError": "vmic.errors",
        "UnknownOperatingSystemError": "vmic.errors",
        "UnknownServiceError": "vmic.errors",
        "UnsafeValueError": "vmic.errors",
        "UnsupportedCombinationError": "vmic.errors",
        "UpdateMechanism": "vmic.rules",
        "UpdatePlan": "vmic.rules",
        "UpdateRule": "vmic.rules",
        "UpdateTable": "vmic.rules",
        "VMDiagnosis": "vmic.diagnosis",
        "VMIntegration": "vmic.rules",
        "VMObservation": "vmic.model",
        "VMState": "vmic.model",
        "Verdict": "vmic.diagnosis",
        "VirtualMachineRecord": "vmic.model",
        "VmicError": "vmic.errors",
        "WindowsGuest": "vmic.clients",
        "WindowsGuestObservation": "vmic.model",
        "WindowsServiceStatus": "vmic.model._status",
        "audit": "vmic.fleet",
        "diagnose": "vmic.diagnosis",
        "load_inventory": "vmic.fleet",
        "parse_os": "vmic.model._operating_system",
        "plan_update": "vmic.rules",
        "update_rule": "vmic.rules",
        "update_tables": "vmic.rules",
    },
)

__version__ = "0.1.0.dev0"


def _register_strategies_with_hypothesis() -> None:
    """Register vmic's strategies when hypothesis was imported before vmic (see the entry point)."""
    if "hypothesis" in sys.modules and not os.environ.get("HYPOTHESIS_NO_PLUGINS"):
        importlib.import_module("vmic.strategies")


_register_strategies_with_hypothesis()
