"""vmic: model, inspect and manage Hyper-V Integration Services.

The core (errors, operating systems, the service catalog and statuses) is imported
eagerly and depends on ``attrs`` and ``packaging`` only. Everything else (the rules,
parsers, executors, clients, diagnosis and audits) loads on first use of its names.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any, Final

from vmic.errors import (
    AuthenticationFailedError,
    CommandFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    ExecutionError,
    InsecureOptionWarning,
    InvalidRecordError,
    InvalidTransitionError,
    KvpPoolError,
    MissingExtraError,
    ParseError,
    RegistryValueNotFoundError,
    UnknownCommandError,
    UnknownOperatingSystemError,
    UnknownServiceError,
    UnsafeValueError,
    UnsupportedCombinationError,
    VmicError,
)
from vmic.model.operating_system import HOSTS, OperatingSystem, OSFamily, Product, parse_os
from vmic.model.services import GuestOnlyService, Impact, IntegrationService, ServiceInfo
from vmic.model.status import OperationalStatus, StartType, WindowsServiceStatus

if TYPE_CHECKING:
    from vmic.audit import (
        AuditReport,
        HostResult,
        HostStatus,
        HostTarget,
        Inventory,
        audit,
        load_inventory,
    )
    from vmic.clients import (
        HyperVHost,
        LinuxGuest,
        WindowsGuest,
    )
    from vmic.diagnosis import (
        Diagnosis,
        FeatureDiagnosis,
        Finding,
        Fix,
        ServiceDiagnosis,
        Verdict,
        VMDiagnosis,
        diagnose,
    )
    from vmic.executors import (
        Command,
        Credential,
        Executor,
        Result,
        Secret,
        Shell,
    )
    from vmic.model.linux_records import (
        KvpPool,
        KvpRecord,
        LoadedModule,
        ModuleList,
        ModuleStatus,
        ProcessRecord,
        SystemdUnit,
    )
    from vmic.model.observations import (
        GuestUnreachable,
        HostObservation,
        LinuxDaemonObservation,
        LinuxGuestObservation,
        VMObservation,
        WindowsGuestObservation,
    )
    from vmic.model.records import (
        ComponentId,
        GuestServiceRecord,
        IntegrationComponentRecord,
        IntegrationServicesState,
        RegistryValue,
        VirtualMachineRecord,
        VMState,
    )
    from vmic.rules.causes import (
        Cause,
    )
    from vmic.rules.features import (
        Feature,
    )
    from vmic.rules.matrix import (
        SupportLevel,
        UpdateMechanism,
        UpdateRule,
        UpdateTable,
        update_rule,
        update_tables,
    )
    from vmic.rules.plans import (
        PlanStep,
        StepAction,
        StepRole,
        StepSide,
        UpdatePlan,
        plan_update,
    )
    from vmic.rules.semantics import (
        Reason,
        ServiceState,
        VMIntegration,
    )

# Public names that live in modules loaded on first use, so that `import vmic` stays cheap.
_LAZY: Final = {
    "SupportLevel": "vmic.rules.matrix",
    "UpdateMechanism": "vmic.rules.matrix",
    "UpdateRule": "vmic.rules.matrix",
    "UpdateTable": "vmic.rules.matrix",
    "update_rule": "vmic.rules.matrix",
    "update_tables": "vmic.rules.matrix",
    "PlanStep": "vmic.rules.plans",
    "StepAction": "vmic.rules.plans",
    "StepRole": "vmic.rules.plans",
    "StepSide": "vmic.rules.plans",
    "UpdatePlan": "vmic.rules.plans",
    "plan_update": "vmic.rules.plans",
    "ComponentId": "vmic.model.records",
    "GuestServiceRecord": "vmic.model.records",
    "IntegrationComponentRecord": "vmic.model.records",
    "IntegrationServicesState": "vmic.model.records",
    "RegistryValue": "vmic.model.records",
    "VMState": "vmic.model.records",
    "VirtualMachineRecord": "vmic.model.records",
    "KvpPool": "vmic.model.linux_records",
    "KvpRecord": "vmic.model.linux_records",
    "LoadedModule": "vmic.model.linux_records",
    "ModuleList": "vmic.model.linux_records",
    "ModuleStatus": "vmic.model.linux_records",
    "ProcessRecord": "vmic.model.linux_records",
    "SystemdUnit": "vmic.model.linux_records",
    "GuestUnreachable": "vmic.model.observations",
    "HostObservation": "vmic.model.observations",
    "LinuxDaemonObservation": "vmic.model.observations",
    "LinuxGuestObservation": "vmic.model.observations",
    "VMObservation": "vmic.model.observations",
    "WindowsGuestObservation": "vmic.model.observations",
    "Reason": "vmic.rules.semantics",
    "ServiceState": "vmic.rules.semantics",
    "VMIntegration": "vmic.rules.semantics",
    "Feature": "vmic.rules.features",
    "Cause": "vmic.rules.causes",
    "Command": "vmic.executors",
    "Credential": "vmic.executors",
    "Executor": "vmic.executors",
    "Result": "vmic.executors",
    "Secret": "vmic.executors",
    "Shell": "vmic.executors",
    "HyperVHost": "vmic.clients",
    "LinuxGuest": "vmic.clients",
    "WindowsGuest": "vmic.clients",
    "Diagnosis": "vmic.diagnosis",
    "FeatureDiagnosis": "vmic.diagnosis",
    "Finding": "vmic.diagnosis",
    "Fix": "vmic.diagnosis",
    "ServiceDiagnosis": "vmic.diagnosis",
    "VMDiagnosis": "vmic.diagnosis",
    "Verdict": "vmic.diagnosis",
    "diagnose": "vmic.diagnosis",
    "AuditReport": "vmic.audit",
    "HostResult": "vmic.audit",
    "HostStatus": "vmic.audit",
    "HostTarget": "vmic.audit",
    "Inventory": "vmic.audit",
    "audit": "vmic.audit",
    "load_inventory": "vmic.audit",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module __getattr__ returns any public name
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vmic' has no attribute {name!r}")

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "HOSTS",
    "AuditReport",
    "AuthenticationFailedError",
    "Cause",
    "Command",
    "CommandFailedError",
    "CommandTimeoutError",
    "ComponentId",
    "ConfigurationError",
    "ConnectionFailedError",
    "Credential",
    "Diagnosis",
    "ExecutionError",
    "Executor",
    "Feature",
    "FeatureDiagnosis",
    "Finding",
    "Fix",
    "GuestOnlyService",
    "GuestServiceRecord",
    "GuestUnreachable",
    "HostObservation",
    "HostResult",
    "HostStatus",
    "HostTarget",
    "HyperVHost",
    "Impact",
    "InsecureOptionWarning",
    "IntegrationComponentRecord",
    "IntegrationService",
    "IntegrationServicesState",
    "InvalidRecordError",
    "InvalidTransitionError",
    "Inventory",
    "KvpPool",
    "KvpPoolError",
    "KvpRecord",
    "LinuxDaemonObservation",
    "LinuxGuest",
    "LinuxGuestObservation",
    "LoadedModule",
    "MissingExtraError",
    "ModuleList",
    "ModuleStatus",
    "OSFamily",
    "OperatingSystem",
    "OperationalStatus",
    "ParseError",
    "PlanStep",
    "ProcessRecord",
    "Product",
    "Reason",
    "RegistryValue",
    "RegistryValueNotFoundError",
    "Result",
    "Secret",
    "ServiceDiagnosis",
    "ServiceInfo",
    "ServiceState",
    "Shell",
    "StartType",
    "StepAction",
    "StepRole",
    "StepSide",
    "SupportLevel",
    "SystemdUnit",
    "UnknownCommandError",
    "UnknownOperatingSystemError",
    "UnknownServiceError",
    "UnsafeValueError",
    "UnsupportedCombinationError",
    "UpdateMechanism",
    "UpdatePlan",
    "UpdateRule",
    "UpdateTable",
    "VMDiagnosis",
    "VMIntegration",
    "VMObservation",
    "VMState",
    "Verdict",
    "VirtualMachineRecord",
    "VmicError",
    "WindowsGuest",
    "WindowsGuestObservation",
    "WindowsServiceStatus",
    "audit",
    "diagnose",
    "load_inventory",
    "parse_os",
    "plan_update",
    "update_rule",
    "update_tables",
]

__version__ = "0.1.0.dev0"


def _register_strategies_with_hypothesis() -> None:
    """Register vmic's strategies when hypothesis was imported before vmic (see the entry point)."""
    if "hypothesis" in sys.modules and not os.environ.get("HYPOTHESIS_NO_PLUGINS"):
        importlib.import_module("vmic.strategies")


_register_strategies_with_hypothesis()
