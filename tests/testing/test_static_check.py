"""The static check: every shipped script against the documented contracts; each rule proven.

The check itself is :mod:`tests.testing.pscheck` (tree-sitter); the suite also runs it on
every PowerShell text the lab receives (``tests/conftest.py``).
"""

from __future__ import annotations

import uuid

import attrs
import pytest

from tests.testing.pscheck import RULES, calls, check
from tests.testing.seeds import guest_without_guard, old_kvp_change
from vmic.clients import _scripts
from vmic.diagnosis import _fixes
from vmic.executors import Shell, VmSelector
from vmic.executors._powershell import BOOTSTRAP
from vmic.model import IntegrationService
from vmic.testing._powershell import read
from vmic.testing._shell import PS_ECHO, PS_EXIT, PS_FLOOD, PS_HANG, PS_WRITE

POWERSHELL = {
    name: script
    for name, script in _scripts.scripts().items()
    if script.contract.shell is Shell.POWERSHELL
}
# What else vmic runs or shows in PowerShell: its transport's bootstrap, the exact VM
# selection, the fixes the diagnosis prints, the primitives of the executor contract.
OTHER_POWERSHELL = {
    "bootstrap": BOOTSTRAP,
    "select-by-name": VmSelector.by_name("web*").statement(),
    "select-by-id": VmSelector.by_id(uuid.UUID(int=7)).statement(),
    "fix-enable": _fixes.enable_on_host("dc01", None, IntegrationService.VSS).commands[0],
    "fix-disable": _fixes.disable_on_host(
        "dc01", str(uuid.UUID(int=9)), IntegrationService.VSS
    ).commands[0],
    "fix-start-vm": _fixes.start_vm("dc01", None).commands[0],
    "fix-service": "\n".join(_fixes.start_windows_service("vmicvss", enable_startup=True).commands),
    "fix-restart": _fixes.restart_windows_service("vmicvss").commands[0],
    **{
        f"primitive-{i}": text
        for i, text in enumerate((PS_ECHO, PS_EXIT, PS_FLOOD, PS_HANG, PS_WRITE))
    },
}


@pytest.mark.parametrize("name", sorted(POWERSHELL))
def test_every_shipped_script_keeps_every_rule(name: str) -> None:
    script = POWERSHELL[name]
    assert check(script.text, contract=script.contract) == []


@pytest.mark.parametrize("name", sorted(OTHER_POWERSHELL))
def test_what_else_vmic_runs_or_shows_keeps_every_rule(name: str) -> None:
    assert check(OTHER_POWERSHELL[name]) == []


SEEDED = [
    ("parse", "Get-VM | Where-Object { $_.Name"),
    ("parameter-set", "Stop-VM -VM $vm -TurnOn"),
    ("parameter-set", "Hyper-V\\Get-VM -Name 'a' -Id $id"),
    ("parameter-set", "Copy-VMFile -VM $vm -SourcePath 'a' -DestinationPath 'b'"),
    ("parameter-set", "Get-Item -Path 'a' -LiteralPath 'b'"),
    ("parameter-set", "1..3 | ForEach-Object -Parallel { $_ }"),
    ("parameter-set", "$x | ConvertFrom-Json -AsHashtable"),
    ("parameter-set", "$x | ConvertFrom-Json -Depth 5"),
    ("parameter-set", "$x | ConvertFrom-Json -NoEnumerate"),
    ("parameter-set", "$x | ConvertTo-Json -AsArray"),
    ("parameter-set", "$x | ConvertTo-Json -EnumsAsStrings"),
    ("parameter-set", "Get-VM -ProgressAction SilentlyContinue"),
    ("cmdlet", "Get-Error"),
    ("cmdlet", "$a | Join-String -Separator ','"),
    ("cmdlet", "Test-Json -Json $x"),
    ("syntax-5.1", "Get-VM && Get-Service"),
    ("syntax-5.1", "Get-VM || Get-Service"),
    ("syntax-5.1", "$a = $b ?? 'none'"),
    ("syntax-5.1", "$a ??= 'none'"),
    ("syntax-5.1", "$a = $b ? 'yes' : 'no'"),
    ("syntax-5.1", "${a}?.Name"),
    ("syntax-5.1", "if ($IsWindows) { 'w' }"),
    ("syntax-5.1", "Get-VM &"),
    ("json-array", "$items = @(Get-Content -Path 'a.json' | ConvertFrom-Json)"),
    ("json-array", old_kvp_change()),
    ("wmi", "Get-CimInstance -ClassName 'Msvm_KvpExchangeComponents'"),
    (
        "wmi",
        (
            "$s = Get-CimInstance -ClassName 'Msvm_VirtualSystemManagementService'\n"
            "Invoke-CimMethod -InputObject $s -MethodName 'AddKvpItems' -Arguments "
            "@{ TargetSystem = $vm; Items = @($x) }"
        ),
    ),
    (
        "wmi",
        (
            "New-CimInstance -ClassName 'Msvm_KvpExchangeDataItem' -ClientOnly "
            "-Property @{ Name = 'a'; Value = 'b' }"
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "script"), SEEDED, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SEEDED)]
)
def test_the_check_catches_a_seeded_violation_of_each_rule(rule: str, script: str) -> None:
    found = check(script)
    assert [v.rule for v in found] == [rule], found


def test_every_rule_is_seeded() -> None:
    seeded = {rule for rule, _ in SEEDED} | {"powershell-2.0", "contract"}
    assert seeded == set(RULES)


def test_windows_guest_scripts_parse_on_powershell_2_or_say_they_need_3() -> None:
    contract = _scripts.script("windows-services").contract
    assert check(guest_without_guard(), contract=contract)[0].rule == "powershell-2.0"
    with_in = _scripts.script("windows-observe").text.replace(
        "if ($null -ne $vmicProvider)", "if ($vmicProvider -in @(1))"
    )
    rules = [v.rule for v in check(with_in, contract=_scripts.script("windows-observe").contract)]
    assert rules == ["powershell-2.0"]
    # A command typed for a guest must run on the guest's own PowerShell, 2.0 on Windows 7.
    found = check("Get-Service -Name 'vmic*' | ConvertTo-Json", windows_guest=True)
    assert [v.rule for v in found] == ["powershell-2.0"]
    assert "ConvertTo-Json" in found[0].message
    # A script that says it runs on 2.0 uses nothing 3.0 brought.
    version = _scripts.script("windows-version")
    newer = version.text.replace("'<<vmic:reg>>'", "'<<vmic:reg>>'\nConvertTo-Json -InputObject 1")
    found = check(newer, contract=version.contract)
    # Its comment block does not name ConvertTo-Json either (the contract rule).
    assert {v.rule for v in found} == {"powershell-2.0", "contract"}
    assert any(v.rule == "powershell-2.0" and "ConvertTo-Json" in v.message for v in found)


def test_a_contract_that_does_not_match_its_script_is_caught() -> None:
    script = _scripts.script("host-shutdown")
    fewer = attrs.evolve(script.contract, cmdlets=("Stop-VM",))
    assert [v.rule for v in check(script.text, contract=fewer)] == ["contract"]
    older = attrs.evolve(script.contract, powershell=None)
    assert check(script.text, contract=older) == []  # no stated version: nothing to compare
    guests = _scripts.script("host-inventory-guests")
    too_old = attrs.evolve(
        guests.contract, powershell=_scripts.script("host-wait").contract.powershell
    )
    found = check(guests.text, contract=too_old)
    assert {v.rule for v in found} == {"contract"}
    assert any("::new" in v.message for v in found)
    wrong = attrs.evolve(script.contract, wmi=("Msvm_ComputerSystem.Nmae",))
    assert [v.rule for v in check(script.text, contract=wrong)] == ["wmi"]


TYPED = [
    'Get-VMIntegrationService -VMName "DemoVM"',
    "Get-VMIntegrationService DemoVM 'Heartbeat','Shutdown'",
    "Disable-VMIntegrationService -Name Shutdown,VSS -VMName DemoVM",
    'Enable-VMIntegrationService -VMName "DemoVM" -Name "Guest Service Interface" -Passthru',
    "Get-Service -Name vmic* | FT -AutoSize",
    'REG QUERY "HKLM\\Software\\Microsoft\\Virtual Machine\\Auto" /v IntegrationServicesVersion',
    "New-Object System.Management.Automation.PSCredential($a, $b) -Property:@{}",
]


def _shape(text: str) -> list[tuple[str, bool, bool, tuple[tuple[str | None, bool], ...]]]:
    return [
        (
            call.name,
            call.piped,
            call.native,
            tuple((e.parameter, e.argument is not None) for e in call.elements),
        )
        for call in calls(text)
    ]


def _lab_shape(text: str) -> list[tuple[str, bool, bool, tuple[tuple[str | None, bool], ...]]]:
    return [
        (
            call.name,
            call.piped,
            call.native,
            tuple((e.parameter, e.argument is not None) for e in call.elements),
        )
        for call in read(text).calls
    ]


@pytest.mark.parametrize(
    "text",
    [*(s.text for s in POWERSHELL.values()), *OTHER_POWERSHELL.values(), *TYPED],
)
def test_the_labs_reader_agrees_with_the_grammar(text: str) -> None:
    # The lab holds scripts to the contracts with its own small reader; on everything vmic
    # sends or shows it must find the very calls the grammar finds.
    assert _lab_shape(text) == _shape(text)
