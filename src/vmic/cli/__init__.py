"""The ``vmic`` command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.cli._main import main as main

__all__, __getattr__, __dir__ = lazy_face(__name__, {"main": "._main"})
