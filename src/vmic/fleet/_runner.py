"""Audit many hosts at once: a bounded number in flight, a deadline per host, no abort.

Executors are synchronous, so hosts are asked from a pool of ``concurrency`` worker
threads; each worker asks a host (then its guests), diagnoses it and takes the next.
A host whose target fans out (:attr:`HostTarget.observe_with_guests`) answers for its
Windows guests inside its own command; the guests left over (Linux over SSH, guests
without PowerShell Direct credentials) are asked at once, at most 16 per host and
``4 * concurrency`` (at least 16) in the whole audit, each within what is left of the
host's deadline: by the host's worker itself and by threads of the audit's guest pool
that take the next guests while it waits on one. A worker stuck on a guest past the
deadline is left behind like a hung host's (the host is reported with its own result).
A host gets ``timeout`` seconds from the moment a worker takes it; the executor
enforces its own command deadline, and the audit adds a guard (``timeout + grace``)
after which it stops waiting for the host, records it as timed out and starts a new
worker in place of the one still stuck on it. The abandoned worker is a daemon thread:
it finishes (or not) on its own, its late answer is ignored and it then exits, so one
hung host never holds up the report and the number of hosts in flight stays bounded.

However the audit ends (every host reported, a ``KeyboardInterrupt``, a progress callback
that raises), the pool stops: no worker takes another host, every idle worker is sent
its stop sentinel, hosts already in flight are waited for (each at most until its own
guard) and the workers are joined, so no ``vmic-audit`` thread outlives the call except
one still stuck on a host past its guard. The guest pool's threads (``vmic-audit-guest``)
are each sent a stop sentinel: the idle ones end at once, one still asking a guest the
audit stopped waiting for ends when that guest is done.

Whatever goes wrong with one host (timeout, refused connection, rejected credentials,
output vmic cannot read, or any other exception) becomes that host's
:class:`~vmic.fleet._report.HostResult`; every other host's result is unaffected.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import attrs

from vmic.connect import HostTarget, observe_guest, one_line
from vmic.diagnosis._engine import diagnose
from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    ParseError,
)
from vmic.fleet._report import AuditReport, HostResult, HostStatus
from vmic.model._guest import GuestUnreachable
from vmic.model._host import Host
from vmic.rules._features import Feature

if TYPE_CHECKING:
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest
    from vmic.model._host import VM

__all__ = ["Estate", "ProgressCallback", "audit"]

#: Called in the auditing thread after each host: (hosts done, hosts in all, that result).
ProgressCallback = Callable[[int, int, HostResult], None]

#: The longest single wait a lock accepts; longer deadlines are waited for in turns.
_WAIT_MAX: Final = threading.TIMEOUT_MAX
#: The longest the auditing thread blocks at once. CPython runs a signal handler between
#: waits, not during one: a Ctrl-C that lands just before a wait begins would otherwise be
#: seen only when the wait ends (up to a host's whole timeout).
_SIGNAL_CHECK: Final = 0.25
#: Guests asked at the same time for one host.
_GUESTS_PER_HOST: Final = 16
#: Guests asked at the same time in the whole audit: this many per host in flight (at least
#: one host's worth), so threads and connections stay bounded however big the fleet.
_GUESTS_PER_SLOT: Final = 4


class _Job:
    """One host's work and what it has produced so far (shared with its worker thread)."""

    def __init__(self, index: int, target: HostTarget) -> None:
        self.index = index
        self.target = target
        self.started = 0.0
        self.abandoned = False
        self.lock = threading.Lock()
        self.host: Host | None = None
        # What each VM's guest said, by the VM's place in the host's list (names may repeat).
        self.guests: dict[int, Guest | GuestUnreachable] = {}
        self.error: BaseException | None = None
        self.result: HostResult | None = None
        self.worker: threading.Thread | None = None
        # The guests' round, guarded by `lock` (see `_Runner._ask_guests`): the guests to ask
        # and how many of them a thread has taken, those being asked now, the pool tasks
        # sent to help and not yet started on a guest, and whether the round is over
        # (answers from then on are ignored).
        self.round: list[tuple[int, VM]] = []
        self.taken = 0
        self.asking = 0
        self.helpers = 0
        self.guests_closed = False
        # Guests that answered None (left unobserved, not unreachable); made on first need.
        self.unobserved: set[int] | None = None
        # The worker is asking guests itself: the auditing thread watches its deadline.
        self.in_guest = False
        # Held while the worker waits for the guests other threads are asking; the last of
        # them to answer releases it.
        self.done: threading.Lock | None = None


@runtime_checkable
class Estate(Protocol):
    """Anything that lists its hosts as audit targets (the simulated lab's ``DemoLab``)."""

    def targets(self) -> Iterable[HostTarget]:
        """One target per host, guests included."""
        ...


def audit(
    hosts: Iterable[HostTarget | Executor] | Estate,
    *,
    concurrency: int = 8,
    timeout: float = 60.0,
    grace: float = 1.0,
    features: Iterable[Feature] = (),
    progress: ProgressCallback | None = None,
    vm: str | None = None,
) -> AuditReport:
    """Observe and diagnose many Hyper-V hosts concurrently.

    Args:
        hosts: :class:`HostTarget` objects, or executors that reach a Hyper-V host (read
            with ``HyperVHost``, host side only); or an :class:`Estate` that lists its own
            (``audit(vmic.testing.demo_lab())``: the lab, both sides, in one call).
        concurrency: Hosts asked at once (at least 1).
        timeout: Seconds each host (and its guests) may take, from when its turn starts
            (``math.inf``: the audit waits for each host as long as it takes).
        grace: Seconds the audit waits past *timeout* for an executor to report its own
            timeout before it stops waiting for the host.
        features: Features the fleet relies on (see :func:`vmic.diagnose`).
        progress: Called after each host, in the calling thread.
        vm: Only the VM with exactly this name: each host is observed once as usual,
            but only this VM's guest is asked and only this VM is diagnosed (a host
            without it gives a result with no VMs). None: every VM.

    Returns:
        One result per host, in the order given; a host that failed is a result too.

    Raises:
        ConfigurationError: An option is out of range, or a host is neither a HostTarget
            nor an executor.
    """
    named: object = vm
    if named is not None and (not isinstance(named, str) or not named):
        raise ConfigurationError(f"vm must be a VM's exact name, not {vm!r}")
    checked: object = concurrency
    if isinstance(checked, bool) or not isinstance(checked, int) or checked < 1:
        raise ConfigurationError(f"concurrency must be a whole number >= 1, not {concurrency!r}")
    for value, label, least in ((timeout, "timeout", 0.001), (grace, "grace", 0.0)):
        number: object = value
        if isinstance(number, bool) or not isinstance(number, int | float) or not number >= least:
            raise ConfigurationError(f"{label} must be a number of seconds > 0, not {value!r}")
    wanted = tuple(features)
    for feature in wanted:
        if not isinstance(feature, Feature):
            raise ConfigurationError(f"{feature!r} is not a vmic.rules._features.Feature")
    listed = hosts.targets() if isinstance(hosts, Estate) else hosts
    jobs = [_Job(index, _target(host, timeout)) for index, host in enumerate(listed)]
    started = time.monotonic()
    results = _Runner(jobs, concurrency, timeout, grace, wanted, progress, vm).run()
    return AuditReport(
        results=tuple(results), duration=time.monotonic() - started, concurrency=concurrency
    )


def _target(host: object, timeout: float) -> HostTarget:
    if isinstance(host, HostTarget):
        return host
    if callable(getattr(host, "run", None)):
        return HostTarget.for_executor(host, timeout=timeout)  # type: ignore[arg-type]
    raise ConfigurationError(
        f"audit() takes HostTarget objects or executors, not {type(host).__name__}"
    )


class _Runner:
    def __init__(  # noqa: PLR0917 - private, built in one place
        self,
        jobs: list[_Job],
        concurrency: int,
        timeout: float,
        grace: float,
        features: tuple[Feature, ...],
        progress: ProgressCallback | None,
        vm: str | None = None,
    ) -> None:
        self.jobs = jobs
        self.concurrency = concurrency
        self.timeout = timeout
        self.guard = timeout + grace
        self.features = features
        self.progress = progress
        self.vm = vm
        self.queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        # Guarded by `wakeup`: jobs a worker has taken and not handed back, and jobs
        # handed back and not yet reported.
        self.wakeup = threading.Condition()
        self.running: set[_Job] = set()
        self.finished: list[_Job] = []
        self.workers = 0
        # The stop machinery: set (under `wakeup`) when the audit ends, however it ends;
        # every thread started, and the jobs given up on past their guard.
        self.stopping = False
        self.threads: list[threading.Thread] = []
        self.abandoned: list[_Job] = []
        #: Guests asked at once per host, and across the whole audit.
        self.guest_concurrency = _GUESTS_PER_HOST
        self.guest_slots = _Slots(max(concurrency * _GUESTS_PER_SLOT, _GUESTS_PER_HOST))
        self.guest_pool = _GuestPool(self._help)

    def run(self) -> list[HostResult]:
        results: list[HostResult | None] = [None] * len(self.jobs)
        for job in self.jobs:
            self.queue.put(job)
        try:
            for _ in range(min(self.concurrency, len(self.jobs))):
                self._spawn()
            reported = 0
            while reported < len(self.jobs):
                finished, overdue, now = self._wait()
                for _ in overdue:
                    self._spawn()  # in place of the worker still stuck on this host
                ended = [(job, False) for job in finished] + overdue
                for job, timed_out in ended:
                    result = job.result if not timed_out else None
                    if result is None:
                        result = self._result(job, timed_out=timed_out, end=now)
                    results[job.index] = result
                    reported += 1
                    if self.progress is not None:
                        self.progress(reported, len(self.jobs), result)
        finally:
            # Also on KeyboardInterrupt or a raising progress callback: without this,
            # workers would keep taking hosts and then wait for a sentinel forever.
            self._stop()
        return [result for result in results if result is not None]

    def _stop(self) -> None:
        """End the pool: no new host, a sentinel for every worker, workers joined."""
        self._halt()
        self._drain()
        self.guest_pool.stop()

    def _halt(self) -> None:
        """From now on no worker takes a host; each idle one gets its sentinel."""
        with self.wakeup:
            self.stopping = True
            for _ in range(self.workers):
                self.queue.put(None)

    def _drain(self) -> None:
        """Wait for the hosts in flight, then join every worker not stuck on one.

        Each host is waited for at most until its own guard (the audit never waits
        longer for a host); a thread still stuck past that is left to finish on its own,
        like any abandoned worker. A second interrupt while waiting ends the wait at once.
        """
        with self.wakeup:
            while self.running:
                left = max(job.started for job in self.running) + self.guard - time.monotonic()
                if left <= 0:
                    break
                self.wakeup.wait(min(left, _SIGNAL_CHECK))
            stuck = {job.worker for job in self.running} | {job.worker for job in self.abandoned}
            # (A thread that never started, its start having failed, has no ident.)
            threads = [t for t in self.threads if t not in stuck and t.ident is not None]
        for thread in threads:
            # Each is idle or just done: it takes its sentinel (or sees `stopping`) and ends.
            thread.join()

    def _wait(self) -> tuple[list[_Job], list[tuple[_Job, bool]], float]:
        """Block until a host is handed back or one is overdue; return both kinds.

        A host is overdue past its guard, or past its deadline while its worker is asking
        one of its guests itself (its own wait would have ended there). The second says
        whether the host timed out (past its guard) or only its guests did.
        """
        with self.wakeup:
            while True:
                now = time.monotonic()
                overdue = [
                    (job, timed_out)
                    for job in self.running
                    if (timed_out := self._overdue(job, now)) is not None
                ]
                if self.finished or overdue:
                    break
                # The next moment a host may become overdue: its deadline, then its guard.
                checks = [
                    job.started + (self.timeout if now - job.started < self.timeout else self.guard)
                    for job in self.running
                ]
                left = min(checks) - now if checks else _SIGNAL_CHECK
                self.wakeup.wait(min(left, _SIGNAL_CHECK))
            finished, self.finished = self.finished, []
            for job, _ in overdue:
                # From here on the worker's late answer is ignored.
                self.running.discard(job)
                job.abandoned = True
                self.abandoned.append(job)
                self._close_guests(job)
            self.workers -= len(overdue)
        return finished, overdue, now

    def _overdue(self, job: _Job, now: float) -> bool | None:
        """Whether the audit stops waiting for *job* now, and why.

        True: the host timed out (past its guard); False: only its guests did (past its
        deadline, its worker asking one itself); None: the audit still waits.
        """
        elapsed = now - job.started
        if elapsed >= self.guard:
            return True
        if elapsed >= self.timeout:
            with job.lock:
                # Set and cleared under the lock by a worker that checks the deadline first.
                return False if job.in_guest else None
        return None

    def _spawn(self) -> None:
        thread = threading.Thread(target=self._worker, name="vmic-audit", daemon=True)
        with self.wakeup:
            self.workers += 1
            self.threads.append(thread)
        thread.start()

    def _worker(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            with self.wakeup:
                if self.stopping:
                    return  # the audit has ended: take no new host
                job.started = time.monotonic()
                job.worker = threading.current_thread()
                self.running.add(job)
            self._work(job)
            with self.wakeup:
                if job.abandoned:
                    return  # a new worker has taken this one's place
                self.running.discard(job)
                self.finished.append(job)
                if self._wake_for_results():
                    self.wakeup.notify()

    def _wake_for_results(self) -> bool:
        """Whether a host just handed back wakes the audit's thread (under `wakeup`).

        It is woken for each host only to report progress; else once no host is left in
        flight (or as the audit stops), as every wake-up costs more CPU than reading a
        host's answer. Its deadlines it keeps by itself.
        """
        return (
            self.progress is not None or self.stopping or (not self.running and self.queue.empty())
        )

    def _work(self, job: _Job) -> None:
        """Ask one host (and its guests), then diagnose it, all in this worker thread."""
        target = job.target
        try:
            if target.observe_with_guests is not None:
                # One command: the host, and the guests it reaches itself (PowerShell Direct).
                host = target.observe_with_guests()
            else:
                host = target.observe()
            if self.vm is not None:
                # Only that VM's guest is asked, and only it is diagnosed.
                host = attrs.evolve(host, vms=tuple(v for v in host.vms if v.name == self.vm))
            with job.lock:
                job.host = host
            if target.observe_guest is not None:
                self._ask_guests(
                    job, [(i, v) for i, v in enumerate(host.vms) if v.running and v.guest is None]
                )
        except BaseException as error:  # noqa: BLE001 - any failure is this host's result
            # BaseException too (SystemExit from a library, say): a worker that died here
            # would leave the host to be reported as timed out, a full timeout later.
            with job.lock:
                job.error = error
        finally:
            if target.close is not None:
                # Closing must not change the result.
                with contextlib.suppress(BaseException):
                    target.close()
        job.result = self._result(job, timed_out=False, end=time.monotonic())

    def _ask_guests(self, job: _Job, vms: list[tuple[int, VM]]) -> None:
        """Ask the guests the host did not answer for, at once, bounded per host and overall.

        This worker asks them itself, one after another, and threads of the audit's guest
        pool sent to help it take the next ones (the worker and its helpers: at most
        `guest_concurrency` at once): while one guest's command waits on its executor,
        another thread takes the next guest, so the guests are asked concurrently. Answers
        that are already there are read in this thread, not handed to another one that has
        to be woken and then wake this one (the hand-off costs more CPU than the reading).

        A guest that hangs is left behind: the worker waits for the guests its helpers ask
        until the host's deadline; a worker stuck on a guest itself is reported at that
        deadline by the auditing thread (`_overdue`). Either way the guests that did not
        answer become GuestUnreachable and the host's own result is kept.
        """
        with job.lock:
            asked = [(index, vm) for index, vm in vms if index not in job.guests]
            if not asked:
                return
            job.round = asked
            helpers = job.helpers = min(len(asked), self.guest_concurrency) - 1
        for _ in range(helpers):
            self.guest_pool.submit(job)
        self._serve(job, helper=False)
        with job.lock:
            wait = job.asking > 0 and not job.guests_closed
            if wait:
                done = job.done = threading.Lock()
                done.acquire()
        if wait:
            left = job.started + self.timeout - time.monotonic()
            done.acquire(timeout=-1 if left > _WAIT_MAX else max(left, 0.0))
        self._close_guests(job)

    def _help(self, job: _Job) -> None:
        """A guest pool thread's task: help *job*'s worker ask its guests."""
        self._serve(job, helper=True)

    def _serve(self, job: _Job, *, helper: bool) -> None:
        """Ask *job*'s next guest, then the next, until none is left or the round is over.

        Each guest takes one of the audit's guest slots while it is asked. A helper that
        finds no guest left returns at once: its thread is handed back to the pool when the
        round closes. A helper hands its thread back itself after its last guest, before
        the worker can see that guest answered, so the worker's next host finds it idle.
        """
        with job.lock:
            taken = self._first(job, helper=helper)
        slots = self.guest_slots
        failure: BaseException | None = None
        while taken is not None:
            index, vm = taken
            guest: Guest | GuestUnreachable | None = None
            slots.acquire()
            try:
                if not job.guests_closed:  # the round may have closed while this waited
                    guest = observe_guest(job.target, vm)
            except BaseException as error:  # noqa: BLE001 - observe_guest keeps Exceptions
                failure = error  # SystemExit and the like: this guest stays unobserved
            finally:
                slots.release()
            with job.lock:
                job.asking -= 1
                if not job.guests_closed:
                    if guest is not None:
                        job.guests[index] = guest
                    else:
                        # Unobserved, not unreachable: the close must not mark it.
                        job.unobserved = (job.unobserved or set()) | {index}
                # A helper whose guest raised stops; the worker goes on (it reports the host).
                taken = None if failure is not None and helper else self._next(job)
                if taken is None:
                    self._leave(job, helper=helper, rest=failure is None)
        if failure is not None and helper:
            # The pool thread ends here, as a thread whose task raised always has.
            raise failure

    def _first(self, job: _Job, *, helper: bool) -> tuple[int, VM] | None:
        """The guest a thread starts with, or None (under the job's lock)."""
        if job.guests_closed or job.taken == len(job.round):
            return None  # a helper's thread is handed back when the round closes
        if helper:
            if not job.helpers:
                return None  # the round has closed and handed this thread back
            job.helpers -= 1
        elif time.monotonic() >= job.started + self.timeout:
            return None
        else:
            # Set after the deadline is checked, under the lock `_overdue` reads it with.
            job.in_guest = True
        return self._next(job, checked=True)

    def _next(self, job: _Job, *, checked: bool = False) -> tuple[int, VM] | None:
        """The round's next guest, now taken by this thread, or None (under the job's lock)."""
        if not checked and (
            job.guests_closed
            or job.taken == len(job.round)
            or time.monotonic() >= job.started + self.timeout
        ):
            return None
        taken = job.round[job.taken]
        job.taken += 1
        job.asking += 1
        return taken

    def _leave(self, job: _Job, *, helper: bool, rest: bool) -> None:
        """This thread asks no more of *job*'s guests (under the job's lock)."""
        if not helper:
            job.in_guest = False
        elif rest:
            self.guest_pool.rest()
        if not job.asking and job.done is not None:
            job.done.release()  # the worker waits for no other guest
            job.done = None

    def _close_guests(self, job: _Job) -> None:
        """End *job*'s guests' round: later answers are ignored, missing ones unreachable.

        The helpers sent to it and not started on a guest go back to the pool.
        """
        with job.lock:
            if job.guests_closed:
                return
            job.guests_closed = True
            idle, job.helpers = job.helpers, 0
            unobserved = job.unobserved or ()
            for index, _ in job.round:
                if index not in job.guests and index not in unobserved:
                    job.guests[index] = GuestUnreachable(
                        reason=f"the audit stopped waiting after {self.timeout:g}s"
                    )
        if idle:
            self.guest_pool.rest(idle)

    def _result(self, job: _Job, *, timed_out: bool, end: float) -> HostResult:
        with job.lock:
            host, guests, error = job.host, dict(job.guests), job.error
        duration = end - job.started
        name = job.target.name
        if host is not None and (error is None or timed_out):
            asks_guests = job.target.observe_guest is not None
            if timed_out and (asks_guests or job.target.observe_with_guests is not None):
                reason = f"the audit stopped waiting after {self.timeout:g}s"
                for index, vm in enumerate(host.vms):
                    if vm.running and vm.guest is None and index not in guests:
                        guests[index] = GuestUnreachable(reason=reason)
            try:
                diagnosis = diagnose(_with_guests(host, guests), features=self.features)
            except Exception as failure:  # noqa: BLE001 - a host's bad data must not end the audit
                return _failed(name, failure, duration)
            return HostResult._audited(name, diagnosis, duration)
        if timed_out:
            return HostResult(
                host=name,
                status=HostStatus.TIMED_OUT,
                error=f"no answer within {self.timeout:g}s; the audit stopped waiting",
                duration=duration,
            )
        assert error is not None  # noqa: S101 - a finished job has an observation or an error
        return _failed(name, error, duration)


class _GuestPool:
    """The threads that help workers ask their guests, kept for the whole audit.

    Starting and joining a thread per guest costs more CPU than reading the guest's
    answer; here a task (a host whose worker wants help) goes to an idle thread when there
    is one, and a new thread is started only when every thread is busy (one stuck on a
    hung guest included), so the threads never fall short of the tasks in flight.

    A thread counts as busy from the moment a task is sent to it until the task hands it
    back (`rest`): after its last guest, or when the round closes for a task that found
    no guest left (the worker had asked them all).
    """

    def __init__(self, serve: Callable[[_Job], None]) -> None:
        # Held weakly: the runner holds this pool, and a pool that held the runner would
        # make every audit's runner, its jobs and their hosts garbage the collector alone
        # can free (a full pass over tens of thousands of objects, in some later audit).
        # Whoever hands the pool a task holds the runner meanwhile.
        self._serve = weakref.WeakMethod(serve)
        # Tasks are held by weak reference: a host whose worker asked every guest itself
        # is freed by that worker (its objects still in that core's cache), not by the
        # pool thread that finds its task later.
        self.tasks: queue.SimpleQueue[weakref.ref[_Job] | None] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0
        self.threads = 0
        self.stopped = False

    def submit(self, job: _Job) -> None:
        """Have a pool thread help *job*'s worker (``serve(job)``)."""
        with self.lock:
            if self.stopped:
                # A worker given up on reaches its guests after the audit ended: a thread of
                # their own, which ends with them.
                threading.Thread(
                    target=self._serve(), args=(job,), name="vmic-audit-guest", daemon=True
                ).start()
                return
            spawn = self.idle == 0
            if spawn:
                self.threads += 1
            else:
                # An idle thread is waiting for a task (or about to): this one is its.
                self.idle -= 1
        self.tasks.put(weakref.ref(job))
        if spawn:
            threading.Thread(target=self._loop, name="vmic-audit-guest", daemon=True).start()

    def rest(self, count: int = 1) -> None:
        """*count* threads sent tasks are free again (their tasks are done, or need none)."""
        with self.lock:
            if not self.stopped:
                self.idle += count

    def _loop(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            job = task()
            # Gone, or closed: its worker asked every guest, nothing is left to help with.
            # A job still there has a worker, which holds the runner.
            serve = None if job is None or job.guests_closed else self._serve()
            if job is not None and serve is not None:
                serve(job)
            del job, task, serve  # not kept alive while this thread waits for the next task

    def stop(self) -> None:
        """A stop sentinel for every thread: idle ones end now, busy ones after their task.

        They are not joined: one may still be asking a guest the audit stopped waiting for.
        """
        with self.lock:
            count, self.threads, self.idle = self.threads, 0, 0
            self.stopped = True
        for _ in range(count):
            self.tasks.put(None)


class _Slots:
    """The audit's guest slots: a counting semaphore whose waits are C code.

    A slot is taken and given back for every guest; ``threading.BoundedSemaphore`` runs a
    Condition and its lock in Python for each, a queue of tokens blocks the same way for a
    fraction of the CPU. Only the runner takes slots, always one and then gives it back.
    """

    def __init__(self, count: int) -> None:
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(count):
            self._tokens.put(None)
        #: Take a slot, waiting while none is free.
        self.acquire = self._tokens.get

    def release(self) -> None:
        """Give a slot back."""
        self._tokens.put(None)


def _with_guests(host: Host, guests: dict[int, Guest | GuestUnreachable]) -> Host:
    """*host*, each VM with the guest asked for it (by its place in the host's list)."""
    if not guests:
        return host
    vms = tuple(
        vm if index not in guests else vm._with_guest(guests[index])
        for index, vm in enumerate(host.vms)
    )
    if type(host) is Host:
        # Its name and system are a Host's already, its VMs copies with a checked guest:
        # nothing the converters and validators would change or refuse.
        return Host._parsed(host.name, host.os, vms)
    return attrs.evolve(host, vms=vms)  # a subclass keeps its own fields and checks


def _whole(error: BaseException) -> str:
    """The whole message, and the library's own words behind it when the error keeps them."""
    text = str(error).strip()
    detail = str(getattr(error, "detail", "") or "").strip()
    return f"{text} ({detail})" if detail and detail not in text else text


def _failed(name: str, error: BaseException, duration: float) -> HostResult:
    """The result of a host that *error* stopped: its kind, one line, and the whole message."""
    status, message = _classify(error)
    return HostResult(
        host=name,
        status=status,
        error=message,
        duration=duration,
        error_type=type(error).__name__,
        error_detail=_whole(error) or message,
    )


def _classify(error: BaseException) -> tuple[HostStatus, str]:  # noqa: PLR0911 - a table
    if isinstance(error, CommandTimeoutError):
        return HostStatus.TIMED_OUT, one_line(error)
    if isinstance(error, AuthenticationFailedError):
        return HostStatus.AUTHENTICATION_FAILED, one_line(error)
    if isinstance(error, ConnectionFailedError):
        return HostStatus.UNREACHABLE, one_line(error)
    if isinstance(error, ParseError):
        return HostStatus.BAD_OUTPUT, one_line(error)
    if isinstance(error, ConnectionError):
        return HostStatus.UNREACHABLE, f"{type(error).__name__}: {one_line(error)}"
    if isinstance(error, TimeoutError):
        return HostStatus.TIMED_OUT, f"{type(error).__name__}: {one_line(error)}"
    return HostStatus.ERROR, f"{type(error).__name__}: {one_line(error)}"
