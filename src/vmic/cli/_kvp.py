"""``vmic kvp get|set|remove``: Key-Value Pair Exchange items of VMs, from their host.

``get`` prints the guest's intrinsic items, the items it published and the items the
host sent (or one key's value with ``--key``); ``set`` adds or modifies a host item and
``remove`` removes one, each verified by reading back. ``--vm`` may be repeated: the
action is taken on every VM named, and a change is made only once every VM named has
passed the preflight (it exists, once, with Data Exchange enabled). Connection options
are those of ``vmic enable``. Exit status: 0 done, 1 the change failed, an item asked for
is missing or Data Exchange is disabled, 2 usage error or an item Hyper-V cannot store,
3 the host could not be reached.
"""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._connection import host_clients
from vmic.cli._render import emit, emit_json, emit_line, render_records, report_error, visible
from vmic.connect import EXIT_FAILED, EXIT_UNREACHABLE
from vmic.errors import (
    AmbiguousVMError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    DataExchangeDisabledError,
    VMNotFoundError,
)
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from vmic.clients import HyperVHost
    from vmic.model._kvp_exchange import KvpExchange

__all__: list[str] = []

_SETS: Final = ("intrinsic", "guest", "host")
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE


def _kvp(args: argparse.Namespace) -> int:
    if args.action in {"set", "remove"} and args.key is None:
        raise ConfigurationError(f"vmic kvp {args.action} needs --key")
    if args.action == "set" and args.value is None:
        message = "vmic kvp set needs --value"
        raise ConfigurationError(message)
    if args.action != "set" and args.value is not None:
        raise ConfigurationError(f"vmic kvp {args.action} takes no --value")
    if args.action == "set":
        from vmic.model._kvp_exchange import check_item  # noqa: PLC0415 - on use

        check_item(args.key, args.value)  # before any host is asked
    groups = host_clients(args, args.vm)
    results: list[KvpExchange] = []
    try:
        if args.action != "get" and len(args.vm) > 1:
            # Every VM named is checked before the first one is changed.
            for host, vms in groups:
                _preflight(host, vms)
        for host, vms in groups:
            results.extend(_act(args, host, vm) for vm in vms)
    except (ConnectionFailedError, CommandTimeoutError) as error:
        _print(args, results)
        report_error(error)
        return EXIT_UNREACHABLE
    finally:
        # The connections (and, for SSH, their background threads) end with the command.
        for host, _vms in groups:
            host.executor.close()
    return _print(args, results)


def _act(args: argparse.Namespace, host: HyperVHost, vm: str) -> KvpExchange:
    if args.action == "set":
        return host.kvp_set(vm, args.key, args.value)
    if args.action == "remove":
        return host.kvp_remove(vm, args.key)
    return host.kvp_items(vm)


def _preflight(host: HyperVHost, vms: Sequence[str]) -> None:
    """Raise what a change would raise for any VM of *vms*, before anything is changed.

    Raises:
        VMNotFoundError: A VM is not on the host.
        AmbiguousVMError: Several VMs share a name.
        DataExchangeDisabledError: Data Exchange is disabled for a VM.
    """
    observed = host.observe()
    label = host.name or observed.name
    for vm in vms:
        found = [entry for entry in observed.vms if entry.name == vm]
        if not found:
            raise VMNotFoundError(label, vm, [entry.name for entry in observed.vms])
        if len(found) > 1:
            raise AmbiguousVMError(label, vm, len(found))
        component = found[0].service(_KVP)
        if component is None or not component.enabled:
            raise DataExchangeDisabledError(vm)


def _records(args: argparse.Namespace, items: KvpExchange) -> list[dict[str, Any]]:
    return [
        {"vm": items.vm, "set": name, "key": key, "value": value}
        for name in _SETS
        for key, value in getattr(items, name)
        if args.key is None or key == args.key
    ]


def _why_empty(items: KvpExchange) -> str:
    """Why a VM shows no items from its guest, or "" when it shows some."""
    if not items.enabled:
        command = shlex.join(["vmic", "enable", f"--vm={items.vm}", _KVP.value])
        return str(DataExchangeDisabledError(items.vm, fix=f"enable it first: {command}"))
    if not items.intrinsic:
        return (
            f"VM {items.vm!r} reports no items: the guest side of Key-Value Pair Exchange "
            f"does not answer (the VM is off, or its KVP service or daemon is not running); "
            f"'vmic doctor --vm={items.vm}' says why"
        )
    return ""


def _print(args: argparse.Namespace, results: list[KvpExchange]) -> int:
    status = 0
    records: list[dict[str, Any]] = []
    lines: list[str] = []
    for items in results:
        found = _records(args, items)
        records.extend(found)
        if args.action == "set":
            lines.append(f"set {args.key!r} on {visible(items.vm)}")
        elif args.action == "remove":
            lines.append(
                f"removed {args.key!r} on {visible(items.vm)}"
                if items.changed
                else f"{visible(items.vm)} has no host item {args.key!r}: nothing removed"
            )
        else:
            status = max(status, _print_get(args, items, found, lines))
    if args.output_format == "json":
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        document = {"schema_version": SCHEMA_VERSION, "action": args.action, "key": args.key}
        emit_json(document | {"items": records})
    elif args.output_format in {"csv", "markdown"}:
        emit(render_records(records, ("vm", "set", "key", "value"), args.output_format))
    else:
        for line in lines:
            emit_line(line)
    return status


def _print_get(
    args: argparse.Namespace, items: KvpExchange, found: list[dict[str, Any]], lines: list[str]
) -> int:
    """Add one VM's items to the text *lines*; say on stderr what is missing and why."""
    why = _why_empty(items)
    several = len(args.vm) > 1
    if several and (found or (why and args.key is None)):
        lines.append(f"{visible(items.vm)}:")
    indent = "  " if several else ""
    lines.extend(
        f"{indent}{record['set']:<10} {visible(record['key'])} = {visible(record['value'])}"
        for record in found
    )
    if args.key is not None and not found:
        print(
            visible(
                f"vmic: error: VM {items.vm!r} has no KVP item {args.key!r}"
                + (f"; {why}" if why else "")
            ),
            file=sys.stderr,
        )
        return EXIT_FAILED
    if why and args.key is None:
        if args.output_format == "table":
            lines.append(f"{indent}{visible(why)}")
        elif not args.quiet:
            print(f"vmic: note: {visible(why)}", file=sys.stderr)
    return 0
