"""vmic: model, inspect and manage Hyper-V Integration Services.

The core (models, the update matrix, update plans and the enablement rules) is
imported eagerly and depends on ``attrs`` and ``packaging`` only. Parsers,
executors, clients and the simulated lab load on first use.
"""

from __future__ import annotations

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
    "Product",
    "RegistryValueNotFoundError",
    "ServiceInfo",
    "StartType",
    "UnknownCommandError",
    "UnknownOperatingSystemError",
    "UnknownServiceError",
    "UnsupportedCombinationError",
    "VmicError",
    "WindowsServiceStatus",
    "parse_os",
]

__version__ = "0.1.0.dev0"
