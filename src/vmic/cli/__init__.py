"""The ``vmic`` command line."""

from __future__ import annotations

from vmic.cli._main import main

__all__ = ["main"]
