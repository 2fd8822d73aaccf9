"""A policy against hosts: what complies, what would change, and applying it.

:func:`plan_policy` compares the desired state a :class:`~vmic.policy.Policy` resolves to
with hosts as read (no command is sent): per VM and service, *compliant*, *would change*
or *not applicable*. :func:`apply_policy` reads each host once, plans, and sends **one**
change command per host for all of its VMs (:meth:`vmic.HyperVHost.set_services`, VMs
selected by id), which reads the settings back in the same round trip; each setting is
then verified from that read-back: *changed*, or *failed*. With ``check=True`` only the
reading command is sent.

A service the guest cannot use, asked on, is *not applicable*: it is never turned on
(nor turned off: what the guest cannot use is left as it is). So is a service the host
lists no component for (a VM of a configuration version that predates it).

A host that cannot be read is reported as an audit reports it (:class:`HostResult`), and
so is one whose change command fails to come back (its settings are then unknown).
"""

from __future__ import annotations

import concurrent.futures
import uuid
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic import render
from vmic.connect import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, observe_guest, one_line
from vmic.diagnosis._results import WORDS
from vmic.errors import ConfigurationError, VmicError
from vmic.fleet._fix import FixTarget
from vmic.fleet._report import HostResult, HostStatus
from vmic.fleet._runner import _classify
from vmic.model._named import NamedEnum, named
from vmic.model._services import IntegrationService
from vmic.model._validators import tuple_of
from vmic.policy._policy import Policy
from vmic.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

    from vmic.clients import HyperVHost, ReadBack
    from vmic.model._host import VM, Host
    from vmic.policy._policy import DesiredService, DesiredVM

__all__ = [
    "PolicyOutcome",
    "PolicyReport",
    "ServiceOutcome",
    "apply_policy",
    "failed_host",
    "plan_policy",
    "read_host",
]

_v = attrs.validators
#: Hosts changed at once unless told otherwise.
DEFAULT_CONCURRENCY: Final = 8


class PolicyOutcome(NamedEnum):
    """What became of one service of one VM under a policy."""

    COMPLIANT = "compliant"
    """The host setting already is what the policy asks."""
    CHANGED = "changed"
    """It was changed, and the read-back shows the setting asked."""
    WOULD_CHANGE = "would_change"
    """A check run: it differs from what the policy asks, and would be changed."""
    NOT_APPLICABLE = "not_applicable"
    """The guest cannot use the service (or the host has no such component): left alone."""
    FAILED = "failed"
    """It was to be changed and is not as asked afterwards (or the change failed)."""

    def __repr__(self) -> str:
        return f"PolicyOutcome.{self.name}"

    @property
    def label(self) -> str:
        """The outcome in words (``would change``)."""
        return self.value.replace("_", " ")


#: The outcomes that leave a VM out of compliance.
PENDING: Final = frozenset({PolicyOutcome.WOULD_CHANGE, PolicyOutcome.FAILED})


@attrs.frozen(kw_only=True)
class ServiceOutcome:
    """One service of one VM: what the policy asks, what the host had, what became of it.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        vm_id: Its id (upper case), when known.
        service: The service.
        desired: Whether the policy asks it on.
        before: The host setting as first read (None: the host lists no such component).
        after: The setting after the run (as read back for a change; as read for the rest;
            None for a check run's pending change or a failed host).
        outcome: What became of it.
        rule: The number (from 1) of the rule that decided.
        rule_name: That rule's name, if any.
        detail: Why it is not applicable, or what failed.
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    vm: str = attrs.field(validator=_v.instance_of(str))
    vm_id: str | None = attrs.field(validator=_v.optional(_v.instance_of(str)))
    service: IntegrationService = attrs.field(validator=_v.instance_of(IntegrationService))
    desired: bool = attrs.field(validator=_v.instance_of(bool))
    before: bool | None = attrs.field(validator=_v.optional(_v.instance_of(bool)))
    after: bool | None = attrs.field(validator=_v.optional(_v.instance_of(bool)))
    outcome: PolicyOutcome = attrs.field(validator=_v.instance_of(PolicyOutcome))
    rule: int = attrs.field(validator=_v.instance_of(int))
    rule_name: str | None = attrs.field(default=None)
    detail: str = attrs.field(default="", validator=_v.instance_of(str))

    @property
    def compliant(self) -> bool:
        """Whether the VM complies for this service after the run (not applicable counts)."""
        return self.outcome not in PENDING

    @property
    def compliance(self) -> str:
        """``compliant``, ``not_compliant`` or ``not_applicable``: as the history keeps it."""
        if self.outcome is PolicyOutcome.NOT_APPLICABLE:
            return "not_applicable"
        return "compliant" if self.compliant else "not_compliant"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "host": self.host,
            "vm": self.vm,
            "vm_id": self.vm_id,
            "service": self.service.value,
            "desired": _WORDS[self.desired],
            "before": _WORDS[self.before],
            "after": _WORDS[self.after],
            "outcome": self.outcome.value,
            "rule": self.rule,
            "rule_name": self.rule_name,
            "detail": self.detail,
        }

    def __repr__(self) -> str:
        return f"<ServiceOutcome {named(self.vm)} {self.service}: {self.outcome}>"


#: The columns of the tabular formats.
COLUMNS: Final = (
    "host",
    "vm",
    "service",
    "desired",
    "before",
    "after",
    "outcome",
    "rule",
    "detail",
)
#: A host setting as reports write it.
_WORDS: Final[dict[bool | None, str | None]] = {True: "on", False: "off", None: None}


@attrs.frozen(kw_only=True)
class PolicyReport:
    """A policy planned (or applied) against hosts: one outcome per VM and service.

    Attributes:
        digest: The policy's :attr:`~vmic.policy.Policy.digest`.
        source: Where the policy was read from.
        check: Whether nothing was to change (a check run, or a plan).
        results: Per host (in the order given), VM (the host's order) and service
            (catalog order).
        failures: Hosts that could not be read, or whose change did not come back.
    """

    digest: str = attrs.field(validator=_v.instance_of(str))
    source: str = attrs.field(validator=_v.instance_of(str))
    check: bool = attrs.field(validator=_v.instance_of(bool))
    results: tuple[ServiceOutcome, ...] = attrs.field(validator=tuple_of(ServiceOutcome))
    failures: tuple[HostResult, ...] = attrs.field(default=(), validator=tuple_of(HostResult))

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {outcome.label}" for outcome, n in self.counts.items() if n)
        failed = f", {len(self.failures)} hosts failed" if self.failures else ""
        return f"<PolicyReport {'check ' if self.check else ''}{counts or 'nothing'}{failed}>"

    @property
    def counts(self) -> dict[PolicyOutcome, int]:
        """How many services came to each outcome."""
        counts = dict.fromkeys(PolicyOutcome, 0)
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    @property
    def pending(self) -> tuple[ServiceOutcome, ...]:
        """What is not as the policy asks after the run (would change, or failed)."""
        return tuple(result for result in self.results if not result.compliant)

    @property
    def compliant(self) -> bool:
        """Whether every host was read and every VM complies after the run."""
        return not self.failures and not self.pending

    @property
    def exit_status(self) -> int:
        """3 when a host failed, 1 when something would change or failed, else 0."""
        if self.failures:
            return EXIT_UNREACHABLE
        return EXIT_FINDINGS if self.pending else EXIT_OK

    def vm_compliance(self) -> dict[tuple[str, str | None, str], bool]:
        """Per ``(host, vm_id, vm)``: whether that VM complies with every rule that selects it."""
        compliance: dict[tuple[str, str | None, str], bool] = {}
        for result in self.results:
            key = (result.host, result.vm_id, result.vm)
            compliance[key] = compliance.get(key, True) and result.compliant
        return compliance

    def records(self) -> list[dict[str, Any]]:
        """One flat row per VM and service, for the tabular formats."""
        return [
            {
                "host": r.host,
                "vm": r.vm,
                "service": r.service.value,
                "desired": _WORDS[r.desired],
                "before": _WORDS[r.before] or "",
                "after": _WORDS[r.after] or "",
                "outcome": r.outcome.label,
                "rule": f"{r.rule} {r.rule_name!r}" if r.rule_name else str(r.rule),
                "detail": r.detail,
            }
            for r in self.results
        ]

    def compliance_view(self) -> dict[str, Any]:
        """What an audit's HTML report shows of this report, in words.

        The policy, the headline and the services that do not comply (headers and rows,
        as the table has them).
        """
        pending = [
            record
            for record, result in zip(self.records(), self.results, strict=True)
            if not result.compliant
        ]
        headers, rows = render.in_words(pending, COLUMNS, WORDS)
        return {
            "source": self.source,
            "digest": self.digest,
            "headline": self.headline(),
            "headers": headers,
            "rows": rows,
        }

    def headline(self) -> str:
        """One line: what came of the run, and whether everything complies."""
        counts = self.counts
        parts = [f"{n} {outcome.label}" for outcome, n in counts.items() if n]
        vms = len(self.vm_compliance())
        text = f"{vms} VM{'s' if vms != 1 else ''}: " + (", ".join(parts) or "nothing asked")
        if self.failures:
            text += f"; {len(self.failures)} host{'s' if len(self.failures) != 1 else ''} failed"
        if self.check:
            state = "compliant" if self.compliant else "not compliant (check: nothing changed)"
        else:
            state = "compliant" if self.compliant else "not compliant"
        return f"{text}. {state[0].upper()}{state[1:]}."

    def render(self, output_format: str, *, width: int | None = None) -> str:
        """``"table"``, ``"json"``, ``"csv"`` or ``"markdown"`` (*width*: the table's).

        Raises:
            ConfigurationError: For another format.
        """
        if output_format == "json":
            return render.json_text(self.to_dict()) + "\n"
        table = render.render_records(
            self.records(), COLUMNS, output_format, width=width, words=WORDS
        )
        if output_format == "csv":
            return table
        line = render.markdown_escape if output_format == "markdown" else render.visible
        failed = "".join(line(f"{f.host}: {f.error}") + "\n" for f in self.failures)
        return f"{table}\n{failed}{line(self.headline())}\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (described by the shipped schema ``policy``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "policy": {"source": self.source, "digest": self.digest},
            "check": self.check,
            "compliant": self.compliant,
            "summary": {outcome.value: n for outcome, n in self.counts.items()},
            "results": [result.to_dict() for result in self.results],
            "failures": [
                {"host": f.host, "status": f.status.value, "error": f.error} for f in self.failures
            ],
        }


def _check_policy(policy: object) -> Policy:
    if not isinstance(policy, Policy):
        raise ConfigurationError(f"expected a vmic.Policy, not {policy!r}")
    return policy


def _groups_of(groups: Mapping[str, Collection[str]] | None, host: str) -> Collection[str]:
    return () if groups is None else groups.get(host, ())


def plan_policy(
    policy: Policy,
    hosts: Iterable[Host],
    *,
    groups: Mapping[str, Collection[str]] | None = None,
) -> PolicyReport:
    """What *policy* asks of *hosts* as read, and how far they comply; nothing is sent.

    Args:
        policy: The policy.
        hosts: The hosts, as read (:meth:`vmic.HyperVHost.observe`, or an audit's).
        groups: Each host's inventory groups, by host name (for rules with ``groups``).

    Returns:
        A check report: each service compliant, would change, or not applicable.

    Raises:
        vmic.ConfigurationError: *policy* is not a Policy.
    """
    checked = _check_policy(policy)
    results = []
    for host in hosts:
        for desired in checked.resolve(host, groups=_groups_of(groups, host.name)):
            results.extend(_planned(host, desired))
    return PolicyReport(
        digest=checked.digest, source=checked.source, check=True, results=tuple(results)
    )


def _vm(host: Host, desired: DesiredVM) -> VM:
    for vm in host.vms:
        if vm.name == desired.vm and vm.id == desired.vm_id:
            return vm
    raise ConfigurationError(f"the host {host.name!r} has no VM {desired.vm!r}")  # pragma: no cover


def _planned(host: Host, desired: DesiredVM) -> list[ServiceOutcome]:
    """Each service of one VM: compliant, not applicable, or pending (would change)."""
    vm = _vm(host, desired)
    outcomes = []
    for wanted in desired.services:
        record = vm.service(wanted.service)
        before = None if record is None else record.enabled
        if record is None:
            outcome, detail = (
                PolicyOutcome.NOT_APPLICABLE,
                (
                    f"the host lists no {wanted.service.english_name} component for this VM "
                    "(its configuration version predates the service)"
                ),
            )
        elif not wanted.applicable:
            outcome, detail = PolicyOutcome.NOT_APPLICABLE, wanted.not_applicable or ""
        elif before is wanted.on:
            outcome, detail = PolicyOutcome.COMPLIANT, ""
        else:
            outcome, detail = PolicyOutcome.WOULD_CHANGE, ""
        outcomes.append(_outcome(desired, wanted, outcome, detail, before=before))
    return outcomes


def _outcome(
    desired: DesiredVM,
    wanted: DesiredService,
    outcome: PolicyOutcome,
    detail: str,
    *,
    before: bool | None,
    after: bool | None = None,
) -> ServiceOutcome:
    if after is None and outcome is not PolicyOutcome.WOULD_CHANGE:
        after = before
    return ServiceOutcome(
        host=desired.host,
        vm=desired.vm,
        vm_id=desired.vm_id,
        service=wanted.service,
        desired=wanted.on,
        before=before,
        after=after,
        outcome=outcome,
        rule=wanted.rule,
        rule_name=wanted.rule_name,
        detail=detail,
    )


def apply_policy(
    policy: Policy,
    targets: Iterable[FixTarget],
    *,
    check: bool = False,
    groups: Mapping[str, Collection[str]] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> PolicyReport:
    """Bring *targets* to what *policy* asks: one read and one change command per host.

    Args:
        policy: The policy.
        targets: One per host (its name, executor and timeout; guests are not asked).
        check: Change nothing: read each host and say what would change.
        groups: Each host's inventory groups, by host name.
        concurrency: Hosts worked on at once (at least 1).

    Returns:
        Per VM and service: compliant, changed (verified from the read-back), would
        change (check), not applicable, or failed; hosts that could not be read or
        changed as failures.

    Raises:
        vmic.ConfigurationError: A bad argument (not a Policy, not FixTarget objects,
            a concurrency below 1).
    """
    checked = _check_policy(policy)
    hosts = list(targets)
    for target in hosts:
        if not isinstance(target, FixTarget):
            raise ConfigurationError(f"apply_policy() takes FixTarget objects, not {target!r}")
    count: object = concurrency
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ConfigurationError(f"concurrency must be a whole number >= 1, not {concurrency!r}")
    outcomes: list[tuple[list[ServiceOutcome], HostResult | None]]
    if not hosts:
        outcomes = []
    else:
        with concurrent.futures.ThreadPoolExecutor(
            max_workers=min(count, len(hosts)), thread_name_prefix="vmic-policy"
        ) as pool:
            outcomes = list(
                pool.map(
                    lambda target: _apply_host(
                        checked, target, check=check, groups=_groups_of(groups, target.name)
                    ),
                    hosts,
                )
            )
    results = [result for host_results, _ in outcomes for result in host_results]
    failures = [failure for _, failure in outcomes if failure is not None]
    return PolicyReport(
        digest=checked.digest,
        source=checked.source,
        check=check,
        results=tuple(results),
        failures=tuple(failures),
    )


def failed_host(target: FixTarget, error: BaseException) -> HostResult:
    """*target* as an audit reports a host that failed with *error*."""
    status, message = _classify(error)
    return HostResult(
        host=target.name,
        status=status,
        error=message,
        error_type=type(error).__name__,
    )


def read_host(target: FixTarget, client: HyperVHost | None = None) -> Host:
    """The host of *target* as a policy needs it: one read, and the guests it cannot name.

    The host says what each guest is through Data Exchange; a running VM whose guest has
    not said (Data Exchange off) is asked itself when *target* reaches guests, so that a
    service it cannot use is known as such. The host is named as the target names it.

    Raises:
        vmic.VmicError: The host could not be read (a guest that cannot be read is left
            unknown).
    """
    host = (client or target.host_client()).observe()
    host = attrs.evolve(host, name=target.name)
    unknown = [vm for vm in host.vms if vm.guest_os is None and vm.running]
    if not unknown or target.guests is None:
        return host
    reach = target.audit_target()
    guests = {id(vm): observe_guest(reach, vm) for vm in unknown}
    return attrs.evolve(
        host,
        vms=[
            attrs.evolve(vm, guest=guests[id(vm)]) if guests.get(id(vm)) is not None else vm
            for vm in host.vms
        ],
    )


def _apply_host(
    policy: Policy, target: FixTarget, *, check: bool, groups: Collection[str]
) -> tuple[list[ServiceOutcome], HostResult | None]:
    """One host: read it, plan, and (unless *check*) change it in one command."""
    client = target.host_client()
    try:
        host = read_host(target, client)
    except Exception as error:  # noqa: BLE001 - any failure is this host's result
        return [], failed_host(target, error)
    desired = policy.resolve(host, groups=groups)
    planned = {id(entry): _planned(host, entry) for entry in desired}
    if check:
        return [result for entry in desired for result in planned[id(entry)]], None
    pending = {
        id(entry): {r.service: r.desired for r in planned[id(entry)] if r.outcome in PENDING}
        for entry in desired
    }
    changing = [entry for entry in desired if pending[id(entry)]]
    if not changing:
        return [result for entry in desired for result in planned[id(entry)]], None
    try:
        read_back = _change(client, changing, pending)
    except Exception as error:  # noqa: BLE001 - any failure is this host's result
        status, message = _classify(error)
        why = one_line(error) if isinstance(error, VmicError) else message
        # Unreachable, timed out, unreadable: what the host now holds is unknown.
        failure = None if status is HostStatus.ERROR else failed_host(target, error)
        return _failed(desired, planned, why), failure
    results = []
    for entry in desired:
        back = read_back.get(id(entry))
        for result in planned[id(entry)]:
            if result.outcome not in PENDING or back is None:
                results.append(result)
                continue
            after = back.after.get(result.service)
            if after is result.desired:
                results.append(
                    attrs.evolve(result, outcome=PolicyOutcome.CHANGED, after=after, detail="")
                )
            else:
                shown = "not listed" if after is None else ("on" if after else "off")
                results.append(
                    attrs.evolve(
                        result,
                        outcome=PolicyOutcome.FAILED,
                        after=after,
                        detail=f"still {shown} after the change",
                    )
                )
    return results, None


def _change(
    client: HyperVHost,
    changing: list[DesiredVM],
    pending: dict[int, dict[IntegrationService, bool]],
) -> dict[int, ReadBack]:
    """The one change command of a host; its read-back, by the desired entry's identity.

    VMs are selected by id, which Hyper-V gives every VM (names may repeat).

    Raises:
        vmic.ConfigurationError: The host listed a VM without its id.
    """
    for entry in changing:
        if entry.vm_id is None:
            raise ConfigurationError(f"the host listed VM {entry.vm!r} without its id")
    wanted = {uuid.UUID(str(entry.vm_id)): pending[id(entry)] for entry in changing}
    backs = client.set_services(wanted)
    return {id(entry): back for entry, back in zip(changing, backs, strict=True)}


def _failed(
    desired: list[DesiredVM] | tuple[DesiredVM, ...],
    planned: dict[int, list[ServiceOutcome]],
    why: str,
) -> list[ServiceOutcome]:
    results = []
    for entry in desired:
        for result in planned[id(entry)]:
            if result.outcome in PENDING:
                result = attrs.evolve(  # noqa: PLW2901 - the same result, failed
                    result, outcome=PolicyOutcome.FAILED, after=None, detail=why
                )
            results.append(result)
    return results
