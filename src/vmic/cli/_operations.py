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
from typing import TYPE_CHECKING, Any, Final, Protocol

from vmic.cli._connection import host_entry, lab_executor, resolver_for
from vmic.cli._progress import elapsed
from vmic.cli._render import emit, emit_json, emit_line, render_records, report_error
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE, guest_observation, one_line
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


class _Result(Protocol):
    """What an operation returns: its one line (``str()``) and its JSON."""

    def to_dict(self) -> dict[str, Any]: ...


def _run(
    args: argparse.Namespace,
    operation: Callable[[HyperVHost, Explainer], _Result],
    vm: str,
    *,
    limit: float,
) -> tuple[int, dict[str, Any]]:
    """Run *operation* on the host of *vm*: its status and its outcome (see :func:`_print`).

    The text form's line is printed at once; why it failed goes to stderr in one line.
    """
    host, explain = _connect(args, vm)
    outcome: dict[str, Any] = {"vm": vm, "ok": False, "message": "", "error": None}
    status = 0
    try:
        with elapsed(args, _doing(args, vm), limit=limit):
            result = operation(host, explain)
    except (ConnectionFailedError, CommandTimeoutError) as error:
        report_error(error)
        outcome |= _failure(error)
        status = EXIT_UNREACHABLE
    except OperationError as error:
        report_error(error, limit=600)
        outcome |= _failure(error, limit=600)
        status = EXIT_FAILED
    else:
        outcome |= {"ok": True, "message": str(result), args.command: result.to_dict()}
        if args.output_format == "table":
            emit_line(outcome["message"])
    finally:
        # The connection (and, for SSH, its background thread) ends with the command.
        host.executor.close()
    return status, outcome


def _failure(error: Exception, *, limit: int | None = None) -> dict[str, Any]:
    """An operation's error as its JSON says it (the same line stderr gets, and its notes)."""
    cause = getattr(error, "cause", None)
    message = one_line(error) if limit is None else one_line(error, limit=limit)
    return {
        "message": message,
        "error": {
            "type": type(error).__name__,
            "cause": None if cause is None else cause.value,
            "message": message,
            "notes": [str(note) for note in getattr(error, "__notes__", ())],
        },
    }


#: The columns of the CSV and Markdown forms: one row per VM.
_COLUMNS: Final = ("vm", "ok", "message")


def _print(args: argparse.Namespace, outcomes: list[dict[str, Any]]) -> None:
    """The VMs' outcomes in a machine or Markdown format (the text form printed each line)."""
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        empty = {"wait": None, "copy": None, "shutdown": None}
        results = [
            {"vm": o["vm"], "ok": o["ok"], "message": o["message"], **empty, **o} for o in outcomes
        ]
        document = {"schema_version": SCHEMA_VERSION, "operation": args.command}
        emit_json(document | {"results": results})
    elif args.output_format in {"csv", "markdown"}:
        emit(render_records(outcomes, _COLUMNS, args.output_format), rendered=True)


def _doing(args: argparse.Namespace, vm: str) -> str:
    """What the progress line says the operation is doing."""
    if args.command == "wait":
        return f"{vm}: waiting for {args.until}"
    if args.command == "copy":
        return f"{vm}: copying {args.source}"
    return f"{vm}: shutting down"


def _once(args: argparse.Namespace, operation: Callable[[HyperVHost, Explainer], _Result]) -> int:
    """Run *operation* on ``--vm`` and print its outcome; its exit status."""
    status, outcome = _run(args, operation, args.vm, limit=args.timeout)
    _print(args, [outcome])
    return status


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
    outcomes = []
    for vm in dict.fromkeys(args.vm):
        # The VMs share the deadline; one whose turn comes after it is still looked at once.
        left = max(round(deadline - time.monotonic(), 1), _LAST_LOOK)
        wait = functools.partial(_wait_for, vm, until, left)
        done, outcome = _run(args, wait, vm, limit=left)
        status = max(status, done)
        outcomes.append(outcome)
    _print(args, outcomes)
    return status


def _wait_for(
    vm: str, until: WaitFor, timeout: float, host: HyperVHost, explain: Explainer
) -> _Result:
    return host.wait(vm, until, timeout=timeout, explain=explain)


def _copy(args: argparse.Namespace) -> int:
    return _once(
        args,
        lambda host, explain: host.copy_file(
            args.vm,
            args.source,
            args.destination,
            create_path=args.create_path,
            overwrite=args.overwrite,
            enable_service=args.enable_service,
            explain=explain,
        ),
    )


def _shutdown(args: argparse.Namespace) -> int:
    return _once(
        args,
        lambda host, explain: host.shutdown(
            args.vm,
            timeout=args.timeout,
            force=args.force,
            turn_off=args.turn_off,
            explain=explain,
        ),
    )
