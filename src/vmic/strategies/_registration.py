"""Registering vmic's strategies with hypothesis, for ``st.from_type``."""

from __future__ import annotations

from hypothesis import strategies as st

from vmic.model._guest import Guest, GuestService, GuestUnreachable
from vmic.model._host import VM, Host
from vmic.model._linux_records import (
    CommandList,
    KvpRecord,
    LoadedModule,
    ModuleList,
    ProcessRecord,
    SystemdUnit,
)
from vmic.model._operating_system import OperatingSystem, Product
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    RegistryValue,
    VirtualMachineRecord,
)
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import OperationalStatus, StartType, WindowsServiceStatus
from vmic.policy._policy import Policy
from vmic.policy._rules import Rule, Selector
from vmic.rules._causes import Cause
from vmic.rules._features import Feature
from vmic.rules._matrix import UpdateRule
from vmic.rules._plans import PlanStep, UpdatePlan
from vmic.rules._semantics import (
    ServiceState,
    VMIntegration,
)
from vmic.strategies._linux import (
    command_lists,
    kvp_records,
    loaded_modules,
    module_lists,
    process_records,
    systemd_units,
)
from vmic.strategies._models import guest_services, guest_unreachables, guests, hosts, vms
from vmic.strategies._policy import policies, policy_rules, selectors
from vmic.strategies._rules import operating_systems, plan_steps, update_plans, update_rules
from vmic.strategies._semantics import service_states, vm_integrations
from vmic.strategies._vocabularies import (
    causes,
    features,
    guest_only_services,
    integration_services,
    operational_statuses,
    products,
    start_types,
    windows_service_statuses,
)
from vmic.strategies._windows import (
    component_ids,
    guest_service_records,
    integration_component_records,
    registry_values,
    virtual_machine_records,
)

# --- Registration ---------------------------------------------------------------------------


def register_strategies() -> None:
    """Make ``st.from_type`` use these strategies for vmic's types."""
    register = st.register_type_strategy
    register(Product, products())
    register(OperatingSystem, operating_systems())
    register(IntegrationService, integration_services())
    register(GuestOnlyService, guest_only_services())
    register(OperationalStatus, operational_statuses())
    register(WindowsServiceStatus, windows_service_statuses())
    register(StartType, start_types())
    register(Feature, features())
    register(Cause, causes())
    register(UpdateRule, update_rules())
    register(UpdatePlan, update_plans())
    register(PlanStep, plan_steps())
    register(ComponentId, component_ids())
    register(IntegrationComponentRecord, integration_component_records())
    register(GuestServiceRecord, guest_service_records())
    register(VirtualMachineRecord, virtual_machine_records())
    register(RegistryValue, registry_values())
    register(LoadedModule, loaded_modules())
    register(ModuleList, module_lists())
    register(ProcessRecord, process_records())
    register(CommandList, command_lists())
    register(SystemdUnit, systemd_units())
    register(KvpRecord, kvp_records())
    register(VM, vms())
    register(Host, hosts())
    register(Guest, guests())
    register(GuestService, guest_services())
    register(GuestUnreachable, guest_unreachables())
    register(ServiceState, service_states())
    register(VMIntegration, vm_integrations())
    register(Selector, selectors())
    register(Rule, policy_rules())
    register(Policy, policies())
