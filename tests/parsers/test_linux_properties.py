"""Properties of the Linux parsers: total on any input, and inverse of their formatters."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import pytest
from hypothesis import assume, given, settings, strategies as st

from vmic.errors import InvalidRecordError, ParseError
from vmic.model._linux_records import (
    CommandList,
    ModuleList,
    ModuleStatus,
    ProcessRecord,
    PsFormat,
    SystemdUnit,
    UnitActiveState,
    module_name,
)
from vmic.model._patterns import CPU_TIME, MODULE_NAME, UNPRINTABLE
from vmic.parsers._linux import (
    _ASCII_LSMOD_LISTING_RE,
    _ASCII_LSMOD_NAME_RE,
    _ASCII_PROCPS_LISTING_RE,
    _COMMAND,
    _INK,
    _LSMOD_LINE_RE,
    _LSMOD_LISTING_RE,
    _LSMOD_NAME_RE,
    _PROCPS_LISTING_RE,
    _PS_LINES,
    _PS_SHAPES,
    _SPACE,
    _lsmod_module,
    _module_line,
    _plain,
    _plain_ascii,
    _ps_fields,
    _tokens,
    _units_at_once,
    _units_by_line,
    compgen_names,
    daemon_pids,
    daemon_processes,
    format_compgen,
    format_lsmod,
    format_ps,
    format_systemctl_is_active,
    format_systemctl_show,
    loaded_module_names,
    parse_compgen,
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    parse_systemctl_is_active,
    parse_systemctl_show,
)
from vmic.strategies import command_lists, module_lists, process_records, systemd_units

if TYPE_CHECKING:
    from collections.abc import Callable

# --- Any input: a result or a ParseError ----------------------------------------------------


def _ps_with_grep(source: str | bytes) -> object:
    return parse_ps(source, keep_grep=True)


def _show_for_one_unit(source: str | bytes) -> object:
    return parse_systemctl_show(source, units=("hv-kvp-daemon.service",))


def _is_active_for_two_units(source: str | bytes) -> object:
    return parse_systemctl_is_active(source, ["hypervkvpd", "hypervvssd"])


PARSERS: list[Callable[[str | bytes], object]] = [
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    _ps_with_grep,
    parse_compgen,
    parse_systemctl_show,
    _show_for_one_unit,
    _is_active_for_two_units,
]
PARSER_IDS = [getattr(p, "__name__", "?").lstrip("_") for p in PARSERS]

# Every code point, lone surrogates included.
ANY_CHAR = st.characters(exclude_categories=())
FRAGMENTS = st.sampled_from(
    [
        "Module                  Size  Used by",
        "hv_utils               20480  0",
        "hv_vmbus               61440  8 hv_balloon,hv_utils",
        "hv_vmbus 61440 - hv_utils, Live 0x0000000000000000 (OE)",
        "hv_utils 20480 -2",
        "UID        PID  PPID  C STIME TTY          TIME CMD",
        "root      1286     1  0 Jul11 ?        00:01:11 /usr/sbin/hv_kvp_daemon -n",
        "root 236 2 0 Jul11 ? 1-00:00:00 [hv_vmbus_con]",
        "scooley  43774 43755  0 21:20 pts/0    00:00:00 grep --color=auto hv",
        "...",
        "Id=hv-kvp-daemon.service",
        "LoadState=loaded",
        "LoadState=not-found",
        "ActiveState=active",
        "SubState=running",
        "UnitFileState=",
        "UnitFileState=enabled-runtime",
        "MainPID=0",
        "MainPID=4294967296",
        "Description=Hyper-V KVP daemon",
        "active",
        "unknown",
        "kernel/drivers/hv/hv_utils.ko",
        "hv_kvp_daemon",
        "\x1b[01;31m\x1b[Khv\x1b[m\x1b[K",
        "\ufeff",
        "\x00",
        "\ud800",
        "\t",
        "-",
        ",",
        "=",
        "99999999999999999999999",
    ]
)
SEPARATORS = st.sampled_from(["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028", ""])
LINES = st.lists(st.one_of(FRAGMENTS, st.text(ANY_CHAR, max_size=12)), max_size=9).map(" ".join)
DOCUMENTS = st.lists(st.tuples(LINES, SEPARATORS), max_size=12).map(
    lambda pairs: "".join(line + end for line, end in pairs)
)
INPUTS = st.one_of(
    st.text(ANY_CHAR),
    DOCUMENTS,
    st.binary(),
    DOCUMENTS.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


def _error_of(parse: Callable[[str | bytes], object], source: str | bytes) -> ParseError | None:
    try:
        parse(source)
    except ParseError as error:
        return error
    return None


def _check_total(parse: Callable[[str | bytes], object], source: str | bytes) -> None:
    error = _error_of(parse, source)
    if error is not None:
        # Every error of these parsers is placed in its (decoded) source.
        assert error.line >= 1
        assert error.column >= 1
        assert error.line <= len(error.source.splitlines()) + 1
        rendered = str(error)
        assert rendered.startswith(error.message)
        assert f"(line {error.line}, column {error.column})" in rendered


@pytest.mark.parametrize("parse", PARSERS, ids=PARSER_IDS)
@given(source=INPUTS)
def test_any_input_gives_a_result_or_a_parse_error(
    parse: Callable[[str | bytes], object], source: str | bytes
) -> None:
    _check_total(parse, source)


HUGE = [
    "a" * 1_000_000,
    " " * 1_000_000,
    "1 " * 500_000,
    "hv_utils," * 100_000,
    "hv_utils 1 0 " + "x," * 300_000,
    "root 1 0 0 Jul11 ? 00:00:00 " + "x" * 1_000_000,
    "Description=" + "\t" * 1_000_000,
    "=" * 1_000_000,
    "\n" * 1_000_000,
    "\x1b[" * 300_000,
]


@pytest.mark.parametrize("parse", PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("source", HUGE, ids=range(len(HUGE)))
def test_huge_lines(parse: Callable[[str | bytes], object], source: str) -> None:
    _check_total(parse, source)


# --- Round trips ----------------------------------------------------------------------------

# Module names, for names looked up in a listing and in modules.builtin.
MODULE_NAMES = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,24}", fullmatch=True)


@given(listing=module_lists(), header=st.booleans())
def test_lsmod_round_trip(listing: ModuleList, header: bool) -> None:
    text = format_lsmod(listing.modules, header=header)
    assert parse_lsmod(text) == listing
    assert parse_lsmod(text.encode("ascii")) == listing


def _proc_modules(listing: ModuleList) -> str:
    # /proc/modules as the kernel writes it (an independent writer for this test).
    lines = []
    for m in listing.modules:
        count = "-" if m.use_count is None else str(m.use_count)
        users = "".join(f"{u}," for u in m.used_by) or "-"
        lines.append(f"{m.name} {m.size} {count} {users} Live 0x0000000000000000\n")
    return "".join(lines)


@given(listing=module_lists())
def test_proc_modules_reads_like_lsmod(listing: ModuleList) -> None:
    assert parse_lsmod(_proc_modules(listing)) == listing


@given(
    listing=module_lists(),
    builtin=st.frozensets(MODULE_NAMES, max_size=6),
    name=MODULE_NAMES,
)
def test_module_status_follows_the_evidence(
    listing: ModuleList, builtin: frozenset[str], name: str
) -> None:
    listed = {module_name(m.name) for m in listing.modules}
    key = module_name(name)
    if key in listed:
        expected = ModuleStatus.LOADED
    elif key in {module_name(b) for b in builtin}:
        expected = ModuleStatus.BUILT_IN
    else:
        expected = ModuleStatus.ABSENT
    assert listing.status(name, builtin=builtin) is expected
    unknown = ModuleStatus.LOADED if key in listed else ModuleStatus.NOT_LISTED
    assert listing.status(name) is unknown


def _without_grep(processes: tuple[ProcessRecord, ...]) -> tuple[ProcessRecord, ...]:
    greps = {"grep", "egrep", "fgrep"}
    return tuple(p for p in processes if p.command.split()[0].rsplit("/", 1)[-1] not in greps)


@given(processes=st.lists(process_records(), max_size=8).map(tuple), header=st.booleans())
def test_ps_round_trip(processes: tuple[ProcessRecord, ...], header: bool) -> None:
    text = format_ps(processes, header=header)
    assert parse_ps(text, keep_grep=True) == processes
    assert parse_ps(text) == _without_grep(processes)


@pytest.mark.parametrize("layout", [PsFormat.BSD, PsFormat.BUSYBOX], ids=lambda f: f.value)
@given(data=st.data())
def test_bsd_and_busybox_ps_round_trip(layout: PsFormat, data: st.DataObject) -> None:
    processes = data.draw(st.lists(process_records(layout=layout), max_size=8).map(tuple))
    text = format_ps(processes, layout=layout)
    assert parse_ps(text, keep_grep=True) == processes
    assert parse_ps(text) == _without_grep(processes)


@given(commands=command_lists())
def test_compgen_round_trip(commands: CommandList) -> None:
    assert parse_compgen(format_compgen(commands.names)) == commands


UNIT_NAMES = st.from_regex(r"[A-Za-z0-9:_.\\@-]{1,30}", fullmatch=True)


@given(units=st.lists(systemd_units(), max_size=5).map(tuple))
def test_systemctl_show_round_trip(units: tuple[SystemdUnit, ...]) -> None:
    text = format_systemctl_show(units)
    assert parse_systemctl_show(text) == units
    assert parse_systemctl_show(text, units=[u.name for u in units]) == units


@given(
    pairs=st.lists(st.tuples(UNIT_NAMES, st.sampled_from(UnitActiveState)), max_size=6),
)
def test_systemctl_is_active_round_trip(pairs: list[tuple[str, UnitActiveState]]) -> None:
    names = [name for name, _ in pairs]
    text = format_systemctl_is_active(state for _, state in pairs)
    assert parse_systemctl_is_active(text, names) == dict(pairs)


@given(units=st.lists(systemd_units(), min_size=1, max_size=4).map(tuple), extra=st.integers(1, 3))
def test_systemctl_show_block_count_is_checked(units: tuple[SystemdUnit, ...], extra: int) -> None:
    text = format_systemctl_show(units)
    names = [u.name for u in units]
    assume(len(names) > extra)
    with pytest.raises(ParseError, match="were asked for"):
        parse_systemctl_show(text, units=names[:-extra])
    with pytest.raises(ParseError, match="were asked for"):
        parse_systemctl_show(text, units=names + ["x.service"] * extra)


# --- The one-match readers agree with the column-by-column ones ------------------------------

# Lines near each layout's: every column valid but one, which may be at or beyond its limits.
NUMBERS = ["0", "1286", "2147483647"], ["2147483648", "9" * 20, "1" * 21, "-1", "\u0663", "1a"]
WORDS = ["root", "?", "pts/0", "Jul11", "Ss", "-", "x]", "\u00e9"], ["a\x00", "a\u2028"]
TIMES = ["00:01:11", "1-00:00:00"], ["12:61", "00:60:00", "1-1:00:00", "0:00", "0:00.02"]
SHORT_TIMES = ["0:00", "0:00.02", "0:00,02", "12:34"], ["1:2", "0:00.2", "0:60", "00:01:11"]
COMMANDS = (
    [
        "/usr/sbin/hv_kvp_daemon -n",
        "/usr/lib/linux-tools/5.15.0-91-generic/hv_vss_daemon",
        "hypervkvpd",
        "[kthreadd]",
        "[/usr/sbin/hv_kvp_daemon x]",
        "grep --color=auto hv",
        "sshd: /usr/sbin/sshd -D",
        "a\tb",
    ],
    ["a\u2028b", "...", "a\x7fb"],
)
SPACES = st.sampled_from([" ", "  ", "\t", " \u3000 ", "\u00a0"])
_Column = tuple[list[str], list[str]]
PS_COLUMNS: dict[PsFormat, list[_Column]] = {
    PsFormat.PROCPS: [WORDS, NUMBERS, NUMBERS, NUMBERS, WORDS, WORDS, TIMES, COMMANDS],
    PsFormat.BSD: [NUMBERS, WORDS, WORDS, SHORT_TIMES, COMMANDS],
    PsFormat.BUSYBOX: [NUMBERS, WORDS, SHORT_TIMES, COMMANDS],
}


def _near(columns: list[_Column], *, valid: bool = False) -> st.SearchStrategy[str]:
    """A line of these columns: each valid but (maybe, unless *valid*) one, beyond its limits."""

    @st.composite
    def line(draw: st.DrawFn) -> str:
        odd = len(columns) if valid else draw(st.integers(0, len(columns)))  # len: none
        words = [
            draw(st.sampled_from(other if index == odd else valid))
            for index, (valid, other) in enumerate(columns)
        ]
        return "".join(draw(SPACES) + word for word in words)

    return line()


@pytest.mark.parametrize("layout", list(PsFormat), ids=lambda layout: layout.name)
@given(data=st.data())
def test_a_ps_line_one_match_takes_is_read_as_column_by_column(
    layout: PsFormat, data: st.DataObject
) -> None:
    # The parser reads a line by one match when it can; column by column otherwise, which
    # also says where a line goes wrong. Whatever the match takes must read the same both ways.
    line = data.draw(_near(PS_COLUMNS[layout])).rstrip()
    match = _PS_SHAPES[layout].fullmatch(line)
    fields = None if match is None else _ps_fields(layout, match)
    if fields is None or UNPRINTABLE.search(line) is not None:
        # Not taken by the match (the listing's lines are matched only without control
        # characters): the column-by-column reading decides.
        return
    expected = _PS_LINES[layout](line, 1, line, _tokens(line, 8))
    record = ProcessRecord._unchecked(*fields)
    assert record == expected
    assert (record.kernel_thread, record.daemon, record.service) == (
        expected.kernel_thread,
        expected.daemon,
        expected.service,
    )


NAMES = ["hv_utils", "hid-hyperv", "_x"], ["-x", "\u0660", "a.ko", "x/y"]
SIZES = ["20480", "9223372036854775807"], ["9223372036854775808", "0x10", "1" * 21]
COUNTS = ["0", "-", "-2", "7", "-1234567890"], ["-12345678901", "2147483648", "--", "\u0663"]
USERS = (
    ["hv_utils", "hv_balloon,hv_utils", "hv_utils,", "-"],
    [",", "a,,b", "-,a", "x/y", "a.b", "Live"],
)
LSMOD_LINES = st.one_of(
    _near([NAMES, SIZES, COUNTS]),
    st.tuples(_near([NAMES, SIZES, COUNTS, USERS]), SPACES).map("".join),
)


@given(line=LSMOD_LINES)
def test_an_lsmod_line_one_match_takes_is_read_as_column_by_column(line: str) -> None:
    match = _LSMOD_LINE_RE.fullmatch(line)
    module = None if match is None else _lsmod_module(match)
    if module is None:
        return  # not taken by the match: the column-by-column reading decides
    assert module == _module_line(line, 1, line, _tokens(line, 8))


@given(source=INPUTS)
def test_daemon_processes_read_any_input_as_parse_ps_does(source: str | bytes) -> None:
    _reads_as(
        source, daemon_processes, lambda text: {p.daemon: p for p in parse_ps(text) if p.daemon}
    )


@given(source=INPUTS)
def test_daemon_pids_read_any_input_as_parse_ps_does(source: str | bytes) -> None:
    _reads_as(
        source, daemon_pids, lambda text: {p.daemon: p.pid for p in parse_ps(text) if p.daemon}
    )


PROCPS_HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"


@given(data=st.data())
def test_a_procps_listing_gives_the_daemons_parse_ps_gives(data: st.DataObject) -> None:
    # daemon_processes checks a whole procps listing in one match and reads only the lines
    # naming a daemon; whatever the listing, its answer or its error is parse_ps's.
    others = ["", "  ", "...", " \u2026 ", "\t", PROCPS_HEADER, "PID TT STAT TIME X", "\x1f"]
    lines = data.draw(
        st.lists(
            st.one_of(
                _near(PS_COLUMNS[PsFormat.PROCPS], valid=True),
                _near(PS_COLUMNS[PsFormat.PROCPS]),
                st.sampled_from(others),
            ),
            max_size=8,
        )
    )
    first = data.draw(st.sampled_from(["", PROCPS_HEADER, "PID TT STAT TIME COMMAND", "\ufeff"]))
    listing = _listing(data, [first, *lines])
    _reads_as(
        listing,
        daemon_processes,
        lambda source: {p.daemon: p for p in parse_ps(source) if p.daemon},
    )
    # The daemons' PIDs alone, from the same listing: the same answer, without the records.
    _reads_as(
        listing, daemon_pids, lambda source: {p.daemon: p.pid for p in parse_ps(source) if p.daemon}
    )


@pytest.mark.parametrize(
    "listing",
    [
        f"{PROCPS_HEADER} hv_kvp_daemon\nroot 7 1 0 Jul11 ? 00:00:00 /usr/sbin/hv_kvp_daemon\n",
        "root 7 1 0 Jul11 ? 00:00:00 /usr/sbin/hv_vss_daemon hv_kvp_daemon \r\n...\n",
        "root 7 1 0 Jul11 ? 00:00:00 [hv_kvp_daemon]\nroot 8 1 0 Jul11 ? 00:00:00 hv_kvp_daemon",
        "root 2147483648 1 0 Jul11 ? 00:00:00 /usr/sbin/hv_kvp_daemon\n",
    ],
)
def test_daemon_pids_of_odd_listings_are_parse_ps_s(listing: str) -> None:
    # A daemon named in the header's extra columns, two on a line, a kernel thread's name,
    # a PID beyond the maximum: what parse_ps gives, or its error.
    _reads_as(
        listing, daemon_pids, lambda source: {p.daemon: p.pid for p in parse_ps(source) if p.daemon}
    )


def _listing(data: st.DataObject, lines: list[str]) -> str:
    """The lines, each ended by a drawn line break (LF mostly)."""
    ends = st.sampled_from(["\n", "\n", "\r\n", "\r", "\u2028", ""])
    return "".join(line + data.draw(ends) for line in lines)


def _reads_as(
    source: str | bytes,
    reading: Callable[[str | bytes], object],
    expected: Callable[[str | bytes], object],
) -> None:
    """*reading* gives what *expected* gives of *source*: the same answer, or the same error."""
    error = _error_of(expected, source)
    if error is not None:
        with pytest.raises(ParseError) as caught:
            reading(source)
        found = caught.value
        assert (found.message, found.line, found.column) == (
            error.message,
            error.line,
            error.column,
        )
        return
    assert reading(source) == expected(source)


def test_the_listing_classes_are_those_of_the_unicode_tables() -> None:
    # The one-match reading spells its spaces and column characters as ranges; they must be
    # the whitespace that is not unprintable (a line break is) and the rest that is not.
    space, ink = re.compile(_SPACE), re.compile(_INK)
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        printable = UNPRINTABLE.match(character) is None
        assert (space.match(character) is not None) == (character.isspace() and printable)
        assert (ink.match(character) is not None) == (not character.isspace() and printable)


@settings(max_examples=500)
@given(st.text(alphabet=" \t\xa0\u3000ab-\u00e9\x7f\n", max_size=12))
def test_the_command_class_spells_its_columns_and_spaces(text: str) -> None:
    # The command column of a listing's line, in one class: the language of the column by
    # column spelling.
    columns = re.compile(f"{_INK}+(?:{_SPACE}+{_INK}+)*{_SPACE}*")
    assert (re.fullmatch(_COMMAND, text) is None) == (columns.fullmatch(text) is None)


# The listings' patterns as first spelled: greedy repetitions, an optional group for the
# days of a CPU time, the Unicode classes whatever the text.
_GREEDY_PS_LINE = (
    rf"{_SPACE}*{_INK}+(?:{_SPACE}+[0-9]{{1,9}}){{3}}{_SPACE}+{_INK}+{_SPACE}+{_INK}+"
    rf"{_SPACE}+(?:{_plain(CPU_TIME)}){_SPACE}+{_COMMAND}"
)
_GREEDY_END = r"(?:\r?\n|\Z)"
GREEDY_PROCPS_LISTING = re.compile(
    rf"(?:{_SPACE}*\r?\n)*(?:{_SPACE}*{f'{_SPACE}+'.join(PROCPS_HEADER.split())}"
    rf"(?:{_SPACE}+{_INK}+)*{_SPACE}*{_GREEDY_END})?"
    rf"(?:(?:{_GREEDY_PS_LINE}|{_SPACE}*(?:\.\.\.|\u2026){_SPACE}*|{_SPACE}*){_GREEDY_END})*"
)
_M = MODULE_NAME.pattern
GREEDY_LSMOD_LISTING = re.compile(
    rf"(?:{_SPACE}*\r?\n)*(?:{_SPACE}*Module{_SPACE}+Size{_SPACE}+Used{_SPACE}+by"
    rf"(?:{_SPACE}+{_INK}+)*{_SPACE}*{_GREEDY_END})?"
    rf"(?:(?:{_SPACE}*{_M}{_SPACE}+[0-9]{{1,18}}{_SPACE}+(?:-[0-9]{{0,10}}|[0-9]{{1,9}})"
    rf"(?:{_SPACE}+(?:-|{_M}(?:,{_M})*,?))?{_SPACE}*|{_SPACE}*){_GREEDY_END})*"
)
GREEDY_LSMOD_NAME = re.compile(rf"\n{_SPACE}*({_M}){_SPACE}+[0-9]")
LSMOD_COLUMNS = [NAMES, SIZES, COUNTS, USERS]
# Mostly ASCII with spaces only, so that the ASCII patterns decide often.
ASCII_SPACES = st.sampled_from([" ", " ", "  ", "   ", "\t", "\u3000"])
LISTING_LINES = st.one_of(
    _near(PS_COLUMNS[PsFormat.PROCPS], valid=True),
    _near(PS_COLUMNS[PsFormat.PROCPS]),
    _near(LSMOD_COLUMNS[:3], valid=True),
    _near(LSMOD_COLUMNS, valid=True),
    _near(LSMOD_COLUMNS),
    st.sampled_from(["", " ", "...", " \u2026 ", "\t", "\x1f", "-", PROCPS_HEADER]),
    st.sampled_from(["Module                  Size  Used by", "Module Size Used by x"]),
    st.text(st.characters(max_codepoint=127), max_size=12),
    st.text(ANY_CHAR, max_size=6),
)


@settings(max_examples=1000)
@given(data=st.data())
def test_the_listing_patterns_accept_what_their_greedy_spelling_accepts(
    data: st.DataObject,
) -> None:
    # The listings' patterns repeat possessively, and in ASCII text without a tab they are
    # spelled with ASCII classes: neither may change which texts they accept (nor, for the
    # names, what they find).
    lines = data.draw(st.lists(LISTING_LINES, max_size=8))
    text = _listing(data, lines)
    if data.draw(st.booleans()):
        text = text.replace("\t", " ").replace("\u3000", data.draw(ASCII_SPACES))
    greedy = (
        GREEDY_PROCPS_LISTING.fullmatch(text) is not None,
        GREEDY_LSMOD_LISTING.fullmatch(text) is not None,
        GREEDY_LSMOD_NAME.findall("\n" + text),
    )
    found = (
        _PROCPS_LISTING_RE.fullmatch(text) is not None,
        _LSMOD_LISTING_RE.fullmatch(text) is not None,
        _LSMOD_NAME_RE.findall("\n" + text),
    )
    assert found == greedy
    if _plain_ascii(text):
        in_ascii = (
            _ASCII_PROCPS_LISTING_RE.fullmatch(text) is not None,
            _ASCII_LSMOD_LISTING_RE.fullmatch(text) is not None,
            _ASCII_LSMOD_NAME_RE.findall("\n" + text),
        )
        assert in_ascii == greedy


def test_the_ascii_classes_are_the_listing_classes_within_ascii() -> None:
    # The ASCII patterns stand for the listings' own in a text of ASCII without a tab, whose
    # characters meet the classes only within ASCII.
    space, ink = re.compile(_SPACE), re.compile(_INK)
    for code in range(128):
        character = chr(code)
        if character == "\t":
            continue
        assert (space.match(character) is not None) == (character == " ")
        assert (ink.match(character) is not None) == ("!" <= character <= "~")


SHOWN_LINES = {
    "MainPID": (["0", "688", "999999999"], ["1234567890", "-1", ""]),
    "Id": (["hv-kvp-daemon.service", "a@b.service"], ["", "a b", "x\u00e9"]),
    "Description": (["Hyper-V KVP Protocol Daemon", "", " a\tb ", "=x"], ["a\x7fb"]),
    "LoadState": (["loaded", "not-found", "masked"], ["Loaded", "loaded "]),
    "ActiveState": (["active", "inactive", "failed"], ["sleeping", ""]),
    "SubState": (["running", "dead", "start-pre"], ["Running", ""]),
    "UnitFileState": (["enabled", "", "static"], ["enabled-runtime", "nope"]),
}


@st.composite
def _show_blocks(draw: st.DrawFn) -> str:
    """Blocks of the properties the Linux check asks for: mostly systemctl's, one line odd."""
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        keys = list(SHOWN_LINES)
        if draw(st.integers(0, 5)) == 0:
            keys = draw(st.permutations(keys))[: draw(st.integers(0, len(keys)))]
        odd = draw(st.integers(0, 3 * len(keys)))  # beyond the keys: none
        lines = [
            f"{key}={draw(st.sampled_from(SHOWN_LINES[key][index == odd]))}"
            for index, key in enumerate(keys)
        ]
        blocks.append("\n".join(lines))
    apart = draw(st.sampled_from(["\n\n", "\n", "\n", "\n\n\n", "\n \n", "\r\n\r\n"]))
    return (
        draw(st.sampled_from(["", "\n"])) + apart.join(blocks) + draw(st.sampled_from(["", "\n"]))
    )


@given(
    text=_show_blocks(), asked=st.sampled_from([None, ("a.service",), ("a", "b"), ("a", "b", "c")])
)
def test_show_output_one_match_per_block_takes_is_read_as_line_by_line(
    text: str, asked: tuple[str, ...] | None
) -> None:
    units = _units_at_once(text, asked)
    if units is None:
        return  # not taken: the line-by-line reading decides
    assert units == _units_by_line(text, asked)


@given(data=st.data())
def test_an_lsmod_listing_gives_the_names_parse_lsmod_gives(data: st.DataObject) -> None:
    # loaded_module_names checks a whole lsmod listing in one match and builds no record;
    # whatever the listing, its names or its error are parse_lsmod's.
    columns = [NAMES, SIZES, COUNTS, USERS]
    lines = data.draw(
        st.lists(
            st.one_of(
                _near(columns[:3], valid=True),
                _near(columns, valid=True),
                _near(columns[:3], valid=True),
                _near(columns, valid=True),
                _near(columns),
                st.sampled_from(["", " ", "Module Size Used by", "\x1f", "-"]),
            ),
            max_size=8,
        )
    )
    first = data.draw(st.sampled_from(["", "Module                  Size  Used by", "\ufeff"]))
    _reads_as(
        _listing(data, [first, *lines]),
        loaded_module_names,
        lambda source: {module_name(module.name) for module in parse_lsmod(source).modules},
    )


@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(["hv_kvp_daemon", " hv_vss_daemon ", "", "a\tb", "\u00a0x", "x\u2028"]),
            st.text(ANY_CHAR, max_size=6),
        ),
        max_size=6,
    ).flatmap(lambda names: SEPARATORS.map(lambda end: end.join(names)))
)
def test_compgen_names_are_the_lines_the_model_accepts(text: str) -> None:
    # Text without control characters is read in one pass: the names must be those of each
    # line, stripped, that the checked model holds; anything it refuses is an error.
    assume("\x1b" not in text)  # colour escapes are dropped first
    lines = tuple(line.strip() for line in text.removeprefix("\ufeff").splitlines())
    try:
        expected = CommandList(tuple(line for line in lines if line))
    except InvalidRecordError:
        with pytest.raises(ParseError):
            parse_compgen(text)
        _reads_as(text, compgen_names, lambda source: set(parse_compgen(source).names))
        return
    assert parse_compgen(text) == expected
    assert compgen_names(text) == set(expected.names)
    try:
        data = text.encode()
    except UnicodeEncodeError:
        return  # a lone surrogate has no UTF-8 bytes: only the text form can arrive
    assert compgen_names(data) == set(expected.names)
