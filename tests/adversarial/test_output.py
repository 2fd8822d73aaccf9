"""``--output`` under hostile targets, and ``vmic check`` under hostile options.

Issue 23, defect 3: ``--output`` replaced whatever was there (a device node, a FIFO, a
symlink became regular files; a 0600 file became 0644; as root ``--output /dev/null``
replaced the system's node). Defect 9: ``vmic check`` exited 2 (CRITICAL) with nothing on
stdout on every usage error; a monitoring plugin's every outcome is a status line on
stdout, and a bad option is UNKNOWN (exit status 3).
"""

from __future__ import annotations

import os
import socket
import stat
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("kind", ["fifo", "directory", "socket", "link-to-fifo"])
def test_output_refuses_what_is_not_a_regular_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    special = tmp_path / "special"
    held = None
    if kind == "directory":
        special.mkdir()
    elif kind == "socket":
        held = socket.socket(socket.AF_UNIX)
        held.bind(str(special))
    else:
        os.mkfifo(special)
    target = special
    if kind == "link-to-fifo":
        target = tmp_path / "link.prom"
        target.symlink_to(special)
    before = special.lstat()
    try:
        status, out, err = in_process(
            capsys, "audit", "--lab", "demo", "--format", "openmetrics", "--output", str(target)
        )
    finally:
        if held is not None:
            held.close()
    assert (status, out) == (2, "")
    assert err.startswith(f"vmic: error: {target}")
    assert "not a regular file" in err
    assert err.count("\n") == 1
    after = special.lstat()
    assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (
        before.st_ino,
        stat.S_IFMT(before.st_mode),
    )
    assert target.is_symlink() is (kind == "link-to-fifo")


def test_output_keeps_a_private_file_private_and_a_link_a_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "fleet.json"
    real.write_text("{}", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    status, out, err = in_process(
        capsys, "audit", "--lab", "demo", "--format", "json", "--output", str(link)
    )
    assert (status, out, err) == (1, "", "")
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert real.read_text(encoding="utf-8").startswith("{\n")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--lab", "demo", "-t", "nan"), "argument -t/--timeout: must be a number of seconds"),
        (("--lab", "demo", "-t", "-1"), "argument -t/--timeout: must be"),
        (("--lab", "demo", "--concurrency", "0"), "argument --concurrency: must be"),
        (("--lab", "demo", "--bogus"), "unrecognized arguments: --bogus"),
        (("--lab", "demo", "--critical-cause", "nope"), "argument --critical-cause: invalid"),
        (("--lab", "demo", "--feature", "nope"), "argument --feature: invalid choice"),
        ((), "one of the arguments --inventory --lab is required"),
        (("--inventory",), "argument --inventory: expected one argument"),
        (("--lab", "demo", "-w", "~~"), "'~~' is not a threshold range"),
    ],
)
def test_every_check_usage_error_is_unknown_on_stdout(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    status, out, err = in_process(capsys, "check", *argv)
    assert (status, err) == (3, "")
    assert out.startswith("VMIC UNKNOWN - ")
    assert words in out
    assert out.count("\n") == 1


def test_check_help_is_still_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "check", "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: vmic check")
