"""Argument parsing, dispatch and the one-line error contract of the ``vmic`` command.

Exit statuses: 0 success; 1 findings (diagnosis and audit commands), or an operation that
ran but failed (a command's non-zero exit, a change that did not take effect); 2 usage
error or bad input (unknown OS, unsupported combination, bad option, bad inventory); 3 a
host unreachable or unreadable (connection refused, authentication failed, timed out,
output vmic cannot read); 70 an unexpected internal error. The statuses and the one-line
rendering of errors are :mod:`vmic.connect`'s, which the audit shares. Errors are one line
on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from vmic.cli import (
    _audit,
    _check,
    _doctor,
    _fix,
    _guest,
    _history,
    _kvp,
    _manage,
    _operations,
    _rules_commands,
)
from vmic.cli._render import visible
from vmic.connect import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    exit_status_for,
    one_line,
)
from vmic.errors import VmicError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_UNREACHABLE", "EXIT_USAGE", "main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, like every other vmic error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

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
            self.error(f"unrecognized arguments: {shown}")
        return parsed


def build_parser() -> argparse.ArgumentParser:
    """The full ``vmic`` parser."""
    from vmic import __version__  # noqa: PLC0415 - avoid a cycle at import time

    parser = _Parser(
        prog="vmic",
        description="Model, inspect and manage Hyper-V Integration Services.",
    )
    parser.add_argument("--version", action="version", version=f"vmic {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _rules_commands.register(commands)
    _doctor.register(commands)
    _audit.register(commands)
    _manage.register(commands)
    _guest.register(commands)
    _operations.register(commands)
    _kvp.register(commands)
    _history.register(commands)
    _check.register(commands)
    _fix.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``vmic`` command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except VmicError as error:
        print(f"vmic: error: {visible(one_line(error))}", file=sys.stderr)
        return exit_status_for(error)
    except KeyboardInterrupt:
        print("vmic: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`vmic matrix | head`): not an error worth a message.
        sys.stderr.close()
        return 0
    except Exception as error:  # noqa: BLE001 - the CLI contract: one line, never a traceback
        print(
            f"vmic: internal error: {type(error).__name__}: {visible(one_line(error))}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return status
