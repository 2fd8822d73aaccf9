r"""``--lab demo`` remembers: what commands change in the demo lab lasts until ``vmic lab reset``.

Each run builds the demo lab afresh (:func:`vmic.testing.demo_lab`) and replays on it the
change commands earlier runs sent (:class:`vmic.testing.LabMemory`); at the end of the run
the changes of this run are added. So ``vmic enable --lab demo ...`` and then ``vmic doctor
--lab demo`` shows the service on, ``vmic fix --lab demo --yes`` then ``vmic doctor --lab
demo`` shows the findings gone, and two saved audits can differ.

The changes live in one file per lab, ``lab-<name>.json``, in the user's state directory:
``$VMIC_STATE_DIR`` when set, else ``$XDG_STATE_HOME/vmic`` (``~/.local/state/vmic`` when that
is unset), or ``%LOCALAPPDATA%\\vmic`` on Windows. The file is versioned and written
atomically; one that cannot be read (corrupt, another version, not from this lab) is
removed with a one-line note and the lab starts afresh.

``vmic lab show`` lists what is remembered; ``vmic lab reset`` forgets it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from vmic.cli._options import LABS
from vmic.cli._render import emit, emit_json, render_records, visible
from vmic.errors import ConfigurationError
from vmic.render import markdown_escape

if TYPE_CHECKING:
    import argparse

    from vmic.testing import DemoLab, LabChange, LabMemory

__all__ = [
    "STATE_ENV",
    "discard",
    "finish",
    "open_lab",
    "state_directory",
    "state_file",
    "take_notes",
]

#: Environment variable naming the directory of vmic's state (the labs' memories).
STATE_ENV: Final = "VMIC_STATE_DIR"
#: The largest memory file read (a change is about 300 bytes: some 50,000 changes).
_MAX_BYTES: Final = 16 * 1024 * 1024

#: The labs opened in this run: the lab, and what was remembered when it was built.
_OPEN: dict[str, tuple[DemoLab, LabMemory | None]] = {}
#: Notes for stderr about the labs of this run (printed at the end, unless --quiet).
_NOTES: list[str] = []


def state_directory() -> Path:
    r"""Where vmic keeps its state: ``$VMIC_STATE_DIR``, else the user's state directory.

    That is ``$XDG_STATE_HOME/vmic`` (an absolute ``XDG_STATE_HOME`` only, as the XDG
    specification says), else ``~/.local/state/vmic``; ``%LOCALAPPDATA%\\vmic`` on Windows.
    """
    chosen = os.environ.get(STATE_ENV)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "vmic"
    xdg = os.environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "state"
    return base / "vmic"


def state_file(name: str) -> Path:
    """The file that remembers the changes made to the lab *name*."""
    return state_directory() / f"lab-{name}.json"


def open_lab(name: str) -> DemoLab:
    """The lab *name* of this run: built once, with the changes earlier runs made.

    Raises:
        ConfigurationError: No such lab, or its memory file exists but cannot be read
            (permissions): it is not replaced blindly.
    """
    if name not in LABS:
        raise ConfigurationError(f"unknown lab {name!r}; known: {', '.join(LABS)}")
    if name in _OPEN:
        return _OPEN[name][0]
    from vmic.testing import LabMemory, demo_lab  # noqa: PLC0415 - the lab loads on use

    path = state_file(name)
    text = _read(path)
    lab = demo_lab()
    memory = None
    if text is not None:
        try:
            memory = LabMemory.from_json(text, source=str(path), lab=name)
            memory.apply(lab)
        except ConfigurationError as error:
            _NOTES.append(
                f"the {name} lab's remembered changes could not be read and were reset, so "
                f"the lab starts as built: {error}"
            )
            with contextlib.suppress(OSError):
                path.unlink()
            lab, memory = demo_lab(), None
    if memory is not None and memory.changes:
        count = len(memory.changes)
        _NOTES.append(
            f"the {name} lab keeps {count} change{'' if count == 1 else 's'} made by earlier "
            f"commands ('vmic lab show' lists them, 'vmic lab reset' forgets them)"
        )
    _OPEN[name] = (lab, memory)
    return lab


def discard() -> None:
    """Forget the labs opened so far, unsaved (each run starts from the remembered state)."""
    _OPEN.clear()
    _NOTES.clear()


def take_notes() -> list[str]:
    """The notes about this run's labs, for stderr (each given once)."""
    notes = list(_NOTES)
    _NOTES.clear()
    return notes


def finish() -> None:
    """Remember what this run changed in its labs, and close them.

    Raises:
        ConfigurationError: The memory cannot be written.
    """
    from vmic.testing import LabMemory  # noqa: PLC0415 - only when a lab was opened

    opened = dict(_OPEN)
    discard()
    for name, (lab, before) in opened.items():
        now = LabMemory.of(lab, name=name, since=before)
        if now == (before or LabMemory(lab=name, clocks=now.clocks)):
            continue
        try:
            _write(state_file(name), now.to_json())
        except ConfigurationError as error:
            msg = f"{error}; what this command changed in the {name} lab will not last"
            raise ConfigurationError(msg) from None


def _read(path: Path) -> str | None:
    """The memory file's text, None when there is none.

    Raises:
        ConfigurationError: It is there but cannot be read (not a regular file, its
            directory is a file, permissions, too large, not UTF-8).
    """
    from vmic._files import read_text  # noqa: PLC0415 - only when a lab is used

    # The nearest folder that exists must be one: else the memory could never be written.
    folder = next((f for f in (path.parent, *path.parent.parents) if f.exists()), None)
    if folder is not None and not folder.is_dir():
        msg = f"{folder}: cannot keep the lab's memory there: not a directory"
        raise ConfigurationError(msg)
    if not path.exists():
        return None
    if not path.is_file():  # a FIFO would block the read; a device has no end
        raise ConfigurationError(f"{path}: the lab's memory is not a regular file")
    return read_text(path, what="the lab's memory", limit=_MAX_BYTES)


def _write(path: Path, text: str) -> None:
    """Write *text* to *path* atomically (a temporary file in its directory, then a rename).

    Raises:
        ConfigurationError: It cannot be written.
    """
    from vmic._files import write_atomically  # noqa: PLC0415 - only when something changed

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"{path}: cannot write the lab's memory: {error.strerror}"
        ) from None
    write_atomically(path, text, what="the lab's memory")


def _lab(args: argparse.Namespace) -> int:
    """``vmic lab show|reset``: the changes remembered, or forgotten, in the format asked."""
    path = state_file(args.lab)
    if args.action == "show":
        changes = _remembered(path, args.lab)
        count = len(changes)
        line = (
            f"the {args.lab} lab keeps {count} change{'' if count == 1 else 's'} ({path})"
            if count
            else f"the {args.lab} lab is as built: no change remembered ({path})"
        )
    else:
        # What is forgotten: the changes a next run would have replayed (none when the
        # memory cannot be read: that run would have reset it).
        try:
            changes = _remembered(path, args.lab)
        except ConfigurationError:
            changes = ()
        try:
            path.unlink()
        except FileNotFoundError:
            line = f"the {args.lab} lab has no remembered changes: it is as built"
        except OSError as error:
            raise ConfigurationError(f"{path}: cannot reset the lab: {error.strerror}") from None
        else:
            line = f"the {args.lab} lab's remembered changes are forgotten ({path})"
    _say(args, line, changes, path)
    return 0


def _remembered(path: Path, lab: str) -> tuple[LabChange, ...]:
    """The changes the memory at *path* holds (none when there is no memory).

    Raises:
        ConfigurationError: The memory cannot be read.
    """
    from vmic.testing import LabMemory  # noqa: PLC0415 - the lab loads on use

    text = _read(path)
    return LabMemory.from_json(text, source=str(path), lab=lab).changes if text else ()


#: The columns of the changes in Markdown and CSV (JSON has each change's parameters too).
_CHANGE_COLUMNS: Final = ("number", "host", "vms", "action", "script", "target")


def _say(args: argparse.Namespace, line: str, changes: tuple[LabChange, ...], path: Path) -> None:
    """The line, and the changes remembered (``show``) or forgotten (``reset``).

    The table lists the changes ``show`` finds; JSON, CSV and Markdown list those of
    either action, the VMs a change selected by id named.
    """
    names = _vm_names() if changes else {}
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        listed = [
            {"number": number, **change.to_dict()}
            | {"host": change.host, "vms": list(change.named_vms(names))}
            for number, change in enumerate(changes, 1)
        ]
        document = {"schema_version": SCHEMA_VERSION, "lab": args.lab, "action": args.action}
        emit_json(document | {"state_file": str(path), "changes": listed})
        return
    if args.output_format == "table":
        # A reset says that it forgot; the other forms list what it forgot.
        kept = changes if args.action == "show" else ()
        shown = [f"  {n}. {change.describe(names)}" for n, change in enumerate(kept, 1)]
        emit("".join(visible(text) + "\n" for text in (f"{line}:" if shown else line, *shown)))
        return
    records = [
        {
            "number": number,
            "host": change.host,
            "vms": ", ".join(change.named_vms(names)),
            "action": change.action,
            "script": change.script,
            "target": change.target,
        }
        for number, change in enumerate(changes, 1)
    ]
    if args.output_format == "csv":
        emit(render_records(records, _CHANGE_COLUMNS, "csv"), rendered=True)
        return
    table = "\n" + render_records(records, _CHANGE_COLUMNS, "markdown", words={}) if records else ""
    emit(f"**vmic lab {args.action}**: {markdown_escape(line)}\n{table}", rendered=True)


def _vm_names() -> dict[str, str]:
    """The demo lab's VMs by id (upper case): their names, for changes that select by id."""
    from vmic.testing import demo_lab  # noqa: PLC0415 - the lab loads on use

    return {str(vm.id).upper(): vm.name for host in demo_lab().hosts for vm in host.vms}
