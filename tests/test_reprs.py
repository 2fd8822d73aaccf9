"""Every public object's repr is one short line, whatever its names hold (no attrs dumps)."""

from __future__ import annotations

import attrs
from hypothesis import given, strategies as st

import vmic
from tests.strategies.test_strategies import MODELS
from vmic.diagnosis import diagnose, plan_fixes
from vmic.fleet import audit
from vmic.model import Host
from vmic.testing import demo_lab

#: The longest repr accepted: one line a person reads at a glance.
LONGEST = 160

#: Every model with a registered strategy (the vocabularies are held by test_named.py).
RECORDS = [model for model in MODELS if attrs.has(model)]


def _everything(value: object, seen: set[int] | None = None) -> list[object]:
    """*value* and every attrs object, tuple item and mapping value inside it."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    found: list[object] = []
    if attrs.has(type(value)):
        found.append(value)
        for field in attrs.fields(type(value)):  # type: ignore[arg-type] # attrs.has checked it
            found.extend(_everything(getattr(value, field.name), seen))
    elif isinstance(value, tuple | list):
        for item in value:
            found.extend(_everything(item, seen))
    elif isinstance(value, dict):
        for item in value.values():
            found.extend(_everything(item, seen))
    return found


def _short(value: object) -> None:
    text = repr(value)
    assert "\n" not in text, text
    assert len(text) <= LONGEST, (type(value).__name__, len(text), text)


@given(st.one_of([st.from_type(cls) for cls in RECORDS]))
def test_models_and_records_have_short_reprs(value: object) -> None:
    for inner in _everything(value):
        _short(inner)


@given(st.from_type(Host))
def test_a_diagnosis_and_everything_in_it_has_a_short_repr(host: Host) -> None:
    diagnosis = diagnose(host)
    for inner in _everything(diagnosis):
        _short(inner)
    _short(plan_fixes([diagnosis]))


def test_the_lab_reports_read_as_the_issue_asks() -> None:
    report = audit(demo_lab())
    hv01 = report.results[0].diagnosis
    assert hv01 is not None
    assert repr(hv01.vm("sql01")) == "<VMDiagnosis 'sql01': 1 finding>"
    assert repr(hv01.vm("dc01")) == "<VMDiagnosis 'dc01': 0 findings>"
    (finding,) = hv01.vm("sql01").findings  # type: ignore[union-attr]
    assert repr(finding) == "<Finding 'sql01' VSS: guest startup disabled>"
    for value in _everything(report.results):
        _short(value)
    plan = vmic.plan_update("Windows Server 2019", "Windows 7")
    assert repr(plan).startswith("<UpdatePlan Windows 7 on Windows Server 2019: ")
    assert repr(plan.rule) == "<UpdateRule Windows 7 on Windows Server 2019: Windows Update>"
