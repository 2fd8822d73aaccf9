"""Hypothesis strategies for names and values chosen to break naive quoting."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters with a meaning to PowerShell, POSIX sh or the transports in between.
SPECIALS = (
    "'",
    "\u2018",
    "\u2019",
    "\u201a",
    "\u201b",
    '"',
    "\u201c",
    "\u201d",
    "\u201e",
    "`",
    "$",
    "$(",
    "${",
    "@(",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    "&",
    "&&",
    "|",
    "||",
    "<",
    ">",
    "*",
    "?",
    "#",
    "<#",
    "#>",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "\u00a0",
    "\u2013",
    "\u2014",
    "\u0085",
    "\u2028",
    "-",
    "--",
    "%",
    "~",
    "!",
    "=",
    ",",
    ".",
    "\x01",
    "\x1b",
    "\x7f",
    "@'",
    "'@",
    '@"',
    '"@',
    "$null",
    "$true",
    "Remove-VM -Force",
    "rm -rf /",
    "web*",
    "web01",
)

# Any character with a UTF-8 encoding (so no lone surrogate), except NUL.
_ANY_CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")


def hostile_text(*, max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Text mixing shell and PowerShell metacharacters with arbitrary Unicode (no NUL)."""
    piece = st.one_of(st.sampled_from(SPECIALS), st.text(_ANY_CHARACTER, min_size=1, max_size=8))
    return st.lists(piece, max_size=max_pieces).map("".join)


def hostile_names() -> st.SearchStrategy[str]:
    """Non-empty hostile text, now and then very long."""
    return st.one_of(
        hostile_text().filter(bool),
        st.tuples(hostile_text(max_pieces=8), st.integers(1000, 5000)).map(
            lambda pair: (pair[0] or "'") * max(1, pair[1] // max(1, len(pair[0]))),
        ),
    )
