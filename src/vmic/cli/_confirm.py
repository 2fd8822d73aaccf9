"""Asking before a command changes hosts: once on a terminal, never without one.

``vmic fix`` and ``vmic apply --policy`` change many VMs at once. With ``--yes`` they go
ahead; on a terminal without it they show what they would do and ask once; without a
terminal and without ``--yes`` they refuse before reaching anything (exit status 2), so
a job that forgot ``--yes`` changes nothing.
"""

from __future__ import annotations

import sys

from vmic.connect import EXIT_USAGE

__all__ = ["confirm", "interactive", "refuse"]


def interactive() -> bool:
    """Whether a person can be asked: stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def refuse(what: str) -> int:
    """Say on stderr that *what* needs ``--yes`` (or ``--check``); the usage exit status."""
    print(
        f"vmic: error: {what}: give --yes to apply, or --check to see what would run",
        file=sys.stderr,
    )
    return EXIT_USAGE


def confirm(count: int, noun: str) -> bool:
    """Ask once whether to go ahead with *count* *noun* (``3 steps``); True for yes."""
    sys.stdout.write(f"Apply {count} {noun}{'s' if count != 1 else ''}? [y/N] ")
    sys.stdout.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().casefold() in {"y", "yes"}
