"""Progress on stderr for commands that can take more than a second on a real host.

Drawn only on a terminal, never with ``-q`` (or ``--no-progress``): a count of hosts with
the time elapsed (:func:`host_progress`), or one operation and its elapsed time
(:func:`elapsed`). Output on stdout is never touched.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from vmic.render import ElapsedLine, TerminalProgress

if TYPE_CHECKING:
    import argparse

__all__ = ["elapsed", "host_progress"]


def _wanted(args: argparse.Namespace) -> bool:
    return not (getattr(args, "quiet", False) or getattr(args, "no_progress", False))


def host_progress(args: argparse.Namespace, total: int) -> TerminalProgress:
    """A started host counter for ``vmic <command>``; :meth:`~TerminalProgress.close` it."""
    progress = TerminalProgress(sys.stderr, label=f"vmic {args.command}")
    progress.enabled = progress.enabled and _wanted(args)
    progress.start(total)
    return progress


def elapsed(args: argparse.Namespace, text: str, *, limit: float | None = None) -> ElapsedLine:
    """A line saying what ``vmic <command>`` is doing and for how long (use it in ``with``)."""
    line = ElapsedLine(sys.stderr, f"vmic {args.command}: {text}", limit=limit)
    line.enabled = line.enabled and _wanted(args)
    return line
