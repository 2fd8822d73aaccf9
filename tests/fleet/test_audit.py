"""Fleet audits: bounded concurrency, a deadline per host, and failures that stay local."""

from __future__ import annotations

import csv
import gc
import io
import json
import math
import threading
import weakref
from typing import TYPE_CHECKING

import pytest

from tests import _diagnosis_builders as b
from vmic import IntegrationService
from vmic.connect import _targets as targets, guest_observation, observe_guest
from vmic.diagnosis import diagnose
from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    GuestCommandError,
    InvalidRecordError,
    KvpPoolError,
    ParseError,
    VmicError,
)
from vmic.fleet import AuditReport, HostStatus, HostTarget, audit
from vmic.fleet._report import COLUMNS
from vmic.model._guest import GuestUnreachable
from vmic.model._host import Host
from vmic.model._records import VMState
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from vmic.model._guest import Guest
    from vmic.model._host import VM

S = IntegrationService


def observed(name: str, *vms: VM) -> Host:
    return Host(name, os=b.HOST_OS, vms=vms)


def target(
    name: str,
    observe: Callable[[], Host] | None = None,
    *,
    guests: Callable[[VM], Guest | GuestUnreachable | None] | None = None,
    closed: list[str] | None = None,
) -> HostTarget:
    def close() -> None:
        if closed is not None:
            closed.append(name)

    return HostTarget(
        name=name,
        observe=observe or (lambda: observed(name, b.vm(f"{name}-vm"))),
        observe_guest=guests,
        close=close,
    )


def failing(error: BaseException) -> Callable[[], Host]:
    def observe() -> Host:
        raise error

    return observe


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event hung hosts wait on; set at the end so their threads finish."""
    event = threading.Event()
    yield event
    event.set()


def test_results_come_in_input_order_and_healthy_fleet_exits_0() -> None:
    names = [f"hv{i:02d}" for i in range(20)]
    report = audit([target(name) for name in names], concurrency=4)
    assert [r.host for r in report.results] == names
    assert all(r.status is HostStatus.OK for r in report.results)
    assert report.exit_status == 0
    assert report.findings == ()
    assert report.summary()["vms"] == 20
    assert report.concurrency == 4


def test_findings_exit_1_and_match_a_direct_diagnosis() -> None:
    broken = observed("hv02", b.vm("app", overrides={S.SHUTDOWN: {"enabled": False}}))
    report = audit([target("hv01"), target("hv02", lambda: broken)])
    assert report.exit_status == 1
    result = report.result("hv02")
    assert result is not None
    assert result.diagnosis == diagnose(broken)
    assert [f.cause for f in report.findings] == [Cause.DISABLED_ON_HOST]


def test_concurrency_reaches_the_bound_and_never_exceeds_it() -> None:
    bound = 3
    barrier = threading.Barrier(bound, timeout=10)
    lock = threading.Lock()
    in_flight = 0
    peak = 0

    def observe_as(name: str) -> Callable[[], Host]:
        def observe() -> Host:
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            try:
                barrier.wait()  # only passes when `bound` hosts are being asked at once
            finally:
                with lock:
                    in_flight -= 1
            return observed(name)

        return observe

    names = [f"hv{i}" for i in range(bound * 4)]
    report = audit([target(n, observe_as(n)) for n in names], concurrency=bound, timeout=30)
    assert [r.status for r in report.results] == [HostStatus.OK] * len(names)
    assert peak == bound


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (CommandTimeoutError("command timed out after 5s"), HostStatus.TIMED_OUT, "timed out"),
        (
            ConnectionFailedError("connection refused by hv03:5986"),
            HostStatus.UNREACHABLE,
            "refused",
        ),
        (
            AuthenticationFailedError("hv03 refused the credentials for 'audit'"),
            HostStatus.AUTHENTICATION_FAILED,
            "refused the credentials",
        ),
        (
            ParseError("expected a section marker", source="garbage"),
            HostStatus.BAD_OUTPUT,
            "marker",
        ),
        (RuntimeError("boom"), HostStatus.ERROR, "RuntimeError: boom"),
        (ConnectionResetError("reset by peer"), HostStatus.UNREACHABLE, "reset by peer"),
    ],
)
def test_a_failing_host_is_a_result_and_the_others_are_intact(
    error: BaseException, status: HostStatus, words: str
) -> None:
    closed: list[str] = []
    good = observed("hv01", b.vm("a"), b.vm("b", overrides={S.VSS: {"enabled": False}}))
    report = audit(
        [
            target("hv01", lambda: good, closed=closed),
            target("hv03", failing(error), closed=closed),
            target("hv04", closed=closed),
        ],
        concurrency=2,
    )
    failed = report.result("hv03")
    assert failed is not None
    assert failed.status is status
    assert failed.diagnosis is None
    assert words in failed.error
    assert report.failures == (failed,)
    assert report.exit_status == 3
    first = report.result("hv01")
    assert first is not None
    assert first.diagnosis == diagnose(good)
    assert sorted(closed) == ["hv01", "hv03", "hv04"]
    rows = [row for row in report.records() if row["host"] == "hv03"]
    assert rows == [
        {
            "host": "hv03",
            "host_status": status.value,
            "vm": "",
            "service": "",
            "verdict": "unknown",
            "cause": "host_unreachable",
            "explanation": failed.error,
            "fix": "",
        }
    ]


class _Escape(BaseException):
    """Not an Exception: what a library's SystemExit or GeneratorExit looks like."""


@pytest.mark.parametrize("error", [SystemExit(3), _Escape("gone")])
def test_a_host_that_raises_a_base_exception_fails_at_once(error: BaseException) -> None:
    def broken_close() -> None:
        msg = "close failed"
        raise _Escape(msg)

    hosts = [
        HostTarget(name="bad", observe=failing(error), close=broken_close),
        target("good"),
    ]
    report = audit(hosts, concurrency=1, timeout=30)
    bad = report.result("bad")
    assert bad is not None
    assert bad.status is HostStatus.ERROR  # not timed out after 30 s
    assert bad.error.startswith(type(error).__name__)
    assert bad.duration < 5
    good = report.result("good")
    assert good is not None
    assert good.status is HostStatus.OK


def test_a_hung_host_times_out_without_holding_up_the_others(release: threading.Event) -> None:
    def hang() -> Host:
        release.wait()
        return observed("hung")

    names = ["hung", "hv1", "hv2", "hv3"]
    observers = [hang, None, None, None]
    report = audit(
        [target(n, o) for n, o in zip(names, observers, strict=True)],
        concurrency=1,  # the hung host holds the only slot until the audit stops waiting
        timeout=0.2,
        grace=0.05,
    )
    statuses = {r.host: r.status for r in report.results}
    assert statuses == {
        "hung": HostStatus.TIMED_OUT,
        "hv1": HostStatus.OK,
        "hv2": HostStatus.OK,
        "hv3": HostStatus.OK,
    }
    hung = report.result("hung")
    assert hung is not None
    assert "0.2s" in hung.error


@pytest.mark.parametrize(("timeout", "grace"), [(math.inf, 1.0), (1e300, 0.0), (30.0, math.inf)])
def test_an_endless_deadline_waits_for_a_slow_host(
    timeout: float, grace: float, release: threading.Event
) -> None:
    # The audit must wait in turns no longer than a lock accepts, not overflow it.
    def slow() -> Host:
        release.wait(0.2)
        return observed("slow", b.vm("a"))

    report = audit([target("slow", slow), target("fast")], timeout=timeout, grace=grace)
    assert [r.status for r in report.results] == [HostStatus.OK, HostStatus.OK]
    assert report.exit_status == 0


def test_guests_that_fail_are_unreachable_in_the_diagnosis() -> None:
    host = observed("hv01", b.vm("win"), b.vm("lin", guest_os="Ubuntu 22.04"), b.vm("ok"))

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        if vm.name == "win":
            msg = "the guest refused the credential for 'Administrator'"
            raise AuthenticationFailedError(msg)
        if vm.name == "lin":
            msg = "no route to host"
            raise OSError(msg)
        return b.windows_guest()

    report = audit([target("hv01", lambda: host, guests=guest)])
    (result,) = report.results
    assert result.status is HostStatus.OK
    assert result.diagnosis is not None
    by_vm = {vm.vm: vm for vm in result.diagnosis.vms}
    assert [f.cause for f in by_vm["win"].findings] == [Cause.GUEST_UNREACHABLE]
    assert "refused the credential" in by_vm["win"].guest_detail
    assert "OSError: no route to host" in by_vm["lin"].guest_detail
    assert by_vm["ok"].findings == ()


@pytest.mark.parametrize(
    "windows_error",
    [
        GuestCommandError("vmicvss is disabled", target="vmicvss", reason="startup-disabled"),
        InvalidRecordError(field="status", value=9, reason="not a Status value"),
        KvpPoolError("record 0 is truncated", offset=2560),
        ConnectionFailedError("PowerShell Direct: the VM refused the session"),
    ],
)
def test_a_guest_of_unknown_os_reports_both_attempts(
    windows_error: VmicError, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a guest OS from Data Exchange the guest is asked as Windows, then as Linux.
    def windows(executor: object, timeout: float | None) -> Guest | GuestUnreachable:
        raise windows_error

    def linux(executor: object, distribution: str | None, timeout: float | None) -> None:
        msg = "ssh: connection refused"
        raise ConnectionFailedError(msg)

    monkeypatch.setattr(targets, "_windows", windows)
    monkeypatch.setattr(targets, "_linux", linux)
    windows_words = str(windows_error)
    unknown = b.vm("app", guest_os=None)
    with pytest.raises(type(windows_error)) as caught:
        guest_observation(object(), unknown)  # type: ignore[arg-type]
    assert type(caught.value) is type(windows_error)
    assert vars(caught.value) == vars(windows_error)  # attributes kept (offset, target...)
    assert caught.value.__cause__ is windows_error
    assert str(caught.value) == f"{windows_words}; as a Linux guest: ssh: connection refused"
    target = HostTarget(
        name="hv01",
        observe=lambda: observed("hv01", unknown),
        observe_guest=lambda vm: guest_observation(object(), vm),  # type: ignore[arg-type]
    )
    assert observe_guest(target, unknown) == GuestUnreachable(
        reason=f"{windows_words}; as a Linux guest: ssh: connection refused"
    )


def test_guests_of_vms_that_are_off_are_not_asked() -> None:
    asked: list[str] = []
    host = observed("hv01", b.vm("on"), b.vm("off", state=VMState.OFF))

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        asked.append(vm.name)
        return b.windows_guest()

    audit([target("hv01", lambda: host, guests=guest)])
    assert asked == ["on"]


def test_one_vm_asks_only_its_guest_and_diagnoses_only_it() -> None:
    asked: list[str] = []
    hv01 = observed("hv01", b.vm("web01"), b.vm("db01"), b.vm("web01x"))
    hv02 = observed("hv02", b.vm("app"))

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        asked.append(vm.name)
        return b.windows_guest()

    report = audit(
        [target("hv01", lambda: hv01, guests=guest), target("hv02", lambda: hv02, guests=guest)],
        vm="web01",
    )
    assert asked == ["web01"]
    assert [
        [entry.vm for entry in result.diagnosis.vms]
        for result in report.results
        if result.diagnosis is not None
    ] == [["web01"], []]


def test_guests_still_pending_at_the_deadline_are_reported_unreachable(
    release: threading.Event,
) -> None:
    host = observed("hv01", b.vm("fast"), b.vm("slow"))

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        if vm.name == "slow":
            release.wait()
        return b.windows_guest()

    report = audit([target("hv01", lambda: host, guests=guest)], timeout=0.3, grace=0.05)
    (result,) = report.results
    assert result.status is HostStatus.OK  # the host side answered in time
    assert result.diagnosis is not None
    slow = result.diagnosis.vm("slow")
    fast = result.diagnosis.vm("fast")
    assert slow is not None
    assert fast is not None
    assert fast.findings == ()
    assert [f.cause for f in slow.findings] == [Cause.GUEST_UNREACHABLE]
    assert "stopped waiting" in slow.guest_detail


def counting_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads started from now on."""
    started: list[str] = []
    start = threading.Thread.start

    def counting(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting)
    return started


def test_a_worker_stuck_on_a_guest_it_asked_itself_is_left_behind_at_the_deadline(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One guest: the host's worker asks it itself. It hangs; the auditing thread reports the
    # host at its deadline (not its guard), with its own result and the guest unreachable.
    started = counting_starts(monkeypatch)
    host = observed("hv01", b.vm("slow"), b.vm("off", state=VMState.OFF))

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        release.wait()
        return b.windows_guest()

    report = audit(
        [target("hv01", lambda: host, guests=guest), target("hv02")],
        concurrency=1,
        timeout=0.3,
        grace=60,
    )
    first, second = report.results
    assert first.status is HostStatus.OK
    assert first.duration < 60  # reported at the deadline: the guard is a minute later
    assert first.diagnosis is not None
    slow = first.diagnosis.vm("slow")
    assert slow is not None
    assert [f.cause for f in slow.findings] == [Cause.GUEST_UNREACHABLE]
    assert slow.guest_detail == "the audit stopped waiting after 0.3s"
    assert second.status is HostStatus.OK  # asked by the worker started in the stuck one's place
    assert started.count("vmic-audit") == 2
    assert "vmic-audit-guest" not in started


def test_a_guest_a_helper_asks_that_hangs_leaves_the_worker_to_report_its_host(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker asks the first guest and waits in it until a pool thread has taken the
    # second, which hangs: the worker stops waiting at the deadline and reports the host.
    started = counting_starts(monkeypatch)
    host = observed("hv01", b.vm("first"), b.vm("hangs"), b.vm("unobserved"))
    taken = threading.Event()

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        if vm.name == "first":
            taken.wait(30)
            return b.windows_guest()
        if vm.name == "hangs":
            taken.set()
            release.wait()
        return None  # the third: left unobserved, not unreachable

    report = audit([target("hv01", lambda: host, guests=guest)], timeout=0.5, grace=60)
    (result,) = report.results
    assert taken.is_set()
    assert result.status is HostStatus.OK
    assert result.diagnosis is not None
    views = {vm.vm: vm.guest_view.value for vm in result.diagnosis.vms}
    assert views == {"first": "observed", "hangs": "unreachable", "unobserved": "not_observed"}
    assert started.count("vmic-audit") == 1  # no worker was left behind
    assert started.count("vmic-audit-guest") == 2  # a helper per guest beside the worker's


def test_the_audit_asks_at_most_four_guests_per_host_in_flight_at_once() -> None:
    # Five hosts at once, sixteen guests each (each host's own bound): twenty in the audit.
    hosts = [observed(f"hv{n}", *(b.vm(f"vm{i}") for i in range(16))) for n in range(5)]
    lock = threading.Condition()
    inside = most = 0
    reached = False

    def guest(vm: VM) -> Guest | GuestUnreachable | None:
        nonlocal inside, most, reached
        with lock:
            inside += 1
            most = max(most, inside)
            reached = reached or inside == 20
            lock.notify_all()
            # The first twenty wait for each other; fewer slots would never let them meet.
            lock.wait_for(lambda: reached, timeout=20)
            inside -= 1
        return b.windows_guest()

    report = audit(
        [target(host.name, lambda h=host: h, guests=guest) for host in hosts],  # type: ignore[misc]
        concurrency=5,
        timeout=60,
    )
    assert [r.status for r in report.results] == [HostStatus.OK] * 5
    assert most == 20
    assert all(
        vm.guest_view.value == "observed"
        for result in report.results
        if result.diagnosis is not None
        for vm in result.diagnosis.vms
    )


def test_progress_is_reported_once_per_host() -> None:
    seen: list[tuple[int, int, str]] = []
    audit(
        [target("a"), target("b", failing(ConnectionFailedError("down"))), target("c")],
        progress=lambda done, total, result: seen.append((done, total, result.host)),
    )
    assert [(done, total) for done, total, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(host for *_, host in seen) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": True}, "concurrency"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"grace": -0.5}, "grace"),
        ({"features": ["file_copy"]}, "not a vmic.rules._features.Feature"),
        ({"vm": ""}, "vm must be a VM's exact name"),
    ],
)
def test_options_are_checked(options: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        audit([target("a")], **options)  # type: ignore[arg-type]


def test_hosts_must_be_targets_or_executors() -> None:
    with pytest.raises(ConfigurationError, match="HostTarget objects or executors, not str"):
        audit(["hv01"])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="must be callable"):
        HostTarget(name="a", observe="not callable")  # type: ignore[arg-type]


# --- the report -----------------------------------------------------------------------------


@pytest.fixture
def mixed_report() -> AuditReport:
    broken = observed(
        "hv02",
        b.vm("app|1", overrides={S.SHUTDOWN: {"enabled": False}}),
        b.vm("db", guest_os="Ubuntu 22.04"),
    )
    return audit(
        [
            target("hv01"),
            target("hv02", lambda: broken),
            target("hv03", failing(AuthenticationFailedError("bad credentials for 'audit'"))),
        ]
    )


def test_json_report(mixed_report: AuditReport) -> None:
    data = json.loads(mixed_report.render("json"))
    assert data["summary"] == {
        **data["summary"],
        "hosts": 3,
        "audited": 2,
        "failed": 1,
        "vms": 3,
        "healthy_vms": 2,
        "findings": 1,
        "exit_status": 3,
    }
    assert [h["status"] for h in data["hosts"]] == ["ok", "ok", "authentication_failed"]
    assert data["hosts"][1]["diagnosis"]["vms"][0]["findings"][0]["cause"] == "disabled_on_host"
    assert [row["cause"] for row in data["findings"]] == ["disabled_on_host", "host_unreachable"]


def test_csv_report(mixed_report: AuditReport) -> None:
    rows = list(csv.DictReader(io.StringIO(mixed_report.render("csv"))))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["host"], r["vm"], r["service"], r["cause"]) for r in rows] == [
        ("hv02", "app|1", "shutdown", "disabled_on_host"),
        ("hv03", "", "", "host_unreachable"),
    ]
    assert rows[0]["fix"].startswith("[host] Hyper-V\\Get-VM -Id ")


def test_markdown_report(mixed_report: AuditReport) -> None:
    text = mixed_report.render("markdown")
    lines = text.splitlines()
    assert lines[0].startswith("**vmic audit**: 3 hosts (1 not audited), 3 VMs (2 healthy)")
    table = [line for line in lines if line.startswith("|")]
    # The columns in words (a person reads Markdown); the keys are the CSV's header.
    headers = [{"vm": "VM"}.get(c, c.replace("_", " ")) for c in COLUMNS]
    assert table[0] == "| " + " | ".join(headers) + " |"
    assert len(table) == 4  # header, rule, two rows
    assert "app\\|1" in table[2]  # a pipe in a name does not break the table


def test_text_report_and_empty_report(mixed_report: AuditReport) -> None:
    text = mixed_report.render("table")
    assert text.splitlines()[0] == mixed_report.headline()
    # Display words in text; the values are in JSON and CSV.
    assert "host unreachable" in text
    assert "disabled on host" in text
    assert "disabled_on_host" not in text
    assert "disabled_on_host" in mixed_report.render("csv")
    empty = audit([target("hv01")])
    assert "No findings" in empty.render("table")
    assert "No findings" in empty.render("markdown")
    with pytest.raises(ConfigurationError, match="unknown report format 'xml'"):
        empty.render("xml")


def test_html_report_escapes(mixed_report: AuditReport) -> None:
    hostile = observed("<b>hv</b>", b.vm("<img src=x>"))
    report = audit([target("<b>hv</b>", lambda: hostile)])
    html = report._repr_html_()
    assert "<img" not in html
    assert "&lt;b&gt;hv&lt;/b&gt;" in html
    mixed = mixed_report._repr_html_()
    assert "Hosts not audited" in mixed
    assert "bad credentials" in mixed


def test_unreachable_guest_result_keeps_the_reason() -> None:
    host = observed("hv01", b.vm("app"))
    report = audit(
        [target("hv01", lambda: host, guests=lambda vm: GuestUnreachable(reason="no route"))]
    )
    (finding,) = report.findings
    assert finding.cause is Cause.GUEST_UNREACHABLE
    assert "no route" in finding.explanation


def test_csv_report_keeps_a_formula_named_vm_as_text() -> None:
    # A VM named like a formula would run when the CSV is opened in a spreadsheet.
    name = '=HYPERLINK("http://example.test","x")'
    broken = observed("hv01", b.vm(name, overrides={S.SHUTDOWN: {"enabled": False}}))
    report = audit([target("hv01", observe=lambda: broken)])
    (row,) = csv.DictReader(io.StringIO(report.render("csv")))
    assert row["vm"] == "'" + name
    assert row["host"] == "hv01"
    assert json.loads(report.render("json"))["findings"][0]["vm"] == name


def test_the_guests_of_many_hosts_are_asked_by_a_few_threads_kept_for_the_audit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A thread started and joined per guest cost more CPU than reading its answer: one
    # host at a time with two guests each needs one guest thread (the host's worker asks
    # the other guest itself), whatever the hosts.
    started = counting_starts(monkeypatch)

    def answering(host: Host) -> Callable[[], Host]:
        return lambda: host

    hosts = [observed(f"hv{n:02d}", b.vm("web"), b.vm("db")) for n in range(20)]
    report = audit(
        [
            target(host.name, answering(host), guests=lambda _vm: b.windows_guest())
            for host in hosts
        ],
        concurrency=1,
    )
    assert [r.status for r in report.results] == [HostStatus.OK] * 20
    for result in report.results:
        assert result.diagnosis is not None
        assert {vm.guest_view.value for vm in result.diagnosis.vms} == {"observed"}
    assert started.count("vmic-audit-guest") == 1


def test_an_audit_leaves_no_garbage_for_the_collector() -> None:
    # The runner, its hosts and the guests they asked are freed as soon as nothing holds
    # the report: none of them is kept in a reference cycle only a collector's pass frees
    # (which, for a fleet, is a pass over tens of thousands of objects in a later audit).
    asked: list[weakref.ref[Guest]] = []

    def guest(_vm: VM) -> Guest:
        answer = b.windows_guest()
        asked.append(weakref.ref(answer))
        return answer

    def answering(host: Host) -> Callable[[], Host]:
        return lambda: host

    hosts = [observed(f"hv{n}", b.vm("first"), b.vm("second")) for n in range(3)]
    before = set(threading.enumerate())
    enabled = gc.isenabled()
    gc.disable()
    try:
        report = audit(
            [target(host.name, answering(host), guests=guest) for host in hosts], concurrency=2
        )
        assert report.results[0].diagnosis is not None
        diagnosis = weakref.ref(report.results[0].diagnosis)
        for thread in set(threading.enumerate()) - before:
            thread.join(10)  # the pool's threads end once the audit has stopped the pool
        del report
        assert diagnosis() is None
        assert len(asked) == 6
        assert [ref() for ref in asked] == [None] * 6
    finally:
        if enabled:
            gc.enable()
