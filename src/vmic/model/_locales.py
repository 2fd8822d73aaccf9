"""What a Hyper-V host shows in a given display language.

``Get-VMIntegrationService`` prints localized text in two places: the service
``Name`` ("Takt" on a German host) and the two status descriptions ("Kein
Kontakt"). Property names, ``True``/``False`` and enum names are never localized.
This module is the one place that knows those strings, in both directions:

>>> from vmic import IntegrationService, OperationalStatus
>>> integration_service_name(IntegrationService.HEARTBEAT, "de-DE")
'Takt'
>>> status_description(OperationalStatus.NO_CONTACT, "de-DE")
'Kein Kontakt'
>>> service_for_name("Gastdienstschnittstelle")
IntegrationService.GUEST_SERVICE_INTERFACE
>>> status_for_description("The protocol version of the component installed in...")
<OperationalStatus.PROTOCOL_MISMATCH: 'protocol_mismatch'>

Service names come from the catalog (:attr:`vmic.ServiceInfo.localized_names`); a
locale without a name for a service shows the English one. Status descriptions
are known for en-US and de-DE only; every other locale (fr-FR included: no
evidence was found) falls back to en-US.
"""

from __future__ import annotations

from typing import Final, TypeVar

from vmic.errors import ConfigurationError
from vmic.model._services import IntegrationService
from vmic.model._status import OperationalStatus

__all__ = [
    "DEFAULT_LOCALE",
    "ELLIPSES",
    "LOCALES",
    "check_locale",
    "integration_service_name",
    "service_for_name",
    "status_description",
    "status_for_description",
]

#: The locale of the specification's samples, and the fallback for missing strings.
DEFAULT_LOCALE: Final = "en-US"

#: Locales vmic can render: en-US plus every locale the service catalog has names for.
LOCALES: Final = (
    DEFAULT_LOCALE,
    *sorted(
        {locale for service in IntegrationService for locale in service.info.localized_names}
        - {DEFAULT_LOCALE}
    ),
)

#: What a table appends to text it cuts: Windows PowerShell 5.1 writes three dots,
#: PowerShell 6.2 and later one character (PowerShell/PowerShell#8326).
ELLIPSES: Final = ("...", "\u2026")

_OK: Final = OperationalStatus.OK
_T = TypeVar("_T")

# Status descriptions per locale. Sources: the specification's sample ("OK"); the
# German strings and the cut English protocol-mismatch text are quoted in the
# reference notes (neutrinolabs/xrdp#1403, centreon/centreon-plugins#4603).
_DESCRIPTIONS: Final[dict[str, dict[OperationalStatus, str]]] = {
    "en-US": {
        _OK: "OK",
        OperationalStatus.NO_CONTACT: "No Contact",
        OperationalStatus.LOST_COMMUNICATION: "Lost Communication",
        # UNCERTAIN: the following are the WMI value names of Msvm_*Component.OperationalStatus;
        # no captured host output shows them.
        OperationalStatus.DEGRADED: "Degraded",
        OperationalStatus.ERROR: "Error",
        OperationalStatus.NON_RECOVERABLE_ERROR: "Non-Recoverable Error",
        OperationalStatus.APPLICATION_CRITICAL: "Application Critical State",
        OperationalStatus.COMMUNICATION_TIMED_OUT: "Communication Timed Out",
        OperationalStatus.COMMUNICATION_FAILED: "Communication Failed",
        OperationalStatus.DISABLED: "Disabled",
        # UNCERTAIN after "installed in": only the cut form was captured; the rest is the
        # German sentence translated back.
        OperationalStatus.PROTOCOL_MISMATCH: (
            "The protocol version of the component installed in the virtual machine does not "
            "match the version expected by the hosting system."
        ),
    },
    "de-DE": {
        _OK: "OK",
        OperationalStatus.NO_CONTACT: "Kein Kontakt",
        OperationalStatus.PROTOCOL_MISMATCH: (
            "Die Protokollversion der auf dem virtuellen Computer installierten Komponente "
            "entspricht nicht der vom Hostsystem erwarteten Version."
        ),
        # Every other status falls back to en-US: no German host output shows them.
    },
    # fr-FR, it-IT, zh-CN: no captured status strings; en-US is used.
}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_locale(locale: str) -> str:
    """Return ``locale`` if vmic can render it.

    Raises:
        ConfigurationError: The locale is not one of :data:`LOCALES`.
    """
    if locale not in LOCALES:
        raise ConfigurationError(f"unknown locale {locale!r}; known: {', '.join(LOCALES)}")
    return locale


def integration_service_name(service: IntegrationService, locale: str = DEFAULT_LOCALE) -> str:
    """The ``Name`` a host in ``locale`` shows for ``service`` (English when not localized).

    Raises:
        ConfigurationError: Unknown locale.
    """
    check_locale(locale)
    info = service.info
    return info.localized_names.get(locale, info.english_name)


def status_description(status: OperationalStatus, locale: str = DEFAULT_LOCALE) -> str:
    """The status description a host in ``locale`` shows for ``status`` (en-US when unknown).

    Raises:
        ConfigurationError: Unknown locale.
    """
    check_locale(locale)
    own = _DESCRIPTIONS.get(locale, {}).get(status)
    return own if own is not None else _DESCRIPTIONS[DEFAULT_LOCALE][status]


def _build_index(pairs: list[tuple[str, _T]]) -> dict[str, _T]:
    index: dict[str, _T] = {}
    for text, value in pairs:
        key = _key(text)
        if index.setdefault(key, value) != value:
            raise AssertionError(f"{text!r} would name both {index[key]!r} and {value!r}")
    return index


_SERVICE_BY_NAME: Final = _build_index(
    [
        (name, service)
        for service in IntegrationService
        for name in (service.info.english_name, *service.info.localized_names.values())
    ]
)
_STATUS_BY_DESCRIPTION: Final = _build_index(
    [(text, status) for table in _DESCRIPTIONS.values() for status, text in table.items()]
)


def _lookup(text: str, index: dict[str, _T]) -> _T | None:
    key = _key(text)
    found = index.get(key)
    if found is not None or not key:
        return found
    for ellipsis in ELLIPSES:
        if key.endswith(ellipsis):
            prefix = key.removesuffix(ellipsis).rstrip()
            matches = {value for name, value in index.items() if name.startswith(prefix)}
            return matches.pop() if prefix and len(matches) == 1 else None
    return None


def service_for_name(name: str) -> IntegrationService | None:
    """The service a host shows as ``name`` in any known language, or None.

    Case and spacing are ignored; a name a table cut (ending in ``...`` or ``…``)
    matches when exactly one known name starts with what is left.
    """
    return _lookup(name, _SERVICE_BY_NAME)


def status_for_description(text: str) -> OperationalStatus | None:
    """The status a description stands for, in any known language, or None.

    ``"OK"`` is :attr:`OperationalStatus.OK` in every language. Case and spacing
    are ignored; a description a table cut matches when exactly one known
    description starts with what is left.
    """
    return _lookup(text, _STATUS_BY_DESCRIPTION)
