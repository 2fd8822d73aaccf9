"""Rows of the supported-guests tables, for the ``vmic matrix`` export.

Kept apart from the 2020 tables' export (:mod:`vmic.rules._export`): a renderer adds these
as separate, labelled tables and never mixes them into the seed's tables.
"""

from __future__ import annotations

from typing import Any

from vmic.model._operating_system import OperatingSystem, Product, parse_os
from vmic.rules._guests import page_for_host, supported_guests

__all__ = ["supported_guest_records", "supported_guest_sections", "supported_guest_view"]

_NEWER_HOSTS = (
    Product.WINDOWS_SERVER_2016,
    Product.WINDOWS_SERVER_2019,
    Product.WINDOWS_SERVER_2022,
    Product.WINDOWS_SERVER_2025,
    Product.WINDOWS_10,
    Product.WINDOWS_11,
)


def _hosts(host: str | OperatingSystem | None) -> tuple[Product, ...]:
    if host is None:
        return _NEWER_HOSTS
    product = (host if isinstance(host, OperatingSystem) else parse_os(host)).product
    return (product,) if page_for_host(product) is not None else ()


def supported_guest_records(host: str | OperatingSystem | None = None) -> list[dict[str, Any]]:
    """One dict per (host, listed guest) of the supported-guests pages, host by host."""
    records = []
    for product in _hosts(host):
        for row in supported_guests(product):
            if not row.allows_host(product):
                continue
            records.append(
                {
                    "page": row.page.key,
                    "host": product.display_name,
                    "guest": row.guest.value,
                    "guest_label": row.guest_label,
                    "integration_services": row.integration_services.value,
                    "min_host": row.min_host.display_name if row.min_host else None,
                    "note": row.note,
                    "provenance": str(row.provenance),
                }
            )
    return records


def supported_guest_sections(
    host: str | OperatingSystem | None = None,
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(heading, rows) per host: the tables a renderer prints after the 2020 tables."""
    sections = []
    for product in _hosts(host):
        rows = supported_guest_records(OperatingSystem(product))
        page = page_for_host(product)
        assert page is not None  # noqa: S101 - _hosts keeps only hosts with a page
        heading = (
            f"Supported Windows guests on {product.display_name} hosts "
            f"(source: {page.title}, {page.revision}; not part of the 2020 tables)"
        )
        sections.append((heading, rows))
    return sections


def supported_guest_view(host: str | OperatingSystem | None = None) -> list[dict[str, Any]]:
    """The supported-guests tables in words, per host, for ``vmic matrix`` text and Markdown.

    Each: ``heading``, ``source`` (page title and revision) and ``rows`` (``guest_label``,
    ``integration_services`` in words, ``notes``).
    """
    views = []
    for product in _hosts(host):
        page = page_for_host(product)
        assert page is not None  # noqa: S101 - _hosts keeps only hosts with a page
        rows = [
            {
                "guest_label": row.guest_label,
                "integration_services": row.integration_services.value.replace("_", " "),
                "notes": [row.note] if row.note else [],
            }
            for row in supported_guests(product)
            if row.allows_host(product)
        ]
        views.append(
            {
                "heading": f"Supported Windows guests on {product.display_name} hosts "
                "(not part of the 2020 tables)",
                "source": f"{page.title}, {page.revision}",
                "rows": rows,
            }
        )
    return views
