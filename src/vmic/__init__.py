"""vmic: model, inspect and manage Hyper-V Integration Services.

The core (models, the update matrix, update plans and the enablement rules) is
imported eagerly and depends on ``attrs`` and ``packaging`` only. Parsers,
executors, clients and the simulated lab load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.errors import (
    AuthenticationFailedError,
    CommandFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    ExecutionError,
    InvalidTransitionError,
    KvpPoolError,
    ParseError,
    RegistryValueNotFoundError,
    UnknownCommandError,
    UnknownOperatingSystemError,
    UnknownServiceError,
    UnsupportedCombinationError,
    VmicError,
)
from vmic.model.operating_system import HOSTS, OperatingSystem, OSFamily, Product, parse_os
from vmic.model.services import GuestOnlyService, Impact, IntegrationService, ServiceInfo
from vmic.model.status import OperationalStatus, StartType, WindowsServiceStatus

if TYPE_CHECKING:
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
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module __getattr__ returns any public name
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vmic' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - only on first use of a lazy name

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "HOSTS",
    "AuthenticationFailedError",
    "CommandFailedError",
    "CommandTimeoutError",
    "ConfigurationError",
    "ConnectionFailedError",
    "ExecutionError",
    "GuestOnlyService",
    "Impact",
    "IntegrationService",
    "InvalidTransitionError",
    "KvpPoolError",
    "OSFamily",
    "OperatingSystem",
    "OperationalStatus",
    "ParseError",
    "PlanStep",
    "Product",
    "RegistryValueNotFoundError",
    "ServiceInfo",
    "StartType",
    "StepAction",
    "StepRole",
    "StepSide",
    "SupportLevel",
    "UnknownCommandError",
    "UnknownOperatingSystemError",
    "UnknownServiceError",
    "UnsupportedCombinationError",
    "UpdateMechanism",
    "UpdatePlan",
    "UpdateRule",
    "UpdateTable",
    "VmicError",
    "WindowsServiceStatus",
    "parse_os",
    "plan_update",
    "update_rule",
    "update_tables",
]

__version__ = "0.1.0.dev0"
