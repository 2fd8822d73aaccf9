"""The domain model: operating systems, integration services and their states."""

from __future__ import annotations

__all__: list[str] = []
