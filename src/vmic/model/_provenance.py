"""Where a fact comes from: a document, a revision and a place in it."""

from __future__ import annotations

import attrs

from vmic.model._named import NamedEnum, cut

__all__ = ["MANAGE_DOC", "MANAGE_DOC_2020", "MANAGE_DOC_2025", "Provenance", "ProvenanceKind"]

#: The "Manage Hyper-V Integration Services" article (ms.assetid 9cafd6cb-...).
MANAGE_DOC = "Manage Hyper-V Integration Services"
#: The 2020 revision (English commit 047dddc, Italian translation of 2020-04-08): three host tables.
MANAGE_DOC_2020 = "2020 (windowsserverdocs 047dddc; it-IT 2020-04-08)"
#: The newest revision (ms.date 02/18/2025): tables removed, general statement only.
MANAGE_DOC_2025 = "2025 (windowsserverdocs c6d1996, ms.date 02/18/2025)"


class ProvenanceKind(NamedEnum):
    """How a fact was derived from its document."""

    TABLE_ROW = "table_row"
    """Read off one row of a table."""
    GENERAL_STATEMENT = "general_statement"
    """Derived from a general statement of the text, not from any table row."""
    REFERENCE = "reference"
    """Stated by a reference page, an API document or source code."""


@attrs.frozen
class Provenance:
    """The source of one fact.

    Attributes:
        document: Title of the document.
        revision: Which revision of it.
        kind: Whether this is a table row or a general statement.
        section: The table or section heading, in English.
        row: 1-based row number within the table (data rows only, separators not counted).
    """

    document: str
    revision: str
    kind: ProvenanceKind
    section: str = ""
    row: int | None = None

    def __str__(self) -> str:
        where = f"{self.document}, {self.revision}"
        if self.section:
            where += f", {self.section}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.kind is ProvenanceKind.GENERAL_STATEMENT:
            where += " (general statement, not a table row)"
        return where

    def __repr__(self) -> str:
        return f"<Provenance {cut(self.document, 50)} ({cut(self.revision, 30)})>"
