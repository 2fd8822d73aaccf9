"""What a diagnosis says: verdicts per service and feature, findings, and the fixes for them.

A :class:`Diagnosis` covers one host; it holds one :class:`VMDiagnosis` per VM, each with
a :class:`ServiceDiagnosis` per integration service, a :class:`FeatureDiagnosis` per
feature that applies to the guest, and the :class:`Finding` objects a person should act
on. A VM whose services all function has no findings.

Every type is frozen data with a ``to_dict()`` for JSON and a ``_repr_html_()`` for
Jupyter. ``.value`` of every enum is a stable snake_case string.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from vmic.executors._command import Shell
from vmic.model._named import NamedEnum, counted, cut, named
from vmic.model._operating_system import OperatingSystem
from vmic.model._records import VMState
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._slots import filler
from vmic.model._status import OperationalStatus, StartType
from vmic.model._validators import tuple_of
from vmic.rules._causes import Cause
from vmic.rules._features import Feature
from vmic.rules._plans import StepRole, StepSide, UpdatePlan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from vmic.render._diagnosis import Reach

__all__ = [
    "WORDS",
    "Diagnosis",
    "FeatureDiagnosis",
    "Finding",
    "Fix",
    "FixKind",
    "GuestView",
    "ServiceDiagnosis",
    "VMDiagnosis",
    "Verdict",
    "service_name",
    "service_words",
    "status_words",
    "vmic_command",
]

#: A service the diagnosis reports on: one of the six host-visible ones, or PowerShell Direct.
Service: TypeAlias = IntegrationService | GuestOnlyService

_v = attrs.validators
_SERVICE_TYPES = (IntegrationService, GuestOnlyService)


class Verdict(NamedEnum):
    """How a service (or a feature) of one VM stands."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    FUNCTIONING = "functioning"
    """On at the host and working in the guest."""
    DEGRADED = "degraded"
    """Working, but the host reports Degraded or the guest's integration services are older
    than the host's (ProtocolMismatch, "Update required")."""
    NOT_FUNCTIONING = "not_functioning"
    """Not working; the findings say why."""
    NOT_AVAILABLE = "not_available"
    """This guest operating system cannot have the service."""
    OFF_BY_DEFAULT = "off_by_default"
    """Off in its default state (Guest Service Interface), and no feature asked for needs it."""
    UNKNOWN = "unknown"
    """The evidence does not say (the VM is off, or neither side could confirm)."""

    def __repr__(self) -> str:
        return f"Verdict.{self.name}"

    @property
    def label(self) -> str:
        """Words for a table cell (``"not functioning"``)."""
        return self.value.replace("_", " ")


class GuestView(NamedEnum):
    """How much of the guest side a VM's verdicts rest on."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    OBSERVED = "observed"
    """The guest answered: both sides are known."""
    UNREACHABLE = "unreachable"
    """The guest was asked and did not answer: host-side verdicts only."""
    NOT_OBSERVED = "not_observed"
    """The guest was not asked: host-side verdicts only."""

    def __repr__(self) -> str:
        return f"GuestView.{self.name}"


def service_name(service: Service) -> str:
    """The English name of a service (``"Shutdown"``, ``"Hyper-V PowerShell Direct Service"``)."""
    if isinstance(service, IntegrationService):
        return service.english_name
    return service.info.windows_display_names[0]


def service_words(value: str) -> str:
    """A service's name from its value (``"vss"`` -> ``"VSS"``); an unknown value as it is."""
    for vocabulary in (IntegrationService, GuestOnlyService):
        try:
            return service_name(vocabulary(value))
        except ValueError:
            continue
    return value


def _label_of(vocabulary: type[Verdict] | type[Cause]) -> Callable[[str], str]:
    def words(value: str) -> str:
        try:
            return vocabulary(value).label
        except ValueError:
            return value.replace("_", " ")

    return words


def _status_value(status: OperationalStatus | None) -> str | None:
    return None if status is None else status.value


def _service_value(service: Service | None) -> str | None:
    return None if service is None else service.value


class FixKind(NamedEnum):
    """What a fix does, as a typed action :func:`vmic.apply_fixes` can carry out.

    The commands of a :class:`Fix` are for a person to read and paste; the kind (with
    the fix's service and packages) is what vmic runs, through the typed client APIs.
    """

    ENABLE_ON_HOST = "enable_on_host"
    """Enable the service for the VM on the Hyper-V host."""
    DISABLE_ON_HOST = "disable_on_host"
    """Disable the service for the VM on the Hyper-V host."""
    START_VM = "start_vm"
    """Start the VM."""
    START_GUEST_SERVICE = "start_guest_service"
    """Start a Windows guest service."""
    ENABLE_GUEST_SERVICE = "enable_guest_service"
    """Set a Windows guest service's startup type to Manual and start it."""
    RESTART_GUEST_SERVICE = "restart_guest_service"
    """Restart a Windows guest service."""
    START_DAEMON = "start_daemon"
    """Start a Linux guest's daemon."""
    INSTALL_DAEMON = "install_daemon"
    """Install the package that provides a Linux guest's daemon, then start it."""
    LOAD_DRIVER = "load_driver"
    """Load the ``hv_utils`` kernel driver in a Linux guest."""
    UPDATE_INTEGRATION_SERVICES = "update_integration_services"
    """Update the guest's integration services (Windows Update, a cab, packages); the guest
    may have to restart."""

    def __repr__(self) -> str:
        return f"FixKind.{self.name}"


@attrs.frozen(kw_only=True)
class Fix:
    """One concrete step that removes (part of) a finding.

    Attributes:
        side: Who acts: the Hyper-V host, the guest, a person at the VM console, or a
            management system.
        title: What the step does, in one line.
        commands: Commands to run there, in order; every value in them is quoted
            (PowerShell single quotes, POSIX ``shlex`` quoting). Empty when the step is
            manual.
        shell: The language of ``commands`` (None when there are none).
        role: Required, an alternative to a required step, or a fallback.
        automatable: Whether the step can run unattended.
        detail: Why, or what to check afterwards.
        kind: What the step does as a typed action, or None when vmic has none for it.
        service: The service the action concerns, when it concerns one.
        packages: The packages an :attr:`FixKind.INSTALL_DAEMON` step installs.
    """

    side: StepSide = attrs.field(validator=_v.instance_of(StepSide))
    title: str = attrs.field(validator=_v.instance_of(str))
    commands: tuple[str, ...] = attrs.field(default=(), validator=tuple_of(str))
    shell: Shell | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(Shell)))
    role: StepRole = attrs.field(default=StepRole.REQUIRED, validator=_v.instance_of(StepRole))
    automatable: bool = attrs.field(default=True, validator=_v.instance_of(bool))
    detail: str = attrs.field(default="", validator=_v.instance_of(str))
    kind: FixKind | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(FixKind)))
    service: Service | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(_SERVICE_TYPES))
    )
    packages: tuple[str, ...] = attrs.field(default=(), validator=tuple_of(str))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "side": self.side.value,
            "title": self.title,
            "commands": list(self.commands),
            "shell": None if self.shell is None else self.shell.value,
            "role": self.role.value,
            "automatable": self.automatable,
            "detail": self.detail,
        }

    def __repr__(self) -> str:
        return f"<Fix {self.side}: {cut(self.title)}>"


@attrs.frozen(kw_only=True)
class Finding:
    """A problem a person should act on, with its cause and the fix.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        service: The service concerned, or None for a problem of the whole VM (out-of-date
            integration services, an unreachable guest).
        cause: Why, from the shared :class:`~vmic.rules._causes.Cause` vocabulary.
        verdict: The verdict the problem leads to.
        explanation: The cause in plain words, with what the evidence showed.
        fixes: The steps that fix it, for the side that must act, in order.
        features: Features of the VM this problem breaks.
        plan: The update plan, for out-of-date integration services and for guests that
            need Data Exchange to receive updates.
        sources: Where the facts behind the finding come from (a document's revision and
            row, a package file), and which of them no source showed ("Unverified for this
            distribution: ..."). Kept out of the explanation: reports show them once.
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    vm: str = attrs.field(validator=_v.instance_of(str))
    service: Service | None = attrs.field(validator=_v.optional(_v.instance_of(_SERVICE_TYPES)))
    cause: Cause = attrs.field(validator=_v.instance_of(Cause))
    verdict: Verdict = attrs.field(validator=_v.instance_of(Verdict))
    explanation: str = attrs.field(validator=_v.instance_of(str))
    fixes: tuple[Fix, ...] = attrs.field(default=(), validator=tuple_of(Fix))
    features: tuple[Feature, ...] = attrs.field(default=(), validator=tuple_of(Feature))
    plan: UpdatePlan | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(UpdatePlan))
    )
    sources: tuple[str, ...] = attrs.field(default=(), validator=tuple_of(str))

    @property
    def subject(self) -> str:
        """``"<vm>: <service>"`` or just the VM, for one-line listings."""
        if self.service is None:
            return self.vm
        return f"{self.vm}: {service_name(self.service)}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        from vmic.rules._export import plan_as_dict  # noqa: PLC0415 - only when exporting

        return {
            "host": self.host,
            "vm": self.vm,
            "service": _service_value(self.service),
            "cause": self.cause.value,
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "fixes": [_fix_dict(fix, self.vm) for fix in self.fixes],
            "features": [feature.value for feature in self.features],
            "plan": None if self.plan is None else plan_as_dict(self.plan),
            "sources": list(self.sources),
        }

    def _repr_html_(self) -> str:
        from vmic.render import finding_html  # noqa: PLC0415 - only in notebooks

        return str(finding_html(_finding_view(self)))

    def __repr__(self) -> str:
        subject = "" if self.service is None else f" {self.service}"
        return f"<Finding {named(self.vm)}{subject}: {self.cause}>"


@attrs.frozen(kw_only=True)
class ServiceDiagnosis:
    """The verdict on one service of one VM and what it rests on.

    Attributes:
        service: The service.
        verdict: The verdict.
        causes: Why it is not functioning or degraded (empty when functioning).
        host_enabled: ``Enabled`` on the host; None for PowerShell Direct (no host side) or
            when the host did not list the service.
        host_status: The host's primary and secondary status, as words (``"ok"``,
            ``"no_contact / protocol_mismatch"``), or ``""`` when not reported.
        guest_state: What the guest side showed (``"running"``, ``"stopped, startup
            disabled"``, ``"hv_kvp_daemon not installed"``), or ``""`` when not observed.
        host_primary_status: The host's primary operational status as data, when reported.
        host_secondary_status: The host's secondary operational status, when reported.
        guest_installed: Whether the guest side is installed (the Windows service, the Linux
            driver or daemon), when the guest was observed.
        guest_running: Whether it runs, when the guest was observed.
        guest_start_type: The Windows service's startup type, for a Windows guest.
    """

    service: Service = attrs.field(validator=_v.instance_of(_SERVICE_TYPES))
    verdict: Verdict = attrs.field(validator=_v.instance_of(Verdict))
    causes: tuple[Cause, ...] = attrs.field(default=(), validator=tuple_of(Cause))
    host_enabled: bool | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(bool))
    )
    host_status: str = attrs.field(default="", validator=_v.instance_of(str))
    guest_state: str = attrs.field(default="", validator=_v.instance_of(str))
    host_primary_status: OperationalStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperationalStatus))
    )
    host_secondary_status: OperationalStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperationalStatus))
    )
    guest_installed: bool | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(bool))
    )
    guest_running: bool | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(bool))
    )
    guest_start_type: StartType | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(StartType))
    )

    @property
    def name(self) -> str:
        """The service's English name."""
        return service_name(self.service)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "service": self.service.value,
            "verdict": self.verdict.value,
            "causes": [cause.value for cause in self.causes],
            "host_enabled": self.host_enabled,
            "host_status": self.host_status,
            "host_primary_status": _status_value(self.host_primary_status),
            "host_secondary_status": _status_value(self.host_secondary_status),
            "guest_state": self.guest_state,
            "guest_installed": self.guest_installed,
            "guest_running": self.guest_running,
            "guest_start_type": (
                self.guest_start_type.value if self.guest_start_type is not None else None
            ),
        }

    def __repr__(self) -> str:
        why = f" ({self.causes[0]}{', ...' if len(self.causes) > 1 else ''})" if self.causes else ""
        return f"<ServiceDiagnosis {self.service}: {self.verdict}{why}>"


@attrs.frozen(kw_only=True)
class FeatureDiagnosis:
    """Whether a feature works on one VM, and which services stand in its way.

    Attributes:
        feature: The feature.
        verdict: The worst verdict among the services it needs.
        needs: The services it needs on this guest.
        blocking: The needed services whose verdict is not functioning.
        requested: Whether the caller said they rely on this feature.
    """

    feature: Feature = attrs.field(validator=_v.instance_of(Feature))
    verdict: Verdict = attrs.field(validator=_v.instance_of(Verdict))
    needs: tuple[Service, ...] = attrs.field(default=(), validator=tuple_of(_SERVICE_TYPES))
    blocking: tuple[Service, ...] = attrs.field(default=(), validator=tuple_of(_SERVICE_TYPES))
    requested: bool = attrs.field(default=False, validator=_v.instance_of(bool))

    @property
    def broken(self) -> bool:
        """Whether the feature should work on this guest and does not."""
        return self.verdict is Verdict.NOT_FUNCTIONING

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "feature": self.feature.value,
            "verdict": self.verdict.value,
            "needs": [service.value for service in self.needs],
            "blocking": [service.value for service in self.blocking],
            "requested": self.requested,
        }

    def __repr__(self) -> str:
        return f"<FeatureDiagnosis {self.feature}: {self.verdict}>"


@attrs.frozen(kw_only=True)
class VMDiagnosis:
    """The diagnosis of one VM.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        vm_id: The VM's id, when the host reported it.
        state: The VM's state.
        guest_os: The guest operating system, when known.
        guest_view: Whether the guest side was observed.
        guest_detail: Why the guest was not observed, when it was not.
        services: One verdict per service, in catalog order.
        features: One verdict per feature that applies to this guest.
        findings: What to act on (empty for a healthy VM).
        notes: Facts worth knowing that are not problems ("Guest Service Interface is
            off by default", "the VM is off").
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    vm: str = attrs.field(validator=_v.instance_of(str))
    vm_id: str | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(str)))
    state: VMState = attrs.field(validator=_v.instance_of(VMState))
    guest_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    guest_view: GuestView = attrs.field(validator=_v.instance_of(GuestView))
    guest_detail: str = attrs.field(default="", validator=_v.instance_of(str))
    services: tuple[ServiceDiagnosis, ...] = attrs.field(
        default=(), validator=tuple_of(ServiceDiagnosis)
    )
    features: tuple[FeatureDiagnosis, ...] = attrs.field(
        default=(), validator=tuple_of(FeatureDiagnosis)
    )
    findings: tuple[Finding, ...] = attrs.field(default=(), validator=tuple_of(Finding))
    notes: tuple[str, ...] = attrs.field(default=(), validator=tuple_of(str))

    @classmethod
    def _built(
        cls,
        *,
        host: str,
        vm: str,
        vm_id: str | None,
        state: VMState,
        guest_os: OperatingSystem | None,
        guest_view: GuestView,
        guest_detail: str,
        services: tuple[ServiceDiagnosis, ...],
        features: tuple[FeatureDiagnosis, ...],
        findings: tuple[Finding, ...],
        notes: tuple[str, ...],
    ) -> VMDiagnosis:
        # For the engine only: it builds every field from checked records, with these
        # types, for every VM of an audit; the validators are for diagnoses built by hand.
        return _FILL_VM_DIAGNOSIS(
            host,
            vm,
            vm_id,
            state,
            guest_os,
            guest_view,
            guest_detail,
            services,
            features,
            findings,
            notes,
        )

    @property
    def healthy(self) -> bool:
        """True when there is nothing to act on."""
        return not self.findings

    def service(self, service: Service) -> ServiceDiagnosis | None:
        """The verdict on *service*, or None when it was not assessed."""
        for entry in self.services:
            if entry.service is service:
                return entry
        return None

    def feature(self, feature: Feature) -> FeatureDiagnosis | None:
        """The verdict on *feature*, or None when it does not apply to this guest."""
        for entry in self.features:
            if entry.feature is feature:
                return entry
        return None

    @property
    def broken_features(self) -> tuple[FeatureDiagnosis, ...]:
        """The features that should work on this guest and do not."""
        return tuple(entry for entry in self.features if entry.broken)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "host": self.host,
            "vm": self.vm,
            "vm_id": self.vm_id,
            "state": self.state.value,
            "guest_os": None if self.guest_os is None else str(self.guest_os),
            "guest_view": self.guest_view.value,
            "guest_detail": self.guest_detail,
            "healthy": self.healthy,
            "services": [entry.to_dict() for entry in self.services],
            "features": [entry.to_dict() for entry in self.features],
            "findings": [finding.to_dict() for finding in self.findings],
            "notes": list(self.notes),
        }

    def _repr_html_(self) -> str:
        from vmic.render import vm_html  # noqa: PLC0415 - only in notebooks

        return str(vm_html(_vm_view(self)))

    def __repr__(self) -> str:
        return f"<VMDiagnosis {named(self.vm)}: {counted(len(self.findings), 'finding')}>"


_FILL_VM_DIAGNOSIS: Final = filler(
    VMDiagnosis,
    "host",
    "vm",
    "vm_id",
    "state",
    "guest_os",
    "guest_view",
    "guest_detail",
    "services",
    "features",
    "findings",
    "notes",
)


@attrs.frozen(kw_only=True)
class Diagnosis:
    """The diagnosis of one host's VMs.

    Attributes:
        host: The host's name.
        host_os: The host's operating system, when known.
        vms: One diagnosis per VM, in the host's order.
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    host_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    vms: tuple[VMDiagnosis, ...] = attrs.field(default=(), validator=tuple_of(VMDiagnosis))

    @classmethod
    def _built(
        cls, host: str, host_os: OperatingSystem | None, vms: tuple[VMDiagnosis, ...]
    ) -> Diagnosis:
        # For the engine only, once per host of an audit: the name and system are a checked
        # Host's, the VMs' diagnoses the engine's own; the validators are for those built
        # by hand.
        return _FILL_DIAGNOSIS(host, host_os, vms)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every VM, in VM order."""
        return tuple(finding for vm in self.vms for finding in vm.findings)

    @property
    def healthy(self) -> bool:
        """True when no VM has a finding."""
        return not self.findings

    def vm(self, name: str) -> VMDiagnosis | None:
        """The diagnosis of the VM with exactly this name, or None."""
        for entry in self.vms:
            if entry.vm == name:
                return entry
        return None

    def __iter__(self) -> Iterator[VMDiagnosis]:
        return iter(self.vms)

    def __len__(self) -> int:
        return len(self.vms)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "host": self.host,
            "host_os": None if self.host_os is None else str(self.host_os),
            "healthy": self.healthy,
            "vms": [vm.to_dict() for vm in self.vms],
        }

    def render(
        self,
        output_format: str = "table",
        *,
        verbose: bool = False,
        width: int | None = None,
        colour: bool = False,
        connection: Reach = None,
    ) -> str:
        """The diagnosis as ``"table"`` (text), ``"markdown"`` or ``"json"``.

        Args:
            output_format: The format.
            verbose: Show the service table of healthy VMs too, what each finding breaks,
                and the sources behind the findings (text and Markdown; JSON has them all).
            width: Fit text lines into this many columns (None: no limit); no word is
                split, and fix commands are never cut.
            colour: Colour the verdicts of the text form (ANSI).
            connection: The options the ``vmic`` commands of fixes reach the host with
                (``["--lab", "demo"]``, or per host name); None: ``--host`` and the
                host's name.

        Raises:
            ConfigurationError: For another format.
        """
        from vmic import render  # noqa: PLC0415 - only when rendering

        view = diagnosis_view(self)
        if output_format == "table":
            return render.diagnosis_text(
                view, verbose=verbose, width=width, colour=colour, connection=connection
            )
        if output_format == "markdown":
            return render.diagnosis_markdown(view, verbose=verbose, connection=connection)
        if output_format == "json":
            return render.json_text(self.to_dict()) + "\n"
        from vmic.errors import ConfigurationError  # noqa: PLC0415 - error path only

        raise ConfigurationError(
            f"unknown diagnosis format {output_format!r}; known: table, markdown, json"
        )

    def __repr__(self) -> str:
        vms, findings = counted(len(self.vms), "VM"), counted(len(self.findings), "finding")
        return f"<Diagnosis {named(self.host)}: {vms}, {findings}>"

    def _repr_html_(self) -> str:
        from vmic.render import fleet_fragment  # noqa: PLC0415 - only in notebooks

        return fleet_fragment(fleet_view(self), title=f"vmic diagnosis: {self.host}")


#: How the human formats say a value of these columns in words (``render_records(words=)``):
#: a service's name, a verdict's or a cause's label.
WORDS: Mapping[str, Callable[[str], str]] = {
    "service": service_words,
    "verdict": _label_of(Verdict),
    "cause": _label_of(Cause),
}


# --- views: the plain data the renderers show (vmic.render) ----------------------------------


def vmic_command(fix: Fix, vm: str) -> list[str] | None:
    """The ``vmic`` command that applies *fix* to the VM named *vm*, as its words, or None.

    Connection options are left out (``vmic doctor`` puts in the ones it was given):

    >>> from vmic.diagnosis._fixes import enable_on_host
    >>> fix = enable_on_host("legacy-win7", None, IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
    >>> vmic_command(fix, "legacy-win7")
    ['vmic', 'enable', '--vm', 'legacy-win7', 'key_value_pair_exchange']
    """
    verbs = {FixKind.ENABLE_ON_HOST: "enable", FixKind.DISABLE_ON_HOST: "disable"}
    verb = verbs.get(fix.kind) if fix.kind is not None else None
    if verb is None or not isinstance(fix.service, IntegrationService):
        return None
    # A name that starts with "-" would read as an option: --vm=NAME takes any name.
    chosen = [f"--vm={vm}"] if vm.startswith("-") else ["--vm", vm]
    return ["vmic", verb, *chosen, fix.service.value]


def _fix_dict(fix: Fix, vm: str) -> dict[str, Any]:
    return {**fix.to_dict(), "vmic": vmic_command(fix, vm)}


def status_words(entry: ServiceDiagnosis) -> str:
    """The statuses the host reports for a service, in words (``"OK / Protocol Mismatch"``)."""
    statuses = " / ".join(
        status.label
        for status in (entry.host_primary_status, entry.host_secondary_status)
        if status is not None
    )
    return statuses or entry.host_status.replace("_", " ")


def _host_words(entry: ServiceDiagnosis) -> str:
    """The host side in words: the VM's setting, then the statuses Hyper-V reports."""
    statuses = status_words(entry)
    if entry.host_enabled is None:
        return statuses
    setting = "enabled" if entry.host_enabled else "disabled"
    return f"{setting}, {statuses}" if statuses else setting


def _finding_view(finding: Finding) -> dict[str, Any]:
    return {
        **finding.to_dict(),
        "fixes": [_fix_dict(fix, finding.vm) for fix in finding.fixes],
        "subject": finding.subject,
        "service_name": None if finding.service is None else service_name(finding.service),
        "feature_titles": [feature.info.title for feature in finding.features],
        "cause_label": finding.cause.label,
        "verdict_label": finding.verdict.label,
    }


def _vm_view(vm: VMDiagnosis) -> dict[str, Any]:
    return {
        **vm.to_dict(),
        "guest_view_label": vm.guest_view.value.replace("_", " "),
        "services": [
            {
                **entry.to_dict(),
                "name": entry.name,
                "verdict_label": entry.verdict.label,
                "host_words": _host_words(entry),
                "cause_labels": [cause.label for cause in entry.causes],
            }
            for entry in vm.services
        ],
        "features": [
            {
                **entry.to_dict(),
                "title": entry.feature.info.title,
                "blocking": [service_name(service) for service in entry.blocking],
                "broken": entry.broken,
                "verdict_label": entry.verdict.label,
            }
            for entry in vm.features
        ],
        "findings": [_finding_view(finding) for finding in vm.findings],
    }


def fleet_view(diagnosis: Diagnosis) -> dict[str, Any]:
    """One host's diagnosis as the view of a fleet of one (see :func:`vmic.render.fleet_page`)."""
    from vmic import __version__  # noqa: PLC0415 - the package's own version, at render time

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return {
        "generated": now,
        "version": __version__,
        "summary": {
            "hosts": 1,
            "audited": 1,
            "failed": 0,
            "vms": len(diagnosis.vms),
            "healthy_vms": sum(1 for vm in diagnosis.vms if vm.healthy),
            "findings": len(diagnosis.findings),
            "duration": 0.0,
        },
        "failures": [],
        "diagnoses": [diagnosis_view(diagnosis)],
    }


def diagnosis_view(diagnosis: Diagnosis) -> dict[str, Any]:
    """The plain data :mod:`vmic.render` shows: the JSON fields plus names and titles."""
    return {**diagnosis.to_dict(), "vms": [_vm_view(vm) for vm in diagnosis.vms]}


_FILL_DIAGNOSIS: Final = filler(Diagnosis, "host", "host_os", "vms")
