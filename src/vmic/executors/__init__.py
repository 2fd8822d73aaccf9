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

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.errors import (
        CommandTimeoutError as CommandTimeoutError,
        InsecureOptionWarning as InsecureOptionWarning,
        MissingExtraError as MissingExtraError,
        UnsafeValueError as UnsafeValueError,
    )
    from vmic.executors._command import (
        Command as Command,
        Credential as Credential,
        ParameterValue as ParameterValue,
        Secret as Secret,
        Shell as Shell,
    )
    from vmic.executors._direct import PowerShellDirectExecutor as PowerShellDirectExecutor
    from vmic.executors._fake import FakeExecutor as FakeExecutor, FakeResponse as FakeResponse
    from vmic.executors._local import LocalExecutor as LocalExecutor
    from vmic.executors._protocol import Executor as Executor
    from vmic.executors._psrp import PsrpExecutor as PsrpExecutor
    from vmic.executors._result import Result as Result
    from vmic.executors._script_files import Script as Script, ScriptContract as ScriptContract
    from vmic.executors._scripting import (
        VmSelector as VmSelector,
        posix_quote as posix_quote,
        ps_array as ps_array,
        ps_quote as ps_quote,
    )
    from vmic.executors._ssh import SshExecutor as SshExecutor

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "Command": "._command",
        "CommandTimeoutError": "vmic.errors",
        "Credential": "._command",
        "Executor": "._protocol",
        "FakeExecutor": "._fake",
        "FakeResponse": "._fake",
        "InsecureOptionWarning": "vmic.errors",
        "LocalExecutor": "._local",
        "MissingExtraError": "vmic.errors",
        "ParameterValue": "._command",
        "PowerShellDirectExecutor": "._direct",
        "PsrpExecutor": "._psrp",
        "Result": "._result",
        "Script": "._script_files",
        "ScriptContract": "._script_files",
        "Secret": "._command",
        "Shell": "._command",
        "SshExecutor": "._ssh",
        "UnsafeValueError": "vmic.errors",
        "VmSelector": "._scripting",
        "posix_quote": "._scripting",
        "ps_array": "._scripting",
        "ps_quote": "._scripting",
    },
)
