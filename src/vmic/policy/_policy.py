"""A policy: rules in order, and the desired state they resolve to for each VM of a host.

Rules apply in the order written; for one VM and one service a later rule overrides an
earlier one. A service asked *on* for a guest that cannot use it (Guest Service Interface
on Windows 7, file copy on Debian 13: :func:`vmic.rules._support.unusable_reason`) is
resolved *not applicable* and is never turned on.

>>> from vmic import VM, Guest, Host, IntegrationService
>>> from vmic.policy import Policy, Rule, Selector
>>> gsi = IntegrationService.GUEST_SERVICE_INTERFACE
>>> policy = Policy(
...     [
...         Rule({gsi: True}, name="file copy everywhere"),
...         Rule({gsi: False}, Selector(vms=("dc01",))),
...     ]
... )
>>> host = Host(
...     "hv01",
...     os="Windows Server 2019",
...     vms=[
...         VM("dc01", state="running", guest=Guest(os="Windows Server 2019")),
...         VM("legacy-win7", state="running", guest=Guest(os="Windows 7")),
...     ],
... )
>>> dc01, win7 = policy.resolve(host)
>>> print(dc01.services[0])
guest_service_interface off (rule 2)
>>> print(win7.services[0].rule_label, win7.services[0].applicable)
rule 1 'file copy everywhere' False
>>> win7.services[0].not_applicable
'Windows 7 predates Guest Service Interface (service catalog)'
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._named import counted, cut, named
from vmic.model._services import IntegrationService
from vmic.policy._load import parse_rules, read_rules, rules_from_data
from vmic.policy._rules import Rule
from vmic.rules._support import unusable_reason

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from pathlib import Path

    from vmic.model._host import VM, Host

__all__ = ["DesiredService", "DesiredVM", "Policy", "load_policy", "parse_policy"]

_v = attrs.validators

#: The version of a policy's canonical form (its ``to_dict``), part of what is hashed.
POLICY_FORMAT: Final = 1


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    rules = tuple(value)
    for rule in rules:
        if not isinstance(rule, Rule):
            raise ConfigurationError(f"a policy's rules must be Rule objects, not {rule!r}")
    return rules


@attrs.frozen
class DesiredService:
    """What a policy asks of one service of one VM, and which rule said so.

    Attributes:
        service: The service.
        on: Whether it should be enabled on the host.
        rule: The number (from 1) of the last rule that asked.
        rule_name: That rule's name, if it has one.
        not_applicable: Why the guest cannot use the service, when *on* is asked of a
            guest that cannot use it (it is then never turned on); None otherwise.
    """

    service: IntegrationService = attrs.field(validator=_v.instance_of(IntegrationService))
    on: bool = attrs.field(validator=_v.instance_of(bool))
    rule: int = attrs.field(validator=_v.instance_of(int))
    rule_name: str | None = None
    not_applicable: str | None = None

    @property
    def applicable(self) -> bool:
        """Whether vmic acts on it (a service the guest cannot use is not turned on)."""
        return self.not_applicable is None

    @property
    def rule_label(self) -> str:
        """``rule 2 'name'`` (or ``rule 2``), for reports."""
        return f"rule {self.rule}" + (f" {self.rule_name!r}" if self.rule_name else "")

    def __str__(self) -> str:
        text = f"{self.service.value} {'on' if self.on else 'off'} ({self.rule_label})"
        if self.not_applicable is not None:
            text += f": not applicable: {self.not_applicable}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "service": self.service.value,
            "desired": "on" if self.on else "off",
            "rule": self.rule,
            "rule_name": self.rule_name,
            "applicable": self.applicable,
            "not_applicable": self.not_applicable,
        }

    def __repr__(self) -> str:
        return f"<DesiredService {self.service} {'on' if self.on else 'off'} (rule {self.rule})>"


@attrs.frozen
class DesiredVM:
    """The desired state of one VM: each service some rule names, in catalog order.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        vm_id: Its id (upper case), when known.
        guest_os: Its guest's operating system as vmic knows it, or None.
        services: What the policy asks of each service it names.
    """

    host: str
    vm: str
    vm_id: str | None
    guest_os: str | None
    services: tuple[DesiredService, ...]

    def service(self, service: IntegrationService) -> DesiredService | None:
        """What is asked of *service*, or None when no rule names it."""
        return next((wanted for wanted in self.services if wanted.service is service), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "host": self.host,
            "vm": self.vm,
            "vm_id": self.vm_id,
            "guest_os": self.guest_os,
            "services": [wanted.to_dict() for wanted in self.services],
        }

    def __repr__(self) -> str:
        return f"<DesiredVM {named(self.vm)}: {counted(len(self.services), 'service')}>"


@attrs.frozen
class Policy:
    """Rules, in order, each selecting VMs and asking services on or off at the host.

    Read one with :meth:`load` (a TOML file, or YAML with the ``ansible`` extra) or
    :meth:`from_dict`, or build one from :class:`~vmic.policy.Rule` objects.

    Attributes:
        rules: The rules; a later one overrides an earlier one for the same VM and service.
        source: Where it was read from (for messages), ``<policy>`` when built in code.
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    source: str = attrs.field(default="<policy>", kw_only=True, eq=False)

    @classmethod
    def load(cls, path: str | Path, *, kind: str | None = None) -> Policy:
        """Read a policy file: TOML, or YAML (``.yml``/``.yaml``, the ``ansible`` extra).

        Args:
            path: The file.
            kind: ``"toml"`` or ``"yaml"`` (default: from the suffix, TOML otherwise).

        Raises:
            vmic.PolicyError: The file cannot be read, or is no policy; one line naming
                the file, the rule and the key.
            vmic.MissingExtraError: A YAML file without PyYAML installed.
        """
        return cls(read_rules(path, kind=kind), source=str(path))

    @classmethod
    def parse(cls, text: str, *, source: str = "<policy>", kind: str = "toml") -> Policy:
        """The policy of *text*, TOML or YAML (*kind*).

        Raises:
            vmic.PolicyError: The text is no policy.
        """
        return cls(parse_rules(text, source=source, kind=kind), source=source)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "<policy>") -> Policy:
        """The policy a file's data describe (as :func:`tomllib.loads` gives it).

        Raises:
            vmic.PolicyError: The data are no policy.
        """
        return cls(rules_from_data(data, source=source), source=source)

    def to_dict(self) -> dict[str, Any]:
        """The policy in its canonical form: what :meth:`from_dict` reads back unchanged."""
        return {"rule": [rule.to_dict() for rule in self.rules]}

    @property
    def digest(self) -> str:
        """The SHA-256 of the canonical form (hex): unchanged by comments, layout or format.

        The same rules written in TOML or YAML, with other spellings of the same services
        and systems, have the same digest; any change to what the policy asks changes it.
        """
        canonical = json.dumps(
            {"policy_format": POLICY_FORMAT, **self.to_dict()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()

    def resolve(self, host: Host, *, groups: Collection[str] = ()) -> tuple[DesiredVM, ...]:
        """The desired state of each VM of *host* that some rule selects, in the host's order.

        Args:
            host: The host as read (:meth:`vmic.HyperVHost.observe`) or written by hand.
            groups: The inventory groups *host* belongs to (for rules with ``groups``).

        Returns:
            One entry per VM some rule selects and asks something of.
        """
        desired = []
        for vm in host.vms:
            wanted = self._resolve_vm(host, vm, groups)
            if wanted is not None:
                desired.append(wanted)
        return tuple(desired)

    def _resolve_vm(self, host: Host, vm: VM, groups: Collection[str]) -> DesiredVM | None:
        asked: dict[IntegrationService, tuple[bool, int, Rule]] = {}
        for number, rule in enumerate(self.rules, start=1):
            if rule.selector.matches(vm, host=host.name, groups=groups):
                for service, on in rule.services.items():
                    asked[service] = (on, number, rule)
        if not asked:
            return None
        system = vm.os
        services = []
        for service in IntegrationService:
            if service not in asked:
                continue
            on, number, rule = asked[service]
            why = None
            if on and system is not None:
                why = unusable_reason(host.os, system, service)
            services.append(
                DesiredService(
                    service=service,
                    on=on,
                    rule=number,
                    rule_name=rule.name,
                    not_applicable=why,
                )
            )
        return DesiredVM(
            host=host.name,
            vm=vm.name,
            vm_id=vm.id,
            guest_os=None if system is None else str(system),
            services=tuple(services),
        )

    def __repr__(self) -> str:
        return f"<Policy {cut(self.source, 50)}: {counted(len(self.rules), 'rule')}>"


def load_policy(path: str | Path, *, kind: str | None = None) -> Policy:
    """:meth:`Policy.load`."""
    return Policy.load(path, kind=kind)


def parse_policy(text: str, *, source: str = "<policy>", kind: str = "toml") -> Policy:
    """:meth:`Policy.parse`."""
    return Policy.parse(text, source=source, kind=kind)
