"""One cattrs converter for every public record, and saved observations.

:func:`unstructure` turns a record (observations, diagnoses, audit reports, rules, plans,
parsed records) into JSON-ready data; :func:`structure` builds the record back, so
``structure(unstructure(x), type(x)) == x``. What cattrs cannot infer is said once here:

- a :class:`packaging.version.Version` is its string; an operating system its fields;
- a union of enumerations (a service of either vocabulary) is its value, read back in the
  order the union lists them;
- a guest observation (Windows, Linux, or unreachable) carries a ``"kind"`` tag;
- an update rule and an update plan are answers of the rules, so they are written with
  their readable fields (as in ``vmic plan --format json``) plus the question (host,
  guest, VM state), and read back by asking the rules again: the tables and provenance
  they hold are vmic's own data, not the file's.

Saved observations (``vmic audit --save-observations``, ``vmic doctor --observations``)
are one JSON object per host: ``schema_version``, the host's observation and its
guests' observations by VM name (:func:`observations_document`, :func:`read_observations`).
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

from vmic.errors import ConfigurationError
from vmic.model._observations import (
    GuestObservation,
    GuestUnreachable,
    HostObservation,
    LinuxGuestObservation,
    WindowsGuestObservation,
)
from vmic.model._operating_system import OperatingSystem
from vmic.rules._export import plan_as_dict, rule_as_dict
from vmic.rules._matrix import UpdateRule, update_rule
from vmic.rules._plans import UpdatePlan, plan_update
from vmic.schemas import SCHEMA_VERSION, check_schema_version

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

_GUEST_KINDS: Final = {
    WindowsGuestObservation: "windows",
    LinuxGuestObservation: "linux",
    GuestUnreachable: "unreachable",
}


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
    for kind in _GUEST_KINDS:
        _resolve(kind, _RESOLVED)
    convert = cattrs.Converter()
    convert.register_unstructure_hook(Version, str)
    convert.register_structure_hook(Version, lambda value, _: Version(value))
    convert.register_structure_hook_func(_enum_union, _structure_enum_union)
    convert.register_unstructure_hook_func(
        _enum_union, lambda value: None if value is None else value.value
    )
    configure_tagged_union(
        GuestObservation,
        convert,
        tag_generator=lambda kind: _GUEST_KINDS[kind],
        tag_name="kind",
    )
    convert.register_unstructure_hook(UpdateRule, _unstructure_rule)
    convert.register_structure_hook(UpdateRule, _structure_rule)
    convert.register_unstructure_hook(UpdatePlan, _unstructure_plan)
    convert.register_structure_hook(UpdatePlan, _structure_plan)
    return convert


def converter() -> cattrs.Converter:
    """The converter (built once): cattrs' own API, with vmic's hooks registered."""
    return _converter()


def unstructure(record: object, as_type: Any = None) -> Any:  # noqa: ANN401 - JSON data
    """*record* as JSON-ready data (dicts, lists, strings, numbers, booleans, None).

    Args:
        record: The record.
        as_type: The type to write it as, when that is a union (``GuestObservation``
            adds its ``"kind"`` tag); its own type otherwise.
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


def observations_document(
    host: HostObservation, guests: Mapping[str, GuestObservation] | None = None
) -> dict[str, Any]:
    """What ``vmic audit --save-observations`` writes for one host (JSON-ready)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "host": unstructure(host),
        "guests": {
            name: unstructure(guest, GuestObservation) for name, guest in (guests or {}).items()
        },
    }


def read_observations(
    text: str, *, source: str = "the observations"
) -> tuple[HostObservation, dict[str, GuestObservation]]:
    """The host and guest observations a saved file holds.

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
    check_schema_version(document, source=source)
    if not isinstance(document.get("host"), dict) or not isinstance(
        document.get("guests", {}), dict
    ):
        raise ConfigurationError(f"{source} has no host observation (keys: host, guests)")
    host = structure(document["host"], HostObservation)
    guests: dict[str, GuestObservation] = {
        str(name): structure(guest, GuestObservation)  # type: ignore[arg-type] # a union
        for name, guest in document.get("guests", {}).items()
    }
    return host, guests
