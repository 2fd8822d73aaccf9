"""SshExecutor against a real OpenSSH sshd on 127.0.0.1: host keys, authentication, transport."""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import asyncssh
import pytest

from tests._cli import silent_port
from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    ExecutionError,
)
from vmic.executors import Command, Credential, InsecureOptionWarning, Result, Secret, Shell
from vmic.executors._powershell import BOOTSTRAP, BOOTSTRAP_ARGUMENTS
from vmic.executors._scripting import render_powershell
from vmic.executors._ssh import SshExecutor, _split_pid, remote_command

from .fakepwsh import install_fake_pwsh

if TYPE_CHECKING:
    from .conftest import SshServer

ECHO = Command(Shell.POSIX, "printf '%s' \"$Value\"", parameters={"Value": "hello"})


def test_host_key_is_verified_by_default(sshd: SshServer) -> None:
    with sshd.executor() as executor:
        assert executor.run(ECHO).stdout == "hello"
    assert "verify_host_key=True" in repr(executor)


def test_a_different_host_key_is_refused_with_a_fix(sshd: SshServer) -> None:
    with (
        sshd.executor(known_hosts=sshd.wrong_known_hosts) as executor,
        pytest.raises(ConnectionFailedError) as info,
    ):
        executor.run(ECHO)
    error = info.value
    assert not isinstance(error, AuthenticationFailedError)
    message = str(error)
    assert "not trusted" in message
    assert str(sshd.wrong_known_hosts) in message
    assert f"ssh-keyscan -p {sshd.port} 127.0.0.1" in message
    assert "accept_unknown_host_keys=True" in message


def test_a_missing_known_hosts_file_trusts_nothing(sshd: SshServer, tmp_path: Path) -> None:
    missing = tmp_path / "nothing" / "known_hosts"
    with (
        sshd.executor(known_hosts=missing) as executor,
        pytest.raises(ConnectionFailedError, match="does not exist"),
    ):
        executor.connect()


def test_default_known_hosts_is_the_users(
    sshd: SshServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with (
        sshd.executor(known_hosts=None) as executor,
        pytest.raises(ConnectionFailedError, match=r"\.ssh/known_hosts"),
    ):
        executor.connect()
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "known_hosts").write_text(sshd.known_hosts.read_text())
    with sshd.executor(known_hosts=None) as executor:
        assert executor.run(ECHO).ok


def test_unknown_host_keys_only_with_an_explicit_option_that_warns(sshd: SshServer) -> None:
    with pytest.warns(InsecureOptionWarning, match="host key verification is off"):
        executor = sshd.executor(known_hosts=None, accept_unknown_host_keys=True)
    with executor:
        assert executor.run(ECHO).stdout == "hello"
    assert "verify_host_key=False" in repr(executor)


def test_known_hosts_and_insecure_option_conflict(sshd: SshServer) -> None:
    with pytest.raises(ConfigurationError):
        sshd.executor(accept_unknown_host_keys=True)


def test_refused_key_is_an_authentication_error(sshd: SshServer) -> None:
    with (
        sshd.executor(client_keys=[sshd.stranger_key]) as executor,
        pytest.raises(AuthenticationFailedError) as info,
    ):
        executor.run(ECHO)
    assert isinstance(info.value, ConnectionFailedError)
    assert sshd.username in str(info.value)


def test_refused_password_never_shows_in_errors_reprs_or_logs(
    sshd: SshServer, caplog: pytest.LogCaptureFixture
) -> None:
    password = "hunter2-Sesame-42"  # noqa: S105 - a throwaway test password
    caplog.set_level(logging.DEBUG)
    credential = Credential(sshd.username, password)
    with (
        sshd.executor(client_keys=[sshd.stranger_key], credential=credential) as executor,
        pytest.raises(AuthenticationFailedError) as info,
    ):
        executor.run(ECHO)
    shown = [str(info.value), repr(info.value), repr(executor), str(executor)]
    assert all(password not in text for text in shown)
    assert caplog.records, "the executor logs its connection attempts"
    for record in caplog.records:
        assert password not in record.getMessage()
        assert password not in repr(record.args)


def test_unreachable_port_is_a_connection_error(sshd: SshServer) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with (
        sshd.executor(port=closed_port) as executor,
        pytest.raises(ConnectionFailedError) as info,
    ):
        executor.run(ECHO)
    # One plain line: where, how, why, and what to check; the library's words in detail.
    assert str(info.value) == (
        f"cannot reach 127.0.0.1:{closed_port} (SSH): connection refused \u2014 "
        "is sshd running there?"
    )
    assert "Errno" in info.value.detail


def test_one_connection_serves_many_commands(sshd: SshServer) -> None:
    before = sshd.log.read_text().count("Accepted publickey")
    with sshd.executor(max_sessions=2) as executor, ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: executor.run(ECHO), range(12)))
    assert all(r.stdout == "hello" for r in results)
    assert sshd.log.read_text().count("Accepted publickey") == before + 1


def test_closed_executor_refuses_to_run(sshd: SshServer) -> None:
    executor = sshd.executor()
    executor.run(ECHO)
    executor.close()
    executor.close()
    with pytest.raises(ExecutionError, match="closed"):
        executor.run(ECHO)


def test_stderr_carries_only_the_command_output(sshd: SshServer) -> None:
    with sshd.executor() as executor:
        result = executor.run(Command(Shell.POSIX, "echo oops >&2; exit 4"))
    assert result.stderr == "oops\n"
    assert result.exit_code == 4


def test_posix_remote_command_line_holds_no_data() -> None:
    command = Command(Shell.POSIX, "echo secret-script", parameters={"Pw": Secret("hunter2")})
    line = remote_command(command)
    assert "secret-script" not in line
    assert "hunter2" not in line


def test_powershell_over_ssh_sends_a_fixed_command_and_the_script_on_stdin(
    sshd: SshServer, tmp_path: Path
) -> None:
    log = tmp_path / "pwsh.json"
    fake = install_fake_pwsh(tmp_path / "powershell", log)
    command = Command(
        Shell.POWERSHELL,
        "Get-VMIntegrationService -VMName $VMName\nexit 5",
        parameters={"VMName": "web'01", "Password": Secret("hunter2-ssh")},
    )
    with sshd.executor(powershell=str(fake)) as executor:
        result = executor.run(command)
    record = json.loads(log.read_text())
    assert record["argv"][1:] == list(BOOTSTRAP_ARGUMENTS)
    encoded = record["argv"][-1]
    assert base64.b64decode(encoded).decode("utf-16-le") == BOOTSTRAP
    assert "hunter2" not in record["cmdline"]
    assert "Get-VMIntegrationService" not in record["cmdline"]
    assert record["script"] == render_powershell(command)
    assert result.exit_code == 5
    assert result.stdout == "ran \u2713\n"
    assert "hunter2" not in result.stderr


def test_options_are_checked() -> None:
    with pytest.raises(ConfigurationError):
        SshExecutor("h", max_sessions=0)
    with pytest.raises(ConfigurationError):
        SshExecutor("h", credential=("user", "pw"))  # type: ignore[arg-type]


def test_signal_deaths_report_128_plus_the_signal(sshd: SshServer) -> None:
    with sshd.executor() as executor:
        result = executor.run(Command(Shell.POSIX, "kill -TERM $$"))
    assert result.exit_code == 128 + 15


def _hang(pid_file: Path, *, timeout: float) -> Command:
    return Command(
        Shell.POSIX,
        'echo started\necho $$ > "$PidFile"\nsleep 600 &\necho $! >> "$PidFile"\nwait',
        parameters={"PidFile": str(pid_file)},
        timeout=timeout,
    )


def _started(pid_file: Path) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if pid_file.exists() and len(pid_file.read_text().split()) == 2:
            return [int(pid) for pid in pid_file.read_text().split()]
        time.sleep(0.05)
    pytest.fail("the hanging command did not start")


def _gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_close_stops_commands_still_running(sshd: SshServer, tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    executor = sshd.executor()
    outcome: list[BaseException | Result] = []

    def run() -> None:
        try:
            outcome.append(executor.run(_hang(pid_file, timeout=60)))
        except BaseException as error:  # noqa: BLE001 - recorded for the assertion
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    pids = _started(pid_file)
    began = time.monotonic()
    executor.close()
    worker.join(timeout=20)
    assert not worker.is_alive(), "run() still waits on the closed executor"
    assert time.monotonic() - began < 20
    (error,) = outcome
    assert isinstance(error, ExecutionError)
    assert "closed" in str(error)
    assert _gone(pids), "the remote processes outlived close()"


def test_the_timeout_counts_the_wait_for_a_free_channel(sshd: SshServer, tmp_path: Path) -> None:
    with sshd.executor(max_sessions=1) as executor, ThreadPoolExecutor(max_workers=1) as pool:
        busy = pool.submit(executor.run, _hang(tmp_path / "pids", timeout=6))
        _started(tmp_path / "pids")
        began = time.monotonic()
        with pytest.raises(CommandTimeoutError, match="before it started") as info:
            executor.run(Command(Shell.POSIX, "echo late", timeout=0.5))
        assert time.monotonic() - began < 3
        assert info.value.timeout == 0.5
        with pytest.raises(CommandTimeoutError):
            busy.result()


@pytest.mark.parametrize(
    "powershell",
    [
        "C:\\Program Files\\PowerShell\\7\\pwsh.exe",
        "pwsh; rm -rf ~",
        "pwsh & calc",
        "$(id)",
        "pwsh\n",
        '"pwsh"',
        "%COMSPEC%",
        "",
    ],
)
def test_the_remote_powershell_is_one_plain_word(powershell: str) -> None:
    with pytest.raises(ConfigurationError, match="plain executable"):
        SshExecutor("h", powershell=powershell)
    with pytest.raises(ConfigurationError, match="plain executable"):
        remote_command(Command(Shell.POWERSHELL, "Get-VM"), powershell=powershell)


@pytest.mark.parametrize("powershell", ["pwsh", "powershell", "C:/PS7/pwsh.exe", "/opt/pwsh-7.4"])
def test_plain_powershell_names_start_the_remote_command(powershell: str) -> None:
    line = remote_command(Command(Shell.POWERSHELL, "Get-VM"), powershell=powershell)
    assert line.split()[0] == powershell
    SshExecutor("h", powershell=powershell).close()


@pytest.mark.parametrize(
    ("reported", "pid"), [(b"0", None), (b"1", None), (b"2", 2), (b"4242", 4242)]
)
def test_process_ids_0_and_1_are_never_signalled(reported: bytes, pid: int | None) -> None:
    # `kill -KILL -1` would signal every process of the account.
    assert _split_pid(b"vmic-pid:" + reported + b"\nreal error\n") == (pid, b"real error\n")


def test_connecting_and_logging_in_count_against_the_command_timeout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # asyncssh was given a fixed 30 s connect_timeout and its 2-minute login_timeout
    # whatever the command's timeout was.
    seen: list[dict[str, object]] = []

    async def connect(_host: str, **options: object) -> NoReturn:
        seen.append(options)
        raise ConnectionRefusedError

    monkeypatch.setattr(asyncssh, "connect", connect)
    for timeout in (3.0, None):
        with (
            SshExecutor("192.0.2.10", known_hosts=tmp_path / "kh", connect_timeout=30) as ssh,
            pytest.raises(ConnectionFailedError),
        ):
            ssh.run(Command(Shell.POSIX, "true", timeout=timeout))
    bounded, free = seen
    assert isinstance(bounded["connect_timeout"], float)
    assert 0 < bounded["connect_timeout"] <= 3
    assert bounded["login_timeout"] == bounded["connect_timeout"]
    assert free["connect_timeout"] == free["login_timeout"] == 30


def test_a_host_that_never_answers_is_a_command_timeout(tmp_path: Path) -> None:
    # A real socket on 127.0.0.1 that accepts and stays silent: no SSH banner ever comes.
    with (
        silent_port() as port,
        SshExecutor("127.0.0.1", port=port, known_hosts=tmp_path / "kh", use_agent=False) as ssh,
        pytest.raises(CommandTimeoutError, match="connecting and logging in took too long"),
    ):
        ssh.run(Command(Shell.POSIX, "true", timeout=1.0))
