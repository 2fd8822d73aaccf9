"""One cattrs converter for every public record, and saved observations.

:func:`unstructure` turns a record (hosts, guests, diagnoses, audit reports, rules, plans,
parsed records) into JSON-ready data; :func:`structure` builds the record back, so
``structure(unstructure(x), type(x)) == x``. What cattrs cannot infer is said once here:

- a :class:`packaging.version.Version` is its string; an operating system its fields;
- a union of enumerations (a service of either vocabulary) is its value, read back in the
  order the union lists them;
- a VM's guest (:class:`~vmic.Guest` or :class:`~vmic.GuestUnreachable`) and a guest's
  time posture (Windows or Linux) carry a ``"kind"`` tag;
- an update rule and an update plan are answers of the rules, so they are written with
  their readable fields (as in ``vmic plan --format json``) plus the question (host,
  guest, VM state), and read back by asking the rules again: the tables and provenance
  they hold are vmic's own data, not the file's.

Saved observations (``vmic audit --save-observations``, ``vmic doctor --observations``)
are one JSON object per host: ``schema_version`` and the host, each VM with its guest
(:func:`observations_document`, :func:`read_observations`). Version 1 documents (the
host's observation and its guests' by VM name beside it) are read too, migrated first.
"""

from __future__ import annotations

import enum
import functools
import json
import sys
import types
import typing
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union
from packaging.version import Version

from vmic.convert._migrations import migrate_observations
from vmic.errors import ConfigurationError
from vmic.model._guest import Guest, GuestUnreachable
from vmic.model._host import Host
from vmic.model._operating_system import OperatingSystem
from vmic.model._time_sync import LinuxTimeSync, WindowsTimeSync
from vmic.rules._export import plan_as_dict, rule_as_dict
from vmic.rules._matrix import UpdateRule, update_rule
from vmic.rules._plans import UpdatePlan, plan_update
from vmic.schemas import (
    OBSERVATIONS_READABLE,
    OBSERVATIONS_VERSION,
    check_schema_version,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "converter",
    "observations_document",
    "read_observations",
    "structure",
    "unstructure",
]

T = TypeVar("T")

#: The tagged unions, each member with its ``"kind"`` tag.
_GUEST_KINDS: Final = {Guest: "guest", GuestUnreachable: "unreachable"}
_TIME_SYNC_KINDS: Final = {WindowsTimeSync: "windows", LinuxTimeSync: "linux"}


def _enum_union(kind: Any) -> bool:  # noqa: ANN401 - a cattrs predicate takes any type
    """Whether *kind* is a union whose members are enumerations (and perhaps None)."""
    if typing.get_origin(kind) not in (typing.Union, types.UnionType):
        return False
    members = [arg for arg in typing.get_args(kind) if arg is not type(None)]
    return len(members) > 1 and all(
        isinstance(arg, type) and issubclass(arg, enum.Enum) for arg in members
    )


def _structure_enum_union(value: object, kind: Any) -> Any:  # noqa: ANN401 - cattrs hook
    args = typing.get_args(kind)
    if value is None and type(None) in args:
        return None
    for member in args:
        if member is type(None):
            continue
        try:
            return member(value)
        except ValueError:
            continue
    names = ", ".join(arg.__name__ for arg in args if arg is not type(None))
    raise ConfigurationError(f"{value!r} is not a value of {names}")


def _unstructure_rule(rule: UpdateRule) -> dict[str, Any]:
    return {
        **rule_as_dict(rule),
        "host": _converter().unstructure(rule.host),
        "guest": _converter().unstructure(rule.guest),
    }


def _structure_rule(value: Mapping[str, Any], _: type[UpdateRule]) -> UpdateRule:
    convert = _converter()
    return update_rule(
        convert.structure(value["host"], OperatingSystem),
        convert.structure(value["guest"], OperatingSystem),
    )


def _unstructure_plan(plan: UpdatePlan) -> dict[str, Any]:
    return {**plan_as_dict(plan), **_unstructure_rule(plan.rule)}


def _structure_plan(value: Mapping[str, Any], _: type[UpdatePlan]) -> UpdatePlan:
    convert = _converter()
    return plan_update(
        convert.structure(value["host"], OperatingSystem),
        convert.structure(value["guest"], OperatingSystem),
        vm_running=bool(value["vm_running"]),
        data_exchange_enabled=bool(value["data_exchange_enabled"]),
    )


# The attrs classes whose annotations are resolved already.
_RESOLVED: set[type] = set()
# Names the models import for type checkers only; their string annotations need them.
_TYPE_ONLY_NAMES: Final = {"Version": Version}


def _resolve(kind: Any, seen: set[type]) -> None:  # noqa: ANN401 - any annotation
    """Resolve the string annotations of *kind* and of every attrs class its fields hold."""
    if isinstance(kind, type) and attrs.has(kind):
        if kind in seen:
            return
        seen.add(kind)
        module = sys.modules[kind.__module__]
        attrs.resolve_types(kind, globalns=vars(module), localns=_TYPE_ONLY_NAMES)
        for field in attrs.fields(kind):
            _resolve(field.type, seen)
        return
    for arg in typing.get_args(kind):
        _resolve(arg, seen)


@functools.cache
def _converter() -> cattrs.Converter:
    _resolve(Host, _RESOLVED)
    convert = cattrs.Converter()
    convert.register_unstructure_hook(Version, str)
    convert.register_structure_hook(Version, lambda value, _: Version(value))
    convert.register_structure_hook_func(_enum_union, _structure_enum_union)
    convert.register_unstructure_hook_func(
        _enum_union, lambda value: None if value is None else value.value
    )
    # The time posture first: the guest's hooks are built over the time posture's.
    for kinds in (_TIME_SYNC_KINDS, _GUEST_KINDS):
        _tagged_union(convert, kinds)
    convert.register_unstructure_hook(UpdateRule, _unstructure_rule)
    convert.register_structure_hook(UpdateRule, _structure_rule)
    convert.register_unstructure_hook(UpdatePlan, _unstructure_plan)
    convert.register_structure_hook(UpdatePlan, _structure_plan)
    return convert


def _tagged_union(convert: cattrs.Converter, kinds: Mapping[type, str]) -> None:
    """Tag the union of *kinds* with ``"kind"``, and the same union with None (a field's)."""
    union: Any = typing.Union[tuple(kinds)]  # noqa: UP007 - the union of a table's keys
    configure_tagged_union(union, convert, tag_generator=kinds.__getitem__, tag_name="kind")
    convert.register_structure_hook(
        union | None, lambda value, _: None if value is None else convert.structure(value, union)
    )
    convert.register_unstructure_hook(
        union | None,
        lambda value: None if value is None else convert.unstructure(value, unstructure_as=union),
    )


def converter() -> cattrs.Converter:
    """The converter (built once): cattrs' own API, with vmic's hooks registered."""
    return _converter()


def unstructure(record: object, as_type: Any = None) -> Any:  # noqa: ANN401 - JSON data
    """*record* as JSON-ready data (dicts, lists, strings, numbers, booleans, None).

    Args:
        record: The record.
        as_type: The type to write it as, when that is a union (``Guest |
            GuestUnreachable`` adds its ``"kind"`` tag); its own type otherwise.
    """
    convert = _converter()
    _resolve(type(record), _RESOLVED)
    return convert.unstructure(record, unstructure_as=as_type)


def structure(data: object, kind: type[T]) -> T:
    """The record of type *kind* that *data* (from :func:`unstructure`) describes.

    Raises:
        ConfigurationError: The data does not describe a *kind* (the message says where).
    """
    convert = _converter()
    _resolve(kind, _RESOLVED)
    try:
        return convert.structure(data, kind)
    except ConfigurationError:
        raise
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as error:
        detail = "; ".join(_messages(error))
        name = getattr(kind, "__name__", str(kind))
        raise ConfigurationError(f"not a valid {name}: {detail}") from None


def _messages(error: BaseException) -> list[str]:
    if isinstance(error, cattrs.BaseValidationError):
        notes = cattrs.transform_error(error)
        return notes or [str(error)]
    return [f"{type(error).__name__}: {error}"]


def observations_document(host: Host) -> dict[str, Any]:
    """What ``vmic audit --save-observations`` writes for one host (JSON-ready)."""
    return {"schema_version": OBSERVATIONS_VERSION, "host": unstructure(host)}


def read_observations(text: str, *, source: str = "the observations") -> Host:
    """The host (each VM with its guest when known) a saved file holds.

    A file of schema version 1 is migrated first: each guest saved by VM name is
    attached to the VM of that name; when several VMs share the name, the running ones
    get a :class:`~vmic.GuestUnreachable` saying the report cannot be placed.

    Args:
        text: The file's JSON text.
        source: Its name, for messages.

    Raises:
        ConfigurationError: Not JSON, not an observations document, or not valid.
        SchemaVersionError: From a schema version this vmic does not read.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{source} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise ConfigurationError(f"{source} is not a JSON object of observations")
    version = check_schema_version(
        document, source=source, current=OBSERVATIONS_VERSION, readable=OBSERVATIONS_READABLE
    )
    document = migrate_observations(document, version, source=source)
    if not isinstance(document.get("host"), dict):
        raise ConfigurationError(f"{source} has no host observation (key: host)")
    return structure(document["host"], Host)
