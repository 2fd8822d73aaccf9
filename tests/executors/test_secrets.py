"""A credential or Secret given to any executor never shows in reprs, errors or log records."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pypsrp.wsman
import pytest

from vmic.errors import CommandFailedError
from vmic.executors import (
    Command,
    CommandTimeoutError,
    Credential,
    Executor,
    FakeExecutor,
    FakeResponse,
    LocalExecutor,
    PowerShellDirectExecutor,
    Secret,
    Shell,
)
from vmic.executors._direct import host_script
from vmic.executors._output import redact
from vmic.executors._psrp import PsrpExecutor
from vmic.executors._scripting import VmSelector

from ._winrm_endpoint import Endpoint, Invocation, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .conftest import SshServer

PASSWORD = "hunter2-Credential-Pw"  # noqa: S105 - a throwaway test value
SECRET = "s3cret-Parameter-Value"  # noqa: S105 - a throwaway test value
CREDENTIAL = Credential("operator", PASSWORD)


class Capture(logging.Handler):
    """Keeps every record from every logger, formatted, with any exception text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(message)s %(exc_text)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> list[str]:
        return [self.format(record) for record in self.records]


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _posix_leak() -> Command:
    return Command(
        Shell.POSIX,
        "printf '%s\\n' \"$Sv\"; printf '%s\\n' \"$Sv\" >&2; exit 1",
        parameters={"Sv": Secret(SECRET)},
    )


def _posix_hang() -> Command:
    return Command(
        Shell.POSIX,
        "printf '%s\\n' \"$Sv\"; sleep 600",
        parameters={"Sv": Secret(SECRET)},
        timeout=1,
    )


def _check_everything(executor: Executor, leak: Command, hang: Command, capture: Capture) -> None:
    result = executor.run(leak)
    with pytest.raises(CommandFailedError) as failed:
        result.check()
    with pytest.raises(CommandTimeoutError) as timed_out:
        executor.run(hang)
    shown = [
        result.stdout,
        result.stderr,
        repr(result),
        str(failed.value),
        repr(failed.value),
        str(timed_out.value),
        timed_out.value.stdout,
        timed_out.value.stderr,
        repr(executor),
        str(executor),
        *capture.texts(),
    ]
    for needle in (PASSWORD, SECRET):
        assert [text for text in shown if needle in text] == []
    assert "***" in result.stdout
    assert any(r.name == "vmic.executors" for r in capture.records)


def test_local_executor(capture: Capture) -> None:
    _check_everything(LocalExecutor(), _posix_leak(), _posix_hang(), capture)


def test_fake_executor(capture: Capture) -> None:
    fake = FakeExecutor()
    fake.on("leak", lambda c: FakeResponse(stdout=f"{SECRET}\n", stderr=SECRET, exit_code=1))
    fake.on("hang", FakeResponse(stdout=SECRET, duration=100))
    leak = Command(Shell.POSIX, "leak", parameters={"Sv": Secret(SECRET)})
    hang = Command(Shell.POSIX, "hang", parameters={"Sv": Secret(SECRET)}, timeout=1)
    _check_everything(fake, leak, hang, capture)


def test_ssh_executor_with_a_password_credential(sshd: SshServer, capture: Capture) -> None:
    # The key is accepted; the password travels to asyncssh for password auth too.
    with sshd.executor(credential=CREDENTIAL) as executor:
        _check_everything(executor, _posix_leak(), _posix_hang(), capture)


def test_psrp_executor(monkeypatch: pytest.MonkeyPatch, capture: Capture) -> None:
    def answer(invocation: Invocation) -> Reply:
        value = str(invocation.parameters.get("Sv", ""))
        if "hang" in invocation.script:
            return Reply(output=[value], hang=True)
        return Reply(output=[value], errors=[f"failed near {value}"], exit_code=1)

    endpoint = Endpoint(answer)
    monkeypatch.setattr(pypsrp.wsman, "_TransportHTTP", endpoint.transport)
    leak = Command(Shell.POWERSHELL, "leak $Sv", parameters={"Sv": Secret(SECRET)})
    hang = Command(Shell.POWERSHELL, "hang $Sv", parameters={"Sv": Secret(SECRET)}, timeout=1)
    with PsrpExecutor("hv01", credential=CREDENTIAL) as executor:
        _check_everything(executor, leak, hang, capture)


def test_powershell_direct_executor(capture: Capture, tmp_path: Path) -> None:
    script = host_script(VmSelector.by_name("x", parameter="VmicVMName"))

    def answer(command: Command) -> FakeResponse:
        password = command.parameters["VmicPassword"]
        assert isinstance(password, Secret)
        # The host's messages (stderr) may echo the guest password; the guest's data
        # (stdout) is parsed and never has the guest password blanked (see
        # test_direct.test_the_guest_password_never_blanks_guest_data).
        echoed = f"+ $VmicPassword = '{password.reveal()}'\n{SECRET}\n"
        if command.timeout == 1:
            return FakeResponse(stdout=f"{SECRET}\n", stderr=echoed, duration=5)
        return FakeResponse(stdout=f"{SECRET}\n", stderr=echoed, exit_code=1)

    host = FakeExecutor()
    host.on(script, answer)
    leak = Command(Shell.POWERSHELL, "leak", parameters={"Sv": Secret(SECRET)})
    hang = Command(Shell.POWERSHELL, "hang", parameters={"Sv": Secret(SECRET)}, timeout=1)
    _check_everything(PowerShellDirectExecutor(host, "dc01", CREDENTIAL), leak, hang, capture)


@pytest.mark.parametrize(
    ("text", "secret", "shown"),
    [
        # A one-letter password turned "port=2222" into "***ort=2222", telling it.
        ("port=2222 p", "p", "port=2222 p"),
        ("abc abcd", "abc", "abc abcd"),
        # Whole values only: never the inside of a longer word.
        ("pw=hunter2; hunter2x xhunter2 hunter2", "hunter2", "pw=***; hunter2x xhunter2 ***"),
        ("'it''s-long'", "it's-long", "'***'"),
    ],
)
def test_masking_replaces_whole_long_enough_values_only(text: str, secret: str, shown: str) -> None:
    assert redact(text, [Secret(secret)]) == shown
    assert redact(text, [secret]) == shown


def test_a_secret_made_not_to_mask_is_left_in_results() -> None:
    assert redact("vmicvss Running", [Secret("vmicvss", mask=False)]) == "vmicvss Running"
