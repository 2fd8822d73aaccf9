"""Properties of the clients over the simulated host, for generated estates and operations."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from vmic import IntegrationService, OperationalStatus, WindowsServiceStatus
from vmic.clients import HyperVHost, WindowsGuest
from vmic.model._locales import LOCALES
from vmic.testing import FakeHyperVHost

SERVICES = list(IntegrationService)
GUESTS = (
    "Windows Server 2019",
    "Windows Server 2008 R2",
    "Windows 10",
    "Ubuntu 22.04",
    "Red Hat Enterprise Linux 9",
    "Debian 12",
)
# Names as Hyper-V allows them: any text but NUL (quotes, wildcards, line separators...).
names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=20,
)


@st.composite
def estates(draw: st.DrawFn) -> FakeHyperVHost:
    host = FakeHyperVHost(
        "HV01",
        locale=draw(st.sampled_from(LOCALES)),
        powershell=draw(st.sampled_from(("5.1", "7"))),
    )
    for name in draw(st.lists(names, max_size=6, unique=True)):
        host.add_vm(
            name,
            draw(st.sampled_from(GUESTS)),
            enabled=draw(st.sets(st.sampled_from(SERVICES))),
            running=draw(st.booleans()),
        )
    return host


@settings(max_examples=60)
@given(lab=estates())
def test_one_round_trip_reads_every_vm_as_the_host_holds_it(lab: FakeHyperVHost) -> None:
    observation = HyperVHost(lab).observe()
    assert len(lab.commands) == 1
    assert [vm.name for vm in observation.vms] == [vm.name for vm in lab.vms]
    for entry, fake in zip(observation.vms, lab.vms, strict=True):
        assert entry.id == str(fake.id).upper()
        for service in SERVICES:
            component = entry.service(service)
            assert component is not None
            assert component.enabled is bool(fake.integration.state(service).host_enabled)
            assert (component.primary_status is None) is (not fake.running)


@settings(max_examples=60)
@given(
    lab=estates(),
    desired=st.dictionaries(st.sampled_from(SERVICES), st.booleans(), min_size=1),
    data=st.data(),
)
def test_apply_reaches_the_desired_state_and_is_then_idempotent(
    lab: FakeHyperVHost, desired: dict[IntegrationService, bool], data: st.DataObject
) -> None:
    if not lab.vms:
        return
    target = data.draw(st.sampled_from(lab.vms))
    others = {vm.id: vm.integration for vm in lab.vms if vm is not target}
    before = {s: bool(target.integration.state(s).host_enabled) for s in SERVICES}
    client = HyperVHost(lab)
    planned = client.apply(target.name, desired, check=True)
    changes = client.apply(target.name, desired)
    assert changes == planned
    assert {c.service for c in changes} == {s for s, on in desired.items() if before[s] != on}
    assert sum(c.mutating for c in lab.commands) == (1 if changes else 0)
    for service, on in desired.items():
        assert target.integration.state(service).host_enabled is on
    for vm in lab.vms:
        if vm is not target:
            assert vm.integration == others[vm.id]
    lab.commands.clear()
    assert client.apply(target.name, desired) == ()
    assert not any(c.mutating for c in lab.commands)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(("enable", "disable", "start", "stop", "settle")),
        st.sampled_from(SERVICES),
    ),
    max_size=12,
)


@settings(max_examples=60)
@given(operations=OPERATIONS)
def test_host_and_guest_views_agree(operations: list[tuple[str, IntegrationService]]) -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("vm", "Windows Server 2019")
    host = HyperVHost(lab)
    guest = WindowsGuest(lab.guest_executor("vm"))
    for action, service in operations:
        if action == "enable":
            host.enable("vm", service)
        elif action == "disable":
            host.disable("vm", service)
        elif action == "start":
            guest.start(service)
        elif action == "stop":
            guest.stop(service)
        else:
            lab.settle()
    (entry,) = host.integration_services("vm")
    services = guest.services()
    for service in SERVICES:
        component = entry.service(service)
        assert component is not None
        record = next(r for r in services if r.service is service)
        running = record.status is WindowsServiceStatus.RUNNING
        if component.enabled:
            assert (component.primary_status is OperationalStatus.OK) is running
        else:
            assert component.primary_status is OperationalStatus.OK
    lab.settle()
    settled = {r.service: r.status for r in guest.services()}
    for service in SERVICES:
        component = next(
            c for c in host.integration_services("vm")[0].services if c.service is service
        )
        expected = (
            WindowsServiceStatus.RUNNING if component.enabled else WindowsServiceStatus.STOPPED
        )
        assert settled[service] is expected
