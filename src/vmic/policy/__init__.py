"""Desired state for a whole fleet: policies of rules, and what they ask of each VM.

A :class:`Policy` is a list of rules (:class:`Rule`); each selects VMs (:class:`Selector`:
by exact name, id or explicit pattern, host, inventory group, guest operating system,
running state) and asks services on or off at the host. :meth:`Policy.resolve` gives the
desired state of each VM of a host (:class:`DesiredVM`), later rules overriding earlier
ones; a service the guest cannot use is *not applicable* and never turned on. Planning
and applying it to hosts is :func:`vmic.fleet.plan_policy` and :func:`vmic.fleet.apply_policy`.

>>> from vmic.policy import Policy
>>> policy = Policy.from_dict(
...     {"rule": [{"vm_glob": "web*", "services": {"Guest Service Interface": "on"}}]}
... )
>>> policy.rules[0].to_dict()
{'vm_glob': ['web*'], 'services': {'guest_service_interface': 'on'}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.policy._policy import (
        DesiredService as DesiredService,
        DesiredVM as DesiredVM,
        Policy as Policy,
        load_policy as load_policy,
        parse_policy as parse_policy,
    )
    from vmic.policy._rules import Rule as Rule, Selector as Selector

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "DesiredService": "._policy",
        "DesiredVM": "._policy",
        "Policy": "._policy",
        "Rule": "._rules",
        "Selector": "._rules",
        "load_policy": "._policy",
        "parse_policy": "._policy",
    },
)
