"""What changed between two saved audits, and whether it got worse."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.model._named import NamedEnum, counted, cut

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.history._store import Run, RunCompliance, RunSnapshot

__all__ = ["COLUMNS", "Change", "ChangeKind", "RunDiff", "diff_runs"]


class ChangeKind(NamedEnum):
    """What kind of change a :class:`Change` is."""

    NEW_FINDING = "new_finding"
    RESOLVED_FINDING = "resolved_finding"
    VERDICT_CHANGED = "verdict_changed"
    VM_ADDED = "vm_added"
    VM_REMOVED = "vm_removed"
    HOST_UNREACHABLE = "host_unreachable"
    HOST_RECOVERED = "host_recovered"
    HOST_ADDED = "host_added"
    HOST_REMOVED = "host_removed"
    COMPLIANCE_LOST = "compliance_lost"
    COMPLIANCE_RESTORED = "compliance_restored"
    POLICY_CHANGED = "policy_changed"

    def __repr__(self) -> str:
        return f"ChangeKind.{self.name}"


# How bad a verdict is, for "did it get worse": working or not applicable, degraded,
# not known, not working.
_VERDICT_RANK: Final = {
    "functioning": 0,
    "off_by_default": 0,
    "not_available": 0,
    "degraded": 1,
    "unknown": 2,
    "not_functioning": 3,
}


@attrs.frozen(kw_only=True)
class Change:
    """One difference between two runs.

    Attributes:
        kind: What changed.
        host: The host.
        vm: The VM's name, or ``""``.
        service: The service, or ``""``.
        before: The earlier value (verdict, host status, cause), or ``""``.
        after: The later value, or ``""``.
        detail: The finding's explanation or the host's status, in words.
        worse: Whether this change is a regression.
        vm_id: The VM's id, or ``""`` (two VMs of one host may share a name).
    """

    kind: ChangeKind
    host: str
    vm: str = ""
    service: str = ""
    before: str = ""
    after: str = ""
    detail: str = ""
    worse: bool = False
    vm_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the keys of :data:`COLUMNS`)."""
        return {
            "change": self.kind.value,
            "host": self.host,
            "vm": self.vm,
            "vm_id": self.vm_id,
            "service": self.service,
            "before": self.before,
            "after": self.after,
            "worse": self.worse,
            "detail": self.detail,
        }

    def __repr__(self) -> str:
        where = "/".join(cut(part, 40) for part in (self.host, self.vm, self.service) if part)
        return f"<Change {self.kind}: {where}>"


#: Columns of the tabular forms.
COLUMNS: Final = (
    "change",
    "host",
    "vm",
    "vm_id",
    "service",
    "before",
    "after",
    "worse",
    "detail",
)


@attrs.frozen(kw_only=True)
class RunDiff:
    """The changes from run *a* to run *b*.

    Attributes:
        a: The earlier run.
        b: The later run.
        changes: The differences, hosts first, then VMs, services and findings.
    """

    a: Run
    b: Run
    changes: tuple[Change, ...]

    @property
    def worse(self) -> bool:
        """Whether anything got worse (``vmic diff`` then exits 1)."""
        return any(change.worse for change in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: both runs and the changes."""
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "worse": self.worse,
            "changes": [change.to_dict() for change in self.changes],
        }

    def __repr__(self) -> str:
        return (
            f"<RunDiff run {self.a.id} -> run {self.b.id}: {counted(len(self.changes), 'change')}>"
        )


def _by_name(
    snapshot: RunSnapshot,
) -> Callable[[tuple[str, str]], tuple[str, str, str]]:
    """Order VMs by host, then name, then id (the key alone would order them by id)."""

    def order(key: tuple[str, str]) -> tuple[str, str, str]:
        name, vm_id = snapshot.vm(*key)
        return (key[0], name, vm_id)

    return order


def diff_runs(a: RunSnapshot, b: RunSnapshot) -> RunDiff:
    """Compare two saved runs.

    Hosts present in only one run are added/removed; a host audited before and not now
    became unreachable (worse), and the reverse recovered. VMs are compared by id (by
    name when the host reported none) only on hosts audited in both runs, so an
    unreachable host does not also report all its VMs as removed. A finding is new when
    its host, VM, service and cause were not found before (worse), resolved in the
    reverse case; a service's verdict change is worse when the new verdict is further
    from "functioning".
    """
    changes: list[Change] = []
    for host in sorted(a.hosts.keys() | b.hosts.keys()):
        before, after = a.hosts.get(host), b.hosts.get(host)
        if before is None:
            changes.append(Change(kind=ChangeKind.HOST_ADDED, host=host, after=str(after)))
        elif after is None:
            changes.append(Change(kind=ChangeKind.HOST_REMOVED, host=host, before=before))
        elif before == "ok" and after != "ok":
            changes.append(
                Change(
                    kind=ChangeKind.HOST_UNREACHABLE,
                    host=host,
                    before=before,
                    after=after,
                    worse=True,
                )
            )
        elif before != "ok" and after == "ok":
            changes.append(
                Change(kind=ChangeKind.HOST_RECOVERED, host=host, before=before, after=after)
            )
    audited = {h for h, s in a.hosts.items() if s == "ok"} & {
        h for h, s in b.hosts.items() if s == "ok"
    }
    for kind, (now, then) in ((ChangeKind.VM_ADDED, (b, a)), (ChangeKind.VM_REMOVED, (a, b))):
        changes.extend(
            Change(kind=kind, host=host, vm=now.vm(host, key)[0], vm_id=now.vm(host, key)[1])
            for host, key in sorted(now.vms.keys() - then.vms.keys(), key=_by_name(now))
            if host in audited
        )
    for key in sorted(a.services.keys() & b.services.keys()):
        before, after = a.services[key], b.services[key]
        if before != after:
            host, vm, service = key
            name, vm_id = b.vm(host, vm)
            changes.append(
                Change(
                    kind=ChangeKind.VERDICT_CHANGED,
                    host=host,
                    vm=name,
                    vm_id=vm_id,
                    service=service,
                    before=before,
                    after=after,
                    worse=_VERDICT_RANK.get(after, 2) > _VERDICT_RANK.get(before, 2),
                )
            )
    for new in sorted(b.findings.keys() - a.findings.keys()):
        finding = b.findings[new]
        changes.append(
            Change(
                kind=ChangeKind.NEW_FINDING,
                host=finding.host,
                vm=finding.vm,
                vm_id=finding.vm_id,
                service=finding.service,
                after=finding.cause,
                detail=finding.explanation,
                # Worse unless the host was not audited last time (then it is not news).
                worse=a.hosts.get(finding.host, "ok") == "ok",
            )
        )
    for old in sorted(a.findings.keys() - b.findings.keys()):
        finding = a.findings[old]
        if finding.host in b.hosts and b.hosts[finding.host] != "ok":
            # Not seen this time because the host was not reached: not resolved.
            continue
        changes.append(
            Change(
                kind=ChangeKind.RESOLVED_FINDING,
                host=finding.host,
                vm=finding.vm,
                vm_id=finding.vm_id,
                service=finding.service,
                before=finding.cause,
                detail=finding.explanation,
            )
        )
    changes.extend(_compliance_drift(a, b))
    return RunDiff(a=a.run, b=b.run, changes=tuple(changes))


def _service_words(value: str) -> str:
    """A service's English name from its value (the value itself for one vmic does not know)."""
    from vmic.model._services import IntegrationService  # noqa: PLC0415 - on use

    try:
        return IntegrationService(value).english_name
    except ValueError:
        return value


def _compliance_drift(a: RunSnapshot, b: RunSnapshot) -> list[Change]:
    """How compliance with the runs' policies changed from *a* to *b*.

    A VM and service compliant in *a* and not in *b* lost compliance (worse): its setting
    was turned away from what the policy asks ("web02: Guest Service Interface turned off
    since run 12"); the reverse restored it. A VM and service first seen not compliant in
    *b* lost compliance too when *a* was audited against a policy. A different policy
    (another digest) is said once, first.
    """
    if b.policy is None:
        return []
    changes: list[Change] = []
    if a.policy is not None and a.policy[1] != b.policy[1]:
        changes.append(
            Change(
                kind=ChangeKind.POLICY_CHANGED,
                host="",
                before=a.policy[1][:12],
                after=b.policy[1][:12],
                detail=f"{a.policy[0]} -> {b.policy[0]}",
            )
        )
    if a.policy is None:
        return changes
    audited = {h for h, status in a.hosts.items() if status == "ok"}
    for key in sorted(b.compliance):
        now = b.compliance[key]
        then = a.compliance.get(key)
        before = "" if then is None else then.compliance
        if now.compliance == before or (then is None and now.compliance != "not_compliant"):
            continue
        if then is None and now.host not in audited:
            continue  # not seen last time because its host was not audited: not news
        service = _service_words(now.service)
        if now.compliance == "not_compliant":
            turned = f"turned {now.actual}" if now.actual else "no longer listed"
            since = f"since run {a.run.id}" if then is not None else f"(new in run {b.run.id})"
            detail = f"{now.vm}: {service} {turned} {since} (the policy asks {now.desired}, "
            detail += f"rule {now.rule})"
            changes.append(_compliance(ChangeKind.COMPLIANCE_LOST, now, before, detail))
        elif before == "not_compliant":
            detail = f"{now.vm}: {service} {now.desired} again, as the policy asks"
            changes.append(_compliance(ChangeKind.COMPLIANCE_RESTORED, now, before, detail))
    return changes


def _compliance(kind: ChangeKind, now: RunCompliance, before: str, detail: str) -> Change:
    """A change of one VM's compliance for one service (losing it is worse)."""
    return Change(
        kind=kind,
        host=now.host,
        vm=now.vm,
        vm_id=now.vm_id,
        service=now.service,
        before=before,
        after=now.compliance,
        detail=detail,
        worse=kind is ChangeKind.COMPLIANCE_LOST,
    )
