"""Errors the clients raise.

They extend the hierarchy in :mod:`vmic.errors`, so callers keep catching the
general classes::

    vmic.ConfigurationError, LookupError
    ├── VMNotFoundError           the host has no VM with exactly this name
    └── AmbiguousVMError          several VMs on the host have this name
    vmic.ExecutionError
    └── VerificationError         a change ran, but reading back shows it did not take effect
    vmic.InvalidTransitionError
    └── GuestCommandError         a guest refused an action, and said why
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic.errors import ConfigurationError, ExecutionError, InvalidTransitionError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from vmic.model.services import IntegrationService

__all__ = ["AmbiguousVMError", "GuestCommandError", "VMNotFoundError", "VerificationError"]


class VMNotFoundError(ConfigurationError, LookupError):
    """The host has no VM whose name is exactly the one asked for.

    Names are compared exactly (every character and its case); ``web*`` is a name,
    not a pattern.

    Attributes:
        host: The host that was asked.
        vm: The name asked for.
        known: The names the host reported, when it reported them (may be empty).
    """

    def __init__(self, host: str, vm: str, known: Iterable[str] = ()) -> None:
        self.host = host
        self.vm = vm
        self.known = tuple(known)
        message = f"host {host!r} has no VM named exactly {vm!r}"
        if self.known:
            message += "; its VMs: " + ", ".join(repr(name) for name in self.known)
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousVMError(ConfigurationError, LookupError):
    """Several VMs on the host share the name asked for (Hyper-V allows it).

    Attributes:
        host: The host that was asked.
        vm: The name asked for.
        count: How many VMs have it.
    """

    def __init__(self, host: str, vm: str, count: int) -> None:
        self.host = host
        self.vm = vm
        self.count = count
        super().__init__(
            f"host {host!r} has {count} VMs named {vm!r}; rename one, or manage it by id"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class VerificationError(ExecutionError):
    """A change command ran, but the state read back afterwards is not the state asked for.

    Attributes:
        host: The host.
        vm: The VM.
        expected: The host setting asked for, per service.
        actual: The host setting read back, per service (None: the host did not list it).
    """

    def __init__(
        self,
        host: str,
        vm: str,
        expected: Mapping[IntegrationService, bool],
        actual: Mapping[IntegrationService, bool | None],
    ) -> None:
        self.host = host
        self.vm = vm
        self.expected = dict(expected)
        self.actual = dict(actual)
        wrong = []
        for service, wanted in self.expected.items():
            found = self.actual.get(service)
            if found is wanted:
                continue
            shown = "not listed" if found is None else ("enabled" if found else "disabled")
            wanted_text = "enabled" if wanted else "disabled"
            wrong.append(f"{service.english_name} is {shown}, expected {wanted_text}")
        super().__init__(
            f"the change to VM {vm!r} on host {host!r} did not take effect: " + "; ".join(wrong)
        )


class GuestCommandError(InvalidTransitionError):
    """A guest refused an action on one of its integration services.

    Attributes:
        target: What was acted on (a Windows service or a Linux daemon name).
        reason: The guest's reason, as a stable word (``not-installed``,
            ``startup-disabled``, ``masked``...).
    """

    def __init__(self, message: str, *, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(message)
