"""The rules: the update matrix, update plans, the enablement model, features and causes.

Every name loads on first use, from the private module that defines it.

>>> from vmic.rules import update_rule
>>> update_rule("Windows Server 2019", "Windows 7").mechanism.value
'windows_update'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.rules._causes import Cause as Cause
    from vmic.rules._export import (
        matrix_csv as matrix_csv,
        matrix_json as matrix_json,
        matrix_markdown as matrix_markdown,
        matrix_records as matrix_records,
        plan_as_dict as plan_as_dict,
        rule_as_dict as rule_as_dict,
    )
    from vmic.rules._features import (
        Feature as Feature,
        FeatureInfo as FeatureInfo,
        services_needed as services_needed,
    )
    from vmic.rules._guests import (
        GuestPage as GuestPage,
        IntegrationServicesKind as IntegrationServicesKind,
        SupportedGuest as SupportedGuest,
        supported_guests as supported_guests,
    )
    from vmic.rules._matrix import (
        MatrixRow as MatrixRow,
        SupportLevel as SupportLevel,
        UpdateMechanism as UpdateMechanism,
        UpdateRule as UpdateRule,
        UpdateTable as UpdateTable,
        update_rule as update_rule,
        update_tables as update_tables,
    )
    from vmic.rules._plans import (
        PlanStep as PlanStep,
        StepAction as StepAction,
        StepRole as StepRole,
        StepSide as StepSide,
        UpdatePlan as UpdatePlan,
        plan_update as plan_update,
    )
    from vmic.rules._semantics import (
        SERVICE_START_TYPES as SERVICE_START_TYPES,
        TRACKED_SERVICES as TRACKED_SERVICES,
        GuestSide as GuestSide,
        GuestStatus as GuestStatus,
        KernelDriver as KernelDriver,
        LinuxDaemonService as LinuxDaemonService,
        LinuxKernelService as LinuxKernelService,
        Reaction as Reaction,
        Reason as Reason,
        Service as Service,
        ServiceState as ServiceState,
        UnitState as UnitState,
        VMIntegration as VMIntegration,
        WindowsGuestService as WindowsGuestService,
    )
    from vmic.rules._support import (
        FeatureStatus as FeatureStatus,
        FeatureSupport as FeatureSupport,
        GuestFeature as GuestFeature,
        GuestSupport as GuestSupport,
        guest_support as guest_support,
    )
    from vmic.rules._support_tables import (
        supported_guest_records as supported_guest_records,
        supported_guest_sections as supported_guest_sections,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "FeatureStatus": "._support",
        "FeatureSupport": "._support",
        "GuestFeature": "._support",
        "GuestSupport": "._support",
        "guest_support": "._support",
        "GuestPage": "._guests",
        "IntegrationServicesKind": "._guests",
        "SupportedGuest": "._guests",
        "supported_guests": "._guests",
        "supported_guest_records": "._support_tables",
        "supported_guest_sections": "._support_tables",
        "Cause": "._causes",
        "Feature": "._features",
        "FeatureInfo": "._features",
        "GuestSide": "._semantics",
        "GuestStatus": "._semantics",
        "KernelDriver": "._semantics",
        "LinuxDaemonService": "._semantics",
        "LinuxKernelService": "._semantics",
        "MatrixRow": "._matrix",
        "PlanStep": "._plans",
        "Reaction": "._semantics",
        "Reason": "._semantics",
        "SERVICE_START_TYPES": "._semantics",
        "Service": "._semantics",
        "ServiceState": "._semantics",
        "StepAction": "._plans",
        "StepRole": "._plans",
        "StepSide": "._plans",
        "SupportLevel": "._matrix",
        "TRACKED_SERVICES": "._semantics",
        "UnitState": "._semantics",
        "UpdateMechanism": "._matrix",
        "UpdatePlan": "._plans",
        "UpdateRule": "._matrix",
        "UpdateTable": "._matrix",
        "VMIntegration": "._semantics",
        "WindowsGuestService": "._semantics",
        "matrix_csv": "._export",
        "matrix_json": "._export",
        "matrix_markdown": "._export",
        "matrix_records": "._export",
        "plan_as_dict": "._export",
        "plan_update": "._plans",
        "rule_as_dict": "._export",
        "services_needed": "._features",
        "update_rule": "._matrix",
        "update_tables": "._matrix",
    },
)
