"""What is asked of a reachable host: the host, and optionally each of its guests.

A :class:`HostTarget` is a name plus two callables, so anything that can produce
observations can be audited or diagnosed: the clients over real executors
(:meth:`HostTarget.for_executor`), the simulated lab, or canned observations in tests.
:func:`guest_observation` chooses the guest client by the guest's OS.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from vmic.connect._errors import one_line
from vmic.errors import ConfigurationError, VmicError
from vmic.model._guest import GuestUnreachable

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors._command import Credential
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest
    from vmic.model._host import VM, Host

__all__ = ["HostTarget", "guest_observation", "observe_guest", "vm_uuid"]


def _callable(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ConfigurationError(f"HostTarget.{attribute.name} must be callable, not {value!r}")


@attrs.frozen(kw_only=True)
class HostTarget:
    """One host to audit.

    Attributes:
        name: The host's name in reports.
        observe: Asks the host once and returns it (runs in a worker thread).
        observe_guest: Asks one VM's guest; returns None to leave it unobserved. Errors
            it raises become :class:`~vmic.GuestUnreachable`.
        close: Releases connections once the host is done (optional).
        observe_with_guests: Or: asks the host once and has the host ask its guests too
            (PowerShell Direct fan-out); returns the host with those guests attached to
            their VMs. Running VMs it leaves without a guest are asked with *observe_guest*.
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    observe: Callable[[], Host] = attrs.field(validator=_callable)
    observe_guest: Callable[[VM], Guest | GuestUnreachable | None] | None = attrs.field(
        default=None, validator=_callable
    )
    close: Callable[[], None] | None = attrs.field(default=None, validator=_callable)
    observe_with_guests: Callable[[], Host] | None = attrs.field(default=None, validator=_callable)

    @classmethod
    def for_executor(
        cls,
        executor: Executor,
        *,
        name: str | None = None,
        guests: Callable[[VM], Executor | None] | None = None,
        timeout: float | None = None,
        fan_out: Credential | None = None,
    ) -> HostTarget:
        """A target that reads the host with :class:`vmic.clients.HyperVHost` (one round trip).

        Args:
            executor: Reaches the Hyper-V host.
            name: The host's name in reports (default: the client's).
            guests: Gives the executor for a VM's guest (or None); the guest is then read
                with ``WindowsGuest`` or ``LinuxGuest`` according to its OS.
            timeout: Seconds each command may run (the executors' own deadline); None
                keeps the clients' default.
            fan_out: A Windows guest account: the host's own command then asks every
                running Windows guest by PowerShell Direct (one round trip for the host
                and those guests, each guest within *timeout*); *guests* still reaches
                the others (Linux guests over SSH).
        """
        from vmic.clients import HyperVHost  # noqa: PLC0415 - clients load on first use

        client = (
            HyperVHost(executor, name=name)
            if timeout is None
            else (HyperVHost(executor, name=name, timeout=timeout))
        )
        label = name or client.name or str(getattr(executor, "name", None) or repr(executor))
        observe_guest = None
        if guests is not None:
            reach = guests

            def observe_guest(vm: VM) -> Guest | GuestUnreachable | None:
                guest_executor = reach(vm)
                if guest_executor is None:
                    return None
                return guest_observation(guest_executor, vm, timeout=timeout)

        observe_with_guests = None
        if fan_out is not None:
            account = fan_out

            def observe_with_guests() -> Host:
                if timeout is None:
                    return client.observe_with_guests(account)
                return client.observe_with_guests(account, guest_timeout=timeout)

        return cls(
            name=label,
            observe=client.observe,
            observe_guest=observe_guest,
            close=executor.close,
            observe_with_guests=observe_with_guests,
        )


def guest_observation(executor: Executor, vm: VM, *, timeout: float | None = None) -> Guest:
    """Read a guest with the client its OS needs.

    The OS comes from the guest's KVP data (``VM.guest_os``). When the guest
    has not reported one (Data Exchange off, or a Linux guest without its KVP daemon),
    the guest is asked as a Windows guest first and, if that fails, as a Linux guest.

    Raises:
        vmic.VmicError: The guest did not answer (for an unknown OS: the Windows
            attempt's error, with the Linux attempt's appended).
    """
    guest_os = vm.guest_os
    if guest_os is not None and guest_os.is_linux:
        return _linux(executor, guest_os.distribution, timeout)
    if guest_os is not None:
        return _windows(executor, timeout)
    try:
        return _windows(executor, timeout)
    except VmicError as windows_error:
        try:
            return _linux(executor, None, timeout)
        except VmicError as linux_error:
            message = f"{one_line(windows_error)}; as a Linux guest: {one_line(linux_error)}"
            raise _with_message(windows_error, message) from windows_error


def _with_message(error: VmicError, message: str) -> VmicError:
    """A copy of *error*, type and attributes included, that says *message*.

    Many vmic errors take more than a message (``KvpPoolError(message, offset=...)``,
    ``VMNotFoundError(host, vm)``...), so the copy is not built through ``__init__``.
    """
    copy = type(error).__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.args = (message,)
    return copy


def _windows(executor: Executor, timeout: float | None) -> Guest:
    from vmic.clients import WindowsGuest  # noqa: PLC0415 - load on first use

    if timeout is None:
        return WindowsGuest(executor).observe()
    return WindowsGuest(executor, timeout=timeout).observe()


def _linux(executor: Executor, distribution: str | None, timeout: float | None) -> Guest:
    from vmic.clients import LinuxGuest  # noqa: PLC0415 - load on first use

    if timeout is None:
        return LinuxGuest(executor, distribution=distribution).observe()
    return LinuxGuest(executor, distribution=distribution, timeout=timeout).observe()


def observe_guest(target: HostTarget, vm: VM) -> Guest | GuestUnreachable | None:
    """Ask *target* about one guest; a failure becomes GuestUnreachable with its reason."""
    if target.observe_guest is None:
        return None
    try:
        return target.observe_guest(vm)
    except VmicError as error:
        # The reason is data (JSON keeps it whole): the renderers fit it to a terminal.
        return GuestUnreachable(reason=one_line(error, limit=None))
    except Exception as error:  # noqa: BLE001 - one guest's failure must not end the host's audit
        return GuestUnreachable(reason=f"{type(error).__name__}: {one_line(error, limit=None)}")


def vm_uuid(vm: VM) -> uuid.UUID | str:
    """The VM's id as a UUID when the host reported one, else its exact name."""
    if vm.id is not None:
        return uuid.UUID(vm.id)
    return vm.name
