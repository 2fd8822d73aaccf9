"""Parsers for every output an administrator meets, and the formatters that invert them.

Pure functions, no I/O: each ``parse_<thing>(text)`` returns typed models from
:mod:`vmic.model` or raises :class:`vmic.ParseError` (with line, column and a caret under
the offending text). Services are identified by component GUID where the output carries
one, otherwise by any known English or localized name. The ``format_<thing>`` functions
render models back into the same output, as PowerShell or the Linux tool would print it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.parsers._component_id import parse_component_id as parse_component_id
    from vmic.parsers._integration_services import (
        format_vm_integration_services as format_vm_integration_services,
        parse_vm_integration_services as parse_vm_integration_services,
    )
    from vmic.parsers._kvp import (
        format_kvp_pool as format_kvp_pool,
        parse_kvp_pool as parse_kvp_pool,
    )
    from vmic.parsers._linux import (
        format_compgen as format_compgen,
        format_lsmod as format_lsmod,
        format_ps as format_ps,
        format_systemctl_is_active as format_systemctl_is_active,
        format_systemctl_show as format_systemctl_show,
        parse_compgen as parse_compgen,
        parse_lsmod as parse_lsmod,
        parse_modules_builtin as parse_modules_builtin,
        parse_ps as parse_ps,
        parse_systemctl_is_active as parse_systemctl_is_active,
        parse_systemctl_show as parse_systemctl_show,
    )
    from vmic.parsers._registry import (
        format_reg_query as format_reg_query,
        parse_integration_services_version as parse_integration_services_version,
        parse_reg_query as parse_reg_query,
    )
    from vmic.parsers._services import (
        format_get_service as format_get_service,
        parse_get_service as parse_get_service,
    )
    from vmic.parsers._vms import format_get_vm as format_get_vm, parse_get_vm as parse_get_vm

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "format_compgen": "._linux",
        "format_get_service": "._services",
        "format_get_vm": "._vms",
        "format_kvp_pool": "._kvp",
        "format_lsmod": "._linux",
        "format_ps": "._linux",
        "format_reg_query": "._registry",
        "format_systemctl_is_active": "._linux",
        "format_systemctl_show": "._linux",
        "format_vm_integration_services": "._integration_services",
        "parse_compgen": "._linux",
        "parse_component_id": "._component_id",
        "parse_get_service": "._services",
        "parse_get_vm": "._vms",
        "parse_integration_services_version": "._registry",
        "parse_kvp_pool": "._kvp",
        "parse_lsmod": "._linux",
        "parse_modules_builtin": "._linux",
        "parse_ps": "._linux",
        "parse_reg_query": "._registry",
        "parse_systemctl_is_active": "._linux",
        "parse_systemctl_show": "._linux",
        "parse_vm_integration_services": "._integration_services",
    },
)
