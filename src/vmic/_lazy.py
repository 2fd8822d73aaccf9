"""Package faces that load their names on first use.

A face lists each public name once, with the private module that defines it; the face's
``__all__`` is that table's keys, ``dir()`` shows exactly them, and a name's module is
imported the first time the name is used. So ``import vmic.rules`` costs nothing until a
rule is asked for, and a public name means one thing whatever was imported first.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["lazy_face"]


def lazy_face(
    package: str, table: Mapping[str, str]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__all__``, ``__getattr__`` and ``__dir__`` of a package face.

    Args:
        package: The face's ``__name__``.
        table: Public name → the module that defines it (``"._matrix"`` is relative to
            *package*). Names the face imports itself need no entry.

    Returns:
        ``__all__`` (the sorted names), and the module-level ``__getattr__`` and
        ``__dir__`` to assign in the face.
    """
    public = sorted(table)

    def __getattr__(name: str) -> Any:  # noqa: ANN401, N807 - a module __getattr__ returns any public name
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module-level hook's name
        return list(public)

    return public, __getattr__, __dir__
