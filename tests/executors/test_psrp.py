"""PsrpExecutor against pypsrp's real objects, with only the HTTP transport simulated.

See ``_winrm_endpoint.py``: ``WSMan``, ``RunspacePool``, ``PowerShell``, the
fragmenter and the CLIXML serializer are pypsrp's own; the endpoint reads what
they send. Nothing here talks to a Windows host.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import attrs
import pypsrp.wsman
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from pypsrp.exceptions import AuthenticationError
from pypsrp.powershell import PowerShell

from tests._cli import silent_port
from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
)
from vmic.executors import (
    Command,
    Credential,
    InsecureOptionWarning,
    Secret,
    Shell,
)
from vmic.executors._psrp import PsrpExecutor, psrp_script

from ._winrm_endpoint import Endpoint, Invocation, Reply
from .hostile import hostile_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PASSWORD = "hunter2-Winrm-pass"  # noqa: S105 - a throwaway test password
CREDENTIAL = Credential("CONTOSO\\admin", PASSWORD)


def _echo(invocation: Invocation) -> Reply:
    """Answer like ``Write-Output $Value`` would (or a fixed reply for some scripts)."""
    if "hang" in invocation.script:
        return Reply(output=["started"], hang=True)
    if "fail" in invocation.script:
        return Reply(errors=["it broke"], failed=True)
    value = invocation.parameters.get("Value", "")
    return Reply(output=[str(value)])


class Simulated:
    """An endpoint installed in place of pypsrp's HTTP transport."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.endpoint = Endpoint(_echo)
        monkeypatch.setattr(pypsrp.wsman, "_TransportHTTP", self.endpoint.transport)

    def wire_payloads(self) -> bytes:
        """Every base64 payload the client sent (fragments and streams), decoded."""
        decoded = b""
        for request in self.endpoint.raw_requests:
            for chunk in re.findall(rb">([A-Za-z0-9+/=]{16,})<", request):
                decoded += base64.b64decode(chunk) + b"\n"
        return decoded + b"".join(self.endpoint.raw_requests)


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> Simulated:
    return Simulated(monkeypatch)


@pytest.fixture
def executor(simulated: Simulated) -> Iterator[PsrpExecutor]:
    with PsrpExecutor("hv01.contoso.test", credential=CREDENTIAL) as psrp:
        yield psrp


# --- transport security -----------------------------------------------------------------------


def test_tls_with_certificate_validation_is_the_default(
    simulated: Simulated, executor: PsrpExecutor
) -> None:
    executor.run(Command(Shell.POWERSHELL, "Get-Date"))
    (options,) = simulated.endpoint.transport_kwargs
    assert options["server"] == "hv01.contoso.test"
    assert options["ssl"] is True
    assert options["cert_validation"] is True
    assert options["auth"] == "negotiate"
    assert options["username"] == "CONTOSO\\admin"
    assert options["encryption"] == "auto"


def test_a_private_ca_bundle_is_used_for_validation(simulated: Simulated, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    with PsrpExecutor("hv01", credential=CREDENTIAL, ca_bundle=bundle) as psrp:
        psrp.connect()
    assert simulated.endpoint.transport_kwargs[0]["cert_validation"] == str(bundle)


def test_a_missing_ca_bundle_is_a_configuration_error(simulated: Simulated, tmp_path: Path) -> None:
    # Not "could not reach WinRM", which reads as a network problem.
    missing = tmp_path / "no-such-ca.pem"
    with (
        PsrpExecutor("hv01", credential=CREDENTIAL, ca_bundle=missing) as psrp,
        pytest.raises(ConfigurationError, match=r"ca_bundle .*no-such-ca\.pem.* does not exist"),
    ):
        psrp.run(Command(Shell.POWERSHELL, "Get-Date"))
    assert simulated.endpoint.transport_kwargs == []


def test_skipping_tls_validation_warns(simulated: Simulated) -> None:
    with pytest.warns(InsecureOptionWarning, match="TLS certificate validation is off"):
        psrp = PsrpExecutor("hv01", credential=CREDENTIAL, skip_tls_verify=True)
    with psrp:
        psrp.connect()
    assert simulated.endpoint.transport_kwargs[0]["cert_validation"] is False


def test_plain_http_requires_message_encryption(simulated: Simulated) -> None:
    with PsrpExecutor("hv01", credential=CREDENTIAL, use_tls=False, auth="ntlm") as psrp:
        psrp.connect()
    options = simulated.endpoint.transport_kwargs[0]
    assert options["ssl"] is False
    assert options["encryption"] == "always"
    with pytest.raises(ConfigurationError, match="use_tls=True"):
        PsrpExecutor("hv01", credential=CREDENTIAL, use_tls=False, auth="basic")


@pytest.mark.parametrize(
    "options",
    [
        {"ca_bundle": "ca.pem", "skip_tls_verify": True},
        {"auth": "digest"},
        {"max_concurrency": 0},
        {"credential": ("user", "password")},
    ],
)
def test_contradictory_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        PsrpExecutor("hv01", **options)  # type: ignore[arg-type]


# --- parameters are data --------------------------------------------------------------------


def test_parameters_travel_as_pipeline_parameters(
    simulated: Simulated, executor: PsrpExecutor
) -> None:
    command = Command(
        Shell.POWERSHELL,
        "Get-VM | Where-Object { [string]::Equals($_.Name, $VMName) }",
        parameters={
            "VMName": "web'01 $(Remove-VM)",
            "Count": 3,
            "Big": 2**40,
            "Ratio": 0.1,
            "Force": True,
            "Names": ["a", "b"],
        },
    )
    executor.run(command)
    invocation = simulated.endpoint.invocations[-1]
    # The script is sent as written, with a param() block; no value is in it.
    assert invocation.script == psrp_script(command)
    assert invocation.script.startswith("param($VMName, $Count, $Big, $Ratio, $Force, $Names)\n")
    assert "web'01" not in invocation.script
    assert invocation.parameters == {
        "VMName": "web'01 $(Remove-VM)",
        "Count": 3,
        "Big": 2**40,
        "Ratio": 0.1,
        "Force": True,
        "Names": ["a", "b"],
    }
    tags = dict(simulated.endpoint.value_tags)
    assert tags["Count"] == "I32"
    assert tags["Big"] == "I64"
    assert tags["Ratio"] == "Db"
    assert tags["Force"] == "B"
    # Output is formatted on the host as text lines.
    assert invocation.commands[1] == ("Out-String", False, {"Stream": True})


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile_text())
def test_hostile_values_arrive_intact(
    simulated: Simulated, executor: PsrpExecutor, value: str
) -> None:
    result = executor.run(
        Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": value})
    )
    assert simulated.endpoint.invocations[-1].parameters["Value"] == value
    assert simulated.endpoint.invocations[-1].script == "param($Value)\nWrite-Output $Value"
    assert result.stdout == value + "\n"


def test_secrets_travel_as_encrypted_securestrings(
    simulated: Simulated, executor: PsrpExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "hunter2-Guest-Secret"  # noqa: S105 - a throwaway test secret
    # A careless script that prints the secret back.
    simulated.endpoint.behaviour = lambda i: Reply(output=[str(i.parameters["Password"])])
    command = Command(
        Shell.POWERSHELL,
        "New-Object PSCredential('u', $Password)",
        parameters={"Password": Secret(secret)},
    )
    result = executor.run(command)
    assert dict(simulated.endpoint.value_tags)["Password"] == "SS"  # noqa: S105 - a CLIXML tag
    # The endpoint decrypted it with the session key it negotiated with pypsrp ...
    assert simulated.endpoint.invocations[-1].parameters["Password"] == secret
    # ... and it never crossed the wire in clear, nor reached a log (pypsrp's included).
    wire = simulated.wire_payloads()
    for needle in (secret, PASSWORD):
        assert needle.encode("utf-8") not in wire
        assert needle.encode("utf-16-le") not in wire
        assert all(needle not in record.getMessage() for record in caplog.records)
    assert result.stdout == "***\n"


# --- results --------------------------------------------------------------------------------


def test_output_errors_warnings_and_exit_code(simulated: Simulated, executor: PsrpExecutor) -> None:
    simulated.endpoint.behaviour = lambda _: Reply(
        output=["line one", "line two"],
        errors=["Get-VM : Hyper-V was unable to find a virtual machine"],
        warnings=["integration services are out of date"],
        exit_code=3,
    )
    result = executor.run(Command(Shell.POWERSHELL, "Get-VM; exit 3"))
    assert result.stdout == "line one\nline two\n"
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "WARNING: integration services are out of date",
        "Get-VM : Hyper-V was unable to find a virtual machine",
        (
            "    + CategoryInfo          : NotSpecified: "
            "(Get-VM : Hyper-V was unable to find a virtual machine:String) [], RuntimeException"
        ),
        "    + FullyQualifiedErrorId : Simulated,Error",
    ]


def test_terminating_error_exits_with_one(executor: PsrpExecutor) -> None:
    result = executor.run(Command(Shell.POWERSHELL, "fail"))
    assert result.exit_code == 1
    assert "it broke" in result.stderr


def test_clean_pipeline_exits_with_zero(executor: PsrpExecutor) -> None:
    result = executor.run(
        Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": "ok"})
    )
    assert result.ok
    assert result.stderr == ""


def test_deadline_stops_the_pipeline(simulated: Simulated, executor: PsrpExecutor) -> None:
    command = Command(Shell.POWERSHELL, "hang", timeout=1.0)
    with pytest.raises(CommandTimeoutError) as info:
        executor.run(command)
    assert isinstance(info.value, CommandTimeoutError)
    assert info.value.stdout == "started\n"
    assert info.value.command == command
    stopped = [code for _, code in simulated.endpoint.signals]
    assert "ctrl_c" in stopped
    # The pool survives a stopped pipeline.
    again = executor.run(
        Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": "x"})
    )
    assert again.stdout == "x\n"


def test_an_interrupted_run_stops_its_pipeline(
    simulated: Simulated, executor: PsrpExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: PowerShell, timeout: int | None = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(PowerShell, "poll_invoke", interrupted)
    with pytest.raises(KeyboardInterrupt):
        executor.run(Command(Shell.POWERSHELL, "hang", timeout=60))
    assert "ctrl_c" in [code for _, code in simulated.endpoint.signals]
    monkeypatch.undo()
    assert executor.run(Command(Shell.POWERSHELL, "Get-Date")).ok


def test_concurrent_runs_share_one_pool(simulated: Simulated, executor: PsrpExecutor) -> None:
    values = [f"value {i} {'✓' * i}" for i in range(16)]

    def run(value: str) -> str:
        command = Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": value})
        return executor.run(command).stdout

    with ThreadPoolExecutor(max_workers=6) as pool:
        outputs = list(pool.map(run, values))
    assert outputs == [v + "\n" for v in values]
    assert simulated.endpoint.actions.count("Create") == 1
    assert len(simulated.endpoint.transport_kwargs) == 1


def test_close_releases_the_pool_and_a_later_run_reconnects(
    simulated: Simulated, executor: PsrpExecutor
) -> None:
    executor.run(Command(Shell.POWERSHELL, "Get-Date"))
    executor.close()
    assert simulated.endpoint.actions[-1] == "Delete"
    executor.run(Command(Shell.POWERSHELL, "Get-Date"))
    assert simulated.endpoint.actions.count("Create") == 2


def test_posix_commands_are_refused(executor: PsrpExecutor) -> None:
    with pytest.raises(ConfigurationError, match="PowerShell only"):
        executor.run(Command(Shell.POSIX, "uname"))


# --- failures -------------------------------------------------------------------------------


def test_refused_login_is_an_authentication_error_without_the_password(
    simulated: Simulated, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    simulated.endpoint.fail_with = AuthenticationError("Failed to authenticate the user")
    with (
        PsrpExecutor("hv01", credential=CREDENTIAL) as psrp,
        pytest.raises(AuthenticationFailedError) as info,
    ):
        psrp.run(Command(Shell.POWERSHELL, "Get-VM"))
    shown = [str(info.value), repr(info.value), repr(psrp), str(psrp)]
    assert "admin" in str(info.value)
    assert all(PASSWORD not in text for text in shown)
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


def test_certificate_failure_says_how_to_fix_it(simulated: Simulated) -> None:
    simulated.endpoint.fail_with = requests.exceptions.SSLError("certificate verify failed")
    with (
        PsrpExecutor("hv01", credential=CREDENTIAL) as psrp,
        pytest.raises(ConnectionFailedError) as info,
    ):
        psrp.connect()
    assert "ca_bundle" in str(info.value)
    assert "skip_tls_verify=True" in str(info.value)


def test_unreachable_host_is_a_connection_error(simulated: Simulated) -> None:
    simulated.endpoint.fail_with = requests.exceptions.ConnectionError("connection refused")
    with (
        PsrpExecutor("hv01", credential=CREDENTIAL) as psrp,
        pytest.raises(ConnectionFailedError, match=r"cannot reach hv01:5986 \(WinRM over HTTPS\)"),
    ):
        psrp.run(Command(Shell.POWERSHELL, "Get-VM"))


def test_a_failed_connection_is_retried_on_the_next_run(simulated: Simulated) -> None:
    simulated.endpoint.fail_with = requests.exceptions.ConnectionError("down")
    with PsrpExecutor("hv01", credential=CREDENTIAL) as psrp:
        with pytest.raises(ConnectionFailedError):
            psrp.connect()
        simulated.endpoint.fail_with = None
        assert psrp.run(Command(Shell.POWERSHELL, "Get-Date")).ok


def test_runs_from_many_threads_do_not_interleave_requests(simulated: Simulated) -> None:
    inside = threading.Semaphore(1)
    clashes: list[str] = []
    original = simulated.endpoint.handle

    def guarded(request: bytes) -> bytes:
        if not inside.acquire(blocking=False):
            clashes.append("two requests at once")
            return original(request)
        try:
            return original(request)
        finally:
            inside.release()

    simulated.endpoint.handle = guarded  # type: ignore[method-assign]
    with PsrpExecutor("hv01", credential=CREDENTIAL) as psrp, ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: psrp.run(
                    Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": str(i)})
                ),
                range(24),
            )
        )
    assert clashes == []


# --- deadlines cover connecting ---------------------------------------------------------------


def test_connecting_counts_against_the_command_timeout(simulated: Simulated) -> None:
    # The HTTP timeouts of the requests that open the pool were fixed (30 s to connect,
    # operation timeout + 10 s to read), so a host that never answered held a 3 s command
    # for half a minute.
    write = Command(Shell.POWERSHELL, "Write-Output $Value", parameters={"Value": "ok"})
    for timeout in (3.0, None):
        with PsrpExecutor("hv01.contoso.test", credential=CREDENTIAL, connect_timeout=30) as psrp:
            assert psrp.run(attrs.evolve(write, timeout=timeout)).stdout == "ok\n"
    bounded, free = simulated.endpoint.transport_kwargs
    assert (bounded["connection_timeout"], bounded["read_timeout"]) == (3, 3)
    assert (free["connection_timeout"], free["read_timeout"]) == (30, 30)


def test_a_host_that_never_answers_is_a_command_timeout() -> None:
    # A real socket on 127.0.0.1 that accepts and stays silent (no simulated transport).
    command = Command(Shell.POWERSHELL, "Write-Output 1", timeout=1.0)
    for use_tls in (True, False):
        with (
            silent_port() as port,
            PsrpExecutor("127.0.0.1", port=port, credential=CREDENTIAL, use_tls=use_tls) as psrp,
            pytest.raises(CommandTimeoutError, match="connecting and logging in took too long"),
        ):
            psrp.run(command)
