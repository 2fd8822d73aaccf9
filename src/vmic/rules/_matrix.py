"""The host-by-guest update matrix: how a guest's integration services are kept up to date.

The 2020 revision of "Manage Hyper-V Integration Services" has one table per host
family; :func:`update_rule` answers a (host, guest) pair exactly as its row says.
Hosts newer than the tables (Windows 11, Windows Server 2022 and 2025) get the
newest revision's general statement, with a provenance that says so.

>>> from vmic import update_rule
>>> rule = update_rule("Windows Server 2016", "Windows 7")
>>> rule.mechanism.label, sorted(s.value for s in rule.prerequisites), rule.fallback
('Windows Update', ['key_value_pair_exchange'], UpdateMechanism.DOWNLOAD_CENTER_CAB)
>>> update_rule("2012 R2", "Windows XP (SP 3)").mechanism
UpdateMechanism.INTEGRATION_SERVICES_DISK
>>> update_rule("Windows Server 2025", "Ubuntu 24.04").provenance.kind
<ProvenanceKind.GENERAL_STATEMENT: 'general_statement'>
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import UnsupportedCombinationError
from vmic.model._operating_system import OperatingSystem, OSFamily, Product, parse_os
from vmic.model._provenance import (
    MANAGE_DOC,
    MANAGE_DOC_2020,
    MANAGE_DOC_2025,
    Provenance,
    ProvenanceKind,
)
from vmic.model._services import IntegrationService
from vmic.rules._matrix_data import (
    CAB_FOOTNOTE,
    GENERAL_HOSTS,
    GENERAL_LINUX_NOTE,
    GENERAL_WINDOWS_NOTE,
    NOTE_TEXT,
    TABLES,
    VMGUEST_ISO_NOTE,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MatrixRow",
    "SupportLevel",
    "UpdateMechanism",
    "UpdateRule",
    "UpdateTable",
    "update_rule",
    "update_tables",
]

OSLike = str | OperatingSystem


class UpdateMechanism(enum.Enum):
    """How a guest receives integration services updates."""

    WINDOWS_UPDATE = "windows_update"
    INTEGRATION_SERVICES_DISK = "integration_services_disk"
    PACKAGE_MANAGER = "package_manager"
    DOWNLOAD_CENTER_CAB = "download_center_cab"

    def __repr__(self) -> str:
        return f"UpdateMechanism.{self.name}"

    @property
    def label(self) -> str:
        """The English article's wording (``"Integration Services disk"``)."""
        return _MECHANISM_LABELS[self]


_MECHANISM_LABELS: Final = {
    UpdateMechanism.WINDOWS_UPDATE: "Windows Update",
    UpdateMechanism.INTEGRATION_SERVICES_DISK: "Integration Services disk",
    UpdateMechanism.PACKAGE_MANAGER: "package manager",
    UpdateMechanism.DOWNLOAD_CENTER_CAB: "Download Center cab (KB3071740)",
}


class SupportLevel(enum.Enum):
    """What the row's note says about support of the guest on that host."""

    SUPPORTED = "supported"
    """The row carries no support caveat."""
    EXTENDED_SUPPORT_ONLY = "extended_support_only"
    """"Extended support only in Windows Server 2016"."""
    WILL_NOT_BE_SUPPORTED = "will_not_be_supported"
    """"Will not be supported in Windows Server 2016"."""
    NO_MAINSTREAM_SUPPORT = "no_mainstream_support"
    """"Not under mainstream support"."""
    NOT_STATED = "not_stated"
    """No table covers this host: the general statement says nothing about support."""

    def __repr__(self) -> str:
        return f"SupportLevel.{self.name}"


_SUPPORT_BY_NOTE: Final = {
    "extended_support": SupportLevel.EXTENDED_SUPPORT_ONLY,
    "will_not_be_supported": SupportLevel.WILL_NOT_BE_SUPPORTED,
    "no_mainstream_support": SupportLevel.NO_MAINSTREAM_SUPPORT,
}


@attrs.frozen
class MatrixRow:
    """One data row of a host table.

    Attributes:
        guest_label: The guest as the article spells it (``"Windows Vista (SP 2)"``).
        guest: The guest product.
        min_service_pack: The lowest service pack the label names, if any.
        mechanism: The update mechanism of the row.
        note_kind: ``""``, ``"data_exchange"``, ``"instructions"``, ``"extended_support"``,
            ``"will_not_be_supported"``, ``"no_mainstream_support"`` or ``"linux"``.
        read_more: The lifecycle link of a support note, or ``""``.
        group: Position of the row's group (0 client, 1 server, 2 Linux), as separated in the
            article by ``- | | |`` rows.
        provenance: Document, revision, table and row number.
    """

    guest_label: str
    guest: Product
    min_service_pack: int | None
    mechanism: UpdateMechanism
    note_kind: str
    read_more: str
    group: int
    provenance: Provenance

    @property
    def note(self) -> str:
        """The row's note in English, or ``""``."""
        return NOTE_TEXT.get(self.note_kind, "")


@attrs.frozen
class UpdateTable:
    """One host table of the article.

    Attributes:
        key: Stable identifier (``"windows_8_1_server_2012_r2"``).
        heading: The table's heading in the English article.
        hosts: Host products the table is for.
        rows: Data rows in document order.
    """

    key: str
    heading: str
    hosts: tuple[Product, ...]
    rows: tuple[MatrixRow, ...]

    @property
    def groups(self) -> tuple[tuple[MatrixRow, ...], ...]:
        """Rows split as the article separates them (client, server, Linux)."""
        return tuple(
            tuple(row for row in self.rows if row.group == group)
            for group in sorted({row.group for row in self.rows})
        )

    def _repr_html_(self) -> str:
        from vmic.rules._html import table_html  # noqa: PLC0415 - only in notebooks

        return table_html(self)


@attrs.frozen
class UpdateRule:
    """The answer for one host and guest.

    Attributes:
        host: The host operating system asked about.
        guest: The guest operating system asked about.
        mechanism: How the guest gets integration services updates.
        prerequisites: Integration services that must be enabled for the mechanism to work
            (Data Exchange for the starred rows).
        fallback: What to use when a prerequisite can't be met (the KB3071740 cab), or None.
        support: The support caveat of the row.
        notes: English notes that apply, in order: the row's note, the cab footnote, the
            table's heading note.
        table: The host table that answered, or None for the general statement.
        row: The row that answered, or None for the general statement.
        provenance: Where the answer comes from.
    """

    host: OperatingSystem
    guest: OperatingSystem
    mechanism: UpdateMechanism
    prerequisites: frozenset[IntegrationService]
    fallback: UpdateMechanism | None
    support: SupportLevel
    notes: tuple[str, ...]
    table: UpdateTable | None
    row: MatrixRow | None
    provenance: Provenance

    @property
    def is_general_statement(self) -> bool:
        """True when no table row answered (hosts newer than the tables)."""
        return self.row is None

    def _repr_html_(self) -> str:
        from vmic.rules._html import rule_html  # noqa: PLC0415 - only in notebooks

        return rule_html(self)


def _build_tables() -> Iterator[UpdateTable]:
    for key, heading, hosts, raw_rows in TABLES:
        rows: list[MatrixRow] = []
        group = 0
        for raw in raw_rows:
            if raw is None:
                group += 1
                continue
            label, guest, min_sp, mechanism, note_kind, read_more = raw
            rows.append(
                MatrixRow(
                    guest_label=label,
                    guest=Product(guest),
                    min_service_pack=min_sp,
                    mechanism=UpdateMechanism(mechanism),
                    note_kind=note_kind,
                    read_more=read_more,
                    group=group,
                    provenance=Provenance(
                        MANAGE_DOC,
                        MANAGE_DOC_2020,
                        ProvenanceKind.TABLE_ROW,
                        section=heading,
                        row=len(rows) + 1,
                    ),
                )
            )
        yield UpdateTable(key, heading, tuple(Product(h) for h in hosts), tuple(rows))


_TABLES: Final = tuple(_build_tables())
_TABLE_BY_HOST: Final = {host: table for table in _TABLES for host in table.hosts}
_ROW_BY_CELL: Final = {
    (host, row.guest): (table, row)
    for table in _TABLES
    for host in table.hosts
    for row in table.rows
}
_GENERAL_HOSTS: Final = frozenset(Product(key) for key in GENERAL_HOSTS)
_GENERAL_PROVENANCE: Final = Provenance(
    MANAGE_DOC,
    MANAGE_DOC_2025,
    ProvenanceKind.GENERAL_STATEMENT,
    section="Keep integration services up to date",
)
_DATA_EXCHANGE: Final = frozenset({IntegrationService.KEY_VALUE_PAIR_EXCHANGE})
_CACHE_LIMIT: Final = 4096
_cache: dict[tuple[OSLike, OSLike], UpdateRule] = {}


def update_tables() -> tuple[UpdateTable, ...]:
    """The three host tables of the 2020 article, in document order."""
    return _TABLES


def update_rule(host: OSLike, guest: OSLike) -> UpdateRule:
    """Answer how a guest on a host gets integration services updates.

    Args:
        host: The Hyper-V host, as an :class:`~vmic.OperatingSystem` or any text
            :func:`~vmic.parse_os` reads.
        guest: The guest, likewise.

    Returns:
        The rule: mechanism, prerequisites, fallback, support level, notes, provenance.

    Raises:
        UnknownOperatingSystemError: A text names no known operating system.
        UnsupportedCombinationError: The host's table does not list the guest (or the guest's
            service pack is below the one the table names), or the host is not a Hyper-V host
            vmic knows. The error lists what the table does list.
    """
    # Answers are immutable and depend only on the inputs: memoize (hashes of
    # OperatingSystem are cached, so a hit costs one tuple hash and one dict probe).
    key = (host, guest)
    try:
        return _cache[key]
    except KeyError:
        pass
    except TypeError:  # unhashable input: let parse_os report it
        key = ("", "")
    rule = _answer(
        host if isinstance(host, OperatingSystem) else parse_os(host),
        guest if isinstance(guest, OperatingSystem) else parse_os(guest),
    )
    if key != ("", ""):
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = rule
    return rule


def _answer(host: OperatingSystem, guest: OperatingSystem) -> UpdateRule:
    if host.product in _GENERAL_HOSTS:
        linux = guest.family is OSFamily.LINUX
        return UpdateRule(
            host=host,
            guest=guest,
            mechanism=UpdateMechanism.PACKAGE_MANAGER if linux else UpdateMechanism.WINDOWS_UPDATE,
            prerequisites=frozenset(),
            fallback=None,
            support=SupportLevel.NOT_STATED,
            notes=(GENERAL_LINUX_NOTE if linux else GENERAL_WINDOWS_NOTE,),
            table=None,
            row=None,
            provenance=_GENERAL_PROVENANCE,
        )
    table = _TABLE_BY_HOST.get(host.product)
    if table is None:
        hosts = ", ".join(p.display_name for p in Product if p.is_hyperv_host)
        raise UnsupportedCombinationError(
            host.name,
            guest.name,
            (),
            message=f"{host.name} is not a Hyper-V host the update matrix covers; "
            f"known hosts: {hosts}",
        )
    found = _ROW_BY_CELL.get((host.product, guest.product))
    listed = tuple(row.guest_label for row in table.rows)
    if found is None:
        raise UnsupportedCombinationError(host.name, guest.name, listed)
    _, row = found
    if (
        row.min_service_pack is not None
        and guest.service_pack is not None
        and guest.service_pack < row.min_service_pack
    ):
        raise UnsupportedCombinationError(
            host.name,
            str(guest),
            listed,
            message=f"the update matrix lists {row.guest_label!r} for a {host.name} host, "
            f"not {guest}; that host's table lists: {', '.join(listed)}",
        )
    data_exchange = row.note_kind == "data_exchange"
    notes = [row.note] if row.note else []
    if data_exchange:
        notes.append(CAB_FOOTNOTE)
    if table.key == "windows_10_server_2016_2019":
        notes.append(VMGUEST_ISO_NOTE)
    return UpdateRule(
        host=host,
        guest=guest,
        mechanism=row.mechanism,
        prerequisites=_DATA_EXCHANGE if data_exchange else frozenset(),
        fallback=UpdateMechanism.DOWNLOAD_CENTER_CAB if data_exchange else None,
        support=_SUPPORT_BY_NOTE.get(row.note_kind, SupportLevel.SUPPORTED),
        notes=tuple(notes),
        table=table,
        row=row,
        provenance=row.provenance,
    )
