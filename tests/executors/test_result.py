"""Result: not truthy, ok/check, readable failure messages."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest
from mypy import api as mypy_api

from vmic.errors import CommandFailedError, ExecutionError
from vmic.executors import Command, Result, Secret, Shell

if TYPE_CHECKING:
    from pathlib import Path

COMMAND = Command(Shell.POWERSHELL, "Get-VMIntegrationService -VM $VM\nexit 1")


def _result(**overrides: object) -> Result:
    fields: dict[str, object] = {"stdout": "", "stderr": "", "exit_code": 0, "duration": 0.25}
    fields.update(overrides)
    return Result(COMMAND, **fields)  # type: ignore[arg-type]


def test_result_is_neither_true_nor_false() -> None:
    with pytest.raises(TypeError, match=r"result\.ok"):
        bool(_result())
    with pytest.raises(TypeError):
        bool(_result(exit_code=1))


def test_if_result_is_a_type_error_for_mypy(tmp_path: Path) -> None:
    source = tmp_path / "uses_result.py"
    source.write_text(
        textwrap.dedent(
            """\
            from vmic.executors import Result

            def succeeded(result: Result) -> bool:
                if result:
                    return True
                return result.ok
            """
        )
    )
    stdout, _, status = mypy_api.run(
        [
            "--strict",
            "--enable-error-code",
            "truthy-bool",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(source),
        ]
    )
    assert status == 1
    assert "truthy-bool" in stdout
    assert "uses_result.py:4" in stdout


def test_ok_and_check() -> None:
    good = _result()
    assert good.ok
    assert not good.failed
    assert good.check() is good
    bad = _result(exit_code=3)
    assert not bad.ok
    assert bad.failed
    with pytest.raises(CommandFailedError) as info:
        bad.check()
    assert info.value.result is bad
    assert isinstance(info.value, ExecutionError)


def test_failure_message_has_summary_status_and_tails() -> None:
    stdout = "".join(f"out {i}\n" for i in range(25))
    result = _result(exit_code=3, stdout=stdout, stderr="Get-VM : not found\n")
    with pytest.raises(CommandFailedError) as info:
        result.check()
    message = str(info.value)
    assert message.splitlines()[0] == (
        "command exited with status 3: "
        "powershell: 'Get-VMIntegrationService -VM $VM' (+1 more line)"
    )
    assert "stdout (last 10 of 25 lines):" in message
    assert "    out 24" in message
    assert "out 14" not in message
    assert "stderr (all):\n    Get-VM : not found" in message


def test_failure_message_names_empty_streams() -> None:
    with pytest.raises(CommandFailedError) as info:
        _result(exit_code=1).check()
    assert "stdout: (empty)" in str(info.value)
    assert "stderr: (empty)" in str(info.value)


def test_long_lines_are_cut_in_messages() -> None:
    with pytest.raises(CommandFailedError) as info:
        _result(exit_code=1, stderr="e" * 5000).check()
    assert len(str(info.value)) < 1000


def test_repr_is_short_even_for_large_output() -> None:
    text = repr(_result(stdout="x" * 1_000_000))
    assert len(text) < 400
    assert "(1000000 chars)" in text


def test_failure_message_never_holds_parameter_values() -> None:
    command = Command(Shell.POSIX, 'echo "$Pw"', parameters={"Pw": Secret("hunter2-zz")})
    result = Result(command, stdout="***\n", stderr="", exit_code=1, duration=0.0)
    with pytest.raises(CommandFailedError) as info:
        result.check()
    assert "hunter2" not in str(info.value)
    assert "hunter2" not in repr(result)


@pytest.mark.parametrize(
    "fields",
    [
        {"stdout": b"bytes"},
        {"exit_code": "0"},
        {"stderr": None},
    ],
)
def test_fields_are_typed(fields: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        _result(**fields)
