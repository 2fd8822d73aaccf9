"""The one control-character policy and the escaping each text format builds on it."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from vmic.render import (
    csv_text,
    json_text,
    markdown_code,
    markdown_escape,
    markdown_table,
    text_table,
    visible,
    visible_lines,
)

# What the policy must spell out: every control (C0, DEL, C1 with NEL), the line and
# paragraph separators, the bidi controls and the zero-width characters.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
MUST_SHOW = (
    "".join(
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Zl", "Zp"}
    )
    + _BIDI
    + _ZERO_WIDTH
)


def test_every_control_separator_bidi_and_zero_width_character_is_spelled_out() -> None:
    assert "\x7f" in MUST_SHOW
    assert "\x85" in MUST_SHOW
    for char in MUST_SHOW:
        shown = visible(f"a{char}b")
        assert char not in shown, repr(char)
        assert shown == f"a\\x{ord(char):02x}b" if ord(char) < 0x100 else f"a\\u{ord(char):04x}b"


def test_visible_lines_keeps_only_newline_and_tab() -> None:
    assert visible_lines("a\tb\nc") == "a\tb\nc"
    for char in MUST_SHOW.replace("\t", "").replace("\n", ""):
        assert char not in visible_lines(f"x{char}y"), repr(char)


@given(st.text())
def test_visible_text_is_one_line_of_printable_characters(text: str) -> None:
    shown = visible(text)
    assert not any(char in MUST_SHOW for char in shown)
    assert len(shown.splitlines()) <= 1


def test_a_name_cannot_forge_a_table_line() -> None:
    forged = "x\nHV01 (Windows Server 2019): 9 VMs, 0 findings"
    table = text_table(("vm", "verdict"), [(forged, "healthy")])
    assert len(table.splitlines()) == 3  # header, rule, one row
    assert not any(line.startswith("HV01") for line in table.splitlines())


@given(st.text())
def test_markdown_escape_passes_no_syntax_and_no_line_break(text: str) -> None:
    escaped = markdown_escape(text)
    assert "\n" not in escaped
    assert not any(char in MUST_SHOW for char in escaped)
    # Every syntax character is preceded by a backslash (which is itself escaped).
    unescaped = re.sub(r"\\.", "", escaped)
    assert not set(unescaped) & set("\\`*_[]<>#|~!&{}")


def test_markdown_passes_no_raw_html() -> None:
    table = markdown_table(("vm",), [("<img src=x onerror=alert(1)>",)])
    assert re.search(r"(?<!\\)<", table) is None  # every < is escaped
    assert "\\<img src=x onerror=alert(1)\\>" in table


@pytest.mark.parametrize("line", ["```", "````", "x ``` y", "~~~", "```\nrm -rf /"])
def test_a_line_cannot_close_a_code_fence(line: str) -> None:
    block = markdown_code([line], "sh")
    fence = block[0].removesuffix("sh")
    assert block[-1] == fence
    assert len(block) == 3  # the line stays one line
    assert not block[1].startswith(fence)


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_csv_rows_are_one_line_each_and_formula_safe(cells: list[str]) -> None:
    text = csv_text([f"c{i}" for i in range(len(cells))], [cells])
    assert len(text.splitlines()) == 2
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


@given(
    st.recursive(
        st.text() | st.integers() | st.none(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)
    )
)
def test_json_round_trips_whatever_the_strings_hold(data: object) -> None:
    assert json.loads(json_text(data)) == data


@settings(max_examples=200)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_json_text_reads_back_as_json_dumps_does(data: object) -> None:
    for indent in (None, 2, 4):
        assert json.loads(json_text(data, indent=indent)) == json.loads(json.dumps(data))


def test_json_text_lays_out_two_levels_and_keeps_deeper_values_on_one_line() -> None:
    data = {"summary": {"hosts": 1}, "results": [{"host": "h", "vms": [1, 2]}], "empty": []}
    assert json_text(data) == (
        "{\n"
        '  "summary": {\n'
        '    "hosts": 1\n'
        "  },\n"
        '  "results": [\n'
        '    {"host": "h", "vms": [1, 2]}\n'
        "  ],\n"
        '  "empty": []\n'
        "}"
    )
    assert json_text({1: [1]}) == '{"1": [1]}'
