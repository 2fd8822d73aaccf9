"""Command-line conventions: start-up cost, -q, --debug, -V, completion, --inventory -."""

from __future__ import annotations

import argparse
import io
import json
import shlex
import shutil
import subprocess
import sys

import pytest

from tests._cli import closed_port, in_process, run
from vmic import __version__
from vmic.cli import _rules_commands
from vmic.cli._commands import COMMANDS
from vmic.cli._completion import completion_script
from vmic.cli._main import build_parser
from vmic.cli._values import ExactValues, Once
from vmic.connect._sources import inventory_kind, parse_inventory_limited

VMIC = (sys.executable, "-m", "vmic")

# Modules a command that needs none of them must not pay for at start-up.
HEAVY = (
    "asyncio",
    "subprocess",
    "logging",
    "tomllib",
    "difflib",
    "csv",
    "uuid",
    "ipaddress",
    "bz2",
    "lzma",
    "sqlite3",
    "json",
    "shutil",
    "vmic.fleet",
    "vmic.testing",
    "vmic.history",
    "vmic.connect._inventory",
    "vmic.diagnosis",
    "vmic.rules._matrix",
    "vmic.cli._doctor",
    "vmic.cli._audit",
)


def loaded_by(*argv: str) -> set[str]:
    """The modules ``vmic ARGV`` imports, run in a fresh interpreter."""
    code = (
        "import contextlib, io, sys\n"
        "from vmic.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({list(argv)!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("argv", [("services",), ("--help",), ("services", "--format", "markdown")])
def test_start_up_loads_no_heavy_module(argv: tuple[str, ...]) -> None:
    loaded = loaded_by(*argv)
    heavy = sorted(
        name for name in HEAVY if name in loaded or any(m.startswith(name + ".") for m in loaded)
    )
    assert heavy == []


def test_debug_and_other_commands_load_what_they_need() -> None:
    # The check above can see a module load: --debug brings logging, matrix its rules.
    assert "logging" in loaded_by("--debug", "services")
    assert "vmic.rules._matrix" in loaded_by("matrix")


def test_every_command_is_listed_and_built_whole_for_completion() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(commands.choices, dict)
    assert list(commands.choices) == [name for name, _summary, _build in COMMANDS]
    doctor: argparse.ArgumentParser = commands.choices["doctor"]
    assert any("--vm" in action.option_strings for action in doctor._actions)


def test_help_of_the_top_parser_lists_every_command() -> None:
    status, out, err = run("--help")
    assert status == 0, err
    for name, summary, _build in COMMANDS:
        assert name in out
        assert summary.split()[0] in out


def test_a_command_help_shows_its_options() -> None:
    status, out, _err = run("audit", "--help")
    assert status == 0
    assert "--inventory" in out
    assert "--concurrency" in out
    assert "'-' reads it from stdin" in out


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    status, out, _err = run(flag)
    assert (status, out) == (0, f"vmic {__version__}\n")


def test_quiet_hides_notes_but_not_output(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "matrix", "--host", "Windows Server 2016")
    assert status == 0
    assert "deprecated" in err
    status, quiet_out, quiet_err = in_process(
        capsys, "-q", "matrix", "--host", "Windows Server 2016"
    )
    assert status == 0
    assert quiet_err == ""
    assert quiet_out == out


@pytest.mark.parametrize(
    "argv",
    [
        ("matrix", "--host-os", "Windows Server 2016", "-q"),
        ("matrix", "-q", "--host-os", "Windows Server 2016"),
        ("-q", "matrix", "--host-os", "Windows Server 2016"),
        ("matrix", "--quiet", "--host-os", "Windows Server 2016", "--debug"),
    ],
)
def test_global_options_are_accepted_anywhere_on_the_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    expected = in_process(capsys, "matrix", "--host-os", "Windows Server 2016")
    status, out, err = in_process(capsys, *argv)
    assert (status, out) == (0, expected[1])
    assert "note" not in err


def test_a_global_option_before_the_command_is_not_reset_after_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The command's parser must not put its own default (False) over the -q given first.
    status, _out, err = in_process(capsys, "-q", "matrix", "--host", "Windows Server 2016")
    assert status == 0
    assert err == ""


def test_doctor_takes_q_after_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "doctor", "--lab", "demo", "-q")
    assert status == 1  # the demo lab has problems on purpose
    assert "unrecognized" not in err
    assert out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_draws_no_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from vmic.cli import main  # noqa: PLC0415

    drawn = []
    for quiet in ((), ("-q",)):
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        main([*quiet, "audit", "--lab", "demo", "--format", "json"])
        drawn.append(terminal.getvalue())
    assert drawn[0] != ""  # a terminal gets a progress bar
    assert drawn[1] == ""


def test_debug_shows_the_traceback_of_an_internal_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: argparse.Namespace) -> int:
        return 1 // 0

    monkeypatch.setattr(_rules_commands, "_services", broken)
    status, _out, err = in_process(capsys, "services")
    assert status == 70
    assert err == "vmic: internal error: ZeroDivisionError: integer division or modulo by zero\n"
    status, _out, err = in_process(capsys, "--debug", "services")
    assert status == 70
    assert "Traceback (most recent call last)" in err
    assert "1 // 0" in err
    assert err.endswith(
        "vmic: internal error: ZeroDivisionError: integer division or modulo by zero\n"
    )


TOML = """
[[hosts]]
name = "hv-stdin.test"
address = "127.0.0.1"
transport = "ssh"
port = {port}
"""
YAML = """
all:
  hosts:
    hv-stdin.test:
      ansible_host: 127.0.0.1
      ansible_connection: ssh
      ansible_port: {port}
"""
INI = """
[hyperv]
hv-stdin.test ansible_host=127.0.0.1 ansible_connection=ssh ansible_port={port}
"""


@pytest.mark.parametrize("text", [TOML, YAML, INI], ids=["toml", "yaml", "ini"])
def test_inventory_from_stdin(text: str) -> None:
    done = subprocess.run(
        [*VMIC, "--debug", "audit", "--inventory", "-", "--timeout", "5", "--format", "json"],
        input=text.format(port=closed_port()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, done.stderr  # read, then found unreachable
    report = json.loads(done.stdout)
    assert [host["host"] for host in report["hosts"]] == ["hv-stdin.test"]
    # --debug: the executors' DEBUG log reaches stderr.
    assert "vmic: debug: vmic.executors: ssh connect" in done.stderr


def test_inventory_kind_by_content() -> None:
    assert inventory_kind(TOML) == "toml"
    assert inventory_kind("# hosts\n---\nall: {}\n") == "yaml"
    assert inventory_kind(YAML) == "yaml"
    assert inventory_kind(INI) == "ini"
    assert inventory_kind("[all:vars]\nansible_user=x\n[hv]\nhv01:5986\n") == "ini"
    # A broken TOML inventory is told apart by its [[hosts]] and gets TOML's error.
    assert inventory_kind('[[hosts]]\nname = "a\n') == "toml"


def test_an_empty_stdin_is_bad_input() -> None:
    done = subprocess.run(
        [*VMIC, "audit", "--inventory", "-"],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "<stdin>" in done.stderr


def test_limit_applies_to_stdin_inventories() -> None:
    two = INI.format(port=1) + "hv-other.test ansible_host=127.0.0.1\n"
    inventory = parse_inventory_limited(two, source="<stdin>", limit="hv-other*")
    assert [entry.name for entry in inventory.hosts] == ["hv-other.test"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_know_every_command_and_option(shell: str) -> None:
    status, out, err = run("completion", shell)
    assert status == 0, err
    assert out == completion_script(shell)
    for name, _summary, _build in COMMANDS:
        assert name in out
    assert "--inventory" in out
    assert "--guest-user" in out


def _bash_complete(script: str, line: str) -> list[str]:
    words = line.split(" ")
    quoted = " ".join(shlex.quote(word) for word in words)
    program = (
        f"{script}\n"
        f"COMP_WORDS=({quoted})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={shlex.quote(line)}\nCOMP_POINT={len(line)}\n"
        "_shtab_vmic\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, "--norc", "--noprofile"],
        input=program,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


def test_bash_completion_completes_commands_options_and_choices() -> None:
    script = completion_script("bash")
    assert _bash_complete(script, "vmic doc") == ["doctor"]
    assert "--format" in _bash_complete(script, "vmic doctor --form")
    assert sorted(_bash_complete(script, "vmic doctor --format ")) == sorted(
        ["table", "markdown", "json", "csv", "html"]
    )


def test_completion_without_shtab_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "shtab", None)  # as if not installed
    status, out, err = in_process(capsys, "completion", "bash")
    assert (status, out) == (2, "")
    assert err == (
        "vmic: error: vmic completion needs the optional dependency 'shtab': "
        "pip install 'vmic[completion]'\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("doctor", "--lab", "demo"),
        ("audit", "--lab", "demo", "--format", "openmetrics"),
        ("fix", "--lab", "demo", "--check"),
    ],
)
def test_exit_zero_turns_findings_into_success(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    status, out, _err = in_process(capsys, *argv)
    assert status == 1  # the demo lab has problems on purpose
    zero, zero_out, _err = in_process(capsys, *argv, "--exit-zero")
    assert zero == 0
    # The same report (but for the audit's own duration and time stamp).
    timeless = [line for line in out.splitlines() if "_seconds " not in line]
    assert [line for line in zero_out.splitlines() if "_seconds " not in line] == timeless


def test_exit_zero_keeps_the_status_of_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = in_process(
        capsys, "doctor", "--observations", "/nonexistent/observations.json", "--exit-zero"
    )
    assert status == 2, err


# --- an option given twice ----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("doctor", "--lab", "demo", "--vm", "dc01", "--vm", "web02"),
        ("shutdown", "--lab", "demo", "--vm", "dc01", "--vm", "web02"),
        ("doctor", "--lab", "demo", "--format", "json", "--format", "csv"),
        ("audit", "--lab", "demo", "--timeout", "5", "--timeout", "9"),
        ("plan", "--host-os", "2016", "--guest-os", "Windows 7", "--guest-os", "Windows 8"),
        ("matrix", "--host", "2016", "--host", "2019"),  # the deprecated spelling too
        ("kvp", "set", "--lab", "demo", "--vm", "dc01", "--key", "a", "--key", "b", "--value", "v"),
        ("copy", "--lab", "demo", "--vm", "dc01", "--vm", "web02", "C:\\a", "C:\\b"),
        ("history", "prune", "--keep", "1", "--keep", "2"),
    ],
)
def test_a_one_value_option_given_twice_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    status, out, err = in_process(capsys, *argv)
    assert (status, out) == (2, "")
    (line,) = err.splitlines()
    assert "given more than once; it takes one value" in line


def test_repeatable_options_take_every_value(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(
        capsys, "doctor", "--lab", "demo", "--feature", "file_copy", "--feature", "time_sync"
    )
    assert status == 1
    from vmic.rules._features import Feature  # noqa: PLC0415 - beside its use

    assert Feature.FILE_COPY.info.title in " ".join(out.split())  # in words in the text


def test_every_option_says_whether_it_repeats() -> None:
    # A value-taking option is either one-value (Once: twice is an error) or explicitly
    # repeatable (append, ExactValues); argparse's silent "the last wins" is never left.
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(commands.choices, dict)
    parsers = list(commands.choices.values())
    for sub in list(parsers):
        parsers.extend(
            child
            for action in sub._actions
            if isinstance(action.choices, dict)
            for child in action.choices.values()
        )
    checked = 0
    for sub in parsers:
        for action in sub._actions:
            if not action.option_strings or action.nargs == 0:
                continue  # positionals, flags
            if isinstance(action, argparse._VersionAction | argparse._HelpAction):
                continue
            checked += 1
            assert isinstance(action, Once | ExactValues | argparse._AppendAction), (
                sub.prog,
                action.option_strings,
                type(action),
            )
    assert checked > 100


def test_vm_repeats_on_kvp_and_wait(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys, "wait", "--lab", "demo", "--vm", "dc01", "--vm", "web03", "--for", "heartbeat"
    )
    assert (status, err) == (0, "")
    assert [line.split(":")[0] for line in out.splitlines()] == ["dc01", "web03"]
    status, out, err = in_process(
        capsys, "kvp", "get", "--lab", "demo", "--vm", "dc01", "--vm", "dc02", "--format", "json"
    )
    assert (status, err) == (0, "")
    assert {record["vm"] for record in json.loads(out)["items"]} == {"dc01", "dc02"}
