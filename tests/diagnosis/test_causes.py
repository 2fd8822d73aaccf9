"""The cause table beside the diagnosis engine: one entry per cause, and nothing else."""

from __future__ import annotations

import ast
import inspect

from tests import _diagnosis_builders as b
from vmic.diagnosis import _causes
from vmic.diagnosis._causes import CAUSES, CauseEntry, Clue, explanation_for, fixes_for
from vmic.diagnosis._engine import _VMCase
from vmic.rules._causes import Cause


def _table_keys() -> list[str]:
    """The keys of the CAUSES literal as written (a dict would hide a repeated key)."""
    tree = ast.parse(inspect.getsource(_causes))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "CAUSES"
        ):
            assert isinstance(node.value, ast.Dict)
            return [ast.unparse(key) for key in node.value.keys if key is not None]
    msg = "no CAUSES table"
    raise AssertionError(msg)


def test_every_cause_has_exactly_one_table_entry() -> None:
    keys = _table_keys()
    assert sorted(keys) == sorted(f"Cause.{cause.name}" for cause in Cause)
    assert len(keys) == len(set(keys))
    assert set(CAUSES) == set(Cause)
    assert len(CAUSES) == len(Cause)
    assert all(isinstance(entry, CauseEntry) for entry in CAUSES.values())


def test_causes_the_diagnosis_does_not_raise_say_their_description() -> None:
    # A Case is the engine's working state for one VM.
    working = _VMCase(b.vm("web01"), b.HOST, b.HOST_OS, frozenset())
    for cause in (Cause.VM_NOT_RUNNING, Cause.HOST_UNREACHABLE):
        assert explanation_for(working, Clue(cause)) == cause.description
        assert fixes_for(working, Clue(cause)) == ()
