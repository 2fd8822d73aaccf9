"""Running PowerShell on a Windows host over PowerShell Remoting (PSRP), with pypsrp 0.9.

Needs the ``psrp`` extra (``pip install 'vmic[psrp]'``).

* **TLS with certificate validation** is the default (HTTPS, port 5986).
  ``ca_bundle`` names a CA file for a private PKI; ``skip_tls_verify=True``
  turns validation off and warns (:class:`InsecureOptionWarning`).
  ``use_tls=False`` uses HTTP (5985) with WinRM message encryption, which
  pypsrp supports for Negotiate, NTLM, Kerberos and CredSSP only.
* **Parameters are data**: the script gets a ``param(...)`` block and each
  value is added with ``add_parameter``, so no value ever becomes script text.
  A :class:`~vmic.executors.Secret` is sent as a ``SecureString`` encrypted with
  the session key PSRP negotiates.
* **A per-command deadline**: pypsrp has none of its own; the executor polls
  the pipeline and, when the command's timeout passes, stops it
  (``PowerShell.stop()``, a Ctrl+C signal to the pipeline). Connecting and
  logging in count too: the HTTP connection and read timeouts of each request
  are cut to the time the command has left.
* **Output**: the script's output is formatted on the server with
  ``Out-String -Stream`` and joined with newlines; the error stream (and
  warnings, prefixed ``WARNING:``) becomes ``stderr``.
* **Exit status**: ``exit N`` in the script reaches the client as the
  ``SetShouldExit`` host call and becomes the exit status; a terminating error
  gives 1; otherwise 0 (non-terminating errors only fill ``stderr``).
* **Connections**: one runspace pool is opened on first use and reused;
  concurrent ``run`` calls from several threads share it (up to
  ``max_concurrency`` pipelines run at once on the host; their messages are
  interleaved over the one connection, one request at a time).

This executor has been tested against pypsrp's own objects with a simulated
WinRM endpoint, not against a real Windows host; see ``docs/executors.md``.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

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
from vmic.executors._command import Command, Credential, ParameterValue, Secret, Shell
from vmic.executors._network import DEFAULT_PORTS, unreachable
from vmic.executors._output import LOG, RedactingFilter, redact
from vmic.executors._result import Result

try:
    with quiet_import("pypsrp"):
        import requests
        from pypsrp.complex_objects import PSInvocationState
        from pypsrp.exceptions import AuthenticationError, WinRMError, WinRMTransportError
        from pypsrp.host import PSHost
        from pypsrp.powershell import PowerShell, RunspacePool
        from pypsrp.serializer import TaggedValue
        from pypsrp.wsman import WSMan
except ImportError as _exc:  # pragma: no cover - exercised only without the extra
    msg = "PsrpExecutor"
    raise MissingExtraError(msg, extra="psrp", module="pypsrp") from _exc

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["PsrpAuth", "PsrpExecutor", "psrp_script"]

# pypsrp logs every PSRP message at DEBUG level, output included; while a
# command runs, its secrets (and the credential's password) are blanked there.
_PYPSRP_LOGS: Final = RedactingFilter()
_PYPSRP_LOGS.attach("pypsrp")

PsrpAuth = Literal["negotiate", "kerberos", "ntlm", "credssp", "basic", "certificate"]
_ENCRYPTING_AUTHS: Final = frozenset({"negotiate", "kerberos", "ntlm", "credssp"})
_INT32: Final = range(-(2**31), 2**31)


def psrp_script(command: Command) -> str:
    """Return the script sent over PSRP: a ``param()`` block naming the parameters, then the script.

    >>> from vmic.executors import Command, Shell
    >>> print(psrp_script(Command(Shell.POWERSHELL, "Get-VM -Id $Id", parameters={"Id": "x"})))
    param($Id)
    Get-VM -Id $Id
    """
    if not command.parameters:
        return command.script
    return "param(" + ", ".join(f"${name}" for name in command.parameters) + ")\n" + command.script


def psrp_value(value: ParameterValue) -> object:
    """Return the value pypsrp serializes for a parameter (explicitly typed where it matters)."""
    if isinstance(value, Secret):
        return TaggedValue("SS", value.reveal())
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if value in _INT32 else TaggedValue("I64", value)
    if isinstance(value, float):
        # pypsrp would infer Single (32-bit) for a float.
        return TaggedValue("Db", value)
    return list(value)


class _DeadlinePassed(Exception):  # noqa: N818 - private signal, never leaves the module
    """Opening the pool ran out of the command's time (it becomes a CommandTimeoutError)."""


class _ExitCodeHost(PSHost):
    """A PSHost without UI that records ``exit N`` per pipeline."""

    def __init__(self) -> None:
        # pypsrp's positional API: culture, UI culture, debugger, name, data, UI, version.
        super().__init__(None, None, False, "vmic", None, None, "1.0")  # noqa: FBT003
        self._codes: dict[str, int] = {}
        self._codes_lock = threading.Lock()

    def SetShouldExit(  # noqa: N802 - PSRP's host method name
        self,
        runspace: object,
        pipeline: Any,  # noqa: ANN401 - pypsrp passes its PowerShell object or None
        exit_code: int,
    ) -> None:
        if pipeline is not None:
            with self._codes_lock:
                self._codes[str(pipeline.id)] = int(exit_code)

    def pop(self, pipeline_id: str) -> int | None:
        with self._codes_lock:
            return self._codes.pop(pipeline_id, None)


def _first_line(text: str) -> str:
    """The first line of a library's message (the rest is in the error's detail)."""
    return text.strip().splitlines()[0] if text.strip() else "no reason given"


def _render_errors(errors: Iterable[Any], warnings_: Iterable[Any]) -> str:
    lines = [f"WARNING: {getattr(w, 'message', None) or w}" for w in warnings_]
    for error in errors:
        name = getattr(error, "command_name", None)
        text = f"{name} : {error}" if name else str(error)
        lines.append(text)
        category = getattr(error, "message", None)
        if category:
            lines.append(f"    + CategoryInfo          : {category}")
        fq_error = getattr(error, "fq_error", None)
        if fq_error:
            lines.append(f"    + FullyQualifiedErrorId : {fq_error}")
    return "".join(line + "\n" for line in lines)


class PsrpExecutor(Closing):
    """Runs PowerShell commands on a Windows host over PowerShell Remoting.

    Args:
        host: Host name or address of the WinRM endpoint.
        credential: Account to authenticate as; ``None`` uses the current
            Kerberos ticket (``auth="kerberos"`` or ``"negotiate"``).
        port: WinRM port (default 5986 with TLS, 5985 without).
        auth: Authentication protocol.
        use_tls: HTTPS (default). Without TLS, WinRM message encryption is required.
        ca_bundle: A CA certificate file (PEM) to validate the host's certificate.
        skip_tls_verify: Do not validate the host's certificate (insecure; warns).
        configuration_name: The session configuration (JEA endpoints have their own).
        connect_timeout: Seconds to wait for the TCP/TLS connection (a command's own
            timeout, when shorter, bounds it too).
        operation_timeout: Seconds the host may take to answer one WS-Man request
            (likewise).
        max_concurrency: Pipelines that may run at once in the runspace pool.
        poll_interval: Longest time, in whole seconds, one poll of a running
            pipeline waits; a smaller value lets concurrent runs interleave sooner.

    Raises:
        vmic.ConfigurationError: The options contradict each other.
    """

    def __init__(
        self,
        host: str,
        *,
        credential: Credential | None = None,
        port: int | None = None,
        auth: PsrpAuth = "negotiate",
        use_tls: bool = True,
        ca_bundle: str | Path | None = None,
        skip_tls_verify: bool = False,
        configuration_name: str = "Microsoft.PowerShell",
        connect_timeout: float = 30.0,
        operation_timeout: int = 20,
        max_concurrency: int = 4,
        poll_interval: int = 1,
    ) -> None:
        if credential is not None:
            check_instance(credential, Credential, what="credential")
        if auth not in get_args(PsrpAuth):
            raise ConfigurationError(f"unknown PSRP authentication {auth!r}")
        if not use_tls and auth not in _ENCRYPTING_AUTHS:
            raise ConfigurationError(
                f"auth={auth!r} cannot encrypt WinRM messages, so it needs use_tls=True"
            )
        if skip_tls_verify and ca_bundle is not None:
            msg = "give either ca_bundle or skip_tls_verify=True, not both"
            raise ConfigurationError(msg)
        if max_concurrency < 1 or poll_interval < 1 or operation_timeout < 1:
            msg = "max_concurrency, poll_interval and operation_timeout must be at least 1"
            raise ConfigurationError(msg)
        if skip_tls_verify and use_tls:
            warnings.warn(
                f"PsrpExecutor({host!r}): TLS certificate validation is off; anyone on the "
                "network path can impersonate the host and read the credentials",
                InsecureOptionWarning,
                stacklevel=2,
            )
        self._host = host
        self._credential = credential
        self._port = port
        self._auth = auth
        self._use_tls = use_tls
        self._cert_validation: bool | str = (
            False
            if skip_tls_verify
            else (str(Path(ca_bundle).expanduser()) if ca_bundle is not None else True)
        )
        self._configuration_name = configuration_name
        self._connect_timeout = connect_timeout
        self._operation_timeout = operation_timeout
        self._max_concurrency = max_concurrency
        self._poll_interval = poll_interval
        self._lock = threading.RLock()
        self._wsman: WSMan | None = None
        self._pool: RunspacePool | None = None
        self._exit_host = _ExitCodeHost()
        self._keys_exchanged = False

    def __repr__(self) -> str:
        user = self._credential.username if self._credential else None
        return (
            f"PsrpExecutor(host={self._host!r}, port={self._port!r}, auth={self._auth!r}, "
            f"username={user!r}, use_tls={self._use_tls!r})"
        )

    def _where(self) -> str:
        return f"{self._host}:{self._port or (5986 if self._use_tls else 5985)}"

    def http_timeouts(self, deadline: float | None) -> tuple[int, int]:
        """The HTTP (connection, read) timeouts of the requests made for a command due then.

        They are the executor's own (``connect_timeout``; ``operation_timeout`` plus
        10 s to read), or the whole seconds left until *deadline* (a
        :func:`time.monotonic` value, rounded up, at least 1) when that is shorter, so
        that connecting and logging in never outlive the command's own timeout.
        """
        connect = math.ceil(self._connect_timeout)
        read = self._operation_timeout + 10
        if deadline is not None:
            left = max(1, math.ceil(deadline - time.monotonic()))
            connect, read = min(connect, left), min(read, left)
        return connect, read

    def _bound(self, deadline: float | None) -> None:
        """Cut the open connection's HTTP timeouts to what the command due then has left."""
        connect, read = self.http_timeouts(deadline)
        transport = getattr(self._wsman, "transport", None)
        if transport is not None:
            transport.connection_timeout = connect
            transport.read_timeout = read

    def _make_wsman(self, timeouts: tuple[int, int]) -> WSMan:
        bundle = self._cert_validation
        if isinstance(bundle, str) and not Path(bundle).exists():
            # Checked here, not by requests, which would report it as a connection failure.
            raise ConfigurationError(f"the ca_bundle {bundle!r} for {self._where()} does not exist")
        credential = self._credential
        connect, read = timeouts
        try:
            return WSMan(
                self._host,
                port=self._port,
                username=credential.username if credential else None,
                password=credential.password.reveal() if credential else None,
                ssl=self._use_tls,
                auth=self._auth,
                cert_validation=self._cert_validation,  # type: ignore[arg-type] # a path is accepted too
                connection_timeout=connect,
                encryption="auto" if self._use_tls else "always",
                operation_timeout=self._operation_timeout,
                read_timeout=read,
            )
        except ValueError as exc:
            raise ConfigurationError(f"invalid PSRP options for {self._where()}: {exc}") from None

    def connect(self) -> None:
        """Open the runspace pool now (``run`` does it on first use).

        Raises:
            vmic.ConnectionFailedError: The host could not be reached or its
                certificate could not be validated.
            vmic.AuthenticationFailedError: The host refused the credentials.
        """
        with _PYPSRP_LOGS.active(self._own_secrets()), self._lock:
            self._open_pool()

    def _open_pool(self, deadline: float | None = None) -> RunspacePool:
        if self._pool is not None:
            return self._pool
        LOG.debug("psrp connect: %r", self)
        timeouts = self.http_timeouts(deadline)
        # Whether the command's deadline, not the executor's own timeouts, bounds the opening.
        bounded = timeouts != self.http_timeouts(None)
        wsman = self._make_wsman(timeouts)
        pool = RunspacePool(
            wsman,
            configuration_name=self._configuration_name,
            host=self._exit_host,
            max_runspaces=self._max_concurrency,
            no_profile=True,
        )
        try:
            pool.open()
        except Exception as exc:
            self._discard(wsman)
            if bounded and isinstance(exc, requests.exceptions.Timeout):
                raise _DeadlinePassed from None
            raise self._map_error(exc, opening=True) from exc
        self._wsman = wsman
        self._pool = pool
        self._keys_exchanged = False
        return pool

    def _discard(self, wsman: WSMan | None) -> None:
        if wsman is not None:
            try:
                wsman.close()
            except Exception:  # noqa: BLE001 - best effort, logged
                LOG.debug("psrp: closing the broken connection failed", exc_info=True)

    def _drop_connection(self) -> None:
        self._pool = None
        wsman, self._wsman = self._wsman, None
        self._discard(wsman)

    def _transport(self) -> tuple[str, int]:
        """The transport in words and the port it uses."""
        label = "WinRM over HTTPS" if self._use_tls else "WinRM over HTTP"
        return label, self._port or DEFAULT_PORTS[label]

    def _map_error(self, exc: BaseException, *, opening: bool) -> ExecutionError:
        where = self._where()
        user = self._credential.username if self._credential else "the current user"
        secrets = (self._credential.password,) if self._credential else ()
        detail = redact(str(exc), secrets)
        LOG.debug("psrp: %s failed: %s: %s", where, type(exc).__name__, detail)
        transport, port = self._transport()
        if isinstance(exc, AuthenticationError) or (
            isinstance(exc, WinRMTransportError) and exc.code == 401
        ):
            return AuthenticationFailedError(
                f"{where} ({transport}) refused {self._auth} authentication as {user!r}: "
                f"{_first_line(detail)}",
                detail=detail,
            )
        if isinstance(exc, requests.exceptions.SSLError):
            return ConnectionFailedError(
                f"cannot reach {where} ({transport}): its TLS certificate could not be "
                "validated \u2014 give the issuing CA with ca_bundle='<file.pem>' (--ca-bundle), "
                "or pass skip_tls_verify=True to skip validation (insecure)",
                detail=detail,
            )
        if isinstance(exc, requests.exceptions.RequestException | OSError):
            message = unreachable(where, transport, port, exc, _first_line(detail))
            return ConnectionFailedError(message, detail=detail)
        if opening:
            return ConnectionFailedError(
                f"could not open a PowerShell session on {where} ({transport}): "
                f"{_first_line(detail)}",
                detail=detail,
            )
        if isinstance(exc, WinRMError):
            return ExecutionError(f"PSRP error from {where}: {detail}")
        return ExecutionError(
            f"unexpected error talking to {where}: {type(exc).__name__}: {detail}"
        )

    def run(self, command: Command) -> Result:
        """Run a PowerShell command on the host.

        Raises:
            vmic.ConfigurationError: *command* is not a PowerShell command.
            vmic.CommandTimeoutError: (:class:`CommandTimeoutError`) it outlived its
                timeout and the pipeline was stopped.
            vmic.ConnectionFailedError: The host could not be reached.
            vmic.AuthenticationFailedError: The host refused the credentials.
            vmic.ExecutionError: PSRP failed otherwise.
        """
        if command.shell is not Shell.POWERSHELL:
            raise ConfigurationError(
                f"PSRP runs PowerShell only; got a {command.shell.value} command "
                f"({command.summary()})"
            )
        LOG.debug(
            "psrp run on %s: %s parameters=%s timeout=%s",
            self._where(),
            command.summary(),
            sorted(command.parameters),
            command.timeout,
        )
        with _PYPSRP_LOGS.active((*self._own_secrets(), *command.secrets)):
            return self._run(command)

    def _own_secrets(self) -> tuple[Secret, ...]:
        return (self._credential.password,) if self._credential else ()

    def _run(self, command: Command) -> Result:
        start = time.monotonic()
        deadline = None if command.timeout is None else start + command.timeout
        with self._lock:
            try:
                pool = self._open_pool(deadline)
            except _DeadlinePassed:
                raise CommandTimeoutError(
                    f"command timed out after {command.timeout}s on {self._where()} before it "
                    f"started (connecting and logging in took too long): {command.summary()}",
                    command=command,
                    timeout=command.timeout or 0.0,
                    duration=time.monotonic() - start,
                ) from None
            self._bound(deadline)
            try:
                if command.secrets and not self._keys_exchanged:
                    pool.exchange_keys()
                    self._keys_exchanged = True
                pipeline = PowerShell(pool)
                pipeline.add_script(psrp_script(command))
                for name, value in command.parameters.items():
                    pipeline.add_parameter(name, psrp_value(value))
                pipeline.add_cmdlet("Out-String").add_parameter("Stream", True)  # noqa: FBT003
                pipeline.begin_invoke()
            except Exception as exc:
                self._drop_connection()
                raise self._map_error(exc, opening=False) from exc
        try:
            self._wait(pipeline, command, start, deadline)
        except (CommandTimeoutError, ExecutionError):
            raise
        except Exception as exc:
            with self._lock:
                self._drop_connection()
            raise self._map_error(exc, opening=False) from exc
        except BaseException:
            # Interrupted (Ctrl+C in this process): the pipeline must not run on unattended.
            self._abandon(pipeline)
            raise
        duration = time.monotonic() - start
        exit_code = self._exit_host.pop(str(pipeline.id))
        if exit_code is None:
            exit_code = 1 if pipeline.state == PSInvocationState.FAILED else 0
        secrets = command.secrets
        stdout = "".join(f"{line}\n" for line in pipeline.output)
        stderr = _render_errors(pipeline.streams.error, pipeline.streams.warning)
        self._close_pipeline(pipeline)
        LOG.debug("psrp run finished: exit=%d in %.3fs", exit_code, duration)
        return Result(
            command,
            stdout=redact(stdout, secrets),
            stderr=redact(stderr, secrets),
            exit_code=exit_code,
            duration=duration,
        )

    def _wait(
        self,
        pipeline: PowerShell,
        command: Command,
        start: float,
        deadline: float | None,
    ) -> None:
        while pipeline.state == PSInvocationState.RUNNING:
            wait = self._poll_interval
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._stop(pipeline, command, start)
                wait = max(1, min(wait, math.ceil(remaining)))
            with self._lock:
                pipeline.poll_invoke(timeout=wait)

    def _abandon(self, pipeline: PowerShell) -> None:
        """Stop *pipeline* on the host and forget it (best effort)."""
        with self._lock:
            try:
                pipeline.stop()
            except Exception:  # noqa: BLE001 - best effort, logged
                LOG.debug("psrp: stopping a pipeline failed", exc_info=True)
        self._exit_host.pop(str(pipeline.id))
        self._close_pipeline(pipeline)

    def _stop(self, pipeline: PowerShell, command: Command, start: float) -> None:
        self._abandon(pipeline)
        secrets = command.secrets
        raise CommandTimeoutError(
            f"command timed out after {command.timeout}s on {self._where()} and its "
            f"pipeline was stopped: {command.summary()}",
            command=command,
            timeout=command.timeout or 0.0,
            stdout=redact("".join(f"{line}\n" for line in pipeline.output), secrets),
            stderr=redact(
                _render_errors(pipeline.streams.error, pipeline.streams.warning), secrets
            ),
            duration=time.monotonic() - start,
        )

    def _close_pipeline(self, pipeline: PowerShell) -> None:
        with self._lock:
            try:
                pipeline.close()
            except Exception:  # noqa: BLE001 - best effort, logged
                LOG.debug("psrp: closing a finished pipeline failed", exc_info=True)

    def close(self) -> None:
        """Close the runspace pool and the connection; a later ``run`` reconnects."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None:
                try:
                    pool.close()
                except Exception:  # noqa: BLE001 - best effort, logged
                    LOG.debug("psrp: closing the runspace pool failed", exc_info=True)
            wsman, self._wsman = self._wsman, None
            self._discard(wsman)
