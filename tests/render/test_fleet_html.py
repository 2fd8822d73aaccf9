"""The fleet report page: summary first, a heat-map cell per VM and service, self-contained."""

from __future__ import annotations

import contextlib
import io
import json
import re
from html.parser import HTMLParser

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
    """Collects the heat-map cells, section ids in order, and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str | None]] = []
        self.sections: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.in_heat = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.add(tag)
        if tag in {"section", "details"} and found.get("id"):
            self.sections.append(str(found["id"]))
        if tag == "table" and found.get("class") == "heat":
            self.in_heat = True
        if self.in_heat and tag == "td" and "cell" in (found.get("class") or "").split():
            self.cells.append(found)
        self.urls.extend(str(found[a]) for a in ("src", "href", "action") if found.get(a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_heat = False


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
    assert page.sections[:3] == ["summary", "heatmap", "findings"]
    assert page.sections[-1] == "healthy"
    body = text[text.index("<body>") + 6 : text.index("</body>")]
    assert "Fleet summary" in balanced_text(body)


def test_one_cell_per_vm_and_service(demo: tuple[str, dict[str, object]]) -> None:
    text, document = demo
    hosts = document["hosts"]
    assert isinstance(hosts, list)
    vms = [vm for h in hosts for vm in h["diagnosis"]["vms"]]
    columns = list(dict.fromkeys(s["service"] for vm in vms for s in vm["services"]))
    expected: list[tuple[str, list[str]] | None] = []
    for vm in vms:
        by_service = {s["service"]: (s["verdict"], s["causes"]) for s in vm["services"]}
        expected.extend(by_service.get(column) for column in columns)
    cells = _page(text).cells
    assert len(cells) == len(vms) * len(columns) > 0
    assert None in expected  # a Linux guest has no PowerShell Direct entry (a cell says so)
    for cell, entry in zip(cells, expected, strict=True):
        title = str(cell.get("title"))
        if entry is None:
            assert (cell["class"], title) == (
                "cell v-not_available",
                "does not apply to this guest",
            )
            continue
        verdict, causes = entry
        assert cell["class"] == f"cell v-{verdict}"
        if verdict == "functioning":
            assert "title" not in cell
            continue
        assert verdict.replace("_", " ") in title
        for cause in causes:
            assert cause.replace("_", " ") in title


def test_each_verdict_shows_a_symbol_not_only_a_colour(demo: tuple[str, dict[str, object]]) -> None:
    text, _ = demo
    for verdict, symbol in SYMBOLS.items():
        if f'class="cell v-{verdict}"' in text:
            pattern = f'class="cell v-{verdict}"( title="[^"]*")?>{re.escape(symbol)}</td>'
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
