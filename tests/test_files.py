"""Bounded reads and atomic writes of the files vmic is pointed at (``vmic._files``)."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from typing import TYPE_CHECKING

import pytest

from vmic._files import NEW_FILE_MODE, read_text, write_atomically
from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_new_file_is_written_whole_and_readable_by_the_collector(tmp_path: Path) -> None:
    target = tmp_path / "vmic.prom"
    write_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == NEW_FILE_MODE
    assert _entries(tmp_path) == ["vmic.prom"]  # no temporary left behind


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    # A 0600 file became 0644 (issue 23, defect 3).
    target = tmp_path / "private.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(mode)
    write_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_link_to_a_regular_file_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.prom"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.prom"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert _entries(tmp_path) == ["link.prom", "real.prom"]


@contextlib.contextmanager
def _special(kind: str, path: Path) -> Iterator[Path]:
    """A non-regular file of *kind* at *path* (kept open while in use, for a socket)."""
    if kind == "fifo":
        os.mkfifo(path)
        yield path
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
            yield path
    elif kind == "directory":
        path.mkdir()
        yield path
    else:  # a character device: the same node as /dev/null, made here (never /dev/null itself)
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            os.mkfifo(path)  # not allowed to make device nodes: a FIFO is as special
        yield path


@pytest.mark.parametrize("kind", ["fifo", "socket", "directory", "device"])
@pytest.mark.parametrize("through_link", [False, True])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(
    tmp_path: Path, kind: str, through_link: bool
) -> None:
    # A device node, a FIFO or a symlink became regular files; as root,
    # `--output /dev/null` replaced the system's node (issue 23, defect 3).
    with _special(kind, tmp_path / "special") as special:
        before = special.lstat()
        target = special
        if through_link:
            target = tmp_path / "link"
            target.symlink_to(special)
        with pytest.raises(ConfigurationError, match="not a regular file") as caught:
            write_atomically(target, "new\n")
        assert "\n" not in str(caught.value)
        after = special.lstat()
        assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
        assert target.is_symlink() is through_link
        names = ["link", "special"] if through_link else ["special"]
        assert _entries(tmp_path) == names  # no temporary left behind


def test_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot write --output"):
        write_atomically(tmp_path / "missing" / "x.prom", "new\n")


def test_reading_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ConfigurationError, match="larger than 100 bytes"):
        read_text(path, what="the observations", limit=100)
    assert read_text(path, what="the observations", limit=101) == "x" * 101
    # An endless device is read only up to the limit.
    with pytest.raises(
        ConfigurationError, match=r"^/dev/zero: cannot read the observations: larger"
    ):
        read_text("/dev/zero", what="the observations", limit=1000)


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"\xff\xfe", "cannot read the inventory: not UTF-8 text (byte 0)"), (None, "No such file")],
)
def test_unreadable_files_are_one_line_naming_the_file(
    tmp_path: Path, content: bytes | None, words: str
) -> None:
    path = tmp_path / "file"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigurationError) as caught:
        read_text(path, what="the inventory")
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert message.count(str(path)) == 1
    assert words in message
    with pytest.raises(ConfigurationError, match="is a directory"):
        read_text(tmp_path, what="the inventory")
