"""Shared test configuration: hypothesis profiles, and an environment without a terminal size."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=200,
    # CI replays the same examples each run: a red CI means a change broke something, never a
    # new draw. The dev profile keeps exploring (and its database keeps what it finds).
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _no_terminal_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without COLUMNS and LINES, whoever runs it.

    pytest-xdist gives its workers ``COLUMNS=80``; a test that needs a width sets its own.
    """
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
