"""Running commands on this machine with :mod:`subprocess`.

POSIX commands run under ``/bin/sh``; PowerShell commands under the first of
``pwsh``, ``powershell.exe`` and ``powershell`` found on ``PATH`` (or the
executable you name). In both cases the script, and any values bound into it,
reach the shell through standard input, never through the command line that
other users can read from the process list:

* ``sh -c 'eval "$(cat)"'`` reads the whole script before running any of it, so a
  command inside the script that reads stdin sees end-of-file rather than the
  rest of the script;
* PowerShell gets a fixed bootstrap with ``-EncodedCommand`` and the script on
  stdin (see :mod:`vmic.executors._powershell` for why).

On timeout the whole process group is killed (POSIX), so children started by
the script stop too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from vmic.errors import CommandTimeoutError, ConfigurationError, ExecutionError
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Shell
from vmic.executors._output import LOG, decode, redact, signal_exit_code
from vmic.executors._powershell import BOOTSTRAP_ARGUMENTS, stdin_payload
from vmic.executors._result import Result
from vmic.executors._scripting import render_posix, render_powershell

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["POSIX_EVAL_SCRIPT", "LocalExecutor"]

POSIX_EVAL_SCRIPT: Final = 'eval "$(cat)"'
"""The fixed ``sh -c`` argument: read the whole script from stdin, then run it."""

_POWERSHELL_NAMES: Final = ("pwsh", "powershell.exe", "powershell")
# Seconds to wait for output after killing a timed-out process group.
_DRAIN_SECONDS: Final = 5.0


def _child_environment() -> dict[str, str]:
    """This process's environment without ``VMIC_*`` (``VMIC_PASSWORD`` and the like)."""
    return {
        name: value for name, value in os.environ.items() if not name.upper().startswith("VMIC_")
    }


class LocalExecutor(Closing):
    """Runs commands on this machine.

    Args:
        posix_shell: The POSIX shell for :attr:`Shell.POSIX` commands.
        powershell: The PowerShell executable (name on ``PATH`` or path);
            default: the first of ``pwsh``, ``powershell.exe``, ``powershell``
            found on ``PATH`` when a PowerShell command runs.
        env: Environment for the child processes (default: this process's, without
            the ``VMIC_*`` variables, which may hold passwords).
        cwd: Working directory for the child processes (default: this process's).
    """

    def __init__(
        self,
        *,
        posix_shell: str = "/bin/sh",
        powershell: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self._posix_shell = posix_shell
        self._powershell = powershell
        self._env = dict(env) if env is not None else None
        self._cwd = Path(cwd) if cwd is not None else None

    def __repr__(self) -> str:
        return f"LocalExecutor(posix_shell={self._posix_shell!r}, powershell={self._powershell!r})"

    def powershell_executable(self) -> str:
        """Return the PowerShell executable PowerShell commands will use.

        Raises:
            vmic.ConfigurationError: None is installed (or the named one is missing).
        """
        candidates = (self._powershell,) if self._powershell else _POWERSHELL_NAMES
        for name in candidates:
            found = shutil.which(name)
            if found:
                return found
        raise ConfigurationError(
            "no PowerShell executable found on PATH (looked for "
            + ", ".join(candidates)
            + "); install PowerShell 7 (pwsh) or pass powershell='<path>'"
        )

    def argv(self, command: Command) -> list[str]:
        """Return the command line used for *command* (it never contains script or data).

        Raises:
            vmic.ConfigurationError: A PowerShell command and no PowerShell installed.
        """
        if command.shell is Shell.POWERSHELL:
            return [self.powershell_executable(), *BOOTSTRAP_ARGUMENTS]
        return [self._posix_shell, "-c", POSIX_EVAL_SCRIPT]

    def stdin(self, command: Command) -> bytes:
        """Return the bytes written to the shell's standard input for *command*."""
        if command.shell is Shell.POWERSHELL:
            return stdin_payload(render_powershell(command))
        return render_posix(command).encode("utf-8")

    def run(self, command: Command) -> Result:
        """Run *command* locally and wait for it.

        Raises:
            vmic.CommandTimeoutError: (:class:`CommandTimeoutError`) the command
                outlived its timeout; its process group was killed.
            vmic.ConfigurationError: PowerShell was asked for and is not installed.
            vmic.ExecutionError: The shell could not be started.
        """
        argv = self.argv(command)
        payload = self.stdin(command)
        LOG.debug(
            "local run: %s parameters=%s timeout=%s",
            command.summary(),
            sorted(command.parameters),
            command.timeout,
        )
        start = time.monotonic()
        try:
            process = subprocess.Popen(  # noqa: S603 - fixed argv; the script goes to stdin
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env if self._env is not None else _child_environment(),
                cwd=self._cwd,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise ExecutionError(f"could not start {argv[0]!r}: {exc.strerror or exc}") from exc
        try:
            out, err = process.communicate(payload, timeout=command.timeout)
        except subprocess.TimeoutExpired:
            out, err = self._kill(process)
            duration = time.monotonic() - start
            secrets = command.secrets
            LOG.debug("local run timed out after %.3fs: %s", duration, command.summary())
            raise CommandTimeoutError(
                f"command timed out after {command.timeout}s and was killed: {command.summary()}",
                command=command,
                timeout=command.timeout or 0.0,
                stdout=redact(decode(out), secrets),
                stderr=redact(decode(err), secrets),
                duration=duration,
            ) from None
        except BaseException:
            self._kill(process)
            raise
        duration = time.monotonic() - start
        code = process.returncode
        exit_code = signal_exit_code(-code) if code < 0 else code
        LOG.debug("local run finished: exit=%d in %.3fs", exit_code, duration)
        return Result(
            command,
            stdout=redact(decode(out), command.secrets),
            stderr=redact(decode(err), command.secrets),
            exit_code=exit_code,
            duration=duration,
        )

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows: no process groups to signal
            process.kill()
        try:
            out, err = process.communicate(timeout=_DRAIN_SECONDS)
        except subprocess.TimeoutExpired:  # pragma: no cover - a child escaped the group
            process.kill()
            out, err = b"", b""
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            process.wait()
        return out or b"", err or b""
