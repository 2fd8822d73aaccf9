"""Diagnosis: why an integration service, or a feature that needs it, does not work.

>>> from vmic.diagnosis import diagnose, Verdict
>>> from vmic.model.observations import HostObservation
>>> diagnose(HostObservation(host="hv01")).healthy
True
"""

from __future__ import annotations

from vmic.diagnosis.engine import diagnose, diagnose_vm
from vmic.diagnosis.results import (
    Diagnosis,
    FeatureDiagnosis,
    Finding,
    Fix,
    GuestView,
    ServiceDiagnosis,
    Verdict,
    VMDiagnosis,
    service_name,
)

__all__ = [
    "Diagnosis",
    "FeatureDiagnosis",
    "Finding",
    "Fix",
    "GuestView",
    "ServiceDiagnosis",
    "VMDiagnosis",
    "Verdict",
    "diagnose",
    "diagnose_vm",
    "service_name",
]
