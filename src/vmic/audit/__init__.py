"""Fleet audits: many Hyper-V hosts at once, one report, an exit status for monitoring.

>>> from vmic.audit import audit, HostTarget
>>> from vmic.model.observations import HostObservation
>>> report = audit([HostTarget(name="hv01", observe=lambda: HostObservation(host="hv01"))])
>>> report.exit_status, report.results[0].status.value
(0, 'ok')
"""

from __future__ import annotations

from vmic.audit.credentials import CredentialResolver
from vmic.audit.inventory import (
    GuestAccess,
    HostEntry,
    Inventory,
    InventoryError,
    load_inventory,
    parse_inventory,
)
from vmic.audit.report import AuditReport, HostResult, HostStatus
from vmic.audit.runner import audit
from vmic.audit.targets import HostTarget

__all__ = [
    "AuditReport",
    "CredentialResolver",
    "GuestAccess",
    "HostEntry",
    "HostResult",
    "HostStatus",
    "HostTarget",
    "Inventory",
    "InventoryError",
    "audit",
    "load_inventory",
    "parse_inventory",
]
