r"""The integration services, identified by component GUID because display names are localized.

>>> from vmic import IntegrationService
>>> IntegrationService.lookup("Takt")
IntegrationService.HEARTBEAT
>>> IntegrationService.from_id(
...     "Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"
... )
IntegrationService.HEARTBEAT
>>> IntegrationService.KEY_VALUE_PAIR_EXCHANGE.info.windows_service
'vmickvpexchange'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import UnknownServiceError
from vmic.model._named import NamedEnum, named
from vmic.model._operating_system import Product
from vmic.model._service_data import GUEST_ONLY_ROWS, SERVICE_ROWS

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "GuestOnlyService",
    "GuestOnlyServiceInfo",
    "Impact",
    "IntegrationService",
    "ServiceInfo",
    "guest_service_for",
]


class Impact(NamedEnum):
    """How much a VM loses when the service is disabled (reference page wording)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VARIES = "varies"


@attrs.frozen
class ServiceInfo:
    r"""Catalog entry of one host-visible integration service.

    Attributes:
        guid: Component GUID, upper case (the suffix of ``VMIntegrationComponent.Id``).
        english_name: Name shown by ``Get-VMIntegrationService`` on an English host.
        localized_names: Names shown on hosts in other languages, by locale.
        aliases: Other names people use (Hyper-V Manager labels, short forms).
        windows_service: Service name in a Windows guest (``vmic...``).
        windows_display_names: Display names of that service, current first.
        linux_driver: Kernel driver that implements the guest side on Linux.
        linux_daemons: User-space daemon binaries across distributions (empty: kernel only).
        linux_vmbus_guid: VMBus device-class GUID seen by a Linux guest.
        added_in: First products with the service, per the reference page.
        default_enabled: Whether new VMs have it enabled.
        impact: Impact on the VM when disabled.
        impact_text: What is lost when disabled.
        wmi_setting_class: WMI setting-data class (``root\virtualization\v2``).
    """

    guid: str
    english_name: str
    localized_names: Mapping[str, str]
    aliases: tuple[str, ...]
    windows_service: str
    windows_display_names: tuple[str, ...]
    linux_driver: str
    linux_daemons: tuple[str, ...]
    linux_vmbus_guid: str
    added_in: tuple[Product, ...]
    default_enabled: bool
    impact: Impact
    impact_text: str
    wmi_setting_class: str

    def __repr__(self) -> str:
        return f"<ServiceInfo {named(self.english_name)}>"


class IntegrationService(NamedEnum):
    """A host-visible integration service: one of the six rows of ``Get-VMIntegrationService``."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    GUEST_SERVICE_INTERFACE = "guest_service_interface"
    HEARTBEAT = "heartbeat"
    KEY_VALUE_PAIR_EXCHANGE = "key_value_pair_exchange"
    SHUTDOWN = "shutdown"
    TIME_SYNCHRONIZATION = "time_synchronization"
    VSS = "vss"

    def __repr__(self) -> str:
        return f"IntegrationService.{self.name}"

    @property
    def info(self) -> ServiceInfo:
        """The catalog entry."""
        return _INFO[self]

    @property
    def guid(self) -> str:
        """The component GUID, upper case."""
        return _INFO[self].guid

    @property
    def english_name(self) -> str:
        """The name an English host shows."""
        return _INFO[self].english_name

    @property
    def label(self) -> str:
        """The display name (``str()``): the name an English host shows, ``"Heartbeat"``."""
        return _INFO[self].english_name

    @classmethod
    def from_id(cls, text: str) -> IntegrationService:
        r"""Identify a service from its component GUID or a full ``Microsoft:<VMID>\<GUID>`` id.

        Braces, case and surrounding space are ignored.

        Raises:
            UnknownServiceError: The text is not a known component GUID or id.
        """
        try:
            match = _ID_RE.match(text)
        except TypeError:  # not text at all
            match = None
        if match is None:
            raise UnknownServiceError(str(text))
        try:
            return _BY_GUID[match.group("guid").upper()]
        except KeyError:
            raise UnknownServiceError(text) from None

    @classmethod
    def lookup(cls, name: str) -> IntegrationService:
        """Identify a service by any name it goes by.

        English, localized, alias, Windows guest service, guest display name, Linux daemon,
        the enum value, or a component GUID/id; matching ignores case and surrounding space.

        Raises:
            UnknownServiceError: Nothing matches; the error lists close names.
        """
        if not isinstance(name, str):
            raise UnknownServiceError(repr(name))
        key = " ".join(name.split()).casefold()
        found = _BY_NAME.get(key)
        if found is not None:
            return found
        if _ID_RE.match(name):
            return cls.from_id(name)
        import difflib  # noqa: PLC0415 - only needed on the error path

        close = difflib.get_close_matches(key, list(_BY_NAME), n=3, cutoff=0.6)
        raise UnknownServiceError(name, dict.fromkeys(_BY_NAME[c].english_name for c in close))

    def is_available_on(self, product: Product) -> bool:
        """Whether a guest of this product can have the service at all.

        Windows guests older than the "Added In" products lack it (Windows Server 2008 R2
        has no Guest Service Interface). The classic services are older than the
        reference page's "Added In" claim: they were on the integration services disk
        for every guest the update tables list, so only Guest Service Interface is
        restricted. Linux has them all (through ``hv_utils`` and its daemons).
        """
        classic = self is not IntegrationService.GUEST_SERVICE_INTERFACE
        return _available(self.info.added_in, product, classic=classic)


def _available(added_in: tuple[Product, ...], product: Product, *, classic: bool) -> bool:
    if classic or product is Product.LINUX:
        return True
    nt = product.nt_version
    thresholds = [p.nt_version for p in added_in if p.nt_version is not None]
    return nt is not None and nt >= min(thresholds)


class GuestOnlyService(NamedEnum):
    """A Windows guest service with no host-side row in ``Get-VMIntegrationService``."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    POWERSHELL_DIRECT = "powershell_direct"
    REMOTE_DESKTOP_VIRTUALIZATION = "remote_desktop_virtualization"

    def __repr__(self) -> str:
        return f"GuestOnlyService.{self.name}"

    @property
    def label(self) -> str:
        """The display name (``str()``): its Windows display name, as ``Get-Service`` shows it."""
        return self.info.windows_display_names[0]

    @property
    def info(self) -> GuestOnlyServiceInfo:
        """The catalog entry."""
        return _GUEST_ONLY_INFO[self]

    def is_available_on(self, product: Product) -> bool:
        """Whether a Windows guest of this product has the service (never on Linux)."""
        if product is Product.LINUX:
            return False
        return _available(self.info.added_in, product, classic=False)


@attrs.frozen
class GuestOnlyServiceInfo:
    """Catalog entry of a guest-only Windows service.

    Attributes:
        windows_service: Service name (``vmicvmsession``, ``vmicrdv``).
        windows_display_names: Display names, current first.
        added_in: First products with the service.
        description: What it does.
    """

    windows_service: str
    windows_display_names: tuple[str, ...]
    added_in: tuple[Product, ...]
    description: str

    def __repr__(self) -> str:
        return f"<GuestOnlyServiceInfo {named(self.windows_service)}>"


_ID_RE: Final = re.compile(
    r"^\s*(?:Microsoft:\{?[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?\\)?"
    r"\{?(?P<guid>[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})\}?\s*$"
)

_INFO: Final = {
    IntegrationService(row[0]): ServiceInfo(
        guid=row[1],
        english_name=row[2],
        localized_names=dict(row[3]),
        aliases=tuple(row[4]),
        windows_service=row[5],
        windows_display_names=tuple(row[6]),
        linux_driver=row[7],
        linux_daemons=tuple(row[8]),
        linux_vmbus_guid=row[9],
        added_in=tuple(Product(key) for key in row[10]),
        default_enabled=row[11],
        impact=Impact(row[12]),
        impact_text=row[13],
        wmi_setting_class=row[14],
    )
    for row in SERVICE_ROWS
}
_GUEST_ONLY_INFO: Final = {
    GuestOnlyService(key): GuestOnlyServiceInfo(
        windows_service=service,
        windows_display_names=tuple(names),
        added_in=tuple(Product(p) for p in added),
        description=description,
    )
    for key, service, names, added, description in GUEST_ONLY_ROWS
}
_BY_GUID: Final = {info.guid: service for service, info in _INFO.items()}


def _names() -> dict[str, IntegrationService]:
    names: dict[str, IntegrationService] = {}
    for service, info in _INFO.items():
        candidates = [
            service.value,
            service.name,
            info.english_name,
            *info.localized_names.values(),
            *info.aliases,
            info.windows_service,
            *info.windows_display_names,
            *info.linux_daemons,
        ]
        for candidate in candidates:
            # A name two services share would silently resolve to whichever came last.
            key = " ".join(candidate.split()).casefold()
            if names.setdefault(key, service) is not service:
                raise AssertionError(f"{candidate!r} names both {names[key]!r} and {service!r}")
    return names


_BY_NAME: Final = _names()
_GUEST_SERVICE_BY_NAME: Final[dict[str, IntegrationService | GuestOnlyService]] = {
    **{info.windows_service: service for service, info in _INFO.items()},
    **{info.windows_service: service for service, info in _GUEST_ONLY_INFO.items()},
}


def guest_service_for(name: str) -> IntegrationService | GuestOnlyService | None:
    """Map a Windows guest service name (``vmicheartbeat``, ``vmicvmsession``...) to its service.

    Returns None for a name that is not an integration service (any case is accepted).
    """
    return _GUEST_SERVICE_BY_NAME.get(name.strip().lower())
