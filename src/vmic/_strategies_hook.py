"""The target of vmic's ``hypothesis`` entry point, kept out of the module that imports hypothesis.

Importing hypothesis runs every ``hypothesis`` entry point. When a program imports
:mod:`vmic.strategies` before hypothesis, hypothesis therefore looks the hook up while
``vmic.strategies`` is still being imported. That module imports this hook before it imports
hypothesis, so the name is there in time, and it registers its strategies itself at the end
of its import, whichever of the two came first.
"""

from __future__ import annotations

import importlib

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register vmic's strategies with hypothesis, by importing :mod:`vmic.strategies`."""
    importlib.import_module("vmic.strategies")
