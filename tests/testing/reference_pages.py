"""Read the contract data of vmic's scripts from Microsoft's reference pages.

The pages are the Markdown sources of Microsoft's documentation repositories, read from
local clones (any git directory, bare or not) at their checked-out commit:

- MicrosoftDocs/windows-powershell-docs: the Hyper-V module of Windows Server 2016 to 2025
  (``docset/winserver20XX-ps/Hyper-V/<Cmdlet>.md``);
- MicrosoftDocs/PowerShell-Docs: Windows PowerShell 5.1 (``reference/5.1/<Module>/<Cmdlet>.md``
  and ``about_CommonParameters.md``);
- MicrosoftDocs/win32: the WMI classes (``desktop-src/HyperV_v2/*.md``,
  ``desktop-src/CIMWin32Prov/*.md``).

Regenerate ``src/vmic/testing/reference/*.json`` with::

    python -m tests.testing.reference_pages \\
        --windows-powershell-docs DIR --powershell-docs DIR --win32 DIR

A cmdlet page's SYNTAX section gives its parameter sets (one code block per set: a
parameter in brackets is optional, ``[-Name] <T>`` is positional, a name without ``<T>`` is
a switch); its PARAMETERS section gives each parameter's aliases, position and whether it
takes pipeline input. A WMI class page's MOF block gives its properties, its Methods table its
methods, and each method's page the method's parameters.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Final

HYPERV_EDITIONS: Final = {
    "Windows Server 2016": "docset/winserver2016-ps/Hyper-V",
    "Windows Server 2019": "docset/winserver2019-ps/Hyper-V",
    "Windows Server 2022": "docset/winserver2022-ps/Hyper-V",
    "Windows Server 2025": "docset/winserver2025-ps/Hyper-V",
}
HYPERV_CMDLETS: Final = (
    "Copy-VMFile",
    "Disable-VMIntegrationService",
    "Enable-VMIntegrationService",
    "Get-VM",
    "Get-VMIntegrationService",
    "Start-VM",
    "Stop-VM",
)
# Windows PowerShell 5.1 cmdlets whose parameter sets are kept (those vmic's scripts, the
# commands it shows and its transports use); every other 5.1 cmdlet is kept by name only.
POWERSHELL_CMDLETS: Final = {
    "CimCmdlets": (
        "Get-CimAssociatedInstance",
        "Get-CimInstance",
        "Invoke-CimMethod",
        "New-CimInstance",
    ),
    "Microsoft.PowerShell.Core": (
        "ForEach-Object",
        "Invoke-Command",
        "Receive-Job",
        "Remove-Job",
        "Stop-Job",
        "Where-Object",
    ),
    "Microsoft.PowerShell.Management": (
        "Get-Item",
        "Get-ItemProperty",
        "Get-Service",
        "New-ItemProperty",
        "Restart-Service",
        "Set-Content",
        "Set-Service",
        "Start-Service",
        "Stop-Service",
        "Test-Path",
    ),
    "Microsoft.PowerShell.Security": ("ConvertTo-SecureString",),
    "Microsoft.PowerShell.Utility": (
        "ConvertFrom-Json",
        "ConvertTo-Json",
        "Format-Table",
        "Get-Variable",
        "New-Object",
        "Remove-Variable",
        "Select-Object",
        "Start-Sleep",
    ),
}
WMI_CLASSES: Final = {
    "Msvm_ComputerSystem": "desktop-src/HyperV_v2/msvm-computersystem.md",
    "Msvm_ConcreteJob": "desktop-src/HyperV_v2/msvm-concretejob.md",
    "Msvm_KvpExchangeComponent": "desktop-src/HyperV_v2/msvm-kvpexchangecomponent.md",
    "Msvm_KvpExchangeComponentSettingData": (
        "desktop-src/HyperV_v2/msvm-kvpexchangecomponentsettingdata.md"
    ),
    "Msvm_KvpExchangeDataItem": "desktop-src/HyperV_v2/msvm-kvpexchangedataitem.md",
    "Msvm_VirtualSystemManagementService": (
        "desktop-src/HyperV_v2/msvm-virtualsystemmanagementservice.md"
    ),
    "Msvm_VirtualSystemSettingData": "desktop-src/HyperV_v2/msvm-virtualsystemsettingdata.md",
    "Win32_ComputerSystem": "desktop-src/CIMWin32Prov/win32-computersystem.md",
    "Win32_OperatingSystem": "desktop-src/CIMWin32Prov/win32-operatingsystem.md",
}
# The methods whose parameters are kept (the class's other methods are kept by name).
WMI_METHODS: Final = {
    "Msvm_VirtualSystemManagementService": ("AddKvpItems", "ModifyKvpItems", "RemoveKvpItems"),
}

_SYNTAX_ELEMENT: Final = re.compile(
    r"\[\[-(?P<optional_positional>\w+)\]\s*<[^>]+>\]"
    r"|\[-(?P<mandatory_positional>\w+)\]\s+<[^>]+>"
    r"|\[-(?P<optional_named>\w+)\s+<[^>]+>\]"
    r"|\[-(?P<optional_switch>\w+)\]"
    r"|-(?P<mandatory_named>\w+)\s+<[^>]+>"
    r"|-(?P<mandatory_switch>\w+)"
    r"|(?P<common>\[<CommonParameters>\])"
)
# "This cmdlet was introduced in ...", "This parameter was introduced in ...", "The `X`
# parameter was added in ...", "Introduced in ..." opening a parameter's text; other sentences
# ("The simplified syntax was introduced in ...", "The Ignore value ...") say nothing of the
# cmdlet or the parameter. Matched in text whose white space is one space.
_CMDLET_INTRODUCED: Final = re.compile(
    r"This cmdlet was (?:introduced|added) in (?:Windows )?PowerShell (\d+(?:\.\d+)?)"
)
_PARAMETER_INTRODUCED: Final = re.compile(
    r"(?:(?:This|The `\w+`) parameter (?:was|is) (?:introduced|added) in|^Introduced in)"
    r" (?:Windows )?PowerShell (\d+(?:\.\d+)?)"
)
_MOF_PROPERTY: Final = re.compile(r"^\s*\w+\s+(\w+)(?:\[\])?\s*(?:=[^;]*)?;\s*$", re.MULTILINE)
_MOF_PARAMETER: Final = re.compile(r"\[(in|out)\]\s+[\w ]+?\s+(?:REF\s+)?(\w+)(?:\[\])?\s*[,)]")


class Repository:
    """A local clone of a documentation repository, read at its checked-out commit."""

    def __init__(self, name: str, directory: Path) -> None:
        self.name = name
        self.directory = directory
        self.commit = self._git("rev-parse", "HEAD").strip()

    def _git(self, *arguments: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.directory), *arguments],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def read(self, path: str) -> str:
        """The text of *path* at the commit."""
        return self._git("show", f"{self.commit}:{path}")

    def files(self, folder: str) -> list[str]:
        """The paths of the files directly in *folder*."""
        listing = self._git("ls-tree", "--name-only", self.commit, folder.rstrip("/") + "/")
        return [line for line in listing.splitlines() if line]

    def source(self, path: str) -> dict[str, str]:
        """Where a fact comes from."""
        return {"repository": self.name, "path": path, "commit": self.commit}


def section(text: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next heading of that level."""
    match = re.search(
        rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL
    )
    return "" if match is None else match.group(1)


def parse_syntax(text: str) -> list[dict[str, Any]]:
    """The parameter sets of a cmdlet page's SYNTAX section."""
    sets = []
    syntax = section(text, "SYNTAX")
    for match in re.finditer(
        r"^### (.+?)\s*$\s*```\w*\s*$(.*?)^```", syntax, re.MULTILINE | re.DOTALL
    ):
        title, block = match.group(1), match.group(2)
        default = "(Default)" in title
        name = title.replace("(Default)", "").strip()
        body = " ".join(block.split()).split(" ", 1)[1] if block.strip() else ""
        parameters = []
        common = False
        for element in _SYNTAX_ELEMENT.finditer(body):
            kind = element.lastgroup
            if kind == "common":
                common = True
                continue
            assert kind is not None
            parameters.append(
                {
                    "name": element.group(kind),
                    "mandatory": kind.startswith("mandatory"),
                    "positional": kind.endswith("positional"),
                    "switch": kind.endswith("switch"),
                }
            )
        sets.append({"name": name, "default": default, "common": common, "parameters": parameters})
    if not sets:  # a cmdlet with one unnamed set writes its block without a ### heading
        block = re.search(r"```\w*\s*$(.*?)^```", syntax, re.MULTILINE | re.DOTALL)
        if block is not None:
            sets = parse_syntax(
                "## SYNTAX\n### __AllParameterSets (Default)\n```\n" + block.group(1) + "```\n"
            )
    return sets


def parse_parameters(text: str) -> dict[str, dict[str, Any]]:
    """Per parameter of a PARAMETERS section: aliases, positions by set, pipeline input."""
    found: dict[str, dict[str, Any]] = {}
    body = section(text, "PARAMETERS")
    for match in re.finditer(r"^### -(\w+)\s*$(.*?)(?=^### |\Z)", body, re.MULTILINE | re.DOTALL):
        name, chunk = match.group(1), match.group(2)
        aliases: set[str] = set()
        pipeline = False
        positions: dict[str, int] = {}
        for block in re.findall(r"```yaml\s*$(.*?)^```", chunk, re.MULTILINE | re.DOTALL):
            fields = {
                key.strip(): value.strip()
                for key, _, value in (line.partition(":") for line in block.splitlines())
                if key.strip()
            }
            aliases.update(a.strip() for a in fields.get("Aliases", "").split(",") if a.strip())
            pipeline = pipeline or fields.get("Accept pipeline input", "").startswith("True")
            position = fields.get("Position", "Named")
            if position.isdigit():
                for set_name in fields.get("Parameter Sets", "(All)").split(","):
                    positions[set_name.strip()] = int(position)
        introduced = _PARAMETER_INTRODUCED.search(" ".join(chunk.split("```", 1)[0].split()))
        found[name] = {
            "aliases": sorted(aliases),
            "pipeline": pipeline,
            "positions": positions,
            "introduced": None if introduced is None else introduced.group(1),
        }
    return found


def cmdlet_entry(repository: Repository, path: str, **extra: str) -> dict[str, Any]:
    """One cmdlet's contract: its parameter sets and its parameters."""
    text = repository.read(path)
    name = re.search(r"^title:\s*(\S+)\s*$", text, re.MULTILINE)
    if name is None:
        msg = f"{path} has no title"
        raise ValueError(msg)
    details = parse_parameters(text)
    sets = parse_syntax(text)
    for parameter_set in sets:
        ordinal = 0
        for parameter in parameter_set["parameters"]:
            detail = details.get(parameter["name"], {})
            positions = detail.get("positions", {})
            if parameter["positional"]:
                position = positions.get(parameter_set["name"], positions.get("(All)", ordinal))
                parameter["position"] = position
                ordinal = position + 1
            parameter["pipeline"] = bool(detail.get("pipeline", False))
    introduced = _CMDLET_INTRODUCED.search(" ".join(section(text, "DESCRIPTION").split()))
    return {
        "name": name.group(1),
        **extra,
        "source": repository.source(path),
        "introduced": None if introduced is None else introduced.group(1),
        "parameter_sets": sets,
        "aliases": {
            alias: parameter
            for parameter, detail in sorted(details.items())
            for alias in detail["aliases"]
        },
        "parameters_introduced": {
            parameter: detail["introduced"]
            for parameter, detail in sorted(details.items())
            if detail["introduced"] is not None
        },
    }


def common_parameters(repository: Repository) -> dict[str, Any]:
    """The common and risk-mitigation parameters of Windows PowerShell 5.1."""
    path = "reference/5.1/Microsoft.PowerShell.Core/About/about_CommonParameters.md"
    text = repository.read(path)
    listed = re.findall(r"^- `(\w+)` \(`?(\w+)`?\)\s*$", text, re.MULTILINE)
    parameters = []
    for name, alias in listed:
        chunk = re.search(rf"^### -{name}\s*$(.*?)(?=^### |\Z)", text, re.MULTILINE | re.DOTALL)
        prose = "" if chunk is None else " ".join(chunk.group(1).split())
        introduced = _PARAMETER_INTRODUCED.search(prose)
        parameters.append(
            {
                "name": name,
                "alias": alias,
                "introduced": None if introduced is None else introduced.group(1),
            }
        )
    return {"source": repository.source(path), "parameters": parameters}


def front_matter_aliases(text: str) -> list[str]:
    """The ``aliases:`` list of a page's front matter (the cmdlet's built-in aliases)."""
    match = re.match(r"---\s*$(.*?)^---", text, re.MULTILINE | re.DOTALL)
    if match is None:
        return []
    block = re.search(r"^aliases:\s*$((?:\s*-\s*\S+\s*$)+)", match.group(1), re.MULTILINE)
    return [] if block is None else re.findall(r"-\s*(\S+)", block.group(1))


def known_cmdlets(repository: Repository) -> list[dict[str, Any]]:
    """Every cmdlet of the Windows PowerShell 5.1 reference, by name and module."""
    found = []
    for folder in repository.files("reference/5.1"):
        module = folder.rsplit("/", 1)[-1]
        for path in repository.files(folder):
            file_name = path.rsplit("/", 1)[-1]
            if re.fullmatch(r"[A-Z][A-Za-z]+-[A-Za-z0-9]+\.md", file_name):
                found.append(
                    {
                        "name": file_name[:-3],
                        "module": module,
                        "aliases": front_matter_aliases(repository.read(path)),
                        "source": repository.source(path),
                    }
                )
    return sorted(found, key=lambda entry: entry["name"].casefold())


def newer_cmdlets(repository: Repository, known: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cmdlets of PowerShell 7 (``reference/7.4`` onwards) that 5.1 does not have."""
    old = {entry["name"].casefold() for entry in known}
    found: dict[str, dict[str, Any]] = {}
    for version in ("7.4", "7.5", "7.6", "7.7"):
        for folder in repository.files(f"reference/{version}"):
            for path in repository.files(folder):
                file_name = path.rsplit("/", 1)[-1]
                name = file_name[:-3]
                if not re.fullmatch(r"[A-Z][A-Za-z]+-[A-Za-z0-9]+\.md", file_name):
                    continue
                if name.casefold() in old or name.casefold() in found:
                    continue
                found[name.casefold()] = {
                    "name": name,
                    "module": folder.rsplit("/", 1)[-1],
                    "source": repository.source(path),
                }
    return sorted(found.values(), key=lambda entry: entry["name"].casefold())


def wmi_class(repository: Repository, name: str, path: str) -> dict[str, Any]:
    """One WMI class: its properties and methods (with the parameters of those kept)."""
    text = repository.read(path)
    mof = re.search(r"```\s*syntax\s*$(.*?)^```", text, re.MULTILINE | re.DOTALL)
    if mof is None:
        msg = f"{path} has no MOF syntax block"
        raise ValueError(msg)
    body = mof.group(1).split("{", 1)[1]
    properties = _MOF_PROPERTY.findall(body)
    methods: dict[str, Any] = {}
    table = re.search(r"^### Methods\s*$(.*?)(?=^### |\Z)", text, re.MULTILINE | re.DOTALL)
    if table is not None:
        for method, page in re.findall(r"\[\*\*(\w+)\*\*\]\(([\w.-]+\.md)\)", table.group(1)):
            entry: dict[str, Any] = {
                "source": repository.source(f"{path.rsplit('/', 1)[0]}/{page}")
            }
            if method in WMI_METHODS.get(name, ()):
                method_text = repository.read(entry["source"]["path"])
                signature = re.search(r"```\w*\s*$(.*?)^```", method_text, re.MULTILINE | re.DOTALL)
                if signature is None:
                    msg = f"{page} has no signature"
                    raise ValueError(msg)
                entry["parameters"] = [
                    {"name": parameter, "direction": direction}
                    for direction, parameter in _MOF_PARAMETER.findall(signature.group(1))
                ]
            methods[method] = entry
    return {
        "name": name,
        "source": repository.source(path),
        "properties": properties,
        "methods": methods,
    }


def build(
    windows_powershell_docs: Repository, powershell_docs: Repository, win32: Repository
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cmdlet data and the WMI data."""
    cmdlets = [
        cmdlet_entry(
            windows_powershell_docs, f"{folder}/{cmdlet}.md", module="Hyper-V", edition=edition
        )
        for edition, folder in HYPERV_EDITIONS.items()
        for cmdlet in HYPERV_CMDLETS
    ]
    cmdlets += [
        cmdlet_entry(
            powershell_docs,
            f"reference/5.1/{module}/{cmdlet}.md",
            module=module,
            edition="Windows PowerShell 5.1",
        )
        for module, names in POWERSHELL_CMDLETS.items()
        for cmdlet in names
    ]
    known = known_cmdlets(powershell_docs)
    cmdlet_data = {
        "common_parameters": common_parameters(powershell_docs),
        "cmdlets": cmdlets,
        "known_cmdlets": known,
        "newer_cmdlets": newer_cmdlets(powershell_docs, known),
    }
    wmi_data = {"classes": [wmi_class(win32, name, path) for name, path in WMI_CLASSES.items()]}
    return cmdlet_data, wmi_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--windows-powershell-docs", type=Path, required=True)
    parser.add_argument("--powershell-docs", type=Path, required=True)
    parser.add_argument("--win32", type=Path, required=True)
    parser.add_argument(
        "--out", type=Path, default=Path("src/vmic/testing/reference"), help="where to write"
    )
    args = parser.parse_args()
    cmdlets, wmi = build(
        Repository("MicrosoftDocs/windows-powershell-docs", args.windows_powershell_docs),
        Repository("MicrosoftDocs/PowerShell-Docs", args.powershell_docs),
        Repository("MicrosoftDocs/win32", args.win32),
    )
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in (("cmdlets.json", cmdlets), ("wmi.json", wmi)):
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False)
        (args.out / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
