"""Reading a policy file: TOML (or YAML with the ``ansible`` extra) into checked rules.

The file is a list of rules (``[[rule]]`` tables in TOML, a ``rule:`` list in YAML). Each
rule holds selector keys (see :mod:`vmic.policy._rules`), an optional ``name`` and a
``services`` table mapping a service (any name vmic reads: ``vss``, ``"Guest Service
Interface"``, ``Takt``, a component GUID) to ``"on"`` or ``"off"``:

.. code-block:: toml

    [[rule]]
    name = "file copy on servers"
    guest_os_from = "Windows Server 2016"
    services = { guest_service_interface = "on" }

    [[rule]]
    vms = ["fs01"]
    services = { time_synchronization = "on", vss = "on" }

Anything else is refused with one line that names the file, the rule and the key
(:class:`vmic.PolicyError`): an unknown key (with the closest known one), a value of the
wrong type, an operating system or a service vmic does not know.
"""

from __future__ import annotations

import difflib
import tomllib
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, NoReturn

from vmic._files import load_yaml, read_text
from vmic.errors import (
    ConfigurationError,
    PolicyError,
    UnknownOperatingSystemError,
    UnknownServiceError,
)
from vmic.model._guest import guest_only_service_named
from vmic.model._operating_system import OperatingSystem, OSFamily, parse_os
from vmic.model._services import IntegrationService
from vmic.policy._rules import Rule, Selector
from vmic.render import visible

__all__ = ["POLICY_SUFFIXES", "parse_rules", "read_rules", "rules_from_data"]

#: File suffixes read as YAML; every other file is read as TOML.
POLICY_SUFFIXES: Final = {".yml": "yaml", ".yaml": "yaml", ".toml": "toml"}
#: The largest policy file read (a policy is a few kilobytes; this is generous).
MAX_POLICY_BYTES: Final = 4 * 1024 * 1024

_TOP_KEYS: Final = ("rule",)
_LIST_KEYS: Final = ("vms", "vm_ids", "vm_glob", "hosts", "groups", "guest_os", "guest_family")
_RULE_KEYS: Final = (
    "name",
    *_LIST_KEYS,
    "guest_os_from",
    "guest_os_to",
    "running",
    "services",
)
_ON: Final = {"on": True, "off": False}


class _Rule:
    """The place being read: the file and the rule, for one-line errors."""

    def __init__(self, source: str, number: int | None = None, name: str | None = None) -> None:
        self.source = source
        self.number = number
        self.name = name

    def fail(self, reason: str, key: str = "") -> NoReturn:
        # A key is the file's own text (a service named "\n"): spelled out, on one line.
        raise PolicyError(
            self.source, reason, rule=self.number, rule_name=self.name, key=visible(key)
        )


def read_rules(path: str | Path, *, kind: str | None = None) -> tuple[Rule, ...]:
    """The rules of the policy file *path*: YAML for ``.yml``/``.yaml`` (or *kind* ``yaml``).

    Raises:
        vmic.PolicyError: It cannot be read or is no policy.
        vmic.MissingExtraError: A YAML policy without PyYAML installed.
    """
    source = str(path)
    chosen = kind or POLICY_SUFFIXES.get(Path(path).suffix.lower(), "toml")
    return parse_rules(_read(path, source), source=source, kind=chosen)


def _read(path: str | Path, source: str) -> str:
    try:
        return read_text(path, what="the policy", limit=MAX_POLICY_BYTES)
    except ConfigurationError as error:
        # read_text names the file first; the PolicyError says the same without repeating.
        raise PolicyError(source, str(error).removeprefix(f"{path}: ")) from None


def parse_rules(text: str, *, source: str = "<policy>", kind: str = "toml") -> tuple[Rule, ...]:
    """The rules of policy *text*: ``kind`` ``toml`` or ``yaml``.

    Raises:
        vmic.PolicyError: The text is not TOML (YAML), or is no policy.
        vmic.MissingExtraError: YAML without PyYAML installed.
    """
    if kind == "yaml":
        data = _yaml(text, source)
    elif kind == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PolicyError(source, f"not valid TOML: {error}") from None
        except (RecursionError, ValueError) as error:
            raise PolicyError(source, f"not valid TOML: {type(error).__name__}") from None
    else:
        raise ConfigurationError(f"a policy is TOML or YAML, not {kind!r}")
    return rules_from_data(data, source=source)


def _yaml(text: str, source: str) -> object:
    try:
        return load_yaml(text, source=source, what="a policy", feature="reading a YAML policy")
    except ConfigurationError as error:
        raise PolicyError(source, str(error).removeprefix(f"{source}: ")) from None


def rules_from_data(data: object, *, source: str = "<policy>") -> tuple[Rule, ...]:
    """The rules that *data* (a policy file's parsed content) describe.

    Raises:
        vmic.PolicyError: It is no policy.
    """
    where = _Rule(source)
    if not isinstance(data, Mapping):
        where.fail("a policy is a table with a list of rules ([[rule]])")
    for key in data:
        if key not in _TOP_KEYS:
            where.fail(f"unknown key{_suggest(key, _TOP_KEYS)}; a policy holds [[rule]] tables")
    rules = data.get("rule")
    if rules is None:
        where.fail("no rules: write each as a [[rule]] table")
    if not isinstance(rules, list):
        where.fail("'rule' must be a list of tables ([[rule]])")
    return tuple(_rule(body, source, number) for number, body in enumerate(rules, start=1))


def _suggest(key: object, known: tuple[str, ...]) -> str:
    text = str(key)
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f" {text!r}{hint}"


def _rule(body: object, source: str, number: int) -> Rule:
    where = _Rule(source, number)
    if not isinstance(body, Mapping):
        where.fail("a rule is a table of keys")
    name = body.get("name")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            where.fail("must be a non-empty string", "name")
        where.name = name
    for key in body:
        if key not in _RULE_KEYS:
            known = ", ".join(_RULE_KEYS)
            where.fail(f"unknown key{_suggest(key, _RULE_KEYS)}; a rule has: {known}")
    if "services" not in body:
        where.fail("no services: say which to turn on or off, e.g. services = { vss = 'on' }")
    services = _services(body["services"], where)
    texts = {key: _strings(body[key], where, key) for key in _LIST_KEYS if key in body}
    running = body.get("running")
    if running is not None and not isinstance(running, bool):
        where.fail("must be true or false", "running")
    try:
        selector = Selector(
            vms=texts.get("vms", ()),
            vm_ids=tuple(_vm_id(text, where) for text in texts.get("vm_ids", ())),
            vm_glob=texts.get("vm_glob", ()),
            hosts=texts.get("hosts", ()),
            groups=texts.get("groups", ()),
            guest_os=tuple(_system(text, where, "guest_os") for text in texts.get("guest_os", ())),
            guest_family=tuple(_family(text, where) for text in texts.get("guest_family", ())),
            guest_os_from=_bound(body, "guest_os_from", where),
            guest_os_to=_bound(body, "guest_os_to", where),
            running=running,
        )
    except PolicyError:
        raise
    except ConfigurationError as error:
        # Each bound was checked alone below: what is left is the pair's (the second key).
        where.fail(str(error), "guest_os_to")
    return Rule(services, selector, name=name)


def _strings(value: object, where: _Rule, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        where.fail("must be a string or a non-empty list of strings", key)
    for item in items:
        if not isinstance(item, str) or not item:
            where.fail(f"must hold non-empty strings, not {item!r}", key)
    return tuple(items)


def _vm_id(text: str, where: _Rule) -> str:
    try:
        return str(uuid.UUID(text)).upper()
    except ValueError:
        where.fail(f"{text!r} is not a VM id (a GUID)", "vm_ids")


def _system(text: str, where: _Rule, key: str) -> OperatingSystem:
    try:
        return parse_os(text)
    except UnknownOperatingSystemError as error:
        where.fail(str(error), key)


def _bound(body: Mapping[str, Any], key: str, where: _Rule) -> OperatingSystem | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        where.fail("must be an operating system's name, such as 'Windows Server 2016'", key)
    system = _system(value, where, key)
    try:
        Selector(guest_os_from=system)
    except ConfigurationError as error:
        where.fail(str(error), key)
    return system


def _family(text: str, where: _Rule) -> OSFamily:
    try:
        return OSFamily(text)
    except ValueError:
        known = ", ".join(family.value for family in OSFamily)
        where.fail(f"unknown family {text!r}; known: {known}", "guest_family")


def _services(value: object, where: _Rule) -> dict[IntegrationService, bool]:
    if not isinstance(value, Mapping) or not value:
        where.fail("must be a table of service = 'on' or 'off'", "services")
    wanted: dict[IntegrationService, bool] = {}
    for name, setting in value.items():
        key = f"services.{name}"
        service = _service(str(name), where, key)
        if isinstance(setting, bool):
            on = setting
        elif isinstance(setting, str) and setting.strip().casefold() in _ON:
            on = _ON[setting.strip().casefold()]
        else:
            where.fail(f"must be 'on' or 'off', not {setting!r}", key)
        if wanted.get(service, on) is not on:
            where.fail(f"{service.english_name} is asked both on and off", key)
        wanted[service] = on
    return wanted


def _service(name: str, where: _Rule, key: str) -> IntegrationService:
    guest_only = guest_only_service_named(name)
    if guest_only is not None:
        where.fail(
            f"{guest_only.info.windows_service} is a guest-only service: the host has no "
            "setting for it",
            key,
        )
    try:
        return IntegrationService.lookup(name)
    except UnknownServiceError as error:
        where.fail(str(error), key)
