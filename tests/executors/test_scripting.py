"""Safe script building, checked against the real PowerShell grammar."""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import vmic
from vmic.errors import ConfigurationError
from vmic.executors import Command, Credential, FakeExecutor, Secret, Shell, UnsafeValueError
from vmic.executors._direct import PowerShellDirectExecutor, host_script
from vmic.executors._powershell import BOOTSTRAP
from vmic.executors._scripting import (
    PS_SINGLE_QUOTES,
    VmSelector,
    posix_literal,
    posix_quote,
    ps_array,
    ps_literal,
    ps_quote,
    render_posix,
    render_powershell,
)

from .hostile import hostile_names, hostile_text
from .psgrammar import NotOneLiteralError, decode_single_quoted, decoded_literals, parse

BENIGN = "x"
GUEST_SCRIPT = "Get-Service -Name vmic* | Select-Object Name, Status"


def _assert_same_program_with_data(script: str, reference: str, expected: dict[str, str]) -> None:
    """*script* parses like *reference*; each benign literal now decodes to its hostile value."""
    parsed, ref = parse(script), parse(reference)
    assert not ref.has_error
    assert not parsed.has_error
    assert parsed.shape == ref.shape
    assert len(parsed.literals) == len(ref.literals)
    got, want = decoded_literals(parsed), decoded_literals(ref)
    for position, benign in enumerate(want):
        assert got[position] == expected.get(benign, benign)
    for benign, hostile in expected.items():
        assert want.count(benign) == 1, f"the reference must hold {benign!r} exactly once"
        assert got[want.index(benign)] == hostile


# --- ps_quote -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("", "''"),
        ("web01", "'web01'"),
        ("it's", "'it''s'"),
        ("\u2018a\u2019", "'\u2018\u2018a\u2019\u2019'"),
        ("\u201a\u201b", "'\u201a\u201a\u201b\u201b'"),
        ("$(Remove-VM) `n $env:PATH", "'$(Remove-VM) `n $env:PATH'"),
        ("a\nb", "'a\nb'"),
    ],
)
def test_ps_quote(value: str, literal: str) -> None:
    assert ps_quote(value) == literal
    assert decode_single_quoted(literal) == value


def test_every_powershell_single_quote_is_escaped() -> None:
    assert frozenset("'\u2018\u2019\u201a\u201b") == PS_SINGLE_QUOTES
    for quote in PS_SINGLE_QUOTES:
        assert ps_quote(quote) == "'" + quote * 2 + "'"


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", "ok\udfff"])
def test_unquotable_values_are_refused_without_echoing_them(value: str) -> None:
    with pytest.raises(UnsafeValueError) as info:
        ps_quote(value)
    assert value not in str(info.value)
    with pytest.raises(UnsafeValueError):
        posix_quote(value)
    assert isinstance(info.value, ValueError)


@settings(max_examples=2000)
@given(name=hostile_names())
def test_hostile_vm_names_stay_one_literal(name: str) -> None:
    def script(vm: str) -> str:
        selector = VmSelector.by_name(vm)
        return render_powershell(selector.command("$VM | Hyper-V\\Get-VMIntegrationService"))

    _assert_same_program_with_data(script(name), script(BENIGN), {BENIGN: name})


@settings(max_examples=300)
@given(values=st.lists(hostile_text(), min_size=1, max_size=5))
def test_hostile_arrays_stay_literals(values: list[str]) -> None:
    def script(items: list[str]) -> str:
        return f"$Names = {ps_array(items)}\n$Names | ForEach-Object {{ $_ }}"

    parsed = parse(script(values))
    reference = parse(script([f"benign{i}" for i in range(len(values))]))
    assert not parsed.has_error
    assert parsed.shape == reference.shape
    assert decoded_literals(parsed) == values


@settings(max_examples=300)
@given(
    vm=hostile_names(),
    user=hostile_text(),
    password=hostile_text(),
    argument=hostile_text(),
    guest=hostile_text(),
)
def test_powershell_direct_host_command_keeps_every_value_as_data(
    vm: str, user: str, password: str, argument: str, guest: str
) -> None:
    def script(vm: str, user: str, password: str, argument: str, guest: str) -> str:
        executor = PowerShellDirectExecutor(FakeExecutor(), vm, Credential(user, password))
        command = Command(Shell.POWERSHELL, guest, parameters={"Argument": argument})
        return render_powershell(executor.host_command(command))

    benign = ("vm-benign", "user-benign", "password-benign", "argument-benign", "guest-benign")
    hostile = (vm, user, password, argument, guest)
    expected = dict(zip(benign, hostile, strict=True))
    # The guest script reaches the host as its text with a param() block in front.
    expected["param($Argument)\nguest-benign"] = "param($Argument)\n" + guest
    del expected["guest-benign"]
    _assert_same_program_with_data(script(*hostile), script(*benign), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "$true"),
        (False, "$false"),
        (0, "0"),
        (-(2**63), str(-(2**63))),
        (1e-05, "[double]'1e-05'"),
        (("a", "b'"), "@('a', 'b''')"),
        ((), "@()"),
        (Secret("p'w"), "(ConvertTo-SecureString -String 'p''w' -AsPlainText -Force)"),
    ],
)
def test_ps_literal_of_each_type(value: object, expected: str) -> None:
    command = Command(Shell.POWERSHELL, "$V", parameters={"V": value})  # type: ignore[dict-item]
    text = render_powershell(command)
    assert text == f"$V = {expected}\n$V"
    assert not parse(text).has_error
    assert ps_literal(command.parameters["V"]) == expected


# --- the negative controls: the checks above would catch naive quoting ---------------------


def _naive_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def test_checker_rejects_quoting_that_ignores_typographic_quotes() -> None:
    name = "web\u2019; Remove-VM -Force; \u2019"
    with pytest.raises(NotOneLiteralError):
        decode_single_quoted(_naive_quote(name))
    # The grammar alone would not notice; the PowerShell rule does.
    assert not parse(f"$VMName = {_naive_quote(name)}").has_error


def test_checker_rejects_unescaped_quotes() -> None:
    name = "web'; Remove-VM -Force; 'x"
    hostile = parse(f"$VMName = '{name}'\nGet-VM")
    reference = parse(f"$VMName = '{BENIGN}'\nGet-VM")
    assert hostile.shape != reference.shape


# --- fixed scripts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        BOOTSTRAP,
        host_script(VmSelector.by_name("x", parameter="VmicVMName")),
        host_script(VmSelector.by_id(uuid.uuid4(), parameter="VmicVMId")),
        VmSelector.by_name("x").statement(),
        VmSelector.by_id(uuid.uuid4()).statement(),
    ],
)
def test_fixed_scripts_parse_without_errors(script: str) -> None:
    parsed = parse(script)
    assert not parsed.has_error


def test_vm_selection_never_uses_wildcard_parameters() -> None:
    by_name = VmSelector.by_name("web*")
    assert "-Name" not in by_name.expression
    assert "-like" not in by_name.expression.lower()
    assert "[System.StringComparison]::Ordinal" in by_name.expression
    assert by_name.parameters == {"VMName": "web*"}
    vm_id = uuid.UUID("7cca7664-91d0-40a9-9769-7809f256f603")
    by_id = VmSelector.by_id(str(vm_id))
    assert by_id.id == vm_id
    assert "-Id $VMId" in by_id.expression
    assert by_id.parameters == {"VMId": str(vm_id)}


@pytest.mark.parametrize("bad", ["not-a-guid", "", "7cca7664"])
def test_vm_ids_must_be_guids(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        VmSelector.by_id(bad)


def test_selector_needs_exactly_one_of_name_or_id() -> None:
    with pytest.raises(ConfigurationError):
        VmSelector()
    with pytest.raises(ConfigurationError):
        VmSelector(name="a", id=uuid.uuid4())
    with pytest.raises(ConfigurationError):
        VmSelector.by_name("")
    with pytest.raises(ConfigurationError):
        VmSelector(name=42)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        VmSelector(id="7cca7664-91d0-40a9-9769-7809f256f603")  # type: ignore[arg-type]


def test_selectors_built_directly_name_their_parameter() -> None:
    vm_id = uuid.uuid4()
    assert VmSelector(name="web*").parameters == {"VMName": "web*"}
    assert VmSelector(id=vm_id).parameters == {"VMId": str(vm_id)}
    assert not parse(VmSelector(name="web*").statement()).has_error


@pytest.mark.parametrize(
    "name", ["", "VMName; Remove-VM -Force #", "a b", "1st", "VM)", "$x", "x" * 101, None]
)
def test_names_written_into_the_script_must_be_identifiers(name: str) -> None:
    # The parameter and the variable become `$<name>` in the script text.
    with pytest.raises(ConfigurationError, match="not an identifier"):
        VmSelector.by_name("web01", parameter=name)
    with pytest.raises(ConfigurationError, match="not an identifier"):
        VmSelector.by_id(uuid.uuid4(), parameter=name)
    with pytest.raises(ConfigurationError, match="not an identifier"):
        VmSelector.by_name("web01").statement(name)


# --- POSIX ----------------------------------------------------------------------------------


@settings(max_examples=500)
@given(value=hostile_text())
def test_posix_quote_is_one_shell_word(value: str) -> None:
    assert shlex.split(posix_quote(value)) == [value]


@settings(max_examples=200)
@given(values=st.lists(hostile_text(), max_size=5))
def test_posix_lists_are_words_for_eval_set(values: list[str]) -> None:
    word = posix_literal(tuple(values))
    (inner,) = shlex.split(word)
    assert shlex.split(inner) == values


def test_render_refuses_the_other_shell() -> None:
    with pytest.raises(ConfigurationError):
        render_posix(Command(Shell.POWERSHELL, "Get-VM"))
    with pytest.raises(ConfigurationError):
        render_powershell(Command(Shell.POSIX, "uname"))
    assert render_posix(Command(Shell.POSIX, "uname", parameters={"On": True})) == "On=true\nuname"


def test_the_exact_vm_selection_is_written_in_one_source_file() -> None:
    # Issue 8: VmSelector is the only source of the selection text; the client scripts
    # and the diagnosis's fix commands are built from it.
    source = Path(vmic.__file__).parent
    holders = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "[string]::Equals(" in path.read_text(encoding="utf-8")
    )
    assert holders == [str(Path("executors", "_scripting.py"))]


@pytest.mark.parametrize("name", ["web*", "it's", "x'<VMName>'y", "a\u2019b", "$(Remove-VM)"])
def test_the_literal_pipeline_selects_by_the_quoted_name(name: str) -> None:
    selector = VmSelector.by_name(name)
    literal = selector.pipeline(literal=True)
    assert literal == selector.pipeline().replace("$VMName", ps_quote(name))
    parsed = parse(literal)
    assert not parsed.has_error
    assert name in decoded_literals(parsed)
    vm_id = uuid.UUID("7cca7664-91d0-40a9-9769-7809f256f603")
    by_id = VmSelector.by_id(vm_id).pipeline(literal=True)
    assert by_id == "Hyper-V\\Get-VM -Id '7CCA7664-91D0-40A9-9769-7809F256F603'"


# --- the KVP scripts (issue 14): hostile keys and values stay data --------------------------


@settings(max_examples=200)
@given(vm=hostile_names(), key=hostile_text(), value=hostile_text())
def test_host_kvp_change_keeps_every_value_as_data(vm: str, key: str, value: str) -> None:
    from vmic.clients import _scripts  # noqa: PLC0415 - the clients' fixed scripts

    def script(vm: str, key: str, value: str) -> str:
        parameters = {
            "VMName": vm,
            "Component": "GUID",
            "Operation": "set",
            "Key": key,
            "Value": value,
        }
        return render_powershell(_scripts.script("host-kvp-change").command(parameters))

    benign = {"vm-benign": vm, "key-benign": key, "value-benign": value}
    _assert_same_program_with_data(
        script(vm, key, value), script("vm-benign", "key-benign", "value-benign"), benign
    )


@settings(max_examples=200)
@given(key=hostile_text(), value=hostile_text())
def test_windows_kvp_publish_keeps_every_value_as_data(key: str, value: str) -> None:
    from vmic.clients import _scripts  # noqa: PLC0415 - the clients' fixed scripts

    def script(key: str, value: str) -> str:
        parameters = {"Key": key, "Value": value}
        return render_powershell(_scripts.script("windows-kvp-publish").command(parameters))

    _assert_same_program_with_data(
        script(key, value),
        script("key-benign", "value-benign"),
        {"key-benign": key, "value-benign": value},
    )


@settings(max_examples=30, deadline=None)
@given(key=hostile_text(max_pieces=8), value=hostile_text(max_pieces=8))
def test_linux_kvp_publish_keeps_every_value_as_data(key: str, value: str) -> None:
    """The real script, run by sh and python3 here on a scratch pool: exact round trip."""
    import subprocess  # noqa: PLC0415 - this test only
    import tempfile  # noqa: PLC0415 - this test only
    from pathlib import Path  # noqa: PLC0415 - this test only

    from vmic.clients import _scripts  # noqa: PLC0415 - the clients' fixed scripts
    from vmic.model._kvp_exchange import check_item  # noqa: PLC0415 - this test only
    from vmic.model._linux_records import KvpRecord  # noqa: PLC0415
    from vmic.parsers._kvp import format_kvp_pool, parse_kvp_pool  # noqa: PLC0415

    try:
        check_item(key, value)
    except ConfigurationError:
        return
    with tempfile.TemporaryDirectory() as directory:
        pool = Path(directory) / ".kvp_pool_1"
        pool.write_bytes(format_kvp_pool([KvpRecord("other", "kept")]))
        parameters: dict[str, str | bool] = {
            "PoolFile": str(pool),
            "Key": key,
            "Value": value,
            "Sudo": False,
        }
        text = render_posix(_scripts.script("linux-kvp-publish").command(parameters))
        done = subprocess.run(["sh"], input=text, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-2] == ("replaced" if key == "other" else "added")
        records = {r.key: r.value for r in parse_kvp_pool(pool.read_bytes())}
    assert records[key] == value
    if key != "other":
        assert records["other"] == "kept"
