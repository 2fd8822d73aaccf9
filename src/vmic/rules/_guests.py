"""Which Windows guests each Hyper-V host supports, read off Microsoft's supported-guest pages.

Two pages answer: "Supported Windows guest operating systems for Hyper-V on Windows Server"
(Windows Server 2016, 2019, 2022 and 2025 hosts; per-guest host constraints such as "Windows
Server 2019 and later") and the client-Hyper-V page it links for Windows 10 and 11 hosts.
Each row keeps the page's spelling, its Integration Services column and its provenance.

>>> from vmic.rules._guests import find_supported_guest
>>> from vmic import parse_os
>>> row = find_supported_guest(parse_os("Windows Server 2022"), parse_os("Windows 11"))
>>> row.guest_label, row.integration_services.value
('Windows 11', 'built_in')
>>> find_supported_guest(parse_os("Windows Server 2016"), parse_os("Windows 11")) is None
True
"""

from __future__ import annotations

from typing import Final

import attrs

from vmic.model._named import NamedEnum, cut, named
from vmic.model._operating_system import OperatingSystem, Product
from vmic.model._provenance import Provenance, ProvenanceKind
from vmic.rules._support_data import (
    CLIENT_PAGE,
    CLIENT_PAGE_HOSTS,
    CLIENT_ROWS,
    INTEGRATION_SERVICES_TEXT,
    WINDOWS_SERVER_PAGE,
    WINDOWS_SERVER_PAGE_HOSTS,
    WINDOWS_SERVER_ROWS,
    WindowsRow,
)

__all__ = [
    "GuestPage",
    "IntegrationServicesKind",
    "SupportedGuest",
    "find_supported_guest",
    "page_for_host",
    "supported_guests",
]


class IntegrationServicesKind(NamedEnum):
    """The page's Integration Services column for a guest."""

    BUILT_IN = "built_in"
    """"Built-in": the guest's own servicing (Windows Update) keeps them current."""
    INSTALL_CRITICAL_UPDATES = "install_critical_updates"
    """"Install all critical Windows updates after you set up the guest operating system"."""
    UPGRADE_AFTER_SETUP = "upgrade_after_setup"
    """"Upgrade the integration services after you set up the guest operating system"."""
    NOT_STATED = "not_stated"
    """The page has no Integration Services column (the client-Hyper-V page)."""

    def __repr__(self) -> str:
        return f"IntegrationServicesKind.{self.name}"

    @property
    def text(self) -> str:
        """The page's wording, or ``""``."""
        return INTEGRATION_SERVICES_TEXT[self.value]


@attrs.frozen
class GuestPage:
    """One supported-guests page.

    Attributes:
        key: ``"windows_server"`` or ``"client"``.
        title: The page's title.
        path: Repository and path of its Markdown source.
        commit: Commit of the revision read.
        ms_date: That revision's ``ms.date``.
        hosts: Host products the page is for.
    """

    key: str
    title: str
    path: str
    commit: str
    ms_date: str
    hosts: tuple[Product, ...]

    @property
    def revision(self) -> str:
        """``"ms.date 04/23/2025, commit 01d8846"``."""
        return f"ms.date {self.ms_date}, commit {self.commit}"

    def __repr__(self) -> str:
        return f"<GuestPage {named(self.key)}: {cut(self.title, 60)}>"


@attrs.frozen
class SupportedGuest:
    """One guest row of a supported-guests page.

    Attributes:
        guest_label: The guest as the page spells it.
        guest: The guest product.
        min_service_pack: The service pack the label names, if any.
        integration_services: The Integration Services column.
        min_host: The oldest host the row allows ("Windows Server 2019 and later"), or None.
        note: The row's notes, abridged, or ``""``.
        page: The page the row is on.
        provenance: Page, revision, section and row number.
    """

    guest_label: str
    guest: Product
    min_service_pack: int | None
    integration_services: IntegrationServicesKind
    min_host: Product | None
    note: str
    page: GuestPage
    provenance: Provenance

    def allows_host(self, host: Product) -> bool:
        """Whether the row's host constraint admits *host* (one of the page's hosts)."""
        if host not in self.page.hosts:
            return False
        if self.min_host is None:
            return True
        return _SERVER_ORDER.index(host) >= _SERVER_ORDER.index(self.min_host)

    def __repr__(self) -> str:
        return f"<SupportedGuest {named(self.guest_label)}: {self.integration_services}>"


_SERVER_ORDER: Final = tuple(Product(key) for key in WINDOWS_SERVER_PAGE_HOSTS)


def _page(key: str, source: tuple[str, str, str, str], hosts: tuple[str, ...]) -> GuestPage:
    title, path, commit, date = source
    return GuestPage(key, title, path, commit, date, tuple(Product(h) for h in hosts))


_PAGES: Final = (
    _page("windows_server", WINDOWS_SERVER_PAGE, WINDOWS_SERVER_PAGE_HOSTS),
    _page("client", CLIENT_PAGE, CLIENT_PAGE_HOSTS),
)


def _rows(page: GuestPage, raw_rows: tuple[WindowsRow, ...]) -> tuple[SupportedGuest, ...]:
    rows = []
    for number, (label, key, sp, section, kind, min_host, note) in enumerate(raw_rows, 1):
        rows.append(
            SupportedGuest(
                guest_label=label,
                guest=Product(key),
                min_service_pack=sp,
                integration_services=IntegrationServicesKind(kind),
                min_host=Product(min_host) if min_host else None,
                note=note,
                page=page,
                provenance=Provenance(
                    page.title, page.revision, ProvenanceKind.TABLE_ROW, section=section, row=number
                ),
            )
        )
    return tuple(rows)


_ROWS: Final = {
    "windows_server": _rows(_PAGES[0], WINDOWS_SERVER_ROWS),
    "client": _rows(_PAGES[1], CLIENT_ROWS),
}
_PAGE_BY_HOST: Final = {host: page for page in _PAGES for host in page.hosts}


def page_for_host(host: Product) -> GuestPage | None:
    """The supported-guests page for *host*, or None for hosts only the 2020 tables cover."""
    return _PAGE_BY_HOST.get(host)


def supported_guests(host: Product | None = None) -> tuple[SupportedGuest, ...]:
    """Every row of both pages (Windows Server page first), or the rows a host's page lists.

    The rows of *host*'s page are returned whatever their host constraint; use
    :meth:`SupportedGuest.allows_host` to filter.
    """
    if host is None:
        return _ROWS["windows_server"] + _ROWS["client"]
    page = _PAGE_BY_HOST.get(host)
    return () if page is None else _ROWS[page.key]


def find_supported_guest(host: OperatingSystem, guest: OperatingSystem) -> SupportedGuest | None:
    """The row of *host*'s page that lists *guest* on *host*, or None.

    A guest without a service pack matches the row that names one (as the 2020 tables do);
    a guest whose named service pack is below the row's does not.
    """
    candidates = [
        row
        for row in supported_guests(host.product)
        if row.guest is guest.product and row.allows_host(host.product)
    ]
    # Prefer the row with no (or the lowest) service pack requirement the guest meets.
    candidates.sort(key=lambda row: row.min_service_pack or 0)
    for row in candidates:
        if (
            row.min_service_pack is None
            or guest.service_pack is None
            or guest.service_pack >= row.min_service_pack
        ):
            return row
    return None


def built_in_on_windows_server(product: Product) -> bool:
    """Whether the Windows Server page says *product*'s integration services are built in."""
    return any(
        row.guest is product and row.integration_services is IntegrationServicesKind.BUILT_IN
        for row in _ROWS["windows_server"]
    )
