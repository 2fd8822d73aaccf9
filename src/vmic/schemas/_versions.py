"""The contract's version, its schema files, and the check every reader makes first."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from vmic.errors import ConfigurationError
from vmic.render._escape import shown

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = [
    "OBSERVATIONS_READABLE",
    "OBSERVATIONS_VERSION",
    "READABLE_VERSIONS",
    "SCHEMA_NAMES",
    "SCHEMA_VERSION",
    "SchemaVersionError",
    "check_schema_version",
    "load_schema",
]

#: The version of the JSON vmic writes (every document but saved observations). It grows
#: when a field changes meaning or goes away; a new optional field does not change it.
SCHEMA_VERSION: Final = 1

#: The versions a reader accepts. Documents without ``schema_version`` predate the
#: contract and are refused, as are newer ones.
READABLE_VERSIONS: Final = frozenset({1})

#: The version of saved observations (``observations.json``). 2: the host as
#: ``vmic.Host`` (``name``, ``os``, ``vms``), each VM with its guest (``vmic.Guest``);
#: 1: the host's observation, and its guests' by VM name beside it.
OBSERVATIONS_VERSION: Final = 2

#: The versions of saved observations a reader accepts; older ones are migrated on reading.
OBSERVATIONS_READABLE: Final = frozenset({1, 2})

#: The schema files shipped in this package, by name.
SCHEMA_NAMES: Final = (
    "audit",
    "changes",
    "desired",
    "diff",
    "fix",
    "guest",
    "history",
    "history-change",
    "kvp",
    "lab",
    "matrix",
    "observations",
    "operation",
    "plan",
    "policy",
    "scripts",
    "services",
    "support",
)


class SchemaVersionError(ConfigurationError):
    """A JSON document is from a schema version this vmic cannot read."""


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema *name* (one of :data:`SCHEMA_NAMES`) as a dict.

    Raises:
        ConfigurationError: For another name.
    """
    if name not in SCHEMA_NAMES:
        known = ", ".join(SCHEMA_NAMES)
        raise ConfigurationError(f"no schema named {name!r}; known: {known}")
    text = (
        resources.files(__package__ or "vmic.schemas")
        .joinpath(f"{name}.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def check_schema_version(
    document: Mapping[str, Any],
    *,
    source: str = "the document",
    current: int = SCHEMA_VERSION,
    readable: Collection[int] = READABLE_VERSIONS,
) -> int:
    """The ``schema_version`` of *document*, when this vmic can read it.

    Args:
        document: A parsed JSON object vmic wrote.
        source: Where it came from, for the message (a file name).
        current: The version this vmic writes for that kind of document
            (:data:`OBSERVATIONS_VERSION` for saved observations).
        readable: The versions it reads (:data:`OBSERVATIONS_READABLE` for them).

    Raises:
        SchemaVersionError: When the version is missing, not an integer, newer than
            *current*, or older and no longer read.
    """
    version = document.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SchemaVersionError(
            f"{source} has no schema_version (got {shown(version)}); it was not written by "
            f"vmic {SCHEMA_VERSION}.x or later, write it again with this vmic"
        )
    if version > current:
        raise SchemaVersionError(
            f"{source} is from schema_version {version}, newer than this vmic reads "
            f"({current}); upgrade vmic to read it"
        )
    if version not in readable:
        versions = ", ".join(str(v) for v in sorted(readable))
        raise SchemaVersionError(
            f"{source} is from schema_version {version}, older than this vmic reads "
            f"({versions}); write it again with this vmic"
        )
    return version
