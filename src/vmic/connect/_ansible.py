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

Hostile files are refused with one line before they cost much: a YAML document whose
aliases would expand to more than :data:`MAX_ALIAS_EXPANSION` extra values (an "alias
bomb"), or that nests too deeply; keys that are not strings (``1:``, ``~:``, ``true:``);
``children`` nested more than :data:`MAX_GROUP_DEPTH` deep; more than :data:`MAX_HOSTS`
hosts, host ranges included (counted before they are expanded). Reading is linear in
the number of hosts (a 200,000-host INI file: ``benchmarks/bench_ansible.py``), and no
error message repeats a value longer than a few dozen characters.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import itertools
import logging
import re
import shlex
import string
from typing import TYPE_CHECKING, Any, Final, NoReturn, Protocol, TypeVar

import attrs

from vmic._files import MAX_YAML_ALIASES, load_yaml
from vmic.connect._inventory import (
    PSRP_AUTHS,
    GuestAccess,
    HostEntry,
    Inventory,
    InventoryError,
)
from vmic.errors import ConfigurationError
from vmic.render import shown

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


__all__ = [
    "ANSIBLE_SUFFIXES",
    "MAX_ALIAS_EXPANSION",
    "MAX_GROUP_DEPTH",
    "MAX_HOSTS",
    "AnsibleInventory",
    "limit_targets",
    "parse_ansible_ini",
    "parse_ansible_yaml",
    "select_hosts",
]

_log = logging.getLogger("vmic.audit.ansible")

#: File suffixes read as Ansible inventories: YAML, and INI.
ANSIBLE_SUFFIXES: Final = {".yml": "yaml", ".yaml": "yaml", ".ini": "ini", ".cfg": "ini"}
#: The most hosts an inventory may hold, host ranges expanded.
MAX_HOSTS: Final = 1_000_000
#: How deeply ``children`` may nest (group in group in group...).
MAX_GROUP_DEPTH: Final = 64
#: How many values YAML aliases may add when expanded (a real inventory's ``<<: *defaults``
#: adds a few per host; an alias bomb adds billions).
MAX_ALIAS_EXPANSION: Final = MAX_YAML_ALIASES

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
    # Ordered sets (dicts with no values): membership tests are O(1), order is kept.
    hosts: dict[str, None] = attrs.field(factory=dict)
    children: dict[str, None] = attrs.field(factory=dict)


@attrs.define
class _Parsed:
    source: str
    groups: dict[str, _Group] = attrs.field(factory=dict)
    host_vars: dict[str, dict[str, Any]] = attrs.field(factory=dict)

    def group(self, name: str) -> _Group:
        found = self.groups.get(name)
        if found is None:
            found = self.groups[name] = _Group(name)
        return found

    def add_hosts(self, group: str, hosts: Iterable[str], variables: dict[str, Any]) -> None:
        members = self.group(group).hosts
        for host in hosts:
            known = self.host_vars.get(host)
            if known is None:
                if len(self.host_vars) >= MAX_HOSTS:
                    _fail(f"more than {MAX_HOSTS:,} hosts", self.source)
                self.host_vars[host] = dict(variables)
            else:
                known.update(variables)
            members[host] = None


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


def _label(name: str) -> str:
    """A host or group name in a message: as it is when short and printable, else shown."""
    return name if len(name) <= 60 and name.isprintable() else shown(name)


def _json_kind(value: object) -> str:
    """How a key that is no string reads in a message (``1``, ``null``, ``true``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"the {type(value).__name__} {shown(value)}"


# --- reading YAML -------------------------------------------------------------------------


def _vaulted(_loader: object, _node: object) -> _Vaulted:
    return _Vaulted()


def _unsafe(loader: Any, node: Any) -> object:  # noqa: ANN401 - PyYAML's loader and node
    # Ansible's "do not template this" marker: the plain value, as text.
    return loader.construct_scalar(node)


#: Ansible's own YAML tags: ``!vault`` (kept, to refuse it) and ``!unsafe`` (plain text).
_TAGS: Final = {"!vault": _vaulted, "!unsafe": _unsafe}


def _compose(text: str, source: str) -> Any:  # noqa: ANN401 - PyYAML data
    """The YAML document of *text*, read within :func:`vmic._files.load_yaml`'s limits."""
    try:
        return load_yaml(
            text,
            source=source,
            what="an inventory",
            feature="reading an Ansible YAML inventory",
            tags=_TAGS,
            max_aliases=MAX_ALIAS_EXPANSION,
        )
    except ConfigurationError as error:
        # load_yaml names the file first; the InventoryError says the same without repeating.
        _fail(str(error).removeprefix(f"{source}: "), source)


def parse_ansible_yaml(text: str, *, source: str = "<inventory>") -> AnsibleInventory:
    """Read an Ansible YAML inventory.

    Raises:
        InventoryError: Not YAML, not an inventory's shape (a key that is no string
            among them), a password or vault value, a variable of the wrong type (the
            message names host and variable), or beyond the limits of this module.
        vmic.errors.MissingExtraError: PyYAML is not installed.
    """
    if text.lstrip().startswith(_VAULT_MARK):
        _fail("the inventory is vault-encrypted; vmic reads no vault", source)
    data = _compose(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        _fail("an Ansible YAML inventory is a mapping of groups", source)
    parsed = _Parsed(source)
    parsed.group("all")
    for name, body in data.items():
        _yaml_group(parsed, _key(name, source, "", "a group name"), body, where=name, depth=1)
    return _build(parsed)


def _key(value: object, source: str, where: str, what: str) -> str:
    """*value* as a key of the inventory: a string, else a one-line error."""
    if not isinstance(value, str):
        place = f"{where}: " if where else ""
        _fail(f"{place}{what} must be a string, not {_json_kind(value)} (quote it in YAML)", source)
    return value


def _yaml_group(parsed: _Parsed, name: str, body: object, *, where: str, depth: int) -> None:
    if depth > MAX_GROUP_DEPTH:
        # The group's name, not its whole path (64 groups long).
        _fail(
            f"children nested more than {MAX_GROUP_DEPTH} deep",
            parsed.source,
            f"group {_label(name)}",
        )
    group = parsed.group(name)
    if body is None:
        return
    if not isinstance(body, dict):
        _fail("a group is a mapping of hosts, vars and children", parsed.source, where)
    for key in body:
        if key not in ("hosts", "vars", "children"):
            _log.debug("%s: %s.%s ignored (not hosts, vars or children)", parsed.source, where, key)
    group.vars.update(_mapping(body.get("vars"), parsed.source, f"{where}.vars", "vars"))
    hosts = _mapping(body.get("hosts"), parsed.source, f"{where}.hosts", "hosts")
    for pattern, host_vars in hosts.items():
        place = f"{where}.hosts.{pattern}"
        if host_vars is not None and not isinstance(host_vars, dict):
            _fail("host variables must be a mapping", parsed.source, place)
        variables = _mapping(host_vars, parsed.source, place, "host variables")
        parsed.add_hosts(name, _expand(pattern, parsed.source), variables)
    children = _mapping(body.get("children"), parsed.source, f"{where}.children", "children")
    for child, child_body in children.items():
        group.children[child] = None
        _yaml_group(parsed, child, child_body, where=f"{where}.children.{child}", depth=depth + 1)


_MAPPING_WORDS: Final = {
    "vars": "vars must be a mapping",
    "hosts": "hosts must be a mapping of host names",
    "children": "children must be a mapping of groups",
    "host variables": "host variables must be a mapping",
}


def _mapping(value: object, source: str, where: str, what: str) -> dict[str, Any]:
    """A mapping of the inventory (empty for none), every key a string."""
    if not value:
        return {}
    if not isinstance(value, dict):
        _fail(_MAPPING_WORDS[what], source, where)
    for key in value:
        _key(key, source, where, "a key")
    return value


# --- reading INI ----------------------------------------------------------------------------

_SECTION_RE: Final = re.compile(r"\[(?P<name>[^\]:]+)(?::(?P<kind>\w+))?\]")
# What shlex would split differently from str.split: quotes and backslashes.
_NEEDS_SHLEX: Final = re.compile(r"[\"'\\]")


def _words(line: str, source: str, where: str) -> list[str]:
    """A host line's words, as ``shlex.split(line, comments=True)`` gives them."""
    if _NEEDS_SHLEX.search(line) is None:
        # The common line, without shlex's character-by-character loop.
        return line.split("#", 1)[0].split()
    try:
        return shlex.split(line, comments=True)
    except ValueError as error:
        _fail(f"cannot read the host line: {error}", source, where)


def parse_ansible_ini(  # noqa: PLR0912 - one branch per kind of line
    text: str, *, source: str = "<inventory>"
) -> AnsibleInventory:
    """Read an Ansible INI inventory.

    Host lines are ``NAME [key=value ...]`` (values read as Python literals where they
    are one, as Ansible does); ``[group:vars]`` holds ``key=value`` lines (strings);
    ``[group:children]`` lists group names. Hosts before any section are ungrouped.

    Raises:
        InventoryError: A line vmic cannot read, a password or vault value, a variable
            of the wrong type (the message names host and variable), or beyond the
            limits of this module.
    """
    if text.lstrip().startswith(_VAULT_MARK):
        _fail("the inventory is vault-encrypted; vmic reads no vault", source)
    parsed = _Parsed(source)
    parsed.group("all")
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            header = _SECTION_RE.fullmatch(line)
            if header is not None:
                section, kind = header["name"].strip(), header["kind"] or "hosts"
                if kind not in ("hosts", "vars", "children"):
                    _fail(
                        f"unknown section kind {shown(kind)} (hosts, vars or children)",
                        source,
                        f"line {number}",
                    )
                parsed.group(section)
                continue
        if kind == "children":
            child = line.split("#", 1)[0].strip()
            if child:
                parsed.group(section).children[child] = None
                parsed.group(child)
            continue
        if kind == "vars":
            key, equals, value = line.partition("=")
            if not equals or not key.strip():
                _fail("a vars line is key=value", source, f"line {number}")
            parsed.group(section).vars[key.strip()] = value.strip()
            continue
        words = _words(line, source, f"line {number}")
        if not words:
            continue
        host_vars: dict[str, Any] = {}
        for word in words[1:]:
            key, equals, value = word.partition("=")
            if not equals or not key:
                _fail(f"{shown(key)} is not key=value", source, f"line {number}")
            host_vars[key] = _literal(value)
        parsed.add_hosts(section, _expand(words[0], source), host_vars)
    return _build(parsed)


# A value that is an int to ast.literal_eval (no leading zeros); one that may be another
# Python literal (a quote or a bracket: a string, list, dict, tuple or set); one that may
# be a number. Everything else (names, addresses, paths) is text to literal_eval too, and
# is kept as text without asking it: that would cost a compile() per host.
_PLAIN_INT: Final = re.compile(r"0|[1-9][0-9]{0,18}")
_MAY_BE_LITERAL: Final = re.compile(r"[\"'\[\]{}()]")
_MAY_BE_NUMBER: Final = re.compile(
    r"[-+]?(?:0[xXoObB][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9_]+)?j?)"
)
_LITERAL_WORDS: Final = {"True": True, "False": False, "None": None}
# Longer values stay text: literal_eval would spend its time on them for nothing.
_LONGEST_LITERAL: Final = 4096


def _literal(value: str) -> object:
    """*value* as Ansible reads an INI variable: a Python literal when it is one, else text."""
    if _PLAIN_INT.fullmatch(value):
        return int(value)
    if value in _LITERAL_WORDS:
        return _LITERAL_WORDS[value]
    if len(value) > _LONGEST_LITERAL or not (
        _MAY_BE_LITERAL.search(value) or _MAY_BE_NUMBER.fullmatch(value)
    ):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return value


_RANGE_RE: Final = re.compile(r"\[([^\]:]+):([^\]:]+)(?::(\d+))?\]")


def _range(first: str, last: str, step_text: str | None, pattern: str, source: str) -> range:
    """One ``[first:last:step]`` of a host pattern, as a range of numbers or letters."""
    step = int(step_text) if step_text and len(step_text) < 10 else 0 if step_text else 1
    if step < 1:
        _fail(f"cannot expand the host range in {shown(pattern)}: a bad step", source)
    if first.isascii() and first.isdigit() and last.isascii() and last.isdigit():
        if len(first) > 18 or len(last) > 18:
            _fail(f"cannot expand the host range in {shown(pattern)}: too many hosts", source)
        return range(int(first), int(last) + 1, step)
    if (
        len(first) == len(last) == 1
        and first in string.ascii_letters
        and last in string.ascii_letters
    ):
        return range(ord(first), ord(last) + 1, step)
    _fail(f"cannot expand the host range in {shown(pattern)}", source)


def _expand(pattern: str, source: str) -> list[str]:
    """``hv[01:03]`` -> hv01, hv02, hv03 (Ansible's numeric and letter ranges).

    The hosts are counted before they are made: a pattern of more than
    :data:`MAX_HOSTS` hosts is refused at once.
    """
    parts: list[list[str]] = []
    count = 1
    rest = pattern
    while (match := _RANGE_RE.search(rest)) is not None:
        first, last, step_text = match.groups()
        values = _range(first, last, step_text, pattern, source)
        count *= len(values)
        if count > MAX_HOSTS:
            _fail(f"the host range {shown(pattern)} makes more than {MAX_HOSTS:,} hosts", source)
        if first.isdigit():
            width = len(first) if first.startswith("0") else 0
            texts = [str(i).zfill(width) for i in values]
        else:
            texts = [chr(i) for i in values]
        parts.extend(([rest[: match.start()]], texts))
        rest = rest[match.end() :]
    if not parts:
        return [pattern]
    parts.append([rest])
    return ["".join(pieces) for pieces in itertools.product(*parts)]


# --- building ----------------------------------------------------------------------------


def _order(parsed: _Parsed) -> tuple[list[str], dict[str, int]]:
    """The groups parents first, and each group's depth below ``all`` (longest chain).

    Raises:
        InventoryError: A group is its own ancestor, or children nest too deeply.
    """
    parents: dict[str, list[str]] = {name: [] for name in parsed.groups}
    for group in parsed.groups.values():
        for child in group.children:
            parents[child].append(group.name)
    waiting = {name: len(found) for name, found in parents.items()}
    ready = [name for name, count in waiting.items() if count == 0]
    order: list[str] = []
    depths: dict[str, int] = {}
    while ready:
        name = ready.pop()
        order.append(name)
        above = [depths[p] for p in parents[name] if p != "all"]
        depths[name] = 0 if name == "all" else 1 + max(above, default=0)
        if depths[name] > MAX_GROUP_DEPTH:
            _fail(
                f"children nested more than {MAX_GROUP_DEPTH} deep", parsed.source, f"group {name}"
            )
        for child in parsed.groups[name].children:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(order) < len(parsed.groups):
        stuck = min(name for name, count in waiting.items() if count > 0)
        _fail(f"group {shown(stuck)} is its own ancestor", parsed.source)
    return order, depths


def _members(parsed: _Parsed, order: list[str]) -> dict[str, list[str]]:
    """Each group's hosts, children's included, in first-seen order (children first done)."""
    done: dict[str, list[str]] = {}
    for name in reversed(order):
        group = parsed.groups[name]
        hosts = dict(group.hosts)
        for child in group.children:
            hosts.update(dict.fromkeys(done[child]))
        done[name] = list(hosts)
    return done


def _build(parsed: _Parsed) -> AnsibleInventory:
    parsed.group("ungrouped")
    order, depths = _order(parsed)
    members = _members(parsed, order)
    hosts = list(parsed.host_vars)
    grouped = {
        h for name, found in members.items() if name not in ("all", "ungrouped") for h in found
    }
    ungrouped = dict.fromkeys(h for h in members["ungrouped"] if h not in grouped)
    ungrouped.update(dict.fromkeys(h for h in hosts if h not in grouped))
    members["ungrouped"] = list(ungrouped)
    members["all"] = hosts
    # Each host's groups, innermost last (groups of one depth in name order).
    ranked = sorted(
        (name for name in members if name != "all"), key=lambda name: (depths[name], name)
    )
    in_groups: dict[str, list[str]] = {host: [] for host in hosts}
    for name in ranked:
        for host in members[name]:
            in_groups[host].append(name)
    base = parsed.groups["all"].vars
    entries = []
    # Hosts with the same variables but their address and port (most of a group) differ
    # only by those: the first is read and checked whole, the others are that entry with
    # their own name, address and port (checked alike).
    read: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    for host in hosts:
        merged: dict[str, Any] = dict(base)
        for name in in_groups[host]:
            merged.update(parsed.groups[name].vars)
        merged.update(parsed.host_vars[host])
        where: dict[str, Any] = {n: merged.pop(n) for n in _WHERE_VARS if n in merged}
        key = tuple(merged.items())
        try:
            template = read.get(key)
        except TypeError:  # a list or mapping value: no key, this host is read on its own
            template = None
        if template is None:
            # The entry's fields (attrs.evolve costs more than the rest of a host).
            template = attrs.asdict(_entry(host, merged, parsed.source), recurse=False)
            with contextlib.suppress(TypeError):
                read[key] = template
        entries.append(_addressed(template, host, where, parsed.source))
    if not entries:
        _fail("no hosts", parsed.source)
    inventory = Inventory(hosts=tuple(entries), source=parsed.source)
    return AnsibleInventory(
        inventory=inventory, groups={name: tuple(found) for name, found in members.items()}
    )


#: The variables that say where a host is (what most hosts of a group differ by).
_ADDRESS_VARS: Final[tuple[str, ...]] = ("ansible_host", "ansible_ssh_host")
_PORT_VARS: Final[tuple[str, ...]] = ("ansible_port", "ansible_ssh_port")
_WHERE_VARS: Final = (*_ADDRESS_VARS, *_PORT_VARS)


def _addressed(
    template: dict[str, Any], host: str, variables: dict[str, Any], source: str
) -> HostEntry:
    """The entry *template* (fields read from the host's other variables) as *host*.

    *variables* are the host's address and port variables (:data:`_WHERE_VARS`).
    """
    _refuse_secrets(host, variables, source)
    read = _Vars(host, variables, source)
    address, port = read.text(*_ADDRESS_VARS), read.port(*_PORT_VARS)
    try:
        return HostEntry(**{**template, "name": host, "address": address, "port": port})
    except ConfigurationError as error:
        _fail(str(error), source, f"host {_label(host)}")


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
        _fail(message, self.source, f"host {_label(self.host)}: {name}")

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
        if isinstance(value, str) and _PORT_TEXT.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            self.fail(name, f"must be a port number from 1 to 65535, not {shown(value)}")
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
            self.fail(name, f"{shown(value)} is not one of {', '.join(allowed)}")
        return None if value is None else value.lower()


def _refuse_secrets(host: str, variables: dict[str, Any], source: str) -> None:
    """Refuse a vault value or a password among *variables*; note the unknown ones."""
    for name, value in variables.items():
        if isinstance(value, _Vaulted) or (
            isinstance(value, str) and value.startswith(_VAULT_MARK)
        ):
            _fail(
                "vault-encrypted values are not read; give credentials through the "
                "environment, the keyring or the prompt",
                source,
                f"host {_label(host)}: {_label(name)}",
            )
        if _SECRET_RE.search(name):
            _fail(
                "an inventory holds no passwords for vmic; use the environment "
                "(vmic_password_env), the system keyring or the prompt",
                source,
                f"host {_label(host)}: {_label(name)}",
            )
        if name not in _KNOWN:
            _log.debug("%s: host %s: variable %s ignored", source, host, name)


def _entry(host: str, variables: dict[str, Any], source: str) -> HostEntry:
    """The entry *variables* describe (without the address: see :func:`_addressed`)."""
    _refuse_secrets(host, variables, source)
    read = _Vars(host, variables, source)
    connection = read.choice("ansible_connection", _CONNECTIONS) or "ssh"
    transport = _CONNECTIONS[connection]
    scheme = read.text("ansible_psrp_protocol", "ansible_winrm_scheme")
    if scheme is not None and scheme.lower() not in ("http", "https"):
        read.fail(
            "ansible_psrp_protocol"
            if "ansible_psrp_protocol" in variables
            else "ansible_winrm_scheme",
            f"{shown(scheme)} is not http or https",
        )
    auth = _auth(read)
    for name in ("ansible_psrp_cert_validation", "ansible_winrm_server_cert_validation"):
        validation = read.text(name)
        if validation is not None and validation.lower() != "validate":
            read.fail(
                name,
                f"{shown(validation)}: vmic always validates the host's certificate; give the "
                "CA with ansible_psrp_ca_cert instead",
            )
    guests = _guest_access(read)
    # Every variable is read (and refused with host and variable named) before the
    # entry is built, so the only error left below is the entry's own, named once.
    username = read.text(*_USER_VARS[transport])
    password_env = read.text("vmic_password_env")
    ca_bundle = read.text("ansible_psrp_ca_cert", "ansible_winrm_ca_trust_path")
    ssh_keys = read.texts("ansible_ssh_private_key_file", "ansible_private_key_file")
    known_hosts = read.text("vmic_known_hosts")
    try:
        return HostEntry(
            name=host,
            transport=transport,
            username=username,
            password_env=password_env,
            auth=auth or "negotiate",
            use_tls=scheme is None or scheme.lower() == "https",
            ca_bundle=ca_bundle,
            ssh_keys=ssh_keys,
            known_hosts=known_hosts,
            guests=guests,
        )
    except ConfigurationError as error:
        _fail(str(error), source, f"host {_label(host)}")


def _guest_access(read: _Vars) -> GuestAccess:
    """The host's ``vmic_guests_*`` variables (an error names host and variable once)."""
    windows = _guest_choice(read, "vmic_guests_windows", ("powershell_direct", "none"))
    linux = _guest_choice(read, "vmic_guests_linux", ("ssh", "none"))
    username = read.text("vmic_guests_username")
    linux_username = read.text("vmic_guests_linux_username")
    ssh_keys = read.texts("vmic_guests_ssh_keys")
    known_hosts = read.text("vmic_guests_known_hosts")
    try:
        return GuestAccess(
            windows=windows,
            linux=linux,
            username=username,
            linux_username=linux_username,
            ssh_keys=ssh_keys,
            known_hosts=known_hosts,
        )
    except ConfigurationError as error:
        read.fail("vmic_guests_*", str(error))


# A port given as text ("5986"): a few ASCII digits (int() refuses thousands of them).
_PORT_TEXT: Final = re.compile(r"[0-9]{1,5}")

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
        read.fail(
            "ansible_winrm_transport", f"{shown(value)} is not one of {', '.join(PSRP_AUTHS)}"
        )
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

    A pattern of exclusions and intersections alone (``!hv03``) starts from every host,
    as Ansible's does.

    Raises:
        InventoryError: The pattern selects no host, or a ``~`` regex is invalid.
    """
    names = list(names)
    chosen: set[str] = set()
    also: list[set[str]] = []
    excluded: set[str] = set()
    words = list(_split_patterns(pattern))
    for word in words:
        try:
            if word.startswith("!"):
                excluded |= _matches(word[1:], names, groups)
            elif word.startswith("&"):
                also.append(_matches(word[1:], names, groups))
            else:
                chosen |= _matches(word, names, groups)
        except re.error as error:
            _fail(f"--limit {shown(word)}: not a regular expression: {error}", source)
    if words and all(word.startswith(("!", "&")) for word in words):
        # Only exclusions and intersections: of every host, as Ansible reads them.
        chosen = set(names)
    for other in also:
        chosen &= other
    chosen -= excluded
    if not chosen:
        _fail(f"--limit {shown(pattern)} selects no host of the inventory", source)
    return chosen


class _Named(Protocol):
    """A target with a host name (an audit's or a change's)."""

    @property
    def name(self) -> str: ...


_Target = TypeVar("_Target", bound=_Named)


def limit_targets(targets: list[_Target], pattern: str | None, *, source: str) -> list[_Target]:
    """The targets whose names *pattern* selects (all of them when it is None).

    Raises:
        InventoryError: The pattern selects no target.
    """
    if pattern is None:
        return targets
    names = tuple(target.name for target in targets)
    chosen = select_hosts(pattern, names, {"all": names, "ungrouped": names}, source=source)
    return [target for target in targets if target.name in chosen]
