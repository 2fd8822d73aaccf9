"""The result of a fleet audit: one entry per host, its diagnosis or why there is none.

An :class:`AuditReport` renders as a text table, JSON, CSV and Markdown, and as HTML in
Jupyter. Its :attr:`~AuditReport.exit_status` is what ``vmic audit`` exits with, for
monitoring systems: 0 when every VM of every host functions, 1 when there are findings,
3 when some host could not be audited (unreachable, timed out, refused the credentials,
or answered with output vmic could not read).
"""

from __future__ import annotations

import datetime as dt
import importlib
import shlex
from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic import render
from vmic.connect import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE
from vmic.diagnosis._results import (
    Diagnosis,
    Finding,
    diagnosis_view,
    service_name,
    vmic_command,
)
from vmic.model._named import NamedEnum, named
from vmic.model._slots import filler
from vmic.model._validators import tuple_of
from vmic.rules._causes import Cause
from vmic.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vmic.render._diagnosis import Reach

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "AuditReport",
    "HostResult",
    "HostStatus",
]

_v = attrs.validators


class HostStatus(NamedEnum):
    """Whether a host could be audited, and if not, why."""

    OK = "ok"
    """Observed and diagnosed."""
    TIMED_OUT = "timed_out"
    """It did not answer within the per-host timeout; the audit stopped waiting for it."""
    UNREACHABLE = "unreachable"
    """The connection failed or was refused."""
    AUTHENTICATION_FAILED = "authentication_failed"
    """It was reached but refused the credentials."""
    BAD_OUTPUT = "bad_output"
    """It answered with output vmic could not read."""
    ERROR = "error"
    """Anything else went wrong while asking it."""

    def __repr__(self) -> str:
        return f"HostStatus.{self.name}"


@attrs.frozen(kw_only=True)
class HostResult:
    """What the audit learned about one host.

    Attributes:
        host: The host's name, as the inventory gives it.
        status: Whether it was audited.
        diagnosis: The diagnosis, when it was.
        error: Why it was not, in one line (no secrets); ``""`` when it was.
        duration: Seconds spent on the host (up to the timeout).
        error_type: The class name of the exception that stopped it (``""`` when none did,
            for a host that timed out).
        error_detail: The whole message, never cut (``""``: the same as *error*).
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    status: HostStatus = attrs.field(validator=_v.instance_of(HostStatus))
    diagnosis: Diagnosis | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(Diagnosis))
    )
    error: str = attrs.field(default="", validator=_v.instance_of(str))
    duration: float = attrs.field(default=0.0, converter=float)
    error_type: str = attrs.field(default="", validator=_v.instance_of(str))
    error_detail: str = attrs.field(default="", validator=_v.instance_of(str))

    @classmethod
    def _audited(cls, host: str, diagnosis: Diagnosis, duration: float) -> HostResult:
        # For the audit's runner only, once per host audited: the name is a checked
        # HostTarget's, the diagnosis the engine's, the duration a difference of clock
        # readings; the validators are for results built by hand.
        return _FILL_HOST_RESULT(host, HostStatus.OK, diagnosis, "", float(duration), "", "")

    def __repr__(self) -> str:
        if self.diagnosis is None:
            return f"<HostResult {named(self.host)} {self.status.value}>"
        return (
            f"<HostResult {named(self.host)} ok: {len(self.diagnosis.vms)} VMs, "
            f"{len(self.findings)} findings>"
        )

    def _repr_html_(self) -> str:
        return render.fleet_fragment(_view((self,)), title=f"vmic: {self.host}")

    @property
    def ok(self) -> bool:
        """Whether the host was audited."""
        return self.status is HostStatus.OK

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings of its VMs (empty when it was not audited)."""
        return () if self.diagnosis is None else self.diagnosis.findings

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        error = None
        if not self.ok:
            error = {
                "kind": self.status.value,
                "type": self.error_type,
                "message": self.error_detail or self.error,
            }
        return {
            "host": self.host,
            "status": self.status.value,
            "error": error,
            "duration": round(self.duration, 3),
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(),
        }


_FILL_HOST_RESULT: Final = filler(
    HostResult, "host", "status", "diagnosis", "error", "duration", "error_type", "error_detail"
)

#: Columns of the tabular forms (text, CSV, Markdown), one row per finding or failed host.
COLUMNS: Final = (
    "host",
    "host_status",
    "vm",
    "service",
    "verdict",
    "cause",
    "explanation",
    "fix",
)

#: Columns of :meth:`AuditReport.grid` and :meth:`AuditReport.to_dataframe`.
GRID_COLUMNS: Final = (
    "host",
    "vm",
    "guest_os",
    "service",
    "verdict",
    "cause",
    "explanation",
    "fix",
    "features_broken",
)

#: Columns of the text table; each row's explanation is printed under it (the fix commands
#: are in the other forms).
TEXT_COLUMNS: Final = ("host", "vm", "service", "verdict", "cause")


@attrs.frozen(kw_only=True)
class AuditReport:
    """Every host's result, in the order the hosts were given.

    Attributes:
        results: One entry per host.
        duration: Wall-clock seconds the audit took.
        concurrency: How many hosts were asked at once.
    """

    results: tuple[HostResult, ...] = attrs.field(validator=tuple_of(HostResult))
    duration: float = attrs.field(default=0.0, converter=float)
    concurrency: int = attrs.field(default=1, validator=_v.instance_of(int))

    def __repr__(self) -> str:
        # The headline's counts; the duration in three figures, whatever it is.
        counts = self.headline().rsplit(" in ", 1)[0]
        return f"<AuditReport {counts} in {self.duration:.3g}s>"

    @property
    def failures(self) -> tuple[HostResult, ...]:
        """The hosts that could not be audited."""
        return tuple(result for result in self.results if not result.ok)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every audited host."""
        return tuple(finding for result in self.results for finding in result.findings)

    @property
    def exit_status(self) -> int:
        """3 when a host could not be audited, else 1 when there are findings, else 0."""
        if self.failures:
            return EXIT_UNREACHABLE
        if self.findings:
            return EXIT_FINDINGS
        return EXIT_OK

    def result(self, host: str) -> HostResult | None:
        """The result for the host of that name, or None."""
        for result in self.results:
            if result.host == host:
                return result
        return None

    def summary(self) -> dict[str, Any]:
        """Counts for a headline: hosts, failures, VMs, healthy VMs, findings, seconds."""
        vms = [vm for r in self.results if r.diagnosis is not None for vm in r.diagnosis.vms]
        return {
            "hosts": len(self.results),
            "audited": len(self.results) - len(self.failures),
            "failed": len(self.failures),
            "vms": len(vms),
            "healthy_vms": sum(1 for vm in vms if vm.healthy),
            "findings": len(self.findings),
            "duration": round(self.duration, 3),
            "exit_status": self.exit_status,
        }

    def records(self) -> list[dict[str, str]]:
        """One flat row per failed host and per finding, in host order (see COLUMNS)."""
        return self._rows(words=False)

    def _rows(self, *, words: bool) -> list[dict[str, str]]:
        """The flat rows by value (JSON, CSV), or in *words* (text, Markdown)."""
        rows: list[dict[str, str]] = []
        for result in self.results:
            if not result.ok:
                rows.append(
                    {
                        "host": result.host,
                        "host_status": result.status.label if words else result.status.value,
                        "vm": "",
                        "service": "",
                        "verdict": "unknown",
                        "cause": Cause.HOST_UNREACHABLE.label
                        if words
                        else Cause.HOST_UNREACHABLE.value,
                        "explanation": result.error,
                        "fix": "",
                    }
                )
                continue
            rows.extend(_finding_row(result, finding, words=words) for finding in result.findings)
        return rows

    def grid(self) -> list[dict[str, Any]]:
        """The heat map's cells as data: one row per finding, plus one per cell without one.

        For every VM of every audited host, a service (a cell of the heat map) with findings
        gives one row per finding, so a service with two causes (Data Exchange off, and
        needed for updates) gives two; a service without a finding gives one row (healthy,
        off by default, not available...). A finding of the whole VM (out-of-date
        integration services) is a row of its own, with ``service`` None; every finding is
        one row.

        Columns (:data:`GRID_COLUMNS`): ``host``, ``vm``, ``guest_os`` (its text, or None),
        ``service`` (its value, or None), ``verdict`` (its value), ``cause`` (the finding's,
        else the cell's first cause; None for a healthy cell), ``explanation`` and ``fix``
        (the finding's, as in :meth:`records`; "" without one) and ``features_broken`` (the
        values of the features it breaks).
        """
        rows: list[dict[str, Any]] = []
        for result in self.results:
            if result.diagnosis is None:
                continue
            for vm in result.diagnosis.vms:
                guest_os = None if vm.guest_os is None else str(vm.guest_os)
                cell = {"host": result.host, "vm": vm.vm, "guest_os": guest_os}
                for entry in vm.services:
                    found = [f for f in vm.findings if f.service is entry.service]
                    rows.extend({**cell, **_grid_finding(f)} for f in found)
                    if found:
                        continue
                    broken = tuple(
                        f.feature.value
                        for f in vm.features
                        if f.broken and entry.service in f.blocking
                    )
                    rows.append(
                        {
                            **cell,
                            "service": entry.service.value,
                            "verdict": entry.verdict.value,
                            "cause": entry.causes[0].value if entry.causes else None,
                            "explanation": "",
                            "fix": "",
                            "features_broken": broken,
                        }
                    )
                # Findings of the whole VM (and of a service it shows no cell for): rows too.
                cells = {entry.service for entry in vm.services}
                rows.extend(
                    {**cell, **_grid_finding(f)} for f in vm.findings if f.service not in cells
                )
        return rows

    def to_dataframe(self) -> Any:  # noqa: ANN401 - a pandas.DataFrame; pandas is optional
        """:meth:`grid` as a ``pandas.DataFrame``: one row per finding, plus the other cells.

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'vmic[pandas]'``).
        """
        try:
            pd = importlib.import_module("pandas")  # optional, and untyped: loaded on use
        except ImportError:
            from vmic.errors import MissingExtraError  # noqa: PLC0415 - error path only

            feature = "AuditReport.to_dataframe()"
            raise MissingExtraError(feature, extra="pandas", module="pandas") from None
        return pd.DataFrame(self.grid(), columns=list(GRID_COLUMNS))

    def headline(self) -> str:
        """One line: how many hosts, failures, VMs and findings."""
        return render.audit_headline(self.summary())

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: summary, each host's full diagnosis, and the flat rows.

        It carries ``schema_version`` and is described by the JSON Schema
        ``vmic/schemas/audit.json`` (see :mod:`vmic.schemas`).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "summary": self.summary(),
            "hosts": [result.to_dict() for result in self.results],
            "findings": self.records(),
        }

    def shown_records(self) -> list[dict[str, str]]:
        """:meth:`records` in the words a person reads: names and labels, not enum values.

        The same keys (see COLUMNS); the text and Markdown forms show these, JSON and CSV
        the values.
        """
        return self._rows(words=True)

    def _view(self) -> dict[str, Any]:
        """The plain data :mod:`vmic.render` shows."""
        return {
            **_view(self.results, self.duration),
            "findings": self.records(),
            "shown": self.shown_records(),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON (valid whatever the names hold)."""
        return render.json_text(self.to_dict()) + "\n"

    def to_csv(self) -> str:
        """The rows of :meth:`records` as CSV with a header line."""
        return render.audit_csv(self._view(), COLUMNS)

    def to_markdown(self) -> str:
        """A headline and a Markdown table of the rows."""
        return render.audit_markdown(self._view(), COLUMNS)

    def to_text(self, *, width: int | None = None, colour: bool = False) -> str:
        """A headline and an aligned table whose lines fit *width* columns (None: no limit).

        Cells wrap onto more lines when the table is wider; *colour* colours the verdicts.
        """
        return render.audit_text(self._view(), TEXT_COLUMNS, width=width, colour=colour)

    def render(
        self,
        output_format: str,
        *,
        width: int | None = None,
        colour: bool = False,
        connection: Reach = None,
    ) -> str:
        """``"table"``, ``"json"``, ``"csv"``, ``"markdown"`` or ``"html"``.

        *width* and *colour* apply to the table (see :meth:`to_text`), *connection* to
        the HTML page (see :meth:`to_html`).

        Raises:
            ConfigurationError: For another format.
        """
        if output_format == "table":
            return self.to_text(width=width, colour=colour)
        if output_format == "html":
            return self.to_html(connection=connection)
        renderers = {
            "json": self.to_json,
            "csv": self.to_csv,
            "markdown": self.to_markdown,
        }
        try:
            return renderers[output_format]()
        except KeyError:
            from vmic.errors import ConfigurationError  # noqa: PLC0415 - error path only

            known = ", ".join(["table", *renderers, "html"])
            raise ConfigurationError(
                f"unknown report format {output_format!r}; known: {known}"
            ) from None

    def to_html(
        self, *, connection: Reach = None, compliance: Mapping[str, Any] | None = None
    ) -> str:
        """One self-contained HTML page: fleet summary, VM x service heat map, findings by cause.

        Inline CSS, no scripts, nothing loaded from anywhere (see :mod:`vmic.render`).
        *connection* says how the ``vmic`` commands of fixes reach each host: the options
        that reached it (``["--lab", "demo"]``, or each host's own by its name), so each
        runs as shown; None names the host (``--host NAME``). *compliance*, a policy
        report's :meth:`~vmic.fleet.PolicyReport.compliance_view`, adds the policy's
        section after the summary.
        """
        view = self._view()
        if compliance is not None:
            view["compliance"] = compliance
        return render.fleet_page(view, connection=connection)

    def _repr_html_(self) -> str:
        return render.fleet_fragment(self._view())


def _view(results: tuple[HostResult, ...], duration: float = 0.0) -> dict[str, Any]:
    """The fleet view of *results* (summary, failures, diagnosis views) for the renderers."""
    summary = AuditReport(results=results, duration=duration).summary()
    return {
        **made_now(),
        "summary": summary,
        "failures": [(r.host, r.status.value, r.error) for r in results if not r.ok],
        "diagnoses": [diagnosis_view(r.diagnosis) for r in results if r.diagnosis is not None],
    }


def _fix_text(finding: Finding) -> str:
    """The finding's first fix in one line: ``[side] commands`` (or its title)."""
    fix = finding.fixes[0] if finding.fixes else None
    if fix is None:
        return ""
    return f"[{fix.side.value}] " + ("; ".join(fix.commands) or fix.title)


def made_now() -> dict[str, str]:
    """When a report page is made, and by which vmic (the page says so)."""
    from vmic import __version__  # noqa: PLC0415 - the package's own version, at render time

    now = dt.datetime.now(dt.UTC)
    return {"generated": now.strftime("%Y-%m-%d %H:%M:%S UTC"), "version": __version__}


def _finding_row(result: HostResult, finding: Finding, *, words: bool) -> dict[str, str]:
    """One finding's flat row: by value, or in *words* (its first fix as a vmic command)."""
    fix_text = _fix_text(finding)
    command = None if not finding.fixes else vmic_command(finding.fixes[0], finding.vm)
    if words and finding.fixes:
        fix = finding.fixes[0]
        fix_text = (
            shlex.join([*command[:2], "--host", result.host, *command[2:]])
            if command is not None
            else f"{fix.title} ({fix.side.value})"
        )
    service = finding.service
    return {
        "host": result.host,
        "host_status": result.status.label if words else result.status.value,
        "vm": finding.vm,
        "service": "" if service is None else (service_name(service) if words else service.value),
        "verdict": finding.verdict.label if words else finding.verdict.value,
        "cause": finding.cause.label if words else finding.cause.value,
        "explanation": finding.explanation,
        "fix": fix_text,
    }


def _grid_finding(finding: Finding) -> dict[str, Any]:
    """The columns of :meth:`AuditReport.grid` a finding fills."""
    return {
        "service": None if finding.service is None else finding.service.value,
        "verdict": finding.verdict.value,
        "cause": finding.cause.value,
        "explanation": finding.explanation,
        "fix": _fix_text(finding),
        "features_broken": tuple(feature.value for feature in finding.features),
    }
