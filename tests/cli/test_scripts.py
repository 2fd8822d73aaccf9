"""``vmic scripts``: every script vmic sends, listed; one printed exactly as it is sent."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
import tree_sitter_powershell
from tree_sitter import Language, Parser

from tests._cli import in_process, run
from vmic.clients import scripts
from vmic.executors import Shell

if TYPE_CHECKING:
    from collections.abc import Iterator

_PARSER = Parser(Language(tree_sitter_powershell.language()))


def test_vmic_scripts_lists_every_script(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "scripts", "--format", "csv")
    assert (status, err) == (0, "")
    listed = [line.split(",", 1)[0] for line in out.splitlines()[1:]]
    assert listed == sorted(scripts())
    status, out, _ = in_process(capsys, "scripts", "--format", "json")
    rows = {row["script"]: row for row in json.loads(out)["rows"]}
    assert rows["host-shutdown"]["parameters"] == [
        "VMName",
        "Timeout",
        "Poll",
        "MaxPoll",
        "Force",
        "TurnOff",
    ]
    assert rows["windows-observe"]["powershell"] == "3.0"
    assert rows["linux-observe"]["powershell"] is None
    assert "Msvm_VirtualSystemManagementService.ModifyKvpItems" in rows["host-kvp-change"]["wmi"]


def _shown(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, str]]:
    for name in scripts():
        status, out, err = in_process(capsys, "scripts", "show", name)
        assert (status, err) == (0, ""), name
        yield name, out


def test_vmic_scripts_show_prints_each_exactly_as_sent_and_the_grammar_parses_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run("scripts", "show", "host-kvp-change")  # the real command, once
    assert (status, err, out) == (0, "", scripts()["host-kvp-change"].text)
    for name, out in _shown(capsys):
        assert out == scripts()[name].text
        if scripts()[name].contract.shell is Shell.POWERSHELL:
            tree = _PARSER.parse(out.encode("utf-8"))
            assert not tree.root_node.has_error, name


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("scripts", "show"), "needs the name of a script"),
        (("scripts", "show", "host-nothing"), "there is no script 'host-nothing'"),
        (("scripts", "list", "host-inventory"), "takes no name"),
    ],
)
def test_a_wrong_script_name_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    status, out, err = in_process(capsys, *argv)
    assert (status, out) == (2, "")
    assert words in err
    assert len(err.splitlines()) == 1
