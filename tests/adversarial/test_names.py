"""Hostile VM names through every renderer: each output format of every command that shows one.

Issue 23, defects 1, 2 and 8: one VM name with an unpaired surrogate ended ``audit --format
json|html|openmetrics`` and ``--save`` in an internal error (the whole fleet's report
lost); two VMs of one name made duplicate metric series and one history row; a newline in
a name forged a line of the one-line results, and HTML and JSON kept ESC, BEL, C1 CSI,
U+202E and DEL raw. The formats are read from the command line's own ``--format`` choices,
so a format added later is in the matrix without a change here.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings, strategies as st

import vmic.testing
from tests._cli import in_process
from tests._metrics import openmetrics_families, text_string_to_metric_families
from tests.adversarial._hostile import (
    CREATABLE,
    FORGED,
    NAMES,
    hostile_host,
    hostile_lab,
    raw_characters,
    rename,
    vm_names,
)
from vmic import IntegrationService
from vmic.cli._main import build_parser
from vmic.clients import HyperVHost
from vmic.convert import observations_document, read_observations
from vmic.fleet import audit
from vmic.fleet._monitoring import check_report, openmetrics
from vmic.history import History, diff_runs
from vmic.render import encodable, json_text, markdown_escape, spreadsheet_safe, visible
from vmic.testing import FakeHyperVHost, demo_lab

if TYPE_CHECKING:
    from vmic.fleet import AuditReport


def _formats(command: str) -> tuple[str, ...]:
    """The ``--format`` choices of *command*, as its parser declares them."""
    parser = build_parser([command])
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = commands.choices[command]
    found = next(a for a in sub._actions if "--format" in a.option_strings)
    assert found.choices is not None
    return tuple(found.choices)


def _shows(output_format: str, name: str) -> str:
    """How *name* reads in *output_format* (by the one sanitising policy)."""
    if output_format == "markdown":
        return markdown_escape(name)
    if output_format == "html":
        return html.escape(visible(name), quote=True)
    if output_format == "openmetrics":
        return visible(name).replace("\\", "\\\\").replace('"', '\\"')
    if output_format == "check":
        return visible(name).replace("|", "/")  # "|" starts a plugin's performance data
    return visible(name)


def _check_text(output_format: str, text: str, names: tuple[str, ...]) -> None:
    """Every format: encodable, nothing raw, every name there, no line forged."""
    text.encode("utf-8")  # a lone surrogate would fail here, and lose the report
    assert raw_characters(text) == set(), output_format
    assert not any(line.startswith(FORGED) for line in text.splitlines())
    if output_format == "json":
        data = json.loads(text)
        seen = json.dumps(data)  # every value exactly as given, lone surrogates included
        for name in names:
            assert json.dumps(name)[1:-1] in seen
        return
    if output_format == "csv":
        cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        for name in names:
            assert spreadsheet_safe(visible(name)) in cells, name
        return
    for name in names:
        assert _shows(output_format, name) in text, (output_format, name)


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vmic.testing, "demo_lab", hostile_lab)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("output_format", _formats("audit"))
def test_every_audit_format_writes_the_whole_fleet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, output_format: str
) -> None:
    # One name with a lone surrogate made json, html and openmetrics exit 70 (defect 1).
    status, out, err = in_process(capsys, "audit", "--lab", "demo", "--format", output_format)
    assert (status, err) == (1, "")
    _check_text(output_format, out, NAMES)
    target = tmp_path / f"report.{output_format}"
    status, out, err = in_process(
        capsys, "audit", "--lab", "demo", "--format", output_format, "--output", str(target)
    )
    assert (status, out, err) == (1, "", "")
    _check_text(output_format, target.read_text(encoding="utf-8"), NAMES)


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("output_format", _formats("apply"))
@pytest.mark.parametrize("command", ["apply", "policy"])
def test_every_policy_format_shows_every_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, output_format: str, command: str
) -> None:
    policy = tmp_path / "every-vm.toml"
    policy.write_text('[[rule]]\nname = "all"\nservices = { vss = "on" }\n', encoding="utf-8")
    words = (
        ("apply", "--policy", str(policy), "--check")
        if command == "apply"
        else ("policy", "show", str(policy))
    )
    status, out, err = in_process(capsys, *words, "--lab", "demo", "--format", output_format)
    assert (status, err) == (1 if command == "apply" else 0, "")
    _check_text(output_format, out, NAMES)


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("output_format", _formats("doctor"))
def test_every_doctor_format_shows_every_name(
    capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    status, out, err = in_process(capsys, "doctor", "--lab", "demo", "--format", output_format)
    assert (status, err) == (1, "")
    _check_text(output_format, out, NAMES)


@pytest.mark.usefixtures("hostile")
def test_saving_the_run_and_the_observations_keeps_every_vm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # --save ended in an internal error (defect 1): SQLite stores UTF-8 only.
    db, folder = tmp_path / "h.db", tmp_path / "observations"
    argv = ("audit", "--lab", "demo", "--format", "csv", "--save", "--db", str(db))
    status, _, err = in_process(capsys, *argv, "--save-observations", str(folder))
    assert (status, err) == (1, f"vmic: saved run 1 to {db} (vmic history, vmic diff)\n")
    with History(db) as history:
        snapshot = history.snapshot(history.runs()[-1].id)
    # Stored by the policy: a lone surrogate spelled out, everything else as it is.
    assert {encodable(name) for name in NAMES} <= {name for name, _ in snapshot.vms.values()}
    # The observations keep every name exactly, lone surrogates included, and read back.
    text = (folder / "HV01.json").read_text(encoding="utf-8")
    assert raw_characters(text) == set()
    host = read_observations(text, source="HV01.json")
    assert set(NAMES) <= {vm.name for vm in host.vms}
    status, out, err = in_process(
        capsys, "doctor", "--observations", str(folder / "HV01.json"), "--format", "json"
    )
    assert (status, err) == (1, "")
    _check_text("json", out, NAMES)


@pytest.mark.usefixtures("hostile")
def test_the_check_line_and_long_output_stay_one_line_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(capsys, "check", "--lab", "demo", "-v")
    assert (status, err) == (1, "")  # WARNING: findings, none of a critical cause
    lines = out.splitlines()
    perfdata = dict(part.split("=") for part in lines[0].split(" | ")[1].split())
    assert len(lines) == 1 + int(perfdata["findings"].split(";")[0])
    _check_text("check", out, NAMES)


def test_diff_shows_hostile_names_by_the_policy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    lab = demo_lab()
    with History(db) as history:
        history.save(audit(lab.hosts), inventory="lab:demo")
        for index, name in enumerate(NAMES):
            rename(lab.hosts[0].add_vm(f"new-{index}"), name)
        history.save(audit(lab.hosts), inventory="lab:demo")
    for output_format in _formats("diff"):
        status, out, err = in_process(capsys, "diff", "--db", str(db), "--format", output_format)
        assert (status, err) == (0, "")
        # The history stored each name by the policy (encodable); it shows as any name does.
        stored = tuple(encodable(name) for name in NAMES)
        _check_text(output_format, out, stored if output_format == "json" else NAMES)


# --- the renderers themselves, names drawn by hypothesis ---------------------------------


def _renderings(report: AuditReport) -> dict[str, str]:
    texts = {name: report.render(name) for name in ("table", "markdown", "csv", "json", "html")}
    texts["openmetrics"] = openmetrics(report, timestamp=1.0)
    texts["check"] = check_report(report).render(long_output=True)
    return texts


@settings(max_examples=25)
@given(names=st.lists(vm_names(), min_size=1, max_size=3))
def test_any_names_through_every_renderer(names: list[str]) -> None:
    host = hostile_host(tuple(names))
    report = audit([host])
    for output_format, text in _renderings(report).items():
        _check_text(output_format, text, tuple(names))
    # Prometheus's own parser reads the metrics; each name is its label as the policy shows it.
    families = text_string_to_metric_families(openmetrics(report, timestamp=1.0))
    labels = {sample.labels.get("vm") for family in families for sample in family.samples}
    assert {visible(name) for name in names} <= labels
    # A history stores every VM, and saved observations read back exactly.
    with tempfile.TemporaryDirectory() as folder, History(Path(folder) / "h.db") as history:
        run = history.save(report, inventory="x")
        assert len(history.snapshot(run.id).vms) == len(names)
    observed = HyperVHost(host).observe()
    text = json_text(observations_document(observed))
    assert raw_characters(text) == set()
    back = read_observations(text)
    assert [vm.name for vm in back.vms] == [vm.name for vm in observed.vms]


# --- one-line results of operations ---------------------------------------------------------

_OPERATIONS: tuple[tuple[str, ...], ...] = (
    ("wait", "--for", "heartbeat"),
    ("copy", "C:\\Deploy\\settings.json", "C:\\Temp", "--enable-service"),
    ("shutdown",),
    ("kvp", "set", "--key", "role", "--value", "web"),
    ("enable", "Shutdown"),
    ("disable", "Heartbeat"),
    ("apply", "shutdown=on"),
)


# The names that hold a line break, a control, a bidi or an invisible character.
_LINE_BREAKERS = tuple(name for name in CREATABLE if raw_characters(name) or "\n" in name)


@pytest.mark.parametrize("operation", _OPERATIONS, ids=lambda argv: argv[0])
@pytest.mark.parametrize("name", _LINE_BREAKERS, ids=range(len(_LINE_BREAKERS)))
def test_one_line_results_stay_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    operation: tuple[str, ...],
    name: str,
) -> None:
    # A newline in a VM name forged a line of these results (defect 8).
    def lab() -> Any:
        built = demo_lab()
        built.host("HV01").add_vm(name)  # Hyper-V's default services: every operation works
        built.host("HV01").settle()
        return built

    monkeypatch.setattr(vmic.testing, "demo_lab", lab)
    command, *rest = operation
    words = [command, *rest[:1]] if command == "kvp" else [command]
    status, out, err = in_process(
        capsys, *words, "--lab", "demo", f"--vm={name}", *(rest[1:] if command == "kvp" else rest)
    )
    assert (status, err) == (0, ""), err
    assert out.count("\n") == 1, out
    assert raw_characters(out) == set()
    assert not out.startswith(FORGED)
    assert visible(name) in out or repr(name) in out or visible(repr(name)) in out


# --- two VMs of one name ----------------------------------------------------------------------


def test_two_vms_of_one_name_stay_two_everywhere(tmp_path: Path) -> None:
    # Duplicate series that Prometheus's parser rejects, and one history row whose verdict
    # depended on VM order (defect 2).
    names = ("twin", "twin\nforged")
    report = audit([hostile_host(names, twins=True)])
    text = openmetrics(report, timestamp=1.0)
    families = {family.name: family for family in openmetrics_families(text)}
    healthy = {
        (s.labels["vm"], s.labels["vm_id"]): s.value for s in families["vmic_vm_healthy"].samples
    }
    for name in names:
        values = sorted(v for (vm, _), v in healthy.items() if vm == visible(name))
        assert values == [0, 1]  # one unhealthy, one healthy: two series
    # The history keeps both, whichever order the host lists them in.
    snapshots = []
    for order in (1, -1):
        host = FakeHyperVHost("HV01")
        for twin in (("twin", [IntegrationService.HEARTBEAT]), ("twin", None))[::order]:
            vm_id = "11111111-1111-1111-1111-11111111111" + ("1" if twin[1] else "2")
            host.add_vm(twin[0], enabled=twin[1], vm_id=vm_id)
        host.settle()
        with History(tmp_path / f"h{order}.db") as history:
            run = history.save(audit([host]), inventory="x")
            snapshots.append(history.snapshot(run.id))
    assert len(snapshots[0].vms) == 2
    assert snapshots[0].services == snapshots[1].services
    assert {f.key for f in snapshots[0].findings.values()} == set(snapshots[1].findings)
    assert diff_runs(snapshots[0], snapshots[1]).changes == ()
    with sqlite3.connect(tmp_path / "h1.db") as raw:
        assert raw.execute("SELECT COUNT(*) FROM vms WHERE vm = 'twin'").fetchone() == (2,)
