"""Model-based test of vmic.rules._semantics: random transitions against a small oracle.

The oracle below is written independently of the library, straight from the rules in
docs/semantics.md, in a different shape (mutable records, string states). After every
step the library's VMIntegration must agree with it field by field, and a few global
invariants must hold. Bounded so it runs in seconds in CI.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Final

from hypothesis import given, settings, strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from vmic import (
    GuestOnlyService,
    IntegrationService,
    InvalidTransitionError,
    OperatingSystem,
    StartType,
)
from vmic.model._linux import DAEMON_SERVICES, KERNEL_SERVICES, packaging_for
from vmic.rules._semantics import (
    TRACKED_SERVICES,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    Reaction,
    Reason,
    Service,
    ServiceState,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)
from vmic.strategies import guest_operating_systems, service_states, vm_integrations

if TYPE_CHECKING:
    from collections.abc import Callable

_DISTRIBUTIONS: Final = (None, "debian", "ubuntu", "rhel", "arch", "suse")


def reachable_service_states() -> st.SearchStrategy[ServiceState]:
    """Per-service states that some reachable VM holds."""
    return st.tuples(vm_integrations(), st.sampled_from(TRACKED_SERVICES)).map(
        lambda pair: pair[0].state(pair[1])
    )


# --- the oracle ------------------------------------------------------------------------------


@dataclasses.dataclass
class Slot:
    """One service in the oracle: ``kind`` is win, kernel, daemon or absent."""

    kind: str
    host: bool | None
    proc: str = "none"  # "none" (not installed), "off", "on"; unused for kernel/absent
    start: StartType = StartType.MANUAL
    unit: UnitState = UnitState.NO_UNIT


class Oracle:
    """The rules of docs/semantics.md, restated without the library's code."""

    def __init__(
        self,
        guest_os: OperatingSystem,
        enabled: set[IntegrationService] | None,
        installed: bool,
        driver: KernelDriver | None,
    ) -> None:
        self.os = guest_os
        self.driver = (driver or KernelDriver.LOADED) if guest_os.is_linux else None
        on = (
            enabled
            if enabled is not None
            else set(IntegrationService) - {IntegrationService.GUEST_SERVICE_INTERFACE}
        )
        self.slots: dict[Service, Slot] = {}
        for service in TRACKED_SERVICES:
            host = (service in on) if isinstance(service, IntegrationService) else None
            if not service.is_available_on(guest_os.product):
                kind = "absent"
            elif guest_os.is_windows:
                kind = "win"
            else:
                kind = "kernel" if service in KERNEL_SERVICES else "daemon"
            self.slots[service] = Slot(kind=kind, host=host)
        if installed:
            self.install(None)

    def clone(self) -> Oracle:
        twin = copy.copy(self)
        twin.slots = {service: copy.copy(slot) for service, slot in self.slots.items()}
        return twin

    # helpers
    def driver_ok(self) -> bool:
        return self.driver in {KernelDriver.LOADED, KernelDriver.BUILT_IN}

    def device_starts(self, slot: Slot) -> None:
        """Host enabled / driver up: the guest starts what is allowed to start."""
        if slot.kind == "win" and slot.proc == "off" and slot.start != StartType.DISABLED:
            slot.proc = "on"
        if (
            slot.kind == "daemon"
            and slot.proc == "off"
            and slot.unit == UnitState.ENABLED
            and self.driver_ok()
        ):
            slot.proc = "on"

    def pending(self, slot: Slot) -> Reaction | None:
        restartable = slot.proc == "off" and slot.start != StartType.DISABLED
        if slot.kind == "win" and slot.host is True and restartable:
            return Reaction.RESTART
        if slot.kind == "win" and slot.host is False and slot.proc == "on":
            return Reaction.STOP
        channel_gone = not slot.host or not self.driver_ok()
        if slot.kind == "daemon" and slot.proc == "on" and channel_gone:
            return Reaction.STOP
        return None

    def functioning(self, slot: Slot) -> bool:
        if slot.host is False or slot.kind == "absent":
            return False
        if slot.kind == "kernel":
            return self.driver_ok()
        if slot.kind == "daemon" and not self.driver_ok():
            return False
        return slot.proc == "on"

    def reasons(self, slot: Slot) -> set[Reason]:
        found: set[Reason] = set()
        if slot.host is False:
            found.add(Reason.DISABLED_ON_HOST)
        if slot.kind == "absent":
            found.add(Reason.NOT_AVAILABLE_ON_GUEST_OS)
        if slot.kind in {"kernel", "daemon"} and not self.driver_ok():
            found.add(Reason.KERNEL_DRIVER_MISSING)
        if slot.kind == "win":
            if slot.proc == "none":
                found.add(Reason.NOT_INSTALLED_IN_GUEST)
            if slot.proc == "off":
                found.add(Reason.NOT_RUNNING_IN_GUEST)
                if slot.start == StartType.DISABLED:
                    found.add(Reason.STARTUP_DISABLED_IN_GUEST)
        if slot.kind == "daemon":
            if slot.proc == "none":
                found.add(Reason.DAEMON_NOT_INSTALLED)
            if slot.proc == "off":
                found.add(Reason.DAEMON_NOT_RUNNING)
        pending = self.pending(slot)
        if pending is Reaction.RESTART:
            found.add(Reason.PENDING_RESTART)
        if pending is Reaction.STOP:
            found.add(Reason.PENDING_STOP)
        return found

    # transitions: return False when the library must refuse
    def enable(self, service: Service) -> bool:
        slot = self.slots[service]
        if slot.host is None:
            return False
        if slot.host is False:
            slot.host = True
            self.device_starts(slot)
        return True

    def disable(self, service: Service) -> bool:
        slot = self.slots[service]
        if slot.host is None:
            return False
        if slot.host is True:
            slot.host = False
            if slot.proc == "on":
                slot.proc = "off"
        return True

    def _has_process(self, slot: Slot) -> bool:
        return slot.kind in {"win", "daemon"} and slot.proc != "none"

    def start_in_guest(self, service: Service) -> bool:
        slot = self.slots[service]
        if not self._has_process(slot):
            return False
        if slot.proc == "on":
            return True
        if slot.kind == "win" and slot.start == StartType.DISABLED:
            return False
        slot.proc = "on"
        return True

    def stop_in_guest(self, service: Service) -> bool:
        slot = self.slots[service]
        if not self._has_process(slot):
            return False
        slot.proc = "off"
        return True

    def set_start_type(self, service: Service, start: StartType) -> bool:
        slot = self.slots[service]
        if slot.kind != "win" or slot.proc == "none":
            return False
        if start in {StartType.BOOT, StartType.SYSTEM}:
            return False
        slot.start = start
        return True

    def set_unit_state(self, service: Service, unit: UnitState) -> bool:
        slot = self.slots[service]
        if slot.kind != "daemon" or slot.proc == "none":
            return False
        slot.unit = unit
        return True

    def install(self, service: Service | None) -> bool:
        targets = [service] if service is not None else list(self.slots)
        if service is not None and self.slots[service].kind not in {"win", "daemon"}:
            return False
        for target in targets:
            slot = self.slots[target]
            if slot.kind not in {"win", "daemon"} or slot.proc != "none":
                continue
            slot.proc = "off"
            if slot.kind == "win":
                slot.start = StartType.MANUAL
                if slot.host is not False:
                    slot.proc = "on"
            else:
                assert isinstance(target, IntegrationService)
                shipped = packaging_for(self.os.distribution).unit_for(target) is not None
                slot.unit = UnitState.ENABLED if shipped else UnitState.NO_UNIT
                if slot.host:
                    self.device_starts(slot)
        return True

    def uninstall(self, service: Service | None) -> bool:
        targets = [service] if service is not None else list(self.slots)
        if service is not None and self.slots[service].kind not in {"win", "daemon"}:
            return False
        for target in targets:
            slot = self.slots[target]
            if slot.kind in {"win", "daemon"}:
                slot.proc = "none"
                if slot.kind == "daemon":
                    slot.unit = UnitState.NO_UNIT
        return True

    def load_driver(self) -> bool:
        if self.driver is None:
            return False
        if self.driver is KernelDriver.NOT_LOADED:
            self.driver = KernelDriver.LOADED
            for slot in self.slots.values():
                if slot.host:
                    self.device_starts(slot)
        return True

    def unload_driver(self) -> bool:
        if self.driver is None or self.driver is KernelDriver.BUILT_IN:
            return False
        if self.driver is KernelDriver.NOT_LOADED:
            return True
        self.driver = KernelDriver.NOT_LOADED
        for slot in self.slots.values():
            if slot.kind == "daemon" and slot.proc == "on":
                slot.proc = "off"
        return True

    def settle(self) -> bool:
        for slot in self.slots.values():
            pending = self.pending(slot)
            if pending is Reaction.RESTART:
                slot.proc = "on"
            elif pending is Reaction.STOP:
                slot.proc = "off"
        return True


# --- comparing the library with the oracle ---------------------------------------------------


def assert_agrees(vm: VMIntegration, oracle: Oracle) -> None:
    """Field by field, the library's VM matches the oracle's records."""
    assert vm.kernel_driver == oracle.driver
    for state in vm.states:
        slot = oracle.slots[state.service]
        context = (state, slot)
        assert state.host_enabled == slot.host, context
        assert state.available == (slot.kind != "absent"), context
        if slot.kind in {"win", "daemon"}:
            assert state.installed == (slot.proc != "none"), context
        else:
            kernel_up = slot.kind == "kernel" and oracle.driver_ok()
            assert state.installed == kernel_up, context
        guest = state.guest
        if isinstance(guest, WindowsGuestService):
            assert slot.kind == "win", context
            assert state.running == (slot.proc == "on"), context
            assert guest.start_type == slot.start, context
        elif isinstance(guest, LinuxDaemonService):
            assert slot.kind == "daemon", context
            assert state.running == (slot.proc == "on"), context
            assert guest.unit == slot.unit, context
            assert guest.driver == oracle.driver, context
        elif isinstance(guest, LinuxKernelService):
            assert slot.kind == "kernel", context
            assert guest.driver == oracle.driver, context
        else:
            assert slot.kind == "absent", context
        assert state.pending == oracle.pending(slot), context
        assert state.functioning == oracle.functioning(slot), context
        assert set(state.reasons) == oracle.reasons(slot), context


def check_disabled_start_type_never_starts(before: VMIntegration, after: VMIntegration) -> None:
    """A stopped Windows service whose startup type stays Disabled is never started."""
    for old, new in zip(before.states, after.states, strict=True):
        if not (
            isinstance(old.guest, WindowsGuestService)
            and isinstance(new.guest, WindowsGuestService)
        ):
            continue
        stays_disabled = StartType.DISABLED is old.guest.start_type is new.guest.start_type
        if stays_disabled and not old.running and old.installed:
            assert not new.running, (old, new)


@dataclasses.dataclass(frozen=True)
class Transition:
    """One transition, as the library and as the oracle perform it."""

    name: str
    library: Callable[[VMIntegration, Service], VMIntegration]
    oracle: Callable[[Oracle, Service], bool]

    def __repr__(self) -> str:
        return self.name

    def check(self, vm: VMIntegration, oracle: Oracle, service: Service) -> VMIntegration:
        """Apply to both (the oracle in place); assert they agree; return the new VM."""
        allowed = self.oracle(oracle, service)
        try:
            after = self.library(vm, service)
        except InvalidTransitionError:
            assert not allowed, f"{self.name}({service!r}) refused, but the rules allow it"
            return vm
        assert allowed, f"{self.name}({service!r}) accepted, but the rules refuse it"
        check_disabled_start_type_never_starts(vm, after)
        assert_agrees(after, oracle)
        return after


def _set_start_type(start_type: StartType) -> Transition:
    return Transition(
        f"set_start_type[{start_type.value}]",
        lambda vm, s: vm.set_start_type(s, start_type),
        lambda o, s: o.set_start_type(s, start_type),
    )


def _set_unit_state(unit: UnitState) -> Transition:
    return Transition(
        f"set_unit_state[{unit.value}]",
        lambda vm, s: vm.set_unit_state(s, unit),
        lambda o, s: o.set_unit_state(s, unit),
    )


TRANSITIONS: Final = (
    Transition("enable", VMIntegration.enable, Oracle.enable),
    Transition("disable", VMIntegration.disable, Oracle.disable),
    Transition("start_in_guest", VMIntegration.start_in_guest, Oracle.start_in_guest),
    Transition("stop_in_guest", VMIntegration.stop_in_guest, Oracle.stop_in_guest),
    *(_set_start_type(start_type) for start_type in StartType),
    *(_set_unit_state(unit) for unit in UnitState),
    Transition("install_in_guest", VMIntegration.install_in_guest, Oracle.install),
    Transition("install_all", lambda vm, _s: vm.install_in_guest(), lambda o, _s: o.install(None)),
    Transition("uninstall_in_guest", VMIntegration.uninstall_in_guest, Oracle.uninstall),
    Transition(
        "uninstall_all", lambda vm, _s: vm.uninstall_in_guest(), lambda o, _s: o.uninstall(None)
    ),
    Transition(
        "load_kernel_driver", lambda vm, _s: vm.load_kernel_driver(), lambda o, _s: o.load_driver()
    ),
    Transition(
        "unload_kernel_driver",
        lambda vm, _s: vm.unload_kernel_driver(),
        lambda o, _s: o.unload_driver(),
    ),
    Transition("settle", lambda vm, _s: vm.settle(), lambda o, _s: o.settle()),
)


# --- the state machine -----------------------------------------------------------------------


class SemanticsMachine(RuleBasedStateMachine):
    """Random transitions over random guests, checked against the oracle after each step.

    Each run acts on one or two services (the ``services`` bundle). At every state it
    visits, the machine also tries every transition on those services once, on copies,
    so that rare sequences ("disable, set startup type Disabled, enable") are covered.
    """

    vm: VMIntegration
    oracle: Oracle
    focus: tuple[Service, ...]
    services: Bundle[Service] = Bundle("services")

    @initialize(
        target=services,
        focus=st.lists(st.sampled_from(TRACKED_SERVICES), min_size=1, max_size=2, unique=True),
        guest_os=guest_operating_systems(),
        enabled=st.none() | st.sets(st.sampled_from(IntegrationService)),
        installed=st.booleans(),
        driver=st.sampled_from(KernelDriver),
    )
    def start(
        self,
        focus: list[Service],
        guest_os: OperatingSystem,
        enabled: set[IntegrationService] | None,
        installed: bool,
        driver: KernelDriver,
    ) -> MultipleResults[Service]:
        linux_driver = driver if guest_os.is_linux else None
        self.vm = VMIntegration.new(
            guest_os, enabled=enabled, installed=installed, kernel_driver=linux_driver
        )
        self.oracle = Oracle(guest_os, enabled, installed, linux_driver)
        self.focus = tuple(focus)
        assert self.vm.pending == ()
        assert_agrees(self.vm, self.oracle)
        return multiple(*focus)

    @rule(transition=st.sampled_from(TRANSITIONS), service=services)
    def step(self, transition: Transition, service: Service) -> None:
        self.vm = transition.check(self.vm, self.oracle, service)

    @invariant()
    def every_next_step_agrees_with_oracle(self) -> None:
        for service in self.focus:
            for transition in TRANSITIONS:
                transition.check(self.vm, self.oracle.clone(), service)

    @invariant()
    def functioning_iff_no_reasons(self) -> None:
        for state in self.vm.states:
            assert state.functioning == (state.reasons == ()), state
            reasons = state.reasons
            assert len(set(reasons)) == len(reasons), state
            if Reason.DISABLED_ON_HOST in reasons:
                assert reasons[0] is Reason.DISABLED_ON_HOST, state
            for pending in (Reason.PENDING_RESTART, Reason.PENDING_STOP):
                if pending in reasons:
                    assert reasons[-1] is pending, state

    @invariant()
    def functioning_means_both_sides_on(self) -> None:
        for state in self.vm.states:
            if state.functioning:
                assert state.host_enabled is not False, state
                assert state.available, state
                assert state.installed, state
                assert state.running, state
                assert self.vm.kernel_driver in {None, KernelDriver.LOADED, KernelDriver.BUILT_IN}

    @invariant()
    def linux_daemons_are_never_restarted(self) -> None:
        for state in self.vm.states:
            if not isinstance(state.guest, WindowsGuestService):
                assert state.pending is not Reaction.RESTART, state

    @invariant()
    def settle_is_complete_and_idempotent(self) -> None:
        settled = self.vm.settle()
        assert settled.pending == ()
        assert settled.settle() == settled
        for before, after in zip(self.vm.states, settled.states, strict=True):
            # Settling touches only whether guest sides run.
            assert before.host_enabled == after.host_enabled
            assert before.installed == after.installed
            assert type(before.guest) is type(after.guest)
            if isinstance(before.guest, WindowsGuestService):
                assert isinstance(after.guest, WindowsGuestService)
                assert before.guest.start_type == after.guest.start_type
                if before.host_enabled is False:
                    assert not after.running, (before, after)
                elif before.host_enabled and before.installed:
                    if before.guest.start_type is StartType.DISABLED:
                        assert after.running == before.running, (before, after)
                    else:
                        assert after.running, (before, after)
            if isinstance(before.guest, LinuxDaemonService):
                assert isinstance(after.guest, LinuxDaemonService)
                assert before.guest.unit == after.guest.unit
                assert not after.running or before.running, (before, after)
                if not before.host_enabled or not before.guest.driver.present:
                    assert not after.running, (before, after)
            if isinstance(before.service, GuestOnlyService):
                assert before == after


SemanticsMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=20, deadline=None
)
TestSemanticsMachine = SemanticsMachine.TestCase


# --- properties over reachable states ----------------------------------------------------------


def check_reasons_shape(state: ServiceState) -> None:
    reasons = state.reasons
    assert state.functioning == (reasons == ()), state
    assert len(set(reasons)) == len(reasons), state
    if Reason.DISABLED_ON_HOST in reasons:
        assert reasons[0] is Reason.DISABLED_ON_HOST, state
    for pending in (Reason.PENDING_RESTART, Reason.PENDING_STOP):
        assert (pending in reasons) == (state.pending is not None and reasons[-1] is pending)
    if state.pending is Reaction.RESTART:
        assert isinstance(state.guest, WindowsGuestService), state
    for reason in reasons:
        assert reason.description


@settings(max_examples=150, deadline=None)
@given(service_states())
def test_any_valid_state_explains_itself(state: ServiceState) -> None:
    check_reasons_shape(state)
    if state.functioning:
        assert state.host_enabled is not False
        assert state.installed
        assert state.running


@settings(max_examples=60, deadline=None)
@given(reachable_service_states())
def test_reachable_states_rebuild_and_explain_themselves(state: ServiceState) -> None:
    rebuilt = ServiceState(
        service=state.service, host_enabled=state.host_enabled, guest=state.guest
    )
    assert rebuilt == state
    check_reasons_shape(state)


@settings(max_examples=40, deadline=None)
@given(vm_integrations(settled=True))
def test_settled_vms_have_nothing_pending(vm: VMIntegration) -> None:
    assert vm.pending == ()
    assert vm.settle() is vm
    for state in vm.states:
        has_process = isinstance(state.guest, WindowsGuestService | LinuxDaemonService)
        if state.host_enabled is False and has_process:
            assert not state.running, state
        if vm.kernel_driver is None or state.service not in DAEMON_SERVICES:
            continue
        if state.running:
            assert state.host_enabled, state
            assert vm.kernel_driver.present, state
