"""What was changed in a demo lab, kept as the change commands themselves, to replay later.

``vmic ... --lab demo`` builds the lab of :func:`~vmic.testing.demo_lab` on every run; the
command line remembers what its commands changed there so that the next run sees it
(``vmic enable``, then ``vmic doctor`` shows the service on). What is kept is only the
*changes*: each change command the lab received (the script's name, its parameter values,
the machine it went to and the simulated time it arrived), never a copy of the lab's
state, which stays derived from the lab's facts and contracts. Replaying them on a fresh
lab goes through the same dispatcher as the first time, so the lab ends where it was.

A command that failed the first time is kept too: replayed, it fails the same way and
changes what it changed then. A command carrying a secret (a password) is never kept (no
change command of the lab takes one).

>>> from vmic.clients import HyperVHost
>>> from vmic.testing import demo_lab
>>> lab = demo_lab()
>>> _ = HyperVHost(lab.host("HV01")).enable("legacy-win7", "Key-Value Pair Exchange")
>>> memory = LabMemory.of(lab, name="demo")
>>> memory, [str(change) for change in memory.changes]
(<LabMemory 'demo': 1 change>, ['HV01: set-integration-services on legacy-win7'])
>>> again = demo_lab()
>>> LabMemory.from_json(memory.to_json(), source="state").apply(again)
>>> HyperVHost(again.host("HV01")).integration_services("legacy-win7")[0].services[2].enabled
True
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic._files import load_json
from vmic.clients._scripts import script, scripts
from vmic.errors import ConfigurationError, UnknownCommandError, VmicError
from vmic.executors._script_files import script_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from vmic.executors._command import ParameterValue
    from vmic.testing._journal import RecordedCommand
    from vmic.testing._lab import DemoLab

__all__ = ["MEMORY_VERSION", "LabChange", "LabMemory"]

#: The version of the remembered changes' JSON form; another version is not read.
MEMORY_VERSION: Final = 1

_v = attrs.validators


def _parameters(value: Mapping[str, Any]) -> dict[str, ParameterValue]:
    """Parameter values as a command takes them (JSON lists back to tuples of strings)."""
    checked: object = value
    if not isinstance(checked, dict):
        msg = f"parameters must be an object, not {type(value).__name__}"
        raise ConfigurationError(msg)
    taken: dict[str, ParameterValue] = {}
    for name, item in checked.items():
        if isinstance(item, list | tuple) and all(isinstance(part, str) for part in item):
            taken[name] = tuple(item)
        elif isinstance(item, str | bool | int) or (
            isinstance(item, float) and math.isfinite(item)
        ):
            taken[name] = item
        else:
            raise ConfigurationError(f"parameter {name!r} holds {type(item).__name__}")
    return taken


@attrs.frozen
class LabChange:
    """One change command a lab machine received.

    Attributes:
        target: The machine: a host's name, or ``"<host>/<vm>"`` for a guest.
        script: The name of the vmic script (``host-set-services``, ``windows-start``...).
        parameters: Its parameter values.
        clock: The host's simulated time when it arrived.
        action: What the lab took it for (``set-integration-services``...), for people.
    """

    target: str = attrs.field(validator=_v.instance_of(str))
    script: str = attrs.field(validator=_v.instance_of(str))
    parameters: dict[str, ParameterValue] = attrs.field(converter=_parameters)
    clock: float = attrs.field(converter=float)
    action: str = attrs.field(default="", validator=_v.instance_of(str))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "target": self.target,
            "script": self.script,
            "action": self.action,
            "clock": self.clock,
            "parameters": {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in self.parameters.items()
            },
        }

    @property
    def vms(self) -> tuple[str, ...]:
        """The VM of a guest command, or the VMs a host command names (by name or id)."""
        _host, _slash, vm = self.target.partition("/")
        if vm:
            return (vm,)
        named = self.parameters.get("VMName", self.parameters.get("VMs", ()))
        return (
            (named,) if isinstance(named, str) else tuple(named) if isinstance(named, tuple) else ()
        )

    @property
    def host(self) -> str:
        """The host's name (of the guest's host, for a guest command)."""
        return self.target.split("/")[0]

    def named_vms(self, names: Mapping[str, str]) -> tuple[str, ...]:
        """:attr:`vms`, a command that selects VMs by id naming each by *names* (id: name)."""
        if self.parameters.get("Select") != "id":
            return self.vms
        return tuple(names.get(vm.upper(), vm) for vm in self.vms)

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The change in words: ``HV01: set-integration-services on dc01, web02``.

        *names* gives the VMs a command selected by id their names (the ids stay else).
        """
        vms = ", ".join(self.vms if names is None else self.named_vms(names))
        return f"{self.host}: {self.action or self.script}" + (f" on {vms}" if vms else "")

    def __str__(self) -> str:
        return self.describe()


def _changes(value: Iterable[LabChange]) -> tuple[LabChange, ...]:
    return tuple(value)


def _clocks(value: Mapping[str, float]) -> dict[str, float]:
    return {str(name): float(now) for name, now in value.items()}


@attrs.frozen
class LabMemory:
    """The changes made to a lab, in order, and where each host's simulated clock stood.

    Attributes:
        lab: The lab's name (``demo``).
        changes: The change commands, in the order they arrived.
        clocks: Each host's simulated time at the end.
    """

    lab: str = attrs.field(validator=_v.instance_of(str))
    changes: tuple[LabChange, ...] = attrs.field(
        default=(), converter=_changes, validator=_v.deep_iterable(_v.instance_of(LabChange))
    )
    clocks: dict[str, float] = attrs.field(factory=dict, converter=_clocks)

    def __repr__(self) -> str:
        count = len(self.changes)
        return f"<LabMemory {self.lab!r}: {count} change{'' if count == 1 else 's'}>"

    @classmethod
    def of(cls, lab: DemoLab, *, name: str, since: LabMemory | None = None) -> LabMemory:
        """The changes *since* held, then every change command *lab*'s machines recorded.

        Args:
            lab: The lab.
            name: Its name.
            since: What was remembered before this lab was built from it (None: nothing).
        """
        recorded = sorted(_recorded(lab), key=lambda pair: pair[1].started)
        new = tuple(
            LabChange(
                target=record.target,
                script=known,
                parameters=dict(record.command.parameters),
                clock=record.clock or 0.0,
                action=record.action or "",
            )
            for known, record in recorded
        )
        before = () if since is None else since.changes
        return cls(
            lab=name,
            changes=(*before, *new),
            clocks={host.name: host.clock.now for host in lab.hosts},
        )

    def apply(self, lab: DemoLab) -> None:
        """Replay the changes on *lab* (freshly built), then set each host's clock.

        The replayed commands are not left in the machines' records: the lab starts as if
        it had been left that way.

        Raises:
            vmic.ConfigurationError: A change names a host, VM or script the lab does not
                have, or parameters the script does not take, or the lab does not
                understand it: these changes are not from this lab.
        """
        for change in self.changes:
            host_name, _slash, vm = change.target.partition("/")
            host = lab.host(host_name)
            if change.clock > host.clock.now:
                host.clock.advance(change.clock - host.clock.now)
            executor = host.guest_executor(vm) if vm else host
            command = script(change.script).command(change.parameters)
            try:
                executor.run(command)
            except UnknownCommandError as error:
                raise ConfigurationError(f"the lab does not understand {change}: {error}") from None
            except VmicError:
                pass  # it failed the first time too, and changed what it changed then
        for host in lab.hosts:
            left = self.clocks.get(host.name, 0.0) - host.clock.now
            if left > 0:
                host.clock.advance(left)
            host.commands.clear()
            for guest in host.vms:
                if guest.executor is not None:
                    guest.executor.commands.clear()

    def to_json(self) -> str:
        """The versioned JSON form."""
        data = {
            "version": MEMORY_VERSION,
            "lab": self.lab,
            "clocks": self.clocks,
            "changes": [change.to_dict() for change in self.changes],
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str, lab: str | None = None) -> LabMemory:
        """Read :meth:`to_json`'s form.

        Args:
            text: The JSON text.
            source: Where it comes from, for messages.
            lab: The lab it must be the memory of (None: any).

        Raises:
            vmic.ConfigurationError: Not JSON, another version, not this form, or the
                memory of another lab; the message names *source*.
        """
        data = load_json(text, source=source)
        if not isinstance(data, dict):
            raise ConfigurationError(f"{source}: not a remembered lab")
        if data.get("version") != MEMORY_VERSION:
            raise ConfigurationError(
                f"{source}: version {data.get('version')!r}, not {MEMORY_VERSION}"
            )
        try:
            changes = [
                LabChange(
                    target=entry["target"],
                    script=entry["script"],
                    parameters=entry["parameters"],
                    clock=entry["clock"],
                    action=entry.get("action", ""),
                )
                for entry in data["changes"]
            ]
            memory = cls(lab=data["lab"], changes=changes, clocks=data["clocks"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ConfigurationError(f"{source}: not a remembered lab ({error})") from None
        if lab is not None and memory.lab != lab:
            raise ConfigurationError(f"{source}: the memory of the {memory.lab!r} lab, not {lab!r}")
        return memory


def _recorded(lab: DemoLab) -> Iterator[tuple[str, RecordedCommand]]:
    """Every change command the lab's machines recorded, with its script's name."""
    known = scripts()
    for host in lab.hosts:
        journals = [host.commands]
        journals.extend(vm.executor.commands for vm in host.vms if vm.executor is not None)
        for journal in journals:
            for record in journal:
                if not record.mutating or record.command.secrets:
                    continue
                name = script_name(record.command.script)
                if name is not None and name in known:
                    yield name, record
