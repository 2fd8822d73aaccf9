"""How options take their values: once (the default), exactly as given, or repeatedly.

argparse lets a one-value option be given twice and silently keeps the last value, so
``vmic enable --vm dc01 --vm web02 ...`` would act on ``web02`` alone. vmic's parser
(:class:`vmic.cli._main._Parser`) stores every plain option with :class:`Once` instead: a
second value is a one-line usage error (exit status 2). An option that may be repeated
says so with its action: ``append`` (``--feature``, ``--ssh-key``) or
:class:`ExactValues` (``--vm`` of the commands that act on every VM named).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ExactValue", "ExactValues", "Once", "forget_given"]

#: The namespace attribute that lists the options given so far in this parse.
_GIVEN: Final = "_vmic_given"


def _restored(values: str | Sequence[Any] | None) -> str | Sequence[Any] | None:
    """The value, with an attached ``--`` put back (see :class:`ExactValue`)."""
    # Only an attached "--" leaves a one-value option with no value at all.
    return "--" if isinstance(values, list) and not values else values


def forget_given(namespace: argparse.Namespace) -> argparse.Namespace:
    """*namespace* without the bookkeeping of :class:`Once` (called once parsing is done)."""
    namespace.__dict__.pop(_GIVEN, None)
    return namespace


class Once(argparse.Action):
    """Store a one-value option; giving it a second time is a usage error.

    The options given are noted on the namespace being filled (a subcommand's parser fills
    its own), so the check holds per parse, whatever the default value is.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        if kwargs.get("nargs") == 0:
            msg = "a one-value option needs a value (use store_true or store_const)"
            raise ValueError(msg)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if self.option_strings:
            given: set[str] = namespace.__dict__.setdefault(_GIVEN, set())
            if self.dest in given:
                msg = "given more than once; it takes one value"
                raise argparse.ArgumentError(self, msg)
            given.add(self.dest)
        setattr(namespace, self.dest, self.convert(values))

    def convert(self, values: str | Sequence[Any] | None) -> str | Sequence[Any] | None:
        """The value to store (as parsed, here)."""
        return values


class ExactValue(Once):
    """Store a one-value option exactly as given, ``--vm=--`` included; once only.

    Hyper-V names VMs freely, so a VM may be called ``--`` or ``-x``; such a name is
    given attached to its option (``--vm=--``, ``--vm=-x``), since a separate word that
    starts with ``-`` reads as an option. argparse in Python 3.11 strips the first ``--``
    from every option's values, even from an attached one, and hands the action an empty
    list for ``--vm=--``; this action puts the name back.
    """

    def convert(self, values: str | Sequence[Any] | None) -> str | Sequence[Any] | None:
        """The value, an attached ``--`` put back."""
        return _restored(values)


class ExactValues(argparse.Action):
    """A repeatable option: each value appended exactly as given (``--vm a --vm=--``).

    A value given twice is kept once, in the order first given. A fresh list per parse:
    the default never collects values across parses.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        value = _restored(values)
        known = list(getattr(namespace, self.dest, None) or [])
        if value not in known:
            known.append(value)
        setattr(namespace, self.dest, known)
