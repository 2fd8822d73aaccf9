"""docs/tour.ipynb runs top to bottom in a real Jupyter kernel against the simulated lab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import nbformat
import pytest
from nbclient import NotebookClient

if TYPE_CHECKING:
    from nbformat import NotebookNode

TOUR = Path(__file__).resolve().parents[2] / "docs" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed() -> NotebookNode:
    notebook: NotebookNode = nbformat.read(  # type: ignore[no-untyped-call] # untyped library
        TOUR, as_version=4
    )
    with pytest.MonkeyPatch.context() as patch:
        # Quiets jupyter_core's notice about its future paths (warnings are errors here).
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=300,
            resources={"metadata": {"path": str(TOUR.parent)}},
        )
        client.execute()
    return notebook


def _outputs(cell: NotebookNode) -> list[dict[str, Any]]:
    return [dict(output) for output in cell.get("outputs", [])]


def _html(cell: NotebookNode) -> str:
    return "".join(
        output["data"]["text/html"]
        for output in _outputs(cell)
        if output.get("output_type") == "execute_result" and "text/html" in output.get("data", {})
    )


def _stdout(cell: NotebookNode) -> str:
    return "".join(
        output["text"]
        for output in _outputs(cell)
        if output.get("output_type") == "stream" and output.get("name") == "stdout"
    )


def _code(notebook: NotebookNode, needle: str) -> NotebookNode:
    for cell in notebook.cells:
        if cell.cell_type == "code" and needle in cell.source:
            return cast("NotebookNode", cell)
    raise AssertionError(f"no code cell contains {needle!r}")


def test_every_cell_runs_without_error(executed: NotebookNode) -> None:
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        assert cell.get("execution_count") is not None
        for output in _outputs(cell):
            assert output.get("output_type") != "error", output


def test_reports_render_as_html(executed: NotebookNode) -> None:
    audit_html = _html(_code(executed, "report = audit("))
    # The fleet summary first, then the VM x service heat map (see vmic.render).
    assert audit_html.startswith("<style>")
    assert audit_html.index("Fleet summary") < audit_html.index('<table class="heat">')
    diagnosis_html = _html(_code(executed, "report.results[0].diagnosis"))
    assert diagnosis_html.index("Fleet summary") < diagnosis_html.index('<table class="heat">')
    assert 'class="cell v-' in diagnosis_html
    rule_html = _html(_code(executed, "update_rule("))
    assert "Key-Value Pair Exchange" in rule_html  # Windows 7 on 2016 needs Data Exchange
    table_html = _html(_code(executed, "update_tables()[1]"))
    assert "<caption>For virtual machines running on Windows 8.1" in table_html
    plan_html = _html(_code(executed, "plan_update("))
    assert "Integration Services" in plan_html


def test_the_lab_check_finds_every_planted_problem(executed: NotebookNode) -> None:
    text = _stdout(_code(executed, "planted problems found"))
    found_line, healthy_line = text.strip().splitlines()
    _, counts = found_line.split(":", 1)
    found, _, total = counts.split()
    assert int(total) > 0
    assert found == total
    assert healthy_line == "findings on healthy VMs: 0"


def test_the_fleet_table_pivots_into_the_heat_map(executed: NotebookNode) -> None:
    pivot = _html(_code(executed, "frame = report.to_dataframe()"))
    assert "key_value_pair_exchange" in pivot  # a service column
    assert "not_functioning" in pivot
    findings = _html(_code(executed, 'frame[frame["explanation"] != ""]'))
    assert "data_exchange_required_for_updates" in findings  # a second cause, its own row
    assert "[host] Hyper-V" in findings  # the fix, cut to the column width by pandas
