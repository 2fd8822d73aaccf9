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
    from collections.abc import Sequence

    from vmic.clients import HyperVHost
    from vmic.executors._protocol import Executor
    from vmic.fleet._fix import FixTarget
    from vmic.model._host import VM
    from vmic.render._diagnosis import Reach
    from vmic.testing import DemoLab

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
    return entry_words(_entry_of(args))


def entry_words(entry: HostEntry) -> list[str]:
    """The options of a ``vmic`` command that reach *entry*'s host (an inventory's, or given).

    Its address (else its name) and every setting that is not the default; a password
    never is an option (the command finds it where vmic always does: the environment,
    the keyring or a prompt).

    >>> entry_words(HostEntry(name="hv02", address="192.0.2.12", transport="ssh", username="ops"))
    ['--host', '192.0.2.12', '--transport', 'ssh', '--user', 'ops']
    """
    words = _option("--host", entry.address or entry.name)
    if entry.transport != "psrp":
        words += ["--transport", entry.transport]
    if entry.port is not None:
        words += ["--port", str(entry.port)]
    if entry.username:
        words += _option("--user", entry.username)
    if entry.auth != "negotiate":
        words += ["--auth", entry.auth]
    if not entry.use_tls:
        words.append("--no-tls")
    if entry.ca_bundle:
        words += _option("--ca-bundle", entry.ca_bundle)
    for key in entry.ssh_keys:
        words += _option("--ssh-key", key)
    if entry.known_hosts:
        words += _option("--known-hosts", entry.known_hosts)
    return words


def inventory_words(inventory: Inventory) -> dict[str, list[str]]:
    """Each host of *inventory* by its name: the options that reach it (:func:`entry_words`)."""
    return {entry.name: entry_words(entry) for entry in inventory.hosts}


def _option(name: str, value: str) -> list[str]:
    # A value that starts with "-" would read as an option: NAME=VALUE takes any value.
    return [f"{name}={value}"] if value.startswith("-") else [name, value]


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
    entry = _entry_of(args)
    entry.check_files()
    return entry


def _entry_of(args: argparse.Namespace) -> HostEntry:
    """The host the connection options describe (its files not yet checked).

    Raises:
        ConfigurationError: ``--host`` is missing.
    """
    if not args.host:
        msg = "give --host NAME (or --lab demo for the simulated lab)"
        raise ConfigurationError(msg)
    guest_user = getattr(args, "guest_user", None)
    linux_user = getattr(args, "linux_user", None)
    return HostEntry(
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

    The audit's view of :func:`lab_fix_targets`: one piece of code reaches a lab's hosts
    and guests, whether a command audits them or changes them.

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
    targets = lab_fix_targets(lab, host=host, timeout=timeout, what=f"the {lab_name} lab")
    return [target.audit_target() for target in targets]


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


def change_targets(args: argparse.Namespace) -> tuple[list[FixTarget], Reach]:
    """The hosts ``fix`` works on, guests included, and how the commands it shows reach them.

    The hosts: ``--lab`` (every host of the lab, or ``--host``'s), ``--inventory`` (every
    host of it), else ``--host`` with the connection options. The ``vmic`` commands shown
    reach each host with the options that reached it (an inventory host's own).

    Raises:
        ConfigurationError: No such lab or host, or the options name none.
        vmic.connect.InventoryError: The inventory cannot be read.
    """
    targets, _groups, reach = _change_hosts(args)
    return targets, reach


def change_targets_and_groups(
    args: argparse.Namespace,
) -> tuple[list[FixTarget], dict[str, tuple[str, ...]]]:
    """The targets of :func:`change_targets`, and the inventory groups of each host.

    Only an Ansible inventory has groups besides ``all`` and ``ungrouped``; every host is
    in ``all``.
    """
    targets, groups, _reach = _change_hosts(args)
    return targets, groups


def _change_hosts(
    args: argparse.Namespace,
) -> tuple[list[FixTarget], dict[str, tuple[str, ...]], Reach]:
    """The targets, the groups of each host, and the options that reach each.

    ``--limit PATTERN`` (where the command has it) keeps the lab's or the inventory's
    hosts it selects; with ``--host`` it is refused, there being one host already.
    """
    from vmic.connect._ansible import limit_targets  # noqa: PLC0415 - on use

    timeout = args.timeout
    limit = getattr(args, "limit", None)
    if args.lab:
        targets = lab_fix_targets(_lab(args.lab), host=args.host, timeout=timeout)
        targets = limit_targets(targets, limit, source=f"lab {args.lab}")
        return targets, {target.name: ("all",) for target in targets}, connection_words(args)
    resolver = resolver_for(args)
    if args.inventory:
        inventory, groups = read_inventory_and_groups(args.inventory, limit=limit)
        inventory.check_files()
        targets = [_entry_target(entry, resolver, timeout) for entry in inventory.hosts]
        return targets, groups, inventory_words(inventory)
    if limit is not None:
        msg = "--limit chooses among the hosts of --inventory or --lab, not --host"
        raise ConfigurationError(msg)
    entry = host_entry(args)
    targets = [_entry_target(entry, resolver, timeout)]
    return targets, {entry.name: ("all",)}, connection_words(args)


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
    lab: DemoLab, *, host: str | None = None, timeout: float | None = None, what: str = "the lab"
) -> list[FixTarget]:
    """One target per host of a simulated lab (or the one named *host*), guests included.

    Raises:
        ConfigurationError: The lab has no host named *host* (*what* names the lab).
    """
    from vmic.fleet._fix import FixTarget  # noqa: PLC0415 - the fleet loads on use

    chosen = [
        FixTarget(name=fake.name, executor=fake, guests=lab.guest_reach(fake.name), timeout=timeout)
        for fake in lab.hosts
        if host is None or fake.name == host
    ]
    if not chosen:
        known = ", ".join(str(fake.name) for fake in lab.hosts)
        raise ConfigurationError(f"{what} has no host {host!r}; its hosts: {known}")
    return chosen


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
