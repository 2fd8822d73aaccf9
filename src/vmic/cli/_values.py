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
        # Only an attached "--" leaves a one-value option with no value at all.
        if isinstance(values, list) and not values:
            values = "--"
        setattr(namespace, self.dest, values)


class ExactValues(ExactValue):
    """A repeatable option: each value appended exactly as given (``--vm a --vm=--``).

    A value given twice is kept once, in the order first given.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and not values:
            values = "--"
        known = list(getattr(namespace, self.dest, None) or [])
        if values not in known:
            known.append(values)
        setattr(namespace, self.dest, known)
