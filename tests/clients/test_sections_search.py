"""split_sections finds its markers by one search: it must agree with reading line by line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from vmic import ParseError
from vmic.clients._sections import (
    _MARKER_RE,
    _markers,
    _split_by_markers,
    _split_short,
    split_sections,
)

_MARKER = re.compile(r"<<vmic:([a-z0-9-]+)>>\Z")


def _line_by_line(text: str) -> dict[str, str] | None:
    """The grammar of the module docstring, read one line at a time (None: no end line)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.split("\n"):
        match = _MARKER.match(raw.rstrip().lstrip("\ufeff"))
        if match is not None:
            if match.group(1) == "end":
                return {
                    name: "".join(f"{line}\n" for line in lines) for name, lines in sections.items()
                }
            current = sections.setdefault(match.group(1), [])
        elif current is not None:
            current.append(raw.removesuffix("\r"))
    return None


_PIECES = st.sampled_from(
    [
        "<<vmic:a>>",
        "<<vmic:b-2>>",
        "<<vmic:end>>",
        "\ufeff<<vmic:a>>",
        " <<vmic:a>>",
        "<<vmic:A>>",
        "<<vmic:a>> x",
        "{",
        '  "Name": "x"',
        "}",
        "",
        "\r",
        " \t",
        "\u2028",
        "\x0c",
        "\u0085",
        "<<vmic:end>>\r",
        "<<vmic:b-2>>  \r",
        "<<vmic:a b>>",
        "<<vmic:>>",
        "<<vmic:a>>>>",
        "<<vmic:a>>\u2028",
        "x<<vmic:a>>",
        "<<vmic:end",
    ]
)


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_search_agrees_with_a_line_by_line_reading(
    pieces: list[str], newline: str, final: bool
) -> None:
    _assert_read_line_by_line(newline.join(pieces) + (newline if final else ""))


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_the_short_path_gives_what_the_match_by_match_reading_gives(
    pieces: list[str], newline: str, final: bool
) -> None:
    # The one-split reading of a short output either declines (None) or agrees exactly,
    # order of the sections included; what it declines is read match by match.
    text = newline.join(pieces) + (newline if final else "")
    fast = _split_short(text)
    if fast is not None:
        assert list(fast.items()) == list(_split_by_markers(text, "x").items())


def test_the_short_path_declines_what_it_cannot_read_alone() -> None:
    assert _split_short("\ufeff<<vmic:a>>\n1\n<<vmic:end>>\n") is None  # a BOM before
    assert _split_short("x <<vmic:a>>\n<<vmic:end>>\n") is None  # a marker inside a line
    assert _split_short("<<vmic:a>>\n1 <<vmic:b>>\n<<vmic:end>>\n") is None
    assert _split_short("<<vmic:a>>\n1\n") is None  # no end line
    assert split_sections("x <<vmic:a>>\n<<vmic:b>>\n2\n<<vmic:end>>\n") == {"b": "2\n"}
    with pytest.raises(ParseError, match="no complete vmic output"):
        split_sections("<<vmic:a>>\n1\n")
    # CRLF, a name twice, spaces after a marker: read match by match.
    crlf = "junk\n<<vmic:a>>\r\n1\r\n<<vmic:a>>\n2\n<<vmic:end>>"
    assert _split_short(crlf) is None
    assert split_sections(crlf) == {"a": "1\n2\n"}
    assert _split_short("<<vmic:a>> \n1\n<<vmic:end>>\n") is None
    assert _split_short("<<vmic:a b>>\n1\n<<vmic:end>>\n") is None  # not a marker's name
    assert _split_short("<<vmic:end>>\n<<vmic:a>>\n<<vmic:end>>\n") is None
    # The usual shape is read in one pass, junk before the first marker left out.
    usual = "junk\n<<vmic:a>>\n1\n<<vmic:b-2>>\n<<vmic:c>>\n{\n}\n<<vmic:end>>\n"
    assert _split_short(usual) == {"a": "1\n", "b-2": "", "c": "{\n}\n"}
    assert _split_short("<<vmic:end>>") == {}


def _assert_read_line_by_line(text: str) -> None:
    """split_sections reads *text* as a line-by-line reading does, or refuses it alike."""
    expected = _line_by_line(text)
    if expected is None:
        with pytest.raises(ParseError, match=r"no complete vmic output|printed nothing"):
            split_sections(text)
        return
    assert split_sections(text) == expected


_LONG_PIECES = st.one_of(
    _PIECES,
    st.sampled_from(["<", "a < b", "<<vmic:", "<<vmic:a", "<<vmic:a>", "x" * 2100]),
)


@settings(max_examples=300)
@given(st.lists(_LONG_PIECES, max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_a_long_output_is_read_as_the_regex_engine_reads_it(
    pieces: list[str], newline: str
) -> None:
    # Long outputs are searched "<" by "<" (and, past a few stray ones, by the regex
    # engine from there): the same markers, so the same sections or the same error.
    text = "x" * 4096 + newline + newline.join(pieces)
    assert [m.span() for m in _markers(text)] == [m.span() for m in _MARKER_RE.finditer(text)]
    _assert_read_line_by_line(text)


def test_many_stray_brackets_before_a_marker_are_left_to_the_regex_engine() -> None:
    text = "x" * 4096 + "\n" + "<" * 100 + "\n<<vmic:a>>\n1\n<<vmic:end>>\n"
    assert [m.group(1) for m in _markers(text)] == ["a", "end"]
    assert split_sections(text) == {"a": "1\n"}
