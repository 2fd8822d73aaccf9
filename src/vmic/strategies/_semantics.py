"""Strategies for the both-sides enablement model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st

from vmic.errors import (
    InvalidTransitionError,
)
from vmic.model._linux import KERNEL_SERVICES
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import StartType
from vmic.rules._semantics import (
    TRACKED_SERVICES,
    GuestSide,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    Service,
    ServiceState,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)

if TYPE_CHECKING:
    from collections.abc import Callable


from vmic.strategies._rules import guest_operating_systems

# --- Integration semantics ------------------------------------------------------------------

_STEPS: Final[tuple[Callable[[VMIntegration, Service], VMIntegration], ...]] = (
    VMIntegration.enable,
    VMIntegration.disable,
    VMIntegration.start_in_guest,
    VMIntegration.stop_in_guest,
    lambda vm, s: vm.set_start_type(s, StartType.DISABLED),
    lambda vm, s: vm.set_start_type(s, StartType.AUTOMATIC),
    lambda vm, s: vm.set_unit_state(s, UnitState.MASKED),
    lambda vm, s: vm.set_unit_state(s, UnitState.ENABLED),
    VMIntegration.install_in_guest,
    VMIntegration.uninstall_in_guest,
    lambda vm, _s: vm.load_kernel_driver(),
    lambda vm, _s: vm.unload_kernel_driver(),
    lambda vm, _s: vm.settle(),
)


def vm_integrations(*, settled: bool = False) -> st.SearchStrategy[VMIntegration]:
    """VMs reachable from ``VMIntegration.new`` through random transitions.

    Args:
        settled: Apply Hyper-V's pending reactions at the end (nothing left pending).
    """

    @st.composite
    def build(draw: st.DrawFn) -> VMIntegration:
        guest_os = draw(guest_operating_systems())
        driver = draw(st.sampled_from(KernelDriver)) if guest_os.is_linux else None
        vm = VMIntegration.new(
            guest_os,
            enabled=draw(st.none() | st.sets(st.sampled_from(IntegrationService))),
            installed=draw(st.booleans()),
            kernel_driver=driver,
        )
        steps = st.tuples(st.sampled_from(_STEPS), st.sampled_from(TRACKED_SERVICES))
        for step, service in draw(st.lists(steps, max_size=12)):
            try:
                vm = step(vm, service)
            except InvalidTransitionError:
                continue
        return vm.settle() if settled else vm

    return build()


def service_states() -> st.SearchStrategy[ServiceState]:
    """Any valid per-service state, reachable by transitions or not."""

    @st.composite
    def build(draw: st.DrawFn) -> ServiceState:
        service = draw(st.sampled_from(TRACKED_SERVICES))
        windows: st.SearchStrategy[GuestSide] = st.builds(WindowsGuestService)
        if isinstance(service, GuestOnlyService):
            side = draw(st.one_of(st.none(), windows))
            return ServiceState(service=service, host_enabled=None, guest=side)
        linux: st.SearchStrategy[GuestSide] = (
            st.builds(LinuxKernelService)
            if service in KERNEL_SERVICES
            else st.builds(LinuxDaemonService)
        )
        guest = draw(st.one_of(st.none(), windows, linux))
        return ServiceState(service=service, host_enabled=draw(st.booleans()), guest=guest)

    return build()
