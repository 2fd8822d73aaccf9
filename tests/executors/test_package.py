"""The package surface: lazy remote executors, exports, missing extras."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import vmic.executors
from vmic.errors import VmicError
from vmic.executors import MissingExtraError


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_importing_the_package_loads_no_remote_library() -> None:
    done = _python(
        """
        import sys
        import vmic.executors
        from vmic.executors import Command, LocalExecutor, PowerShellDirectExecutor
        heavy = sorted(m for m in ("pypsrp", "asyncssh", "requests") if m in sys.modules)
        print(",".join(heavy) or "none")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_remote_executors_load_on_first_use() -> None:
    done = _python(
        """
        import sys
        import vmic.executors
        vmic.executors.SshExecutor
        print("asyncssh" in sys.modules, "pypsrp" in sys.modules)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


@pytest.mark.parametrize(
    ("name", "module", "extra"),
    [("SshExecutor", "asyncssh", "ssh"), ("PsrpExecutor", "pypsrp", "psrp")],
)
def test_a_missing_extra_is_named(name: str, module: str, extra: str) -> None:
    done = _python(
        f"""
        import sys
        sys.modules[{module!r}] = None  # as if it were not installed
        import vmic.executors
        from vmic.errors import VmicError
        try:
            getattr(vmic.executors, {name!r})
        except ImportError as exc:
            print(isinstance(exc, VmicError), exc)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True ")
    assert f"pip install 'vmic[{extra}]'" in done.stdout


def test_missing_extra_error_is_a_vmic_error_and_an_import_error() -> None:
    error = MissingExtraError("SshExecutor", extra="ssh", module="asyncssh")
    assert isinstance(error, VmicError)
    assert isinstance(error, ImportError)
    assert error.name == "asyncssh"
    assert error.extra == "ssh"


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = vmic.executors.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(vmic.executors, name) is not None
    assert set(names) <= set(dir(vmic.executors))


def test_unknown_attributes_still_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        vmic.executors.NoSuchExecutor  # noqa: B018 - the attribute access is the test
