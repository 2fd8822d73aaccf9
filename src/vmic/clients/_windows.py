r"""The Windows guest client: the guest side of integration services.

:class:`WindowsGuest` runs PowerShell inside a Windows guest (PowerShell Direct
through the host, PSRP, or SSH) and reads what the specification reads there:

- the integration services version, with ``REG QUERY "HKLM\Software\Microsoft\Virtual
  Machine\Auto" /v IntegrationServicesVersion``;
- the ``vmic*`` Windows services, their status and startup type (``Get-Service``).

It starts and stops those services and sets their startup type. The specification's
advice stands: manage integration services from the host; a service stopped in the
guest while the host has it enabled is started again by Hyper-V, and one whose
startup type is Disabled cannot be started by Hyper-V at all.

>>> from vmic.testing import FakeHyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("DemoVM", "Windows Server 2019")
>>> guest = WindowsGuest(lab.guest_executor("DemoVM"))
>>> guest.stop("vmicvss").status
<WindowsServiceStatus.STOPPED: 'stopped'>
>>> lab.settle()
>>> guest.observe().service("vmicvss").status
<WindowsServiceStatus.RUNNING: 'running'>
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.clients._inventory import parse_os_caption
from vmic.clients._scripts import script
from vmic.clients._sections import error_reason, load_json, read_result, split_sections
from vmic.errors import (
    ConfigurationError,
    GuestCommandError,
    GuestPowerShellError,
    KvpVerificationError,
    ParseError,
    RegistryValueNotFoundError,
)
from vmic.model._guest import Guest, GuestService
from vmic.model._kvp_exchange import GuestKvpItems, check_item
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._status import StartType
from vmic.model._time_sync import WindowsTimeSync
from vmic.parsers._registry import parse_integration_services_version
from vmic.parsers._services import parse_get_service

if TYPE_CHECKING:
    from packaging.version import Version

    from vmic.executors._protocol import Executor
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import GuestServiceRecord

__all__ = [
    "OBSERVE_SECTIONS",
    "WindowsGuest",
    "check_guest_powershell",
    "read_guest_check",
    "windows_observation",
]

#: Seconds a guest command may run by default.
DEFAULT_TIMEOUT: Final = 120.0

_START_TYPES: Final = (StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED)

_REASONS: Final = {
    "not-installed": "is not installed in this guest",
    "startup-disabled": "has startup type Disabled; set it to Manual or Automatic first",
}


def windows_service_name(service: IntegrationService | GuestOnlyService | str) -> str:
    """The Windows service name (``vmicvss``) of a service, given as enum or any known name.

    Raises:
        vmic.UnknownServiceError: The name is not an integration service.
    """
    if isinstance(service, IntegrationService | GuestOnlyService):
        return service.info.windows_service
    if isinstance(service, str):
        found = guest_service_for(service)
        if found is not None:
            return found.info.windows_service
        return IntegrationService.lookup(service).info.windows_service
    raise ConfigurationError(f"a service must be a service or its name, not {service!r}")


def _start_type(value: StartType | str) -> StartType:
    if isinstance(value, str) and not isinstance(value, StartType):
        folded = value.strip().casefold()
        names = {t.dotnet_name.casefold(): t for t in _START_TYPES}
        value = names.get(folded, value)
    if value not in _START_TYPES:
        raise ConfigurationError(
            f"a service's startup type is Automatic, Manual or Disabled, not {value!r}"
        )
    assert isinstance(value, StartType)  # noqa: S101 - narrowed by the membership test above
    return value


class WindowsGuest:
    """A Windows guest, reached through an executor that runs PowerShell in it.

    Args:
        executor: Runs PowerShell in the guest (as an administrator, to change services).
        timeout: Seconds each command may run.
    """

    def __init__(self, executor: Executor, *, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self._executor = executor
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"WindowsGuest({self._executor!r})"

    def _run(
        self, name: str, *, required: tuple[str, ...], what: str, **parameters: str
    ) -> dict[str, str]:
        command = script(name).command(parameters, timeout=self._timeout)
        sections = read_result(self._executor.run(command), required=required, what=what)
        return check_guest_powershell(sections)

    def observe(self) -> Guest:
        """The guest's integration services version, its ``vmic*`` services and its OS.

        One command.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The guest's output could not be read.
        """
        sections = self._run(
            "windows-observe", required=OBSERVE_SECTIONS, what="the Windows guest check"
        )
        return windows_observation(sections)

    def integration_services_version(self) -> Version | None:
        """``IntegrationServicesVersion`` from ``REG QUERY``; None when the value is missing.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The output is not ``REG QUERY`` output, or the value is no version.
        """
        sections = self._run("windows-version", required=("reg",), what="REG QUERY")
        return _version(sections["reg"])

    def services(self) -> tuple[GuestServiceRecord, ...]:
        """The ``vmic*`` Windows services: name, display name, status and startup type.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The output could not be read.
        """
        sections = self._run("windows-services", required=("services",), what="Get-Service")
        return parse_get_service(sections["services"])

    def start(self, service: IntegrationService | GuestOnlyService | str) -> GuestServiceRecord:
        """``Start-Service`` in the guest; returns the service's state afterwards.

        Starting a service the host has disabled works, but the service stops again
        on its own (the specification: "the service will stop").

        Raises:
            GuestCommandError: The service is not installed, or its startup type is Disabled.
            vmic.UnknownServiceError: The name is not an integration service.
        """
        return self._act("windows-start", service, "start")

    def stop(self, service: IntegrationService | GuestOnlyService | str) -> GuestServiceRecord:
        """``Stop-Service`` in the guest; returns the service's state afterwards.

        If the host has the service enabled, Hyper-V starts it again some time later
        (unless its startup type is Disabled).

        Raises:
            GuestCommandError: The service is not installed.
            vmic.UnknownServiceError: The name is not an integration service.
        """
        return self._act("windows-stop", service, "stop")

    def set_startup(
        self, service: IntegrationService | GuestOnlyService | str, start_type: StartType | str
    ) -> GuestServiceRecord:
        """``Set-Service -StartupType`` in the guest; returns the service's state afterwards.

        Disabled keeps Hyper-V from starting the service. The service keeps running or
        stays stopped as it is.

        Raises:
            GuestCommandError: The service is not installed.
            vmic.ConfigurationError: *start_type* is not Automatic, Manual or Disabled.
            vmic.UnknownServiceError: The name is not an integration service.
        """
        kind = _start_type(start_type)
        return self._act(
            "windows-set-startup",
            service,
            "set the startup type of",
            StartupType=kind.dotnet_name,
        )

    def _act(
        self,
        name_of_script: str,
        service: IntegrationService | GuestOnlyService | str,
        verb: str,
        **extra: str,
    ) -> GuestServiceRecord:
        name = windows_service_name(service)
        sections = self._run(
            name_of_script, required=("services",), what=f"{verb} {name}", Name=name, **extra
        )
        reason = error_reason(sections)
        if reason is not None:
            word = reason[0]
            why = _REASONS.get(word, f"was refused ({word})")
            raise GuestCommandError(f"cannot {verb} {name}: it {why}", target=name, reason=word)
        records = parse_get_service(sections["services"])
        for record in records:
            if record.name.casefold() == name.casefold():
                return record
        raise ParseError(f"the guest did not report the state of {name} afterwards")

    # --- Key-Value Pair Exchange (Data Exchange) ---------------------------------------------

    def kvp_items(self) -> GuestKvpItems:
        r"""The KVP items under ``HKLM\SOFTWARE\Microsoft\Virtual Machine``, in one command.

        ``External`` (host → guest), ``Guest`` (guest → host), ``Guest\Parameters`` (what the
        host says about itself) and ``Auto`` (the guest's intrinsic items).

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The guest's output could not be read.
        """
        sections = self._run(
            "windows-kvp-read",
            required=("external", "guest", "parameters", "auto"),
            what="reading the KVP registry keys",
        )
        return GuestKvpItems(
            external=_kvp_values(sections["external"], "external"),
            guest=_kvp_values(sections["guest"], "guest"),
            parameters=_kvp_values(sections["parameters"], "parameters"),
            auto=_kvp_values(sections["auto"], "auto"),
        )

    def kvp_publish(self, key: str, value: str) -> dict[str, str]:
        r"""Publish *key* = *value* to the host: a string value under ``...\Virtual Machine\Guest``.

        The key is read back and checked. The host sees the item once the guest's Data
        Exchange service (``vmickvpexchange``) runs and the host has Data Exchange enabled.

        Returns:
            The guest's published items afterwards.

        Raises:
            vmic.KvpItemError: The key or value cannot be stored (too long, NUL, empty key).
            GuestCommandError: The guest has no ``Guest`` key (no integration services).
            vmic.KvpVerificationError: The value read back differs.
        """
        key, value = check_item(key, value)
        sections = self._run(
            "windows-kvp-publish",
            required=("guest",),
            what="publishing a KVP item",
            Key=key,
            Value=value,
        )
        reason = error_reason(sections)
        if reason is not None:
            message = (
                "cannot publish a KVP item: the guest has no "
                "HKLM\\SOFTWARE\\Microsoft\\Virtual Machine\\Guest key (are its integration "
                "services installed?)"
            )
            raise GuestCommandError(
                message,
                target="vmickvpexchange",
                reason=reason[0],
            )
        items = dict(_kvp_values(sections["guest"], "guest"))
        if items.get(key) != value:
            raise KvpVerificationError(repr(self._executor), "guest", key, value, items.get(key))
        return items


#: The sections of the Windows guest check (``windows-observe``).
OBSERVE_SECTIONS: Final = ("os", "reg", "services")


def check_guest_powershell(sections: dict[str, str]) -> dict[str, str]:
    """*sections*, unless they say the guest's PowerShell is too old (before 3.0).

    Raises:
        vmic.GuestPowerShellError: The script's first check found PowerShell 2.0 (or older).
    """
    reason = error_reason(sections)
    if reason is not None and reason[0] == "powershell-version":
        raise GuestPowerShellError(reason[1] or "older than 3.0")
    return sections


def read_guest_check(text: str) -> Guest:
    """The observation in the whole output of ``windows-observe``.

    Raises:
        vmic.ParseError: The output is incomplete or cannot be read.
        vmic.GuestPowerShellError: The guest's PowerShell is older than 3.0.
    """
    sections = split_sections(text, required=OBSERVE_SECTIONS, what="the Windows guest check")
    return windows_observation(check_guest_powershell(sections))


def windows_observation(sections: dict[str, str]) -> Guest:
    """The guest in the sections of the Windows guest check (``windows-observe``).

    Raises:
        vmic.ParseError: A section could not be read.
    """
    return Guest(
        os=_guest_os(sections["os"]),
        services=[GuestService.from_record(r) for r in parse_get_service(sections["services"])],
        integration_services_version=_version(sections["reg"]),
        time_sync=_time_sync(sections["time"]) if "time" in sections else None,
    )


def _version(text: str) -> Version | None:
    try:
        return parse_integration_services_version(text)
    except RegistryValueNotFoundError:
        return None


def _guest_os(text: str) -> OperatingSystem | None:
    value = load_json(text, section="os")
    if not isinstance(value, dict):
        msg = "the 'os' section should be one JSON object"
        raise ParseError(msg, source=text)
    return parse_os_caption(value.get("Caption"), value.get("Version"))


def _kvp_values(text: str, section: str) -> dict[str, str]:
    value = load_json(text, section=section) if text.strip() else []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ParseError(f"the {section!r} section should be a JSON list", source=text)
    pairs: dict[str, str] = {}
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("Name"), str):
            raise ParseError(f"the {section!r} section holds a malformed item", source=text)
        data = entry.get("Data")
        pairs[entry["Name"]] = "" if data is None else str(data)
    return pairs


def _time_sync(text: str) -> WindowsTimeSync:
    value = load_json(text, section="time")
    if not isinstance(value, dict):
        message = "the 'time' section should be one JSON object"
        raise ParseError(message, source=text)
    role = value.get("DomainRole")
    provider = value.get("VmicProvider")
    source = value.get("Source")
    return WindowsTimeSync(
        domain_role=role if isinstance(role, int) and not isinstance(role, bool) else None,
        vmic_provider_enabled=None if not isinstance(provider, int) else provider != 0,
        source=source if isinstance(source, str) else "",
    )
