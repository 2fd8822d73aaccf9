"""The monitoring examples of the README and docs: ``;`` where exit 1 is expected, and the
node_exporter timer run for real against the lab."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests._cli import run
from tests._metrics import text_string_to_metric_families

ROOT = Path(__file__).parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: The commands whose exit status 1 means findings (or a failed operation), not an error.
FINDING_COMMANDS = ("doctor", "audit", "guest", "fix", "diff", "check", "wait", "copy", "kvp")
_CHAINED = re.compile(r"\bvmic\s+(" + "|".join(FINDING_COMMANDS) + r")\b([^;&|\n]*)&&")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_no_example_chains_with_and_after_a_command_that_exits_1_on_findings(
    path: Path,
) -> None:
    # `vmic audit --save && vmic diff` never runs diff while there are findings.
    for number, line in enumerate(_lines(path), 1):
        for match in _CHAINED.finditer(line):
            assert "--exit-zero" in match.group(2), f"{path.name}:{number}: {line.strip()}"


def test_the_readme_chains_the_audit_and_diff_with_a_semicolon() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--save; vmic diff" in readme


def _timer_command() -> list[str]:
    """The ``ExecStart`` of the node_exporter timer in docs/audit.md, as words."""
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    start = text.index("ExecStart=") + len("ExecStart=")
    line = text[start : text.index("\n\n", start)].split("\n#", 1)[0]
    return shlex.split(line.replace("\\\n", " "))


def test_the_documented_node_exporter_timer_runs_green_and_writes_the_metrics(
    tmp_path: Path,
) -> None:
    words = _timer_command()
    assert words[:2] == ["/usr/bin/vmic", "audit"]
    assert "--exit-zero" in words
    # The lab instead of the inventory, a temporary directory instead of the collector's.
    inventory = words.index("--inventory")
    words[inventory : inventory + 2] = ["--lab", "demo"]
    output = words.index("--output")
    words[output + 1] = str(tmp_path / "vmic.prom")
    status, out, err = run(*words[1:])
    assert (status, out, err) == (0, "", "")  # the lab has 7 findings: still a green run
    families = {
        f.name: f
        for f in text_string_to_metric_families(
            (tmp_path / "vmic.prom").read_text(encoding="utf-8")
        )
    }
    assert families["vmic_audit_findings"].samples[0].value == 7
    assert [p.name for p in tmp_path.iterdir()] == ["vmic.prom"]  # no temporary file left
    # Without --exit-zero the same run "fails"; an error still fails with it.
    assert run(*[w for w in words[1:] if w != "--exit-zero"])[0] == 1
    broken = [*words[1:], "--concurrency", "0"]
    assert run(*broken)[0] == 2
