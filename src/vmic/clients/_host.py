"""The Hyper-V host client: inventory and host-side settings of integration services.

:class:`HyperVHost` runs PowerShell on a Hyper-V host through any
:class:`~vmic.executors.Executor` (PSRP, SSH, local, or the simulated host of
:mod:`vmic.testing`):

- :meth:`HyperVHost.observe` reads every VM, its integration components, its guest's
  intrinsic KVP items and the host's OS in **one** round trip, whatever the number of VMs;
- :meth:`HyperVHost.enable`, :meth:`HyperVHost.disable` and :meth:`HyperVHost.apply`
  change the host setting of services and read it back in the same round trip.

Services are matched by their component GUID, never by the name the host shows, so
a German host ("Takt", "Zeitsynchronisierung") works unchanged. VMs are matched by
their exact name (``web*`` is a name, not a pattern).

>>> from vmic.testing import FakeHyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("DemoVM", "Windows Server 2019")
>>> host = HyperVHost(lab)
>>> [c.service.value for c in host.enable("DemoVM", "Guest Service Interface")]
['guest_service_interface']
>>> host.apply("DemoVM", {"Guest Service Interface": True})
()
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from vmic.clients._inventory import (
    INVENTORY_SECTIONS,
    inventory_from_sections,
    parse_components,
)
from vmic.clients._operations import (
    FAMILIES,
    CopyResult,
    ShutdownResult,
    WaitFor,
    WaitResult,
    check_path,
    check_seconds,
    disable_command,
    host_explanation,
    read_wait,
)
from vmic.clients._scripts import script
from vmic.clients._sections import error_reason, load_json, read_result
from vmic.clients._windows import read_guest_check
from vmic.errors import (
    AmbiguousVMError,
    ConfigurationError,
    DataExchangeDisabledError,
    ExecutionError,
    GuestPowerShellError,
    KvpVerificationError,
    OperationError,
    ParseError,
    PreflightError,
    UnknownServiceError,
    VerificationError,
    VmicError,
    VMNotFoundError,
    WaitTimeoutError,
)
from vmic.executors._checks import check_instance
from vmic.executors._command import Credential, Secret
from vmic.model._guest import GuestUnreachable
from vmic.model._host import Host
from vmic.model._kvp_exchange import KvpExchange, check_item, check_key
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.clients._operations import Explainer, Explanation
    from vmic.executors._protocol import Executor
    from vmic.executors._result import Result
    from vmic.model._guest import Guest
    from vmic.model._host import VM
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import IntegrationComponentRecord, VirtualMachineRecord

__all__ = [
    "DIRECT_NOT_AVAILABLE",
    "Change",
    "DesiredState",
    "HyperVHost",
    "ReadBack",
    "ServiceLike",
]

#: Seconds a host command may run by default (an inventory of a large host takes a while).
DEFAULT_TIMEOUT: Final = 300.0
#: Seconds each guest may take when the host asks its guests (PowerShell Direct).
DEFAULT_GUEST_TIMEOUT: Final = 120.0
#: Guests a host asks at once.
DEFAULT_THROTTLE: Final = 16
#: The share of the host command's timeout its guests may take.
_GUEST_SHARE: Final = 0.8
#: Seconds an operation's command may run beyond its own deadline (the final inventory).
_OPERATION_SLACK: Final = 60.0
_GSI: Final = IntegrationService.GUEST_SERVICE_INTERFACE
#: Said by a refusal that comes before any change.
_NOTHING_CHANGED: Final = " Nothing was changed on the host."
#: What the KVP change script says it called ("none": nothing was to be done).
_KVP_METHODS: Final = frozenset({"AddKvpItems", "ModifyKvpItems", "RemoveKvpItems", "none"})

#: What names a service: the enum, or any name :meth:`IntegrationService.lookup` knows
#: (English, localized, Windows service name, GUID...).
ServiceLike = IntegrationService | str

#: A desired host setting per service (True: enabled), keyed by enum or by name.
DesiredState = (
    Mapping[IntegrationService, bool] | Mapping[str, bool] | Mapping[IntegrationService | str, bool]
)


@attrs.frozen
class Change:
    """One host setting that a change command flipped (or, with ``check=True``, would flip).

    Attributes:
        vm: The VM's name.
        service: The integration service.
        before: Whether it was enabled before.
        after: Whether it is (or would be) enabled after.
    """

    vm: str
    service: IntegrationService
    before: bool
    after: bool

    def __str__(self) -> str:
        verb = "enable" if self.after else "disable"
        return f"{verb} {self.service.english_name} on {self.vm}"


@attrs.frozen
class ReadBack:
    """One VM's host settings as the change command read them back, either side of it.

    Attributes:
        vm: The VM's name.
        vm_id: Its id (upper case), as the host listed it; None when it was not listed.
        wanted: What was asked, per service.
        before: Each service's setting before the change (True: enabled).
        after: Each service's setting after it.
    """

    vm: str
    vm_id: str | None
    wanted: Mapping[IntegrationService, bool]
    before: Mapping[IntegrationService, bool]
    after: Mapping[IntegrationService, bool]

    @property
    def changes(self) -> tuple[Change, ...]:
        """The settings the command flipped, in catalog order."""
        return tuple(
            Change(self.vm, service, self.before[service], self.after[service])
            for service in IntegrationService
            if service in self.before
            and service in self.after
            and self.before[service] != self.after[service]
        )

    @property
    def unmet(self) -> tuple[IntegrationService, ...]:
        """The services not as asked afterwards (or not listed), in catalog order."""
        return tuple(
            service
            for service in IntegrationService
            if service in self.wanted and self.after.get(service) is not self.wanted[service]
        )


def _service(value: object) -> IntegrationService:
    if isinstance(value, IntegrationService):
        return value
    if isinstance(value, GuestOnlyService):
        raise ConfigurationError(
            f"{value.info.windows_service} is a guest-only service: the host has no setting "
            "for it (start or stop it in the guest instead)"
        )
    if isinstance(value, str):
        guest_side = guest_service_for(value)
        if isinstance(guest_side, GuestOnlyService):
            return _service(guest_side)
        return IntegrationService.lookup(value)
    raise UnknownServiceError(repr(value))


def _check_vm_name(vm: object) -> str:
    if not isinstance(vm, str) or not vm:
        raise ConfigurationError(f"a VM name must be a non-empty string, not {vm!r}")
    return vm


class HyperVHost:
    """A Hyper-V host, reached through an executor that runs PowerShell there.

    Args:
        executor: Runs PowerShell on the host (elevated, with the Hyper-V module).
        name: The host's name in observations and messages; default: the name the
            host reports (``$env:COMPUTERNAME``), once known.
        timeout: Seconds each command may run.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        name: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise ConfigurationError(f"name must be a string, not {name!r}")
        self._executor = executor
        self._name = name
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"HyperVHost({self._executor!r}, name={self._name!r})"

    @property
    def name(self) -> str | None:
        """The host's name: as given, else as the host last reported it (None before)."""
        return self._name

    @property
    def executor(self) -> Executor:
        """The executor commands go through."""
        return self._executor

    # --- reading ---------------------------------------------------------------------------

    def observe(self) -> Host:
        """Every VM with its integration components, guest intrinsic items and guest OS.

        One command, whatever the number of VMs.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        result = self._executor.run(script("host-inventory").command(timeout=self._timeout))
        return self._read_inventory(result)

    def observe_with_guests(
        self,
        credential: Credential,
        *,
        guest_timeout: float = DEFAULT_GUEST_TIMEOUT,
        throttle: int = DEFAULT_THROTTLE,
    ) -> Host:
        """:meth:`observe`, and every running Windows guest asked on the host, in one command.

        The host opens a PowerShell Direct session to each running guest whose KVP
        ``OSName`` is empty or starts with ``Windows`` (*throttle* at once, each stopped after
        *guest_timeout* seconds, at most 80% of the client's own timeout so that the
        host still answers for every guest within it) and runs the Windows guest check
        there. The
        credential's user name and password travel as parameters (the password as a
        secure string), never as script text.

        Returns:
            The host, each VM with its guest when the host tried it (matched by VM id): a
            :class:`~vmic.Guest`, or a :class:`~vmic.GuestUnreachable` with the host's
            reason (a guest that failed or ran out of time). Guests the host did not try
            are None.

        Raises:
            vmic.ConfigurationError: *guest_timeout* or *throttle* is out of range.
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        check_instance(credential, Credential, what="credential")
        seconds: object = guest_timeout
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
            raise ConfigurationError(f"guest_timeout must be seconds > 0, not {guest_timeout!r}")
        limit: object = throttle
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigurationError(f"throttle must be a whole number >= 1, not {throttle!r}")
        if self._timeout is not None:
            # The guests' deadline lies within the host command's own: the host must
            # still print what it has before the command is stopped.
            guest_timeout = min(guest_timeout, self._timeout * _GUEST_SHARE)
        result = self._executor.run(
            script("host-inventory-guests").command(
                {
                    "VmicUser": credential.username,
                    # The guests' output is data the parsers read: not masked (as
                    # PowerShellDirectExecutor does), only kept out of messages.
                    "VmicPassword": Secret(credential.password.reveal(), mask=False),
                    "VmicGuestScript": script("windows-observe").text,
                    "VmicGuestTimeout": str(float(guest_timeout)),
                    "VmicThrottle": str(throttle),
                },
                timeout=self._timeout,
            )
        )
        sections = read_result(
            result, required=(*INVENTORY_SECTIONS, "guests"), what="the host inventory"
        )
        observation = inventory_from_sections(sections, name=self._name)
        if self._name is None and observation.name:
            self._name = observation.name
        return _with_fanned_guests(observation, sections["guests"])

    def _observe_vm(self, vm: str) -> VM:
        name = _check_vm_name(vm)
        result = self._executor.run(
            script("host-inventory-vm").command({"VMName": name}, timeout=self._timeout)
        )
        observation = self._read_inventory(result)
        if not observation.vms:
            raise VMNotFoundError(self._label, name)
        if len(observation.vms) > 1:
            raise AmbiguousVMError(self._label, name, len(observation.vms))
        return observation.vms[0]

    def _read_inventory(self, result: Result) -> Host:
        sections = read_result(result, required=INVENTORY_SECTIONS, what="the host inventory")
        observation = inventory_from_sections(sections, name=self._name)
        if self._name is None and observation.name:
            self._name = observation.name
        return observation

    @property
    def _label(self) -> str:
        # The host's name for messages: given, reported, or the executor's own.
        named = getattr(self._executor, "name", None)
        return self._name or (named if isinstance(named, str) else repr(self._executor))

    def vms(self) -> tuple[VirtualMachineRecord, ...]:
        """What ``Get-VM`` reports for every VM (name, id, state, integration services version).

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        return tuple(observation.record for observation in self.observe().vms)

    def integration_services(self, vm: str | None = None) -> tuple[VM, ...]:
        """The integration services of every VM (or of the VM named exactly *vm*).

        Each entry holds what the VM's ``Get-VM`` record says (version and integration
        services state) and its components (enabled, statuses), in one round trip.

        Raises:
            VMNotFoundError: *vm* was given and no VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        if vm is None:
            return self.observe().vms
        return (self._observe_vm(vm),)

    def guest_intrinsic_items(self, vm: str) -> dict[str, str]:
        """The guest's intrinsic KVP items as the host sees them (empty when Data Exchange is off).

        ``OSName``, ``OSVersion``, ``IntegrationServicesVersion``, ``NetworkAddressIPv4``...
        from ``Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems``.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        return dict(self._observe_vm(vm).intrinsic_items)

    def guest_os(self, vm: str) -> OperatingSystem | None:
        """The guest OS its intrinsic KVP items name, or None when it has not reported one.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        return self._observe_vm(vm).guest_os

    # --- changing ----------------------------------------------------------------------------

    def enable(self, vm: str | Sequence[str], *services: ServiceLike) -> tuple[Change, ...]:
        """``Enable-VMIntegrationService`` for *services* on the VM named exactly *vm*.

        *vm* may also be several exact names: one command changes them all. Services
        already enabled are left alone. The state is read back in the same command and
        checked.

        Returns:
            The settings that changed (empty when all were already enabled), VM by VM in
            the order given.

        Raises:
            VMNotFoundError: No VM has exactly that name (nothing was changed).
            AmbiguousVMError: Several VMs have that name (nothing was changed).
            VerificationError: A service is not enabled afterwards.
            vmic.UnknownServiceError: A name is not a service.
        """
        wanted = {_service(s): True for s in services}
        return self._set(dict.fromkeys(_vm_names(vm), wanted))

    def disable(self, vm: str | Sequence[str], *services: ServiceLike) -> tuple[Change, ...]:
        """``Disable-VMIntegrationService`` for *services* on the VM named exactly *vm*.

        See :meth:`enable`.
        """
        wanted = {_service(s): False for s in services}
        return self._set(dict.fromkeys(_vm_names(vm), wanted))

    def apply(
        self, vm: str | Sequence[str], desired: DesiredState, *, check: bool = False
    ) -> tuple[Change, ...]:
        """Bring the host settings of the VM named exactly *vm* to *desired*.

        The current settings are read first; a change command is sent only when some
        differ, and it changes only those, then reads back and verifies. Services not in
        *desired* are left as they are. *vm* may also be several exact names: they are
        read in one command and changed in one.

        Args:
            vm: The VM's exact name, or several.
            desired: Whether each service should be enabled.
            check: Change nothing; return what would change.

        Returns:
            The settings that changed (or would change), VM by VM in the order given, each
            VM's in catalog order.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            VerificationError: After the change, a setting is not as asked.
            vmic.UnknownServiceError: A key is not a service.
            vmic.ConfigurationError: A value is not a bool.
        """
        names = _vm_names(vm)
        wanted = _desired(desired)
        if len(names) == 1:
            current: tuple[VM, ...] = (self._observe_vm(names[0]),)
        else:
            current = self._find(self.observe(), names)
        planned = tuple(c for found in current for c in _plan(found.name, found.services, wanted))
        if check or not planned:
            return planned
        changes: dict[str, dict[IntegrationService, bool]] = {}
        for change in planned:
            changes.setdefault(change.vm, {})[change.service] = change.after
        return self._set(changes)

    def _find(self, host: Host, names: tuple[str, ...]) -> tuple[VM, ...]:
        """The VM named exactly each of *names*, from one reading of the host."""
        found = []
        for name in names:
            matches = [vm for vm in host.vms if vm.name == name]
            if not matches:
                raise VMNotFoundError(self._label, name, [vm.name for vm in host.vms])
            if len(matches) > 1:
                raise AmbiguousVMError(self._label, name, len(matches))
            found.append(matches[0])
        return tuple(found)

    def set_services(
        self, wanted: Mapping[str, DesiredState] | Mapping[uuid.UUID, DesiredState]
    ) -> tuple[ReadBack, ...]:
        """Turn services on or off for many VMs in **one** command, read back in the same one.

        Each VM is named by its exact name (a ``str``) or by its id (a
        :class:`uuid.UUID`), all of one kind; the host finds every VM before it changes
        anything, and touches only the settings not already as asked (matched by
        component GUID). Nothing here raises when a setting did not take: the read-back
        says so (:attr:`ReadBack.unmet`).

        Args:
            wanted: Per VM, whether each service should be enabled.

        Returns:
            Per VM, in the order given: its settings before and after the command.

        Raises:
            VMNotFoundError: A name or id matches no VM (nothing was changed).
            AmbiguousVMError: Several VMs have a name (nothing was changed).
            vmic.ConfigurationError: The keys mix names and ids, or are neither.
            vmic.UnknownServiceError: A key of a desired state is not a service.
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        checked: object = wanted
        if not isinstance(checked, Mapping):
            raise ConfigurationError(f"wanted must map VMs to desired states, not {wanted!r}")
        entries = [(key, _desired(state)) for key, state in checked.items()]
        if not entries:
            return ()
        by_id = all(isinstance(key, uuid.UUID) for key, _ in entries)
        if not by_id:
            for key, _ in entries:
                _check_vm_name(key)
        keys = tuple(str(key).upper() if by_id else key for key, _ in entries)
        result = self._executor.run(
            script("host-set-services").command(
                {
                    "Select": "id" if by_id else "name",
                    "VMs": keys,
                    "Enable": tuple(_joined(state, on=True) for _, state in entries),
                    "Disable": tuple(_joined(state, on=False) for _, state in entries),
                },
                timeout=self._timeout,
            )
        )
        sections = read_result(result, required=("before", "after"), what="the change command")
        reason = error_reason(sections)
        if reason is not None:
            self._raise_entry_error(keys, reason)
        before = _settings_by_vm(parse_components(sections["before"]))
        after = _settings_by_vm(parse_components(sections["after"]))
        names = {record.vm_id: record.vm_name for record in parse_components(sections["after"])}
        read_back = []
        for key, (_, state) in zip(keys, entries, strict=True):
            vm_id = key if by_id else next((i for i, n in names.items() if n == key), None)
            read_back.append(
                ReadBack(
                    vm=names.get(vm_id, key) if vm_id is not None else key,
                    vm_id=vm_id,
                    wanted=state,
                    before=before.get(vm_id, {}),
                    after=after.get(vm_id, {}),
                )
            )
        return tuple(read_back)

    def _set(self, wanted: dict[str, dict[IntegrationService, bool]]) -> tuple[Change, ...]:
        """:meth:`set_services` by exact names, each change verified."""
        if not any(wanted.values()):
            for name in wanted:
                _check_vm_name(name)
            return ()
        changes: list[Change] = []
        for back in self.set_services(wanted):
            if back.unmet:
                actual = {service: back.after.get(service) for service in back.wanted}
                raise VerificationError(self._label, back.vm, back.wanted, actual)
            changes.extend(back.changes)
        return tuple(changes)

    def _raise_entry_error(self, keys: tuple[str, ...], reason: tuple[str, str]) -> None:
        word, detail = reason
        numbers = detail.split()
        if word == "vm-count" and len(numbers) == 2 and all(_digits(n) for n in numbers):
            count, index = (int(n) for n in numbers)
            if index < len(keys):
                self._raise_vm_error(keys[index], ("vm-count", str(count)))
        raise ParseError(f"the change command reported {word!r} {detail!r}")

    # --- operations -------------------------------------------------------------------------

    def wait(
        self,
        vm: str,
        until: WaitFor | str,
        *,
        timeout: float,
        poll: float = 1.0,
        max_poll: float = 8.0,
        explain: Explainer | None = None,
    ) -> WaitResult:
        """Wait until the VM named exactly *vm* shows *until*, or raise saying why not.

        The waiting happens on the host, in one command: it looks at once, then after
        *poll* seconds, doubling up to *max_poll*, until *timeout* seconds have passed.
        The same command reports the VM's state at the end, so a timeout is explained
        without another round trip.

        Args:
            vm: The VM's exact name.
            until: A :class:`WaitFor`, or its text (``heartbeat``, ``ip``, ``ipv4``,
                ``ipv6``, ``kvp:KEY``).
            timeout: Seconds to wait.
            poll: Seconds between the first two looks.
            max_poll: The longest pause between two looks.
            explain: Says why the service does not work (default: what the host alone
                tells; :func:`vmic.diagnosis.explainer` asks the guest too).

        Returns:
            What was seen (the addresses, the item's value) and how long it took.

        Raises:
            vmic.WaitTimeoutError: Not met in time; ``cause`` and ``reason`` say why.
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            vmic.ConfigurationError: A bad *until*, timeout or poll.
            vmic.ExecutionError: The command could not run, or failed.
        """
        name = _check_vm_name(vm)
        wanted = WaitFor.parse(until) if isinstance(until, str) else until
        if not isinstance(wanted, WaitFor):
            raise ConfigurationError(f"until must be a WaitFor or its text, not {until!r}")
        seconds = check_seconds(timeout, what="timeout")
        first = check_seconds(poll, what="poll")
        longest = max(first, check_seconds(max_poll, what="max_poll"))
        result = self._executor.run(
            script("host-wait").command(
                {
                    "VMName": name,
                    "For": wanted.kind.value,
                    "Key": wanted.key,
                    "Prefix": wanted.prefix,
                    "Family": FAMILIES[wanted.family],
                    "HeartbeatId": IntegrationService.HEARTBEAT.guid,
                    "Timeout": seconds,
                    "Poll": first,
                    "MaxPoll": longest,
                },
                timeout=self._operation_timeout(seconds),
            )
        )
        sections = read_result(result, required=("wait",), what="the wait command")
        reason = error_reason(sections)
        if reason is not None:
            self._raise_vm_error(name, reason)
        met, elapsed, polls, values = read_wait(sections["wait"])
        if met:
            return WaitResult(name, wanted, elapsed, polls, values)
        observation = self._read_inventory(result).vm(name)
        why = self._explain(observation, wanted.service, explain)
        if why.functioning and observation is not None:
            if wanted.kind.value == "ip":
                what = "address" + (f" starting with {wanted.prefix!r}" if wanted.prefix else "")
                hint = " (no DHCP lease, or no network adapter connected)"
            else:
                what, hint = f"KVP item {wanted.key!r}", ""
            why = attrs.evolve(
                why,
                reason=f"{wanted.service.english_name} works, but the guest reports no "
                f"{what}{hint}",
            )
        label = f"{why.cause.label}: " if why.cause is not None else ""
        raise WaitTimeoutError(
            f"VM {name!r} on {self._label}: no {wanted} within {seconds:g}s: {label}{why.reason}",
            host=self._label,
            vm=name,
            until=str(wanted),
            timeout=seconds,
            elapsed=elapsed,
            reason=why.reason,
            cause=why.cause,
            diagnosis=why.diagnosis,
        )

    def copy_file(
        self,
        vm: str,
        source: str,
        destination: str,
        *,
        create_path: bool = False,
        overwrite: bool = False,
        enable_service: bool = False,
        explain: Explainer | None = None,
    ) -> CopyResult:
        """Copy the host's file *source* to *destination* in the guest (``Copy-VMFile``).

        Copy-VMFile copies from the host into the guest only, never back. It needs Guest
        Service Interface, which Hyper-V leaves off: the preflight refuses while it is off,
        unless *enable_service*, and refuses while the guest side (``vmicguestinterface``;
        a Linux ``hv_fcopy_daemon`` or ``hv_fcopy_uio_daemon``) does not answer, saying why.

        With *enable_service* the whole preflight runs before the setting is changed: the
        guest side is asked (through *explain*) whether enabling can make the service work
        (a Windows 7 guest cannot have it: refused, nothing changed), and the host's side of
        the copy is checked (the VM, the source file). Then the service is enabled (the
        result says so) and the copy made; if it is still refused or fails, the service is
        disabled again, and a note on the error says so (or, if that fails too, that it is
        still enabled and the command that turns it off).

        Args:
            vm: The VM's exact name.
            source: The file's path on the host.
            destination: The path in the guest (an existing directory there takes the
                source's file name).
            create_path: Create missing directories of *destination* (``-CreateFullPath``).
            overwrite: Replace an existing file (``-Force``).
            enable_service: Enable Guest Service Interface on the host if it is off.
            explain: Says why the service does not work (see :meth:`wait`).

        Raises:
            vmic.PreflightError: Guest Service Interface is off, or its guest side does not
                work; nothing was copied (see the error's notes for a setting changed and
                changed back).
            vmic.OperationError: The host refused the copy (no such source file, the file
                exists in the guest, a missing directory...).
            vmic.UnsafeValueError: A path holds a NUL.
            VMNotFoundError: No VM has exactly that name.
        """
        name = _check_vm_name(vm)
        source = check_path(source, what="source path")
        destination = check_path(destination, what="destination path")
        copy = functools.partial(
            self._copy, name, source, destination, create_path=create_path, overwrite=overwrite
        )
        observation = self._observe_vm(name)
        component = observation.service(_GSI)
        if component is None or component.enabled or not observation.running:
            why = self._explain(observation, _GSI, explain)
            if not why.functioning:
                raise self._refusal(f"cannot copy into VM {name!r}", name, _GSI, why)
            return CopyResult(name, source, destination, copy(check=False))
        if not enable_service:
            raise PreflightError(
                f"cannot copy into VM {name!r}: Guest Service Interface is disabled on "
                f"{self._label} (Hyper-V's default); enable it (enable_service=True, "
                "vmic copy --enable-service)",
                host=self._label,
                vm=name,
                reason="Guest Service Interface is disabled in the VM's settings on the host",
                service=_GSI,
                cause=Cause.DISABLED_ON_HOST,
            )
        # The whole preflight runs before the host setting changes: a guest side that
        # enabling cannot make work is refused now, and so is the host's side of the copy.
        why = self._explain(observation, _GSI, explain)
        if why.cause is not None and why.cause.needs_guest_change:
            raise self._refusal(
                f"cannot copy into VM {name!r}", name, _GSI, why, hint=_NOTHING_CHANGED
            )
        copy(check=True)
        self.enable(name, _GSI)
        try:
            observation = self._observe_vm(name)
            why = self._explain(observation, _GSI, explain)
            if not why.functioning:
                raise self._refusal(f"cannot copy into VM {name!r}", name, _GSI, why)
            size = copy(check=False)
        except VmicError as error:
            self._undo_enable(name, _GSI, error, purpose="this copy")
            raise
        return CopyResult(name, source, destination, size, enabled_service=True)

    def _copy(
        self,
        name: str,
        source: str,
        destination: str,
        *,
        create_path: bool,
        overwrite: bool,
        check: bool,
    ) -> int:
        """Run the copy script (with *check*: its host-side checks only); the file's size."""
        result = self._executor.run(
            script("host-copy-file").command(
                {
                    "VMName": name,
                    "Source": source,
                    "Destination": destination,
                    "CreatePath": bool(create_path),
                    "Overwrite": bool(overwrite),
                    "Check": check,
                },
                timeout=self._timeout,
            )
        )
        section = "checked" if check else "copied"
        sections = read_result(result, required=(section,), what="the copy command")
        reason = error_reason(sections)
        if reason is not None:
            word, detail = reason
            if word == "vm-count":
                self._raise_vm_error(name, reason)
            message = sections["error"].split("\n", 1)[1].strip() if word == "copy-failed" else ""
            text = {
                "source-missing": f"the host has no file {source!r}",
                "copy-failed": f"Copy-VMFile failed: {message or detail or 'no message'}",
            }.get(word, f"the copy command reported {word!r} {detail!r}")
            raise OperationError(
                f"cannot copy into VM {name!r}: {text}", host=self._label, vm=name, reason=text
            )
        copied = load_json(sections[section], section=section)
        size = copied.get("Bytes") if isinstance(copied, dict) else None
        if isinstance(size, bool) or not isinstance(size, int):
            raise ParseError(f"the copy command reported no size: {copied!r}")
        return size

    def _undo_enable(
        self, vm: str, service: IntegrationService, error: VmicError, *, purpose: str
    ) -> None:
        """Disable *service* again after *purpose* failed; note on *error* what was done."""
        try:
            self.disable(vm, service)
        except VmicError as failure:
            error.add_note(
                f"{service.english_name} was enabled on {self._label} for {purpose} and is "
                f"still enabled: disabling it again failed ({_one_line(str(failure), 200)}); "
                f"to turn it off: {disable_command(vm, service)}"
            )
        else:
            error.add_note(
                f"{service.english_name} was enabled on {self._label} for {purpose}, and has "
                "been disabled again"
            )

    def shutdown(
        self,
        vm: str,
        *,
        timeout: float,
        force: bool = False,
        turn_off: bool = False,
        poll: float = 1.0,
        max_poll: float = 8.0,
        explain: Explainer | None = None,
    ) -> ShutdownResult:
        """Shut the VM named exactly *vm* down through its guest, and wait until it is off.

        The preflight checks the Shutdown service (enabled on the host, and its guest side
        answering): without it Hyper-V cannot ask the guest, so the call refuses, unless
        *turn_off*. Then ``Stop-VM`` asks the guest and the host waits up to *timeout*
        seconds for Off.

        Args:
            vm: The VM's exact name.
            timeout: Seconds to wait for Off.
            force: Ask with ``Stop-VM -Force``: still a clean shutdown through the guest,
                which a locked guest or one with unsaved work would otherwise refuse
                (Hyper-V gives applications five minutes to save their data).
            turn_off: Turn a VM still running at the deadline off (``Stop-VM -TurnOff``: a
                power cut), never earlier; the result says so
                (:attr:`ShutdownResult.turned_off`).
            poll: Seconds before the first check; the wait doubles up to *max_poll*.
            max_poll: The longest wait between checks.
            explain: How to tell why the Shutdown service does not work (default: from the
                host's side).

        A VM already off is left alone.

        Raises:
            vmic.PreflightError: The Shutdown service does not work (and not *turn_off*).
            vmic.WaitTimeoutError: The VM was not off within *timeout* (and not *turn_off*).
            VMNotFoundError: No VM has exactly that name.
        """
        name = _check_vm_name(vm)
        seconds = check_seconds(timeout, what="timeout")
        first = check_seconds(poll, what="poll")
        longest = max(first, check_seconds(max_poll, what="max_poll"))
        observation = self._observe_vm(name)
        if observation.state.value == "off":
            return ShutdownResult(name, "Off", "Off", 0.0)
        service = IntegrationService.SHUTDOWN
        why = self._explain(observation, service, explain)
        if not why.functioning and not turn_off:
            raise self._refusal(
                f"cannot shut VM {name!r} down cleanly",
                name,
                service,
                why,
                subject="the Shutdown service",
                hint=" (turn_off=True / --turn-off turns it off after the timeout)",
            )
        result = self._executor.run(
            script("host-shutdown").command(
                {
                    "VMName": name,
                    "Timeout": seconds,
                    "Poll": first,
                    "MaxPoll": longest,
                    "Force": bool(force),
                    "TurnOff": bool(turn_off),
                },
                timeout=self._operation_timeout(seconds),
            )
        )
        sections = read_result(result, required=("shutdown",), what="the shutdown command")
        reason = error_reason(sections)
        if reason is not None:
            self._raise_vm_error(name, reason)
        data = load_json(sections["shutdown"], section="shutdown")
        if not isinstance(data, dict):
            raise ParseError(f"the shutdown command printed {data!r}")
        before, after = str(data.get("Before", "")), str(data.get("After", ""))
        elapsed = data.get("Seconds")
        elapsed = float(elapsed) if isinstance(elapsed, int | float) else 0.0
        refused = str(data.get("Refused") or "")
        turned_off = data.get("TurnedOff") is True
        if turned_off or after.lower() != "off":
            because = (
                f"Stop-VM failed: {refused}"
                if refused
                else f"the guest did not finish shutting down within {seconds:g}s"
            )
            if not why.functioning:
                because = f"{why.reason}; {because}"
        else:
            because = ""
        if after.lower() != "off":
            hint = "" if force else " (force=True / --force asks with Stop-VM -Force)"
            raise WaitTimeoutError(
                f"VM {name!r} on {self._label} is still {after or 'running'} after "
                f"{seconds:g}s: {because}{hint if refused else ''}",
                host=self._label,
                vm=name,
                until="off",
                timeout=seconds,
                elapsed=elapsed,
                reason=because,
                cause=why.cause,
                diagnosis=why.diagnosis,
            )
        return ShutdownResult(
            name,
            before,
            after,
            elapsed,
            turned_off=turned_off,
            forced=data.get("Forced") is True,
            reason=because,
        )

    def _explain(
        self,
        observation: VM | None,
        service: IntegrationService,
        explain: Explainer | None,
    ) -> Explanation:
        if observation is None:
            msg = "the host's final report does not list the VM"
            raise ParseError(msg)
        return (explain or host_explanation)(observation, service)

    def _refusal(
        self,
        what: str,
        vm: str,
        service: IntegrationService,
        why: Explanation,
        *,
        subject: str | None = None,
        hint: str = "",
    ) -> PreflightError:
        """The preflight error of an operation whose *service* does not work, with its cause."""
        label = f"{why.cause.label}: " if why.cause is not None else ""
        return PreflightError(
            f"{what}: {subject or service.english_name} does not work: {label}{why.reason}{hint}",
            host=self._label,
            vm=vm,
            reason=why.reason,
            service=service,
            cause=why.cause,
            diagnosis=why.diagnosis,
        )

    def _operation_timeout(self, seconds: float) -> float | None:
        if self._timeout is None:
            return None
        return seconds + max(self._timeout, _OPERATION_SLACK)

    def _raise_vm_error(self, vm: str, reason: tuple[str, str]) -> None:
        word, detail = reason
        count = int(detail) if _digits(detail) else None
        if word == "vm-count" and count == 0:
            raise VMNotFoundError(self._label, vm)
        if word == "vm-count" and count is not None and count > 1:
            raise AmbiguousVMError(self._label, vm, count)
        raise ParseError(f"the change command reported {word!r} {detail!r}")

    # --- Key-Value Pair Exchange (Data Exchange) ---------------------------------------------

    def kvp_items(self, vm: str) -> KvpExchange:
        """The KVP items of the VM named exactly *vm*, both ways, in one round trip.

        The guest's intrinsic items and the items it published (guest → host), and the
        items the host sent (host → guest), with whether Data Exchange is enabled.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        name = _check_vm_name(vm)
        sections = self._kvp_run("host-kvp-read", name, required=("state", "host"))
        state = load_json(sections["state"], section="state")
        enabled = isinstance(state, dict) and state.get("Enabled") is True
        return KvpExchange(
            vm=name,
            enabled=enabled,
            intrinsic=_kvp_pairs(sections.get("intrinsic", "[]"), "intrinsic"),
            guest=_kvp_pairs(sections.get("guest", "[]"), "guest"),
            host=_kvp_pairs(sections["host"], "host"),
        )

    def kvp_set(self, vm: str, key: str, value: str) -> KvpExchange:
        """Send the item *key* = *value* to the guest of *vm* (add it, or modify it).

        ``AddKvpItems`` or ``ModifyKvpItems`` with one ``Msvm_KvpExchangeDataItem``, then
        the host's items are read back in the same command and checked. The key and
        value are checked against Hyper-V's limits before anything is sent (see
        :mod:`vmic.model._kvp_exchange`).

        Returns:
            The VM's items after the change.

        Raises:
            vmic.KvpItemError: The key or value cannot be stored (too long, NUL, empty key).
            vmic.DataExchangeDisabledError: Key-Value Pair Exchange is disabled for the VM.
            vmic.KvpVerificationError: The item read back is not the one sent.
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        name = _check_vm_name(vm)
        key, value = check_item(key, value)
        return self._kvp_change(name, "set", key, value)

    def kvp_remove(self, vm: str, key: str) -> KvpExchange:
        """Remove the host item *key* of *vm* (``RemoveKvpItems``); nothing to do if absent.

        Returns:
            The VM's items after the change; ``method`` is ``"none"`` (and ``changed``
            False) when the key was not there.

        Raises:
            vmic.KvpItemError: The key cannot be a KVP key.
            vmic.DataExchangeDisabledError: Key-Value Pair Exchange is disabled for the VM.
            vmic.KvpVerificationError: The item is still there afterwards.
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        name = _check_vm_name(vm)
        key = check_key(key)
        return self._kvp_change(name, "remove", key, "")

    def _kvp_change(self, vm: str, operation: str, key: str, value: str) -> KvpExchange:
        sections = self._kvp_run(
            "host-kvp-change",
            vm,
            required=("method", "host"),
            Operation=operation,
            Key=key,
            Value=value,
        )
        host = dict(_kvp_pairs(sections["host"], "host"))
        expected = value if operation == "set" else None
        if host.get(key) != expected:
            raise KvpVerificationError(self._label, vm, key, expected, host.get(key))
        method = sections["method"].strip()
        if method not in _KVP_METHODS:
            raise ParseError(f"the KVP command names no known method: {method[:80]!r}")
        return KvpExchange(vm=vm, enabled=True, host=host, method=method)

    def _kvp_run(
        self, name: str, vm: str, *, required: tuple[str, ...], **extra: str
    ) -> dict[str, str]:
        result = self._executor.run(
            script(name).command(
                {
                    "VMName": vm,
                    "Component": IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid,
                    **extra,
                },
                timeout=self._timeout,
            )
        )
        sections = read_result(result, required=required, what="the KVP command")
        reason = error_reason(sections)
        if reason is None:
            return sections
        word, detail = reason
        if word == "kvp-disabled":
            raise DataExchangeDisabledError(vm)
        if word == "kvp-failed":
            raise ExecutionError(
                f"Hyper-V refused the KVP change to VM {vm!r} on host {self._label!r} "
                f"(WMI return code {detail})"
            )
        self._raise_vm_error(vm, reason)
        raise AssertionError  # pragma: no cover - _raise_vm_error always raises


#: Why a guest was not asked: PowerShell Direct needs a Windows 10 / Server 2016 or later guest.
DIRECT_NOT_AVAILABLE: Final = (
    "PowerShell Direct is not available for this guest (it needs Windows 10 or Windows "
    "Server 2016 or later in the guest)"
)


def _with_fanned_guests(host: Host, text: str) -> Host:
    """*host*, each VM with its guest from a ``guests`` section (matched by VM id).

    A guest the host could not ask is unreachable with the reason: PowerShell Direct not
    available for it (an older Windows, not a failure), no answer in time, or PowerShell's
    message. A guest whose output cannot be read is unreachable with the parser's reason.
    """
    guests = _fanned_guests(text)
    if not guests:
        return host
    # The same host with its VMs rebuilt, each checked as it takes its guest.
    return Host._parsed(
        host.name,
        host.os,
        tuple(
            vm if vm.id is None or vm.id not in guests else vm._with_guest(guests[vm.id])
            for vm in host.vms
        ),
    )


def _fanned_guests(text: str) -> dict[str, Guest | GuestUnreachable]:
    """The guests of a ``guests`` section, by upper-case VM id."""
    entries = load_json(text, section="guests")
    if isinstance(entries, dict):
        entries = [entries]  # PowerShell 5.1 prints a one-element array as its element
    if not isinstance(entries, list):
        msg = "the 'guests' section is not a JSON array"
        raise ParseError(msg, source=text)
    guests: dict[str, Guest | GuestUnreachable] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("VMId"), str):
            msg = "a 'guests' entry has no VMId"
            raise ParseError(msg, source=text)
        name = entry["VMId"].upper()
        outcome = str(entry.get("Outcome") or "")
        reason = _one_line(str(entry.get("Reason") or ""))
        if outcome == "not-available":
            reports = f": the guest reports {reason}" if reason else ""
            guests[name] = GuestUnreachable(reason=DIRECT_NOT_AVAILABLE + reports)
            continue
        if outcome != "answered":
            guests[name] = GuestUnreachable(
                reason=f"PowerShell Direct: {reason or outcome or 'no outcome reported'}"
            )
            continue
        try:
            guests[name] = read_guest_check(str(entry.get("Output") or ""))
        except (ParseError, GuestPowerShellError) as error:
            guests[name] = GuestUnreachable(reason=_one_line(str(error)))
    return guests


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def _kvp_pairs(text: str, section: str) -> dict[str, str]:
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


def _desired(desired: DesiredState) -> dict[IntegrationService, bool]:
    checked: object = desired
    if not isinstance(checked, Mapping):
        raise ConfigurationError(f"desired must map services to booleans, not {desired!r}")
    wanted: dict[IntegrationService, bool] = {}
    for key, value in checked.items():
        service = _service(key)
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"desired[{key!r}] must be True (enabled) or False (disabled), not {value!r}"
            )
        if wanted.get(service, value) is not value:
            raise ConfigurationError(f"desired names {service.english_name} twice, differently")
        wanted[service] = value
    return wanted


def _settings(records: Iterable[IntegrationComponentRecord]) -> dict[IntegrationService, bool]:
    return {r.service: r.enabled for r in records if r.service is not None}


def _settings_by_vm(
    records: Iterable[IntegrationComponentRecord],
) -> dict[str | None, dict[IntegrationService, bool]]:
    """Each VM's settings, by its upper-case id."""
    by_vm: dict[str | None, dict[IntegrationService, bool]] = {}
    for record in records:
        if record.service is not None:
            by_vm.setdefault(record.vm_id, {})[record.service] = record.enabled
    return by_vm


def _joined(state: Mapping[IntegrationService, bool], *, on: bool) -> str:
    """The component GUIDs to turn *on* (or off), as the change script reads them."""
    return ",".join(service.guid for service, wanted in state.items() if wanted is on)


def _digits(text: str) -> bool:
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit()


def _vm_names(vm: object) -> tuple[str, ...]:
    """One exact name, or several (each once, in order)."""
    if isinstance(vm, str):
        return (_check_vm_name(vm),)
    if not isinstance(vm, Sequence) or not vm:
        raise ConfigurationError(f"vm must be a VM's exact name or a list of them, not {vm!r}")
    return tuple(dict.fromkeys(_check_vm_name(name) for name in vm))


def _plan(
    vm: str,
    components: Iterable[IntegrationComponentRecord],
    wanted: dict[IntegrationService, bool],
) -> tuple[Change, ...]:
    current = _settings(components)
    changes = []
    for service in IntegrationService:
        if service not in wanted:
            continue
        if service not in current:
            raise ConfigurationError(
                f"the host lists no {service.english_name} component for VM {vm!r} "
                "(its Hyper-V version predates the service)"
            )
        if current[service] is not wanted[service]:
            changes.append(Change(vm, service, current[service], wanted[service]))
    return tuple(changes)
