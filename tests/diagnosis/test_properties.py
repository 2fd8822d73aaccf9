"""Properties of the diagnosis over generated observations.

- A VM built healthy (defaults on the host, every guest side running) has no finding,
  whatever the host and guest operating systems.
- On any observation, every service that is not functioning or degraded is explained by
  a finding with a fix, and the report serializes.
- Fix commands keep any VM name one PowerShell string literal, even a name that holds the
  plans' VM placeholder.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import attrs
from hypothesis import given, settings, strategies as st

from tests import _diagnosis_builders as b
from tests.executors.hostile import hostile_names
from tests.executors.psgrammar import decoded_literals, parse
from vmic import HOSTS, IntegrationService, OperatingSystem, OperationalStatus, strategies as vst
from vmic.diagnosis import (
    Diagnosis,
    Verdict,
    VMDiagnosis,
    _engine,
    _evidence,
    diagnose,
    diagnose_vm,
)
from vmic.diagnosis._fixes import plan_fixes, vm_selection
from vmic.model._guest import Guest, GuestUnreachable
from vmic.model._linux_records import ModuleStatus, UnitFileState
from vmic.model._records import IntegrationServicesState, VMState
from vmic.model._services import GuestOnlyService
from vmic.rules._causes import Cause
from vmic.rules._features import Feature
from vmic.rules._plans import plan_update

if TYPE_CHECKING:
    from vmic.model._host import VM, Host

DISTRIBUTIONS = ("ubuntu", "debian", "rhel", "arch", "suse")
_VM_WIDE = {Cause.KERNEL_DRIVER_MISSING, Cause.INTEGRATION_SERVICES_OUTDATED}


def host_systems() -> st.SearchStrategy[OperatingSystem | None]:
    return st.one_of(st.none(), st.sampled_from(HOSTS).map(OperatingSystem))


def healthy_guest(guest_os: OperatingSystem) -> Guest:
    if guest_os.is_linux:
        return b.linux_guest(guest_os.distribution or "debian")
    return b.windows_guest(product=guest_os)


@settings(max_examples=300)
@given(
    guest_os=vst.guest_operating_systems(),
    host_os=host_systems(),
    name=st.text(min_size=1, max_size=20),
)
def test_a_vm_built_healthy_has_no_finding(
    guest_os: OperatingSystem, host_os: OperatingSystem | None, name: str
) -> None:
    vm = diagnose_vm(
        b.with_guest(b.vm(name, guest_os=guest_os), healthy_guest(guest_os)),
        host=b.HOST,
        host_os=host_os,
    )
    assert vm.findings == ()
    assert all(
        entry.verdict in {Verdict.FUNCTIONING, Verdict.OFF_BY_DEFAULT, Verdict.NOT_AVAILABLE}
        for entry in vm.services
    )
    assert vm.broken_features == ()


@st.composite
def observations(draw: st.DrawFn) -> tuple[VM, Guest | GuestUnreachable | None]:
    guest_os = draw(st.one_of(st.none(), vst.guest_operating_systems()))
    overrides: dict[IntegrationService, dict[str, object]] = {}
    for service in IntegrationService:
        options: dict[str, object] = {}
        if draw(st.booleans()):
            options["enabled"] = draw(st.booleans())
        if draw(st.booleans()):
            options["primary"] = draw(vst.operational_statuses())
        if draw(st.booleans()):
            options["secondary"] = draw(st.one_of(st.none(), vst.operational_statuses()))
        overrides[service] = options
    state = draw(st.sampled_from([VMState.RUNNING, VMState.RUNNING, VMState.OFF, VMState.SAVED]))
    is_state = draw(st.sampled_from(IntegrationServicesState))
    observation = b.vm("vm", guest_os=guest_os, state=state, is_state=is_state, overrides=overrides)
    kind = draw(st.sampled_from(["none", "unreachable", "windows", "linux"]))
    guest: Guest | GuestUnreachable | None = None
    if kind == "unreachable":
        guest = GuestUnreachable(reason=draw(st.text(max_size=30)))
    elif kind == "linux" or (kind == "windows" and guest_os is not None and guest_os.is_linux):
        services = st.sampled_from(b.DAEMON_SERVICES)
        guest = b.linux_guest(
            draw(st.sampled_from(DISTRIBUTIONS)),
            hv_utils=draw(st.sampled_from(ModuleStatus)),
            running=draw(st.dictionaries(services, st.booleans())),
            installed=draw(st.dictionaries(services, st.booleans())),
            unit_states=draw(st.dictionaries(services, st.sampled_from(UnitFileState))),
        )
    elif kind == "windows":
        names = [s.info.windows_service for s in (*IntegrationService, *GuestOnlyService)]
        guest = b.windows_guest(
            product=guest_os,
            statuses=draw(st.dictionaries(st.sampled_from(names), vst.windows_service_statuses())),
            start_types=draw(st.dictionaries(st.sampled_from(names), vst.start_types())),
            missing=tuple(draw(st.lists(st.sampled_from(names), max_size=3))),
        )
    return observation, guest


def _explained(vm: VMDiagnosis) -> None:
    for entry in vm.services:
        if entry.verdict is Verdict.FUNCTIONING:
            assert entry.causes == ()
        if entry.verdict not in {Verdict.NOT_FUNCTIONING, Verdict.DEGRADED}:
            continue
        if isinstance(entry.service, GuestOnlyService):
            continue  # findings only when asked for (see the next test)
        assert entry.causes, entry
        for cause in entry.causes:
            assert any(
                finding.cause is cause
                and finding.service is (None if cause in _VM_WIDE else entry.service)
                for finding in vm.findings
            ), (entry, vm.findings)


@settings(max_examples=400)
@given(
    case=observations(),
    host_os=host_systems(),
    features=st.frozensets(st.sampled_from(Feature)),
)
def test_every_problem_is_explained_with_a_fix(
    case: tuple[VM, Guest | GuestUnreachable | None],
    host_os: OperatingSystem | None,
    features: frozenset[Feature],
) -> None:
    observation, guest = case
    vm = diagnose_vm(
        b.with_guest(observation, guest), host=b.HOST, host_os=host_os, features=features
    )
    _explained(vm)
    for finding in vm.findings:
        assert finding.vm == "vm"
        assert finding.host == b.HOST
        assert finding.fixes, finding
        assert finding.explanation
    if (
        OperationalStatus.PROTOCOL_MISMATCH
        in {c.secondary_status for c in observation.services if c.enabled}
        and observation.state is VMState.RUNNING
        and not isinstance(guest, GuestUnreachable)
    ):
        assert any(f.cause is Cause.INTEGRATION_SERVICES_OUTDATED for f in vm.findings)
    data = json.loads(json.dumps(vm.to_dict()))
    assert data["healthy"] is vm.healthy
    assert len(data["findings"]) == len(vm.findings)


@settings(max_examples=100)
@given(host=vst.hosts(), wanted=st.frozensets(vst.features()))
def test_any_host_is_diagnosed_and_every_finding_names_one_of_its_vms(
    host: Host, wanted: frozenset[Feature]
) -> None:
    # Consistent hosts as vmic.strategies draws them: each running VM with a guest of its
    # own OS, an unreachable one, or none; names now and then shared by two VMs.
    diagnosis = diagnose(host, features=wanted)
    assert [(vm.vm, vm.vm_id) for vm in diagnosis.vms] == [(vm.name, vm.id) for vm in host.vms]
    names = {vm.name for vm in host.vms}
    for vm, machine in zip(diagnosis.vms, host.vms, strict=True):
        _explained(vm)
        observed = machine.running and isinstance(machine.guest, Guest)
        assert (vm.guest_view.value == "observed") is observed
        for finding in vm.findings:
            assert finding.host == host.name
            assert finding.vm in names
            assert finding.vm == machine.name
            assert finding.fixes, finding
    json.dumps(diagnosis.to_dict())


@settings(max_examples=100)
@given(host=vst.hosts(), wanted=st.frozensets(vst.features()))
def test_the_engines_shortcuts_change_nothing(host: Host, wanted: frozenset[Feature]) -> None:
    # The engine works each distinct service verdict out once (notes included) and builds
    # its VM diagnoses without re-running the validators: worked out afresh, and built
    # through the validating constructor, each is the same.
    warm = diagnose(host, features=wanted)
    for cache in (
        _engine._host_visible_verdict,
        _engine._feature_entries,
        _engine._systems,
        _evidence._kernel_evidence,
    ):
        cache.cache_clear()
    fresh = diagnose(host, features=wanted)
    assert warm == fresh
    assert diagnose(host, features=wanted) == fresh  # the notes are not lost on a hit
    assert Diagnosis(**{f.name: getattr(fresh, f.name) for f in attrs.fields(Diagnosis)}) == fresh
    for vm in fresh.vms:
        assert VMDiagnosis(**{f.name: getattr(vm, f.name) for f in attrs.fields(VMDiagnosis)}) == vm
        for entry in vm.services:
            if entry.verdict is Verdict.OFF_BY_DEFAULT and isinstance(
                entry.service, IntegrationService
            ):
                assert any(note.startswith(entry.service.english_name) for note in vm.notes)


@settings(max_examples=150)
@given(case=observations())
def test_asking_for_every_feature_never_hides_a_finding(
    case: tuple[VM, Guest | GuestUnreachable | None],
) -> None:
    observation, guest = case
    plain = diagnose_vm(b.with_guest(observation, guest), host=b.HOST, host_os=b.HOST_OS)
    asked = diagnose_vm(
        b.with_guest(observation, guest), host=b.HOST, host_os=b.HOST_OS, features=Feature
    )
    plain_causes = {(f.service, f.cause) for f in plain.findings}
    asked_causes = {(f.service, f.cause) for f in asked.findings}
    assert plain_causes <= asked_causes


@settings(max_examples=500)
@given(name=hostile_names())
def test_fix_commands_keep_any_vm_name_one_literal(name: str) -> None:
    def command(vm: str) -> str:
        return f"{vm_selection(vm, None)} | Hyper-V\\Start-VM"

    parsed, reference = parse(command(name)), parse(command("x"))
    assert not reference.has_error
    assert not parsed.has_error
    assert parsed.shape == reference.shape
    assert decoded_literals(parsed)[decoded_literals(reference).index("x")] == name


# A name that holds the plans' VM placeholder must not be read as one (issue 9, defect 7).
_PLACEHOLDER_NAMES = st.one_of(
    st.sampled_from(["x'<VMName>'y", "'<VMName>'", "-Name '<VMName>'", "<VMName>", "''<VMName>''"]),
    st.tuples(hostile_names(), hostile_names()).map(lambda p: f"{p[0]}'<VMName>'{p[1]}"),
)


@settings(max_examples=200)
@given(name=_PLACEHOLDER_NAMES | hostile_names())
def test_plan_fix_commands_select_exactly_the_named_vm(name: str) -> None:
    # An offline-servicing plan stops the VM with "Stop-VM -Name '<VMName>'".
    plan = plan_update(
        "Windows Server 2012 R2", "Windows 7", vm_running=False, data_exchange_enabled=True
    )
    for named, reference in zip(
        plan_fixes(plan, name, None), plan_fixes(plan, "x", None), strict=True
    ):
        for command, expected in zip(named.commands, reference.commands, strict=True):
            parsed, parsed_reference = parse(command), parse(expected)
            assert not parsed.has_error
            assert parsed.shape == parsed_reference.shape
            literals, reference_literals = (
                decoded_literals(parsed),
                decoded_literals(parsed_reference),
            )
            assert [v == "x" for v in reference_literals].count(True) <= 1
            for value, reference_value in zip(literals, reference_literals, strict=True):
                assert value == (name if reference_value == "x" else reference_value)


def test_a_name_no_literal_can_carry_is_read_from_the_vm_by_its_id() -> None:
    # A name with NUL cannot be quoted; with the host's VM id, the fix reads it from the VM.
    plan = plan_update("Windows 8", "Windows 7", vm_running=True, data_exchange_enabled=True)
    vm_id = "E3E70682-C209-4CAC-629F-6FBED82C07CD"
    commands = [c for fix in plan_fixes(plan, "a\x00b", vm_id) for c in fix.commands]
    assert commands
    assert all("\x00" not in command for command in commands)
    named = [c for c in commands if vm_id in c]
    assert named
    assert all(not parse(c).has_error for c in named)
