"""How the ``doctor``, ``audit``, ``enable``, ``disable`` and ``apply`` commands reach hosts.

Connection options build the same :class:`~vmic.connect.HostEntry` an inventory line
does, so one code path (:mod:`vmic.connect`) reaches a host whichever command asks.
Passwords never come from the command line: ``--user`` names the account and the password
comes from ``$VMIC_PASSWORD`` (``$VMIC_GUEST_PASSWORD`` for Windows guests), the system
keyring, or a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import math
import sys
from typing import TYPE_CHECKING, Final

from vmic.connect import (
    PSRP_AUTHS,
    TRANSPORTS,
    CredentialResolver,
    GuestAccess,
    HostEntry,
    HostTarget,
)
from vmic.errors import ConfigurationError, VMNotFoundError
from vmic.rules._features import Feature

if TYPE_CHECKING:
    from vmic.executors._protocol import Executor
    from vmic.model._observations import VMObservation
    from vmic.testing import DemoLab

__all__ = [
    "LABS",
    "add_connection_options",
    "add_feature_option",
    "features_of",
    "host_entry",
    "lab_targets",
    "port_number",
    "resolver_for",
    "seconds",
]

#: The simulated labs ``--lab`` accepts.
LABS: Final = ("demo",)
DEFAULT_TIMEOUT: Final = 60.0


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


def features_of(args: argparse.Namespace) -> tuple[Feature, ...]:
    """The features named with ``--feature``."""
    return tuple(Feature(value) for value in args.features)


def resolver_for(args: argparse.Namespace) -> CredentialResolver:
    """Where passwords come from for this run: environment, keyring, prompt on a terminal."""
    interactive = not args.no_prompt and sys.stdin.isatty()
    return CredentialResolver(
        use_keyring=not args.no_keyring,
        prompt=getpass.getpass if interactive else None,
    )


def host_entry(args: argparse.Namespace) -> HostEntry:
    """The host the options describe.

    Raises:
        ConfigurationError: ``--host`` is missing, or a ``--ssh-key`` or ``--ca-bundle``
            file does not exist.
    """
    if not args.host:
        msg = "give --host NAME (or --lab demo for the simulated lab)"
        raise ConfigurationError(msg)
    guest_user = getattr(args, "guest_user", None)
    linux_user = getattr(args, "linux_user", None)
    entry = HostEntry(
        name=args.host,
        transport=args.transport,
        port=args.port,
        username=args.user,
        auth=args.auth,
        use_tls=not args.no_tls,
        ca_bundle=args.ca_bundle,
        ssh_keys=tuple(args.ssh_key),
        known_hosts=args.known_hosts,
        guests=GuestAccess(
            windows="powershell_direct" if guest_user else "none",
            username=guest_user,
            linux="ssh" if linux_user else "none",
            linux_username=linux_user,
            ssh_keys=tuple(args.ssh_key),
            known_hosts=args.known_hosts,
        ),
    )
    entry.check_files()
    return entry


def lab_targets(
    lab_name: str,
    *,
    host: str | None = None,
    vm: str | None = None,
    timeout: float | None = None,
) -> list[HostTarget]:
    """Audit targets for the hosts of a simulated lab, guests included.

    Args:
        lab_name: One of :data:`LABS`.
        host: Only the host of this name.
        vm: Only the host that has the VM of exactly this name (when *host* is None).
        timeout: Seconds each command may run.

    Raises:
        ConfigurationError: The lab has no host of that name.
        vmic.errors.VMNotFoundError: No host of the lab has the VM (when *host* is None).
    """
    lab = _lab(lab_name)
    if host is None and vm is not None:
        host = _holder(lab_name, lab, vm)
    targets = []
    for fake in lab.hosts:
        name = str(fake.name)
        if host is not None and name != host:
            continue

        def reach(vm: VMObservation, host_name: str = name) -> Executor | None:
            executor: Executor | None = lab.guest_executor(host_name, vm.name)
            return executor

        targets.append(HostTarget.for_executor(fake, name=name, guests=reach, timeout=timeout))
    if not targets:
        known = ", ".join(str(fake.name) for fake in lab.hosts)
        raise ConfigurationError(f"the {lab_name} lab has no host {host!r}; its hosts: {known}")
    return targets


def lab_executor(lab_name: str, host: str | None, vm: str) -> tuple[str, Executor]:
    """The executor of the lab host named *host*, else of the one that has the VM *vm*.

    Raises:
        ConfigurationError: No such host.
        vmic.errors.VMNotFoundError: No host has the VM (when *host* is None).
    """
    lab = _lab(lab_name)
    name = host if host is not None else _holder(lab_name, lab, vm)
    executor: Executor = lab.host(name)
    return name, executor


def _holder(lab_name: str, lab: DemoLab, vm: str) -> str:
    """The name of the lab host that has the VM named exactly *vm* (read from its state).

    Raises:
        vmic.errors.VMNotFoundError: No host has it.
    """
    for fake in lab.hosts:
        if any(candidate.name == vm for candidate in fake.vms):
            return str(fake.name)
    names = [candidate.name for fake in lab.hosts for candidate in fake.vms]
    raise VMNotFoundError(f"the {lab_name} lab", vm, names)


def _lab(name: str) -> DemoLab:
    if name not in LABS:
        raise ConfigurationError(f"unknown lab {name!r}; known: {', '.join(LABS)}")
    from vmic.testing import demo_lab  # noqa: PLC0415 - the simulated lab loads on use

    return demo_lab()
