"""Saved observations: ``vmic audit --save-observations DIR`` and ``vmic doctor --observations``.

An audit target is wrapped so that what its host and guests report is kept as it passes;
after the audit each audited host's observations are written to ``DIR/<host>.json``
(:func:`vmic.convert.observations_document`). ``vmic doctor --observations FILE`` reads one
such file and diagnoses it without contacting anything.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from vmic.connect import observe_guest
from vmic.errors import ConfigurationError, VMNotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.connect import HostTarget
    from vmic.fleet._report import AuditReport
    from vmic.model._guest import Guest, GuestUnreachable
    from vmic.model._host import VM, Host

__all__ = ["ObservationRecorder", "report_from_file"]

# Characters a host's name may keep in its file name; the rest become "_".
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@attrs.define
class ObservationRecorder:
    """Keeps what each wrapped target's host and guests report, by host name."""

    hosts: dict[str, Host] = attrs.field(factory=dict)
    # Each guest by the identity of the VM it was asked for: VM names may repeat, and the
    # audit asks about the very VM objects of the host kept here.
    guests: dict[str, dict[int, Guest | GuestUnreachable]] = attrs.field(factory=dict)

    def wrap(self, target: HostTarget) -> HostTarget:
        """*target*, keeping its observations as they pass."""
        name = target.name

        def keeping(observe: Callable[[], Host]) -> Callable[[], Host]:
            def observe_and_keep() -> Host:
                host = observe()
                self.hosts[name] = host
                return host

            return observe_and_keep

        changes: dict[str, Any] = {"observe": keeping(target.observe)}
        if target.observe_with_guests is not None:
            changes["observe_with_guests"] = keeping(target.observe_with_guests)
        if target.observe_guest is not None:

            def observe_guest_and_keep(vm: VM) -> Guest | GuestUnreachable | None:
                # The same conversion of a failure the audit makes, so the file holds it.
                guest = observe_guest(target, vm)
                if guest is not None:
                    self.guests.setdefault(name, {})[id(vm)] = guest
                return guest

            changes["observe_guest"] = observe_guest_and_keep
        return attrs.evolve(target, **changes)

    def host(self, name: str) -> Host | None:
        """The host kept under *name*, each VM with the guest asked for it."""
        host = self.hosts.get(name)
        guests = self.guests.get(name, {})
        if host is None or not guests:
            return host
        vms = [
            attrs.evolve(vm, guest=guests[id(vm)]) if id(vm) in guests else vm for vm in host.vms
        ]
        return attrs.evolve(host, vms=vms)

    def save(self, directory: str, report: AuditReport) -> list[Path]:
        """Write each audited host's observations into *directory*; the files written.

        Raises:
            ConfigurationError: The directory cannot be created or written.
        """
        from vmic.convert import observations_document  # noqa: PLC0415 - on use
        from vmic.render import json_text  # noqa: PLC0415

        folder = Path(directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigurationError(f"cannot create {directory}: {error.strerror}") from None
        written: list[Path] = []
        used: set[str] = set()
        for result in report.results:
            host = self.host(result.host)
            if result.diagnosis is None or host is None:
                continue
            stem = _UNSAFE.sub("_", result.host).lstrip(".") or "host"
            while stem in used:
                stem += "_"
            used.add(stem)
            path = folder / f"{stem}.json"
            document = observations_document(host)
            try:
                path.write_text(json_text(document) + "\n", encoding="utf-8")
            except OSError as error:
                raise ConfigurationError(f"cannot write {path}: {error.strerror}") from None
            written.append(path)
        return written


def report_from_file(path: str, *, vm: str | None, features: Any) -> AuditReport:  # noqa: ANN401
    """Diagnose the observations saved in *path*: a report of that one host.

    Raises:
        ConfigurationError: The file cannot be read or holds no valid observations.
        SchemaVersionError: It is from a schema version this vmic does not read.
        VMNotFoundError: *vm* is given and the host has no VM of that name.
    """
    from vmic._files import read_text  # noqa: PLC0415 - on use
    from vmic.convert import read_observations  # noqa: PLC0415 - on use
    from vmic.diagnosis import diagnose  # noqa: PLC0415
    from vmic.fleet._report import AuditReport, HostResult, HostStatus  # noqa: PLC0415

    host = read_observations(read_text(path, what="the observations"), source=path)
    if vm is not None and host.vm(vm) is None:
        raise VMNotFoundError(host.name, vm, [v.name for v in host.vms])
    diagnosis = diagnose(host, vm=vm, features=features)
    result = HostResult(host=host.name, status=HostStatus.OK, diagnosis=diagnosis)
    return AuditReport(results=(result,))
