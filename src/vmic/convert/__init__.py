"""Records to JSON-ready data and back, with one converter (cattrs), and saved observations.

>>> from vmic import parse_os
>>> from vmic.convert import structure, unstructure
>>> os = parse_os("Windows Server 2019")
>>> structure(unstructure(os), type(os)) == os
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.convert._converter import (
        converter as converter,
        observations_document as observations_document,
        read_observations as read_observations,
        structure as structure,
        unstructure as unstructure,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "converter": "._converter",
        "observations_document": "._converter",
        "read_observations": "._converter",
        "structure": "._converter",
        "unstructure": "._converter",
    },
)
