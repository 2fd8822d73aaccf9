"""Why an operation's service does not work, asking the guest too: :func:`explainer`.

The operations of :class:`~vmic.clients.HyperVHost` (``wait``, ``copy_file``,
``shutdown``) take an ``explain`` callable. Left out, they say what the host alone
tells (VM off, service disabled, the guest side silent: ``no_contact``). The explainer
built here asks the guest as well and diagnoses the VM, so the cause is the guest-side
one (``daemon_not_installed``, ``daemon_not_running``, ``guest_startup_disabled``...).

>>> import vmic
>>> from vmic.clients import HyperVHost
>>> from vmic.testing import demo_lab
>>> lab = demo_lab()
>>> host = HyperVHost(lab.host("HV01"))
>>> why = explainer(guest=lab.guest_executor("HV01", "rhel-db"))
>>> try:
...     host.wait("rhel-db", "ip", timeout=5, explain=why)
... except vmic.WaitTimeoutError as error:
...     print(error.cause.value)
daemon_not_installed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from vmic.clients import LinuxGuest, WindowsGuest
from vmic.clients._operations import Explanation, host_explanation
from vmic.diagnosis._engine import diagnose_vm
from vmic.errors import VmicError
from vmic.model._guest import GuestUnreachable
from vmic.rules._features import Feature

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.clients import Explainer
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest
    from vmic.model._host import VM
    from vmic.model._services import IntegrationService

__all__ = ["explainer"]


def explainer(
    *,
    guest: Executor | None = None,
    observe_guest: Callable[[VM], Guest | GuestUnreachable | None] | None = None,
    host: str = "",
    timeout: float | None = 60.0,
) -> Explainer:
    """An explainer that diagnoses the VM with what its guest reports.

    Args:
        guest: Reaches the VM's guest (read as Windows or Linux after the OS the host
            reports; when it reports none, as Windows first, then as Linux).
        observe_guest: Or: reads the guest itself (an audit target's ``observe_guest``).
        host: The host's name in the diagnosis.
        timeout: Seconds each guest command may run (None: no limit).

    Returns:
        A callable for the operations' ``explain`` argument. When the guest cannot be
        asked, or the diagnosis finds nothing about the service, it says what the host
        tells.
    """

    def explain(observation: VM, service: IntegrationService) -> Explanation:
        plain = host_explanation(observation, service)
        if plain.functioning:
            return plain
        seen: Guest | GuestUnreachable | None = None
        try:
            if observe_guest is not None:
                seen = observe_guest(observation)
            elif guest is not None:
                seen = _observe(guest, observation, timeout)
        except VmicError as error:
            seen = GuestUnreachable(reason=str(error).splitlines()[0] if str(error) else "")
        # The operation relies on the service: the features it carries are asked for, so a
        # service Hyper-V leaves off (Guest Service Interface) is judged as needed.
        relied_on = [feature for feature in Feature if service in feature.info.services]
        diagnosis = diagnose_vm(
            attrs.evolve(observation, guest=seen), host=host, features=relied_on
        )
        findings = [f for f in diagnosis.findings if f.service is service] or [
            f for f in diagnosis.findings if f.service is None
        ]
        if not findings:
            return Explanation(
                functioning=False, cause=plain.cause, reason=plain.reason, diagnosis=diagnosis
            )
        first = findings[0]
        return Explanation(
            functioning=False,
            cause=first.cause,
            reason=first.explanation,
            diagnosis=diagnosis,
        )

    return explain


def _observe(executor: Executor, observation: VM, timeout: float | None) -> Guest:
    guest_os = observation.guest_os
    if guest_os is not None and guest_os.is_linux:
        return LinuxGuest(executor, distribution=guest_os.distribution, timeout=timeout).observe()
    if guest_os is not None:
        return WindowsGuest(executor, timeout=timeout).observe()
    try:
        return WindowsGuest(executor, timeout=timeout).observe()
    except VmicError:
        return LinuxGuest(executor, timeout=timeout).observe()
