"""Faults injected into simulated hosts and guests stay with them; every other result is intact.

The acceptance check of the issue: timeouts, refused connections, garbage output and
authentication failures on some hosts leave every other host's result as it would be
alone, and the report names each failure.
"""

from __future__ import annotations

import json

import pytest

from vmic.fleet import HostStatus, HostTarget, audit
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost, Fault


def fleet(count: int) -> list[FakeHyperVHost]:
    hosts = []
    for index in range(count):
        host = FakeHyperVHost(f"HV{index:02d}")
        host.add_vm("web", "Windows Server 2019")
        host.add_vm("db", "Ubuntu 22.04")
        if index % 3 == 0:
            host.add_vm("legacy", "Windows 7").disable_on_host("Key-Value Pair Exchange")
        host.settle()
        hosts.append(host)
    return hosts


def with_guests(host: FakeHyperVHost) -> HostTarget:
    return HostTarget.for_executor(
        host, name=host.name, guests=lambda vm: host.guest_executor(vm.name)
    )


FAULTS = {
    "HV01": (Fault.timeout(), HostStatus.TIMED_OUT),
    "HV04": (Fault.refused(), HostStatus.UNREACHABLE),
    "HV07": (Fault.garbage(), HostStatus.BAD_OUTPUT),
    "HV10": (Fault.authentication(), HostStatus.AUTHENTICATION_FAILED),
}


def test_faulty_hosts_are_named_and_the_others_are_intact() -> None:
    clean = audit([with_guests(h) for h in fleet(12)], concurrency=4, timeout=30)
    assert clean.exit_status == 1  # the Windows 7 guests need Data Exchange
    hosts = fleet(12)
    for host in hosts:
        if host.name in FAULTS:
            host.fault = FAULTS[host.name][0]
    faulty = audit([with_guests(h) for h in hosts], concurrency=4, timeout=30)
    assert faulty.exit_status == 3
    assert [r.host for r in faulty.results] == [r.host for r in clean.results]
    for before, after in zip(clean.results, faulty.results, strict=True):
        if after.host in FAULTS:
            assert after.status is FAULTS[after.host][1]
            assert after.diagnosis is None
            assert after.error
        else:
            assert after.status is HostStatus.OK
            assert after.diagnosis == before.diagnosis
    data = json.loads(faulty.render("json"))
    failed = {row["host"]: row for row in data["findings"] if row["cause"] == "host_unreachable"}
    assert set(failed) == set(FAULTS)
    for name, (_, status) in FAULTS.items():
        assert failed[name]["host_status"] == status.value
        assert failed[name]["explanation"]
    text = faulty.render("table")
    for name in FAULTS:
        assert name in text


def test_a_fault_that_passes_is_only_a_late_answer() -> None:
    hosts = fleet(2)
    hosts[0].fault = Fault.refused(times=1)
    first = audit(hosts, timeout=30)
    assert [r.status for r in first.results] == [HostStatus.UNREACHABLE, HostStatus.OK]
    second = audit(hosts, timeout=30)
    assert [r.status for r in second.results] == [HostStatus.OK, HostStatus.OK]


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault.refused(), "connection refused"),
        (Fault.authentication(), "refused the credentials"),
        (Fault.timeout(), "timed out"),
        (Fault.garbage(), "output"),
    ],
)
def test_guest_faults_make_only_that_guest_unreachable(fault: Fault, words: str) -> None:
    (host,) = fleet(1)
    host.vm("db").guest_fault = fault
    report = audit([with_guests(host)], timeout=30)
    (result,) = report.results
    assert result.status is HostStatus.OK
    assert result.diagnosis is not None
    db = result.diagnosis.vm("db")
    web = result.diagnosis.vm("web")
    assert db is not None
    assert web is not None
    assert [f.cause for f in db.findings] == [Cause.GUEST_UNREACHABLE]
    assert words in db.guest_detail  # the guest's own error, not a stand-in
    assert words in db.findings[0].explanation
    assert web.findings == ()
    assert web.guest_view.value == "observed"


def test_slow_hosts_hit_the_audit_deadline_and_free_their_slot() -> None:
    hosts = fleet(4)
    hosts[0].latency = 5.0  # far beyond the deadline below
    report = audit(hosts, concurrency=1, timeout=0.5, grace=0.1)
    assert report.results[0].status is HostStatus.TIMED_OUT
    assert [r.status for r in report.results[1:]] == [HostStatus.OK] * 3
