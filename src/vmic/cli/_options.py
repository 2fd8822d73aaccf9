"""Options several ``vmic`` commands share, declared without loading what runs them.

Building these options must stay cheap: the vocabularies they offer (transports,
features) are imported inside the function that adds the option, which runs only for
the command being run (or for ``--help``/completion of that command).
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._values import Once

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds above 0 (argparse ``type``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        msg = f"must be a number of seconds more than 0, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def port_number(text: str) -> int:
    """``--port``: a TCP port, 1 to 65535 (argparse ``type``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value < 65536:
        msg = f"must be a port number from 1 to 65535, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


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
