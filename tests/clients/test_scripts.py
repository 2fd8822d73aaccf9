"""The client scripts as text: valid PowerShell and sh, no spliced values, readable sections."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import tree_sitter_powershell
from hypothesis import given, settings
from tree_sitter import Language, Node, Parser

from tests.executors.hostile import hostile_names, hostile_text
from tests.executors.psgrammar import decoded_literals, parse
from vmic import ParseError
from vmic.clients import _scripts
from vmic.clients._sections import error_reason, load_json, split_sections
from vmic.executors import Command, Shell, VmSelector
from vmic.executors._scripting import render_powershell

POWERSHELL_SCRIPTS = {
    "HOST_INVENTORY": _scripts.HOST_INVENTORY,
    "HOST_INVENTORY_VM": _scripts.HOST_INVENTORY_VM,
    "HOST_INVENTORY_GUESTS": _scripts.HOST_INVENTORY_GUESTS,
    "HOST_SET_SERVICES": _scripts.HOST_SET_SERVICES,
    "HOST_WAIT": _scripts.HOST_WAIT,
    "HOST_COPY_FILE": _scripts.HOST_COPY_FILE,
    "HOST_SHUTDOWN": _scripts.HOST_SHUTDOWN,
    "WINDOWS_OBSERVE": _scripts.WINDOWS_OBSERVE,
    "WINDOWS_VERSION": _scripts.WINDOWS_VERSION,
    "WINDOWS_SERVICES": _scripts.WINDOWS_SERVICES,
    "WINDOWS_START": _scripts.WINDOWS_START,
    "WINDOWS_STOP": _scripts.WINDOWS_STOP,
    "WINDOWS_SET_STARTUP": _scripts.WINDOWS_SET_STARTUP,
    "HOST_KVP_READ": _scripts.HOST_KVP_READ,
    "HOST_KVP_CHANGE": _scripts.HOST_KVP_CHANGE,
    "WINDOWS_KVP_READ": _scripts.WINDOWS_KVP_READ,
    "WINDOWS_KVP_PUBLISH": _scripts.WINDOWS_KVP_PUBLISH,
}
POSIX_SCRIPTS = {
    "LINUX_OBSERVE": _scripts.LINUX_OBSERVE,
    "LINUX_RELEASE": _scripts.LINUX_RELEASE,
    "LINUX_KVP_POOLS": _scripts.LINUX_KVP_POOLS,
    "LINUX_START": _scripts.LINUX_START,
    "LINUX_STOP": _scripts.LINUX_STOP,
    "LINUX_KVP_PUBLISH": _scripts.LINUX_KVP_PUBLISH,
}
# The parameters each script reads, and nothing else may vary.
PARAMETERS = {
    "HOST_INVENTORY": set(),
    "HOST_INVENTORY_VM": {"VMName"},
    "HOST_INVENTORY_GUESTS": {
        "VmicUser",
        "VmicPassword",
        "VmicGuestScript",
        "VmicGuestTimeout",
        "VmicThrottle",
    },
    "HOST_SET_SERVICES": {"VMName", "Enable", "Disable"},
    "HOST_WAIT": {
        "VMName",
        "For",
        "Key",
        "Prefix",
        "Family",
        "HeartbeatId",
        "Timeout",
        "Poll",
        "MaxPoll",
    },
    "HOST_COPY_FILE": {"VMName", "Source", "Destination", "CreatePath", "Overwrite"},
    "HOST_SHUTDOWN": {"VMName", "Timeout", "Poll", "MaxPoll", "Force"},
    "WINDOWS_OBSERVE": set(),
    "WINDOWS_VERSION": set(),
    "WINDOWS_SERVICES": set(),
    "WINDOWS_START": {"Name"},
    "WINDOWS_STOP": {"Name"},
    "WINDOWS_SET_STARTUP": {"Name", "StartupType"},
    "HOST_KVP_READ": {"VMName", "Component"},
    "HOST_KVP_CHANGE": {"VMName", "Component", "Operation", "Key", "Value"},
    "WINDOWS_KVP_READ": set(),
    "WINDOWS_KVP_PUBLISH": {"Key", "Value"},
}
_PARSER = Parser(Language(tree_sitter_powershell.language()))


def _errors(node: Node) -> list[Node]:
    if node.type == "ERROR" or node.is_missing:
        return [node]
    return [error for child in node.children for error in _errors(child)]


@pytest.mark.parametrize("name", sorted(POWERSHELL_SCRIPTS))
def test_powershell_scripts_parse_without_error(name: str) -> None:
    script = POWERSHELL_SCRIPTS[name]
    tree = _PARSER.parse(script.encode("utf-8"))
    assert not tree.root_node.has_error, [e.text for e in _errors(tree.root_node)]
    assert not re.search(r"\{(selection|properties|check|action|verb|method)\}", script)


@pytest.mark.parametrize("name", sorted(POWERSHELL_SCRIPTS))
def test_powershell_scripts_read_only_their_own_parameters(name: str) -> None:
    script = POWERSHELL_SCRIPTS[name]
    variables = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", script))
    outside = {
        v
        for v in variables
        if not v.startswith("vmic")
        and v
        not in {"_", "null", "true", "false", "env", "ErrorActionPreference", "ProgressPreference"}
    }
    assert outside == PARAMETERS[name]


# The parameters each POSIX script reads (as "$Name", always inside double quotes).
POSIX_PARAMETERS = {
    "LINUX_OBSERVE": {"Units", "Paths", "Services"},
    "LINUX_RELEASE": set(),
    "LINUX_KVP_POOLS": set(),
    "LINUX_START": {"Daemon", "Unit", "Sudo"},
    "LINUX_STOP": {"Daemon", "Unit", "Sudo"},
    "LINUX_KVP_PUBLISH": {"PoolFile", "Key", "Value", "Sudo"},
}


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
    assert parameters == POSIX_PARAMETERS[name]
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
    assert not re.search(r"\{(verb|method|action)\}", POSIX_SCRIPTS[name])


def test_vm_selection_is_the_executors_exact_selector() -> None:
    assert VmSelector.by_name("any", parameter="VMName").expression == _scripts.SELECT_ONE_VM
    assert _scripts.SELECT_ONE_VM in _scripts.HOST_INVENTORY_VM
    assert _scripts.SELECT_ONE_VM in _scripts.HOST_SET_SERVICES
    for script in (_scripts.HOST_WAIT, _scripts.HOST_COPY_FILE, _scripts.HOST_SHUTDOWN):
        assert _scripts.SELECT_ONE_VM in script
        assert "Get-VM -Name" not in script
    assert _scripts.SELECT_ONE_VM in _scripts.HOST_KVP_READ
    assert _scripts.SELECT_ONE_VM in _scripts.HOST_KVP_CHANGE
    assert "Get-VM -Name" not in _scripts.HOST_INVENTORY_VM


def test_services_are_matched_by_guid_in_the_change_script() -> None:
    script = _scripts.HOST_SET_SERVICES
    assert "-VMIntegrationService $vmicComponent" in script
    assert "-Name" not in script.replace("Get-Service -Name", "")
    assert "$Enable -contains $vmicGuid" in script


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
    "HOST_WAIT": ("VMName", "Key", "Prefix"),
    "HOST_COPY_FILE": ("VMName", "Source", "Destination"),
    "HOST_SHUTDOWN": ("VMName",),
}
_OPERATION_OTHERS: dict[str, dict[str, str | float | bool]] = {
    "HOST_WAIT": {
        "For": "kvp",
        "Family": "",
        "HeartbeatId": "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
        "Timeout": 5.0,
        "Poll": 1.0,
        "MaxPoll": 8.0,
    },
    "HOST_COPY_FILE": {"CreatePath": True, "Overwrite": False},
    "HOST_SHUTDOWN": {"Timeout": 5.0, "Poll": 1.0, "MaxPoll": 8.0, "Force": True},
}


def _operation(name: str, values: tuple[str, ...]) -> str:
    parameters = dict(zip(_OPERATION_TEXT[name], values, strict=True))
    command = Command(
        Shell.POWERSHELL,
        POWERSHELL_SCRIPTS[name],
        parameters={**parameters, **_OPERATION_OTHERS[name]},
    )
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
