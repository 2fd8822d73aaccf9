"""Running commands over SSH with asyncssh, behind a synchronous interface.

Needs the ``ssh`` extra (``pip install 'vmic[ssh]'``). Usable for Linux guests
(POSIX commands) and for Windows machines running OpenSSH (PowerShell
commands; POSIX commands need a POSIX shell on the far side).

* **Host keys are verified** against ``known_hosts`` (default
  ``~/.ssh/known_hosts``, read directly: an ``ssh_config`` cannot switch
  verification off). An unknown or changed key is a
  :class:`vmic.ConnectionFailedError` that says how to trust the key.
  ``accept_unknown_host_keys=True`` skips verification and warns
  (:class:`InsecureOptionWarning`).
* **Scripts and values travel on stdin.** POSIX commands run as
  ``exec /bin/sh -c 'eval "$(cat)"'``; PowerShell commands start PowerShell with
  a fixed ``-EncodedCommand`` bootstrap (see :mod:`vmic.executors._powershell`).
  The remote command line never holds data, so it cannot show in the remote
  process list or be reinterpreted by the remote login shell.
* **Timeouts stop the remote process**: a POSIX command first reports its
  process id (the first line of its stderr, which the executor removes); on
  timeout the executor opens a second channel and kills that whole process
  group (``SIGKILL``, as :class:`LocalExecutor` does), so children die too. Channel signals
  alone are not enough: ``sshd`` refuses them for root logins. For PowerShell
  commands (Windows OpenSSH) the channel is closed and a ``KILL`` channel
  signal is sent. The timeout counts from the call: connecting, logging in
  (asyncssh's ``connect_timeout`` and ``login_timeout`` are cut to the time
  left) and waiting for a free channel count too.
* **One connection, many commands**: the connection opens on first use and is
  reused; ``run`` is thread-safe and concurrent calls become concurrent SSH
  channels (at most ``max_sessions`` at once; OpenSSH allows 10 by default).
  asyncssh runs on a private event loop in a background thread.
* **Closing stops what still runs**: ``close()`` stops the commands other
  threads are still running (their remote processes too, as on a timeout);
  those calls raise :class:`vmic.ExecutionError`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import re
import signal
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from vmic._third_party import quiet_import
from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    ExecutionError,
    InsecureOptionWarning,
    MissingExtraError,
)
from vmic.executors._checks import check_instance
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Credential, Secret, Shell
from vmic.executors._network import unreachable
from vmic.executors._output import LOG, decode, redact, signal_exit_code
from vmic.executors._powershell import BOOTSTRAP_ARGUMENTS, stdin_payload
from vmic.executors._result import Result
from vmic.executors._scripting import render_posix, render_powershell

try:
    with quiet_import("asyncssh"):
        import asyncssh
except ImportError as _exc:  # pragma: no cover - exercised only without the extra
    msg = "SshExecutor"
    raise MissingExtraError(msg, extra="ssh", module="asyncssh") from _exc

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Coroutine, Sequence

__all__ = ["POSIX_REMOTE_COMMAND", "SshExecutor", "remote_command"]

POSIX_REMOTE_COMMAND: Final = 'exec /bin/sh -c \'echo "vmic-pid:$$" >&2; eval "$(cat)"\''
"""What the remote login shell is asked to run for a POSIX command.

The ``exec`` keeps the process id of the session, which ``sshd`` made the
leader of a new process group; the id is reported so that a timeout can stop
the whole group.
"""
# Seconds allowed for stopping a timed-out command and for closing the connection.
_STOP_SECONDS: Final = 2.0
_PID_MARKER: Final = re.compile(rb"\Avmic-pid:(\d+)\r?\n")
# The remote PowerShell executable is one word of the remote command line, read by
# whatever shell the account has (sh, cmd.exe, PowerShell): only characters that
# none of them treats specially.
_EXECUTABLE: Final = re.compile(r"[A-Za-z0-9_.:/\\+-]{1,260}\Z")

_T = TypeVar("_T")


def check_executable(powershell: str) -> str:
    """Return *powershell* if it is one plain word of a remote command line.

    Raises:
        vmic.ConfigurationError: It holds a space, a quote or another character
            some remote shell (``sh``, ``cmd.exe``, PowerShell) would interpret.
            Name the executable as it is found on the remote ``PATH``
            (``pwsh``), or by a path without spaces.
    """
    checked: object = powershell
    if not isinstance(checked, str) or not _EXECUTABLE.match(checked):
        raise ConfigurationError(
            f"powershell={powershell!r} is not a plain executable name or path; use letters, "
            "digits and _ . : / \\ + - only (for example 'pwsh' or 'powershell')"
        )
    return powershell


def remote_command(command: Command, *, powershell: str = "powershell") -> str:
    """Return the remote command line for *command*; it never contains the script or values.

    >>> from vmic.executors import Command, Shell
    >>> print(remote_command(Command(Shell.POSIX, "uname")))
    exec /bin/sh -c 'echo "vmic-pid:$$" >&2; eval "$(cat)"'

    Raises:
        vmic.ConfigurationError: *powershell* is not a plain word (see :func:`check_executable`).
    """
    if command.shell is Shell.POSIX:
        return POSIX_REMOTE_COMMAND
    return " ".join((check_executable(powershell), *BOOTSTRAP_ARGUMENTS))


def remote_stdin(command: Command) -> bytes:
    """Return the bytes sent to the remote command's standard input."""
    if command.shell is Shell.POSIX:
        return render_posix(command).encode("utf-8")
    return stdin_payload(render_powershell(command))


class _LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._pending_lock = threading.Lock()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coroutine: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: concurrent.futures.Future[Any]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def stop(self) -> None:
        """Stop the loop; a call still waiting on it gets ``CancelledError`` instead of hanging."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        with self._pending_lock:
            left = list(self._pending)
        for future in left:
            future.cancel()
        self.loop.close()


class SshExecutor(Closing):
    """Runs commands on a machine over SSH.

    Args:
        host: Host name or address.
        port: SSH port.
        username: Remote user (default: the credential's, else the local user name).
        credential: User and password for password authentication.
        client_keys: Private key files to offer (default: asyncssh's defaults in ``~/.ssh``).
        passphrase: Passphrase of encrypted private keys.
        known_hosts: The known_hosts file to verify the host key against
            (default ``~/.ssh/known_hosts``).
        accept_unknown_host_keys: Skip host key verification (insecure; warns).
        use_agent: Offer keys from ``SSH_AUTH_SOCK``'s agent.
        connect_timeout: Seconds allowed to connect and authenticate (a command's
            own timeout, when shorter, bounds them too).
        powershell: Remote PowerShell executable for PowerShell commands
            (``powershell`` for Windows PowerShell, ``pwsh`` for PowerShell 7).
        max_sessions: Channels open at once on the connection.

    Raises:
        vmic.ConfigurationError: The options contradict each other.
    """

    def __init__(
        self,
        host: str,
        *,
        port: int = 22,
        username: str | None = None,
        credential: Credential | None = None,
        client_keys: Sequence[str | os.PathLike[str]] | None = None,
        passphrase: Secret | str | None = None,
        known_hosts: str | os.PathLike[str] | None = None,
        accept_unknown_host_keys: bool = False,
        use_agent: bool = True,
        connect_timeout: float = 30.0,
        powershell: str = "powershell",
        max_sessions: int = 8,
    ) -> None:
        if credential is not None:
            check_instance(credential, Credential, what="credential")
        if accept_unknown_host_keys and known_hosts is not None:
            msg = "give either known_hosts or accept_unknown_host_keys=True, not both"
            raise ConfigurationError(msg)
        if max_sessions < 1:
            msg = "max_sessions must be at least 1"
            raise ConfigurationError(msg)
        if accept_unknown_host_keys:
            warnings.warn(
                f"SshExecutor({host!r}): host key verification is off; anyone on the network "
                "path can impersonate the host and read the credentials and commands",
                InsecureOptionWarning,
                stacklevel=2,
            )
        self._host = host
        self._port = port
        self._username = username or (credential.username if credential else None)
        self._credential = credential
        self._client_keys = (
            [str(Path(k).expanduser()) for k in client_keys] if client_keys is not None else None
        )
        self._passphrase = (
            passphrase if isinstance(passphrase, Secret | None) else Secret(passphrase)
        )
        self._insecure = accept_unknown_host_keys
        self._known_hosts = (
            Path(known_hosts) if known_hosts is not None else Path("~/.ssh/known_hosts")
        )
        self._use_agent = use_agent
        self._connect_timeout = connect_timeout
        self._powershell = check_executable(powershell)
        self._max_sessions = max_sessions
        self._state_lock = threading.Lock()
        self._runner: _LoopThread | None = None
        self._connection: asyncssh.SSHClientConnection | None = None
        self._connect_lock: asyncio.Lock | None = None
        self._sessions: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"SshExecutor(host={self._host!r}, port={self._port}, "
            f"username={self._username!r}, verify_host_key={not self._insecure})"
        )

    @property
    def _where(self) -> str:
        return f"{self._host}:{self._port}"

    def _call(self, function: Callable[..., Coroutine[Any, Any, _T]], *args: Any) -> _T:  # noqa: ANN401 - passed through
        # Under the lock, so that close() cannot stop the loop between the check and the
        # submission (the call would then wait for a loop that never runs it).
        with self._state_lock:
            if self._closed:
                raise ExecutionError(f"{self!r} is closed")
            if self._runner is None:
                self._runner = _LoopThread(f"vmic-ssh-{self._where}")
            future = self._runner.submit(self._tracked(function(*args)))
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise ExecutionError(f"{self!r} was closed while the command ran") from None
        except BaseException:
            future.cancel()
            raise

    async def _tracked(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run *coroutine* as a task that close() can stop."""
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - always inside a task on the loop
        self._tasks.add(task)
        try:
            return await coroutine
        finally:
            self._tasks.discard(task)

    def connect(self) -> None:
        """Connect and authenticate now (``run`` does it on first use).

        Raises:
            vmic.ConnectionFailedError: The host is unreachable or its key is not trusted.
            vmic.AuthenticationFailedError: The host refused every offered credential.
        """
        self._call(self._get_connection, None)

    def _known_hosts_argument(self) -> object:
        if self._insecure:
            return None
        path = self._known_hosts.expanduser()
        if path.is_file():
            return str(path)
        # No file: trust nothing (asyncssh would otherwise fall back to ssh_config).
        return asyncssh.import_known_hosts("")

    async def _get_connection(self, deadline: float | None) -> asyncssh.SSHClientConnection:
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
            self._sessions = asyncio.Semaphore(self._max_sessions)
        async with self._connect_lock:
            connection = self._connection
            if connection is not None and not connection.is_closed():
                return connection
            self._connection = None
            self._connection = await self._open(deadline)
            return self._connection

    def login_limits(self, deadline: float | None) -> dict[str, float]:
        """The ``connect_timeout`` and ``login_timeout`` asyncssh gets for a command due then.

        Both are the executor's ``connect_timeout``, or the time left until *deadline*
        (a :func:`time.monotonic` value) when that is shorter, so that connecting and
        logging in never outlive the command's own timeout.
        """
        seconds = self._connect_timeout
        left = _remaining(deadline)
        if left is not None:
            seconds = max(min(seconds, left), _SMALLEST_WAIT)
        return {"connect_timeout": seconds, "login_timeout": seconds}

    async def _open(self, deadline: float | None) -> asyncssh.SSHClientConnection:
        options: dict[str, Any] = {
            "port": self._port,
            "known_hosts": self._known_hosts_argument(),
            **self.login_limits(deadline),
            # Only the options given here apply; no ~/.ssh/config surprises.
            "config": None,
        }
        if self._username is not None:
            options["username"] = self._username
        if self._credential is not None:
            options["password"] = self._credential.password.reveal()
        if self._client_keys is not None:
            options["client_keys"] = self._client_keys
        if self._passphrase is not None:
            options["passphrase"] = self._passphrase.reveal()
        if not self._use_agent:
            options["agent_path"] = None
        LOG.debug("ssh connect: %r", self)
        try:
            return await asyncssh.connect(self._host, **options)
        except asyncssh.HostKeyNotVerifiable as exc:
            raise ConnectionFailedError(self._host_key_message(exc.reason)) from None
        except asyncssh.PermissionDenied as exc:
            raise AuthenticationFailedError(
                f"{self._where} (SSH) refused authentication as {self._username!r}: "
                f"{self._redact(exc.reason)}",
                detail=self._redact(exc.reason),
            ) from None
        except TimeoutError:
            if options["connect_timeout"] < self._connect_timeout:
                raise  # the command's deadline: the caller reports a command timeout
            raise ConnectionFailedError(
                f"cannot reach {self._where} (SSH): no answer within "
                f"{options['connect_timeout']:g}s \u2014 is the host up, and does a firewall "
                "let the port through? (--timeout waits longer)"
            ) from None
        except (asyncssh.Error, OSError) as exc:
            reason = self._redact(getattr(exc, "reason", None) or str(exc) or type(exc).__name__)
            LOG.debug("ssh: %s failed: %s: %s", self._where, type(exc).__name__, reason)
            raise ConnectionFailedError(
                unreachable(self._where, "SSH", self._port, exc, reason), detail=reason
            ) from None

    def _redact(self, text: str) -> str:
        secrets = [s for s in (self._passphrase,) if s is not None]
        if self._credential is not None:
            secrets.append(self._credential.password)
        return redact(text, secrets)

    def _host_key_message(self, reason: str) -> str:
        path = self._known_hosts.expanduser()
        state = "" if path.is_file() else " (the file does not exist)"
        host = self._host if self._port == 22 else f"[{self._host}]:{self._port}"
        return (
            f"the host key of {self._where} is not trusted: {reason}. It was checked "
            f"against {path}{state}. If you have confirmed the key's fingerprint, add it "
            f"to that file (for example: ssh-keyscan -p {self._port} {self._host} >> {path}; "
            f"entries for this port start with {host}); or pass "
            "accept_unknown_host_keys=True to skip verification (insecure)"
        )

    def run(self, command: Command) -> Result:
        """Run *command* on the remote machine.

        Raises:
            vmic.CommandTimeoutError: (:class:`CommandTimeoutError`) it outlived its
                timeout; the remote process group was signalled and the channel closed.
            vmic.ConnectionFailedError: The host could not be reached, its key is not
                trusted, or the connection broke.
            vmic.AuthenticationFailedError: The host refused the credentials.
            vmic.ExecutionError: The remote side ended without an exit status.
        """
        remote = remote_command(command, powershell=self._powershell)
        payload = remote_stdin(command)
        LOG.debug(
            "ssh run on %s: %s parameters=%s timeout=%s",
            self._where,
            command.summary(),
            sorted(command.parameters),
            command.timeout,
        )
        return self._call(self._run, command, remote, payload)

    async def _run(self, command: Command, remote: str, payload: bytes) -> Result:
        start = time.monotonic()
        deadline = None if command.timeout is None else start + command.timeout
        try:
            # The lock another command holds while it connects counts against this
            # command's deadline too.
            connection = await asyncio.wait_for(
                self._get_connection(deadline), _remaining(deadline)
            )
        except TimeoutError:
            raise self._not_started(
                command, start, "connecting and logging in took too long"
            ) from None
        sessions = self._sessions
        assert sessions is not None  # noqa: S101 - set together with the connect lock
        try:
            await asyncio.wait_for(sessions.acquire(), _remaining(deadline))
        except TimeoutError:
            raise self._not_started(command, start, "no SSH channel became free") from None
        try:
            return await self._run_in_session(connection, command, remote, payload, start)
        finally:
            sessions.release()

    def _not_started(self, command: Command, start: float, why: str) -> CommandTimeoutError:
        return CommandTimeoutError(
            f"command timed out after {command.timeout}s on {self._where} before it started "
            f"({why}): {command.summary()}",
            command=command,
            timeout=command.timeout or 0.0,
            duration=time.monotonic() - start,
        )

    async def _run_in_session(
        self,
        connection: asyncssh.SSHClientConnection,
        command: Command,
        remote: str,
        payload: bytes,
        start: float,
    ) -> Result:
        deadline = None if command.timeout is None else start + command.timeout
        secrets = command.secrets
        try:
            process = await asyncio.wait_for(
                connection.create_process(remote, encoding=None), _remaining(deadline)
            )
        except TimeoutError:
            raise self._not_started(command, start, "the SSH channel did not open") from None
        except (asyncssh.Error, OSError) as exc:
            self._connection = None
            reason = getattr(exc, "reason", None) or str(exc)
            raise ConnectionFailedError(
                f"could not open an SSH session on {self._where}: {reason}"
            ) from None
        try:
            process.stdin.write(payload)
            process.stdin.write_eof()
            completed = await process.wait(timeout=_remaining(deadline))
        except asyncssh.TimeoutError as exc:
            pid, stderr = _split_pid(_as_bytes(exc.stderr))
            await self._stop(connection, process, pid)
            duration = time.monotonic() - start
            LOG.debug("ssh run timed out after %.3fs: %s", duration, command.summary())
            raise CommandTimeoutError(
                f"command timed out after {command.timeout}s on {self._where} and was "
                f"stopped: {command.summary()}",
                command=command,
                timeout=command.timeout or 0.0,
                stdout=redact(decode(_as_bytes(exc.stdout)), secrets),
                stderr=redact(decode(stderr), secrets),
                duration=duration,
            ) from None
        except (asyncssh.Error, OSError) as exc:
            self._connection = None
            reason = getattr(exc, "reason", None) or str(exc)
            raise ConnectionFailedError(
                f"the SSH connection to {self._where} broke: {reason}"
            ) from None
        except BaseException:
            pid, _ = _split_pid(_as_bytes(process.collect_output()[1]))
            await self._stop(connection, process, pid)
            raise
        duration = time.monotonic() - start
        exit_code = _exit_code(completed)
        if exit_code is None:
            raise ExecutionError(
                f"the remote command on {self._where} ended without an exit status: "
                f"{command.summary()}"
            )
        LOG.debug("ssh run finished: exit=%d in %.3fs", exit_code, duration)
        _, stderr = _split_pid(_as_bytes(completed.stderr))
        return Result(
            command,
            stdout=redact(decode(_as_bytes(completed.stdout)), secrets),
            stderr=redact(decode(stderr), secrets),
            exit_code=exit_code,
            duration=duration,
        )

    async def _stop(
        self,
        connection: asyncssh.SSHClientConnection,
        process: asyncssh.SSHClientProcess[bytes],
        pid: int | None,
    ) -> None:
        """Stop a timed-out remote command: its process group if known, then its channel."""
        if pid is not None:
            try:
                await asyncio.wait_for(connection.run(_kill_script(pid)), _STOP_SECONDS)
            except (asyncssh.Error, OSError, TimeoutError):
                LOG.debug("ssh: stopping remote process group %d failed", pid, exc_info=True)
        else:
            with contextlib.suppress(OSError):
                process.send_signal("KILL")
        process.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait_closed(), _STOP_SECONDS)

    def close(self) -> None:
        """Close the connection and stop the background loop; the executor cannot be reused."""
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
            runner, self._runner = self._runner, None
        if runner is None:
            return

        async def _close() -> None:
            # Calls still running end now; each stops its remote process on the way out.
            running = list(self._tasks)
            for task in running:
                task.cancel()
            if running:
                await asyncio.wait(running, timeout=2 * _STOP_SECONDS)
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()
                await asyncio.wait_for(connection.wait_closed(), _STOP_SECONDS)

        try:
            runner.submit(_close()).result(timeout=4 * _STOP_SECONDS)
        except Exception:  # noqa: BLE001 - best effort, logged
            LOG.debug("ssh: closing the connection failed", exc_info=True)
        finally:
            runner.stop()


_SMALLEST_WAIT: Final = 0.001


def _remaining(deadline: float | None) -> float | None:
    """Seconds left until *deadline* (None: no deadline)."""
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def _split_pid(stderr: bytes) -> tuple[int | None, bytes]:
    """Split the process-id line the POSIX wrapper writes first from the real stderr.

    An id of 0 or 1 is no id: ``kill -KILL -1`` would signal every process the
    account may signal, ``-0`` the killer's own group.
    """
    match = _PID_MARKER.match(stderr)
    if match is None:
        return None, stderr
    pid = int(match[1])
    return (pid if pid > 1 else None), stderr[match.end() :]


def _kill_script(pid: int) -> str:
    """A POSIX script that kills process group *pid* (or the process, if it leads no group)."""
    return f"kill -KILL -{pid} 2>/dev/null || kill -KILL {pid} 2>/dev/null; true"


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    return b""


def _exit_code(completed: asyncssh.SSHCompletedProcess) -> int | None:
    if completed.exit_status is not None and completed.exit_status >= 0:
        return completed.exit_status
    if completed.exit_signal is not None:
        name = completed.exit_signal[0]
        try:
            return signal_exit_code(signal.Signals["SIG" + name].value)
        except KeyError:
            return signal_exit_code(0)
    return None
