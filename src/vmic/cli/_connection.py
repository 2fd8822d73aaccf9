"""How the ``doctor``, ``audit``, ``enable``, ``disable`` and ``apply`` commands reach hosts.

Connection options build the same :class:`~vmic.connect.HostEntry` an inventory line
does, so one code path (:mod:`vmic.connect`) reaches a host whichever command asks.
Passwords never come from the command line: ``--user`` names the account and the password
comes from ``$VMIC_PASSWORD`` (``$VMIC_GUEST_PASSWORD`` for Windows guests), the system
keyring, or a prompt on a terminal.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vmic.cli._options import (
    DEFAULT_TIMEOUT,
    LABS,
    add_connection_options,
    add_feature_option,
    port_number,
    seconds,
)
from vmic.connect import (
    CredentialResolver,
    GuestAccess,
    HostEntry,
    HostTarget,
    Inventory,
    InventoryError,
    guest_executor,
    one_line,
)
from vmic.errors import ConfigurationError, VMNotFoundError
from vmic.rules._features import Feature

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

    from vmic.clients import HyperVHost
    from vmic.executors._protocol import Executor
    from vmic.fleet._fix import FixTarget
    from vmic.model._host import VM
    from vmic.testing import DemoLab, FakeHyperVHost

__all__ = [
    "DEFAULT_TIMEOUT",
    "LABS",
    "add_connection_options",
    "add_feature_option",
    "change_targets",
    "connection_words",
    "features_of",
    "host_clients",
    "host_entry",
    "lab_fix_targets",
    "lab_targets",
    "port_number",
    "read_inventory",
    "resolver_for",
    "seconds",
]


def features_of(args: argparse.Namespace) -> tuple[Feature, ...]:
    """The features named with ``--feature``."""
    return tuple(Feature(value) for value in args.features)


def connection_words(args: argparse.Namespace) -> list[str]:
    """The options that reached the host, as a ``vmic`` command that changes it repeats them.

    The fixes ``vmic doctor`` prints as ``vmic enable ...`` reach the host the way the
    doctor did (``--lab demo``; ``--host hv01 --transport ssh --user admin``); options
    left at their defaults are left out, and a password never is an option.
    """
    if getattr(args, "lab", None):
        words = ["--lab", args.lab]
        return [*words, "--host", args.host] if args.host else words
    words = ["--host", args.host]
    if args.transport != "psrp":
        words += ["--transport", args.transport]
    if args.port is not None:
        words += ["--port", str(args.port)]
    if args.user:
        words += ["--user", args.user]
    if args.auth != "negotiate":
        words += ["--auth", args.auth]
    if args.no_tls:
        words.append("--no-tls")
    if args.ca_bundle:
        words += ["--ca-bundle", args.ca_bundle]
    for key in args.ssh_key:
        words += ["--ssh-key", key]
    if args.known_hosts:
        words += ["--known-hosts", args.known_hosts]
    return words


def read_inventory(name: str, *, limit: str | None = None) -> Inventory:
    """``--inventory NAME``: the file, or with ``-`` the text on stdin (kind told by content).

    Raises:
        vmic.connect.InventoryError: It cannot be read, is no inventory, or *limit*
            selects no host.
    """
    from vmic.connect._sources import (  # noqa: PLC0415 - on use
        load_inventory_limited,
        parse_inventory_limited,
    )

    if name != "-":
        return load_inventory_limited(name, limit=limit)
    return parse_inventory_limited(_stdin(), source="<stdin>", limit=limit)


def read_inventory_and_groups(
    name: str, *, limit: str | None = None
) -> tuple[Inventory, dict[str, tuple[str, ...]]]:
    """``--inventory NAME`` as :func:`read_inventory` reads it, and each host's groups.

    Only an Ansible inventory has groups besides ``all`` and ``ungrouped``.

    Raises:
        vmic.connect.InventoryError: See :func:`read_inventory`.
    """
    from vmic.connect._ansible import (  # noqa: PLC0415 - on use
        ANSIBLE_SUFFIXES,
        parse_ansible_ini,
        parse_ansible_yaml,
    )
    from vmic.connect._sources import (  # noqa: PLC0415
        inventory_kind,
        load_ansible_inventory,
        parse_inventory_limited,
    )

    if name == "-":
        text = _stdin()
        kind = inventory_kind(text)
        if kind == "toml":
            inventory = parse_inventory_limited(text, source="<stdin>", limit=limit)
            return inventory, _all_groups(inventory)
        parse = parse_ansible_yaml if kind == "yaml" else parse_ansible_ini
        ansible = parse(text, source="<stdin>")
    elif Path(name).suffix.lower() in ANSIBLE_SUFFIXES:
        ansible = load_ansible_inventory(name)
    else:
        inventory = read_inventory(name, limit=limit)
        return inventory, _all_groups(inventory)
    groups: dict[str, list[str]] = {entry.name: [] for entry in ansible.inventory.hosts}
    for group, hosts in ansible.groups.items():
        for host in hosts:
            groups.setdefault(host, []).append(group)
    chosen = ansible.inventory if limit is None else ansible.limit(limit)
    return chosen, {host: tuple(names) for host, names in groups.items()}


def _all_groups(inventory: Inventory) -> dict[str, tuple[str, ...]]:
    return {entry.name: ("all", "ungrouped") for entry in inventory.hosts}


def _stdin() -> str:
    """The inventory on standard input, refused past :data:`vmic._files.MAX_FILE_BYTES`."""
    from vmic._files import MAX_FILE_BYTES  # noqa: PLC0415 - on use

    try:
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise InventoryError(
            f"cannot read the inventory: {one_line(error)}", source="<stdin>"
        ) from None
    if len(text) > MAX_FILE_BYTES:
        message = f"the inventory is larger than {MAX_FILE_BYTES:,} characters"
        raise InventoryError(message, source="<stdin>")
    return text


def resolver_for(args: argparse.Namespace) -> CredentialResolver:
    """Where passwords come from for this run: environment, keyring, prompt on a terminal."""
    interactive = not args.no_prompt and sys.stdin.isatty()
    return CredentialResolver(
        use_keyring=not args.no_keyring,
        prompt=getpass.getpass if interactive else None,
    )


def host_entry(args: argparse.Namespace) -> HostEntry:
    """The host the options describe, connecting within ``--timeout``.

    Every command that reaches a host by ``--host`` builds its entry here, so each one
    honours ``--timeout`` while connecting and logging in (over SSH and PSRP alike),
    whatever its own operation then waits for.

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
        connect_timeout=args.timeout,
    )
    entry.check_files()
    return entry


def host_client(args: argparse.Namespace, vm: str | None = None) -> HyperVHost:
    """The HyperVHost the options name: the lab's host that has the VM, or a real one.

    Args:
        args: The parsed options.
        vm: The VM whose lab host is meant (default: ``args.vm``).
    """
    from vmic.clients import HyperVHost  # noqa: PLC0415 - load on use

    if args.lab:
        name, executor = lab_executor(args.lab, args.host, args.vm if vm is None else vm)
        return HyperVHost(executor, name=name, timeout=args.timeout)
    entry = host_entry(args)
    return HyperVHost(entry.executor(resolver_for(args)), name=entry.name, timeout=args.timeout)


def host_clients(
    args: argparse.Namespace, vms: Sequence[str]
) -> list[tuple[HyperVHost, tuple[str, ...]]]:
    """The hosts that hold the VMs *vms*, each with the names it holds, in the order given.

    A real host (``--host``) holds them all; in a lab, ``--host`` names the host, else
    each VM's is the lab host that has it (read once).

    Raises:
        ConfigurationError: No such lab or host, or no ``--host``.
        vmic.errors.VMNotFoundError: No lab host has a VM (when ``--host`` is not given).
    """
    from vmic.clients import HyperVHost  # noqa: PLC0415 - load on use

    if not args.lab:
        entry = host_entry(args)
        client = HyperVHost(
            entry.executor(resolver_for(args)), name=entry.name, timeout=args.timeout
        )
        return [(client, tuple(vms))]
    lab = _lab(args.lab)
    held: dict[str, list[str]] = {}
    for vm in vms:
        held.setdefault(args.host or _holder(args.lab, lab, vm), []).append(vm)
    return [
        (HyperVHost(lab.host(name), name=name, timeout=args.timeout), tuple(names))
        for name, names in held.items()
    ]


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
    return [
        HostTarget.for_executor(fake, name=fake.name, guests=reach, timeout=timeout)
        for fake, reach in _lab_hosts(lab, host, what=f"the {lab_name} lab")
    ]


def _lab_hosts(
    lab: DemoLab, host: str | None, *, what: str
) -> list[tuple[FakeHyperVHost, Callable[[VM], Executor | None]]]:
    """The lab's hosts (or the one named *host*), each with how its guests are reached.

    Raises:
        ConfigurationError: The lab has no host named *host*.
    """
    chosen: list[tuple[FakeHyperVHost, Callable[[VM], Executor | None]]] = [
        (fake, lab.guest_reach(fake.name))
        for fake in lab.hosts
        if host is None or fake.name == host
    ]
    if not chosen:
        known = ", ".join(str(fake.name) for fake in lab.hosts)
        raise ConfigurationError(f"{what} has no host {host!r}; its hosts: {known}")
    return chosen


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


def change_targets(args: argparse.Namespace) -> list[FixTarget]:
    """The hosts a changing command (``fix``, ``apply --policy``) works on, guests included.

    ``--lab`` (every host of the lab, or ``--host``'s), ``--inventory`` (every host of it),
    else ``--host`` with the connection options.

    Raises:
        ConfigurationError: No such lab or host, or the options name none.
        vmic.connect.InventoryError: The inventory cannot be read.
    """
    return change_targets_and_groups(args)[0]


def change_targets_and_groups(
    args: argparse.Namespace,
) -> tuple[list[FixTarget], dict[str, tuple[str, ...]]]:
    """:func:`change_targets`, and the inventory groups of each host (by host name).

    Only an Ansible inventory has groups besides ``all`` and ``ungrouped``; every host is
    in ``all``.
    """
    timeout = args.timeout
    if args.lab:
        targets = lab_fix_targets(_lab(args.lab), host=args.host, timeout=timeout)
        return targets, {target.name: ("all",) for target in targets}
    resolver = resolver_for(args)
    if args.inventory:
        inventory, groups = read_inventory_and_groups(args.inventory)
        inventory.check_files()
        targets = [_entry_target(entry, resolver, timeout) for entry in inventory.hosts]
        return targets, groups
    entry = host_entry(args)
    return [_entry_target(entry, resolver, timeout)], {entry.name: ("all",)}


def _entry_target(entry: HostEntry, resolver: CredentialResolver, timeout: float) -> FixTarget:
    from vmic.fleet._fix import FixTarget  # noqa: PLC0415 - the fleet loads on use

    entry = entry.within(timeout)  # an inventory's host connects within --timeout too
    executor = entry.executor(resolver)
    access = entry.guests
    if not access.enabled:
        return FixTarget(name=entry.name, executor=executor, timeout=timeout)
    credentials = access.credentials(resolver, host=entry.name)

    def reach(vm: VM) -> Executor | None:
        return guest_executor(
            executor, vm, access, credentials, connect_timeout=entry.connect_timeout
        )

    return FixTarget(name=entry.name, executor=executor, guests=reach, timeout=timeout)


def lab_fix_targets(
    lab: DemoLab, *, host: str | None = None, timeout: float | None = None
) -> list[FixTarget]:
    """One target per host of a simulated lab, guests included.

    Raises:
        ConfigurationError: The lab has no host named *host*.
    """
    from vmic.fleet._fix import FixTarget  # noqa: PLC0415 - the fleet loads on use

    return [
        FixTarget(name=fake.name, executor=fake, guests=reach, timeout=timeout)
        for fake, reach in _lab_hosts(lab, host, what="the lab")
    ]


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
    """The lab of this run, with the changes earlier runs made (see :mod:`vmic.cli._lab`)."""
    from vmic.cli._lab import open_lab  # noqa: PLC0415 - the simulated lab loads on use

    return open_lab(name)
