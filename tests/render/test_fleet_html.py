"""The fleet report page: summary first, a heat-map cell per VM and service, self-contained."""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shlex
from html.parser import HTMLParser
from typing import Any

import pytest

from tests import _diagnosis_builders as b
from tests._cli import in_process
from tests.render.test_html import balanced_text
from vmic import IntegrationService
from vmic.cli import main
from vmic.diagnosis import diagnose
from vmic.fleet._report import AuditReport, HostResult, HostStatus
from vmic.render import fleet_page
from vmic.render._fleet import SYMBOLS


class _Page(HTMLParser):
    """Collects the heat-map rows and cells, section ids in order, and every URL attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str | None]] = []
        self.rows: list[list[str]] = []  # the texts of each heat-map row's cells
        self.links: dict[int, str] = {}  # cell index -> the href inside it
        self.sections: list[str] = []
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.in_heat = False
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.add(tag)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in {"section", "details"} and found.get("id"):
            self.sections.append(str(found["id"]))
        if tag == "table" and found.get("class") == "heat":
            self.in_heat = True
        if self.in_heat and tag == "tr":
            self.rows.append([])
        if self.in_heat and tag == "td":
            self.in_cell = True
            self.rows[-1].append("")
            if "cell" in (found.get("class") or "").split():
                self.cells.append(found)
        if self.in_heat and tag == "a" and found.get("href"):
            self.links[len(self.cells) - 1] = str(found["href"])
        self.urls.extend(str(found[a]) for a in ("src", "href", "action") if found.get(a))

    def handle_data(self, data: str) -> None:
        if self.in_heat and self.in_cell and self.rows:
            self.rows[-1][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_heat = False
        if tag == "td":
            self.in_cell = False


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def demo() -> tuple[str, dict[str, object]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["audit", "--lab", "demo", "--format", "html"]) == 1
    page = out.getvalue()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["audit", "--lab", "demo", "--format", "json"])
    return page, json.loads(out.getvalue())


def test_the_page_opens_with_the_summary_then_the_heat_map(
    demo: tuple[str, dict[str, object]],
) -> None:
    text, _ = demo
    assert text.startswith("<!DOCTYPE html>")
    page = _page(text)
    # Each part once: summary, heat map (healthy VMs folded in it), findings by cause.
    assert page.sections[:4] == ["summary", "heatmap", "healthy", "findings"]
    assert len(page.sections) == len(set(page.sections))
    body = balanced_text(text[text.index("<body>") + 6 : text.index("</body>")])
    assert body.count("Fleet summary") == 1
    assert body.count("Findings by cause") == 1
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by vmic \S+", body)


def _rows_by_vm(document: dict[str, object]) -> dict[tuple[str, str], dict[str, Any]]:
    hosts = document["hosts"]
    assert isinstance(hosts, list)
    return {(h["host"], vm["vm"]): vm for h in hosts for vm in h["diagnosis"]["vms"]}


def test_one_cell_per_vm_and_service(demo: tuple[str, dict[str, object]]) -> None:
    text, document = demo
    vms = _rows_by_vm(document)
    columns = list(dict.fromkeys(s["service"] for vm in vms.values() for s in vm["services"]))
    page = _page(text)
    data_rows = [row for row in page.rows if row]
    assert len(data_rows) == len(vms)
    assert len(page.cells) == len(vms) * len(columns) > 0
    seen_none = False
    for number, row in enumerate(data_rows):
        vm = vms[(row[0], row[1])]
        by_service = {s["service"]: s for s in vm["services"]}
        for offset, column in enumerate(columns):
            cell = page.cells[number * len(columns) + offset]
            entry = by_service.get(column)
            title = str(cell.get("title"))
            if entry is None:
                seen_none = True
                assert (cell["class"], title) == (
                    "cell v-not_available",
                    "does not apply to this guest",
                )
                continue
            verdict = entry["verdict"]
            assert cell["class"] == f"cell v-{verdict}"
            if verdict == "functioning":
                assert "title" not in cell
                continue
            assert verdict.replace("_", " ") in title
            assert len(title.split(", ")) == max(1, len(entry["causes"]))
    assert seen_none  # a Linux guest has no PowerShell Direct entry (a cell says so)


def test_vms_with_findings_come_first_worst_first(demo: tuple[str, dict[str, object]]) -> None:
    text, document = demo
    vms = _rows_by_vm(document)
    order = [(row[0], row[1]) for row in _page(text).rows if row]
    findings = [len(vms[key]["findings"]) for key in order]
    sick = sum(1 for count in findings if count)
    assert sick > 0
    assert all(findings[:sick])
    assert not any(findings[sick:])  # the healthy VMs last (folded)
    ranks = {"not_functioning": 0, "degraded": 1, "unknown": 2}
    worst = [min(ranks.get(f["verdict"], 3) for f in vms[key]["findings"]) for key in order[:sick]]
    assert worst == sorted(worst)


def test_every_broken_cell_links_to_its_finding(demo: tuple[str, dict[str, object]]) -> None:
    text, _ = demo
    page = _page(text)
    broken = [i for i, cell in enumerate(page.cells) if cell["class"] == "cell v-not_functioning"]
    assert broken
    for index in broken:
        target = page.links[index]
        assert target.startswith("#finding-")
        assert target[1:] in page.ids  # the anchor exists on the page
    assert all(target[1:] in page.ids for target in page.links.values())


def test_each_verdict_shows_a_symbol_not_only_a_colour(demo: tuple[str, dict[str, object]]) -> None:
    text, _ = demo
    for verdict, symbol in SYMBOLS.items():
        if f'class="cell v-{verdict}"' in text:
            pattern = (
                f'class="cell v-{verdict}"( title="[^"]*")?>'
                f'(<a href="#finding-[0-9]+">)?{re.escape(symbol)}(</a>)?</td>'
            )
            assert re.search(pattern, text), verdict
    assert len(set(SYMBOLS.values())) == len(SYMBOLS)


def test_the_page_is_self_contained(demo: tuple[str, dict[str, object]]) -> None:
    text, _ = demo
    page = _page(text)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & page.tags
    assert all(url.startswith("#") for url in page.urls), page.urls
    assert "url(" not in text
    assert "@import" not in text


def test_findings_are_grouped_by_cause_and_carry_their_fixes(
    demo: tuple[str, dict[str, object]],
) -> None:
    text, document = demo
    rows = document["findings"]
    assert isinstance(rows, list)
    causes = {row["cause"] for row in rows}
    sections = _page(text).sections
    for cause in causes:
        assert f"cause-{cause}" in sections
    assert "<pre><code>" in text  # the fix commands


def test_names_are_escaped_in_cells_and_tooltips() -> None:
    observation = b.host(
        b.vm(
            '<img src="http://x.example/a">', overrides={IntegrationService.VSS: {"enabled": False}}
        )
    )
    diagnosis = diagnose(observation)
    report = AuditReport(
        results=(
            HostResult(host='"><script>x</script>', status=HostStatus.OK, diagnosis=diagnosis),
            HostResult(host="<b>down</b>", status=HostStatus.UNREACHABLE, error="<i>no</i>"),
        )
    )
    text = report.to_html()
    page = _page(text)
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert page.urls == [u for u in page.urls if u.startswith("#")]
    assert "&lt;img src=&quot;http://x.example/a&quot;&gt;" in text
    assert "Hosts not audited" in text
    assert len(page.cells) == len(diagnosis.vms[0].services)


def test_an_empty_fleet_says_so() -> None:
    text = fleet_page(
        {
            "summary": {
                "hosts": 0,
                "audited": 0,
                "failed": 0,
                "vms": 0,
                "healthy_vms": 0,
                "findings": 0,
                "duration": 0.0,
            },
            "failures": [],
            "diagnoses": [],
        }
    )
    assert "No findings" in text
    assert _page(text).cells == []


def test_doctor_writes_the_same_page(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "doctor", "--lab", "demo", "--format", "html")
    assert status == 1
    assert out.startswith("<!DOCTYPE html>")
    assert _page(out).cells


def _shown_commands(page: str) -> list[str]:
    """The ``vmic`` command lines a page shows in its code blocks, unescaped."""
    blocks = re.findall(r"<pre><code>(.*?)</code></pre>", page, flags=re.DOTALL)
    lines = (html.unescape(line) for block in blocks for line in block.split("\n"))
    return [line for line in lines if line.startswith("vmic ")]


@pytest.mark.parametrize("command", ["audit", "doctor"])
def test_every_vmic_command_of_the_lab_report_runs_as_shown(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, page, _ = in_process(capsys, command, "--lab", "demo", "--format", "html")
    assert status == 1
    shown = _shown_commands(page)
    assert shown
    for line in dict.fromkeys(shown):
        argv = shlex.split(line)
        # The lab's, never `--host HV01`: no such host name resolves anywhere.
        assert argv[2:4] == ["--lab", "demo"], line
        assert "--host" not in argv, line
        status, out, err = in_process(capsys, *argv[1:])
        assert status == 0, err
        assert out.startswith("enabled "), line
    # The fixes took: a second report shows no command for them any more.
    _, page, _ = in_process(capsys, command, "--lab", "demo", "--format", "html")
    assert _shown_commands(page) == []


def test_an_inventory_hosts_commands_reach_it_as_the_inventory_says() -> None:
    from vmic.cli._connection import inventory_words, lab_targets  # noqa: PLC0415
    from vmic.cli._main import build_parser  # noqa: PLC0415
    from vmic.connect import parse_inventory  # noqa: PLC0415
    from vmic.fleet import audit  # noqa: PLC0415

    inventory = parse_inventory(
        '[[hosts]]\nname = "HV01"\naddress = "192.0.2.11"\ntransport = "ssh"\nport = 2222\n'
        'username = "ops"\nknown_hosts = "-kh"\n\n'
        '[[hosts]]\nname = "HV-BERLIN"\naddress = "hv-berlin.example.test"\nuse_tls = false\n'
    )
    page = audit(lab_targets("demo")).to_html(connection=inventory_words(inventory))
    shown = sorted(set(_shown_commands(page)))
    assert shown == [
        (
            "vmic enable --host 192.0.2.11 --transport ssh --port 2222 --user ops "
            "--known-hosts=-kh --vm legacy-win7 key_value_pair_exchange"
        ),
        "vmic enable --host hv-berlin.example.test --no-tls --vm fs01 time_synchronization",
    ]
    # Each is a command vmic reads as the inventory describes the host (nothing is run:
    # these hosts are documentation addresses).
    args = build_parser(["enable"]).parse_args(shlex.split(shown[0])[1:])
    assert (args.host, args.transport, args.port, args.user, args.known_hosts) == (
        "192.0.2.11",
        "ssh",
        2222,
        "ops",
        "-kh",
    )
    assert (args.vms, args.services) == (["legacy-win7"], ["key_value_pair_exchange"])
