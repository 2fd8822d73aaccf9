"""Inventories from files and text of every kind vmic reads: TOML, Ansible YAML and INI.

The one place that tells the kinds apart (by file suffix, or by content for
``--inventory -``) and applies ``--limit``; the TOML reader
(:mod:`vmic.connect._inventory`) and the Ansible reader (:mod:`vmic.connect._ansible`)
know nothing of each other. A file is read by :func:`vmic._files.read_text`: at most
:data:`vmic._files.MAX_FILE_BYTES`, as UTF-8, before any parser sees it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from vmic._files import read_text
from vmic.connect._ansible import (
    ANSIBLE_SUFFIXES,
    parse_ansible_ini,
    parse_ansible_yaml,
    select_hosts,
)
from vmic.connect._inventory import Inventory, InventoryError, parse_inventory
from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    from vmic.connect._ansible import AnsibleInventory

__all__ = [
    "inventory_kind",
    "load_ansible_inventory",
    "load_inventory",
    "load_inventory_limited",
    "parse_inventory_limited",
]


def _text(path: str | Path) -> str:
    """The file's text, or InventoryError naming it once."""
    try:
        return read_text(path, what="the inventory")
    except ConfigurationError as error:
        # read_text names the file first; the InventoryError says the same without repeating.
        message = str(error).removeprefix(f"{path}: ")
        raise InventoryError(message, source=str(path)) from None


def load_ansible_inventory(path: str | Path) -> AnsibleInventory:
    """Read an Ansible inventory file (``.yml``/``.yaml`` as YAML, anything else as INI).

    Raises:
        InventoryError: See :func:`~vmic.connect._ansible.parse_ansible_yaml` and
            :func:`~vmic.connect._ansible.parse_ansible_ini`.
    """
    text = _text(path)
    if ANSIBLE_SUFFIXES.get(Path(path).suffix.lower()) == "yaml":
        return parse_ansible_yaml(text, source=str(path))
    return parse_ansible_ini(text, source=str(path))


def load_inventory(path: str | Path) -> Inventory:
    """Read an inventory file: TOML, or an Ansible inventory (``.yml``, ``.yaml``, ``.ini``).

    Raises:
        InventoryError: The file cannot be read, is too large, is not TOML (or YAML or
            INI), or holds a key or value vmic does not accept (the message names the key).
    """
    if Path(path).suffix.lower() in ANSIBLE_SUFFIXES:
        return load_ansible_inventory(path).inventory
    return parse_inventory(_text(path), source=str(path))


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


_YAML_KEY: Final = re.compile(r"[^\s\[=:#;]+:(?:\s|$)")
_TOML_ARRAY_TABLE: Final = re.compile(r"^\s*\[\[", re.MULTILINE)


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
    except ValueError:
        return "toml"  # TOML, with a number too long to read: the TOML reader says so
    return "toml"


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
