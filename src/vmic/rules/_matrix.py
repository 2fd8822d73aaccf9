"""The host-by-guest update matrix: how a guest's integration services are kept up to date.

The 2020 revision of "Manage Hyper-V Integration Services" has one table per host
family; :func:`update_rule` answers a (host, guest) pair exactly as its row says. The
tables stay the highest authority for their hosts. Outside them, Microsoft's
supported-guest pages (:mod:`vmic.rules._guests`) decide: a Windows guest they list for
the host is serviced by its own Windows Update (Data Exchange required for Windows 8 /
Server 2012 and earlier guests, which is how Windows Update learns the host version);
a guest they do not list raises :class:`~vmic.UnsupportedCombinationError` naming the
page. Linux guests on hosts newer than the tables get the newest revision's general
statement, with a provenance that says so.

>>> from vmic import update_rule
>>> rule = update_rule("Windows Server 2016", "Windows 7")
>>> rule.mechanism.label, sorted(s.value for s in rule.prerequisites), rule.fallback
('Windows Update', ['key_value_pair_exchange'], UpdateMechanism.DOWNLOAD_CENTER_CAB)
>>> update_rule("2012 R2", "Windows XP (SP 3)").mechanism
UpdateMechanism.INTEGRATION_SERVICES_DISK
>>> update_rule("Windows Server 2025", "Ubuntu 24.04").provenance.kind
<ProvenanceKind.GENERAL_STATEMENT: 'general_statement'>
>>> update_rule("Windows Server 2022", "Windows 11").provenance.document
'Supported Windows guest operating systems for Hyper-V on Windows Server'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import UnsupportedCombinationError
from vmic.model._guest import Guest
from vmic.model._host import VM, Host, operating_system_of
from vmic.model._named import NamedEnum, counted, named
from vmic.model._operating_system import OperatingSystem, OSFamily, Product, parse_os
from vmic.model._provenance import (
    MANAGE_DOC,
    MANAGE_DOC_2020,
    MANAGE_DOC_2025,
    Provenance,
    ProvenanceKind,
)
from vmic.model._services import IntegrationService
from vmic.rules._guests import (
    SupportedGuest,
    built_in_on_windows_server,
    find_supported_guest,
    page_for_host,
    supported_guests,
)
from vmic.rules._matrix_data import (
    CAB_FOOTNOTE,
    GENERAL_HOSTS,
    GENERAL_LINUX_NOTE,
    GENERAL_WINDOWS_NOTE,
    NOTE_TEXT,
    TABLES,
    VMGUEST_ISO_NOTE,
)
from vmic.rules._support_data import (
    CAB_LATER_HOSTS_NOTE,
    DATA_EXCHANGE_MAX_NT,
    INTEGRATION_SERVICES_PAGE,
    WU_APPLICABILITY_NOTE,
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
#: What a rule takes for the host or the guest: an operating system, its name, or a model
#: whose operating system it is (a host's, a guest's, a VM's guest's).
OSOrModel = OSLike | Host | Guest | VM


class UpdateMechanism(NamedEnum):
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


class SupportLevel(NamedEnum):
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
    UNVERIFIED = "unverified"
    """No source lists this guest for this host; the answer is inferred and says so."""

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

    def __repr__(self) -> str:
        return f"<MatrixRow {named(self.guest_label)}: {self.mechanism}>"


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
        """The table, with its group separators as blank rows (Jupyter)."""
        from vmic import render  # noqa: PLC0415 - only in notebooks

        groups = [
            [
                {
                    "guest_label": row.guest_label,
                    "mechanism": row.mechanism.label,
                    "note": row.note,
                    "row": str(row.provenance.row or ""),
                }
                for row in group
            ]
            for group in self.groups
        ]
        return render.update_table_html({"heading": self.heading, "groups": groups})

    def __repr__(self) -> str:
        return f"<UpdateTable {named(self.key)}: {counted(len(self.rows), 'row')}>"


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
        guest_row: The supported-guests page row that answered when no 2020 table row did,
            or None.
        prerequisite_source: Where the Data Exchange prerequisite is stated, when it is not
            the answering row itself, or None.
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
    guest_row: SupportedGuest | None = None
    prerequisite_source: Provenance | None = None

    @property
    def is_general_statement(self) -> bool:
        """True when no table row of any source answered (Linux on hosts newer than the tables)."""
        return self.row is None and self.guest_row is None

    def _html_items(self) -> list[tuple[str, object]]:
        """The rule as (label, value) rows, the plain data its HTML shows."""
        services = sorted(s.english_name for s in self.prerequisites)
        return [
            ("host", str(self.host)),
            ("guest", str(self.guest)),
            ("mechanism", self.mechanism.label),
            ("prerequisites", ", ".join(services) or "-"),
            ("fallback", self.fallback.label if self.fallback else "-"),
            ("support", self.support.value.replace("_", " ")),
            ("notes", list(self.notes)),
            ("source", str(self.provenance)),
        ]

    def _repr_html_(self) -> str:
        """The rule as a two-column table (Jupyter)."""
        from vmic import render  # noqa: PLC0415 - only in notebooks

        return render.rule_html(self._html_items())

    def __repr__(self) -> str:
        return f"<UpdateRule {self.guest} on {self.host}: {self.mechanism}>"


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
_PREREQUISITE_SOURCE: Final = Provenance(
    INTEGRATION_SERVICES_PAGE[0],
    f"ms.date {INTEGRATION_SERVICES_PAGE[3]}, commit {INTEGRATION_SERVICES_PAGE[2]}",
    ProvenanceKind.REFERENCE,
    section="Hyper-V data exchange service (KVP)",
)
_CACHE_LIMIT: Final = 4096
_cache: dict[tuple[OSLike, OSLike], UpdateRule] = {}
_by_identity: dict[tuple[int, int], tuple[OSLike, OSLike, UpdateRule]] = {}


def update_tables() -> tuple[UpdateTable, ...]:
    """The three host tables of the 2020 article, in document order."""
    return _TABLES


def update_rule(host: OSOrModel, guest: OSOrModel) -> UpdateRule:
    """Answer how a guest on a host gets integration services updates.

    Args:
        host: The Hyper-V host, as an :class:`~vmic.OperatingSystem`, any text
            :func:`~vmic.parse_os` reads, or a :class:`~vmic.Host`.
        guest: The guest, likewise, or a :class:`~vmic.Guest` or :class:`~vmic.VM`.

    Returns:
        The rule: mechanism, prerequisites, fallback, support level, notes, provenance.

    Raises:
        UnknownOperatingSystemError: A text names no known operating system.
        ConfigurationError: A model whose operating system is not known.
        UnsupportedCombinationError: Neither the host's 2020 table nor its supported-guests
            page lists the guest (or the guest's service pack is below the one they name), or
            the host is not a Hyper-V host vmic knows. The error names the source and lists
            what it does list.
    """
    if not isinstance(host, str | OperatingSystem):
        host = operating_system_of(host, what="the host")
    if not isinstance(guest, str | OperatingSystem):
        guest = operating_system_of(guest, what="the guest")
    # Answers are immutable and depend only on the inputs: memoize. Callers pass the same
    # objects again and again (a fleet's few OperatingSystem values, or literal texts), so
    # the first cache is keyed by identity: two ids hash in C, where hashing an attrs
    # OperatingSystem is a Python call. The entry holds the objects, so their ids cannot
    # be reused while it exists. Equal but distinct objects fall through to the second.
    seen = _by_identity.get((id(host), id(guest)))
    if seen is not None and seen[0] is host and seen[1] is guest:
        return seen[2]
    key = (host, guest)
    try:
        rule = _cache[key]
    except KeyError:
        rule = None
    except TypeError:  # unhashable input: let parse_os report it
        key = ("", "")
        rule = None
    if rule is None:
        rule = _answer(
            host if isinstance(host, OperatingSystem) else parse_os(host),
            guest if isinstance(guest, OperatingSystem) else parse_os(guest),
        )
        if key == ("", ""):
            return rule
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = rule
    if len(_by_identity) >= _CACHE_LIMIT:
        _by_identity.clear()
    _by_identity[id(host), id(guest)] = (host, guest, rule)
    return rule


def _answer(host: OperatingSystem, guest: OperatingSystem) -> UpdateRule:
    table = _TABLE_BY_HOST.get(host.product)
    if table is None and host.product not in _GENERAL_HOSTS:
        hosts = ", ".join(p.display_name for p in Product if p.is_hyperv_host)
        raise UnsupportedCombinationError(
            host.name,
            guest.name,
            (),
            message=f"{host.name} is not a Hyper-V host the update matrix covers; "
            f"known hosts: {hosts}",
        )
    if table is not None:
        found = _ROW_BY_CELL.get((host.product, guest.product))
        if found is not None:
            return _table_rule(host, guest, table, found[1])
    elif guest.family is OSFamily.LINUX:
        return _general_linux_rule(host, guest)
    page_row = find_supported_guest(host, guest) if guest.is_windows else None
    if page_row is not None:
        return _page_rule(host, guest, page_row, verified=True)
    page = page_for_host(host.product)
    if page is not None and page.key == "client" and built_in_on_windows_server(guest.product):
        built_in = next(r for r in supported_guests() if r.guest is guest.product)
        return _page_rule(host, guest, built_in, verified=False)
    _raise_unsupported(host, guest, table)
    raise AssertionError  # pragma: no cover - _raise_unsupported always raises


def _raise_unsupported(
    host: OperatingSystem, guest: OperatingSystem, table: UpdateTable | None
) -> None:
    page = page_for_host(host.product)
    if table is not None:
        listed = tuple(row.guest_label for row in table.rows)
        if page is None:
            raise UnsupportedCombinationError(host.name, guest.name, listed)
        raise UnsupportedCombinationError(
            host.name,
            str(guest),
            listed,
            message=f"the update matrix lists no {guest} guest for a {host.name} host, and "
            f"{page.title!r} ({page.revision}) does not list it for that host either; "
            f"that host's table lists: {', '.join(listed)}",
        )
    assert page is not None  # noqa: S101 - every host without a table has a page
    listed = tuple(
        row.guest_label for row in supported_guests(host.product) if row.allows_host(host.product)
    )
    raise UnsupportedCombinationError(
        host.name,
        str(guest),
        listed,
        message=f"{page.title!r} ({page.revision}) does not list {guest} as a guest of a "
        f"{host.name} host; it lists: {', '.join(listed)}",
    )


def _table_rule(
    host: OperatingSystem, guest: OperatingSystem, table: UpdateTable, row: MatrixRow
) -> UpdateRule:
    listed = tuple(r.guest_label for r in table.rows)
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


def _general_linux_rule(host: OperatingSystem, guest: OperatingSystem) -> UpdateRule:
    return UpdateRule(
        host=host,
        guest=guest,
        mechanism=UpdateMechanism.PACKAGE_MANAGER,
        prerequisites=frozenset(),
        fallback=None,
        support=SupportLevel.NOT_STATED,
        notes=(GENERAL_LINUX_NOTE,),
        table=None,
        row=None,
        provenance=_GENERAL_PROVENANCE,
    )


def _page_rule(
    host: OperatingSystem, guest: OperatingSystem, row: SupportedGuest, *, verified: bool
) -> UpdateRule:
    """A Windows guest a supported-guests page answers: its own Windows Update servicing."""
    nt = guest.product.nt_version
    # "When disabled, virtual machines running Windows 8 or Windows Server 2012 or earlier
    # don't receive updates to Hyper-V integration services" (reference page), because
    # Windows Update reads the host version from the values Data Exchange writes (2014 post).
    data_exchange = nt is not None and nt <= DATA_EXCHANGE_MAX_NT
    # The newest Manage revision's general statement explains the mechanism; it comes first.
    notes: list[str] = [GENERAL_WINDOWS_NOTE]
    if not verified:
        notes.append(
            f"Unverified: the supported-guests page for {host.name} hosts does not list "
            f"{guest.name}; the Windows Server page says its integration services are "
            "built in, so the guest's own Windows Update servicing is assumed."
        )
    if row.integration_services.text:
        notes.append(f"Integration Services: {row.integration_services.text}")
    if row.note:
        notes.append(row.note)
    if data_exchange:
        notes.extend((NOTE_TEXT["data_exchange"], WU_APPLICABILITY_NOTE, CAB_LATER_HOSTS_NOTE))
    return UpdateRule(
        host=host,
        guest=guest,
        mechanism=UpdateMechanism.WINDOWS_UPDATE,
        prerequisites=_DATA_EXCHANGE if data_exchange else frozenset(),
        fallback=UpdateMechanism.DOWNLOAD_CENTER_CAB if data_exchange else None,
        support=SupportLevel.SUPPORTED if verified else SupportLevel.UNVERIFIED,
        notes=tuple(notes),
        table=None,
        row=None,
        provenance=row.provenance,
        guest_row=row,
        prerequisite_source=_PREREQUISITE_SOURCE if data_exchange else None,
    )
