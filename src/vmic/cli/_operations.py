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
from typing import TYPE_CHECKING

from vmic.cli._connection import host_entry, lab_executor, resolver_for
from vmic.cli._progress import elapsed
from vmic.cli._render import emit_line, visible
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE, guest_observation, one_line
from vmic.errors import CommandTimeoutError, ConnectionFailedError, OperationError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from vmic.clients import Explainer, HyperVHost
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest, GuestUnreachable
    from vmic.model._host import VM

__all__: list[str] = []


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
    observe: Callable[[VM], Guest | GuestUnreachable | None] | None = None
    if entry.guests.enabled:
        from vmic.connect import guest_executor  # noqa: PLC0415 - load on use

        credentials = entry.guests.credentials(resolver, host=entry.name)

        def observe(vm: VM) -> Guest | GuestUnreachable | None:
            reach: Executor | None = guest_executor(
                host_executor, vm, entry.guests, credentials, connect_timeout=args.timeout
            )
            if reach is None:
                return None
            return guest_observation(reach, vm, timeout=args.timeout)

    return client, explainer(observe_guest=observe, host=entry.name, timeout=args.timeout)


def _run(args: argparse.Namespace, operation: Callable[[HyperVHost, Explainer], str]) -> int:
    host, explain = _connect(args)
    try:
        with elapsed(args, _doing(args), limit=args.timeout):
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
    emit_line(line)
    return 0


def _doing(args: argparse.Namespace) -> str:
    """What the progress line says the operation is doing."""
    if args.command == "wait":
        return f"{args.vm}: waiting for {args.until}"
    if args.command == "copy":
        return f"{args.vm}: copying {args.source}"
    return f"{args.vm}: shutting down"


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
            host.shutdown(
                args.vm,
                timeout=args.timeout,
                force=args.force,
                turn_off=args.turn_off,
                explain=explain,
            )
        ),
    )
