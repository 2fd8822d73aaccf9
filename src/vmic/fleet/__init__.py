"""Fleet audits: many Hyper-V hosts at once, one report, an exit status for monitoring.

>>> from vmic.fleet import audit, HostTarget
>>> from vmic.model import Host
>>> report = audit([HostTarget(name="hv01", observe=lambda: Host("hv01"))])
>>> report.exit_status, report.results[0].status.value
(0, 'ok')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.connect import (
        CredentialResolver as CredentialResolver,
        GuestAccess as GuestAccess,
        HostEntry as HostEntry,
        HostTarget as HostTarget,
        Inventory as Inventory,
        InventoryError as InventoryError,
        load_inventory as load_inventory,
        parse_inventory as parse_inventory,
    )
    from vmic.fleet._fix import (
        FindingOutcome as FindingOutcome,
        FindingResult as FindingResult,
        FixReport as FixReport,
        FixTarget as FixTarget,
        StepOutcome as StepOutcome,
        StepResult as StepResult,
        apply_fixes as apply_fixes,
    )
    from vmic.fleet._policy import (
        PolicyOutcome as PolicyOutcome,
        PolicyReport as PolicyReport,
        ServiceOutcome as ServiceOutcome,
        apply_policy as apply_policy,
        plan_policy as plan_policy,
    )
    from vmic.fleet._report import (
        AuditReport as AuditReport,
        HostResult as HostResult,
        HostStatus as HostStatus,
    )
    from vmic.fleet._runner import Estate as Estate, audit as audit

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "AuditReport": "._report",
        "Estate": "._runner",
        "FindingOutcome": "._fix",
        "FindingResult": "._fix",
        "FixReport": "._fix",
        "FixTarget": "._fix",
        "StepOutcome": "._fix",
        "StepResult": "._fix",
        "apply_fixes": "._fix",
        "PolicyOutcome": "._policy",
        "PolicyReport": "._policy",
        "ServiceOutcome": "._policy",
        "apply_policy": "._policy",
        "plan_policy": "._policy",
        "CredentialResolver": "vmic.connect",
        "GuestAccess": "vmic.connect",
        "HostEntry": "vmic.connect",
        "HostResult": "._report",
        "HostStatus": "._report",
        "HostTarget": "vmic.connect",
        "Inventory": "vmic.connect",
        "InventoryError": "vmic.connect",
        "audit": "._runner",
        "load_inventory": "vmic.connect",
        "parse_inventory": "vmic.connect",
    },
)
