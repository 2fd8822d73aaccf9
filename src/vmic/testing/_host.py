"""A simulated Hyper-V host: an executor that answers like the real thing.

:class:`FakeHyperVHost` holds VMs with Windows or Linux guests and answers, with
realistic output rendered by the project's own formatters in the host's display
language:

- the scripts the clients send (:mod:`vmic.clients._scripts`), recognised by their
  exact text, with every value read from the command's parameters;
- the commands of the specification as a person types them
  (``Get-VMIntegrationService -VMName "DemoVM"``, ``Enable-VMIntegrationService ...``);
- a few generic shell commands (exit, write, hang) the executor contract uses.

Anything else raises :class:`vmic.UnknownCommandError` naming the command. Every
command is recorded in :attr:`FakeHyperVHost.commands`, including those that fail.
:meth:`FakeHyperVHost.guest_executor` hands out an executor for each VM's guest,
which sees the same state as the host.

>>> from vmic.clients import HyperVHost
>>> lab = FakeHyperVHost("HV-BERLIN", locale="de-DE")
>>> _ = lab.add_vm("DemoVM", "Windows Server 2019")
>>> typed = Command(Shell.POWERSHELL, 'Get-VMIntegrationService -VMName "DemoVM"')
>>> for line in lab.run(typed).stdout.splitlines()[3:6]:
...     print(line[:53].rstrip())
DemoVM Gastdienstschnittstelle            False   OK
DemoVM Takt                               True    OK
DemoVM Austausch von Schlüsselwertepaaren True    OK
>>> len(HyperVHost(lab).observe().vms), [c.action for c in lab.commands]
(1, ['get-vmintegrationservice', 'inventory'])
"""

from __future__ import annotations

import threading
import uuid
import zlib
from typing import TYPE_CHECKING, Final

from packaging.version import InvalidVersion, Version

from vmic.clients import _scripts
from vmic.errors import (
    AmbiguousVMError,
    ConfigurationError,
    UnknownCommandError,
    VMNotFoundError,
)
from vmic.executors._checks import check_text
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Shell
from vmic.model._locales import check_locale
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.parsers._integration_services import format_vm_integration_services
from vmic.parsers._json import PowerShellVersion, dumps
from vmic.parsers._vms import format_get_vm
from vmic.rules._semantics import VMIntegration
from vmic.testing import _kvp, _operations, _plain, _render
from vmic.testing._fan_out import plan_fan_out
from vmic.testing._guest_data import HOST_CAPTIONS, PRODUCT_BUILDS
from vmic.testing._machine import FaultSlot, RecordedCommand, check_latency, execute
from vmic.testing._shell import Reply, answer_primitive
from vmic.testing._vm import FakeVM, resolve_service

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from vmic.executors._result import Result
    from vmic.model._records import IntegrationComponentRecord
    from vmic.rules._semantics import KernelDriver
    from vmic.testing._faults import Fault
    from vmic.testing._guests import FakeGuestExecutor
    from vmic.testing._vm import ServiceLike

__all__ = ["FakeHyperVHost", "RecordedCommand"]

_NEWLINE: Final = "\n"
_POWERSHELL_VERSIONS: Final = ("5.1", "7")
#: Rendered texts a host keeps (see FakeHyperVHost._rendered).
_RENDERED_LIMIT: Final = 256


#: TEST-NET-1, -2 and -3 (RFC 5737), as integers: the lab's guests take addresses in one.
_DOCUMENTATION_NETWORKS: Final = (0xC0000200, 0xC6336400, 0xCB007100)


class FakeHyperVHost(Closing):
    """A simulated Hyper-V host, usable wherever an :class:`~vmic.executors.Executor` is.

    Args:
        name: The host's computer name.
        host_os: The host's operating system (a Hyper-V host: Windows 8 or later,
            Windows Server 2012 or later).
        locale: The host's display language (``"en-US"``, ``"de-DE"``, ``"fr-FR"``...):
            service names and status descriptions are shown in it.
        powershell: Whose output layout to reproduce: ``"5.1"`` or ``"7"``.
        latency: Seconds every command takes (the commands sleep that long).
        fault: A fault every command meets (see :class:`~vmic.testing.Fault`).

    Raises:
        vmic.ConfigurationError: An empty host name or one with a NUL or an unpaired
            surrogate, an unknown locale or PowerShell version, a host OS that cannot run
            Hyper-V, or a negative latency.
    """

    def __init__(
        self,
        name: str = "HV01",
        *,
        host_os: str | OperatingSystem = "Windows Server 2019",
        locale: str = "en-US",
        powershell: PowerShellVersion = "5.1",
        latency: float = 0.0,
        fault: Fault | None = None,
    ) -> None:
        checked: object = name
        if not isinstance(checked, str) or not checked.strip():
            raise ConfigurationError(f"a host name must be a non-empty string, not {name!r}")
        # The name reaches the simulated outputs as UTF-8: refuse what has no encoding.
        self._name = check_text(name, what="host name")
        parsed = host_os if isinstance(host_os, OperatingSystem) else parse_os(host_os)
        if not parsed.is_hyperv_host:
            raise ConfigurationError(f"{parsed} cannot be a Hyper-V host")
        self._host_os = parsed
        self._locale = check_locale(locale)
        if powershell not in _POWERSHELL_VERSIONS:
            raise ConfigurationError(f"powershell must be '5.1' or '7', not {powershell!r}")
        self._powershell = powershell
        self._latency = check_latency(latency)
        self._faults = FaultSlot(fault)
        self._vms: list[FakeVM] = []
        self.lock = threading.RLock()
        """The lock every state change and every recorded command takes."""
        self.commands: list[RecordedCommand] = []
        """Every command the host was sent, in order (guest commands are on the guests)."""
        self.domain = "contoso.com"
        """The DNS domain of the host and its guests."""
        # Guests' addresses come from the documentation ranges (RFC 5737), never a real network.
        self.subnet = _DOCUMENTATION_NETWORKS[zlib.crc32(name.encode("utf-8")) % 3]
        """The guests' IPv4 network (10.x.0.0/16, x from the host's name)."""
        self.clock = _operations.SimulatedClock()
        """The lab's simulated time: waits advance it instead of sleeping."""
        self.host_files: dict[str, bytes] = {}
        """Files on the host, by path: what ``Copy-VMFile`` can copy into a guest."""
        self._texts: dict[object, str] = {}

    def __repr__(self) -> str:
        return (
            f"FakeHyperVHost({self._name!r}, {len(self._vms)} VMs, locale={self._locale!r}, "
            f"powershell={self._powershell!r})"
        )

    # --- settings -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The host's computer name."""
        return self._name

    @property
    def host_os(self) -> OperatingSystem:
        """The host's operating system."""
        return self._host_os

    @property
    def locale(self) -> str:
        """The host's display language."""
        return self._locale

    @property
    def powershell(self) -> PowerShellVersion:
        """Whose output layout the host reproduces (``"5.1"`` or ``"7"``)."""
        return self._powershell

    @property
    def latency(self) -> float:
        """Seconds every command takes; settable."""
        return self._latency

    @latency.setter
    def latency(self, value: float) -> None:
        self._latency = check_latency(value)

    @property
    def fault(self) -> Fault | None:
        """The fault commands meet (None: they work); settable, None clears it."""
        return self._faults.fault

    @fault.setter
    def fault(self, value: Fault | None) -> None:
        with self.lock:
            self._faults.set(value)

    @property
    def caption(self) -> tuple[str, str]:
        """The host's ``Win32_OperatingSystem`` caption and version."""
        product = self._host_os.product
        nt = product.nt_version or (0, 0)
        build = self._host_os.build or PRODUCT_BUILDS[product.value]
        return HOST_CAPTIONS[product.value], f"{nt[0]}.{nt[1]}.{build}"

    # --- VMs ----------------------------------------------------------------------------------

    @property
    def vms(self) -> tuple[FakeVM, ...]:
        """The VMs, in the order they were added."""
        with self.lock:
            return tuple(self._vms)

    def add_vm(
        self,
        name: str,
        guest_os: str | OperatingSystem = "Windows Server 2019",
        *,
        enabled: Iterable[ServiceLike] | None = None,
        installed: bool = True,
        running: bool = True,
        kernel_driver: KernelDriver | None = None,
        vm_id: uuid.UUID | str | None = None,
        integration_services_version: str | Version | None = None,
    ) -> FakeVM:
        """Create a VM with a freshly installed, settled guest.

        Args:
            name: The VM's name (any text; Hyper-V even allows two VMs the same name).
            guest_os: The guest, as text for :func:`vmic.parse_os` (``"Ubuntu 22.04"``,
                ``"Red Hat Enterprise Linux 9"``, ``"Windows Server 2012 R2"``) or a model.
            enabled: Services enabled on the host (default: Hyper-V's, all but Guest
                Service Interface).
            installed: Whether the guest has its integration services (Windows) or
                daemons (Linux) installed.
            running: Whether the VM is on.
            kernel_driver: Linux: the state of ``hv_utils`` (default: loaded).
            vm_id: The VM's id (default: derived from the host and VM names).
            integration_services_version: What a Windows guest's integration services
                report (default: current for its Windows version).

        Raises:
            vmic.ConfigurationError: A bad name (empty, or with a NUL or an unpaired
                surrogate), id or option.
            vmic.UnknownOperatingSystemError: *guest_os* names no known system.
        """
        checked: object = name
        if not isinstance(checked, str) or not checked:
            raise ConfigurationError(f"a VM name must be a non-empty string, not {name!r}")
        # A NUL or an unpaired surrogate cannot reach PowerShell or the outputs intact.
        check_text(name, what="VM name")
        parsed = guest_os if isinstance(guest_os, OperatingSystem) else parse_os(guest_os)
        services = None if enabled is None else [resolve_service(s) for s in enabled]
        integration = VMIntegration.new(
            parsed,
            enabled=services,  # type: ignore[arg-type] # guest-only services are refused inside
            installed=installed,
            kernel_driver=kernel_driver,
        )
        direct = integration.state(GuestOnlyService.POWERSHELL_DIRECT).guest
        if direct is not None and direct.running:
            # vmicvmsession starts on demand: idle, it is stopped (the specification's sample).
            integration = integration.stop_in_guest(GuestOnlyService.POWERSHELL_DIRECT)
        with self.lock:
            index = len(self._vms)
            if vm_id is None:
                same = sum(1 for vm in self._vms if vm.name == name)
                vm_id = uuid.uuid5(uuid.NAMESPACE_URL, f"vmic-lab:{self._name}:{name}:{same}")
            elif not isinstance(vm_id, uuid.UUID):
                try:
                    vm_id = uuid.UUID(str(vm_id))
                except ValueError:
                    raise ConfigurationError(f"{vm_id!r} is not a VM id (a GUID)") from None
            if any(vm.id == vm_id for vm in self._vms):
                raise ConfigurationError(f"host {self._name!r} already has a VM with id {vm_id}")
            vm = FakeVM(
                self,
                name,
                parsed,
                vm_id=vm_id,
                integration=integration,
                running=running,
                integration_services_version=None
                if integration_services_version is None
                else _version(integration_services_version),
                os_text=guest_os if isinstance(guest_os, str) else "",
                index=index,
            )
            self._vms.append(vm)
            return vm

    def vm(self, name: str | uuid.UUID) -> FakeVM:
        """The VM with exactly this name (or this id).

        Raises:
            VMNotFoundError: No VM has it.
            AmbiguousVMError: Several VMs have the name.
        """
        with self.lock:
            if isinstance(name, uuid.UUID):
                found = [vm for vm in self._vms if vm.id == name]
            else:
                found = [vm for vm in self._vms if vm.name == name]
            if not found:
                raise VMNotFoundError(self._name, str(name), (vm.name for vm in self._vms))
            if len(found) > 1:
                raise AmbiguousVMError(self._name, str(name), len(found))
            return found[0]

    def guest_executor(self, vm_name: str | uuid.UUID) -> FakeGuestExecutor:
        """The executor that reaches the guest of the VM with exactly this name (or id).

        Windows guests answer PowerShell, Linux guests ``sh``; both see the same VM
        state as the host. The same executor is returned on every call.

        Raises:
            VMNotFoundError: No VM has the name.
            AmbiguousVMError: Several VMs have the name.
        """
        return self.vm(vm_name).guest_executor()

    def settle(self) -> None:
        """Let time pass: every VM applies what Hyper-V and its guest do on their own."""
        with self.lock:
            for vm in self._vms:
                vm.settle()

    # --- the executor -------------------------------------------------------------------------

    def run(self, command: Command) -> Result:
        """Answer *command* as the Hyper-V host would.

        Raises:
            vmic.UnknownCommandError: The host does not understand the command.
            vmic.CommandTimeoutError: A timeout fault, or a command that never ends.
            vmic.ConnectionFailedError: A refused-connection fault.
            vmic.AuthenticationFailedError: An authentication fault.
        """
        checked: object = command
        with self.lock:
            plan = self._plan(command) if isinstance(checked, Command) else None
        return execute(
            lock=self.lock,
            journal=self.commands,
            target=self._name,
            command=command,
            plan=plan,
            latency=self._latency + (0.0 if plan is None else plan.latency),
            faults=self._faults,
        )

    def _plan(self, command: Command) -> _plain.Plan | None:
        if command.shell is not Shell.POWERSHELL:
            return None
        script = command.script
        if script == _scripts.HOST_INVENTORY:
            return _plain.Plan("inventory", mutating=False, run=lambda: self._inventory(None))
        if script == _scripts.HOST_INVENTORY_VM:
            return _plain.Plan(
                "inventory",
                mutating=False,
                run=lambda: self._inventory(_text_parameter(command, "VMName")),
            )
        if script == _scripts.HOST_SET_SERVICES:
            return _plain.Plan(
                "set-integration-services",
                mutating=True,
                run=lambda: self._set_services(
                    _text_parameter(command, "VMName"),
                    _list_parameter(command, "Enable"),
                    _list_parameter(command, "Disable"),
                ),
            )
        primitive = answer_primitive(command)
        if primitive is not None:
            return _plain.Plan("shell", mutating=False, run=lambda: primitive)
        return (
            self._plan_operation(command)
            or _kvp.plan_host(self, command)
            or _plain.plan_host(self, script)
        )

    def _plan_operation(self, command: Command) -> _plain.Plan | None:
        if command.script == _scripts.HOST_INVENTORY_GUESTS:
            return plan_fan_out(self, command)
        operation = _OPERATIONS.get(command.script)
        if operation is None:
            return None
        action, answer = operation
        return _plain.Plan(action, mutating=action != "wait", run=lambda: answer(self, command))

    def _selected(self, name: str | None) -> list[FakeVM]:
        if name is None:
            return list(self._vms)
        return [vm for vm in self._vms if vm.name == name]

    def _components_json(self, vms: list[FakeVM]) -> str:
        records = tuple(record for vm in vms for record in _render.component_records(vm))
        return self._rendered(("components", records), lambda: self._format_components(records))

    def _format_components(self, records: tuple[IntegrationComponentRecord, ...]) -> str:
        text = format_vm_integration_services(
            records,
            form="json",
            powershell=self._powershell,
            locale=self._locale,
            newline=_NEWLINE,
        )
        return text or "[]"

    def _rendered(self, key: object, render: Callable[[], str]) -> str:
        """What *render* prints, rendered once per distinct *key*.

        *key* holds every input the text is made from (frozen records, items), so an
        unchanged state is answered from the cache and any change renders afresh: a
        benchmark then measures vmic, not the simulator formatting the same JSON again.
        """
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) >= _RENDERED_LIMIT:
                self._texts.clear()
            text = self._texts[key] = render()
        return text

    def _inventory(self, name: str | None) -> Reply:
        vms = self._selected(name)
        caption, version = self.caption
        shell = self._powershell
        host = self._rendered(
            ("host", caption, version),
            lambda: dumps(
                {"ComputerName": self._name, "Caption": caption, "Version": version},
                powershell=shell,
                newline=_NEWLINE,
            ),
        )
        records = tuple(_render.vm_record(vm) for vm in vms)
        vm_json = self._rendered(
            ("vms", records),
            lambda: format_get_vm(records, form="json", powershell=shell, newline=_NEWLINE),
        )
        items = tuple(
            (str(vm.id).upper(), tuple(_render.intrinsic_items(vm).items())) for vm in vms
        )
        kvp = self._rendered(
            ("kvp", items),
            lambda: dumps(
                [{"VMId": vm_id, "Items": dict(pairs)} for vm_id, pairs in items],
                powershell=shell,
                newline=_NEWLINE,
            ),
        )
        parts = [
            _scripts.marker("host"),
            host,
            _scripts.marker("vms"),
            vm_json or "[]",
            _scripts.marker("components"),
            self._components_json(vms),
            _scripts.marker("kvp"),
            kvp,
            _scripts.END,
        ]
        return Reply(stdout=_NEWLINE.join(parts) + _NEWLINE)

    def answer_inventory(self, name: str | None) -> Reply:
        """The answer to :data:`~vmic.clients._scripts.HOST_INVENTORY_VM` (all VMs: None)."""
        return self._inventory(name)

    def _set_services(self, name: str, enable: tuple[str, ...], disable: tuple[str, ...]) -> Reply:
        vms = self._selected(name)
        if len(vms) != 1:
            lines = [_scripts.marker("error"), f"vm-count {len(vms)}", _scripts.END]
            return Reply(stdout=_NEWLINE.join(lines) + _NEWLINE, exit_code=_scripts.ERROR_EXIT)
        vm = vms[0]
        before = self._components_json(vms)
        wanted_on = {guid.upper() for guid in enable}
        wanted_off = {guid.upper() for guid in disable}
        for service in IntegrationService:
            enabled = bool(vm.integration.state(service).host_enabled)
            if service.guid in wanted_on and not enabled:
                vm.host_set(service, True)  # noqa: FBT003 - the setting's new value
            elif service.guid in wanted_off and enabled:
                vm.host_set(service, False)  # noqa: FBT003 - the setting's new value
        after = self._components_json(vms)
        parts = [
            _scripts.marker("before"),
            before,
            _scripts.marker("after"),
            after,
            _scripts.END,
        ]
        return Reply(stdout=_NEWLINE.join(parts) + _NEWLINE)


_OPERATIONS: Final = {
    _scripts.HOST_WAIT: ("wait", _operations.answer_wait),
    _scripts.HOST_COPY_FILE: ("copy-vmfile", _operations.answer_copy),
    _scripts.HOST_SHUTDOWN: ("stop-vm", _operations.answer_shutdown),
}


def _version(value: str | Version) -> Version:
    try:
        return value if isinstance(value, Version) else Version(str(value))
    except InvalidVersion:
        raise ConfigurationError(f"{value!r} is not a version") from None


def _text_parameter(command: Command, name: str) -> str:
    value = command.parameters.get(name)
    if not isinstance(value, str):
        raise UnknownCommandError(
            f"{command.summary()} needs the text parameter {name!r} (got {type(value).__name__})"
        )
    return value


def _list_parameter(command: Command, name: str) -> tuple[str, ...]:
    value = command.parameters.get(name)
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, tuple):
        raise UnknownCommandError(
            f"{command.summary()} needs the list parameter {name!r} (got {type(value).__name__})"
        )
    return value
