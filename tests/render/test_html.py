"""``_repr_html_`` of diagnoses and of the rules: complete, and every value escaped."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from tests import _diagnosis_builders as b
from vmic import IntegrationService, plan_update, update_rule, update_tables
from vmic.diagnosis import diagnose
from vmic.render import _html as h, visible

if TYPE_CHECKING:
    from vmic.rules._matrix import UpdateTable


class _Balance(HTMLParser):
    """Checks that every tag opened is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def balanced_text(fragment: str) -> str:
    parser = _Balance()
    parser.feed(fragment)
    parser.close()
    assert parser.stack == []
    return "".join(parser.text)


@given(st.text())
def test_escape_shows_any_text_by_the_one_policy(text: str) -> None:
    # The page reads what every text format shows: controls, bidi characters and lone
    # surrogates spelled out (visible), everything else as it is.
    markup = h.escape(text)
    assert "<" not in markup
    assert html.unescape(markup) == visible(text)
    assert balanced_text(str(h.element("td", text))) == visible(text)
    markup.encode("utf-8")  # no lone surrogate is left to fail the write


def test_markup_is_not_escaped_twice() -> None:
    inner = h.element("b", "x & y")
    assert str(h.element("td", inner)) == "<td><b>x &amp; y</b></td>"
    assert str(h.escape(None)) == ""
    assert str(h.escape(True)) == "yes"
    assert str(h.escape(("a", "<b>"))) == "a, &lt;b&gt;"
    assert str(h.element("td", "v", title='a"b')) == '<td title="a&quot;b">v</td>'


def test_rule_html_holds_every_field() -> None:
    rule = update_rule("Windows Server 2016", "Windows 7")
    text = balanced_text(rule._repr_html_())
    for expected in (
        "Windows Server 2016",
        "Windows 7",
        "Windows Update",
        "Key-Value Pair Exchange",
        "Download Center cab (KB3071740)",
        *rule.notes,
    ):
        assert expected in text


@pytest.mark.parametrize("table", update_tables(), ids=lambda t: t.key)
def test_table_html_lists_every_row_in_order(table: UpdateTable) -> None:
    fragment = table._repr_html_()
    labels = [row.guest_label for row in table.rows]
    cells = re.findall(r"<tr><td>([^<]*)</td>", fragment)
    assert [html.unescape(c) for c in cells if c] == labels
    assert balanced_text(fragment)


def test_plan_html_lists_steps_and_commands() -> None:
    plan = plan_update("Windows Server 2019", "Windows 7", data_exchange_enabled=False)
    text = balanced_text(plan._repr_html_())
    for step in plan.steps:
        assert step.title in text
        for command in step.commands:
            assert command in text


def test_diagnosis_html_is_balanced_and_names_the_problem() -> None:
    observation = b.host(
        b.vm("web & <db>", overrides={IntegrationService.SHUTDOWN: {"enabled": False}})
    )
    diagnosis = diagnose(observation)
    text = balanced_text(diagnosis._repr_html_())
    assert "web & <db>" in text  # shown as text, after escaping
    assert "disabled on host" in text  # words, not the cause's value
    assert diagnosis.findings[0].fixes[0].commands[0] in text
    assert balanced_text(diagnosis.vms[0]._repr_html_())
