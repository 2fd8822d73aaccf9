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

from vmic.clients import _scripts
from vmic.clients._inventory import parse_os_caption
from vmic.clients._sections import error_reason, load_json, read_result
from vmic.errors import (
    ConfigurationError,
    GuestCommandError,
    ParseError,
    RegistryValueNotFoundError,
)
from vmic.executors._command import Command, Shell
from vmic.model._observations import WindowsGuestObservation
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._status import StartType
from vmic.parsers._registry import parse_integration_services_version
from vmic.parsers._services import parse_get_service

if TYPE_CHECKING:
    from packaging.version import Version

    from vmic.executors._protocol import Executor
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import GuestServiceRecord

__all__ = ["WindowsGuest"]

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
        self, script: str, *, required: tuple[str, ...], what: str, **parameters: str
    ) -> dict[str, str]:
        result = self._executor.run(
            Command(Shell.POWERSHELL, script, parameters=parameters, timeout=self._timeout)
        )
        return read_result(result, required=required, what=what)

    def observe(self) -> WindowsGuestObservation:
        """The guest's integration services version, its ``vmic*`` services and its OS.

        One command.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The guest's output could not be read.
        """
        sections = self._run(
            _scripts.WINDOWS_OBSERVE,
            required=("os", "reg", "services"),
            what="the Windows guest check",
        )
        return WindowsGuestObservation(
            integration_services_version=_version(sections["reg"]),
            services=parse_get_service(sections["services"]),
            guest_os=_guest_os(sections["os"]),
        )

    def integration_services_version(self) -> Version | None:
        """``IntegrationServicesVersion`` from ``REG QUERY``; None when the value is missing.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The output is not ``REG QUERY`` output, or the value is no version.
        """
        sections = self._run(_scripts.WINDOWS_VERSION, required=("reg",), what="REG QUERY")
        return _version(sections["reg"])

    def services(self) -> tuple[GuestServiceRecord, ...]:
        """The ``vmic*`` Windows services: name, display name, status and startup type.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The output could not be read.
        """
        sections = self._run(_scripts.WINDOWS_SERVICES, required=("services",), what="Get-Service")
        return parse_get_service(sections["services"])

    def start(self, service: IntegrationService | GuestOnlyService | str) -> GuestServiceRecord:
        """``Start-Service`` in the guest; returns the service's state afterwards.

        Starting a service the host has disabled works, but the service stops again
        on its own (the specification: "the service will stop").

        Raises:
            GuestCommandError: The service is not installed, or its startup type is Disabled.
            vmic.UnknownServiceError: The name is not an integration service.
        """
        return self._act(_scripts.WINDOWS_START, service, "start")

    def stop(self, service: IntegrationService | GuestOnlyService | str) -> GuestServiceRecord:
        """``Stop-Service`` in the guest; returns the service's state afterwards.

        If the host has the service enabled, Hyper-V starts it again some time later
        (unless its startup type is Disabled).

        Raises:
            GuestCommandError: The service is not installed.
            vmic.UnknownServiceError: The name is not an integration service.
        """
        return self._act(_scripts.WINDOWS_STOP, service, "stop")

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
            _scripts.WINDOWS_SET_STARTUP,
            service,
            "set the startup type of",
            StartupType=kind.dotnet_name,
        )

    def _act(
        self,
        script: str,
        service: IntegrationService | GuestOnlyService | str,
        verb: str,
        **extra: str,
    ) -> GuestServiceRecord:
        name = windows_service_name(service)
        sections = self._run(
            script, required=("services",), what=f"{verb} {name}", Name=name, **extra
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
