r"""Scripts kept as files in a package: their contract, their fragments, the text they send.

A script is a ``.ps1`` (PowerShell) or ``.sh`` (POSIX sh) file that opens with a comment
block stating its contract, one ``key: value`` line each (a line that starts with white
space continues the previous one), then a blank line and a description::

    <#
    vmic-script: host-inventory-vm
    runs-on: Hyper-V host
    powershell: 3.0
    parameters: VMName
    sections: host, vms, components, kvp
    errors: none
    cmdlets: ConvertTo-Json, Get-VM
    wmi: Win32_OperatingSystem.Caption

    What it does, in words.
    #>

A sh script writes the same lines as ``#`` comments (``# vmic-script: linux-observe``...)
and ends its description at the first line that is not a comment. ``commands`` names the
programs a script runs besides cmdlets. ``none`` stands for an empty list.

A line ``#vmic:include NAME`` (a comment to the shell, so every file is a valid script on
its own) is replaced by the fragment ``NAME`` (a file of the same folder whose name starts
with ``_``), indented as the line is; a fragment is included once per script, where it is
first asked for. A few fragments are generated from Python instead (the exact-name VM
selection of :class:`~vmic.executors.VmSelector`, written once there). The text sent is the
file with its fragments in place, comment block included, so the script a host receives
says what it is:

>>> script_name("<#\nvmic-script: host-inventory\n...")
'host-inventory'
>>> script_name("# vmic-script: linux-release\n...")
'linux-release'
>>> script_name("Get-VM") is None
True
"""

from __future__ import annotations

import importlib.resources
import re
from typing import TYPE_CHECKING, Final

import attrs
from packaging.version import InvalidVersion, Version

from vmic.errors import ConfigurationError
from vmic.executors._checks import check_identifier
from vmic.executors._command import Command, Shell

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from vmic.executors._command import ParameterValue

__all__ = ["Script", "ScriptContract", "load_scripts", "script_name"]

_NAME: Final = r"[a-z0-9][a-z0-9-]*"
_MARKER: Final = re.compile(rf"(?:<#\r?\n|# )vmic-script: ({_NAME})\r?\n")
_INCLUDE: Final = re.compile(r"^(?P<indent>[ \t]*)#vmic:include (?P<name>\S+)[ \t]*$")
_KEYS: Final = (
    "vmic-script",
    "runs-on",
    "powershell",
    "parameters",
    "sections",
    "errors",
    "cmdlets",
    "commands",
    "wmi",
)
_REQUIRED: Final = ("vmic-script", "runs-on", "parameters", "sections", "errors")
_SUFFIXES: Final = {".ps1": Shell.POWERSHELL, ".sh": Shell.POSIX}


def script_name(text: str) -> str | None:
    """The name a script's text declares in its first line(s), or None for any other text."""
    match = _MARKER.match(text)
    return None if match is None else match.group(1)


@attrs.frozen
class ScriptContract:
    """What a script promises, as its comment block states it.

    Attributes:
        name: The script's name (its file name without the suffix).
        runs_on: Where it runs (``Hyper-V host``, ``Windows guest``, ``Linux guest``).
        shell: Its language.
        powershell: The oldest PowerShell it runs on (None for sh).
        parameters: The values it reads, each as a command parameter (``$Name``).
        sections: The output sections it prints when it succeeds.
        errors: The reason words of its ``error`` section.
        cmdlets: The cmdlets it calls.
        commands: The programs it runs besides cmdlets.
        wmi: The WMI classes and members it uses (``Class.Member`` or ``Class``).
        description: What it does, in words.
    """

    name: str
    runs_on: str
    shell: Shell
    powershell: Version | None
    parameters: tuple[str, ...]
    sections: tuple[str, ...]
    errors: tuple[str, ...]
    cmdlets: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    wmi: tuple[str, ...] = ()
    description: str = ""


@attrs.frozen
class Script:
    """A script as vmic sends it.

    Attributes:
        contract: Its contract.
        text: The text sent: the file with its fragments in place.
        path: Where the file is, inside the package (``vmic/clients/scripts/NAME.ps1``).
    """

    contract: ScriptContract
    text: str = attrs.field(repr=False)
    path: str

    @property
    def name(self) -> str:
        """The script's name."""
        return self.contract.name

    def command(
        self,
        parameters: Mapping[str, ParameterValue] | None = None,
        *,
        timeout: float | None = None,
    ) -> Command:
        """The command that runs this script with these parameter values.

        Raises:
            vmic.ConfigurationError: The parameters are not exactly those of the contract.
        """
        given = dict(parameters or {})
        expected = set(self.contract.parameters)
        if set(given) != expected:
            missing = sorted(expected - set(given))
            extra = sorted(set(given) - expected)
            raise ConfigurationError(
                f"script {self.name!r} takes the parameters {sorted(expected)}: "
                f"missing {missing}, unknown {extra}"
            )
        return Command._of_script(self.contract.shell, self.text, given, timeout)


def _items(value: str) -> tuple[str, ...]:
    words = tuple(word.strip() for word in value.split(","))
    if words == ("none",):
        return ()
    if not all(words):
        raise ValueError(f"an empty item in {value!r}")
    return words


def _comment_block(text: str, shell: Shell) -> list[str]:
    """The lines of the opening comment block, without their comment marks."""
    lines = text.splitlines()
    if shell is Shell.POWERSHELL:
        if not lines or lines[0] != "<#" or "#>" not in lines:
            msg = "it does not open with a <# ... #> comment block"
            raise ValueError(msg)
        return lines[1 : lines.index("#>")]
    block: list[str] = []
    for line in lines:
        if not line.startswith("#") or line.startswith("#vmic:"):
            break
        block.append(line[2:] if line.startswith("# ") else line[1:])
    return block


def _parse_contract(name: str, text: str, shell: Shell) -> ScriptContract:
    if not re.fullmatch(_NAME, name):
        msg = "its name is not lower-case words joined by '-'"
        raise ValueError(msg)
    block = _comment_block(text, shell)
    fields: dict[str, str] = {}
    key = None
    # The key lines end at the first blank line; the description follows it.
    blank = next((i for i, line in enumerate(block) if not line.strip()), len(block))
    for line in block[:blank]:
        if line[:1].isspace() and key is not None:
            fields[key] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if not colon or key not in _KEYS or key in fields:
            raise ValueError(f"line {line!r} is not one 'key: value' of {', '.join(_KEYS)}")
        fields[key] = value.strip()
    missing = [k for k in _REQUIRED if k not in fields]
    if shell is Shell.POWERSHELL and "powershell" not in fields:
        missing.append("powershell")
    if missing:
        raise ValueError(f"its comment block lacks {', '.join(missing)}")
    if fields["vmic-script"] != name:
        raise ValueError(f"it calls itself {fields['vmic-script']!r}")
    parameters = _items(fields["parameters"])
    for parameter in parameters:
        check_identifier(parameter, what="parameter name")
    version = None
    if "powershell" in fields:
        try:
            version = Version(fields["powershell"])
        except InvalidVersion:
            raise ValueError(f"powershell: {fields['powershell']!r} is not a version") from None
    return ScriptContract(
        name=name,
        runs_on=fields["runs-on"],
        shell=shell,
        powershell=version,
        parameters=parameters,
        sections=_items(fields["sections"]),
        errors=_items(fields["errors"]),
        cmdlets=_items(fields.get("cmdlets", "none")),
        commands=_items(fields.get("commands", "none")),
        wmi=_items(fields.get("wmi", "none")),
        description=" ".join(line.strip() for line in block[blank:]).strip(),
    )


def _expand(
    text: str,
    fragments: Mapping[str, str],
    seen: set[str],
    trail: tuple[str, ...],
) -> Iterator[str]:
    for line in text.splitlines():
        match = _INCLUDE.match(line)
        if match is None:
            yield line
            continue
        name, indent = match.group("name"), match.group("indent")
        if name in trail:
            raise ValueError(f"fragment {name!r} includes itself ({' > '.join((*trail, name))})")
        if name not in fragments:
            raise ValueError(f"there is no fragment {name!r}")
        if name in seen:
            continue
        seen.add(name)
        for included in _expand(fragments[name], fragments, seen, (*trail, name)):
            yield indent + included if included else included


def load_scripts(
    package: str, folder: str, *, generated: Mapping[str, str] | None = None
) -> dict[str, Script]:
    """Every script of a package folder, by name, with its fragments in place.

    Args:
        package: The package that holds the folder (``"vmic.clients"``).
        folder: The folder's name inside it.
        generated: Fragments written in Python, by name (no ``_``).

    Raises:
        vmic.ConfigurationError: A script or fragment is broken (no contract, a contract
            that does not parse, an unknown or circular include): a broken installation.
    """
    root = importlib.resources.files(package).joinpath(folder)
    files: dict[str, tuple[str, Shell]] = {}
    for entry in root.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in _SUFFIXES:
            files[entry.name] = (entry.read_text(encoding="utf-8"), _SUFFIXES[suffix])
    fragments = {name: text for name, (text, _) in files.items() if name.startswith("_")}
    fragments.update(generated or {})
    scripts: dict[str, Script] = {}
    for file_name, (text, shell) in sorted(files.items()):
        if file_name.startswith("_"):
            continue
        name = file_name.rpartition(".")[0]
        where = f"{package.replace('.', '/')}/{folder}/{file_name}"
        try:
            contract = _parse_contract(name, text, shell)
            sent = "\n".join(_expand(text, fragments, set(), ())) + "\n"
        except ValueError as error:
            raise ConfigurationError(f"the script {where} is broken: {error}") from None
        scripts[name] = Script(contract, sent, where)
    return dict(sorted(scripts.items()))
