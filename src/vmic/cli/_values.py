"""Options whose value is taken exactly as given (a VM may be named ``--``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ExactValue", "ExactValues"]


class ExactValue(argparse.Action):
    """Store a one-value option exactly as given, ``--vm=--`` included.

    Hyper-V names VMs freely, so a VM may be called ``--`` or ``-x``; such a name is
    given attached to its option (``--vm=--``, ``--vm=-x``), since a separate word that
    starts with ``-`` reads as an option. argparse in Python 3.11 strips the first ``--``
    from every option's values, even from an attached one, and hands the action an empty
    list for ``--vm=--``; this action puts the name back.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        self.store(namespace, _restored(values))

    def store(self, namespace: argparse.Namespace, value: str | Sequence[Any] | None) -> None:
        """Keep *value* (the name as given) in *namespace*."""
        setattr(namespace, self.dest, value)


def _restored(values: str | Sequence[Any] | None) -> str | Sequence[Any] | None:
    # Only an attached "--" leaves a one-value option with no value at all.
    return "--" if isinstance(values, list) and not values else values


class ExactValues(ExactValue):
    """A repeatable option: each value appended exactly as given (``--vm a --vm=--``).

    A value given twice is kept once, in the order first given.
    """

    def store(self, namespace: argparse.Namespace, value: str | Sequence[Any] | None) -> None:
        """Append *value* to the values given before (once)."""
        known = list(getattr(namespace, self.dest, None) or [])
        if value not in known:
            known.append(value)
        setattr(namespace, self.dest, known)
