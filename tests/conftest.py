"""Shared test configuration: hypothesis profiles, no terminal size, the lab's scripts checked.

The ``lab`` fixture is the one demo lab a test's ``--lab demo`` commands share.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vmic.testing import DemoLab

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


@pytest.fixture(autouse=True)
def _the_recursion_limit_is_given_back() -> Iterator[None]:
    """A test that raises the interpreter's recursion limit (mypy's API does) restores it.

    Else the tests that check how vmic refuses too deeply nested input would depend on
    which tests ran before them in the same worker.
    """
    limit = sys.getrecursionlimit()
    yield
    sys.setrecursionlimit(limit)


@pytest.fixture(autouse=True)
def _lab_state_in_a_temporary_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test's ``--lab demo`` remembers its changes in its own directory, never in $HOME.

    Subprocesses inherit it. The XDG variable is pointed there too, so that a test that
    removes ``VMIC_STATE_DIR`` still cannot reach the real state directory.
    """
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("VMIC_STATE_DIR", str(state / "vmic"))
    monkeypatch.setenv("XDG_STATE_HOME", str(state / "xdg"))


# Every PowerShell text the simulated lab receives during the suite, checked once against the
# documented contracts (tests/testing/pscheck.py): what vmic sends the lab, it would send a host.
_CHECKED: dict[tuple[str, bool], tuple[str, ...]] = {}


@pytest.fixture(autouse=True)
def _the_lab_receives_only_scripts_that_keep_the_contracts(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    from tests.testing.pscheck import check  # noqa: PLC0415 - tree-sitter, for this check
    from vmic.clients._scripts import scripts  # noqa: PLC0415 - loaded on use
    from vmic.executors import Shell  # noqa: PLC0415
    from vmic.executors._script_files import script_name  # noqa: PLC0415
    from vmic.testing import _dispatch, _guests, _host  # noqa: PLC0415

    received: list[tuple[str, bool]] = []
    plan_host, plan_guest = _dispatch.plan_host, _dispatch.plan_guest

    def host(state: Any, command: Any) -> Any:
        if getattr(command, "shell", None) is Shell.POWERSHELL:
            received.append((command.script, False))
        return plan_host(state, command)

    def guest(vm: Any, command: Any) -> Any:
        if getattr(command, "shell", None) is Shell.POWERSHELL and vm.guest_os.is_windows:
            received.append((command.script, True))
        return plan_guest(vm, command)

    monkeypatch.setattr(_host, "plan_host", host)
    monkeypatch.setattr(_guests, "plan_guest", guest)
    yield
    if request.node.get_closest_marker("seeded_violations") is not None:
        return
    problems = []
    for key in dict.fromkeys(received):
        if key not in _CHECKED:
            text, windows_guest = key
            known = scripts().get(script_name(text) or "")
            if known is not None and known.text == text:
                found = check(text, contract=known.contract)
            else:
                found = check(text, windows_guest=windows_guest)
            _CHECKED[key] = tuple(f"{v.rule} (line {v.line}): {v.message}" for v in found)
        problems += [f"{key[0][:60]!r}: {problem}" for problem in _CHECKED[key]]
    if problems:
        pytest.fail("the lab received PowerShell that breaks a contract:\n" + "\n".join(problems))


@pytest.fixture
def lab(monkeypatch: pytest.MonkeyPatch) -> DemoLab:
    """One demo lab that every ``--lab demo`` command of the test works on (state persists)."""
    from tests._cli import hold_lab  # noqa: PLC0415 - the CLI's helpers, for the tests that ask

    return hold_lab(monkeypatch)
