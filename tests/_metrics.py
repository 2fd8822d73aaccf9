"""Prometheus's own parsers, typed for the tests that read vmic's metrics with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as _openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families as _families

if TYPE_CHECKING:
    from prometheus_client import Metric


def text_string_to_metric_families(text: str) -> list[Metric]:
    """prometheus_client's text-format parser (what node_exporter reads), as a list."""
    return list(_families(text))


def openmetrics_families(text: str) -> list[Metric]:
    """prometheus_client's OpenMetrics parser (strict: it refuses duplicate series)."""
    return list(_openmetrics_families(text))  # type: ignore[no-untyped-call] # untyped library
