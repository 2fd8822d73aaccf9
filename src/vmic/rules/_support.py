"""Which integration features a guest can have on a host, with the page that says so.

Linux and FreeBSD answers come from Microsoft's per-distribution "Supported ... virtual
machines on Hyper-V" pages (one column per distribution version, one host list per
feature row); Windows answers from the supported-guests pages and the service catalog.
A version newer than every column of its page, or a host newer than every host a row
lists, gets the newest column's (host's) cell, marked ``inferred`` with the reason.

>>> from vmic import guest_support
>>> answer = guest_support("Windows Server 2019", "Ubuntu 20.04")
>>> answer.feature(GuestFeature.LIVE_BACKUP).status.value
'available'
>>> answer.provenance.document
'Supported Ubuntu virtual machines on Hyper-V'
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

import attrs

from vmic.errors import ConfigurationError, UnsupportedCombinationError
from vmic.model._linux import packaging_for
from vmic.model._named import NamedEnum, counted
from vmic.model._operating_system import OperatingSystem, Product, parse_os
from vmic.model._provenance import Provenance, ProvenanceKind
from vmic.model._services import IntegrationService
from vmic.rules._matrix import update_rule
from vmic.rules._support_data import (
    COLUMN_MINIMUM_HOSTS,
    FEATURE_DESCRIPTIONS_PAGE,
    LINUX_PAGES,
    Column,
    Page,
)

__all__ = [
    "FeatureStatus",
    "FeatureSupport",
    "GuestFeature",
    "GuestSupport",
    "guest_support",
    "unavailable_reason",
    "unusable_reason",
]

OSLike = str | OperatingSystem


class GuestFeature(NamedEnum):
    """An integration feature the supported-guest pages have a row for."""

    INTEGRATED_SHUTDOWN = "integrated_shutdown"
    TIME_SYNCHRONIZATION = "time_synchronization"
    HEARTBEAT = "heartbeat"
    KEY_VALUE_PAIR_EXCHANGE = "key_value_pair_exchange"
    LIVE_BACKUP = "live_backup"
    FILE_COPY = "file_copy"
    HYPERV_SOCKETS = "hyperv_sockets"

    def __repr__(self) -> str:
        return f"GuestFeature.{self.name}"

    @property
    def label(self) -> str:
        """The feature as the pages name its row (``"Key/value pair"``)."""
        return _LABELS[self]

    @property
    def service(self) -> IntegrationService | None:
        """The host-visible integration service behind the feature (None for Hyper-V sockets)."""
        return _SERVICE_OF.get(self)


# The pages' row names (the Core row holds the first three).
_LABELS: Final = {
    GuestFeature.INTEGRATED_SHUTDOWN: "Integrated shutdown",
    GuestFeature.TIME_SYNCHRONIZATION: "Time synchronization",
    GuestFeature.HEARTBEAT: "Heartbeat",
    GuestFeature.KEY_VALUE_PAIR_EXCHANGE: "Key/value pair",
    GuestFeature.LIVE_BACKUP: "Live virtual machine backup",
    GuestFeature.FILE_COPY: "File copy from host to guest",
    GuestFeature.HYPERV_SOCKETS: "Hyper-V Sockets",
}

_SERVICE_OF: Final = {
    GuestFeature.INTEGRATED_SHUTDOWN: IntegrationService.SHUTDOWN,
    GuestFeature.TIME_SYNCHRONIZATION: IntegrationService.TIME_SYNCHRONIZATION,
    GuestFeature.HEARTBEAT: IntegrationService.HEARTBEAT,
    GuestFeature.KEY_VALUE_PAIR_EXCHANGE: IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    GuestFeature.LIVE_BACKUP: IntegrationService.VSS,
    GuestFeature.FILE_COPY: IntegrationService.GUEST_SERVICE_INTERFACE,
}


class FeatureStatus(NamedEnum):
    """What a page's cell says."""

    AVAILABLE = "available"
    NOT_AVAILABLE = "not_available"
    NEEDS_ADD_ON = "needs_add_on"
    """Available once an add-on is installed (LIS download, a ports package, a daemon package)."""

    def __repr__(self) -> str:
        return f"FeatureStatus.{self.name}"

    @property
    def label(self) -> str:
        """Words for a table cell (``"needs an add-on"``)."""
        return (
            "needs an add-on"
            if self is FeatureStatus.NEEDS_ADD_ON
            else self.value.replace("_", " ")
        )


@attrs.frozen
class FeatureSupport:
    """One feature's answer.

    Attributes:
        feature: Which feature.
        status: Available, not available or needs an add-on.
        notes: The page's notes for the cell, and why it was inferred if it was.
        inferred: True when no cell states this exact host and version.
        provenance: Page, revision and row.
    """

    feature: GuestFeature
    status: FeatureStatus
    notes: tuple[str, ...]
    inferred: bool
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "feature": self.feature.value,
            "status": self.status.value,
            "inferred": self.inferred,
            "notes": list(self.notes),
            "provenance": str(self.provenance),
        }

    def __repr__(self) -> str:
        return f"<FeatureSupport {self.feature}: {self.status}>"


@attrs.frozen
class GuestSupport:
    """What a guest can have on a host.

    Attributes:
        host: The host.
        guest: The guest as asked (``"Ubuntu 22.04"``).
        distribution: ``"ubuntu"``, ``"debian"``, ``"rhel"``, ``"oracle"``, ``"suse"``,
            ``"freebsd"`` or ``"windows"``.
        column: The page column (or Windows row) that answered.
        features: One answer per :class:`GuestFeature`, in enum order.
        provenance: The page that answered.
    """

    host: OperatingSystem
    guest: str
    distribution: str
    column: str
    features: tuple[FeatureSupport, ...]
    provenance: Provenance

    def feature(self, feature: GuestFeature) -> FeatureSupport:
        """The answer for one feature."""
        return next(entry for entry in self.features if entry.feature is feature)

    def view(self) -> dict[str, Any]:
        """:meth:`to_dict` plus the words to show (``label``, ``status_label`` per feature)."""
        data = self.to_dict()
        data["features"] = [
            {**entry.to_dict(), "label": entry.feature.label, "status_label": entry.status.label}
            for entry in self.features
        ]
        return data

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enum values as snake_case strings)."""
        return {
            "host": self.host.name,
            "guest": self.guest,
            "distribution": self.distribution,
            "column": self.column,
            "provenance": str(self.provenance),
            "features": [entry.to_dict() for entry in self.features],
        }

    def __repr__(self) -> str:
        return (
            f"<GuestSupport {self.guest} on {self.host}: {counted(len(self.features), 'feature')}>"
        )


# --- the guest's distribution and version -------------------------------------------------

_DISTRIBUTION_PATTERNS: Final = (
    ("freebsd", r"\bfreebsd\b"),
    ("oracle", r"\boracle\s+linux\b|\bol\s*(?=\d)"),
    ("rhel", r"\bred\s*hat\b|\brhel\b|\bcentos\b"),
    ("suse", r"\bsuse\b|\bsles\b"),
    ("ubuntu", r"\bubuntu\b"),
    ("debian", r"\bdebian\b"),
)
_VERSION: Final = re.compile(r"(\d{1,2})(?:\.(\d{1,2}))?(?:\s*sp\s*(\d))?")
#: os-release IDs (OperatingSystem.distribution) that one page covers; others (arch...) have none.
_PAGE_OF_FAMILY: Final = {
    "ubuntu": "ubuntu",
    "debian": "debian",
    "suse": "suse",
    "sles": "suse",
    "opensuse-leap": "suse",
    "rhel": "rhel",
    "centos": "rhel",
    "ol": "oracle",
    "freebsd": "freebsd",
}


def _distribution_version(guest: OSLike) -> tuple[str | None, tuple[int, int | None] | None]:
    """Read (page key, (major, minor)) from a guest name or OperatingSystem.

    The one place that knows how a guest names its distribution and version: an
    OperatingSystem gives its os-release ID and release; text is read here, so that
    SUSE's minor can be the service pack ("SLES 12 SP4" -> (12, 4)).
    """
    if isinstance(guest, OperatingSystem):
        family = guest.distribution
        key = _PAGE_OF_FAMILY.get(family) if family else None
        release = guest.distribution_version
        found = _VERSION.match(release) if release else None
        if key is None or found is None:
            return key, None
        minor = found.group(2) or ("0" if key == "suse" else None)
        return key, (int(found.group(1)), int(minor) if minor is not None else None)
    lowered = " ".join(guest.lower().split())
    for key, pattern in _DISTRIBUTION_PATTERNS:
        match = re.search(pattern, lowered)
        if match is None:
            continue
        version = _VERSION.search(lowered, match.end())
        if version is None:
            return key, None
        major = int(version.group(1))
        minor_text = version.group(3) if key == "suse" else version.group(2)
        if key == "suse" and minor_text is None:
            minor_text = "0"
        return key, (major, int(minor_text) if minor_text is not None else None)
    return None, None


# --- hosts --------------------------------------------------------------------------------

_SERVER_HOSTS: Final = (
    Product.WINDOWS_SERVER_2012,
    Product.WINDOWS_SERVER_2012_R2,
    Product.WINDOWS_SERVER_2016,
    Product.WINDOWS_SERVER_2019,
    Product.WINDOWS_SERVER_2022,
    Product.WINDOWS_SERVER_2025,
)
_HOST_TOKEN: Final = {
    "2008 r2": None,  # not a host vmic models; the pages still list it
    "2012 r2": Product.WINDOWS_SERVER_2012_R2,
    "2012": Product.WINDOWS_SERVER_2012,
    "2016": Product.WINDOWS_SERVER_2016,
    "2019": Product.WINDOWS_SERVER_2019,
    "2022": Product.WINDOWS_SERVER_2022,
    "2025": Product.WINDOWS_SERVER_2025,
}
#: Client hosts share their Hyper-V with a Windows Server release; the pages list servers only.
_SERVER_OF_CLIENT: Final = {
    Product.WINDOWS_8: Product.WINDOWS_SERVER_2012,
    Product.WINDOWS_8_1: Product.WINDOWS_SERVER_2012_R2,
    Product.WINDOWS_10: Product.WINDOWS_SERVER_2016,
    Product.WINDOWS_11: Product.WINDOWS_SERVER_2022,
}


def _hosts_of(cell: str) -> tuple[Product, ...]:
    hosts = []
    for raw in cell.lower().replace("windows server", "").split(","):
        product = _HOST_TOKEN.get(raw.strip())
        if product is not None:
            hosts.append(product)
    return tuple(hosts)


# --- Linux and FreeBSD --------------------------------------------------------------------

_ROW_FEATURES: Final = {
    "core": (
        GuestFeature.INTEGRATED_SHUTDOWN,
        GuestFeature.TIME_SYNCHRONIZATION,
        GuestFeature.HEARTBEAT,
    ),
    "live virtual machine backup": (GuestFeature.LIVE_BACKUP,),
    "key/value pair": (GuestFeature.KEY_VALUE_PAIR_EXCHANGE,),
    "key-value pair": (GuestFeature.KEY_VALUE_PAIR_EXCHANGE,),
    "file copy from host to guest": (GuestFeature.FILE_COPY,),
    "hyper-v sockets": (GuestFeature.HYPERV_SOCKETS,),
}
#: Notes that make an available cell depend on an add-on (page key -> note numbers).
_ADD_ON_NOTES: Final = {
    "debian": frozenset({2}),
    "freebsd": frozenset({5}),
    # 'For built-in LIS, the "hyperv-daemons" package must be installed' (the 7.x columns).
    "rhel": frozenset({4}),
    "oracle": frozenset({4}),
}
_PAGES: Final = {page[0]: page for page in LINUX_PAGES}
_NOTE_NUMBERS: Final = re.compile(r"\d+")


def _page_provenance(page: Page, section: str = "") -> Provenance:
    _key, title, _path, commit, date, _columns, _rows, _notes = page
    return Provenance(
        title, f"ms.date {date}, commit {commit}", ProvenanceKind.TABLE_ROW, section=section
    )


_BUILT_IN: Final = frozenset({"Built in", "Built-in", ""})


def _column_index(page: Page, version: tuple[int, int | None]) -> tuple[int, str]:
    """The column for *version*, and why it was inferred (``""``: a column states it).

    Where two columns cover the version (the LIS download and the built-in drivers), the
    built-in one answers. A version newer than every column of its major series (Oracle
    Linux 7.9 on a page whose 7.x columns end at 7.8) takes that series' newest column; a
    version newer than every column of the page, the page's newest.
    """
    columns = page[5]
    major, minor = version
    matching = []
    for index, (_label, ranges, _availability) in enumerate(columns):
        for low, high in ranges:
            if minor is None:
                if low[0] <= major <= (high or low)[0]:
                    matching.append(index)
                continue
            if (major, minor) >= low and (
                (high is None and major == low[0]) or (high is not None and (major, minor) <= high)
            ):
                matching.append(index)
    if matching:
        return _preferred(columns, matching), ""
    asked = (major, minor or 0)
    same_major = [
        (low, index)
        for index, (_label, ranges, _a) in enumerate(columns)
        for low, _high in ranges
        if low[0] == major and low <= asked
    ]
    if same_major:
        newest = max(low for low, _index in same_major)
        index = _preferred(columns, [i for low, i in same_major if low == newest])
        return index, f"no column for {major}.{minor or 0}; the newest {major}.x column"
    newest = max(low for _label, ranges, _a in columns for low, _high in ranges)
    if asked > newest:
        newest_columns = [i for i, c in enumerate(columns) if any(low == newest for low, _ in c[1])]
        return _preferred(columns, newest_columns), "no column for this version; the newest column"
    labels = ", ".join(column[0] for column in columns)
    msg = f"{page[1]!r} lists no column for version {major}.{minor or 0}; it lists: {labels}"
    asked_text = f"{major}.{minor or 0}"
    raise UnsupportedCombinationError(page[1], asked_text, (c[0] for c in columns), message=msg)


def _preferred(columns: tuple[Column, ...], indexes: list[int]) -> int:
    """The built-in column among *indexes* if there is one, else the first."""
    return next((i for i in indexes if columns[i][2] in _BUILT_IN), indexes[0])


def _check_minimum_host(
    page: Page, host: OperatingSystem, server: Product, version: tuple[int, int | None]
) -> None:
    """Raise when a page note restricts this release to newer hosts (RHEL's Note 15)."""
    key = page[0]
    release = (version[0], version[1] or 0)
    limit = COLUMN_MINIMUM_HOSTS.get((key, release))
    if limit is None:
        return
    oldest_token, note = limit
    oldest = _HOST_TOKEN[oldest_token]
    if oldest is not None and _SERVER_HOSTS.index(server) < _SERVER_HOSTS.index(oldest):
        text = page[7][note]
        raise UnsupportedCombinationError(
            host.name,
            f"{key} {release[0]}.{release[1]}",
            (oldest.display_name,),
            message=f"{page[1]!r}, Note {note}: {text} ({_page_provenance(page).revision})",
        )


def _linux_support(
    host: OperatingSystem, guest: str, key: str, version: tuple[int, int | None]
) -> GuestSupport:
    page = _PAGES[key]
    _key, _title, _path, _commit, _date, columns, rows, notes = page
    index, inferred_column = _column_index(page, version)
    label, _ranges, availability = columns[index]
    server = _SERVER_OF_CLIENT.get(host.product, host.product)
    _check_minimum_host(page, host, server, version)
    answers: dict[GuestFeature, FeatureSupport] = {}
    for row_name, (host_cell, cells) in rows.items():
        features = _ROW_FEATURES[row_name.lower()]
        listed = _hosts_of(host_cell)
        cell = cells[index]
        why: list[str] = []
        if inferred_column:
            why.append(
                f"Inferred: the page revision has {inferred_column} ({label}) is applied, as "
                "the integration services are built into the distribution."
            )
        if server is not host.product:
            why.append(f"Inferred: a {host.name} host is read as {server.display_name}.")
        if server in listed:
            pass
        elif listed and _SERVER_HOSTS.index(server) > max(_SERVER_HOSTS.index(h) for h in listed):
            why.append(
                f"Inferred: the page revision lists this row for "
                f"{', '.join(h.display_name for h in listed)} hosts only; the newest is applied."
            )
        else:
            cell = ""
            names = ", ".join(h.display_name for h in listed)
            why.append(f"The page lists this row only for {names} hosts.")
        numbers = [int(n) for n in _NOTE_NUMBERS.findall(cell)]
        cell_notes = [f"Note {n}: {notes[n]}" for n in numbers if n in notes]
        if not cell.strip():
            status = FeatureStatus.NOT_AVAILABLE
        elif availability not in _BUILT_IN or any(n in _ADD_ON_NOTES.get(key, ()) for n in numbers):
            status = FeatureStatus.NEEDS_ADD_ON
            if availability not in _BUILT_IN:
                cell_notes.append(f"Availability: {availability}.")
        else:
            status = FeatureStatus.AVAILABLE
        for feature in features:
            answers[feature] = FeatureSupport(
                feature=feature,
                status=status,
                notes=tuple(cell_notes + why),
                inferred=any(w.startswith("Inferred") for w in why),
                provenance=_page_provenance(page, f"{row_name} / {label}"),
            )
    return GuestSupport(
        host=host,
        guest=guest,
        distribution=key,
        column=label,
        features=tuple(answers[f] for f in GuestFeature),
        provenance=_page_provenance(page),
    )


# --- Windows ------------------------------------------------------------------------------

_SOCKETS_MIN_NT: Final = (10, 0)


def _windows_support(host: OperatingSystem, guest: OperatingSystem) -> GuestSupport:
    rule = update_rule(host, guest)  # raises for a pair no source supports
    answers = []
    for feature in GuestFeature:
        service = feature.service
        if service is not None:
            available = service.is_available_on(guest.product)
            note = (
                ""
                if available
                else (f"{service.english_name} is not available on {guest.name} (service catalog).")
            )
            inferred = False
        else:
            nt_guest, nt_host = guest.product.nt_version, host.product.nt_version
            available = bool(
                nt_guest and nt_host and nt_guest >= _SOCKETS_MIN_NT and nt_host >= _SOCKETS_MIN_NT
            )
            note = (
                "Inferred: Hyper-V sockets need Windows 10 / Windows Server 2016 or later on "
                "both sides; no supported-guests page states it."
            )
            inferred = True
        answers.append(
            FeatureSupport(
                feature=feature,
                status=FeatureStatus.AVAILABLE if available else FeatureStatus.NOT_AVAILABLE,
                notes=(note,) if note else (),
                inferred=inferred,
                provenance=rule.provenance,
            )
        )
    column = (
        rule.row.guest_label
        if rule.row
        else (rule.guest_row.guest_label if rule.guest_row else guest.name)
    )
    return GuestSupport(
        host=host,
        guest=str(guest),
        distribution="windows",
        column=column,
        features=tuple(answers),
        provenance=rule.provenance,
    )


def guest_support(host: OSLike, guest: OSLike) -> GuestSupport:
    """Which integration features *guest* can have on *host*, per Microsoft's pages.

    Args:
        host: The Hyper-V host, as an OperatingSystem or a name :func:`~vmic.parse_os` reads.
        guest: The guest: a Linux or FreeBSD distribution with its version
            (``"Ubuntu 22.04"``, ``"RHEL 9.2"``, ``"SLES 12 SP4"``, ``"FreeBSD 13"``) or a
            Windows guest.

    Returns:
        One answer per feature, with notes and provenance.

    Raises:
        UnknownOperatingSystemError: A name is not an operating system vmic knows.
        UnsupportedCombinationError: The pages list no such version, the distribution has no
            page, or the Windows guest is not supported on the host.
    """
    host_os = host if isinstance(host, OperatingSystem) else parse_os(host)
    if not host_os.is_hyperv_host:
        raise UnsupportedCombinationError(
            host_os.name, str(guest), (), message=f"{host_os.name} is not a Hyper-V host"
        )
    key, version = _distribution_version(guest)
    if key is not None:
        if version is None:
            raise UnsupportedCombinationError(
                host_os.name,
                str(guest),
                (),
                message=f"name the version of {guest} (for example 'Ubuntu 22.04'): the "
                f"feature tables differ per version",
            )
        return _linux_support(host_os, str(guest), key, version)
    guest_os = guest if isinstance(guest, OperatingSystem) else parse_os(guest)
    if guest_os.is_linux:
        raise UnsupportedCombinationError(
            host_os.name,
            str(guest_os),
            tuple(page[1] for page in LINUX_PAGES),
            message=f"no supported-guests page covers {guest_os}; pages exist for: "
            + ", ".join(page[1] for page in LINUX_PAGES),
        )
    return _windows_support(host_os, guest_os)


def unavailable_reason(
    host: OperatingSystem | None, guest: OSLike, service: IntegrationService
) -> str | None:
    """Why *service* is not available to *guest* on *host*, or None when it is (or is unknown).

    Used by the diagnosis: a service the guest cannot have is ``not_available``, not broken.
    Only an explicit "not available" cell counts; anything vmic cannot answer is None.
    """
    if host is None:
        return None
    return _unavailable_reason(host, guest, service)


# The diagnosis asks this for every service of every Linux VM: the answer depends only on
# the host's and guest's operating systems, a few dozen pairs in a fleet, so it is worked
# out once per pair (including pairs the pages cannot answer, which would raise each time).
@functools.lru_cache(maxsize=1024)
def _unavailable_reason(
    host: OperatingSystem, guest: OSLike, service: IntegrationService
) -> str | None:
    try:
        support = guest_support(host, guest)
    except Exception:  # noqa: BLE001 - no answer means "not known", never a failure here
        return None
    for entry in support.features:
        if entry.feature.service is service and entry.status is FeatureStatus.NOT_AVAILABLE:
            detail = "; ".join(entry.notes) or "the page's cell is blank"
            return (
                f"{entry.feature.value} is not available on {support.guest}: {detail} "
                f"({entry.provenance})"
            )
    return None


# A fleet has few distinct (host, guest, service) triples and many VMs: answered once each.
@functools.lru_cache(maxsize=4096)
def unusable_reason(
    host: OperatingSystem | None, guest: OperatingSystem, service: IntegrationService
) -> str | None:
    """Why a guest cannot use *service* at all, or None when it can (or vmic cannot tell).

    The three sources the diagnosis judges ``not_available`` by, in order: the service
    catalog (a Windows guest older than the service: Windows 7 has no Guest Service
    Interface), the distribution's packaging (a Linux release that ships no daemon for
    it: Debian 13 has no file-copy daemon), and the supported-guests page of the
    distribution on this host (an explicit "not available" cell, see
    :func:`unavailable_reason`). Turning such a service on at the host changes nothing
    in the guest; a desired state that asks for it is "not applicable".

    >>> from vmic import IntegrationService, parse_os
    >>> gsi = IntegrationService.GUEST_SERVICE_INTERFACE
    >>> unusable_reason(None, parse_os("Windows 7"), gsi)
    'Windows 7 predates Guest Service Interface (service catalog)'
    >>> unusable_reason(None, parse_os("Windows Server 2019"), gsi) is None
    True
    """
    if not service.is_available_on(guest.product):
        return f"{guest.name} predates {service.english_name} (service catalog)"
    if guest.is_linux and guest.distribution is not None:
        try:
            row = packaging_for(guest.distribution, guest.distribution_version)
        except ConfigurationError:
            row = None  # a distribution vmic has no packaging facts for: not known
        missing = None if row is None else row.missing(service)
        if missing is not None:
            return f"{missing.reason} ({missing.source})"
    return unavailable_reason(host, guest, service)


#: The feature-descriptions page the Core row stands for (shutdown, time sync, heartbeat).
FEATURE_DESCRIPTIONS: Final = Provenance(
    FEATURE_DESCRIPTIONS_PAGE[0],
    f"ms.date {FEATURE_DESCRIPTIONS_PAGE[3]}, commit {FEATURE_DESCRIPTIONS_PAGE[2]}",
    ProvenanceKind.REFERENCE,
    section="Core",
)
