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

Structuring is strict, for every type alike (nothing here names a model's fields): a
``bool`` is ``true`` or ``false`` (never ``"false"``, ``"no"`` or ``0``), an ``int`` a whole
number (never a float, a string or a boolean), a ``float`` a finite number, a ``str`` a
string, a sequence a JSON array (never an object: ``"vms": {}`` is refused), a mapping a
JSON object, and a tagged union's ``"kind"`` one of its tags. An error names the place
(``host.vms[0].services[1].enabled``) once.

Saved observations (``vmic audit --save-observations``, ``vmic doctor --observations``)
are one JSON object per host: ``schema_version`` and the host, each VM with its guest
(:func:`observations_document`, :func:`read_observations`). Version 1 documents (the
host's observation and its guests' by VM name beside it) are read too, migrated first.
The text is read within the limits of :func:`vmic._files.load_json` before anything is
structured or migrated.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import math
import sys
import types
import typing
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception
from packaging.version import Version

from vmic._files import load_json
from vmic.convert._migrations import migrate_observations
from vmic.errors import ConfigurationError
from vmic.model._guest import Guest, GuestUnreachable
from vmic.model._host import Host
from vmic.model._operating_system import OperatingSystem
from vmic.model._time_sync import LinuxTimeSync, WindowsTimeSync
from vmic.render import shown, visible
from vmic.rules._export import plan_as_dict, rule_as_dict
from vmic.rules._matrix import UpdateRule, update_rule
from vmic.rules._plans import UpdatePlan, plan_update
from vmic.schemas import (
    OBSERVATIONS_READABLE,
    OBSERVATIONS_VERSION,
    check_schema_version,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

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


class _WrongKindError(TypeError):
    """A value of the wrong JSON kind (its message is shown as it is)."""


def _kind_of(value: object) -> str:
    """How JSON names the kind of *value* (for "must be ..., not ..." messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {shown(value)}"
    if isinstance(value, int | float):
        return f"the number {shown(value)}"
    return "an array" if isinstance(value, list | tuple) else "an object"


def _strict_bool(value: object, _: type) -> bool:
    if type(value) is not bool:
        raise _WrongKindError(f"must be true or false, not {_kind_of(value)}")
    return value


def _strict_int(value: object, _: type) -> int:
    if type(value) is not int:
        raise _WrongKindError(f"must be a whole number, not {_kind_of(value)}")
    return value


def _strict_float(value: object, _: type) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):  # type: ignore[arg-type] # a number here
        raise _WrongKindError(f"must be a finite number, not {_kind_of(value)}")
    return float(value)  # type: ignore[arg-type] # a number here


def _strict_str(value: object, _: type) -> str:
    if type(value) is not str:
        raise _WrongKindError(f"must be a string, not {_kind_of(value)}")
    return value


_SEQUENCES: Final = (tuple, list, frozenset, set, collections.abc.Sequence)
_MAPPINGS: Final = (dict, collections.abc.Mapping)


def _strict_containers(convert: cattrs.Converter) -> None:
    """Make every sequence type take only a JSON array, every mapping only an object.

    cattrs builds a tuple from any iterable (an object's keys among them) and a dict from
    any mapping-like value; the check is made here, once, then cattrs' own hook runs.
    """
    building: set[Any] = set()

    def container(kind: Any) -> bool:  # noqa: ANN401 - a cattrs predicate takes any type
        return typing.get_origin(kind) in (*_SEQUENCES, *_MAPPINGS) and kind not in building

    def factory(kind: Any) -> Callable[[object, Any], Any]:  # noqa: ANN401 - any type
        # cattrs' own hook for the type, built while this factory stands aside.
        building.add(kind)
        try:
            inner = convert.get_structure_hook(kind, cache_result=False)
        finally:
            building.discard(kind)
        sequence = typing.get_origin(kind) in _SEQUENCES
        wanted, word = (list, "an array") if sequence else (dict, "an object")

        def hook(value: object, as_type: Any) -> Any:  # noqa: ANN401 - cattrs hook
            if not isinstance(value, wanted):
                raise _WrongKindError(f"must be {word}, not {_kind_of(value)}")
            return inner(value, as_type)

        return hook

    convert.register_structure_hook_factory(container, factory)


@functools.cache
def _converter() -> cattrs.Converter:
    _resolve(Host, _RESOLVED)
    convert = cattrs.Converter()
    convert.register_structure_hook(bool, _strict_bool)
    convert.register_structure_hook(int, _strict_int)
    convert.register_structure_hook(float, _strict_float)
    convert.register_structure_hook(str, _strict_str)
    _strict_containers(convert)
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
    tagged = convert.get_structure_hook(union)
    tags = tuple(kinds.values())

    def checked(value: object, as_type: Any) -> Any:  # noqa: ANN401 - cattrs hook
        # The tag is checked first: cattrs' own hook says only KeyError('mac').
        if not isinstance(value, dict):
            raise _WrongKindError(f"must be an object, not {_kind_of(value)}")
        if value.get("kind") not in tags:
            found = _kind_of(value.get("kind"))
            raise _WrongKindError(f"kind must be one of {', '.join(tags)}, not {found}")
        return tagged(value, as_type)

    convert.register_structure_hook(union, checked)
    convert.register_structure_hook(
        union | None, lambda value, _: None if value is None else checked(value, union)
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


def structure(data: object, kind: type[T], *, where: str = "") -> T:
    """The record of type *kind* that *data* (from :func:`unstructure`) describes.

    Args:
        data: JSON-ready data.
        kind: The record's type.
        where: Where *data* sits in its document (``"host"``), for messages.

    Raises:
        ConfigurationError: The data does not describe a *kind*: a value of the wrong kind
            (see the module's notes), a missing field, a value a model refuses. The message
            names the place (``host.vms[0].services[1].enabled``).
    """
    convert = _converter()
    _resolve(kind, _RESOLVED)
    try:
        return convert.structure(data, kind)
    except ConfigurationError as error:
        raise ConfigurationError(f"{where}: {error}" if where else str(error)) from None
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as error:
        notes = _messages(error, where)
        detail = "; ".join(notes[:_NOTES])
        if len(notes) > _NOTES:
            detail += f" (and {len(notes) - _NOTES} more)"
        if where:
            raise ConfigurationError(detail) from None
        name = getattr(kind, "__name__", str(kind))
        raise ConfigurationError(f"not a valid {name}: {detail}") from None


# How many of its problems a structuring error lists.
_NOTES: Final = 3


def _note(error: BaseException, _kind: Any) -> str:  # noqa: ANN401 - cattrs' signature
    """One problem in words: our own refusals as they are, the rest as cattrs says them."""
    if isinstance(error, _WrongKindError):
        return str(error)
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, ValueError | TypeError | ConfigurationError):
        return f"{type(error).__name__}: {visible(str(error))[:200]}"
    return format_exception(error, _kind)


def _messages(error: BaseException, where: str) -> list[str]:
    if not isinstance(error, cattrs.BaseValidationError):
        return [_note(error, None)]
    notes = []
    for note in cattrs.transform_error(error, format_exception=_note):
        message, _, path = note.rpartition(" @ $")
        place = f"{where}{path}".lstrip(".") or "the document"
        notes.append(f"{place}: {message}")
    return notes or [visible(str(error))[:200]]


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
    document = load_json(text, source=source)
    if not isinstance(document, dict):
        raise ConfigurationError(f"{source}: not a JSON object of observations")
    version = check_schema_version(
        document, source=source, current=OBSERVATIONS_VERSION, readable=OBSERVATIONS_READABLE
    )
    document = migrate_observations(document, version, source=source)
    if not isinstance(document.get("host"), dict):
        raise ConfigurationError(f"{source}: has no host observation (key: host)")
    try:
        return structure(document["host"], Host, where="host")
    except ConfigurationError as error:
        raise ConfigurationError(f"{source}: {error}") from None
