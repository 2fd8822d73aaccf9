"""FakeExecutor: answers only what it was taught, records every call."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from vmic.errors import UnknownCommandError
from vmic.executors import (
    Command,
    CommandTimeoutError,
    Executor,
    FakeExecutor,
    FakeResponse,
    Secret,
    Shell,
)


def test_unknown_commands_raise_and_are_still_recorded() -> None:
    fake = FakeExecutor({"Get-VM": FakeResponse(stdout="vm1\n")})
    command = Command(Shell.POWERSHELL, "Remove-VM -Force")
    with pytest.raises(UnknownCommandError, match="Remove-VM"):
        fake.run(command)
    assert fake.calls == [command]


def test_exact_text_wins_over_patterns_and_patterns_keep_their_order() -> None:
    fake = FakeExecutor()
    fake.on(re.compile(r"Get-.*"), FakeResponse(stdout="first pattern"))
    fake.on(re.compile(r"Get-VM.*"), FakeResponse(stdout="second pattern"))
    fake.on("Get-VM", FakeResponse(stdout="exact"))
    assert fake.run(Command(Shell.POWERSHELL, "Get-VM")).stdout == "exact"
    assert fake.run(Command(Shell.POWERSHELL, "Get-VMHost")).stdout == "first pattern"
    with pytest.raises(UnknownCommandError):
        fake.run(Command(Shell.POWERSHELL, "xGet-VM"))  # patterns must match the whole script


def test_shell_filter() -> None:
    fake = FakeExecutor()
    fake.on("hostname", FakeResponse(stdout="linux"), shell=Shell.POSIX)
    fake.on("hostname", FakeResponse(stdout="windows"), shell=Shell.POWERSHELL)
    assert fake.run(Command(Shell.POSIX, "hostname")).stdout == "linux"
    assert fake.run(Command(Shell.POWERSHELL, "hostname")).stdout == "windows"


def test_responders_see_the_command() -> None:
    fake = FakeExecutor()
    fake.on("echo", lambda c: FakeResponse(stdout=str(c.parameters["Value"]), exit_code=4))
    result = fake.run(Command(Shell.POSIX, "echo", parameters={"Value": "hi"}))
    assert (result.stdout, result.exit_code) == ("hi", 4)


def test_simulated_durations_and_timeouts() -> None:
    fake = FakeExecutor({"slow": FakeResponse(stdout="so far", duration=10.0)})
    assert fake.run(Command(Shell.POSIX, "slow")).duration == 10.0
    assert fake.run(Command(Shell.POSIX, "slow", timeout=10.0)).ok
    with pytest.raises(CommandTimeoutError) as info:
        fake.run(Command(Shell.POSIX, "slow", timeout=2.0))
    assert info.value.stdout == "so far"
    assert info.value.timeout == 2.0


def test_secrets_in_canned_output_are_redacted() -> None:
    def echo(command: Command) -> FakeResponse:
        secret = command.parameters["Pw"]
        assert isinstance(secret, Secret)
        return FakeResponse(stdout=f"pw={secret.reveal()}", stderr=f"{secret.reveal()}!")

    fake = FakeExecutor({"echo": echo})
    fake.on("leak", FakeResponse(stdout="pw=hunter2-abc"))
    for script in ("leak", "echo"):
        command = Command(Shell.POSIX, script, parameters={"Pw": Secret("hunter2-abc")})
        result = fake.run(command)
        assert result.stdout == "pw=***"
        assert "hunter2" not in result.stderr


def test_calls_are_recorded_from_many_threads() -> None:
    fake = FakeExecutor({"ping": FakeResponse(stdout="pong")})
    commands = [Command(Shell.POSIX, "ping", parameters={"Num": i}) for i in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fake.run, commands))
    assert all(r.stdout == "pong" for r in results)
    assert sorted(fake.calls, key=commands.index) == commands


def test_it_is_an_executor_and_a_context_manager() -> None:
    with FakeExecutor() as fake:
        assert isinstance(fake, Executor)
    assert repr(fake) == "FakeExecutor(0 responses, 0 calls)"
