"""A simulated Hyper-V lab: hosts and guests that answer like the real ones.

Load it explicitly (``import vmic.testing``); ``import vmic`` never does.

- :class:`FakeHyperVHost`: an :class:`~vmic.executors.Executor` holding VMs with
  Windows or Linux guests. It answers the scripts of :mod:`vmic.clients` and the
  specification's commands with realistic output in its display language, follows
  the enablement rules of :mod:`vmic.rules` (the enablement model), records every command and
  raises on anything it does not understand;
- :class:`FakeVM`: the handle of one VM, whose methods change the guest side;
- :class:`Fault`: failures to inject (timeouts, refused connections, bad
  credentials, garbage output), per host and per guest;
- :func:`demo_lab`: a small estate with planted problems (:class:`DemoLab`,
  :class:`PlantedProblem`);
- :class:`LabMemory`: the change commands a lab received (:class:`LabChange`), to replay
  on a fresh lab (how ``vmic ... --lab demo`` remembers).

>>> from vmic.clients import HyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("dc01", "Windows Server 2019")
>>> observation = HyperVHost(lab).observe()
>>> [vm.name for vm in observation.vms], len(lab.commands)
(['dc01'], 1)

See ``docs/lab.md`` for a tour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.testing._faults import Fault as Fault, FaultKind as FaultKind
    from vmic.testing._guests import FakeGuestExecutor as FakeGuestExecutor
    from vmic.testing._host import FakeHyperVHost as FakeHyperVHost
    from vmic.testing._journal import RecordedCommand as RecordedCommand
    from vmic.testing._lab import (
        DemoLab as DemoLab,
        PlantedProblem as PlantedProblem,
        demo_lab as demo_lab,
    )
    from vmic.testing._memory import LabChange as LabChange, LabMemory as LabMemory
    from vmic.testing._vm import FakeVM as FakeVM, LinuxRelease as LinuxRelease

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "DemoLab": "._lab",
        "FakeGuestExecutor": "._guests",
        "FakeHyperVHost": "._host",
        "FakeVM": "._vm",
        "Fault": "._faults",
        "FaultKind": "._faults",
        "LabChange": "._memory",
        "LabMemory": "._memory",
        "LinuxRelease": "._vm",
        "PlantedProblem": "._lab",
        "RecordedCommand": "._journal",
        "demo_lab": "._lab",
    },
)
