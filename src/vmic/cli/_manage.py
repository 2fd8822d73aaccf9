"""``vmic enable``, ``vmic disable`` and ``vmic apply``: change host settings, verified.

Services are named any way vmic knows them (``"Guest Service Interface"``, ``vmicvss``,
``Takt``, a component GUID) and selected on the host by component GUID; the VM by its
exact name. Each change is read back in the same round trip. Exit status: 0 done (or
nothing to do), 1 the change failed, 2 usage error, 3 the host could not be reached or
its answer could not be read (see :mod:`vmic.connect`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.cli._connection import host_client
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
    host = host_client(args)
    action = host.enable if args.verb == "enable" else host.disable
    return _run(args, host, lambda: action(args.vm, *args.services), checking=False)


def _apply(args: argparse.Namespace) -> int:
    desired: dict[str, bool] = {}
    for setting in args.settings:
        service, sep, value = setting.rpartition("=")
        word = value.strip().lower()
        if not sep or not service.strip() or word not in _ON | _OFF:
            raise ConfigurationError(f"expected SERVICE=on or SERVICE=off, not {setting!r}")
        desired[service.strip()] = word in _ON
    host = host_client(args)
    return _run(
        args, host, lambda: host.apply(args.vm, desired, check=args.check), checking=args.check
    )


def _run(
    args: argparse.Namespace,
    host: HyperVHost,
    change: Callable[[], tuple[Change, ...]],
    *,
    checking: bool,
) -> int:
    # The connection (and, for SSH, its background thread) ends with the command; a
    # failure reaches the CLI's one error line and its exit status (vmic.connect).
    with host.executor:
        changes = change()
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
        emit_line(f"{args.vm}: nothing to change")
    else:
        prefix = "would " if checking else ""
        for c in changes:
            verb = "enable" if c.after else "disable"
            done = verb if checking else verb + "d"
            emit_line(f"{prefix}{done} {c.service.english_name} on {c.vm}")
    return 0
