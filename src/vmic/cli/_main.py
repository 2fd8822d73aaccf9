"""Argument parsing, dispatch and the one-line error contract of the ``vmic`` command.

Exit statuses: 0 success; 1 findings (diagnosis and audit commands), or an operation that
ran but failed (a command's non-zero exit, a change that did not take effect); 2 usage
error or bad input (unknown OS, unsupported combination, bad option, bad inventory); 3 a
host unreachable or unreadable (connection refused, authentication failed, timed out,
output vmic cannot read); 70 an unexpected internal error. The statuses and the one-line
rendering of errors are :mod:`vmic.connect`'s, which the audit shares. Errors are one line
on stderr, never a traceback (``--debug`` adds the traceback of an internal error, and the
DEBUG log of the ``vmic.*`` loggers).

Start-up stays cheap: the parser lists every command from :mod:`vmic.cli._commands`
but builds only the options of the command being run, and that command's handler
imports its implementation when it is called.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from vmic.cli._commands import COMMANDS, MONITORING_PLUGIN, add_commands
from vmic.cli._options import NOTES
from vmic.cli._values import Once, forget_given
from vmic.connect._errors import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    exit_status_for,
    one_line,
)
from vmic.errors import VmicError
from vmic.render._escape import visible

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_UNREACHABLE", "EXIT_USAGE", "main"]


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the terminal width found without importing shutil."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _columns() - 2  # what argparse does, from shutil.get_terminal_size()
        super().__init__(prog, indent_increment, max_help_position, width)


def _columns() -> int:
    """``COLUMNS``, else stdout's terminal, else 80 (shutil.get_terminal_size's rules)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr] # None is caught below
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, like every other vmic error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        # A one-value option takes one value: given twice is an error, not "the last wins".
        # Options that repeat say so with their own action (append, ExactValues).
        self.register("action", None, Once)
        self.register("action", "store", Once)

    def error(self, message: str) -> NoReturn:
        if self.get_default(MONITORING_PLUGIN):
            _plugin_usage_error(message)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message)}\n")

    def parse_args(  # type: ignore[override] # one signature is enough here
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """Parse like argparse, but never echo what was not understood.

        argparse repeats unknown arguments verbatim, and the one most often typed by
        mistake is a password (``--password hunter2``): only option names are shown.
        """
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            names = [extra.split("=", 1)[0] for extra in extras if extra.startswith("-")]
            values = len(extras) - len(names)
            shown = " ".join(names)
            if values:
                hidden = f"{values} value{'s' if values > 1 else ''} not shown"
                shown = f"{shown} ({hidden})" if shown else f"({hidden})"
            message = f"unrecognized arguments: {shown}"
            if getattr(parsed, MONITORING_PLUGIN, False):
                _plugin_usage_error(message)
            self.error(message)
        return forget_given(parsed)


def _plugin_usage_error(message: str) -> NoReturn:
    """A monitoring plugin's usage error: UNKNOWN, one line on stdout, exit status 3.

    The Monitoring Plugins guidelines want every outcome of a plugin, a bad option
    included, as a status line on stdout that the monitoring system shows.
    """
    from vmic.fleet._monitoring import CheckResult, CheckState  # noqa: PLC0415 - error path

    result = CheckResult(state=CheckState.UNKNOWN, summary=f"usage error: {message}")
    sys.stdout.write(result.render())
    sys.stdout.flush()
    raise SystemExit(result.exit_status)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``vmic`` parser: every command, with the options of the one in *argv*.

    Args:
        argv: The arguments about to be parsed: only their command's options are built
            (the others are listed by name and summary). None builds every command whole,
            as ``--help`` of each command and shell completion need.
    """
    from vmic import __version__  # noqa: PLC0415 - avoid a cycle at import time

    parser = _Parser(
        prog="vmic",
        description="Model, inspect and manage Hyper-V Integration Services.",
    )
    add_global_options(parser, version=f"vmic {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    add_commands(
        commands,
        only=None if argv is None else _command_in(argv),
        add_globals=lambda sub: add_global_options(
            sub, version=f"vmic {__version__}", default=argparse.SUPPRESS
        ),
    )
    return parser


def add_global_options(
    parser: argparse.ArgumentParser, *, version: str, default: object = False
) -> None:
    """Add ``-V``, ``-q`` and ``--debug`` to *parser*.

    Every command's parser gets them too, with *default* ``argparse.SUPPRESS``: written after
    the command (``vmic doctor --lab demo -q``) they set the same attribute, and left out they
    do not reset what was written before the command.
    """
    parser.add_argument("-V", "--version", action="version", version=version)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="no progress bar and no notes on stderr (errors are still reported)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="log the vmic.* loggers at DEBUG level to stderr, and show the traceback of "
        "an internal error",
    )


def _command_in(argv: Sequence[str]) -> str:
    """The command *argv* runs: its first word that is not a global option ("" if none)."""
    names = {name for name, _summary, _build in COMMANDS}
    for word in argv:
        if word in names:
            return word
        if not word.startswith("-"):
            break  # not a command: argparse says so, listing the commands
    return ""


def _debug_log() -> Callable[[], None]:
    """Send the ``vmic.*`` loggers' records, DEBUG and up, to stderr; returns the undo."""
    import logging  # noqa: PLC0415 - only with --debug

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("vmic: debug: %(name)s: %(message)s"))
    logger = logging.getLogger("vmic")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return undo


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``vmic`` command line; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    NOTES.clear()
    args = parser.parse_args(words)
    if not args.quiet:
        for note in NOTES:
            print(f"vmic: note: {note}", file=sys.stderr)
    undo = _debug_log() if args.debug else None
    session = sys.modules.get("vmic.cli._lab")
    if session is not None:
        session.discard()  # a lab opened outside a run (by a library caller) is not this run's
    try:
        status = _run(args)
        # The lab, when the command used one, remembers what the command changed.
        session = sys.modules.get("vmic.cli._lab")
        return status if session is None else _remember(session, args, status)
    finally:
        if undo is not None:
            undo()


def _remember(session: Any, args: argparse.Namespace, status: int) -> int:  # noqa: ANN401 - the module
    """Print the notes about this run's lab, save its changes; the status to exit with."""
    notes: list[str] = session.take_notes()
    if not args.quiet:
        for note in notes:
            print(f"vmic: note: {visible(note)}", file=sys.stderr)
    try:
        session.finish()
    except VmicError as error:
        print(f"vmic: error: {visible(one_line(error))}", file=sys.stderr)
        return status or exit_status_for(error)
    return status


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; every failure becomes one line on stderr and a status."""
    try:
        status: int = args.handler(args)
        if status == EXIT_FAILED and getattr(args, "exit_zero", False):
            status = 0  # findings, not errors: --exit-zero asked for success
    except VmicError as error:
        from vmic.cli._render import report_error  # noqa: PLC0415 - error path only

        report_error(error)
        detail = getattr(error, "detail", "")
        if args.debug and detail:
            # The plain line names host, port and reason; the library's own words are here.
            print(f"vmic: debug: detail: {visible(detail)}", file=sys.stderr)
        return exit_status_for(error)
    except KeyboardInterrupt:
        print("vmic: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`vmic matrix | head`): not an error worth a message.
        sys.stderr.close()
        return 0
    except Exception as error:  # noqa: BLE001 - the CLI contract: one line, never a traceback
        if args.debug:
            import traceback  # noqa: PLC0415 - only with --debug

            traceback.print_exc(file=sys.stderr)
        print(
            f"vmic: internal error: {type(error).__name__}: {visible(one_line(error))}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return status
