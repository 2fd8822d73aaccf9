"""Executors: run a :class:`Command` somewhere and get a frozen :class:`Result` back.

Core types load eagerly and need only ``attrs``. The remote executors load on
first use so that ``import vmic.executors`` works without their extras:

* :class:`PsrpExecutor` (``pip install vmic[psrp]``, pypsrp) for Windows hosts
  over PowerShell Remoting;
* :class:`SshExecutor` (``pip install vmic[ssh]``, asyncssh) for Linux guests and
  for Windows machines running OpenSSH.

>>> import vmic.executors as ex
>>> fake = ex.FakeExecutor({"exit 3": ex.FakeResponse(exit_code=3)})
>>> result = fake.run(ex.Command(ex.Shell.POSIX, "exit 3"))
>>> result.ok, result.exit_code
(False, 3)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vmic.errors import (
    CommandTimeoutError,
    InsecureOptionWarning,
    MissingExtraError,
    UnsafeValueError,
)
from vmic.executors.command import Command, Credential, ParameterValue, Secret, Shell
from vmic.executors.direct import PowerShellDirectExecutor
from vmic.executors.fake import FakeExecutor, FakeResponse
from vmic.executors.local import LocalExecutor
from vmic.executors.protocol import Executor
from vmic.executors.result import Result
from vmic.executors.scripting import VmSelector, posix_quote, ps_array, ps_quote

if TYPE_CHECKING:
    from vmic.executors.psrp import PsrpExecutor
    from vmic.executors.ssh import SshExecutor

__all__ = [
    "Command",
    "CommandTimeoutError",
    "Credential",
    "Executor",
    "FakeExecutor",
    "FakeResponse",
    "InsecureOptionWarning",
    "LocalExecutor",
    "MissingExtraError",
    "ParameterValue",
    "PowerShellDirectExecutor",
    "PsrpExecutor",
    "Result",
    "Secret",
    "Shell",
    "SshExecutor",
    "UnsafeValueError",
    "VmSelector",
    "posix_quote",
    "ps_array",
    "ps_quote",
]

_LAZY = {"PsrpExecutor": "vmic.executors.psrp", "SshExecutor": "vmic.executors.ssh"}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - module attributes have any type
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
