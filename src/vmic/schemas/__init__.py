"""The versioned JSON contract: :data:`SCHEMA_VERSION` and the JSON Schemas vmic ships.

Every JSON document vmic writes carries ``"schema_version"`` and is an object: ``vmic
audit`` and ``vmic doctor`` (``audit``), ``enable``/``disable``/``apply`` (``changes``),
``apply --policy`` (``policy``), ``policy show`` (``desired``), ``diff``, ``fix``, ``guest``,
``history``, ``history prune``/``import`` (``history-change``), ``kvp``,
``lab show``/``reset`` (``lab``), ``matrix``, ``wait``/``copy``/``shutdown``
(``operation``), ``plan``, ``scripts``, ``services``, ``support``, and saved observations.
The schema files in this package, one per name in :data:`SCHEMA_NAMES` (``audit.json``,
``plan.json`` ...), describe them, and ``docs/schemas/`` publishes the same files. A reader
refuses a document from a newer version (:class:`SchemaVersionError`) and reads the
versions listed in :data:`READABLE_VERSIONS`. Saved observations have their own version
(:data:`OBSERVATIONS_VERSION`, read back to :data:`OBSERVATIONS_READABLE`), because their
shape changed alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.schemas._versions import (
        OBSERVATIONS_READABLE as OBSERVATIONS_READABLE,
        OBSERVATIONS_VERSION as OBSERVATIONS_VERSION,
        READABLE_VERSIONS as READABLE_VERSIONS,
        SCHEMA_NAMES as SCHEMA_NAMES,
        SCHEMA_VERSION as SCHEMA_VERSION,
        SchemaVersionError as SchemaVersionError,
        check_schema_version as check_schema_version,
        load_schema as load_schema,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "OBSERVATIONS_READABLE": "._versions",
        "OBSERVATIONS_VERSION": "._versions",
        "READABLE_VERSIONS": "._versions",
        "SCHEMA_NAMES": "._versions",
        "SCHEMA_VERSION": "._versions",
        "SchemaVersionError": "._versions",
        "check_schema_version": "._versions",
        "load_schema": "._versions",
    },
)
