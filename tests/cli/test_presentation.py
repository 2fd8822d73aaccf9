"""What a person reads: tables that never split a word, one vocabulary, notes said once.

The acceptance of issue 24's presentation items, on the real CLI (a subprocess, as a user
runs it) at 80 and 200 columns with ``NO_COLOR``:

- no word, identifier or GUID is split: every word a narrow table prints is a word the
  unlimited output prints too, and only a command (to copy whole) or one unbreakable word
  is longer than the terminal; ``vmic matrix`` stays short and ``vmic support`` says a note
  shared by every row once;
- human formats (table, Markdown) use display names and machine formats (JSON, CSV) the
  enum values, for every command that shows them;
- where facts come from (a document's revision, "Unverified for this distribution") shows
  only with ``--verbose``, once, and always in JSON.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests._cli import run
from vmic.diagnosis._results import Verdict
from vmic.model._services import IntegrationService
from vmic.rules._causes import Cause

# Human runs (table format), and whether their output holds commands to copy whole.
_HUMAN: tuple[tuple[str, ...], ...] = (
    ("doctor", "--lab", "demo"),
    ("doctor", "--lab", "demo", "--verbose"),
    ("audit", "--lab", "demo"),
    ("fix", "--lab", "demo", "--check"),
    ("matrix",),
    ("matrix", "--verbose"),
    ("support", "--host-os", "Windows Server 2019", "--guest-os", "Ubuntu 22.04", "--verbose"),
    ("plan", "--host-os", "ws2012r2", "--guest-os", "Windows 7", "--vm-off"),
    ("services",),
    ("scripts",),
    ("check", "--lab", "demo", "-v"),
)
_RULES_RE = re.compile(r"^-+$")
# What differs from run to run: how long an audit took ("in 0.1s").
_DURATION_RE = re.compile(r"^[0-9]+\.[0-9]s$")


def _run(argv: tuple[str, ...], columns: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    env["NO_COLOR"] = "1"
    if columns is not None:
        env["COLUMNS"] = columns
    status, out, err = run(*argv, env=env)
    assert status in {0, 1}, err
    return out


def _words(text: str, headers: set[str]) -> set[str]:
    """Every word printed, but a rule's dashes and a stacked record's labels."""
    return {
        word
        for word in text.split()
        if not _RULES_RE.match(word)
        and not _DURATION_RE.match(word)
        and not (word.endswith(":") and word[:-1] in headers)
    }


@pytest.mark.parametrize("argv", _HUMAN, ids=" ".join)
@pytest.mark.parametrize("columns", ["80", "200"])
def test_no_word_is_split_and_lines_fit(argv: tuple[str, ...], columns: str) -> None:
    whole = _run(argv, None)  # no terminal, no COLUMNS: nothing is wrapped
    narrow = _run(argv, columns)
    # A stacked record labels each value with its column's header.
    headers = {word for line in whole.splitlines()[:40] for word in line.split()}
    split = _words(narrow, headers) - set(whole.split())
    assert not split, sorted(split)[:20]
    whole_lines = {line.strip() for line in whole.splitlines()}
    for line in narrow.splitlines():
        if len(line) > int(columns):
            # Only a command to copy (printed as it is), or one word longer than the terminal.
            assert line.strip() in whole_lines or len(line.split()) == 1, line


@pytest.mark.parametrize("columns", ["80", "200"])
def test_guids_and_identifiers_are_whole(columns: str) -> None:
    out = _run(("services",), columns)
    for service in IntegrationService:
        assert service.guid in out.split()  # a GUID on one line, never over nine
        assert service.english_name.split()[0] in out.split()
    doctor = _run(("doctor", "--lab", "demo"), columns)
    data = json.loads(run("doctor", "--lab", "demo", "--format", "json")[1])
    vms = {vm["vm"] for host in data["hosts"] for vm in host["diagnosis"]["vms"]}
    assert vms <= set(doctor.split())


def test_the_matrix_is_short_and_its_notes_are_said_once() -> None:
    out = _run(("matrix",), "80")
    assert len(out.splitlines()) < 300  # 711 lines before, most of them one word long
    note = "Requires the Data Exchange integration service."
    assert out.count(note) == 1  # said once, referred to by its number
    support = _run(
        ("support", "--host-os", "Windows Server 2019", "--guest-os", "Ubuntu 22.04"), "80"
    )
    assert support.count("Inferred: the page revision has no column for this version") == 1
    assert len([line for line in support.splitlines() if "[1]" in line]) == 8  # 7 rows + note


# --- one vocabulary ------------------------------------------------------------------------

_VALUES = {
    *(v.value for v in Verdict if "_" in v.value),
    *(c.value for c in Cause),
    *(s.value for s in IntegrationService if "_" in s.value),
}


def _prose(text: str) -> str:
    """*text* without the commands to copy (a vmic command names a service by its value)."""
    text = re.sub(r"(?ms)^(`{3,})\w*$.*?^\1$", "", text)  # Markdown code blocks
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("vmic "))


_HUMAN_FORMATS = [
    (argv, output_format)
    for argv in (
        ("doctor", "--lab", "demo"),
        ("doctor", "--lab", "demo", "--verbose"),
        ("audit", "--lab", "demo"),
        ("fix", "--lab", "demo", "--check"),
    )
    for output_format in ("table", "markdown")
]


@pytest.mark.parametrize(("argv", "output_format"), _HUMAN_FORMATS, ids=str)
def test_human_formats_speak_in_display_names(argv: tuple[str, ...], output_format: str) -> None:
    out = _prose(_run((*argv, "--format", output_format), "200"))
    shown = sorted(value for value in _VALUES if re.search(rf"\b{value}\b", out))
    assert shown == []
    assert "Key-Value Pair Exchange" in out
    assert "not functioning" in out


def test_the_monitoring_plugins_long_output_speaks_in_display_names() -> None:
    out = _run(("check", "--lab", "demo", "-v"), "200")
    shown = sorted(value for value in _VALUES if re.search(rf"\b{value}\b", out))
    assert shown == []
    assert "HV01/legacy-win7 Key-Value Pair Exchange: disabled on host" in out


@pytest.mark.parametrize(
    "argv",
    [("doctor", "--lab", "demo"), ("audit", "--lab", "demo"), ("fix", "--lab", "demo", "--check")],
    ids=" ".join,
)
def test_machine_formats_keep_the_values(argv: tuple[str, ...]) -> None:
    csv = run(*argv, "--format", "csv")[1]
    assert "key_value_pair_exchange" in csv
    assert "Key-Value Pair Exchange" not in csv.split(",")
    document = run(*argv, "--format", "json")[1]
    assert "key_value_pair_exchange" in document
    assert "disabled_on_host" in document


def test_the_doctor_has_a_legend_for_its_columns() -> None:
    out = _run(("doctor", "--lab", "demo"), "80")
    assert out.count("Legend: host = ") == 1


def test_legacy_win7_lists_its_host_fix_once_as_a_vmic_command() -> None:
    out = _run(("doctor", "--lab", "demo", "--vm", "legacy-win7"), "80")
    lines = [line.strip() for line in out.splitlines()]
    command = "vmic enable --lab demo --vm legacy-win7 key_value_pair_exchange"
    assert lines.count(command) == 1  # two findings, one fix
    powershell = [line for line in lines if line.endswith("Enable-VMIntegrationService")]
    assert len(powershell) == 1
    assert lines.index(command) < lines.index(powershell[0])  # the short command first
    first_fix = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    assert "(host; for [1], [2])" in " ".join(lines[first_fix : first_fix + 2])


# --- research notes out of the way ---------------------------------------------------------

_NOTES = ("windowsserverdocs 047dddc", "Unverified for this distribution", "hyperv-daemons.spec")


def test_sources_show_only_with_verbose_once_and_always_in_json() -> None:
    plain = _run(("doctor", "--lab", "demo"), "80")
    for note in _NOTES:
        assert note not in plain
    assert "--verbose shows the sources behind 3 findings" in " ".join(plain.split())
    verbose = " ".join(_run(("doctor", "--lab", "demo", "--verbose"), "200").split())
    for note in _NOTES:
        assert verbose.count(note) == 1, note  # a footnote, not a word per row
    document = json.loads(run("doctor", "--lab", "demo", "--format", "json")[1])
    sources = [
        source
        for host in document["hosts"]
        for vm in host["diagnosis"]["vms"]
        for finding in vm["findings"]
        for source in finding["sources"]
    ]
    for note in _NOTES:
        assert any(note in source for source in sources), note


@pytest.mark.parametrize(
    "argv",
    [
        ("plan", "--host-os", "ws2012r2", "--guest-os", "Windows 7"),
        ("support", "--host-os", "Windows Server 2019", "--guest-os", "Ubuntu 22.04"),
        ("matrix", "--host-os", "Windows Server 2016"),
    ],
    ids=" ".join,
)
def test_rules_show_their_sources_only_with_verbose(argv: tuple[str, ...]) -> None:
    plain = _run(argv, "80")
    assert "ms.date" not in plain
    assert "windowsserverdocs" not in plain
    assert "Sources: --verbose." in plain
    verbose = _run((*argv, "--verbose"), "200")
    assert "ms.date" in verbose or "windowsserverdocs" in verbose
