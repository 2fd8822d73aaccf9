"""The client scripts: files with contracts, valid PowerShell and sh, no spliced values."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import tree_sitter_powershell
from hypothesis import given, settings
from tree_sitter import Language, Node, Parser

import vmic.clients
from tests.executors.hostile import hostile_names, hostile_text
from tests.executors.psgrammar import decoded_literals, parse
from vmic import ConfigurationError, ParseError
from vmic.clients import _scripts
from vmic.clients._sections import error_reason, load_json, split_sections
from vmic.executors import Shell, VmSelector
from vmic.executors._script_files import script_name
from vmic.executors._scripting import render_powershell

POWERSHELL_SCRIPTS = {
    name: script.text
    for name, script in _scripts.scripts().items()
    if script.contract.shell is Shell.POWERSHELL
}
POSIX_SCRIPTS = {
    name: script.text
    for name, script in _scripts.scripts().items()
    if script.contract.shell is Shell.POSIX
}
_PARSER = Parser(Language(tree_sitter_powershell.language()))
# Variables PowerShell itself provides, or the scripts' own preferences.
_AUTOMATIC = {
    "_",
    "null",
    "true",
    "false",
    "env",
    "ErrorActionPreference",
    "ProgressPreference",
    "PSVersionTable",
}


def _errors(node: Node) -> list[Node]:
    if node.type == "ERROR" or node.is_missing:
        return [node]
    return [error for child in node.children for error in _errors(child)]


def test_every_script_is_a_file_of_the_package_with_a_contract() -> None:
    folder = Path(vmic.clients.__file__).parent / _scripts.SCRIPT_FOLDER
    files = sorted(p.stem for p in folder.iterdir() if p.suffix in {".ps1", ".sh"})
    assert sorted(_scripts.scripts()) == [name for name in files if not name.startswith("_")]
    for name, script in _scripts.scripts().items():
        assert script.contract.name == name
        assert script.path.endswith(f"vmic/clients/scripts/{Path(script.path).name}")
        assert script.contract.description, name
        assert script.contract.runs_on in {"Hyper-V host", "Windows guest", "Linux guest"}
        # The text sent says what it is, so a host's log or the lab can tell it.
        assert script_name(script.text) == name
        assert "#vmic:include" not in script.text  # every fragment is in place


def test_a_script_takes_exactly_the_parameters_of_its_contract() -> None:
    script = _scripts.script("host-inventory-vm")
    assert script.command({"VMName": "dc01"}).parameters == {"VMName": "dc01"}
    with pytest.raises(ConfigurationError, match=r"missing \['VMName'\], unknown \['VMname'\]"):
        script.command({"VMname": "dc01"})
    with pytest.raises(ConfigurationError, match="there is no script 'host-nothing'"):
        _scripts.script("host-nothing")


def _code_lines(text: str) -> list[str]:
    """The lines of a script that say something (not only brackets), stripped."""
    return [
        line.strip()
        for line in text.splitlines()
        if re.search(r"\w", line) and not line.startswith("#vmic:include")
    ]


def test_shared_fragments_are_written_once_and_included() -> None:
    folder = Path(vmic.clients.__file__).parent / _scripts.SCRIPT_FOLDER
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    for fragment, text in sources.items():
        if not fragment.startswith("_"):
            continue
        users = [name for name, source in sources.items() if f"#vmic:include {fragment}" in source]
        assert users, f"{fragment} is included nowhere"
        # No three lines of a fragment in a row appear in another file: it is written once.
        lines = _code_lines(text)
        for start in range(len(lines) - 2):
            window = lines[start : start + 3]
            for name, source in sources.items():
                stripped = _code_lines(source)
                copies = [i for i in range(len(stripped) - 2) if stripped[i : i + 3] == window]
                assert name == fragment or not copies, (fragment, name, window)


@pytest.mark.parametrize("name", sorted(POWERSHELL_SCRIPTS))
def test_powershell_scripts_parse_without_error(name: str) -> None:
    script = POWERSHELL_SCRIPTS[name]
    tree = _PARSER.parse(script.encode("utf-8"))
    assert not tree.root_node.has_error, [e.text for e in _errors(tree.root_node)]


@pytest.mark.parametrize("name", sorted(POWERSHELL_SCRIPTS))
def test_powershell_scripts_read_only_the_parameters_of_their_contract(name: str) -> None:
    script = POWERSHELL_SCRIPTS[name]
    variables = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", script))
    outside = {v for v in variables if not v.startswith("vmic") and v not in _AUTOMATIC}
    assert outside == set(_scripts.script(name).contract.parameters)


@pytest.mark.parametrize("name", sorted(_scripts.scripts()))
def test_scripts_print_the_sections_and_errors_of_their_contract(name: str) -> None:
    script = _scripts.script(name)
    body = (
        script.text.split("#>", 1)[-1]
        if script.contract.shell is Shell.POWERSHELL
        else "\n".join(
            line for line in script.text.splitlines() if not line.lstrip().startswith("#")
        )
    )
    printed = set(re.findall(r"<<vmic:([a-z0-9$_-]+)>>", body))
    printed = {"pool-N" if p.startswith("pool-$") else p for p in printed}
    assert printed - {"end", "error"} == set(script.contract.sections)
    assert "end" in printed
    errors = set(
        re.findall(r"<<vmic:error>>'?\n\s*(?:echo\s+)?['\"]?([a-z][a-z-]*)\b(?!\s*[\"$])", body)
    )
    errors |= set(re.findall(r"vmic_error ([a-z][a-z-]*)", body))
    if "${vmic_out:-write-failed}" in body:  # python3's own words, printed by the script
        errors |= {"write-failed", *re.findall(r'print\("([a-z-]+)"\)\n\s*sys.exit', body)}
    assert errors == set(script.contract.errors), errors


def test_guest_scripts_needing_powershell_3_check_the_version_first() -> None:
    for name, script in _scripts.scripts().items():
        contract = script.contract
        if contract.runs_on != "Windows guest":
            continue
        guarded = "$PSVersionTable.PSVersion.Major -lt 3" in script.text
        assert guarded == (contract.powershell is not None and contract.powershell.major >= 3)
        assert ("powershell-version" in contract.errors) == guarded, name
        if guarded:  # the check comes before any cmdlet
            before = script.text.split("#>", 1)[1].split("$PSVersionTable")[0]
            assert not re.search(r"\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b", before), name


def _sh_expansions(script: str) -> list[tuple[str, bool]]:
    """Each ``$name`` / ``${name}`` of an sh script, with whether it is inside double quotes.

    Follows sh quoting far enough for these scripts: backslash escapes, single quotes,
    double quotes, comments, and ``$(...)``, inside which quoting starts afresh.
    """
    found: list[tuple[str, bool]] = []
    contexts = ["plain"]
    index = 0
    while index < len(script):
        char, top = script[index], contexts[-1]
        if char == "\\":
            index += 2
        elif char == "'" and top != "double":
            index = script.index("'", index + 1) + 1
        elif char == "#" and top != "double" and (index == 0 or script[index - 1] in " \t\n"):
            end = script.find("\n", index)
            index = len(script) if end < 0 else end
        elif char == '"':
            if top == "double":
                contexts.pop()
            else:
                contexts.append("double")
            index += 1
        elif script.startswith("$(", index):
            contexts.append("substitution")
            index += 2
        elif char == ")" and top == "substitution":
            contexts.pop()
            index += 1
        elif match := re.match(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", script[index:]):
            found.append((match.group(1), top == "double"))
            index += len(match.group(0))
        else:
            index += 1
    assert contexts == ["plain"], "unbalanced quotes or $(...)"
    return found


def test_the_sh_expansion_reader_sees_quoting() -> None:
    script = 'a=$X\necho "$Y $(f "$Z" $W)" \'$V\' \\$U # $T\n'
    assert _sh_expansions(script) == [("X", False), ("Y", True), ("Z", True), ("W", False)]


@pytest.mark.parametrize("name", sorted(POSIX_SCRIPTS))
def test_posix_scripts_read_only_their_own_parameters_and_always_quoted(name: str) -> None:
    expansions = _sh_expansions(POSIX_SCRIPTS[name])
    parameters = {variable for variable, _ in expansions if not variable.startswith("vmic_")} - {
        "PATH"
    }
    assert parameters == set(_scripts.script(name).contract.parameters)
    unquoted = [
        variable for variable, quoted in expansions if variable in parameters and not quoted
    ]
    assert unquoted == [], "a parameter outside double quotes is split and globbed by sh"


@pytest.mark.parametrize("name", sorted(POSIX_SCRIPTS))
def test_posix_scripts_are_valid_sh(name: str) -> None:
    for shell in ("/bin/sh", "/bin/bash"):
        checked = subprocess.run(
            [shell, "-n"], input=POSIX_SCRIPTS[name], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr


def test_vm_selection_is_the_executors_exact_selector() -> None:
    selection = "$vmicVms = " + VmSelector.by_name("any", parameter="VMName").expression
    for name, script in _scripts.scripts().items():
        if "VMName" in script.contract.parameters:
            assert selection in script.text, name
            assert script.text.count(selection) == 1, name
        assert "Get-VM -Name" not in script.text, name


def test_services_are_matched_by_guid_in_the_change_script() -> None:
    script = _scripts.script("host-set-services").text
    assert "-VMIntegrationService $vmicComponent" in script
    assert "-Name" not in script.replace("Get-Service -Name", "")
    assert "$vmicOn -contains $vmicGuid" in script
    assert "$vmicGuid = vmicComponentGuid $vmicComponent" in script


def test_the_change_script_selects_its_vms_with_the_executors_exact_tests() -> None:
    script = _scripts.script("host-set-services").text
    by_id = VmSelector.by_id(uuid.UUID(int=1), parameter="vmicKey").test
    by_name = VmSelector.by_name("any", parameter="vmicKey").test
    assert f"Where-Object {{ {by_id} }}" in script
    assert f"Where-Object {{ {by_name} }}" in script
    assert "Get-VM -Name" not in script
    # Every VM is found before the first change.
    assert script.index("vm-count") < script.index("Enable-VMIntegrationService")


def test_every_script_ends_its_output() -> None:
    for script in (*POWERSHELL_SCRIPTS.values(), *POSIX_SCRIPTS.values()):
        assert _scripts.END in script


# --- sections ---------------------------------------------------------------------------------


def test_sections_are_split_and_junk_before_them_is_ignored() -> None:
    text = (
        "WARNING: profile noise\r\n"
        '<<vmic:a>>\r\n{\r\n  "x": 1\r\n}\r\n<<vmic:b>>\r\n<<vmic:end>>\r\n'
    )
    sections = split_sections(text, required=("a", "b"))
    assert sections == {"a": '{\n  "x": 1\n}\n', "b": ""}
    assert load_json(sections["a"], section="a") == {"x": 1}


def test_a_line_separator_inside_json_is_not_a_line_break() -> None:
    text = '<<vmic:a>>\n["vm\u2028name\u0085"]\n<<vmic:end>>\n'
    sections = split_sections(text)
    assert load_json(sections["a"], section="a") == ["vm\u2028name\u0085"]


def test_cut_output_and_missing_sections_are_parse_errors() -> None:
    with pytest.raises(ParseError, match=r"no complete vmic output .* starts with 'garbage'"):
        split_sections("garbage\n<<vmic:a>>\n", what="the check")
    with pytest.raises(ParseError, match="printed nothing"):
        split_sections("", what="the check")
    with pytest.raises(ParseError, match="no 'b' section"):
        split_sections("<<vmic:a>>\n<<vmic:end>>\n", required=("a", "b"))


def test_an_error_section_excuses_missing_ones() -> None:
    sections = split_sections("<<vmic:error>>\nvm-count 2\n<<vmic:end>>\n", required=("after",))
    assert error_reason(sections) == ("vm-count", "2")
    assert error_reason({"a": ""}) is None
    assert error_reason({"error": "\n"}) == ("unknown", "")


def test_bad_json_points_into_the_section() -> None:
    with pytest.raises(ParseError) as info:
        load_json('{\n  "x": ,\n}', section="host")
    assert info.value.line == 2
    assert "the 'host' section is not valid JSON" in str(info.value)


def test_import_vmic_loads_neither_clients_nor_the_lab() -> None:
    code = (
        "import sys, vmic\n"
        "assert 'vmic.clients' not in sys.modules, 'clients'\n"
        "assert 'vmic.testing' not in sys.modules, 'testing'\n"
        "import vmic.clients\n"
        "assert 'vmic.testing' not in sys.modules, 'clients load the lab'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- operations: hostile values stay data -----------------------------------------------------

_OPERATION_TEXT = {
    "host-wait": ("VMName", "Key", "Prefix"),
    "host-copy-file": ("VMName", "Source", "Destination"),
    "host-shutdown": ("VMName",),
}
_OPERATION_OTHERS: dict[str, dict[str, str | float | bool]] = {
    "host-wait": {
        "For": "kvp",
        "Family": "",
        "HeartbeatId": "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
        "Timeout": 5.0,
        "Poll": 1.0,
        "MaxPoll": 8.0,
    },
    "host-copy-file": {"CreatePath": True, "Overwrite": False, "Check": False},
    "host-shutdown": {"Timeout": 5.0, "Poll": 1.0, "MaxPoll": 8.0, "Force": True, "TurnOff": True},
}


def _operation(name: str, values: tuple[str, ...]) -> str:
    parameters = dict(zip(_OPERATION_TEXT[name], values, strict=True))
    command = _scripts.script(name).command({**parameters, **_OPERATION_OTHERS[name]})
    return render_powershell(command)


@settings(max_examples=150)
@given(vm=hostile_names(), first=hostile_text(), second=hostile_text())
@pytest.mark.parametrize("name", sorted(_OPERATION_TEXT))
def test_operation_scripts_keep_hostile_names_paths_and_keys_one_literal(
    name: str, vm: str, first: str, second: str
) -> None:
    count = len(_OPERATION_TEXT[name])
    benign = ("vm-benign", "first-benign", "second-benign")[:count]
    hostile = (vm, first, second)[:count]
    parsed, reference = parse(_operation(name, hostile)), parse(_operation(name, benign))
    assert not reference.has_error
    assert not parsed.has_error
    assert parsed.shape == reference.shape
    got, want = decoded_literals(parsed), decoded_literals(reference)
    for value, benign_value in zip(hostile, benign, strict=True):
        assert want.count(benign_value) == 1
        assert got[want.index(benign_value)] == value
