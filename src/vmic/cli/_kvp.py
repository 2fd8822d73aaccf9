"""``vmic kvp get|set|remove``: Key-Value Pair Exchange items of a VM, from its host.

``get`` prints the guest's intrinsic items, the items it published and the items the
host sent (or one key's value with ``--key``); ``set`` adds or modifies a host item and
``remove`` removes one, each verified by reading back. Connection options are those of
``vmic enable``. Exit status: 0 done, 1 the change failed or Data Exchange is disabled,
2 usage error or an item Hyper-V cannot store, 3 the host could not be reached.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from vmic.cli._connection import host_client
from vmic.cli._render import emit, emit_json, emit_line, render_records, visible
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE, one_line
from vmic.errors import CommandTimeoutError, ConfigurationError, ConnectionFailedError

if TYPE_CHECKING:
    import argparse

    from vmic.model._kvp_exchange import KvpExchange

__all__: list[str] = []

_SETS: Final = ("intrinsic", "guest", "host")


def _kvp(args: argparse.Namespace) -> int:
    if args.action in {"set", "remove"} and args.key is None:
        raise ConfigurationError(f"vmic kvp {args.action} needs --key")
    if args.action == "set" and args.value is None:
        message = "vmic kvp set needs --value"
        raise ConfigurationError(message)
    if args.action != "set" and args.value is not None:
        raise ConfigurationError(f"vmic kvp {args.action} takes no --value")
    host = host_client(args)
    try:
        if args.action == "set":
            items = host.kvp_set(args.vm, args.key, args.value)
        elif args.action == "remove":
            items = host.kvp_remove(args.vm, args.key)
        else:
            items = host.kvp_items(args.vm)
    except (ConnectionFailedError, CommandTimeoutError) as error:
        print(f"vmic: error: {visible(one_line(error))}", file=sys.stderr)
        return EXIT_UNREACHABLE
    finally:
        # The connection (and, for SSH, its background thread) ends with the command.
        closer = getattr(host.executor, "close", None)
        if callable(closer):
            closer()
    return _print(args, items)


def _print(args: argparse.Namespace, items: KvpExchange) -> int:
    records = [
        {"vm": items.vm, "set": name, "key": key, "value": value}
        for name in _SETS
        for key, value in getattr(items, name)
        if args.key is None or args.action != "get" or key == args.key
    ]
    if args.action == "get" and args.key is not None and not records:
        print(
            f"vmic: error: VM {visible(repr(args.vm))} has no KVP item {visible(repr(args.key))}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if args.action != "get":
        done = "set" if args.action == "set" else "removed"
        records = [r for r in records if r["key"] == args.key]
        if args.output_format == "table":
            emit_line(f"{done} {args.key!r} on {args.vm}")
            return 0
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, "action": args.action, "key": args.key}
        emit_json(document | {"items": records})
    elif args.output_format in {"csv", "markdown"}:
        emit(render_records(records, ("vm", "set", "key", "value"), args.output_format))
    else:
        if not records:
            emit_line(f"{args.vm}: no KVP items")
        for record in records:
            emit_line(f"{record['set']:<10} {record['key']} = {record['value']}")
    return 0
