"""Simulated hosts whose answers are replayed: an audit's cost without the simulator's.

Each executor answers a command first as its simulated machine does, then replays that
answer (sleeping as long as the machine did), so a benchmark pays the latency but not the
lab's rendering. Shared by ``bench_audit`` and ``bench_host_cpu``.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Final

from vmic.clients._sections import split_sections
from vmic.connect import HostTarget
from vmic.executors import Command, Credential, Result
from vmic.executors._closing import Closing
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vmic.executors import Executor
    from vmic.model import VM

#: The Windows guests' account for the PowerShell Direct fan-out (documentation only).
ACCOUNT: Final = Credential("bench\\admin", "not-a-real-password")
WINDOWS: Final = "Windows Server 2022"
LINUX: Final = "Ubuntu 22.04"


class Replay(Closing):
    """An executor that answers each distinct command as its simulated machine first did."""

    def __init__(self, machine: Executor) -> None:
        self.machine = machine
        self.name = getattr(machine, "name", "replay")
        self.answers: dict[object, Result] = {}

    def run(self, command: Command) -> Result:
        key = (command.shell, command.script, tuple(sorted(command.parameters.items())))
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self.machine.run(command)
            return answer
        if answer.duration:
            time.sleep(answer.duration)
        return Result(
            command,
            stdout=answer.stdout,
            stderr=answer.stderr,
            exit_code=answer.exit_code,
            duration=answer.duration,
        )

    def close(self) -> None:
        """Nothing to release."""


def target(
    name: str, guests: Sequence[str], *, latency: float, ask_guests: bool = True
) -> tuple[HostTarget, list[Replay]]:
    """A replaying host with one VM per entry of *guests* (operating systems).

    With *ask_guests*, its Windows guests answer inside the host's command (PowerShell
    Direct fan-out) and the others over their own executors, as in a two-sided audit.

    Returns:
        The target, and every replaying executor behind it (host first).
    """
    host = FakeHyperVHost(name, latency=latency)
    for number, guest_os in enumerate(guests):
        host.add_vm(f"vm{number}", guest_os)
    replay = Replay(host)
    if not ask_guests:
        return HostTarget.for_executor(replay, name=host.name, timeout=30), [replay]
    replays = {vm.name: Replay(vm.guest_executor()) for vm in host.vms}

    def reach(vm: VM) -> Executor:
        return replays[vm.name]

    made = HostTarget.for_executor(
        replay, name=host.name, guests=reach, timeout=30, fan_out=ACCOUNT
    )
    return made, [replay, *replays.values()]


def answers(replays: Sequence[Replay]) -> list[str]:
    """What the replaying executors have answered so far (their standard output)."""
    return [result.stdout for replay in replays for result in replay.answers.values()]


def json_baseline(texts: Sequence[str]) -> list[str]:
    """The JSON documents ``json.loads`` reads as the baseline for these answers.

    Each section that is JSON (a ``ConvertTo-Json`` document) is one document; a section of
    plain text (a registry query, ``lsmod``, ``systemctl show``) is read as one JSON string,
    the least ``json.loads`` does with those characters. The host's fan-out section, which
    holds the guests' own sectioned answers, is split into them first.
    """
    documents: list[str] = []
    pending = list(texts)
    while pending:
        sections = split_sections(pending.pop(), what="the baseline")
        for name, body in sections.items():
            if "<<vmic:end>>" in body:
                pending.append(body)
                continue
            if name == "guests":
                # The section is JSON vmic reads too; the answers inside it are read again.
                documents.append(body)
                pending.extend(_fan_out_answers(body))
                continue
            stripped = body.lstrip()
            documents.append(body if stripped[:1] in {"[", "{"} else json.dumps(body))
    return documents


def _fan_out_answers(body: str) -> list[str]:
    """The guests' answers inside a fan-out section (JSON with each guest's output)."""
    value = json.loads(body) if body.strip() else []
    items = value if isinstance(value, list) else [value]
    return [item["Output"] for item in items if isinstance(item, dict) and item.get("Output")]
