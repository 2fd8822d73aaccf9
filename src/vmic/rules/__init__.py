"""The rules engine: the update matrix, update plans and the both-sides enablement model."""

from __future__ import annotations

__all__: list[str] = []
