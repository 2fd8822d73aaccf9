"""vmic's ``hypothesis`` entry point, outside the ``vmic`` package so that it costs nothing.

Hypothesis runs every ``hypothesis`` entry point when it is imported. Loading ``vmic`` (or
its strategies) there would make every ``import hypothesis`` pay for vmic, whether the suite
uses vmic or not. So the registration is lazy, and happens once both are loaded:

- when vmic was imported first, this hook registers vmic's strategies now;
- otherwise it does nothing, and ``import vmic`` registers them, since it finds
  hypothesis already imported.
"""

from __future__ import annotations

import importlib
import sys

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register vmic's strategies with hypothesis if vmic is already imported."""
    if "vmic" in sys.modules:
        importlib.import_module("vmic.strategies")
