"""Command, Secret and Credential: validation and never showing a password."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, strategies as st

from vmic.errors import ConfigurationError, VmicError
from vmic.executors import (
    Command,
    Credential,
    Script,
    ScriptContract,
    Secret,
    Shell,
    UnsafeValueError,
)


def test_parameters_are_frozen_and_lists_become_tuples() -> None:
    source: dict[str, Any] = {"Names": ["a", "b"], "Count": 2}
    command = Command(Shell.POWERSHELL, "$Names", parameters=source)
    source["Count"] = 3
    assert command.parameters == {"Names": ("a", "b"), "Count": 2}
    with pytest.raises(TypeError):
        command.parameters["Count"] = 4  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        command.script = "other"  # type: ignore[misc]


def test_commands_compare_and_hash_by_value() -> None:
    one = Command(Shell.POSIX, "echo", parameters={"Av": "x"}, timeout=5)
    two = Command("posix", "echo", parameters={"Av": "x"}, timeout=5)
    assert one == two
    assert hash(one) == hash(two)
    assert one != Command(Shell.POSIX, "echo", parameters={"Av": "y"}, timeout=5)


@pytest.mark.parametrize("name", ["1abc", "a-b", "", "a b", "$a", "x" * 101, "é"])
def test_parameter_names_must_be_identifiers(name: str) -> None:
    with pytest.raises(ConfigurationError, match="identifier"):
        Command(Shell.POSIX, "true", parameters={name: "v"})


@pytest.mark.parametrize("name", ["args", "Input", "_", "PSItem", "true", "LASTEXITCODE"])
def test_powershell_automatic_variables_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="automatic variable"):
        Command(Shell.POWERSHELL, "$x", parameters={name: "v"})


def test_powershell_names_differing_only_by_case_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="case-insensitive"):
        Command(Shell.POWERSHELL, "$vm", parameters={"VM": "a", "vm": "b"})
    # POSIX variables are case-sensitive, so both may exist.
    assert len(Command(Shell.POSIX, "true", parameters={"Vm": "a", "vm": "b"}).parameters) == 2


@pytest.mark.parametrize(
    "name",
    [
        "IFS", "PATH", "PS4", "ENV", "BASH_ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
        "SHELLOPTS", "BASHOPTS", "POSIXLY_CORRECT", "TMOUT", "CDPATH", "LC_ALL", "_", "A1",
    ],
)  # fmt: skip
def test_posix_variables_that_steer_the_shell_are_refused(name: str) -> None:
    # Issue 9, defect 8: names without a lower-case letter belong to the system (POSIX XBD 8.1).
    with pytest.raises(ConfigurationError, match="lower-case"):
        Command(Shell.POSIX, "true", parameters={name: "v"})


@pytest.mark.parametrize(
    "name",
    [
        "WhatIfPreference", "ErrorActionPreference", "ConfirmPreference", "ProgressPreference",
        "verbosepreference", "InformationPreference", "PSModuleAutoLoadingPreference",
        "MyOwnPreference", "FormatEnumerationLimit", "OutputEncoding", "ErrorView",
    ],
)  # fmt: skip
def test_powershell_preference_variables_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="preference variable"):
        Command(Shell.POWERSHELL, "Get-VM", parameters={name: "v"})


@pytest.mark.parametrize("name", ["PSDefaultParameterValues", "PSStyle", "psSessionOption"])
def test_powershell_ps_names_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="reserves"):
        Command(Shell.POWERSHELL, "Get-VM", parameters={name: "v"})


@pytest.mark.parametrize("name", ["VMName", "Units", "Sudo", "x", "Preferences"])
def test_ordinary_names_are_accepted_by_both_shells(name: str) -> None:
    for shell in Shell:
        assert name in Command(shell, "true", parameters={name: "v"}).parameters


@pytest.mark.parametrize(
    "value",
    [
        "a\x00b",
        "\ud83d",
        2**63,
        -(2**63) - 1,
        float("nan"),
        float("inf"),
        b"bytes",
        None,
        {"a": 1},
        ["ok", 3],
        Secret("p\x00w"),
    ],
)
def test_unsafe_values_are_refused(value: object) -> None:
    with pytest.raises(UnsafeValueError) as info:
        Command(Shell.POSIX, "true", parameters={"V": value})  # type: ignore[dict-item]
    assert isinstance(info.value, VmicError)
    assert isinstance(info.value, ValueError)
    assert "p\x00w" not in str(info.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("é\x00", "parameter 'V' contains a NUL character at index 1"),
        ("a\x00", "parameter 'V' contains a NUL character at index 1"),
        ("ab\ud83d", "parameter 'V' contains an unpaired surrogate at index 2"),
        (Secret("é\udc00"), "parameter 'V' contains an unpaired surrogate at index 1"),
        (["ok", "\x00"], "parameter 'V' item 1 contains a NUL character at index 0"),
    ],
)
def test_refused_text_is_named_by_its_parameter(value: object, message: str) -> None:
    with pytest.raises(UnsafeValueError) as info:
        Command(Shell.POSIX, "true", parameters={"V": value})  # type: ignore[dict-item]
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("value", ["", "plain", "café ✓", "\U0001f600", Secret("pässwörd")])
def test_text_that_reaches_a_shell_intact_is_kept(value: str | Secret) -> None:
    assert Command(Shell.POWERSHELL, "1", parameters={"V": value}).parameters["V"] == value


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True, "5"])
def test_timeouts_must_be_positive_numbers(timeout: object) -> None:
    with pytest.raises(ConfigurationError):
        Command(Shell.POSIX, "true", timeout=timeout)  # type: ignore[arg-type]


def test_unknown_shell_names_the_choices() -> None:
    with pytest.raises(ConfigurationError, match="'powershell', 'posix'"):
        Command("bash", "true")


def test_scripts_must_be_transportable_text() -> None:
    with pytest.raises(UnsafeValueError):
        Command(Shell.POSIX, "echo \x00")
    with pytest.raises(ConfigurationError):
        Command(Shell.POSIX, b"echo")  # type: ignore[arg-type]


def test_parameters_must_be_a_mapping() -> None:
    with pytest.raises(ConfigurationError, match="mapping"):
        Command(Shell.POSIX, "true", parameters=[("A", "b")])  # type: ignore[arg-type]


def test_summary_shows_the_first_line_only() -> None:
    command = Command(Shell.POWERSHELL, "\n  Get-VM   \n" + "x" * 300, parameters={"P": "zzz"})
    assert command.summary() == "powershell: 'Get-VM' (+1 more line)"
    long = Command(Shell.POSIX, "y" * 300)
    assert len(long.summary()) < 100
    assert "zzz" not in command.summary()


# --- Secret and Credential ------------------------------------------------------------------


@given(password=st.text(min_size=4))
def test_secret_never_shows_its_value(password: str) -> None:
    secret = Secret(password)
    assert secret.reveal() == password
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>10}"]
    assert all(password not in text for text in shown if "*" not in password)
    assert repr(secret) == "Secret('***')"


def test_credential_hides_the_password_everywhere_it_prints() -> None:
    credential = Credential("CONTOSO\\admin", "hunter2-correct-horse")
    assert isinstance(credential.password, Secret)
    assert credential.password.reveal() == "hunter2-correct-horse"
    for text in (repr(credential), str(credential), f"{credential}", repr([credential])):
        assert "hunter2" not in text
    assert "admin" in repr(credential)
    assert Credential("u", Secret("p")) == Credential("u", "p")


def test_command_repr_hides_secret_parameters() -> None:
    command = Command(Shell.POWERSHELL, "$P", parameters={"P": Secret("hunter2-xyz")})
    assert "hunter2" not in repr(command)
    assert "hunter2" not in str(command)
    assert command.secrets == (Secret("hunter2-xyz"),)


def test_secret_refuses_pickle_and_hides_from_asdict_and_copy() -> None:
    # A pickle held the plain text, and attrs.asdict(Credential) returned the password.
    secret = Secret("s3cret-value")
    for value in (secret, Credential("admin", secret)):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(value)
    assert copy.copy(secret) is secret
    assert copy.deepcopy(secret) is secret
    as_dict = attrs.asdict(Credential("admin", secret))
    assert as_dict == {"username": "admin", "password": secret}
    assert "s3cret-value" not in repr(as_dict)
    assert repr(secret) == "Secret('***')"
    assert secret == Secret("s3cret-value")
    assert hash(secret) == hash(Secret("s3cret-value"))
    with pytest.raises(TypeError, match="holds text"):
        Secret(42)  # type: ignore[arg-type]


# --- commands of script files ------------------------------------------------------------------


def _script(text: str, *parameters: str, shell: Shell = Shell.POWERSHELL) -> Script:
    contract = ScriptContract(
        name="test-script",
        runs_on="Hyper-V host",
        shell=shell,
        powershell=None,
        parameters=parameters,
        sections=(),
        errors=(),
    )
    return Script(contract, text, "tests/test-script.ps1")


def test_a_scripts_commands_are_what_the_constructor_builds() -> None:
    script = _script("Write-Output $Name", "Name", "Count")
    for _ in range(3):  # the first command and those built after it alike
        command = script.command({"Name": "a", "Count": 2}, timeout=5)
        assert command == Command(
            Shell.POWERSHELL, "Write-Output $Name", parameters={"Name": "a", "Count": 2}, timeout=5
        )
        assert dict(command.parameters) == {"Name": "a", "Count": 2}
        assert isinstance(command.parameters, type(Command(Shell.POSIX, "x").parameters))


@pytest.mark.parametrize(
    ("parameters", "timeout", "error", "message"),
    [
        ({"Name": "a\x00", "Count": 1}, None, UnsafeValueError, "parameter 'Name' contains a NUL"),
        ({"Name": "a", "Count": 2**64}, None, UnsafeValueError, "parameter 'Count' is outside"),
        ({"Name": "a", "Count": 1}, 0, ConfigurationError, "timeout must be a positive number"),
        ({"Name": "a", "Count": 1}, True, ConfigurationError, "timeout must be a number"),
    ],
)
def test_each_command_of_a_script_checks_its_values_and_timeout(
    parameters: dict[str, Any], timeout: Any, error: type[Exception], message: str
) -> None:
    script = _script("Write-Output $Name", "Name", "Count")
    script.command({"Name": "a", "Count": 1})  # a first, good command
    with pytest.raises(error, match=message):
        script.command(parameters, timeout=timeout)


@pytest.mark.parametrize(
    ("text", "name", "shell", "message"),
    [
        ("Write-Output $PSThing", "PSThing", Shell.POWERSHELL, "starts with 'PS'"),
        ("echo $PATH", "PATH", Shell.POSIX, "has no lower-case letter"),
        ("Write-Output $a\x00", "Name", Shell.POWERSHELL, "script contains a NUL"),
    ],
)
def test_a_broken_script_is_refused_by_every_command(
    text: str, name: str, shell: Shell, message: str
) -> None:
    script = _script(text, name, shell=shell)
    for _ in range(2):  # a failure is not remembered as checked
        with pytest.raises(VmicError, match=message):
            script.command({name: "a"})
