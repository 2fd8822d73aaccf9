"""Parsers for every output an administrator meets, and the formatters that invert them.

Pure functions, no I/O: each ``parse_<thing>(text)`` returns typed models from
:mod:`vmic.model` or raises :class:`vmic.ParseError` (with line, column and a caret under
the offending text). Services are identified by component GUID where the output carries
one, otherwise by any known English or localized name. The ``format_<thing>`` functions
render models back into the same output, as PowerShell or the Linux tool would print it.
"""

from __future__ import annotations

from vmic.parsers.component_id import parse_component_id
from vmic.parsers.integration_services import (
    format_vm_integration_services,
    parse_vm_integration_services,
)
from vmic.parsers.kvp import format_kvp_pool, parse_kvp_pool
from vmic.parsers.linux import (
    format_compgen,
    format_lsmod,
    format_ps,
    format_systemctl_is_active,
    format_systemctl_show,
    parse_compgen,
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    parse_systemctl_is_active,
    parse_systemctl_show,
)
from vmic.parsers.registry import (
    format_reg_query,
    parse_integration_services_version,
    parse_reg_query,
)
from vmic.parsers.services import format_get_service, parse_get_service
from vmic.parsers.vms import format_get_vm, parse_get_vm

__all__ = [
    "format_compgen",
    "format_get_service",
    "format_get_vm",
    "format_kvp_pool",
    "format_lsmod",
    "format_ps",
    "format_reg_query",
    "format_systemctl_is_active",
    "format_systemctl_show",
    "format_vm_integration_services",
    "parse_compgen",
    "parse_component_id",
    "parse_get_service",
    "parse_get_vm",
    "parse_integration_services_version",
    "parse_kvp_pool",
    "parse_lsmod",
    "parse_modules_builtin",
    "parse_ps",
    "parse_reg_query",
    "parse_systemctl_is_active",
    "parse_systemctl_show",
    "parse_vm_integration_services",
]
