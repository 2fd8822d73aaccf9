"""``vmic enable``, ``vmic disable`` and ``vmic apply``: change host settings, verified.

Services are named any way vmic knows them (``"Guest Service Interface"``, ``vmicvss``,
``Takt``, a component GUID) and selected on the host by component GUID; VMs by their
exact names (``--vm``, repeatable): one change command per host for all of its VMs, read
back in the same round trip. ``vmic apply --policy FILE`` brings whole hosts to a policy
(:mod:`vmic.cli._policy`). Exit status: 0 done (or nothing to do), 1 the change failed,
2 usage error, 3 the host could not be reached or its answer could not be read (see
:mod:`vmic.connect`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Final

from vmic.cli._connection import host_clients
from vmic.cli._render import emit, emit_json, emit_line, render_records
from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from vmic.clients import Change, HyperVHost

__all__: list[str] = []

_ON: Final = frozenset({"on", "true", "yes", "enabled", "1"})
_OFF: Final = frozenset({"off", "false", "no", "disabled", "0"})


def _toggle(args: argparse.Namespace) -> int:
    def change(host: HyperVHost, names: tuple[str, ...]) -> tuple[Change, ...]:
        action = host.enable if args.verb == "enable" else host.disable
        return action(names, *args.services)

    return _run(args, change, checking=False)


def _apply(args: argparse.Namespace) -> int:
    if args.policy is not None:
        if args.vms or args.settings:
            msg = "--policy says what to change: give no --vm and no SERVICE=on|off with it"
            raise ConfigurationError(msg)
        from vmic.cli._policy import apply_policy_command  # noqa: PLC0415 - on use

        return apply_policy_command(args)
    if args.inventory is not None or args.yes or args.limit is not None:
        msg = "--inventory, --limit and --yes go with --policy"
        raise ConfigurationError(msg)
    if not args.vms or not args.settings:
        msg = "give --vm NAME and SERVICE=on|off settings, or --policy FILE"
        raise ConfigurationError(msg)
    desired: dict[str, bool] = {}
    for setting in args.settings:
        service, sep, value = setting.rpartition("=")
        word = value.strip().lower()
        if not sep or not service.strip() or word not in _ON | _OFF:
            raise ConfigurationError(f"expected SERVICE=on or SERVICE=off, not {setting!r}")
        desired[service.strip()] = word in _ON

    def change(host: HyperVHost, names: tuple[str, ...]) -> tuple[Change, ...]:
        return host.apply(names, desired, check=args.check)

    return _run(args, change, checking=args.check)


def _run(
    args: argparse.Namespace,
    change: Callable[[HyperVHost, tuple[str, ...]], tuple[Change, ...]],
    *,
    checking: bool,
) -> int:
    changes: list[Change] = []
    hosts = host_clients(args, args.vms)
    # The connections (and, for SSH, their background threads) end with the command; a
    # failure reaches the CLI's one error line and its exit status (vmic.connect).
    with contextlib.ExitStack() as stack:
        for host, _names in hosts:
            stack.enter_context(host.executor)
        for host, names in hosts:
            changes.extend(change(host, names))
    records = [
        {
            "vm": c.vm,
            "service": c.service.value,
            "name": c.service.english_name,
            "before": "enabled" if c.before else "disabled",
            "after": "enabled" if c.after else "disabled",
            "changed": not checking,
        }
        for c in changes
    ]
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        emit_json({"schema_version": SCHEMA_VERSION, "check": checking, "changes": records})
    elif args.output_format in {"csv", "markdown"}:
        columns = ("vm", "service", "before", "after", "changed")
        emit(render_records(records, columns, args.output_format))
    elif not changes:
        emit_line(f"{', '.join(args.vms)}: nothing to change")
    else:
        prefix = "would " if checking else ""
        for c in changes:
            verb = "enable" if c.after else "disable"
            done = verb if checking else verb + "d"
            emit_line(f"{prefix}{done} {c.service.english_name} on {c.vm}")
    return 0
