"""An audit that is interrupted stops: no new host, no ``vmic-audit`` thread left behind.

Hosts are gated by events, so the tests count what happened instead of timing it. The
gate of the hosts in flight opens only once the audit has halted its pool (it then waits
for them), so a worker that took another host after the interrupt would be counted.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Self

import pytest

from vmic.fleet import _runner, audit
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors import Command, Result
    from vmic.fleet import HostResult


class GatedHost:
    """A simulated host that records being asked and answers once its gate opens."""

    def __init__(self, name: str, asked: list[str], gate: threading.Event | None) -> None:
        self.host = FakeHyperVHost(name)
        self.host.add_vm("web", "Windows Server 2019")
        self.host.settle()
        self.name = name
        self.asked = asked
        self.gate = gate

    def run(self, command: Command) -> Result:
        self.asked.append(self.name)
        if self.gate is not None:
            self.gate.wait()
        return self.host.run(command)

    def close(self) -> None:
        self.host.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def audit_threads() -> set[threading.Thread]:
    # A thread that has just returned stays in threading.enumerate() for a moment ("stopped")
    # on a loaded machine; is_alive() says whether it still runs.
    return {
        thread
        for thread in threading.enumerate()
        if thread.name == "vmic-audit" and thread.is_alive()
    }


@pytest.fixture
def new_audit_threads() -> Callable[[], set[threading.Thread]]:
    """The ``vmic-audit`` threads alive now that were not before the test.

    Earlier tests may leave workers on purpose (abandoned on a host that hangs past its
    deadline); they are not this test's.
    """
    before = audit_threads()
    return lambda: audit_threads() - before


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Opens when the audit, having halted its pool, starts waiting for the hosts in flight."""
    opened = threading.Event()
    drain = _runner._Runner._drain

    def open_then_drain(runner: _runner._Runner) -> None:
        opened.set()
        drain(runner)

    monkeypatch.setattr(_runner._Runner, "_drain", open_then_drain)
    return opened


def gated_fleet(count: int, asked: list[str], gate: threading.Event) -> list[GatedHost]:
    # The first host answers at once; every other one waits for the gate.
    return [
        GatedHost(f"HV{index:02d}", asked, None if index == 0 else gate) for index in range(count)
    ]


def test_a_raising_progress_callback_stops_the_pool(
    gate: threading.Event, new_audit_threads: Callable[[], set[threading.Thread]]
) -> None:
    asked: list[str] = []
    calls: list[int] = []

    def progress(done: int, total: int, result: HostResult) -> None:
        calls.append(done)
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            audit(gated_fleet(30, asked, gate), concurrency=2, timeout=30, progress=progress)
    finally:
        gate.set()  # never leave a gated worker behind, whatever happened
    assert calls == [1]
    assert new_audit_threads() == set()
    # The first host, and at most one host per worker in flight: none after the interrupt.
    assert len(asked) <= 1 + 2
    assert len(set(asked)) == len(asked)


def test_a_progress_callback_error_leaves_no_worker_behind(
    new_audit_threads: Callable[[], set[threading.Thread]],
) -> None:
    hosts = [GatedHost(f"HV{index:02d}", [], None) for index in range(6)]

    def progress(done: int, total: int, result: HostResult) -> None:
        message = "the caller's own bug"
        raise RuntimeError(message)

    with pytest.raises(RuntimeError, match="own bug"):
        audit(hosts, concurrency=4, timeout=30, progress=progress)
    assert new_audit_threads() == set()


def test_sigint_during_an_audit_stops_new_hosts_and_joins_the_workers(
    gate: threading.Event, new_audit_threads: Callable[[], set[threading.Thread]]
) -> None:
    asked: list[str] = []
    both_busy = threading.Event()
    hosts = gated_fleet(30, asked, gate)

    class Signalling(GatedHost):
        def run(self, command: Command) -> Result:
            both_busy.set()  # the third host: each worker now waits at the gate
            return super().run(command)

    hosts[2] = Signalling("HV02", asked, gate)
    main = threading.main_thread().ident
    assert main is not None

    def interrupt() -> None:
        both_busy.wait()
        signal.pthread_kill(main, signal.SIGINT)  # what Ctrl-C does

    helper = threading.Thread(target=interrupt)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            audit(hosts, concurrency=2, timeout=30)
    finally:
        signal.signal(signal.SIGINT, previous)
        gate.set()
        helper.join()
    assert new_audit_threads() == set()
    # Hosts 0-2 were asked before the interrupt and no other one after it.
    assert sorted(asked) == ["HV00", "HV01", "HV02"]


def test_a_finished_audit_leaves_no_worker_behind(
    new_audit_threads: Callable[[], set[threading.Thread]],
) -> None:
    hosts = [GatedHost(f"HV{index:02d}", [], None) for index in range(5)]
    report = audit(hosts, concurrency=3, timeout=30)
    assert len(report.results) == 5
    assert new_audit_threads() == set()


def test_the_auditing_thread_never_blocks_longer_than_the_signal_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CPython runs a signal handler between waits: a Ctrl-C that lands just before a long
    # wait would be seen only when it ends. Every wait of the auditing thread is short.
    waits: list[float | None] = []

    class Recording(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            if threading.current_thread() is threading.main_thread():
                waits.append(timeout)
            return super().wait(timeout)

    run = _runner._Runner.run

    def recording_run(runner: _runner._Runner) -> list[HostResult]:
        runner.wakeup = Recording()
        return run(runner)

    monkeypatch.setattr(_runner._Runner, "run", recording_run)
    opened = threading.Event()
    hosts = [GatedHost(f"HV{index:02d}", [], opened) for index in range(3)]
    timer = threading.Timer(0.6, opened.set)  # the hosts answer after a few waits
    timer.start()
    try:
        report = audit(hosts, concurrency=2, timeout=3600)
    finally:
        timer.cancel()
        opened.set()
    assert len(report.results) == 3
    assert waits
    assert all(timeout is not None and timeout <= _runner._SIGNAL_CHECK for timeout in waits)
