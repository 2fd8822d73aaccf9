"""Diagnosis: why an integration service, or a feature that needs it, does not work.

>>> from vmic.diagnosis import diagnose, Verdict
>>> from vmic.model import Host
>>> diagnose(Host("hv01")).healthy
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.diagnosis._engine import diagnose as diagnose, diagnose_vm as diagnose_vm
    from vmic.diagnosis._explain import explainer as explainer
    from vmic.diagnosis._guest import (
        GuestFinding as GuestFinding,
        GuestReport as GuestReport,
        diagnose_linux_guest as diagnose_linux_guest,
    )
    from vmic.diagnosis._remedy import (
        FixPlan as FixPlan,
        FixPolicy as FixPolicy,
        FixStep as FixStep,
        StepPermission as StepPermission,
        plan_fixes as plan_fixes,
    )
    from vmic.diagnosis._results import (
        Diagnosis as Diagnosis,
        FeatureDiagnosis as FeatureDiagnosis,
        Finding as Finding,
        Fix as Fix,
        FixKind as FixKind,
        GuestView as GuestView,
        ServiceDiagnosis as ServiceDiagnosis,
        Verdict as Verdict,
        VMDiagnosis as VMDiagnosis,
        service_name as service_name,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "GuestFinding": "._guest",
        "GuestReport": "._guest",
        "diagnose_linux_guest": "._guest",
        "explainer": "._explain",
        "Diagnosis": "._results",
        "FeatureDiagnosis": "._results",
        "Finding": "._results",
        "Fix": "._results",
        "FixKind": "._results",
        "FixPlan": "._remedy",
        "FixPolicy": "._remedy",
        "FixStep": "._remedy",
        "StepPermission": "._remedy",
        "plan_fixes": "._remedy",
        "GuestView": "._results",
        "ServiceDiagnosis": "._results",
        "VMDiagnosis": "._results",
        "Verdict": "._results",
        "diagnose": "._engine",
        "diagnose_vm": "._engine",
        "service_name": "._results",
    },
)
