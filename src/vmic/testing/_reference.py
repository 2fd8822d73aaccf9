"""The documented contracts of the cmdlets and WMI classes vmic's scripts use, and the check.

The data (``vmic/testing/reference/cmdlets.json`` and ``wmi.json``) is read from Microsoft's
reference pages, each entry with the repository, path and commit it comes from:

- the Hyper-V module of Windows Server 2016, 2019, 2022 and 2025 (MicrosoftDocs/
  windows-powershell-docs): ``Get-VM``, ``Stop-VM``, ``Copy-VMFile``... per edition;
- Windows PowerShell 5.1 (MicrosoftDocs/PowerShell-Docs, ``reference/5.1``): the parameter
  sets of the cmdlets vmic uses, the common parameters, and the name of every 5.1 cmdlet;
- the WMI classes (MicrosoftDocs/win32, ``HyperV_v2`` and ``CIMWin32Prov``): properties,
  methods and the parameters of the KVP methods.

One copy serves both readers: the simulated lab (:mod:`vmic.testing`), which refuses at run
time a call a real host would refuse, and the test suite's static check of every script.
:func:`check_call` binds a call (:class:`vmic.testing._powershell.Call`) as PowerShell does:
each parameter must exist (by name, alias or unambiguous prefix) for the PowerShell version,
and the parameters given, the positional arguments and pipeline input together must fit one
documented parameter set with its mandatory parameters. Where the pages give several
editions (the Hyper-V module), the call must fit every one.

>>> from vmic.testing._powershell import read
>>> (call,) = read("Stop-VM -VM $vm -Force -AsJob").calls
>>> check_call(call) is None
True
>>> (call,) = read("Stop-VM -VM $vm -TurnOn").calls
>>> print(check_call(call))
Stop-VM : A parameter cannot be found that matches parameter name 'TurnOn'.
>>> (call,) = read("Get-VM -Name a -Id b").calls
>>> print(check_call(call))
Get-VM : Parameter set cannot be resolved using the specified named parameters.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import TYPE_CHECKING, Any, Final

import attrs
from packaging.version import Version

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.testing._powershell import Call

__all__ = [
    "WINDOWS_POWERSHELL",
    "CmdletContract",
    "ParameterSet",
    "Reference",
    "SetParameter",
    "Source",
    "WmiClass",
    "check_call",
    "reference",
]

#: The PowerShell every Hyper-V host answers remoting with by default.
WINDOWS_POWERSHELL: Final = Version("5.1")
_SWITCH_COMMON: Final = frozenset({"debug", "verbose", "whatif", "confirm"})
_PARAMETERS_OF_EVERY_SET: Final = "(All)"


@attrs.frozen
class Source:
    """Where a fact comes from: a file of a repository at a commit."""

    repository: str
    path: str
    commit: str

    def __str__(self) -> str:
        return f"{self.repository} {self.path} @{self.commit[:8]}"


@attrs.frozen
class SetParameter:
    """A parameter as one parameter set has it."""

    name: str
    mandatory: bool
    positional: bool
    switch: bool
    pipeline: bool
    position: int | None = None


@attrs.frozen
class ParameterSet:
    """One documented parameter set of a cmdlet."""

    name: str
    default: bool
    common: bool
    parameters: tuple[SetParameter, ...]

    def named(self, name: str) -> SetParameter | None:
        """The parameter called *name* (any case), if the set has it."""
        folded = name.casefold()
        return next((p for p in self.parameters if p.name.casefold() == folded), None)


@attrs.frozen
class CmdletContract:
    """A cmdlet as one reference page documents it (one edition of one module)."""

    name: str
    module: str
    edition: str
    source: Source
    introduced: Version | None
    sets: tuple[ParameterSet, ...]
    aliases: dict[str, str]
    parameters_introduced: dict[str, Version]

    @functools.cached_property
    def parameter_names(self) -> dict[str, str]:
        """Every parameter of every set, by its folded name (value: the documented name)."""
        return {p.name.casefold(): p.name for s in self.sets for p in s.parameters}

    def is_switch(self, name: str) -> bool:
        """Whether the parameter takes no value (in the sets that have it)."""
        found = [p.switch for s in self.sets if (p := s.named(name)) is not None]
        return bool(found) and all(found)


@attrs.frozen
class WmiClass:
    """A WMI class as its reference page documents it.

    Attributes:
        methods: Method names; the parameter names of those whose page was read, else None.
    """

    name: str
    source: Source
    properties: frozenset[str]
    methods: dict[str, tuple[str, ...] | None]

    def has(self, member: str) -> bool:
        """Whether the class has this property or method (any case)."""
        folded = member.casefold()
        return any(p.casefold() == folded for p in (*self.properties, *self.methods))


@attrs.frozen
class Reference:
    """Everything the reference pages say, indexed.

    Attributes:
        cmdlets: The documented cmdlets by folded name, one entry per edition.
        common: The common parameters: folded name -> (name, alias, version introduced).
        known: Every Windows PowerShell 5.1 cmdlet (and each Hyper-V cmdlet read) by folded
            name -> documented name; with the folded aliases the pages give.
        newer: The cmdlets of PowerShell 7 that 5.1 does not have, by folded name.
        wmi: The WMI classes by folded name.
    """

    cmdlets: dict[str, tuple[CmdletContract, ...]]
    common: dict[str, tuple[str, str, Version | None]]
    known: dict[str, str]
    newer: dict[str, str]
    wmi: dict[str, WmiClass]

    def cmdlet(self, name: str) -> tuple[CmdletContract, ...]:
        r"""The entries of the cmdlet called *name* or one of its aliases; () if not read.

        A module qualifier (``Hyper-V\\Get-VM``) is allowed.
        """
        folded = name.rsplit("\\", 1)[-1].casefold()
        return self.cmdlets.get(self.known.get(folded, folded).casefold(), ())

    def only_newer(self, name: str) -> bool:
        """Whether *name* is a cmdlet of PowerShell 7 that Windows PowerShell 5.1 lacks."""
        folded = name.rsplit("\\", 1)[-1].casefold()
        return folded in self.newer and folded not in self.known

    def wmi_class(self, name: str) -> WmiClass | None:
        """The WMI class called *name*, if the pages were read for it."""
        return self.wmi.get(name.casefold())


def _version(text: object) -> Version | None:
    return None if text is None else Version(str(text))


def _source(data: dict[str, Any]) -> Source:
    return Source(data["repository"], data["path"], data["commit"])


def _cmdlet(data: dict[str, Any]) -> CmdletContract:
    sets = tuple(
        ParameterSet(
            name=entry["name"],
            default=entry["default"],
            common=entry["common"],
            parameters=tuple(
                SetParameter(
                    name=p["name"],
                    mandatory=p["mandatory"],
                    positional=p["positional"],
                    switch=p["switch"],
                    pipeline=p.get("pipeline", False),
                    position=p.get("position"),
                )
                for p in entry["parameters"]
            ),
        )
        for entry in data["parameter_sets"]
    )
    return CmdletContract(
        name=data["name"],
        module=data["module"],
        edition=data["edition"],
        source=_source(data["source"]),
        introduced=_version(data["introduced"]),
        sets=sets,
        aliases={alias.casefold(): name for alias, name in data["aliases"].items()},
        parameters_introduced={
            name.casefold(): Version(version)
            for name, version in data["parameters_introduced"].items()
        },
    )


def _wmi(data: dict[str, Any]) -> WmiClass:
    return WmiClass(
        name=data["name"],
        source=_source(data["source"]),
        properties=frozenset(data["properties"]),
        methods={
            name: None
            if "parameters" not in entry
            else tuple(p["name"] for p in entry["parameters"])
            for name, entry in data["methods"].items()
        },
    )


def _load(name: str) -> Any:  # noqa: ANN401 - JSON
    folder = importlib.resources.files("vmic.testing").joinpath("reference")
    return json.loads(folder.joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def reference() -> Reference:
    """The reference data, read from the package once."""
    cmdlets = _load("cmdlets.json")
    wmi = _load("wmi.json")
    by_name: dict[str, list[CmdletContract]] = {}
    for entry in cmdlets["cmdlets"]:
        contract = _cmdlet(entry)
        by_name.setdefault(contract.name.casefold(), []).append(contract)
    known = {entry["name"].casefold(): entry["name"] for entry in cmdlets["known_cmdlets"]}
    for entry in cmdlets["known_cmdlets"]:
        for alias in entry.get("aliases", ()):
            known.setdefault(alias.casefold(), entry["name"])
    known.update({name: entries[0].name for name, entries in by_name.items()})
    common = {
        p["name"].casefold(): (p["name"], p["alias"], _version(p["introduced"]))
        for p in cmdlets["common_parameters"]["parameters"]
    }
    return Reference(
        cmdlets={name: tuple(entries) for name, entries in by_name.items()},
        common=common,
        known=known,
        newer={entry["name"].casefold(): entry["name"] for entry in cmdlets["newer_cmdlets"]},
        wmi={entry["name"].casefold(): _wmi(entry) for entry in wmi["classes"]},
    )


def _resolve(written: str, contract: CmdletContract, version: Version) -> str:
    """The documented name of the parameter written *written*, as PowerShell binds it.

    Raises:
        LookupError: No parameter matches (the message says why).
    """
    folded = written.casefold()
    known = {
        name: documented
        for name, documented in contract.parameter_names.items()
        if (since := contract.parameters_introduced.get(name)) is None or since <= version
    }
    for name, (documented, _, since) in reference().common.items():
        if since is None or since <= version:
            known.setdefault(name, documented)
    if folded in known:
        return known[folded]
    aliases = {alias: name for alias, name in contract.aliases.items() if name.casefold() in known}
    aliases.update({alias.casefold(): name for name, alias, since in reference().common.values()})
    if folded in aliases:
        return aliases[folded]
    prefixed = sorted({documented for name, documented in known.items() if name.startswith(folded)})
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        msg = (
            f"Parameter cannot be processed because the parameter name '{written}' is ambiguous. "
            f"Possible matches include: {' '.join('-' + p for p in prefixed)}."
        )
        raise LookupError(msg)
    msg = f"A parameter cannot be found that matches parameter name '{written}'."
    raise LookupError(msg)


def _fits(
    parameter_set: ParameterSet, named: set[str], positional: int, *, piped: bool
) -> str | None:
    """Why the call does not fit *parameter_set* (None: it fits)."""
    common = set(reference().common) if parameter_set.common else set()
    members = {p.name.casefold() for p in parameter_set.parameters}
    if any(name.casefold() not in members | common for name in named):
        return "named"
    free = sorted(
        (p for p in parameter_set.parameters if p.positional and p.name not in named),
        key=lambda p: p.position if p.position is not None else 0,
    )
    if positional > len(free):
        return "positional"
    bound = set(named) | {p.name for p in free[:positional]}
    pipeline_bound = False
    missing = []
    for p in parameter_set.parameters:
        if not p.mandatory or p.name in bound:
            continue
        if piped and p.pipeline and not pipeline_bound:
            pipeline_bound = True  # the pipeline's object binds one parameter
            continue
        missing.append(p.name)
    return None if not missing else "missing:" + ", ".join(missing)


def _not_recognized(name: str) -> str:
    """What PowerShell says of a command it does not have."""
    return (
        f"The term '{name}' is not recognized as the name of a cmdlet, function, script file, "
        "or operable program."
    )


def _check_one(  # noqa: PLR0911 - one return per kind of refusal
    call: Call, contract: CmdletContract, version: Version
) -> str | None:
    label = contract.name
    if contract.introduced is not None and contract.introduced > version:
        return _not_recognized(call.cmdlet)
    named: set[str] = set()
    positional = 0
    elements = list(call.elements)
    index = 0
    while index < len(elements):
        element = elements[index]
        index += 1
        if element.parameter is None:
            positional += 1
            continue
        try:
            name = _resolve(element.parameter, contract, version)
        except LookupError as error:
            return f"{label} : {error}"
        if name in named:
            return (
                f"{label} : Cannot bind parameter because parameter '{name}' is specified "
                "more than once."
            )
        named.add(name)
        takes_value = not (contract.is_switch(name) or name.casefold() in _SWITCH_COMMON)
        if element.argument is None and takes_value:
            if index >= len(elements) or elements[index].parameter is not None:
                return f"{label} : Missing an argument for parameter '{name}'."
            index += 1
    reasons = [_fits(s, named, positional, piped=call.piped) for s in contract.sets]
    if any(reason is None for reason in reasons):
        return None
    missing = [r for r in reasons if r is not None and r.startswith("missing:")]
    if missing:  # a set takes every parameter given, but lacks a mandatory one
        return (
            f"{label} : Cannot process command because of one or more missing mandatory "
            f"parameters: {missing[0].removeprefix('missing:')}."
        )
    if all(r == "positional" for r in reasons if r is not None and not r.startswith("missing")):
        return f"{label} : A positional parameter cannot be found that accepts the argument."
    return f"{label} : Parameter set cannot be resolved using the specified named parameters."


def check_call(
    call: Call,
    *,
    version: Version = WINDOWS_POWERSHELL,
    editions: Iterable[str] | None = None,
) -> str | None:
    """Why PowerShell *version* would refuse *call* (PowerShell's words), or None.

    A cmdlet the pages were not read for is not checked (None), unless it is one that only
    PowerShell 7 has (``Get-Error``, ``Join-String``, ``Test-Json``...): a version before 7
    does not recognize it.

    Args:
        call: The call.
        version: The PowerShell that runs it (parameters introduced later do not exist).
        editions: Check only these editions of a cmdlet documented per edition (the
            Hyper-V module: ``"Windows Server 2019"``...); default: every edition.
    """
    data = reference()
    contracts = data.cmdlet(call.cmdlet)
    if not contracts:
        if version < Version("7.0") and not call.native and data.only_newer(call.cmdlet):
            return _not_recognized(call.cmdlet)
        return None
    wanted = None if editions is None else set(editions)
    chosen = [c for c in contracts if wanted is None or c.edition in wanted] or list(contracts)
    problems = [(contract, _check_one(call, contract, version)) for contract in chosen]
    refused = [(contract, problem) for contract, problem in problems if problem is not None]
    if not refused:
        return None
    contract, problem = refused[0]
    if len(refused) == len(problems) and len({p for _, p in refused}) == 1:
        return problem  # every edition refuses it the same way
    return f"{problem} ({contract.edition})"
