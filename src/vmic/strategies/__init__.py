"""Hypothesis strategies for vmic's public models, for property-based tests in your own suite.

Installing vmic registers these with hypothesis, so ``st.from_type(vmic.OperatingSystem)``
works without importing this module: once both vmic and hypothesis are imported, whichever
came first (through the ``hypothesis`` entry point, which loads nothing of vmic by itself).
Importing this module registers them as well (for runs with ``HYPOTHESIS_NO_PLUGINS`` set).

Every value is valid: its constructor accepts it. Where :mod:`vmic.parsers` has a formatter
for a model, the values also round-trip: formatting them and parsing the text gives them
back. Each strategy's docstring names the formatter and the options it is shaped for
(a table cannot carry a line break, a host shows service names in its own language...).
Hosts are consistent: a VM's host-side records carry that VM's name and id, one per
service, and a guest's services match its OS family (Windows services or daemons).

>>> from hypothesis import given
>>> from vmic import strategies as vst
>>> @given(vst.operating_systems(hosts_only=True))
... def test_hosts(os):
...     assert os.is_hyperv_host
>>> test_hosts()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face
from vmic.strategies._registration import register_strategies

if TYPE_CHECKING:
    from vmic.strategies._common import table_cell_texts as table_cell_texts
    from vmic.strategies._linux import (
        command_lists as command_lists,
        kvp_records as kvp_records,
        loaded_modules as loaded_modules,
        module_lists as module_lists,
        process_records as process_records,
        systemd_units as systemd_units,
    )
    from vmic.strategies._models import (
        guest_services as guest_services,
        guest_unreachables as guest_unreachables,
        guests as guests,
        hosts as hosts,
        vms as vms,
    )
    from vmic.strategies._policy import (
        policies as policies,
        policy_rules as policy_rules,
        selectors as selectors,
    )
    from vmic.strategies._rules import (
        guest_operating_systems as guest_operating_systems,
        matrix_pairs as matrix_pairs,
        operating_systems as operating_systems,
        plan_steps as plan_steps,
        update_plans as update_plans,
        update_rules as update_rules,
    )
    from vmic.strategies._semantics import (
        service_states as service_states,
        vm_integrations as vm_integrations,
    )
    from vmic.strategies._vocabularies import (
        causes as causes,
        features as features,
        guest_only_services as guest_only_services,
        integration_services as integration_services,
        operational_statuses as operational_statuses,
        products as products,
        start_types as start_types,
        windows_service_statuses as windows_service_statuses,
    )
    from vmic.strategies._windows import (
        component_ids as component_ids,
        guest_service_records as guest_service_records,
        integration_component_records as integration_component_records,
        registry_values as registry_values,
        virtual_machine_records as virtual_machine_records,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "causes": "._vocabularies",
        "command_lists": "._linux",
        "component_ids": "._windows",
        "features": "._vocabularies",
        "guest_only_services": "._vocabularies",
        "guest_operating_systems": "._rules",
        "guest_service_records": "._windows",
        "guest_services": "._models",
        "guest_unreachables": "._models",
        "guests": "._models",
        "hosts": "._models",
        "integration_component_records": "._windows",
        "integration_services": "._vocabularies",
        "kvp_records": "._linux",
        "loaded_modules": "._linux",
        "matrix_pairs": "._rules",
        "module_lists": "._linux",
        "operating_systems": "._rules",
        "operational_statuses": "._vocabularies",
        "plan_steps": "._rules",
        "policies": "._policy",
        "policy_rules": "._policy",
        "selectors": "._policy",
        "process_records": "._linux",
        "products": "._vocabularies",
        "registry_values": "._windows",
        "service_states": "._semantics",
        "start_types": "._vocabularies",
        "systemd_units": "._linux",
        "table_cell_texts": "._common",
        "update_plans": "._rules",
        "update_rules": "._rules",
        "virtual_machine_records": "._windows",
        "vms": "._models",
        "vm_integrations": "._semantics",
        "windows_service_statuses": "._vocabularies",
    },
)

register_strategies()
