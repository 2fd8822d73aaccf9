"""Parsers and formatters for the Linux guest checks: lsmod, ps, compgen and systemctl.

Every parser is a pure function of the text a command printed. Input may be
``str`` or ``bytes`` (UTF-8, or as its byte-order mark says); a leading BOM and
ANSI colour escapes (``grep --color=always``) are dropped first, and lines end
with LF, CRLF or anything else ``str.splitlines`` accepts. Whatever the input, a
parser returns a result or raises :class:`vmic.errors.ParseError` naming the line
and column it stopped at. The formatters write what the commands print, so a
simulated guest can answer with them; parsing a formatter's output gives back the
records it was given.

>>> listing = parse_lsmod('''Module                  Size  Used by
... hv_utils               20480  0
... hv_vmbus               61440  2 hv_utils,hv_netvsc
... ''')
>>> listing.get("hv_vmbus").used_by
('hv_utils', 'hv_netvsc')
>>> listing.status("hv_balloon")
ModuleStatus.NOT_LISTED
>>> [p.daemon for p in parse_ps("root 1286 1 0 Jul11 ? 00:01:11 /usr/sbin/hv_kvp_daemon -n")]
['hv_kvp_daemon']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, TypeVar

from vmic.model._linux_records import (
    DAEMON_NAME_RE,
    MAX_PID,
    MAX_SIZE,
    CommandList,
    LoadedModule,
    ModuleList,
    ProcessRecord,
    PsFormat,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
    daemon_service,
    may_run_daemon,
    module_name,
)
from vmic.model._patterns import (
    CONTROL,
    CPU_TIME,
    MODULE_NAME,
    SHORT_CPU_TIME,
    SUB_STATE,
    UNIT_NAME,
    UNPRINTABLE,
)
from vmic.parsers._errors import error_at_line
from vmic.parsers._text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from vmic.errors import ParseError

__all__ = [
    "compgen_names",
    "daemon_pids",
    "daemon_processes",
    "format_compgen",
    "format_lsmod",
    "format_ps",
    "format_systemctl_is_active",
    "format_systemctl_show",
    "loaded_module_names",
    "parse_compgen",
    "parse_lsmod",
    "parse_modules_builtin",
    "parse_ps",
    "parse_systemctl_is_active",
    "parse_systemctl_show",
]

_S = TypeVar("_S")

_TOKEN_RE: Final = re.compile(r"\S+")
_DIGITS_RE: Final = re.compile(r"[0-9]{1,20}")
_NO_COUNT_RE: Final = re.compile(r"-|-[0-9]{1,10}")
_ADDRESS_RE: Final = re.compile(r"0x[0-9A-Fa-f]{1,16}")
_TAINT_RE: Final = re.compile(r"\([A-Z]*\)")
_MODULE_STATES: Final = frozenset({"Live", "Loading", "Unloading"})
_LSMOD_HEADER: Final = ("Module", "Size", "Used", "by")
_PS_HEADER: Final = ("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD")
_PS_COLUMNS: Final = len(_PS_HEADER)
_GREP_PROGRAMS: Final = frozenset({"grep", "egrep", "fgrep"})
_ELISIONS: Final = frozenset({"...", "\u2026"})
_PROPERTY_RE: Final = re.compile(r"([A-Za-z][A-Za-z0-9]*)=")
# The group names of a record pattern, removed where it is embedded in a line's pattern.
_NAMED_GROUP_RE: Final = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_LOAD_STATES: Final = {state.systemd_name: state for state in UnitLoadState}
_ACTIVE_STATES: Final = {state.systemd_name: state for state in UnitActiveState}
_FILE_STATES: Final = {state.systemd_name: state for state in UnitFileState}


# --- Shared helpers -------------------------------------------------------------------------


def _error(text: str, line: int, column: int, message: str) -> ParseError:
    return error_at_line(message, text, line, column)


def _tokens(line: str, limit: int) -> list[re.Match[str]]:
    """The first ``limit`` whitespace-separated tokens of a line, with their positions."""
    found: list[re.Match[str]] = []
    for match in _TOKEN_RE.finditer(line):
        found.append(match)
        if len(found) == limit:
            break
    return found


def _number(text: str, line: int, column: int, value: str, *, what: str, maximum: int) -> int:
    """A decimal column, checked to fit the record that holds it."""
    if _DIGITS_RE.fullmatch(value) is None:
        raise _error(text, line, column, f"expected {what}, found {_shorten(value)!r}")
    number = int(value)
    if number > maximum:
        raise _error(text, line, column, f"{what} {value} is larger than {maximum}")
    return number


def _plain(pattern: re.Pattern[str]) -> str:
    """The text of *pattern* with its named groups made non-capturing."""
    return _NAMED_GROUP_RE.sub("(?:", pattern.pattern)


def _printable(line: str) -> bool:
    """Whether a line holds no unprintable character (a tab or a non-ASCII space may stand).

    ``str.isprintable`` answers most lines in one C pass: every unprintable character is
    also one of its non-printable ones. Only a line it refuses is searched character by
    character.
    """
    return line.isprintable() or UNPRINTABLE.search(line) is None


def _unprintable(character: str, where: str) -> str:
    return f"unexpected control character U+{ord(character):04X} in {where}"


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# --- lsmod and /proc/modules ----------------------------------------------------------------


def parse_lsmod(text: str | bytes) -> ModuleList:
    """Read ``lsmod`` output, or ``/proc/modules``, into the list of loaded modules.

    Grammar (blank lines are ignored; columns are separated by any whitespace)::

        listing   := [header] { lsmod-line | proc-line }
        header    := "Module" "Size" "Used" "by" [anything]     (first line only)
        lsmod-line:= NAME SIZE COUNT [USERS]
        proc-line := NAME SIZE COUNT (USERS | "-") STATE ADDRESS [TAINT]
        USERS     := NAME { "," NAME } [","]
        COUNT     := "-" | ["-"] DIGITS          (negative or "-": no count)
        STATE     := "Live" | "Loading" | "Unloading"
        ADDRESS   := "0x" HEXDIGITS
        TAINT     := "(" { "A".."Z" } ")"

    ``lsmod | grep hv_utils`` output (no header, some lines) is accepted. A module
    compiled into the kernel is never listed: ask :meth:`ModuleList.status` with
    the names of :func:`parse_modules_builtin` to tell "built in" from "not loaded".

    Raises:
        ParseError: A line is not a module line, or a module is listed twice.
    """
    text = clean_text(text)
    modules: list[LoadedModule] = []
    index: dict[str, LoadedModule] = {}
    first_line: dict[str, int] = {}
    seen_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        # Most lines are lsmod's: one match checks their every column. What it does not
        # take (the header, blank lines, /proc/modules lines, errors) is read column by
        # column below, which also says where a line goes wrong.
        match = _LSMOD_LINE_RE.fullmatch(line)
        module = None if match is None else _lsmod_module(match)
        if module is None:
            tokens = _tokens(line, 8)
            if not tokens:
                continue
            if not seen_content:
                seen_content = True
                if tuple(t.group() for t in tokens[:4]) == _LSMOD_HEADER:
                    continue
            module = _module_line(text, number, line, tokens)
        seen_content = True
        key = module.name.replace("-", "_")  # module_name() of a name without a path
        if key in first_line:
            raise _error(
                text,
                number,
                len(line) - len(line.lstrip()) + 1,
                f"module {module.name!r} is listed twice (first on line {first_line[key]})",
            )
        first_line[key] = number
        index[key] = module
        modules.append(module)
    return ModuleList._unchecked(tuple(modules), index)


# An lsmod line (NAME SIZE COUNT [USERS]), each column as the column-by-column reading
# accepts it: digits for the numbers, "-" or "-DIGITS" for no count, module names for users.
_LSMOD_LINE_RE: Final = re.compile(
    rf"\s*({MODULE_NAME.pattern})\s+([0-9]{{1,20}})\s+(-[0-9]{{0,10}}|[0-9]{{1,20}})"
    rf"(?:\s+(-|{MODULE_NAME.pattern}(?:,{MODULE_NAME.pattern})*,?))?\s*"
)


def _lsmod_module(match: re.Match[str]) -> LoadedModule | None:
    """The module of a line the pattern took, or None if a number is beyond its maximum."""
    name, size, count, users = match.groups()
    size_bytes = int(size)
    use_count = None if count[0] == "-" else int(count)
    if size_bytes > MAX_SIZE or (use_count is not None and use_count > MAX_PID):
        return None  # read again column by column, which says which one
    if users is None or users == "-":
        return LoadedModule._unchecked(name, size_bytes, use_count, ())
    names = users.split(",")
    if names[-1] == "":
        names.pop()
    return LoadedModule._unchecked(name, size_bytes, use_count, tuple(names))


def _module_line(text: str, number: int, line: str, tokens: list[re.Match[str]]) -> LoadedModule:
    count = len(tokens)
    if count in (3, 4):
        return _module_fields(text, number, tokens)
    if count in (6, 7):
        state, address = tokens[4], tokens[5]
        if state.group() not in _MODULE_STATES:
            raise _error(
                text,
                number,
                state.start() + 1,
                "expected the module state Live, Loading or Unloading",
            )
        if _ADDRESS_RE.fullmatch(address.group()) is None:
            raise _error(text, number, address.start() + 1, "expected a load address such as 0x0")
        if count == 7 and _TAINT_RE.fullmatch(tokens[6].group()) is None:
            raise _error(text, number, tokens[6].start() + 1, "expected taint flags such as (OE)")
        return _module_fields(text, number, tokens)
    where = tokens[7].start() + 1 if count == 8 else len(line.rstrip()) + 1
    raise _error(
        text,
        number,
        where,
        f"expected 'NAME SIZE COUNT [USED-BY]' (lsmod) or 'NAME SIZE COUNT USED-BY STATE "
        f"ADDRESS' (/proc/modules), found {count if count < 8 else 'more than 7'} columns",
    )


def _module_fields(text: str, number: int, tokens: list[re.Match[str]]) -> LoadedModule:
    name, size, count = tokens[0], tokens[1], tokens[2]
    if MODULE_NAME.fullmatch(name.group()) is None:
        raise _error(
            text,
            number,
            name.start() + 1,
            f"expected a module name, found {_shorten(name.group())!r}",
        )
    size_bytes = _number(
        text,
        number,
        size.start() + 1,
        size.group(),
        what="the module size in bytes",
        maximum=MAX_SIZE,
    )
    use_count = None
    if _NO_COUNT_RE.fullmatch(count.group()) is None:
        use_count = _number(
            text, number, count.start() + 1, count.group(), what="the use count", maximum=MAX_PID
        )
    users = _users(text, number, tokens[3]) if len(tokens) > 3 else ()
    return LoadedModule._unchecked(name.group(), size_bytes, use_count, users)


def _users(text: str, number: int, token: re.Match[str]) -> tuple[str, ...]:
    # kmod separates users with commas; /proc/modules also ends the list with one, or is "-".
    field = token.group()
    if field == "-":
        return ()
    names = field.split(",")
    if len(names) > 1 and names[-1] == "":
        names.pop()
    column = token.start() + 1
    for name in names:
        if MODULE_NAME.fullmatch(name) is None:
            raise _error(
                text,
                number,
                column,
                f"expected a comma-separated list of module names, found {_shorten(name)!r}",
            )
        column += len(name) + 1
    return tuple(names)


def loaded_module_names(text: str | bytes) -> frozenset[str]:
    """The kernel names of the modules an lsmod listing lists (``-`` read as ``_``).

    What ``parse_lsmod(text)`` lists, checked as it checks them, with the same errors; a
    listing in lsmod's own shape is checked in one match and no record is built.

    Raises:
        ParseError: A line is not a module line, or a module is listed twice.
    """
    cleaned = clean_text(text)
    plain = _plain_ascii(cleaned)
    listing = _ASCII_LSMOD_LISTING_RE if plain else _LSMOD_LISTING_RE
    if listing.fullmatch(cleaned) is not None:
        keys = (_ASCII_LSMOD_NAME_RE if plain else _LSMOD_NAME_RE).findall("\n" + cleaned)
        if "-" in cleaned:  # else no name has one to read as "_"
            keys = [name.replace("-", "_") for name in keys]
        names = frozenset(keys)
        if len(names) == len(keys):
            return names
    return frozenset(module_name(module.name) for module in parse_lsmod(text).modules)


def parse_modules_builtin(text: str | bytes) -> frozenset[str]:
    """Read ``/lib/modules/$(uname -r)/modules.builtin``: the modules compiled into the kernel.

    Grammar: one path per line, ``[DIR "/"]* NAME ".ko"``; blank lines are ignored.
    Names are returned as the kernel spells them (``hid-hyperv.ko`` gives ``hid_hyperv``).

    Raises:
        ParseError: A line is not a ``.ko`` path.
    """
    text = clean_text(text)
    names: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        path = line.strip()
        if not path:
            continue
        stem = path.rpartition("/")[2]
        name = stem[: -len(".ko")]
        if not stem.endswith(".ko") or MODULE_NAME.fullmatch(name) is None:
            column = line.index(path[0]) + 1
            raise _error(
                text, number, column, "expected a module path such as kernel/drivers/hv/hv_utils.ko"
            )
        names.add(name.replace("-", "_"))  # module_name() of a stem without ".ko"
    return frozenset(names)


def format_lsmod(modules: Iterable[LoadedModule], *, header: bool = True) -> str:
    """Write modules as kmod's ``lsmod`` prints them (a count of None is written ``-``)."""
    lines = ["Module                  Size  Used by"] if header else []
    for module in modules:
        count = "-" if module.use_count is None else str(module.use_count)
        line = f"{module.name:<19} {module.size:>8}  {count}"
        if module.used_by:
            line += " " + ",".join(module.used_by)
        lines.append(line)
    return "".join(line + "\n" for line in lines)


# --- ps -ef, FreeBSD ps, BusyBox ps ------------------------------------------------------------


def parse_ps(text: str | bytes, *, keep_grep: bool = False) -> tuple[ProcessRecord, ...]:
    """Read a process listing: procps ``ps -ef``, FreeBSD's ``ps`` or BusyBox's ``ps``.

    Grammar (blank lines are ignored; columns are separated by any whitespace)::

        listing  := [header] { line | elision }
        header   := procps-header | bsd-header | busybox-header      (first line only)
        procps-header  := "UID" "PID" "PPID" "C" "STIME" "TTY" "TIME" "CMD"
        bsd-header     := "PID" "TT" "STAT" "TIME" "COMMAND"
        busybox-header := "PID" "USER" "TIME" "COMMAND"
        line     := procps-line | bsd-line | busybox-line      (the header's layout)
        procps-line  := USER PID PPID C STIME TTY TIME COMMAND
        bsd-line     := PID TT STAT SHORT-TIME COMMAND
        busybox-line := PID USER SHORT-TIME COMMAND
        TIME       := [DAYS "-"] HH ":" MM ":" SS
        SHORT-TIME := MINUTES ":" SS [("." | ",") HUNDREDTHS]
        elision  := "..." | "…"           (lines left out by a document; skipped)

    COMMAND is the rest of the line, trailing spaces removed. ``[name]`` marks a
    kernel thread. Without a header (``ps -ef | grep hv``) the first line's shape picks
    the layout: a PID, a word and a SHORT-TIME is BusyBox's; a PID, two words and a
    SHORT-TIME is FreeBSD's; anything else is procps's. The
    daemons of the Hyper-V integration services are recognised whatever their directory
    (``/usr/lib/linux-tools/<version>/hv_kvp_daemon``, ``/usr/sbin/hypervkvpd``).

    Args:
        text: The output.
        keep_grep: Keep ``grep`` processes. By default they are dropped, since in
            ``ps -ef | grep hv`` output the ``grep`` is the pipeline itself.

    Raises:
        ParseError: A line does not have its format's columns, or a column is malformed.
    """
    return tuple(_read_ps(text, keep_grep=keep_grep, daemons_only=False))


def daemon_processes(text: str | bytes) -> dict[str, ProcessRecord]:
    """The processes of a listing that run a Hyper-V daemon, by daemon (the last one wins).

    What ``{p.daemon: p for p in parse_ps(text) if p.daemon}`` gives: every line is read
    and checked as :func:`parse_ps` does, with the same errors; only the records of the
    other processes are not built.

    Raises:
        ParseError: A line does not have its format's columns, or a column is malformed.
    """
    at_once = _daemons_at_once(clean_text(text))
    if at_once is not None:
        return at_once
    return {
        record.daemon: record
        for record in _read_ps(text, keep_grep=False, daemons_only=True)
        if record.daemon is not None
    }


def _read_ps(text: str | bytes, *, keep_grep: bool, daemons_only: bool) -> list[ProcessRecord]:
    """The records of a listing (with *daemons_only*, those of daemons), every line checked."""
    text = clean_text(text)
    records: list[ProcessRecord] = []
    seen_content = False
    layout = PsFormat.PROCPS
    # A line without control characters is read by one match of its layout's pattern; what
    # that does not take (an elision, an error) is read column by column.
    shape = _PS_SHAPES[layout]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            continue
        if not seen_content:
            seen_content = True
            tokens = _tokens(line, _PS_COLUMNS)
            header = _PS_HEADERS.get(tuple(t.group() for t in tokens))
            if header is not None:
                layout = header
                shape = _PS_SHAPES[layout]
                continue
            layout = _layout_of(tokens)
            shape = _PS_SHAPES[layout]
        match = shape.fullmatch(line) if _printable(line) else None
        fields = None if match is None else _ps_fields(layout, match)
        if fields is not None:
            if daemons_only and not may_run_daemon(fields[6]):
                continue  # checked, and no daemon's: no record to build
            record = ProcessRecord._unchecked(*fields)
        else:
            tokens = _tokens(line, _PS_COLUMNS)
            if len(tokens) == 1 and tokens[0].group() in _ELISIONS:
                continue
            record = _PS_LINES[layout](text, number, line, tokens)
        if daemons_only and record.daemon is None:
            continue
        if (
            not keep_grep
            and "grep" in record.command
            and _program(record.command) in _GREP_PROGRAMS
        ):
            continue
        records.append(record)
    return records


def _layout_of(tokens: list[re.Match[str]]) -> PsFormat:
    """The layout of a listing without a header, from its first line's shape."""
    words = [token.group() for token in tokens]
    if len(words) >= 4 and words[0].isdigit():
        if SHORT_CPU_TIME.fullmatch(words[2]) is not None:
            return PsFormat.BUSYBOX
        if len(words) >= 5 and SHORT_CPU_TIME.fullmatch(words[3]) is not None:
            return PsFormat.BSD
    return PsFormat.PROCPS


def _program(command: str) -> str:
    return command.split(maxsplit=1)[0].rsplit("/", 1)[-1]


def _ps_columns(
    text: str, number: int, line: str, tokens: list[re.Match[str]], layout: PsFormat
) -> list[re.Match[str]]:
    """The tokens of one line of *layout*, checked for their count and control characters."""
    names = _PS_HEADER_OF[layout]
    if len(tokens) < len(names):
        raise _error(
            text,
            number,
            len(line) + 1,
            f"expected {len(names)} columns ({' '.join(names)}), found {len(tokens)}",
        )
    bad = UNPRINTABLE.search(line)
    if bad is not None:
        raise _error(text, number, bad.start() + 1, _unprintable(bad.group(), "a ps line"))
    return tokens[: len(names)]


def _ps_number(text: str, number: int, token: re.Match[str], column: str) -> int:
    return _number(
        text,
        number,
        token.start() + 1,
        token.group(),
        what=f"a number in column {column}",
        maximum=MAX_PID,
    )


def _ps_time(text: str, number: int, token: re.Match[str], pattern: re.Pattern[str]) -> str:
    if pattern.fullmatch(token.group()) is None:
        shape = "[DD-]HH:MM:SS" if pattern is CPU_TIME else "M:SS or M:SS.hh"
        raise _error(
            text,
            number,
            token.start() + 1,
            f"expected the CPU time as {shape}, found {_shorten(token.group())!r}",
        )
    return token.group()


def _procps_line(text: str, number: int, line: str, tokens: list[re.Match[str]]) -> ProcessRecord:
    columns = _ps_columns(text, number, line, tokens, PsFormat.PROCPS)
    user, pid, ppid, cpu, start, tty, time, command = columns
    return ProcessRecord._unchecked(
        user.group(),
        _ps_number(text, number, pid, "PID"),
        _ps_number(text, number, ppid, "PPID"),
        start.group(),
        tty.group(),
        _ps_time(text, number, time, CPU_TIME),
        line[command.start() :],
        _ps_number(text, number, cpu, "C"),
        None,
    )


def _bsd_line(text: str, number: int, line: str, tokens: list[re.Match[str]]) -> ProcessRecord:
    pid, tty, state, time, command = _ps_columns(text, number, line, tokens, PsFormat.BSD)
    return ProcessRecord._unchecked(
        None,
        _ps_number(text, number, pid, "PID"),
        None,
        None,
        tty.group(),
        _ps_time(text, number, time, SHORT_CPU_TIME),
        line[command.start() :],
        None,
        state.group(),
    )


def _busybox_line(text: str, number: int, line: str, tokens: list[re.Match[str]]) -> ProcessRecord:
    pid, user, time, command = _ps_columns(text, number, line, tokens, PsFormat.BUSYBOX)
    return ProcessRecord._unchecked(
        user.group(),
        _ps_number(text, number, pid, "PID"),
        None,
        None,
        None,
        _ps_time(text, number, time, SHORT_CPU_TIME),
        line[command.start() :],
        None,
        None,
    )


_PS_HEADER_OF: Final = {
    PsFormat.PROCPS: _PS_HEADER,
    PsFormat.BSD: ("PID", "TT", "STAT", "TIME", "COMMAND"),
    PsFormat.BUSYBOX: ("PID", "USER", "TIME", "COMMAND"),
}
_PS_HEADERS: Final = {header: layout for layout, header in _PS_HEADER_OF.items()}
_PS_LINES: Final = {
    PsFormat.PROCPS: _procps_line,
    PsFormat.BSD: _bsd_line,
    PsFormat.BUSYBOX: _busybox_line,
}


# Each layout's line, every column as the column-by-column reading accepts it (a number is
# up to 20 digits, checked against its maximum after the match), the command the rest.
_PS_SHAPES: Final = {
    PsFormat.PROCPS: re.compile(
        r"\s*(\S+)\s+([0-9]{1,20})\s+([0-9]{1,20})\s+([0-9]{1,20})\s+(\S+)\s+(\S+)\s+"
        rf"({_plain(CPU_TIME)})\s+(\S.*)",
        re.DOTALL,
    ),
    PsFormat.BSD: re.compile(
        rf"\s*([0-9]{{1,20}})\s+(\S+)\s+(\S+)\s+({_plain(SHORT_CPU_TIME)})\s+(\S.*)", re.DOTALL
    ),
    PsFormat.BUSYBOX: re.compile(
        rf"\s*([0-9]{{1,20}})\s+(\S+)\s+({_plain(SHORT_CPU_TIME)})\s+(\S.*)", re.DOTALL
    ),
}


_PROCPS_SHAPE: Final = _PS_SHAPES[PsFormat.PROCPS]


# --- A whole procps listing in one match -----------------------------------------------------
# The spaces a line may hold: whitespace that is neither unprintable nor, for str.splitlines, a
# line break. A column's characters: neither whitespace nor unprintable. Both written as ranges
# (ASCII first), which the regex engine looks up in a table; a test derives both sets from
# the Unicode tables.
_SPACE: Final = "[ \\t\\xa0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000]"
_INK: Final = (
    "[\\x21-\\x7e\\xa1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e"
    "\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\U0010ffff]"
)
# The command: a column's character, then columns' characters and spaces in any order. That
# is what ink{1,}(space{1,}ink{1,})*space* spells, in one class the regex engine repeats
# without trying where each column ends (a test compares the two forms).
_COMMAND: Final = f"{_INK}[{_SPACE[1:-1]}{_INK[1:-1]}]*"
# In a text of ASCII characters other than the tab (what Linux commands print, and the
# listings' usual text), the spaces are the space alone and a column's characters are those
# from "!" to "~": the same patterns with these classes accept exactly the same such texts
# (a pattern meets a text only in the text's characters), and a literal space is repeated
# by the regex engine in a tight loop where a class is looked up character by character.
_ASCII_SPACE: Final = " "
_ASCII_INK: Final = "[!-~]"
_ASCII_COMMAND: Final = "[!-~][ -~]*"
_END: Final = r"(?:\r?\n|\Z)"
# The CPU time of a procps line, as CPU_TIME spells it without its groups: the days, if any,
# in a branch of their own rather than an optional group, which the engine repeats at a cost.
_LISTED_CPU_TIME: Final = (
    r"(?:[0-9]{2,9}+:[0-5][0-9]:[0-5][0-9]|[0-9]{1,9}+-[0-9]{2,9}+:[0-5][0-9]:[0-5][0-9])"
)


def _ps_listing(space: str, ink: str, command: str) -> re.Pattern[str]:
    """A whole procps listing, with *space*, *ink* and *command* for those classes.

    Blank lines, the header or not, then procps lines, elisions and blank lines: a listing
    every line of which the line-by-line reading takes as procps's (it decides the layout
    likewise), and whose line breaks are those str.splitlines sees. Each repetition of the
    last group takes one whole line (its line break included; no class holds one), so giving
    lines back cannot make a match. Every repetition in a line is possessive ("*+", "++"):
    what follows it never starts with a character it repeats (a space after a column, a
    column after spaces, a line break after the command), so giving characters back cannot
    make a match either, and the engine keeps no bookkeeping to try (a test compares the
    greedy spelling).
    """
    small = "[0-9]{1,9}+"  # a PID, PPID or C of at most 9 digits, which no maximum refuses
    line = (
        rf"{space}*+{ink}++{space}++{small}{space}++{small}{space}++{small}{space}++{ink}++"
        rf"{space}++{ink}++{space}++{_LISTED_CPU_TIME}{space}++{command}+"  # "*" made "*+"
    )
    header = rf"{space}*{f'{space}+'.join(_PS_HEADER)}(?:{space}+{ink}+)*{space}*"
    elision = rf"{space}*(?:\.\.\.|\u2026){space}*"
    return re.compile(
        rf"(?:{space}*\r?\n)*(?:{header}{_END})?(?:(?:{line}|{elision}|{space}*+){_END})*+"
    )


_PROCPS_LISTING_RE: Final = _ps_listing(_SPACE, _INK, _COMMAND)
_ASCII_PROCPS_LISTING_RE: Final = _ps_listing(_ASCII_SPACE, _ASCII_INK, _ASCII_COMMAND)


def _plain_ascii(text: str) -> bool:
    """Whether *text* is ASCII without a tab: the listings' ASCII patterns then decide."""
    return text.isascii() and "\t" not in text


# A module name, its repetition possessive (what follows a name is never a name's character).
_MODULE: Final = MODULE_NAME.pattern + "+"


def _lsmod_listing(space: str, ink: str) -> re.Pattern[str]:
    """An lsmod listing in one match, with *space* and *ink* for those classes.

    Blank lines, the header or not, then lsmod lines (each as the line-by-line reading takes
    it, a size of at most 18 digits and a count of at most 9, which no maximum refuses) and
    blank lines. Possessive repetitions as in :func:`_ps_listing`, for the same reason: what
    follows each never starts with what it repeats.
    """
    return re.compile(
        rf"(?:{space}*\r?\n)*(?:{space}*Module{space}+Size{space}+Used{space}+by"
        rf"(?:{space}+{ink}+)*{space}*{_END})?"
        rf"(?:(?:{space}*+{_MODULE}{space}++[0-9]{{1,18}}+{space}++(?:-[0-9]{{0,10}}+|[0-9]{{1,9}}+)"
        rf"(?:{space}++(?:-|{_MODULE}(?:,{_MODULE})*+,?))?+{space}*+|{space}*+){_END})*+"
    )


_LSMOD_LISTING_RE: Final = _lsmod_listing(_SPACE, _INK)
_ASCII_LSMOD_LISTING_RE: Final = _lsmod_listing(_ASCII_SPACE, _ASCII_INK)
# The name that starts a module line of such a listing (the header's "Module" has no size),
# searched in the listing after an LF: a line starts after one, and a pattern that starts
# with a character is searched for it (in C), where "^" is tried at every position.
_LSMOD_NAME_RE: Final = re.compile(rf"\n{_SPACE}*+({_MODULE}){_SPACE}++[0-9]")
_ASCII_LSMOD_NAME_RE: Final = re.compile(rf"\n *+({_MODULE}) ++[0-9]")


def _daemon_line_texts(text: str) -> list[str] | None:
    """The lines naming a daemon of a procps listing checked in one match (each once).

    None if the text is not such a listing. Each line is as the text holds it, its CR if
    any included.
    """
    listing = _ASCII_PROCPS_LISTING_RE if _plain_ascii(text) else _PROCPS_LISTING_RE
    if listing.fullmatch(text) is None:
        return None
    lines: list[str] = []
    last = -1
    for hit in DAEMON_NAME_RE.finditer(text):
        start = text.rfind("\n", 0, hit.start()) + 1
        if start == last:
            continue  # a line that names two daemons
        last = start
        end = text.find("\n", hit.end())
        lines.append(text[start : len(text) if end < 0 else end])
    return lines


def _daemon_lines(text: str) -> list[re.Match[str]] | None:
    """The lines naming a daemon of a procps listing checked in one match, each matched.

    None if the text is not such a listing, or the header or an elision names a daemon
    (then the listing is read line by line). The listing's other lines have been checked
    by the match, as the line-by-line reading would check them.
    """
    texts = _daemon_line_texts(text)
    if texts is None:
        return None
    shape = _PROCPS_SHAPE
    lines: list[re.Match[str]] = []
    for line in texts:
        match = shape.fullmatch(line.rstrip())
        if match is None:
            return None
        lines.append(match)
    return lines


def _daemons_at_once(text: str) -> dict[str, ProcessRecord] | None:
    """The daemons' processes of a procps listing checked in one match; None if it is not one.

    Only the lines that name a daemon are read into records.
    """
    lines = _daemon_lines(text)
    if lines is None:
        return None
    found: dict[str, ProcessRecord] = {}
    for match in lines:
        # _ps_fields of a procps line, unrolled (this runs for each daemon of each guest).
        user, pid, ppid, cpu, started, tty, time, command = match.groups()
        number, parent, used = int(pid), int(ppid), int(cpu)
        if number > MAX_PID or parent > MAX_PID or used > MAX_PID:
            return None  # read again column by column, which says which one
        record = ProcessRecord._unchecked(
            user, number, parent, started, tty, time, command, used, None
        )
        if record.daemon is not None:  # a grep's program is never a daemon
            found[record.daemon] = record
    return found


def daemon_pids(text: str | bytes) -> dict[str, int]:
    """The PID of each Hyper-V daemon's process in a listing, by daemon (the last one wins).

    What ``{name: p.pid for name, p in daemon_processes(text).items()}`` gives, with the
    same checks and errors; from a procps listing in the usual shape no record is built.

    >>> daemon_pids("root 1286 1 0 Jul11 ? 00:01:11 /usr/sbin/hv_kvp_daemon -n")
    {'hv_kvp_daemon': 1286}

    Raises:
        ParseError: A line does not have its format's columns, or a column is malformed.
    """
    found = _daemon_pids_at_once(clean_text(text))
    if found is None:
        return {name: record.pid for name, record in daemon_processes(text).items()}
    return found


def _daemon_pids_at_once(text: str) -> dict[str, int] | None:
    """The daemons' PIDs of a procps listing checked in one match; None if it is not one.

    Only the lines that name a daemon are split into columns, by ``str.split`` rather than
    a match of the line's pattern (this runs for every guest).
    """
    texts = _daemon_line_texts(text)
    if texts is None:
        return None
    found: dict[str, int] = {}
    for line in texts:
        # The pattern took this line as a procps line (its columns apart by spaces, which
        # str.split splits at, its PID with at most 9 digits, which no maximum refuses) or
        # as the header (whose PID column is "PID"); an elision or a blank line names none.
        columns = line.split(None, 7)
        if columns[1] == "PID":
            return None  # read line by line, which reads the header's extra columns
        command = columns[7].rstrip()  # what the line's pattern takes as the command
        # A record's daemon: its program, unless the command is a kernel thread's [name].
        if not (command.startswith("[") and command.endswith("]")):
            program = command.split(maxsplit=1)[0].rsplit("/", 1)[-1]
            if daemon_service(program) is not None:
                found[program] = int(columns[1])
    return found


# A record's columns in the order ProcessRecord._unchecked takes them.
_PsFields = tuple[
    str | None, int, int | None, str | None, str | None, str, str, int | None, str | None
]


def _ps_fields(layout: PsFormat, match: re.Match[str]) -> _PsFields | None:
    """The columns of a line its layout's pattern took, or None if a number is too large."""
    if layout is PsFormat.PROCPS:
        user, pid, ppid, cpu, start, tty, time, command = match.groups()
        numbers = int(pid), int(ppid), int(cpu)
        if max(numbers) > MAX_PID:
            return None  # read again column by column, which says which one
        return (user, numbers[0], numbers[1], start, tty, time, command, numbers[2], None)
    if layout is PsFormat.BSD:
        pid, tty, state, time, command = match.groups()
        if int(pid) > MAX_PID:
            return None
        return (None, int(pid), None, None, tty, time, command, None, state)
    pid, user, time, command = match.groups()
    if int(pid) > MAX_PID:
        return None
    return (user, int(pid), None, None, None, time, command, None, None)


def _column(value: str | int | None) -> str:
    # POSIX ps prints a hyphen for a field it has no value for.
    return "-" if value is None else str(value)


def format_ps(
    processes: Iterable[ProcessRecord], *, header: bool = True, layout: PsFormat = PsFormat.PROCPS
) -> str:
    """Write processes as *layout*'s ``ps`` prints them.

    procps: ``ps -ef`` (the layout of the article's sample); BSD: FreeBSD's ``ps -axww``;
    BusyBox: its default ``ps``. A column the record has no value for is written ``-``.
    """
    lines: list[str] = []
    if layout is PsFormat.BSD:
        if header:
            lines.append("  PID TT  STAT    TIME COMMAND")
        lines.extend(
            f"{p.pid:>5} {_column(p.tty):<3} {_column(p.state):<4} {p.time:>8} {p.command}"
            for p in processes
        )
    elif layout is PsFormat.BUSYBOX:
        if header:
            lines.append("PID   USER     TIME  COMMAND")
        lines.extend(f"{p.pid:>5} {_column(p.user):<8} {p.time:>5} {p.command}" for p in processes)
    else:
        if header:
            lines.append("UID        PID  PPID  C STIME TTY          TIME CMD")
        lines.extend(
            f"{_column(p.user):<8} {p.pid:>5} {_column(p.ppid):>5} {_column(p.cpu):>2} "
            f"{_column(p.start):<5} {_column(p.tty):<8} {p.time:>8} {p.command}"
            for p in processes
        )
    return "".join(line + "\n" for line in lines)


# --- compgen -c -----------------------------------------------------------------------------


def parse_compgen(text: str | bytes) -> CommandList:
    """Read ``compgen -c [prefix]`` output: one command name per line.

    Grammar: each non-blank line, without its outer spaces, is a name; names may
    repeat (bash lists a command once per place it finds it).

    Raises:
        ParseError: A name contains a control character.
    """
    text = clean_text(text)
    if text.replace("\n", "").isprintable():
        # No control character, tab or other line break anywhere (str.isprintable refuses
        # them all): the names are the lines, stripped, as the model's checks require.
        return CommandList._unchecked(
            tuple(name for name in map(str.strip, text.split("\n")) if name)
        )
    names: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.strip()
        if not name:
            continue
        bad = CONTROL.search(name)
        if bad is not None:
            raise _error(
                text,
                number,
                line.index(name) + bad.start() + 1,
                _unprintable(bad.group(), "a command name"),
            )
        names.append(name)
    return CommandList(tuple(names))


def compgen_names(text: str | bytes) -> set[str]:
    """The distinct names of ``compgen -c`` output: ``set(parse_compgen(text).names)``.

    With the same checks and errors; output without a control character (the usual) is read
    into the set directly, with no record or tuple between (this runs for every guest).

    Raises:
        ParseError: A name contains a control character.
    """
    cleaned = clean_text(text)
    if cleaned.replace("\n", "").isprintable():  # as parse_compgen decides
        return {name for name in map(str.strip, cleaned.split("\n")) if name}
    return set(parse_compgen(text).names)


def format_compgen(names: Iterable[str]) -> str:
    """Write names as ``compgen -c`` prints them.

    Raises:
        vmic.model._linux_records.InvalidRecordError: A name could not be read back.
    """
    listing = CommandList(tuple(names))
    return "".join(name + "\n" for name in listing.names)


# --- systemctl show / is-active -------------------------------------------------------------


def parse_systemctl_show(
    text: str | bytes, *, units: Sequence[str] | None = None
) -> tuple[SystemdUnit, ...]:
    """Read ``systemctl show UNIT...`` output: one block of properties per unit.

    Grammar::

        output := { blank } [ block { blank { blank } block } ] { blank }
        block  := property { property }
        property := KEY "=" VALUE              (KEY is letters and digits)

    The properties read are ``Id``, ``LoadState``, ``ActiveState``, ``SubState``,
    ``UnitFileState``, ``MainPID`` and ``Description``; others are ignored, so
    full output and ``--property=`` selections both work. ``LoadState``,
    ``ActiveState`` and ``SubState`` are required.

    Args:
        text: The output.
        units: The unit names given to systemctl, in order. When given, there must be
            one block per name, and a block without ``Id`` is named after its unit.

    Raises:
        ParseError: A line is not ``KEY=VALUE``, a value is not one systemd uses,
            a required property is missing, or the blocks do not match ``units``.
    """
    text = clean_text(text)
    asked = _unit_names(units)
    at_once = _units_at_once(text, asked)
    return at_once if at_once is not None else _units_by_line(text, asked)


def _units_by_line(text: str, asked: tuple[str, ...] | None) -> tuple[SystemdUnit, ...]:
    """The units of ``systemctl show`` output, read line by line (each block by its lines)."""
    lines = text.splitlines()
    blocks = _blocks(lines)
    if asked is not None and len(blocks) != len(asked):
        if len(blocks) > len(asked):
            number = blocks[len(asked)][0]
            column = 1
        else:
            number, column = _end_position(lines)
        raise _error(
            text,
            number,
            column,
            f"systemctl show printed {len(blocks)} unit(s), but {len(asked)} were asked for",
        )
    return tuple(
        _unit_block(text, lines, first, last, None if asked is None else asked[index])
        for index, (first, last) in enumerate(blocks)
    )


# One unit's block as systemctl prints the properties the Linux check asks for, in its order:
# each value as the line-by-line reading accepts it (a MainPID of at most 9 digits, which
# no maximum refuses; a state word looked up after the match), blocks apart by empty lines.
_UNIT_BLOCK_RE: Final = re.compile(
    rf"\n*MainPID=([0-9]{{1,9}})\nId=({UNIT_NAME.pattern})\n"
    rf"Description=([^{UNPRINTABLE.pattern[1:-1]}]*)\nLoadState=([a-z-]+)\n"
    rf"ActiveState=([a-z-]+)\nSubState=({SUB_STATE.pattern})\nUnitFileState=([a-z-]*)\n*"
)


def _units_at_once(text: str, asked: tuple[str, ...] | None) -> tuple[SystemdUnit, ...] | None:
    """The units of output in the usual shape, one match per block; None if it is not so.

    Output in any other shape (other properties, another order, CRLF, blank lines with
    spaces, an unknown state) is read line by line, which also says what is wrong.
    """
    units: list[SystemdUnit] = []
    position = 0
    while position < len(text):
        match = _UNIT_BLOCK_RE.match(text, position)
        if match is None or (
            match.end() < len(text) and text[match.end() - 2 : match.end()] != "\n\n"
        ):
            return None  # not this shape, or two blocks without an empty line between them
        pid, name, description, load, active, sub, file = match.groups()
        load_state = _LOAD_STATES.get(load)
        active_state = _ACTIVE_STATES.get(active)
        file_state = _FILE_STATES.get(file) if file else None
        if load_state is None or active_state is None or (file and file_state is None):
            return None
        units.append(
            SystemdUnit._unchecked(
                name, load_state, active_state, sub, file_state, int(pid) or None, description
            )
        )
        position = match.end()
    if not units or (asked is not None and len(units) != len(asked)):
        return None
    return tuple(units)


def _unit_names(units: Sequence[str] | None) -> tuple[str, ...] | None:
    if units is None:
        return None
    if isinstance(units, str):
        return (units,)
    return tuple(units)


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """1-based first and last line numbers of each run of non-blank lines."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not start:
                start = number
        elif start:
            blocks.append((start, number - 1))
            start = 0
    if start:
        blocks.append((start, len(lines)))
    return blocks


def _end_position(lines: list[str]) -> tuple[int, int]:
    for number in range(len(lines), 0, -1):
        if lines[number - 1].strip():
            return number, len(lines[number - 1]) + 1
    return 1, 1


_SHOWN: Final = frozenset(
    {"Id", "LoadState", "ActiveState", "SubState", "UnitFileState", "MainPID", "Description"}
)


def _unit_block(
    text: str, lines: list[str], first: int, last: int, asked: str | None
) -> SystemdUnit:
    values: dict[str, tuple[str, int, int]] = {}
    for number in range(first, last + 1):
        line = lines[number - 1]
        key, equals, value = line.partition("=")
        if not equals or key not in _SHOWN:
            # Not a property read (every one of those is a valid KEY): check the line's form.
            if _PROPERTY_RE.match(line) is None:
                raise _error(text, number, 1, "expected a KEY=VALUE property line")
            continue
        if key in values:
            raise _error(
                text,
                number,
                1,
                f"{key}= appears twice in one unit (first on line {values[key][1]})",
            )
        values[key] = (value, number, len(key) + 2)

    load_state = _state(text, first, values, "LoadState", _LOAD_STATES)
    active_state = _state(text, first, values, "ActiveState", _ACTIVE_STATES)
    sub_value, sub_line, sub_column = _required(text, first, values, "SubState")
    if SUB_STATE.fullmatch(sub_value) is None:
        raise _error(
            text,
            sub_line,
            sub_column,
            f"expected a sub-state such as 'running', found {_shorten(sub_value)!r}",
        )
    name = asked
    if "Id" in values:
        name, number, column = values["Id"]
        if UNIT_NAME.fullmatch(name) is None:
            raise _error(text, number, column, f"expected a unit name, found {_shorten(name)!r}")
    if name is None:
        raise _error(text, first, 1, "this unit has no Id= line and no unit name was given")
    file_state: UnitFileState | None = None
    if "UnitFileState" in values and values["UnitFileState"][0]:
        file_state = _state(text, first, values, "UnitFileState", _FILE_STATES)
    description, number, column = values.get("Description", ("", first, 1))
    bad = UNPRINTABLE.search(description)
    if bad is not None:
        raise _error(text, number, column + bad.start(), _unprintable(bad.group(), "Description="))
    main_pid: int | None = None
    if "MainPID" in values:
        value, number, column = values["MainPID"]
        main_pid = (
            _number(text, number, column, value, what="MainPID as a number", maximum=MAX_PID)
            or None
        )
    if "Id" not in values:
        # A name as asked, which no pattern has checked yet: the checked constructor does.
        return SystemdUnit(
            name=name,
            load_state=load_state,
            active_state=active_state,
            sub_state=sub_value,
            unit_file_state=file_state,
            main_pid=main_pid,
            description=description,
        )
    return SystemdUnit._unchecked(
        name, load_state, active_state, sub_value, file_state, main_pid, description
    )


def _required(
    text: str, first: int, values: dict[str, tuple[str, int, int]], key: str
) -> tuple[str, int, int]:
    """A block's required property: its value, line and column."""
    found = values.get(key)
    if found is None:
        raise _error(text, first, 1, f"this unit has no {key}= line")
    return found


def _state(
    text: str, first: int, values: dict[str, tuple[str, int, int]], key: str, table: dict[str, _S]
) -> _S:
    """A block's state property, one of the words of *table*."""
    value, number, column = _required(text, first, values, key)
    found = table.get(value)
    if found is None:
        known = ", ".join(table)
        raise _error(
            text, number, column, f"unknown {key} {_shorten(value)!r}; systemd uses {known}"
        )
    return found


def format_systemctl_show(units: Iterable[SystemdUnit]) -> str:
    """Write units as ``systemctl show --property=MainPID,Id,Description,LoadState,...`` does.

    ``MainPID`` is written for ``.service`` units (0 when there is no main process).
    """
    blocks = []
    for unit in units:
        lines = []
        if unit.main_pid is not None or unit.name.endswith(".service"):
            lines.append(f"MainPID={unit.main_pid or 0}")
        lines += [
            f"Id={unit.name}",
            f"Description={unit.description}",
            f"LoadState={unit.load_state.systemd_name}",
            f"ActiveState={unit.active_state.systemd_name}",
            f"SubState={unit.sub_state}",
            "UnitFileState="
            + ("" if unit.unit_file_state is None else unit.unit_file_state.systemd_name),
        ]
        blocks.append("".join(line + "\n" for line in lines))
    return "\n".join(blocks)


def parse_systemctl_is_active(
    text: str | bytes, units: Sequence[str]
) -> dict[str, UnitActiveState]:
    """Read ``systemctl is-active UNIT...`` output: one state per unit, in the order asked.

    Grammar: one state word per non-blank line (``active``, ``inactive``, ``failed``...).

    Args:
        text: The output.
        units: The unit names given to systemctl, in the same order.

    Returns:
        The state of each unit, keyed by the name as given (in the order given).

    Raises:
        ParseError: A line is not a state, or there are more or fewer states than units.
    """
    text = clean_text(text)
    asked = _unit_names(units) or ()
    lines = text.splitlines()
    states: list[UnitActiveState] = []
    for number, line in enumerate(lines, start=1):
        word = line.strip()
        if not word:
            continue
        if len(states) == len(asked):
            raise _error(
                text,
                number,
                line.index(word[0]) + 1,
                f"more states than the {len(asked)} unit(s) asked for",
            )
        if word not in _ACTIVE_STATES:
            raise _error(
                text,
                number,
                line.index(word[0]) + 1,
                f"unknown unit state {_shorten(word)!r}; systemctl prints "
                + ", ".join(_ACTIVE_STATES),
            )
        states.append(_ACTIVE_STATES[word])
    if len(states) < len(asked):
        number, column = _end_position(lines)
        raise _error(
            text,
            number,
            column,
            f"{len(states)} state(s) for the {len(asked)} unit(s) asked for; "
            f"none for {asked[len(states)]!r}",
        )
    return dict(zip(asked, states, strict=True))


def format_systemctl_is_active(states: Iterable[UnitActiveState]) -> str:
    """Write states as ``systemctl is-active`` prints them, one per line."""
    return "".join(state.systemd_name + "\n" for state in states)
