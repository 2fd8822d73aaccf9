"""Options several ``vmic`` commands share, declared without loading what runs them.

Every option that takes a number is read by :func:`whole_number` or :func:`decimal_number`
(finite, in range, or a one-line error naming the option, exit status 2).

Building these options must stay cheap: the vocabularies they offer (transports,
features) are imported inside the function that adds the option, which runs only for
the command being run (or for ``--help``/completion of that command).
"""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._values import Once
from vmic.render._escape import shown

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "DEFAULT_TIMEOUT",
    "LABS",
    "NOTES",
    "add_connection_options",
    "add_exit_zero_option",
    "add_feature_option",
    "os_option",
    "port_number",
    "seconds",
]

#: Notes for stderr found while parsing (deprecated spellings); printed unless --quiet.
NOTES: list[str] = []

#: The simulated labs ``--lab`` accepts.
LABS: Final = ("demo",)
DEFAULT_TIMEOUT: Final = 60.0


def add_exit_zero_option(parser: argparse.ArgumentParser) -> None:
    """``--exit-zero``: findings do not make the exit status 1 (for jobs and timers).

    Only the status of findings changes: usage errors (2), unreachable hosts (3) and
    internal errors keep theirs.
    """
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (errors keep their status)",
    )


#: The longest ``--timeout`` (seconds, about 11.5 days): what every clock and PowerShell
#: ``TimeSpan`` on the way can add without overflowing.
MAX_SECONDS: Final = 1_000_000.0
#: The most hosts an audit asks at once.
MAX_CONCURRENCY: Final = 10_000
#: The largest whole number an option takes (SQLite's largest integer, a run number's).
MAX_WHOLE: Final = 2**63 - 1

# Plain ASCII numbers only: int() and float() also take "1_000", "١٢" or " 7 ", and int()
# spends quadratic time on (or refuses) thousands of digits, so the text is matched first.
_WHOLE_RE: Final = re.compile(r"[+-]?[0-9]{1,30}")
_DECIMAL_RE: Final = re.compile(
    r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,4})?"
)


def _figure(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.0f}" if value.is_integer() else f"{value:g}"


def _bounds(low: float, high: float, *, above: bool) -> str:
    if above:
        return f"more than {_figure(low)} and at most {_figure(high)}"
    return f"from {_figure(low)} to {_figure(high)}"


def whole_number(what: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number (*what*) from *low* to *high*, else a one-line error.

    argparse names the option in front of the message ("argument --keep: must be ...")
    and exits with status 2.

    >>> whole_number("a port number", 1, 65535)("22")
    22
    """

    def parse(text: str) -> int:
        value = int(text) if _WHOLE_RE.fullmatch(text) else None
        if value is None or not low <= value <= high:
            msg = f"must be {what} {_bounds(low, high, above=False)}, not {shown(text)}"
            raise argparse.ArgumentTypeError(msg)
        return value

    parse.__name__ = what  # argparse's own messages name the type by it
    return parse


def decimal_number(
    what: str, low: float, high: float, *, above: bool = False
) -> Callable[[str], float]:
    """An argparse ``type``: a finite number from *low* (or, *above*, more than it) to *high*.

    ``nan``, ``inf`` and values out of range are refused with a one-line error (argparse
    names the option, exit status 2).

    >>> decimal_number("a number of days", 0, 10)("2.5")
    2.5
    """

    def parse(text: str) -> float:
        value = float(text) if _DECIMAL_RE.fullmatch(text) else math.nan
        inside = (low < value if above else low <= value) and value <= high
        if not (math.isfinite(value) and inside):
            msg = f"must be {what} {_bounds(low, high, above=above)}, not {shown(text)}"
            raise argparse.ArgumentTypeError(msg)
        return value

    parse.__name__ = what
    return parse


#: ``--timeout`` and ``-t``: a finite number of seconds above 0.
seconds: Final = decimal_number("a number of seconds", 0, MAX_SECONDS, above=True)
#: ``--port``: a TCP port.
port_number: Final = whole_number("a port number", 1, 65535)
#: ``--concurrency``: how many hosts at once.
concurrency: Final = whole_number("a number of hosts", 1, MAX_CONCURRENCY)


def add_connection_options(parser: argparse.ArgumentParser, *, guests: bool) -> None:
    """Options that say where the host is and how to log in (never a password)."""
    from vmic.connect._inventory import PSRP_AUTHS, TRANSPORTS  # noqa: PLC0415 - on use

    where = parser.add_argument_group("reaching the host")
    where.add_argument("--host", help="the Hyper-V host (name or address)")
    where.add_argument(
        "--lab",
        choices=LABS,
        help="use the embedded simulated lab instead of a real host",
    )
    where.add_argument("--transport", choices=TRANSPORTS, default="psrp")
    where.add_argument(
        "--user",
        help="account on the host; its password comes from $VMIC_PASSWORD, the system "
        "keyring, or a prompt (never from the command line)",
    )
    where.add_argument(
        "--port", type=port_number, help="port (default: 5986 PSRP over TLS, 22 SSH)"
    )
    where.add_argument(
        "--auth",
        choices=PSRP_AUTHS,
        default="negotiate",
        help="PSRP authentication",
    )
    where.add_argument("--no-tls", action="store_true", help="PSRP over HTTP with encryption")
    where.add_argument("--ca-bundle", help="PSRP: CA file that signed the host's certificate")
    where.add_argument("--ssh-key", action="append", default=[], help="SSH private key file")
    where.add_argument("--known-hosts", help="SSH known_hosts file")
    where.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds the host may take (default {DEFAULT_TIMEOUT:g})",
    )
    where.add_argument(
        "--no-keyring", action="store_true", help="do not look for passwords in the keyring"
    )
    where.add_argument("--no-prompt", action="store_true", help="never ask for a password")
    if guests:
        guest = parser.add_argument_group("asking the guests (default: host side only)")
        guest.add_argument(
            "--guest-user",
            help="Windows guest account for PowerShell Direct; password from "
            "$VMIC_GUEST_PASSWORD, the keyring, or a prompt",
        )
        guest.add_argument(
            "--linux-user", help="SSH account for Linux guests (at the address KVP reports)"
        )


def add_feature_option(parser: argparse.ArgumentParser) -> None:
    """``--feature NAME`` (repeatable): features the user relies on."""
    from vmic.rules._features import Feature  # noqa: PLC0415 - only when this option is built

    parser.add_argument(
        "--feature",
        action="append",
        default=[],
        choices=[feature.value for feature in Feature],
        dest="features",
        metavar="FEATURE",
        help="a feature you rely on, so that services it needs count even when off by "
        "default (repeatable): " + ", ".join(feature.value for feature in Feature),
    )


class _DeprecatedAlias(Once):
    """Stores like the new option (once) and notes that the old spelling is deprecated.

    The note is printed on stderr once the command line is parsed, unless ``--quiet``.

    A plain line, not a ``DeprecationWarning``: the CLI must not turn it into an error
    under ``-W error`` and a library user never sees it.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        super().__call__(parser, namespace, values, option_string)
        NOTES.append(f"{option_string} is deprecated; use --{self.dest.replace('_', '-')}")


def os_option(
    parser: argparse.ArgumentParser,
    which: str,
    *,
    help_text: str,
    required: bool = False,
) -> None:
    """``--host-os`` / ``--guest-os``, with the old ``--host`` / ``--guest`` kept as aliases."""
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(f"--{which}-os", dest=f"{which}_os", help=help_text)
    group.add_argument(
        f"--{which}", dest=f"{which}_os", action=_DeprecatedAlias, help=argparse.SUPPRESS
    )
