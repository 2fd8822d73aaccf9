"""Windows records in the special shapes some tests need, beyond :mod:`vmic.strategies`.

:mod:`vmic.strategies` draws records each rendering carries exactly. The default view of
``Get-Service`` also cuts its cells to declared widths; the records here fit them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic.parsers._table import cell_width
from vmic.strategies import guest_service_records, table_cell_texts as cell_texts

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from vmic.model._records import GuestServiceRecord

__all__ = ["cell_texts", "table_guest_services"]


def table_guest_services(
    *, name_width: int, display_width: int, ellipsis: str
) -> st.SearchStrategy[GuestServiceRecord]:
    """A Get-Service record a table shows whole: cells within the given widths."""

    def fits(record: GuestServiceRecord) -> bool:
        room = display_width - (cell_width(ellipsis) if record.display_name_truncated else 0)
        return cell_width(record.name) <= name_width and cell_width(record.display_name) <= room

    return guest_service_records(form="table").filter(fits)
