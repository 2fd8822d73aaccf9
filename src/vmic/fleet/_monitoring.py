"""An audit for monitoring systems: a Nagios/Icinga/Checkmk plugin result and Prometheus text.

The plugin result follows the Monitoring Plugins development guidelines: one status line
``VMIC <STATE> - <text> | <perfdata>``, optional long output on the following lines,
exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Thresholds are ranges in the
guidelines' syntax, ``[@]start:end``: ``10`` alerts above 10 (or below 0), ``10:``
below 10, ``~:10`` above 10, ``10:20`` outside 10..20, ``@10:20`` inside 10..20
(ends included). Performance data are ``'label'=value[UOM];[warn];[crit];[min];[max]``.

The Prometheus form is the text exposition format that node_exporter's textfile
collector reads (``*.prom``): gauges only, each with ``# HELP`` and ``# TYPE``, label
values escaped (backslash, double quote, line feed), ending with ``# EOF`` so the same
text also parses as OpenMetrics. ``vmic audit --output`` puts the file in place by
renaming a finished temporary file (``vmic._files.write_atomically``), so the collector
never reads half of one.
"""

from __future__ import annotations

import enum
import math
import re
import time
from collections import Counter
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.render import visible
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from vmic.diagnosis._results import VMDiagnosis
    from vmic.fleet._policy import PolicyReport
    from vmic.fleet._report import AuditReport

__all__ = [
    "DEFAULT_CRITICAL_CAUSES",
    "CheckResult",
    "CheckState",
    "Range",
    "check_report",
    "openmetrics",
    "parse_range",
]

#: Causes that make the check CRITICAL whatever the thresholds say.
DEFAULT_CRITICAL_CAUSES: Final = (Cause.HOST_UNREACHABLE,)


class CheckState(enum.IntEnum):
    """A plugin state; its value is the exit status."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3

    def __str__(self) -> str:
        return self.name  # the display name: OK, WARNING, CRITICAL, UNKNOWN


_RANGE_RE: Final = re.compile(
    r"(?P<inside>@)?(?:(?P<start>~|[-+]?[0-9.]+)?(?P<colon>:))?(?P<end>[-+]?[0-9.]+)?"
)


@attrs.frozen
class Range:
    """A threshold range of the Monitoring Plugins guidelines.

    Attributes:
        start: The lower end (``-inf`` for ``~``).
        end: The upper end (``inf`` when omitted).
        inside: ``@``: alert inside the range rather than outside it.
        text: The range as given (for perfdata).
    """

    start: float
    end: float
    inside: bool = False
    text: str = ""

    def alerts(self, value: float) -> bool:
        """Whether *value* raises the alert."""
        within = self.start <= value <= self.end
        return within if self.inside else not within


def parse_range(text: str) -> Range:
    """Read a threshold range (``10``, ``10:``, ``~:10``, ``10:20``, ``@10:20``).

    >>> parse_range("5").alerts(6), parse_range("5").alerts(5)
    (True, False)
    >>> parse_range("@1:3").alerts(2)
    True

    Raises:
        ConfigurationError: Not a range, or its start is above its end.
    """
    match = _RANGE_RE.fullmatch(text.strip())
    if not text.strip() or match is None or not (match["end"] or match["colon"]):
        raise ConfigurationError(f"{text!r} is not a threshold range ([@]start:end)")
    try:
        start_text = match["start"]
        start = -math.inf if start_text == "~" else float(start_text) if start_text else 0.0
        end = float(match["end"]) if match["end"] else math.inf
    except ValueError:
        raise ConfigurationError(f"{text!r} is not a threshold range ([@]start:end)") from None
    if start > end:
        raise ConfigurationError(f"threshold range {text!r}: start is above end")
    return Range(start, end, inside=bool(match["inside"]), text=text.strip())


@attrs.frozen(kw_only=True)
class CheckResult:
    """What a plugin prints and exits with.

    Attributes:
        state: OK, WARNING, CRITICAL or UNKNOWN (its value is the exit status).
        summary: The text of the status line after the state.
        perfdata: The performance data.
        details: Long output, one line each.
    """

    state: CheckState
    summary: str
    perfdata: str = ""
    details: tuple[str, ...] = ()

    @property
    def exit_status(self) -> int:
        """0, 1, 2 or 3."""
        return int(self.state)

    def render(self, *, long_output: bool = False) -> str:
        """The status line (and the long output when asked)."""
        line = f"VMIC {self.state.name} - {_one_line(self.summary)}"
        if self.perfdata:
            line += f" | {self.perfdata}"
        lines = [line]
        if long_output:
            lines.extend(_one_line(detail) for detail in self.details)
        return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    # The status line is one line: the one sanitising policy spells out every control,
    # bidi and invisible character and lone surrogate (a name reads as in every other
    # format), and "|", which starts the performance data, becomes "/".
    return visible(text.strip()).replace("|", "/")


def _perf_label(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_]+", name) else "'" + name.replace("'", "''") + "'"


def _perf(name: str, value: int, warn: str = "", crit: str = "") -> str:
    # 'label'=value[UOM];[warn];[crit];[min];[max], trailing empty fields dropped.
    return f"{_perf_label(name)}={value};{warn};{crit};0"


def check_report(
    report: AuditReport,
    *,
    warning: Range | None = None,
    critical: Range | None = None,
    critical_causes: Iterable[Cause] = DEFAULT_CRITICAL_CAUSES,
    compliance: PolicyReport | None = None,
) -> CheckResult:
    """Judge an audit as a monitoring plugin would.

    CRITICAL when the number of findings (an unreachable host counts as one finding of
    cause ``host_unreachable``) is in the critical range, or any finding has one of
    *critical_causes*; else WARNING when it is in the warning range, or when a VM does
    not comply with *compliance*'s policy; else OK. UNKNOWN when no host at all could be
    audited, since then nothing is known.

    Args:
        report: The audit.
        warning: The warning range (None: never warn on the count).
        critical: The critical range (None: never critical on the count).
        critical_causes: Causes that are CRITICAL on their own.
        compliance: The audit judged against a policy: each service that does not
            comply is a detail line, their number a performance datum
            (``noncompliant``), and any makes the check at least WARNING.
    """
    rows = report.records()
    summary = report.summary()
    count = len(rows)
    perfdata = " ".join(
        (
            _perf("hosts", summary["hosts"]),
            _perf("vms", summary["vms"]),
            _perf(
                "findings",
                count,
                "" if warning is None else warning.text,
                "" if critical is None else critical.text,
            ),
            _perf("unreachable", summary["failed"]),
        )
    )
    # The long output in words (a person reads it in the monitoring system's view).
    details = tuple(
        f"{row['host']}/{row['vm'] or '-'} {row['service'] or '-'}: {row['cause']}"
        + (f" ({row['explanation']})" if row["explanation"] else "")
        for row in report.shown_records()
    )
    text = (
        f"{count} finding{'s' if count != 1 else ''} on {summary['vms']} VMs of "
        f"{summary['hosts']} hosts ({summary['failed']} not audited)"
    )
    pending = () if compliance is None else compliance.pending
    if compliance is not None:
        perfdata += " " + _perf("noncompliant", len(pending))
        details += tuple(
            f"{r.host}/{r.vm} {r.service.english_name}: not compliant (the policy asks "
            f"{'on' if r.desired else 'off'}, rule {r.rule}; the host has "
            f"{'no such component' if r.before is None else ('on' if r.before else 'off')})"
            for r in pending
        )
        text += (
            f"; {len(pending)} service{'s' if len(pending) != 1 else ''} not compliant with "
            "the policy"
        )
    if summary["hosts"] and summary["failed"] == summary["hosts"]:
        return CheckResult(
            state=CheckState.UNKNOWN,
            summary=f"no host could be audited: {text}",
            perfdata=perfdata,
            details=details,
        )
    chosen = {cause.value for cause in critical_causes}
    critical_rows = [row for row in rows if row["cause"] in chosen]
    if critical_rows or (critical is not None and critical.alerts(count)):
        state = CheckState.CRITICAL
        if critical_rows:
            # Each cause in words, with the value --critical-cause takes.
            causes = sorted({row["cause"] for row in critical_rows})
            text += "; critical: " + ", ".join(f"{Cause(c).label} ({c})" for c in causes)
    elif (warning is not None and warning.alerts(count)) or pending:
        state = CheckState.WARNING
    else:
        state = CheckState.OK
    return CheckResult(state=state, summary=text, perfdata=perfdata, details=details)


# --- Prometheus / OpenMetrics text -------------------------------------------------------

_LABEL_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})


def _labels(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    # Label values follow the one sanitising policy (a VM name reads as in every other
    # format, and a lone surrogate cannot make the text unencodable), then the format's
    # own escapes.
    return (
        "{"
        + ",".join(f'{name}="{visible(value).translate(_LABEL_ESCAPES)}"' for name, value in pairs)
        + "}"
    )


def _number(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(float(value))


class _Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(
        self, name: str, help_text: str, samples: Iterable[tuple[Sequence[tuple[str, str]], float]]
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} gauge")
        self.lines.extend(f"{name}{_labels(labels)} {_number(value)}" for labels, value in samples)


def openmetrics(
    report: AuditReport,
    *,
    timestamp: float | None = None,
    compliance: PolicyReport | None = None,
) -> str:
    """The audit as Prometheus text (gauges), readable as OpenMetrics too.

    Families: ``vmic_audit_*`` (hosts, VMs, findings, unreachable hosts, duration, when
    it ran), ``vmic_host_up`` and ``vmic_host_status`` per host, ``vmic_vm_healthy`` per
    VM, ``vmic_service_verdict`` per VM and service (1 for its verdict, a series per
    verdict so a change of verdict is a change of series), ``vmic_findings`` per cause
    (every cause, 0 included, so alerts have a series to watch).

    A VM's series carry its name (``vm``) and its id (``vm_id``, ``""`` when the host did
    not report it): Hyper-V lets two VMs of one host share a name, and each stays its own
    series.

    With *compliance* (the audit's hosts judged against a policy): ``vmic_policy_info``
    (its source and digest), ``vmic_policy_noncompliant_services``,
    ``vmic_policy_vm_compliant`` per VM a rule selects (1 when every service it asks of
    complies) and ``vmic_policy_service_compliance`` per VM and service (1 for its state:
    compliant, not_compliant or not_applicable, a series per state).

    Args:
        report: The audit.
        timestamp: When it ran (seconds since the epoch; default now).
        compliance: The audit judged against a policy (:func:`vmic.fleet.plan_policy`).
    """
    summary = report.summary()
    out = _Exposition()
    out.family("vmic_audit_hosts", "Hosts in the audit.", [((), summary["hosts"])])
    out.family(
        "vmic_audit_unreachable_hosts",
        "Hosts that could not be audited.",
        [((), summary["failed"])],
    )
    out.family("vmic_audit_vms", "VMs seen on the audited hosts.", [((), summary["vms"])])
    out.family(
        "vmic_audit_findings",
        "Findings, unreachable hosts included.",
        [((), len(report.records()))],
    )
    out.family(
        "vmic_audit_duration_seconds", "Wall-clock seconds the audit took.", [((), report.duration)]
    )
    out.family(
        "vmic_audit_timestamp_seconds",
        "When the audit ran, in seconds since the epoch.",
        [((), round(time.time() if timestamp is None else timestamp, 3))],
    )
    out.family(
        "vmic_host_up",
        "1 when the host was audited, 0 when it could not be.",
        [((("host", r.host),), 1 if r.ok else 0) for r in report.results],
    )
    out.family(
        "vmic_host_status",
        "1 for the host's audit status (ok, unreachable, timed_out...).",
        [((("host", r.host), ("status", r.status.value)), 1) for r in report.results],
    )
    vms = [
        (result.host, vm)
        for result in report.results
        if result.diagnosis is not None
        for vm in result.diagnosis.vms
    ]
    out.family(
        "vmic_vm_healthy",
        "1 when every service of the VM stands as it should.",
        [(_vm_labels(host, vm), 1 if vm.healthy else 0) for host, vm in vms],
    )
    out.family(
        "vmic_service_verdict",
        "1 for the verdict of an integration service of a VM.",
        [
            (
                (
                    *_vm_labels(host, vm),
                    ("service", entry.service.value),
                    ("verdict", entry.verdict.value),
                ),
                1,
            )
            for host, vm in vms
            for entry in vm.services
        ],
    )
    causes = Counter(row["cause"] for row in report.records())
    out.family(
        "vmic_findings",
        "Findings by cause.",
        [((("cause", cause.value),), causes.get(cause.value, 0)) for cause in Cause],
    )
    if compliance is not None:
        _compliance_families(out, compliance)
    return "\n".join([*out.lines, "# EOF"]) + "\n"


def _compliance_families(out: _Exposition, compliance: PolicyReport) -> None:
    out.family(
        "vmic_policy_info",
        "1 for the policy the VMs were judged against (its file and SHA-256).",
        [((("source", compliance.source), ("digest", compliance.digest)), 1)],
    )
    out.family(
        "vmic_policy_noncompliant_services",
        "Services of VMs that do not comply with the policy.",
        [((), len(compliance.pending))],
    )
    out.family(
        "vmic_policy_vm_compliant",
        "1 when every service the policy asks of the VM complies (not applicable counts).",
        [
            ((("host", host), ("vm", vm), ("vm_id", vm_id or "")), 1 if ok else 0)
            for (host, vm_id, vm), ok in compliance.vm_compliance().items()
        ],
    )
    out.family(
        "vmic_policy_service_compliance",
        "1 for the compliance of a service of a VM with the policy.",
        [
            (
                (
                    ("host", r.host),
                    ("vm", r.vm),
                    ("vm_id", r.vm_id or ""),
                    ("service", r.service.value),
                    ("desired", "on" if r.desired else "off"),
                    ("compliance", r.compliance),
                ),
                1,
            )
            for r in compliance.results
        ],
    )


def _vm_labels(host: str, vm: VMDiagnosis) -> tuple[tuple[str, str], ...]:
    return (("host", host), ("vm", vm.vm), ("vm_id", vm.vm_id or ""))
