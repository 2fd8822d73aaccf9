"""Failures a simulated host or guest can be told to produce.

A :class:`Fault` makes an executor of the lab fail the way a real one does:

- :attr:`FaultKind.TIMEOUT`: the command does not finish in time
  (:class:`vmic.CommandTimeoutError`);
- :attr:`FaultKind.CONNECTION_REFUSED`: the machine cannot be reached
  (:class:`vmic.ConnectionFailedError`);
- :attr:`FaultKind.AUTHENTICATION_FAILED`: it refuses the credentials
  (:class:`vmic.AuthenticationFailedError`);
- :attr:`FaultKind.GARBAGE_OUTPUT`: the command "succeeds" but prints something no
  parser accepts (a PowerShell progress record serialized as CLIXML, as a console
  host sometimes leaks), so the client raises :class:`vmic.ParseError`.

>>> from vmic.testing import FakeHyperVHost
>>> host = FakeHyperVHost("HV01", fault=Fault.refused())
>>> from vmic.clients import HyperVHost
>>> HyperVHost(host).observe()
Traceback (most recent call last):
...
vmic.errors.ConnectionFailedError: cannot connect to HV01: connection refused (simulated)
"""

from __future__ import annotations

from typing import Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._named import NamedEnum

__all__ = ["GARBAGE", "Fault", "FaultKind"]

#: What a faulty machine prints instead of the answer: a serialized progress record.
GARBAGE: Final = (
    "#< CLIXML\r\n"
    '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
    '<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject'
    '</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record">'
    "<AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC>"
    "<T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>\r\n"
)


class FaultKind(NamedEnum):
    """How a simulated machine fails."""

    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection_refused"
    AUTHENTICATION_FAILED = "authentication_failed"
    GARBAGE_OUTPUT = "garbage_output"

    def __repr__(self) -> str:
        return f"FaultKind.{self.name}"


def _times(_instance: object, _attribute: object, value: int | None) -> None:
    checked: object = value
    if checked is not None and (
        isinstance(checked, bool) or not isinstance(checked, int) or checked < 1
    ):
        raise ConfigurationError(f"times must be a positive integer or None, not {value!r}")


@attrs.frozen
class Fault:
    """A failure to inject into a simulated host or guest.

    Attributes:
        kind: How it fails.
        times: Fail this many commands, then work again (None: every command, until
            the fault is replaced or cleared).
    """

    kind: FaultKind = attrs.field(validator=attrs.validators.instance_of(FaultKind))
    times: int | None = attrs.field(default=None, kw_only=True, validator=_times)

    @classmethod
    def timeout(cls, *, times: int | None = None) -> Fault:
        """Commands time out."""
        return cls(FaultKind.TIMEOUT, times=times)

    @classmethod
    def refused(cls, *, times: int | None = None) -> Fault:
        """Connections are refused."""
        return cls(FaultKind.CONNECTION_REFUSED, times=times)

    @classmethod
    def authentication(cls, *, times: int | None = None) -> Fault:
        """Credentials are refused."""
        return cls(FaultKind.AUTHENTICATION_FAILED, times=times)

    @classmethod
    def garbage(cls, *, times: int | None = None) -> Fault:
        """Commands print output no parser accepts."""
        return cls(FaultKind.GARBAGE_OUTPUT, times=times)
