"""The fleet report in a real browser: headless Chromium renders the demo audit's page.

Chromium loads the page from a file with every host name resolving to nothing, writes
the DOM it built, a network log and a screenshot. The test reads the summary and the
heat map from that DOM, and checks from the network log that the page asked for nothing.
A page made to misbehave is rendered the same way first, so the checks are shown to see
what they look for.

Skipped only when Chromium is absent and ``CI`` is unset; ``.ci/run`` installs it and
sets ``CI``, so there a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests.render.test_fleet_html import _page

if TYPE_CHECKING:
    from pathlib import Path

_BROWSERS = ("chromium", "chromium-browser")
_BROWSER_INTERNAL = "not an origin"  # the initiator of Chromium's own background requests


def _chromium() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed, and CI is set: .ci/run installs Debian's chromium")
    pytest.skip("Chromium is not installed (CI is unset)")


def _render(page: Path, *, mode: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Run Chromium headless on *page*: (its output, page requests, console lines)."""
    tmp = page.parent
    net_log = tmp / f"{page.stem}-{mode}.net.json"
    argv = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp / f'profile-{page.stem}-{mode}'}",
        # Nothing can leave: every name resolves to "not found" (192.0.2.x is never routed).
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={net_log}",
        "--window-size=1280,1600",
    ]
    if mode == "dom":
        argv.append("--dump-dom")
    else:
        argv.append(f"--screenshot={tmp / f'{page.stem}.png'}")
    argv.append(page.as_uri())
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    events = json.loads(net_log.read_text(encoding="utf-8"))["events"]
    requests = sorted(
        {
            (str(params["initiator"]), str(params["url"]))
            for event in events
            if isinstance(params := event.get("params"), dict)
            and "url" in params
            and "initiator" in params
            and params["initiator"] != _BROWSER_INTERNAL
        }
    )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, requests, console


def test_the_checks_see_a_page_that_reaches_out(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    _, requests, console = _render(bad, mode="dom")
    assert ("null", "http://192.0.2.1/x.png") in requests
    assert any('"boom"' in line for line in console)


def test_chromium_renders_the_demo_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests._cli import in_process  # noqa: PLC0415 - beside its use

    status, out, _ = in_process(capsys, "audit", "--lab", "demo", "--format", "html")
    assert status == 1
    report = tmp_path / "report.html"
    report.write_text(out, encoding="utf-8")
    _, data, _ = in_process(capsys, "audit", "--lab", "demo", "--format", "json")
    vms = [vm for host in json.loads(data)["hosts"] for vm in host["diagnosis"]["vms"]]
    services = {s["service"] for vm in vms for s in vm["services"]}

    dom, requests, console = _render(report, mode="dom")
    page = _page(dom)
    assert page.sections[:4] == ["summary", "heatmap", "healthy", "findings"]
    assert dom.count("Fleet summary") == 1
    assert dom.count(">Findings by cause<") == 1
    assert "hosts audited" in dom
    # When it was made, and by which vmic.
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by vmic ", dom)
    assert len(page.cells) == len(vms) * len(services) > 0
    # The first row of the grid is a VM with findings.
    first = next(row for row in page.rows if row)
    by_name = {
        (h["host"], vm["vm"]): vm for h in json.loads(data)["hosts"] for vm in h["diagnosis"]["vms"]
    }
    assert by_name[(first[0], first[1])]["findings"]
    # Every broken (\u2717) cell links to a finding that is on the page.
    crosses = [i for i, cell in enumerate(page.cells) if cell["class"] == "cell v-not_functioning"]
    assert crosses
    assert all(page.links.get(i, "").startswith("#finding-") for i in crosses)
    assert all(page.links[i][1:] in page.ids for i in crosses)
    # Every cell that is not functioning says why in its tooltip.
    assert all(c.get("title") for c in page.cells if c["class"] != "cell v-functioning")
    assert any(c.get("title") for c in page.cells)
    assert not {"script", "img", "link", "iframe"} & page.tags
    assert [url for url in page.urls if not url.startswith("#")] == []
    assert requests == []
    assert console == []

    _, requests, console = _render(report, mode="screenshot")
    screenshot = tmp_path / "report.png"
    assert screenshot.stat().st_size > 0
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert requests == []
    assert console == []
