"""Ansible inventories (YAML and INI) read into the same hosts a vmic TOML inventory gives.

Groups, ``children``, the ``all`` and ``ungrouped`` groups, group and host variables are
read as Ansible reads them: variables of ``all`` first, then of each group from the
outermost to the innermost (groups of one depth in name order), then the host's own.
Host patterns such as ``hv[01:03].example.test`` expand. ``--limit`` takes Ansible's
patterns: names or globs of groups and hosts joined by ``,`` or ``:``, ``&`` for "also
in", ``!`` for "not in", ``~`` for a regular expression.

Variables vmic uses (the rest is ignored, with a debug note):

- ``ansible_host`` (``ansible_ssh_host``): where to connect; ``ansible_port``
  (``ansible_ssh_port``): the port.
- ``ansible_user`` (or ``ansible_psrp_user``, ``ansible_winrm_user``, ``ansible_ssh_user``):
  the account; its password comes from the environment, the keyring or a prompt.
- ``ansible_connection``: ``psrp`` or ``winrm`` (both vmic's PSRP transport), ``ssh``
  (``smart``, ``paramiko``), ``local``; Ansible's default, ``ssh``, when unset.
- ``ansible_psrp_protocol`` / ``ansible_winrm_scheme``: ``https`` (default) or ``http``
  (message encryption).
- ``ansible_psrp_auth`` / ``ansible_winrm_transport``: negotiate, kerberos, ntlm, credssp,
  basic, certificate.
- ``ansible_psrp_cert_validation`` / ``ansible_winrm_server_cert_validation``: only
  ``validate``; vmic never turns the certificate check off. ``ansible_psrp_ca_cert`` /
  ``ansible_winrm_ca_trust_path``: the CA file.
- ``ansible_ssh_private_key_file``: the SSH key.
- vmic's own: ``vmic_password_env``, ``vmic_known_hosts`` (the TOML ``password_env``,
  ``known_hosts``); ``vmic_guests_windows``, ``vmic_guests_linux``, ``vmic_guests_username``,
  ``vmic_guests_linux_username``, ``vmic_guests_ssh_keys``, ``vmic_guests_known_hosts``
  (the TOML ``[hosts.guests]`` keys).

Passwords (``ansible_password``, ``ansible_ssh_pass``, ``ansible_become_password``...)
and vault-encrypted values (``!vault``, ``$ANSIBLE_VAULT``) are refused: vmic takes
credentials from the environment, the keyring or a prompt.
"""

from __future__ import annotations

import ast
import fnmatch
import logging
import re
import shlex
import string
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from vmic._third_party import quiet_import
from vmic.connect._inventory import (
    PSRP_AUTHS,
    GuestAccess,
    HostEntry,
    Inventory,
    InventoryError,
    load_inventory,
    parse_inventory,
)
from vmic.errors import ConfigurationError, MissingExtraError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from vmic.connect._targets import HostTarget

__all__ = [
    "ANSIBLE_SUFFIXES",
    "AnsibleInventory",
    "inventory_kind",
    "limit_targets",
    "load_ansible_inventory",
    "load_inventory_limited",
    "parse_ansible_ini",
    "parse_ansible_yaml",
    "parse_inventory_limited",
]

_log = logging.getLogger("vmic.audit.ansible")

#: File suffixes read as Ansible inventories: YAML, and INI.
ANSIBLE_SUFFIXES: Final = {".yml": "yaml", ".yaml": "yaml", ".ini": "ini", ".cfg": "ini"}

_CONNECTIONS: Final = {
    "psrp": "psrp",
    "winrm": "psrp",
    "ssh": "ssh",
    "smart": "ssh",
    "paramiko": "ssh",
    "paramiko_ssh": "ssh",
    "local": "local",
}
_VAULT_MARK: Final = "$ANSIBLE_VAULT;"
_SECRET_RE: Final = re.compile(r"(pass|password|passphrase|secret|token)$", re.IGNORECASE)
_KNOWN: Final = frozenset(
    {
        "ansible_host",
        "ansible_ssh_host",
        "ansible_port",
        "ansible_ssh_port",
        "ansible_user",
        "ansible_ssh_user",
        "ansible_psrp_user",
        "ansible_winrm_user",
        "ansible_connection",
        "ansible_psrp_protocol",
        "ansible_winrm_scheme",
        "ansible_psrp_auth",
        "ansible_winrm_transport",
        "ansible_psrp_cert_validation",
        "ansible_winrm_server_cert_validation",
        "ansible_psrp_ca_cert",
        "ansible_winrm_ca_trust_path",
        "ansible_ssh_private_key_file",
        "ansible_private_key_file",
        "vmic_password_env",
        "vmic_known_hosts",
        "vmic_guests_windows",
        "vmic_guests_linux",
        "vmic_guests_username",
        "vmic_guests_linux_username",
        "vmic_guests_ssh_keys",
        "vmic_guests_known_hosts",
    }
)


@attrs.frozen
class _Vaulted:
    """A ``!vault`` value, kept only to refuse it with the host and variable named."""


@attrs.define
class _Group:
    name: str
    vars: dict[str, Any] = attrs.field(factory=dict)
    hosts: list[str] = attrs.field(factory=list)
    children: list[str] = attrs.field(factory=list)


@attrs.define
class _Parsed:
    source: str
    groups: dict[str, _Group] = attrs.field(factory=dict)
    host_vars: dict[str, dict[str, Any]] = attrs.field(factory=dict)

    def group(self, name: str) -> _Group:
        if name not in self.groups:
            self.groups[name] = _Group(name)
        return self.groups[name]

    def add_host(self, group: str, host: str, variables: dict[str, Any]) -> None:
        self.host_vars.setdefault(host, {}).update(variables)
        members = self.group(group).hosts
        if host not in members:
            members.append(host)


@attrs.frozen(kw_only=True)
class AnsibleInventory:
    """An Ansible inventory read by vmic: its hosts, and which groups hold which hosts.

    Attributes:
        inventory: The hosts, as a vmic :class:`~vmic.connect._inventory.Inventory`.
        groups: Every group's hosts (``all`` and ``ungrouped`` included), children
            resolved.
    """

    inventory: Inventory
    groups: dict[str, tuple[str, ...]]

    def limit(self, pattern: str) -> Inventory:
        """The hosts an Ansible ``--limit`` pattern selects, in inventory order.

        Raises:
            InventoryError: The pattern selects no host.
        """
        names = [entry.name for entry in self.inventory.hosts]
        chosen = select_hosts(pattern, names, self.groups, source=self.inventory.source)
        return attrs.evolve(
            self.inventory, hosts=tuple(e for e in self.inventory.hosts if e.name in chosen)
        )


def _fail(message: str, source: str, where: str = "") -> NoReturn:
    raise InventoryError(message, source=source, where=where)


# --- reading ------------------------------------------------------------------------------


def _yaml_loader() -> Any:  # noqa: ANN401 - a PyYAML loader class, typed loosely by PyYAML
    try:
        with quiet_import("yaml"):
            import yaml  # noqa: PLC0415 - optional extra, loaded on use
    except ImportError:
        feature = "reading an Ansible YAML inventory"
        raise MissingExtraError(feature, extra="ansible", module="yaml") from None

    class Loader(yaml.SafeLoader):
        """PyYAML's safe loader that also recognises Ansible's ``!vault`` (to refuse it)."""

    def vaulted(_loader: Loader, _node: yaml.Node) -> _Vaulted:
        return _Vaulted()

    def unsafe(loader: Loader, node: yaml.Node) -> object:
        # Ansible's "do not template this" marker: the plain value, as text.
        return loader.construct_scalar(node)  # type: ignore[arg-type] # a ScalarNode here

    Loader.add_constructor("!vault", vaulted)
    Loader.add_constructor("!unsafe", unsafe)
    return Loader


def parse_ansible_yaml(text: str, *, source: str = "<inventory>") -> AnsibleInventory:
    """Read an Ansible YAML inventory.

    Raises:
        InventoryError: Not YAML, not an inventory's shape, a password or vault value,
            or a variable of the wrong type (the message names host and variable).
        vmic.errors.MissingExtraError: PyYAML is not installed.
    """
    loader = _yaml_loader()
    import yaml  # noqa: PLC0415 - present: _yaml_loader checked

    if text.lstrip().startswith(_VAULT_MARK):
        _fail("the inventory is vault-encrypted; vmic reads no vault", source)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        _fail(f"not valid YAML: {problem}{where}", source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        _fail("an Ansible YAML inventory is a mapping of groups", source)
    parsed = _Parsed(source)
    parsed.group("all")
    for name, body in data.items():
        _yaml_group(parsed, str(name), body, where=str(name))
    return _build(parsed)


def _yaml_group(parsed: _Parsed, name: str, body: object, *, where: str) -> None:
    group = parsed.group(name)
    if body is None:
        return
    if not isinstance(body, dict):
        _fail("a group is a mapping of hosts, vars and children", parsed.source, where)
    for key in body:
        if key not in ("hosts", "vars", "children"):
            _log.debug("%s: %s.%s ignored (not hosts, vars or children)", parsed.source, where, key)
    variables = body.get("vars") or {}
    if not isinstance(variables, dict):
        _fail("vars must be a mapping", parsed.source, f"{where}.vars")
    group.vars.update(variables)
    hosts = body.get("hosts") or {}
    if not isinstance(hosts, dict):
        _fail("hosts must be a mapping of host names", parsed.source, f"{where}.hosts")
    for pattern, host_vars in hosts.items():
        if host_vars is not None and not isinstance(host_vars, dict):
            _fail("host variables must be a mapping", parsed.source, f"{where}.hosts.{pattern}")
        for host in _expand(str(pattern), parsed.source):
            parsed.add_host(name, host, dict(host_vars or {}))
    children = body.get("children") or {}
    if not isinstance(children, dict):
        _fail("children must be a mapping of groups", parsed.source, f"{where}.children")
    for child, child_body in children.items():
        if str(child) not in group.children:
            group.children.append(str(child))
        _yaml_group(parsed, str(child), child_body, where=f"{where}.children.{child}")


_SECTION_RE: Final = re.compile(r"\[(?P<name>[^\]:]+)(?::(?P<kind>\w+))?\]")


def parse_ansible_ini(  # noqa: PLR0912 - one branch per kind of line
    text: str, *, source: str = "<inventory>"
) -> AnsibleInventory:
    """Read an Ansible INI inventory.

    Host lines are ``NAME [key=value ...]`` (values read as Python literals where they
    are one, as Ansible does); ``[group:vars]`` holds ``key=value`` lines (strings);
    ``[group:children]`` lists group names. Hosts before any section are ungrouped.

    Raises:
        InventoryError: A line vmic cannot read, a password or vault value, or a
            variable of the wrong type (the message names host and variable).
    """
    if text.lstrip().startswith(_VAULT_MARK):
        _fail("the inventory is vault-encrypted; vmic reads no vault", source)
    parsed = _Parsed(source)
    parsed.group("all")
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"line {number}"
        if not line or line[0] in "#;":
            continue
        header = _SECTION_RE.fullmatch(line)
        if header is not None:
            section, kind = header["name"].strip(), header["kind"] or "hosts"
            if kind not in ("hosts", "vars", "children"):
                _fail(f"unknown section kind {kind!r} (hosts, vars or children)", source, where)
            parsed.group(section)
            continue
        if kind == "children":
            child = line.split("#", 1)[0].strip()
            if child and child not in parsed.group(section).children:
                parsed.group(section).children.append(child)
            parsed.group(child)
            continue
        if kind == "vars":
            key, equals, value = line.partition("=")
            if not equals or not key.strip():
                _fail("a vars line is key=value", source, where)
            parsed.group(section).vars[key.strip()] = value.strip()
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError as error:
            _fail(f"cannot read the host line: {error}", source, where)
        if not words:
            continue
        host_vars: dict[str, Any] = {}
        for word in words[1:]:
            key, equals, value = word.partition("=")
            if not equals or not key:
                _fail(f"{word.split('=', 1)[0]!r} is not key=value", source, where)
            host_vars[key] = _literal(value)
        for host in _expand(words[0], source):
            parsed.add_host(section, host, host_vars)
    return _build(parsed)


def _literal(value: str) -> object:
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


_RANGE_RE: Final = re.compile(r"\[([^\]:]+):([^\]:]+)(?::(\d+))?\]")


def _expand(pattern: str, source: str) -> list[str]:
    """``hv[01:03]`` -> hv01, hv02, hv03 (Ansible's numeric and letter ranges)."""
    match = _RANGE_RE.search(pattern)
    if match is None:
        return [pattern]
    first, last, step_text = match.groups()
    step = int(step_text or 1)
    head, tail = pattern[: match.start()], pattern[match.end() :]
    if first.isdigit() and last.isdigit():
        width = len(first) if first.startswith("0") else 0
        values = [str(i).zfill(width) for i in range(int(first), int(last) + 1, max(step, 1))]
    elif first in string.ascii_letters and last in string.ascii_letters and len(first) == 1:
        values = [chr(i) for i in range(ord(first), ord(last) + 1, max(step, 1))]
    else:
        _fail(f"cannot expand the host range in {pattern!r}", source)
    return [host for value in values for host in _expand(head + value + tail, source)]


# --- building ----------------------------------------------------------------------------


def _depths(parsed: _Parsed) -> dict[str, int]:
    """Each group's depth below ``all`` (the longest chain of parents)."""
    parents: dict[str, set[str]] = {name: set() for name in parsed.groups}
    for group in parsed.groups.values():
        for child in group.children:
            parents.setdefault(child, set()).add(group.name)
    depths: dict[str, int] = {}

    def depth(name: str, seen: frozenset[str]) -> int:
        if name in depths:
            return depths[name]
        if name in seen:
            _fail(f"group {name!r} is its own ancestor", parsed.source)
        if name == "all":
            value = 0
        else:
            value = 1 + max(
                (depth(p, seen | {name}) for p in parents[name] if p != "all"), default=0
            )
        depths[name] = value
        return value

    for name in parsed.groups:
        depth(name, frozenset())
    return depths


def _members(parsed: _Parsed) -> dict[str, list[str]]:
    """Each group's hosts, children's included, in first-seen order."""
    done: dict[str, list[str]] = {}

    def members(name: str) -> list[str]:
        if name not in done:
            group = parsed.groups[name]
            hosts = list(group.hosts)
            for child in group.children:
                hosts.extend(h for h in members(child) if h not in hosts)
            done[name] = hosts
        return done[name]

    for name in parsed.groups:
        members(name)
    return done


def _build(parsed: _Parsed) -> AnsibleInventory:
    parsed.group("ungrouped")
    depths = _depths(parsed)
    members = _members(parsed)
    order = list(parsed.host_vars)
    grouped = {
        h for name, hosts in members.items() if name not in ("all", "ungrouped") for h in hosts
    }
    members["ungrouped"] = [h for h in members.get("ungrouped", []) if h not in grouped] + [
        h for h in order if h not in grouped and h not in members.get("ungrouped", [])
    ]
    members["all"] = order
    entries = []
    for host in order:
        in_groups = sorted(
            (name for name, hosts in members.items() if host in hosts and name != "all"),
            key=lambda name: (depths.get(name, 1), name),
        )
        merged: dict[str, Any] = dict(parsed.groups["all"].vars)
        for name in in_groups:
            merged.update(parsed.groups[name].vars)
        merged.update(parsed.host_vars[host])
        entries.append(_entry(host, merged, parsed.source))
    if not entries:
        _fail("no hosts", parsed.source)
    inventory = Inventory(hosts=tuple(entries), source=parsed.source)
    return AnsibleInventory(
        inventory=inventory, groups={name: tuple(hosts) for name, hosts in members.items()}
    )


def _first(variables: dict[str, Any], *names: str) -> tuple[str, object] | None:
    for name in names:
        if name in variables and variables[name] is not None:
            return name, variables[name]
    return None


class _Vars:
    """One host's merged variables, read with the host and variable named on error."""

    def __init__(self, host: str, variables: dict[str, Any], source: str) -> None:
        self.host = host
        self.variables = variables
        self.source = source

    def fail(self, name: str, message: str) -> NoReturn:
        _fail(message, self.source, f"host {self.host}: {name}")

    def text(self, *names: str) -> str | None:
        found = _first(self.variables, *names)
        if found is None:
            return None
        name, value = found
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(name, f"must be a string, not {type(value).__name__}")
        text = str(value).strip()
        if not text or not text.isprintable():
            self.fail(name, "must be non-empty text without control characters")
        return text

    def port(self, *names: str) -> int | None:
        found = _first(self.variables, *names)
        if found is None:
            return None
        name, value = found
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            self.fail(name, f"must be a port number from 1 to 65535, not {value!r}")
        return value

    def texts(self, *names: str) -> tuple[str, ...]:
        found = _first(self.variables, *names)
        if found is None:
            return ()
        name, value = found
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            self.fail(name, "must be a string or a list of strings")
        return tuple(values)

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        value = self.text(name)
        allowed = tuple(choices)
        if value is not None and value.lower() not in allowed:
            self.fail(name, f"{value!r} is not one of {', '.join(allowed)}")
        return None if value is None else value.lower()


def _entry(host: str, variables: dict[str, Any], source: str) -> HostEntry:
    for name, value in variables.items():
        if isinstance(value, _Vaulted) or (
            isinstance(value, str) and value.startswith(_VAULT_MARK)
        ):
            _fail(
                "vault-encrypted values are not read; give credentials through the "
                "environment, the keyring or the prompt",
                source,
                f"host {host}: {name}",
            )
        if _SECRET_RE.search(name):
            _fail(
                "an inventory holds no passwords for vmic; use the environment "
                "(vmic_password_env), the system keyring or the prompt",
                source,
                f"host {host}: {name}",
            )
        if name not in _KNOWN:
            _log.debug("%s: host %s: variable %s ignored", source, host, name)
    read = _Vars(host, variables, source)
    connection = read.choice("ansible_connection", _CONNECTIONS) or "ssh"
    transport = _CONNECTIONS[connection]
    scheme = read.text("ansible_psrp_protocol", "ansible_winrm_scheme")
    if scheme is not None and scheme.lower() not in ("http", "https"):
        read.fail(
            "ansible_psrp_protocol"
            if "ansible_psrp_protocol" in variables
            else "ansible_winrm_scheme",
            f"{scheme!r} is not http or https",
        )
    auth = _auth(read)
    for name in ("ansible_psrp_cert_validation", "ansible_winrm_server_cert_validation"):
        validation = read.text(name)
        if validation is not None and validation.lower() != "validate":
            read.fail(
                name,
                f"{validation!r}: vmic always validates the host's certificate; give the CA "
                "with ansible_psrp_ca_cert instead",
            )
    guests = GuestAccess(
        windows=_guest_choice(read, "vmic_guests_windows", ("powershell_direct", "none")),
        linux=_guest_choice(read, "vmic_guests_linux", ("ssh", "none")),
        username=read.text("vmic_guests_username"),
        linux_username=read.text("vmic_guests_linux_username"),
        ssh_keys=read.texts("vmic_guests_ssh_keys"),
        known_hosts=read.text("vmic_guests_known_hosts"),
    )
    try:
        return HostEntry(
            name=host,
            address=read.text("ansible_host", "ansible_ssh_host"),
            transport=transport,
            port=read.port("ansible_port", "ansible_ssh_port"),
            username=read.text(*_USER_VARS[transport]),
            password_env=read.text("vmic_password_env"),
            auth=auth or "negotiate",
            use_tls=scheme is None or scheme.lower() == "https",
            ca_bundle=read.text("ansible_psrp_ca_cert", "ansible_winrm_ca_trust_path"),
            ssh_keys=read.texts("ansible_ssh_private_key_file", "ansible_private_key_file"),
            known_hosts=read.text("vmic_known_hosts"),
            guests=guests,
        )
    except ConfigurationError as error:
        _fail(str(error), source, f"host {host}")


_USER_VARS: Final = {
    "psrp": ("ansible_psrp_user", "ansible_winrm_user", "ansible_user"),
    "ssh": ("ansible_ssh_user", "ansible_user"),
    "local": ("ansible_user",),
}


def _auth(read: _Vars) -> str | None:
    auth = read.choice("ansible_psrp_auth", PSRP_AUTHS)
    if auth is not None:
        return auth
    found = _first(read.variables, "ansible_winrm_transport")
    if found is None:
        return None
    value = found[1]
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, str) and "," in first:
        first = first.split(",", 1)[0]
    if not isinstance(first, str) or first.strip().lower() not in PSRP_AUTHS:
        read.fail("ansible_winrm_transport", f"{value!r} is not one of {', '.join(PSRP_AUTHS)}")
    return first.strip().lower()


def _guest_choice(read: _Vars, name: str, choices: tuple[str, ...]) -> str:
    return read.choice(name, choices) or "none"


# --- selecting -----------------------------------------------------------------------------


def _split_patterns(pattern: str) -> Iterator[str]:
    # Ansible splits on "," and on ":" (":" only when it is not part of an IPv6 address
    # or a host range); vmic's names have neither, so a plain split on both is enough.
    for part in re.split(r"[,:]", pattern):
        if part.strip():
            yield part.strip()


def _matches(word: str, names: Iterable[str], groups: dict[str, tuple[str, ...]]) -> set[str]:
    if word.startswith("~"):
        regex = re.compile(word[1:])
        group_hits = [g for g in groups if regex.search(g)]
        host_hits = {n for n in names if regex.search(n)}
    else:
        group_hits = [g for g in groups if fnmatch.fnmatchcase(g, word)]
        host_hits = {n for n in names if fnmatch.fnmatchcase(n, word)}
    if word in ("all", "*"):
        return set(names)
    return host_hits.union(*(groups[g] for g in group_hits))


def select_hosts(
    pattern: str, names: Iterable[str], groups: dict[str, tuple[str, ...]], *, source: str
) -> set[str]:
    """The host names an Ansible host pattern selects.

    Raises:
        InventoryError: The pattern selects no host, or a ``~`` regex is invalid.
    """
    names = list(names)
    chosen: set[str] = set()
    also: list[set[str]] = []
    excluded: set[str] = set()
    for word in _split_patterns(pattern):
        try:
            if word.startswith("!"):
                excluded |= _matches(word[1:], names, groups)
            elif word.startswith("&"):
                also.append(_matches(word[1:], names, groups))
            else:
                chosen |= _matches(word, names, groups)
        except re.error as error:
            _fail(f"--limit {word!r}: not a regular expression: {error}", source)
    for other in also:
        chosen &= other
    chosen -= excluded
    if not chosen:
        _fail(f"--limit {pattern!r} selects no host of the inventory", source)
    return chosen


def limit_targets(
    targets: list[HostTarget], pattern: str | None, *, source: str
) -> list[HostTarget]:
    """The targets whose names *pattern* selects (all of them when it is None).

    Raises:
        InventoryError: The pattern selects no target.
    """
    if pattern is None:
        return targets
    names = tuple(target.name for target in targets)
    chosen = select_hosts(pattern, names, {"all": names, "ungrouped": names}, source=source)
    return [target for target in targets if target.name in chosen]


# --- files -------------------------------------------------------------------------------


def load_ansible_inventory(path: str | Path) -> AnsibleInventory:
    """Read an Ansible inventory file (``.yml``/``.yaml`` as YAML, anything else as INI).

    Raises:
        InventoryError: See :func:`parse_ansible_yaml` and :func:`parse_ansible_ini`.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read the inventory: {error}", source)
    if ANSIBLE_SUFFIXES.get(Path(path).suffix.lower()) == "yaml":
        return parse_ansible_yaml(text, source=source)
    return parse_ansible_ini(text, source=source)


def load_inventory_limited(path: str | Path, *, limit: str | None = None) -> Inventory:
    """Read any inventory vmic accepts (TOML, Ansible YAML or INI), narrowed by *limit*.

    A TOML inventory has no groups but ``all`` and ``ungrouped``; its hosts are matched
    by name.

    Raises:
        InventoryError: The file cannot be read or *limit* selects no host.
    """
    if Path(path).suffix.lower() in ANSIBLE_SUFFIXES:
        ansible = load_ansible_inventory(path)
        return ansible.inventory if limit is None else ansible.limit(limit)
    return _limited(load_inventory(path), limit)


def inventory_kind(text: str) -> str:
    """What inventory *text* is, from its content: ``"toml"``, ``"yaml"`` or ``"ini"``.

    YAML when its first line (past blank lines and comments) is ``---`` or a mapping key
    (``all:``); TOML when the whole text is valid TOML or it has an array of tables
    (``[[hosts]]``, so a broken TOML inventory gets TOML's error); INI otherwise
    (``[group]`` sections and host lines, which are neither).
    """
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line == "---" or _YAML_KEY.match(line):
            return "yaml"
        break
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return "toml" if _TOML_ARRAY_TABLE.search(text) else "ini"
    return "toml"


_YAML_KEY: Final = re.compile(r"[^\s\[=:#;]+:(?:\s|$)")
_TOML_ARRAY_TABLE: Final = re.compile(r"^\s*\[\[", re.MULTILINE)


def parse_inventory_limited(
    text: str, *, source: str = "<inventory>", limit: str | None = None
) -> Inventory:
    """Read inventory *text* of any kind vmic accepts (see :func:`inventory_kind`).

    Raises:
        InventoryError: The text is not an inventory, or *limit* selects no host.
    """
    kind = inventory_kind(text)
    if kind == "toml":
        return _limited(parse_inventory(text, source=source), limit)
    parse = parse_ansible_yaml if kind == "yaml" else parse_ansible_ini
    ansible = parse(text, source=source)
    return ansible.inventory if limit is None else ansible.limit(limit)


def _limited(inventory: Inventory, limit: str | None) -> Inventory:
    if limit is None:
        return inventory
    names = tuple(entry.name for entry in inventory.hosts)
    chosen = select_hosts(limit, names, {"all": names, "ungrouped": names}, source=inventory.source)
    return attrs.evolve(inventory, hosts=tuple(e for e in inventory.hosts if e.name in chosen))
