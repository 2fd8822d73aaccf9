"""``vmic wait``, ``vmic copy`` and ``vmic shutdown``: operations that need working services.

Each takes the connection options of ``vmic doctor`` (``--lab demo``, ``--host ... --transport
...``); ``--timeout`` is the operation's own deadline. When it fails, one line on stderr says
why, with the cause the diagnosis names (the guest is asked too when it can be: always in the
lab, with ``--guest-user`` / ``--linux-user`` on a real host). Exit status: 0 done, 1 the
operation failed or timed out (a preflight refusal included), 2 usage error, 3 the host could
not be reached.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from vmic.cli._connection import add_connection_options, host_entry, lab_executor, resolver_for
from vmic.cli._render import emit, visible
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE, guest_observation, one_line
from vmic.errors import CommandTimeoutError, ConnectionFailedError, OperationError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from vmic.clients import Explainer, HyperVHost
    from vmic.executors._protocol import Executor
    from vmic.model._observations import GuestObservation, VMObservation

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``vmic wait``, ``vmic copy`` and ``vmic shutdown`` to the ``vmic`` parser."""
    wait = commands.add_parser(
        "wait",
        help="wait for a VM's heartbeat, an address or a KVP item",
        description="Wait (on the host, one command) until the VM shows its heartbeat, an IP "
        "address or a guest KVP item; on a timeout, say why. --timeout is how long to wait. "
        "Exit status: 0 met, 1 timed out, 2 usage error, 3 host unreachable.",
    )
    add_connection_options(wait, guests=True)
    wait.add_argument("--vm", required=True, help="the VM's exact name")
    wait.add_argument(
        "--for",
        required=True,
        dest="until",
        metavar="heartbeat|ip|ipv4|ipv6|kvp:KEY",
        help="what to wait for",
    )
    wait.add_argument("--prefix", default="", help="with ip: an address starting with this")
    wait.set_defaults(handler=_wait)

    copy = commands.add_parser(
        "copy",
        help="copy a file from the host into a VM's guest (Copy-VMFile)",
        description="Copy a file from the Hyper-V host into the guest through Guest Service "
        "Interface (host to guest only: Copy-VMFile copies nothing back). Refuses while the "
        "service is off (Hyper-V's default) unless --enable-service, or while its guest side "
        "does not work. Exit status: 0 copied, 1 refused or failed, 2 usage error, "
        "3 host unreachable.",
    )
    add_connection_options(copy, guests=True)
    copy.add_argument("--vm", required=True, help="the VM's exact name")
    copy.add_argument("source", metavar="SOURCE", help="the file's path on the host")
    copy.add_argument("destination", metavar="DESTINATION", help="the path in the guest")
    copy.add_argument("--create-path", action="store_true", help="create missing directories")
    copy.add_argument("--overwrite", action="store_true", help="replace an existing file")
    copy.add_argument(
        "--enable-service",
        action="store_true",
        help="enable Guest Service Interface on the host if it is off",
    )
    copy.set_defaults(handler=_copy)

    shutdown = commands.add_parser(
        "shutdown",
        help="shut a VM down cleanly through its guest",
        description="Shut the VM down through the Shutdown service (Stop-VM) and wait for Off "
        "within --timeout. Refuses when the Shutdown service does not work, unless --force, "
        "which turns the VM off (a power cut) only after the timeout, and says so. "
        "Exit status: 0 off, 1 refused or not off in time, 2 usage error, 3 host unreachable.",
    )
    add_connection_options(shutdown, guests=True)
    shutdown.add_argument("--vm", required=True, help="the VM's exact name")
    shutdown.add_argument(
        "--force",
        action="store_true",
        help="turn the VM off after the timeout if it is still running",
    )
    shutdown.set_defaults(handler=_shutdown)


def _connect(args: argparse.Namespace) -> tuple[HyperVHost, Explainer]:
    """The host client (its commands may run the operation's timeout and more) and an explainer."""
    from vmic.clients import HyperVHost  # noqa: PLC0415 - load on use
    from vmic.diagnosis import explainer  # noqa: PLC0415 - load on use

    if args.lab:
        from vmic.testing import FakeHyperVHost  # noqa: PLC0415 - the lab loads on use

        name, executor = lab_executor(args.lab, args.host, args.vm)
        guest = executor.guest_executor(args.vm) if isinstance(executor, FakeHyperVHost) else None
        client = HyperVHost(executor, name=name)
        return client, explainer(guest=guest, host=name, timeout=args.timeout)
    entry = host_entry(args)
    resolver = resolver_for(args)
    host_executor = entry.executor(resolver)
    client = HyperVHost(host_executor, name=entry.name)
    observe: Callable[[VMObservation], GuestObservation | None] | None = None
    if entry.guests.enabled:
        from vmic.connect import guest_executor  # noqa: PLC0415 - load on use

        credentials = entry.guests.credentials(resolver, host=entry.name)

        def observe(vm: VMObservation) -> GuestObservation | None:
            reach: Executor | None = guest_executor(host_executor, vm, entry.guests, credentials)
            if reach is None:
                return None
            return guest_observation(reach, vm, timeout=args.timeout)

    return client, explainer(observe_guest=observe, host=entry.name, timeout=args.timeout)


def _run(args: argparse.Namespace, operation: Callable[[HyperVHost, Explainer], str]) -> int:
    host, explain = _connect(args)
    try:
        line = operation(host, explain)
    except (ConnectionFailedError, CommandTimeoutError) as error:
        print(f"vmic: error: {visible(one_line(error))}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except OperationError as error:
        print(f"vmic: error: {visible(one_line(error, limit=600))}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        # The connection (and, for SSH, its background thread) ends with the command.
        closer = getattr(host.executor, "close", None)
        if callable(closer):
            closer()
    emit(line + "\n")
    return 0


def _wait(args: argparse.Namespace) -> int:
    from vmic.clients import WaitFor, WaitKind  # noqa: PLC0415 - load on use

    until = WaitFor.parse(args.until)
    if args.prefix:
        if until.kind is not WaitKind.IP:
            from vmic.errors import ConfigurationError  # noqa: PLC0415 - error path only

            msg = "--prefix applies only to --for ip, ipv4 or ipv6"
            raise ConfigurationError(msg)
        until = WaitFor.address(prefix=args.prefix, version=until.family)
    return _run(
        args,
        lambda host, explain: str(host.wait(args.vm, until, timeout=args.timeout, explain=explain)),
    )


def _copy(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda host, explain: str(
            host.copy_file(
                args.vm,
                args.source,
                args.destination,
                create_path=args.create_path,
                overwrite=args.overwrite,
                enable_service=args.enable_service,
                explain=explain,
            )
        ),
    )


def _shutdown(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda host, explain: str(
            host.shutdown(args.vm, timeout=args.timeout, force=args.force, explain=explain)
        ),
    )
