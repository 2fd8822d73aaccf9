"""The pieces the Windows parsers share: positions, text cleaning, tables and JSON."""

from __future__ import annotations

import datetime
import json
import json.scanner
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from vmic import ParseError, RegistryValueNotFoundError, StartType
from vmic.parsers._errors import error_at, error_at_line, position
from vmic.parsers._json import _decode, dotnet_date, dumps, enum_member, load_items, locate
from vmic.parsers._table import cell_width, read_tables, render_table, truncate
from vmic.parsers._text import clean_text

# --- positions and rendered errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "expected"),
    [
        ("", 0, (1, 1)),
        ("abc", 0, (1, 1)),
        ("abc", 3, (1, 4)),
        ("ab\ncd", 3, (2, 1)),
        ("ab\r\ncd", 5, (2, 2)),
        ("ab\n", 3, (2, 1)),
        ("a\u2028b", 2, (2, 1)),
        ("abc", 99, (1, 4)),
        ("abc", -5, (1, 1)),
    ],
)
def test_position_counts_lines_as_splitlines_does(
    source: str, offset: int, expected: tuple[int, int]
) -> None:
    assert position(source, offset) == expected


def test_error_at_renders_the_line_and_a_caret() -> None:
    error = error_at("bad value", "first\r\nsecond line\r\n", 14)
    assert isinstance(error, ParseError)
    assert (error.line, error.column) == (2, 8)
    assert str(error) == "bad value (line 2, column 8)\n    second line\n           ^"


def test_error_at_line_can_build_a_subclass() -> None:
    error = error_at_line("gone", "ERROR: x", 1, 1, cls=RegistryValueNotFoundError)
    assert isinstance(error, RegistryValueNotFoundError)
    assert str(error) == "gone (line 1, column 1)\n    ERROR: x\n    ^"


# --- clean_text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("\ufeffStatus", "Status"),
        (b"\xef\xbb\xbfStatus", "Status"),
        ("Status".encode("utf-16-le"), "Status"),
        (b"\xff\xfe" + "Stätus".encode("utf-16-le"), "Stätus"),
        (b"\xfe\xff" + "Stätus".encode("utf-16-be"), "Stätus"),
        (bytearray(b"abc"), "abc"),
        ("\x1b[32;1mStatus\x1b[0m Name", "Status Name"),
    ],
)
def test_clean_text(given: str | bytes, expected: str) -> None:
    if isinstance(given, bytes) and not given.startswith((b"\xef", b"\xff", b"\xfe")):
        # Without a BOM, bytes are UTF-8: UTF-16 text without a BOM is not accepted as such.
        with pytest.raises(ParseError):
            clean_text(given + b"\xff")
        return
    assert clean_text(given) == expected


def test_clean_text_reports_the_line_of_a_bad_byte() -> None:
    with pytest.raises(ParseError) as caught:
        clean_text(b"Status\r\nRunning \xff vmicvss\r\n")
    error = caught.value
    assert (error.line, error.column) == (2, 9)
    assert str(error).startswith("the bytes are not valid UTF-8 (byte 16 of the input)")


def test_clean_text_rejects_other_types() -> None:
    with pytest.raises(ParseError, match="expected text or bytes, got int"):
        clean_text(42)  # type: ignore[arg-type]  # the point of the test


# --- tables -------------------------------------------------------------------------------------


def test_read_table_uses_the_dash_runs_for_columns() -> None:
    text = "junk before\n\n  A     Bee Cee\n  -     --- ---\n  x     y   z\n  long  q\n"
    (table,) = read_tables(text)
    assert table.names == ("A", "Bee", "Cee")
    assert table.starts == (2, 8, 12)
    assert [table.cells(line) for _, line in table.rows] == [["x", "y", "z"], ["long", "q", ""]]
    assert table.column("bee") == 1
    assert table.column("Dee") is None


def test_read_tables_finds_each_table_and_keeps_offsets() -> None:
    text = "A B\r\n- -\r\n1 2\r\n\r\nC\r\n-\r\n3\r\n"
    first, second = read_tables(text)
    assert first.names == ("A", "B")
    assert second.names == ("C",)
    assert [line for _, line in first.rows] == ["1 2"]
    offset, line = second.rows[0]
    assert text[offset : offset + len(line)] == "3"
    assert first.cell_offset(first.rows[0], 1) == text.index("2")


def test_read_tables_measures_wide_characters_in_cells() -> None:
    text = "名前   Enabled\n----   -------\n键值对 True\nab     False\n"
    (table,) = read_tables(text)
    assert [table.cells(line) for _, line in table.rows] == [["键值对", "True"], ["ab", "False"]]


def test_a_value_crossing_a_column_start_goes_to_the_column_it_ends_in() -> None:
    # A right-aligned number wider than its label starts left of the label's dashes.
    text = "Name  Size\n----  ----\nx    12345\n"
    (table,) = read_tables(text)
    assert table.cells(table.rows[0][1]) == ["x", "12345"]


def test_a_dash_line_under_blanks_is_not_a_header() -> None:
    assert read_tables("A    B\n-- -- --\n") == []
    assert read_tables("----\n----\n") == []


@pytest.mark.parametrize(
    ("text", "width", "ellipsis", "expected"),
    [
        (
            "Hyper-V Remote Desktop Virtualization Service",
            38,
            "...",
            "Hyper-V Remote Desktop Virtualizati...",
        ),
        (
            "Hyper-V Remote Desktop Virtualization Service",
            38,
            "\u2026",
            "Hyper-V Remote Desktop Virtualization\u2026",
        ),
        ("short", 38, "...", "short"),
        ("StartPending", 8, "...", "Start..."),
        ("键值对交换", 7, "...", "键值..."),
    ],
)
def test_truncate(text: str, width: int, ellipsis: str, expected: str) -> None:
    assert truncate(text, width, ellipsis) == expected
    assert cell_width(truncate(text, width, ellipsis)) <= width


def test_render_table_autosize_and_fixed_widths() -> None:
    rows = [("Running", "vmicrdv", "Hyper-V Remote Desktop Virtualization Service")]
    assert render_table(("Status", "Name", "DisplayName"), rows, newline="\n") == (
        "\nStatus  Name    DisplayName\n------  ----    -----------\n"
        "Running vmicrdv Hyper-V Remote Desktop Virtualization Service\n\n\n"
    )
    assert render_table(("Status", "Name", "DisplayName"), rows, widths=(8, 18, 38)) == (
        "\r\nStatus   Name               DisplayName\r\n"
        "------   ----               -----------\r\n"
        "Running  vmicrdv            Hyper-V Remote Desktop Virtualizati...\r\n\r\n\r\n"
    )
    assert render_table(("A",), []) == ""


def test_render_table_pads_wide_characters_by_cells() -> None:
    text = render_table(("VMName", "Name"), [("测试机", "x"), ("a", "键值对交换")], newline="\n")
    assert text.split("\n")[3:5] == ["测试机 x", "a      键值对交换"]


# --- JSON ---------------------------------------------------------------------------------------


def _convert(report: Any, index: int, item: dict[str, Any]) -> tuple[str, str]:
    if not isinstance(item.get("Name"), str):
        message = "Name should be a string"
        raise report.error(message, index, "Name" if "Name" in item else None)
    return ("converted", item["Name"])


def test_load_items_accepts_an_object_an_array_and_the_value_count_wrapper() -> None:
    one = load_items('{"Name": "a"}', _convert, marker="Name")
    many = load_items('[{"Name": "a"}, {"Name": "b"}]', _convert, marker="Name")
    wrapped = load_items('{"value": [{"Name": "a"}], "Count": 1}', _convert, marker="Name")
    assert one == (("converted", "a"),)
    assert many == (("converted", "a"), ("converted", "b"))
    assert wrapped == (("converted", "a"),)
    assert load_items("[]", _convert, marker="Name") == ()


def test_load_items_reports_a_bad_item_at_its_key() -> None:
    text = '[\n  {"Name": "a"},\n  {"Name": 7}\n]'
    with pytest.raises(ParseError) as caught:
        load_items(text, _convert, marker="Name")
    assert str(caught.value) == (
        'Name should be a string (line 3, column 12)\n      {"Name": 7}\n               ^'
    )


def test_load_items_reports_a_missing_key_at_its_object() -> None:
    text = '{"value": [{"Other": 1}], "Count": 1}'
    with pytest.raises(ParseError) as caught:
        load_items(text, _convert, marker="Name")
    assert caught.value.column == text.index('{"Other"') + 1


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ('{"Name": "a",}', "not valid JSON: Expecting property name enclosed in double quotes", 14),
        ('"just a string"', "expected a JSON object or an array of objects, got a string", 1),
        ("[1]", "item 0 is a number, not an object", 2),
        ('[{"Name": "a"}, null]', "item 1 is null, not an object", 17),
        # An item nested in a non-item is converted too; the non-item is still refused.
        ('[{"Name": "a"}, [{"Name": "b"}]]', "item 1 is an array, not an object", 17),
        ('[{"Name": "a"}, true]', "item 1 is a boolean, not an object", 17),
        ("\ufeff[]", "not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)", 1),
        ("[" * 100_000, "JSON nested too deeply to read", 501),
        ("[" + "9" * 5000 + "]", "not valid JSON: Exceeds the limit", 2),
    ],
)
def test_load_items_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        load_items(text, _convert, marker="Name")
    assert caught.value.message.startswith(message)
    assert (caught.value.line, caught.value.column) == (1, column)


def test_locate_walks_keys_and_indices() -> None:
    text = '{"a": [1, {"b\\"c": {"d": [true, "x"]}}], "e": null}'
    assert text[locate(text, ["a", 1, 'b"c', "d", 1]) :].startswith('"x"')
    assert text[locate(text, ["e"]) :].startswith("null")
    # Missing parts stop at the deepest existing value.
    assert text[locate(text, ["a", 5]) :].startswith("[1,")
    assert locate(text, ["zz"]) == 0


def test_dumps_51_matches_windows_powershell() -> None:
    # PowerShell/PowerShell#2736 shows 5.1's output for this hashtable.
    value = {
        "dan": 15,
        "foo": {"second": "bbbbbbbb", "first": "a"},
        "barbarbarbar": {"second": "bbbbbbbb", "first": "a"},
    }
    assert dumps(value, powershell="5.1", newline="\n") == (
        "{\n"
        '    "dan":  15,\n'
        '    "foo":  {\n'
        '                "second":  "bbbbbbbb",\n'
        '                "first":  "a"\n'
        "            },\n"
        '    "barbarbarbar":  {\n'
        '                         "second":  "bbbbbbbb",\n'
        '                         "first":  "a"\n'
        "                     }\n"
        "}"
    )


def test_dumps_7_is_json_net_indented() -> None:
    value = [{"a": [], "b": {}, "c": [1, None, True]}]
    assert dumps(value, powershell="7", newline="\n") == (
        '[\n  {\n    "a": [],\n    "b": {},\n    "c": [\n      1,\n      null,\n      true\n'
        "    ]\n  }\n]"
    )


def test_dumps_51_writes_empty_containers_on_two_lines() -> None:
    assert dumps({"l": []}, powershell="5.1", newline="\n") == '{\n    "l":  [\n\n          ]\n}'


@pytest.mark.parametrize(
    ("powershell", "expected"),
    [
        ("5.1", r'"d\u0027invite \u003cb\u003e \u0026 \"q\" \\ \n' + "\u2028\u00e9" + '"'),
        ("7", r""""d'invite <b> & \"q\" \\ \n\u2028""" + "\u00e9" + '"'),
    ],
)
def test_dumps_escapes_like_each_serializer(powershell: Any, expected: str) -> None:
    text = dumps('d\'invite <b> & "q" \\ \n\u2028\u00e9', powershell=powershell)
    assert text == expected
    assert json.loads(text) == 'd\'invite <b> & "q" \\ \n\u2028\u00e9'


def test_dumps_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot write float"):
        dumps(1.5, powershell="7")


def test_dotnet_date() -> None:
    assert dotnet_date("/Date(1586304000000)/") == datetime.datetime(
        2020, 4, 8, tzinfo=datetime.UTC
    )
    assert dotnet_date("/Date(-86400000+0100)/") == datetime.datetime(
        1969, 12, 31, tzinfo=datetime.UTC
    )
    assert dotnet_date("2020-04-08T00:00:00Z") is None
    assert dotnet_date(1586304000000) is None
    assert dotnet_date("/Date(999999999999999)/") is None


def test_enum_member_reads_numbers_digit_strings_and_names() -> None:
    codes = {start.code: start for start in StartType}
    names = {start.dotnet_name.casefold(): start for start in StartType}
    assert enum_member(3, codes, names) is StartType.MANUAL
    assert enum_member("3", codes, names) is StartType.MANUAL
    assert enum_member(" Manual ", codes, names) is StartType.MANUAL
    with pytest.raises(LookupError):
        enum_member(9, codes, names)
    with pytest.raises(TypeError, match="a boolean"):
        enum_member(True, codes, names)


def _decoded_as_json_decodes(text: str) -> tuple[str, object]:
    """What _decode answers, from JSONDecoder.decode itself (the reference)."""
    try:
        return "value", json.JSONDecoder().decode(text)
    except json.JSONDecodeError as exc:
        return "error", str(error_at(f"not valid JSON: {exc.msg}", text, exc.pos))


def _decoded(text: str) -> tuple[str, object]:
    scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type] # a decoder is right
    try:
        return "value", _decode(text, scan)
    except ParseError as exc:
        return "error", str(exc)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
_SPACE = st.text(alphabet=" \t\n\r\x0b\f\xa0", max_size=3)


@settings(max_examples=300)
@given(
    _SPACE, _JSON_VALUES, _SPACE, st.text(alphabet='[]{}",: \n0a', max_size=3), st.integers(0, 40)
)
def test_decode_answers_as_json_decoder_decode(
    before: str, value: object, after: str, noise: str, cut: int
) -> None:
    # _decode does JSONDecoder.decode's steps itself: the same value, or the same error at
    # the same place, for valid text, text cut short, and text with more after its value.
    text = before + json.dumps(value) + after
    for given_text in (text, text[:cut], text + noise, noise + text, before + noise + after):
        assert _decoded(given_text) == _decoded_as_json_decodes(given_text), given_text
