"""The executor contract, run against every backend in ``contract.BACKENDS``."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings

from vmic.errors import CommandFailedError, CommandTimeoutError
from vmic.executors import Result, Secret

from .contract import BACKENDS, Backend
from .hostile import hostile_text

PROCESS_BACKENDS = ("local-posix", "ssh-posix")
"""Backends whose commands run as real processes on this machine (so tests can watch them)."""


@pytest.fixture(scope="session", params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param](request)


@pytest.fixture(scope="session", params=PROCESS_BACKENDS)
def process_backend(request: pytest.FixtureRequest) -> Backend:
    chosen = BACKENDS[request.param](request)
    assert chosen.observes_processes
    return chosen


@pytest.mark.parametrize("code", [0, 1, 2, 42, 255])
def test_exit_status_is_reported(backend: Backend, code: int) -> None:
    command = backend.exit_with(code)
    result = backend.executor.run(command)
    assert isinstance(result, Result)
    assert result.command == command
    assert result.exit_code == code
    assert result.ok is (code == 0)
    assert result.failed is (code != 0)
    assert result.duration >= 0
    if code == 0:
        assert result.check() is result
    else:
        with pytest.raises(CommandFailedError) as info:
            result.check()
        assert info.value.result is result
        assert f"status {code}" in str(info.value)


def test_streams_are_kept_apart(backend: Backend) -> None:
    result = backend.executor.run(backend.write("to stdout\nline 2\n", "to stderr\n"))
    assert result.stdout == "to stdout\nline 2\n"
    assert result.stderr == "to stderr\n"


def test_failure_message_shows_both_streams(backend: Backend) -> None:
    result = backend.executor.run(backend.write("out-tail\n", "err-tail\n"))
    failed = Result(
        result.command,
        stdout=result.stdout,
        stderr=result.stderr,
        exit_code=7,
        duration=result.duration,
    )
    with pytest.raises(CommandFailedError) as info:
        failed.check()
    message = str(info.value)
    assert "status 7" in message
    assert "out-tail" in message
    assert "err-tail" in message


@pytest.mark.parametrize(
    "text",
    [
        "héllo wörld",
        "日本語のテキスト",
        "emoji 😀 and ✓",
        "mixed\nlines\r\nand\ttabs\n\n",
        "\u2018quoted\u2019 \u201ahere\u201b 'and' \"there\"",
        "\x01\x1b[31mred\x1b[0m\x7f",
    ],
)
def test_text_round_trips_exactly(backend: Backend, text: str) -> None:
    assert backend.executor.run(backend.echo(text)).stdout == text


@settings(max_examples=40)
@given(value=hostile_text())
def test_hostile_values_round_trip(backend: Backend, value: str) -> None:
    assert backend.executor.run(backend.echo(value)).stdout == value


def test_large_output_is_complete(backend: Backend) -> None:
    stdout_bytes, stderr_bytes = 8 * 2**20, 2**20
    result = backend.executor.run(backend.flood(stdout_bytes, stderr_bytes))
    assert result.ok
    assert len(result.stdout) == stdout_bytes
    assert set(result.stdout) == {"x"}
    assert len(result.stderr) == stderr_bytes
    assert set(result.stderr) == {"y"}


def test_timeout_raises_with_partial_output(backend: Backend, tmp_path: Path) -> None:
    command = backend.hang(timeout=1.0, pid_file=tmp_path / "pids")
    began = time.monotonic()
    with pytest.raises(CommandTimeoutError) as info:
        backend.executor.run(command)
    # The call returns soon after the deadline (stopping may take a few seconds), not when
    # the command would have ended on its own.
    assert time.monotonic() - began < 10
    error = info.value
    assert isinstance(error, CommandTimeoutError)
    assert isinstance(error, TimeoutError)
    assert error.command == command
    assert error.timeout == 1.0
    assert 1.0 <= error.duration < 10
    assert "started" in error.stdout
    assert "timed out" in str(error)


def test_executor_still_works_after_a_timeout(backend: Backend, tmp_path: Path) -> None:
    with pytest.raises(CommandTimeoutError):
        backend.executor.run(backend.hang(timeout=0.5, pid_file=tmp_path / "pids"))
    assert backend.executor.run(backend.echo("after")).stdout == "after"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_timeout_stops_the_process_and_its_children(
    process_backend: Backend, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pids"
    with pytest.raises(CommandTimeoutError):
        process_backend.executor.run(process_backend.hang(timeout=1.0, pid_file=pid_file))
    pids = [int(line) for line in pid_file.read_text().split()]
    assert len(pids) == 2  # the shell and the sleep it started
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _running(pid)]


def test_concurrent_runs_from_threads(backend: Backend) -> None:
    values = [f"thread {i} {'é' * i} {'$' * (i % 3)}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda v: backend.executor.run(backend.echo(v)), values))
    assert [r.stdout for r in results] == values


def test_secret_values_are_redacted_from_output(backend: Backend) -> None:
    secret = Secret("hunter2-tr0ub4dor")
    result = backend.executor.run(backend.echo(secret))
    assert result.stdout == "***"
    assert "hunter2" not in repr(result)
    assert "hunter2" not in repr(result.command)
