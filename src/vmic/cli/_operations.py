"""``vmic wait``, ``vmic copy`` and ``vmic shutdown``: operations that need working services.

Each takes the connection options of ``vmic doctor`` (``--lab demo``, ``--host ... --transport
...``); ``--timeout`` is the operation's own deadline. When it fails, one line on stderr says
why, with the cause the diagnosis names (the guest is asked too when it can be: always in the
lab, with ``--guest-user`` / ``--linux-user`` on a real host). Exit status: 0 done, 1 the
operation failed or timed out (a preflight refusal included), 2 usage error, 3 the host could
not be reached.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Final

from vmic.cli._connection import host_entry, lab_executor, resolver_for
from vmic.cli._render import emit_line, report_error
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE, guest_observation
from vmic.errors import CommandTimeoutError, ConnectionFailedError, OperationError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from vmic.clients import Explainer, HyperVHost, WaitFor
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest, GuestUnreachable
    from vmic.model._host import VM

__all__: list[str] = []

#: Seconds a wait may take for a VM whose turn comes after the shared deadline (a last look).
_LAST_LOOK: Final = 0.1


def _connect(args: argparse.Namespace, vm: str) -> tuple[HyperVHost, Explainer]:
    """The client of *vm*'s host, and an explainer.

    The client's commands may run for the operation's timeout and more.
    """
    from vmic.clients import HyperVHost  # noqa: PLC0415 - load on use
    from vmic.diagnosis import explainer  # noqa: PLC0415 - load on use

    if args.lab:
        from vmic.testing import FakeHyperVHost  # noqa: PLC0415 - the lab loads on use

        name, executor = lab_executor(args.lab, args.host, vm)
        guest = executor.guest_executor(vm) if isinstance(executor, FakeHyperVHost) else None
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


def _run(
    args: argparse.Namespace, operation: Callable[[HyperVHost, Explainer], str], vm: str
) -> int:
    """Run *operation* on the host of *vm*; print its line, or why it failed, and the status."""
    host, explain = _connect(args, vm)
    try:
        line = operation(host, explain)
    except (ConnectionFailedError, CommandTimeoutError) as error:
        report_error(error)
        return EXIT_UNREACHABLE
    except OperationError as error:
        report_error(error, limit=600)
        return EXIT_FAILED
    finally:
        # The connection (and, for SSH, its background thread) ends with the command.
        host.executor.close()
    emit_line(line)
    return 0


def _wait(args: argparse.Namespace) -> int:
    """Wait for every VM named (``--vm`` repeats), all within the one ``--timeout``."""
    from vmic.clients import WaitFor, WaitKind  # noqa: PLC0415 - load on use

    until = WaitFor.parse(args.until)
    if args.prefix:
        if until.kind is not WaitKind.IP:
            from vmic.errors import ConfigurationError  # noqa: PLC0415 - error path only

            msg = "--prefix applies only to --for ip, ipv4 or ipv6"
            raise ConfigurationError(msg)
        until = WaitFor.address(prefix=args.prefix, version=until.family)
    deadline = time.monotonic() + args.timeout
    status = 0
    for vm in dict.fromkeys(args.vm):
        # The VMs share the deadline; one whose turn comes after it is still looked at once.
        left = max(round(deadline - time.monotonic(), 1), _LAST_LOOK)
        status = max(status, _run(args, functools.partial(_wait_for, vm, until, left), vm))
    return status


def _wait_for(vm: str, until: WaitFor, timeout: float, host: HyperVHost, explain: Explainer) -> str:
    return str(host.wait(vm, until, timeout=timeout, explain=explain))


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
        args.vm,
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
        args.vm,
    )
