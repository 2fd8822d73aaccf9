"""A simulated Hyper-V lab: hosts and guests that answer like the real ones.

Load it explicitly (``import vmic.testing``); ``import vmic`` never does.

- :class:`FakeHyperVHost`: an :class:`~vmic.executors.Executor` holding VMs with
  Windows or Linux guests. It answers the scripts of :mod:`vmic.clients` and the
  specification's commands with realistic output in its display language, follows
  the enablement rules of :mod:`vmic.rules.semantics`, records every command and
  raises on anything it does not understand;
- :class:`FakeVM`: the handle of one VM, whose methods change the guest side;
- :class:`Fault`: failures to inject (timeouts, refused connections, bad
  credentials, garbage output), per host and per guest;
- :func:`demo_lab`: a small estate with planted problems (:class:`DemoLab`,
  :class:`PlantedProblem`).

>>> from vmic.clients import HyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("dc01", "Windows Server 2019")
>>> observation = HyperVHost(lab).observe()
>>> [vm.name for vm in observation.vms], len(lab.commands)
(['dc01'], 1)

See ``docs/lab.md`` for a tour.
"""

from __future__ import annotations

from vmic.testing._machine import RecordedCommand
from vmic.testing.faults import Fault, FaultKind
from vmic.testing.guests import FakeGuestExecutor
from vmic.testing.host import FakeHyperVHost
from vmic.testing.lab import DemoLab, PlantedProblem, demo_lab
from vmic.testing.vm import FakeVM, LinuxRelease

__all__ = [
    "DemoLab",
    "FakeGuestExecutor",
    "FakeHyperVHost",
    "FakeVM",
    "Fault",
    "FaultKind",
    "LinuxRelease",
    "PlantedProblem",
    "RecordedCommand",
    "demo_lab",
]
