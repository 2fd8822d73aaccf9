"""``Get-VM`` output, for what it says about integration services: table and JSON.

Table form: any ``Get-VM`` table with a ``Name`` column, e.g. ::

    Get-VM | Format-Table Name, State, Status, IntegrationServicesVersion, IntegrationServicesState

    Name   State   Status             IntegrationServicesVersion IntegrationServicesState
    ----   -----   ------             -------------------------- ------------------------
    DemoVM Running Operating normally 10.0.17763.1               Up to date

``Id`` (or ``VMId``), ``State``, ``Status``, ``IntegrationServicesVersion`` and
``IntegrationServicesState`` are read when present; other columns are ignored (the
default view's ``Version`` column is the configuration version, not this one). A
missing ``State`` column gives :attr:`VMState.UNKNOWN`, a missing version None; an empty
``State`` cell is an error, since ``Get-VM`` always shows one: such a row is the rest of
a wrapped line, not a VM.

JSON form: one object or an array, whole ``VirtualMachine`` objects or a
``Select-Object`` of them. ``Name`` is required. ``State`` may be a number or a name;
``IntegrationServicesVersion`` may be a ``System.Version`` object (``Major``,
``Minor``, ``Build``, ``Revision``; -1 for an absent part), a string or null.

States and integration-services states vmic does not know are read as UNKNOWN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from packaging.version import Version

from vmic.model._locales import ELLIPSES
from vmic.model._patterns import SERVICES_VERSION
from vmic.model._records import IntegrationServicesState, VirtualMachineRecord, VMState
from vmic.parsers._component_id import ANY_CASE_GUID
from vmic.parsers._errors import error_at
from vmic.parsers._json import PowerShellVersion, Reporter, dumps, load_items
from vmic.parsers._options import Form, check_options, ellipsis_for
from vmic.parsers._table import read_tables, render_table
from vmic.parsers._text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from vmic.parsers._table import Table

__all__ = ["format_get_vm", "parse_get_vm"]

_T = TypeVar("_T")

_MAX_PART: Final = 2**31 - 1
_INTEGERS: Final = frozenset({int})
# The absent parts after the first *count*, as System.Version writes them (-1).
_ABSENT: Final = tuple([-1] * (4 - count) for count in range(5))
_COLUMNS: Final = (
    "Name",
    "Id",
    "State",
    "Status",
    "IntegrationServicesVersion",
    "IntegrationServicesState",
)


def parse_get_vm(text: str | bytes) -> tuple[VirtualMachineRecord, ...]:
    """Parse ``Get-VM`` output, as a table or as ``ConvertTo-Json``.

    Empty output gives an empty tuple. See the module docstring for the forms.

    Raises:
        ParseError: The text is neither form, has no ``Name``, or a value has the
            wrong type or form.
    """
    source = clean_text(text)
    start = source.lstrip()[:1]
    if not start:
        return ()
    if start in "[{":
        return load_items(source, _from_json, marker="State")
    return _from_table(source)


def _version(parts: list[int]) -> Version | None:
    if max(parts) > _MAX_PART:
        return None
    return Version(".".join(map(str, parts)))


def _json_version(report: Reporter, index: int, raw: object) -> Version | None:
    key = "IntegrationServicesVersion"
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        found = (
            _version([int(p) for p in raw.split(".")]) if SERVICES_VERSION.fullmatch(raw) else None
        )
        if found is None:
            raise report.error(f"{key} {raw!r} is not a version", index, key)
        return found
    if isinstance(raw, dict):
        get = raw.get
        parts = [get("Major", -1), get("Minor", -1), get("Build", -1), get("Revision", -1)]
        if _INTEGERS.issuperset(map(type, parts)):
            # The parts present (not -1) come first, two at least, none negative.
            count = parts.index(-1) if -1 in parts else 4
            if count >= 2 and parts[count:] == _ABSENT[count] and min(parts[:count]) >= 0:
                found = _version(parts[:count])
                if found is not None:
                    return found
        raise report.error(
            f"{key} should have Major and Minor, then optional Build and Revision", index, key
        )
    raise report.error(f"{key} should be a version object, a string or null", index, key)


# Read off their enums once: a member or method looked up on an enum class costs more than
# the dict lookup behind it, and the JSON reader makes these per VM.
_UNKNOWN: Final = VMState.UNKNOWN
_state_from_code: Final = VMState.from_code
_is_state_from_text: Final = IntegrationServicesState.from_text


def _from_json(report: Reporter, index: int, item: dict[str, Any]) -> VirtualMachineRecord:
    name = item.get("Name", item.get("VMName"))
    if not isinstance(name, str):
        msg = "Name should be a string"
        raise report.error(msg, index, "Name" if "Name" in item else None)
    vm_id = item.get("Id", item.get("VMId"))
    if vm_id is not None:
        if not isinstance(vm_id, str) or not ANY_CASE_GUID.fullmatch(vm_id):
            msg = "Id should be a GUID"
            raise report.error(msg, index, "Id" if "Id" in item else "VMId")
        vm_id = vm_id.upper()
    raw_state = item.get("State")
    if raw_state is None:
        state = _UNKNOWN
    elif type(raw_state) is int:
        state = _state_from_code(raw_state)
    elif isinstance(raw_state, str):
        key = raw_state.strip()
        state = (
            VMState.from_code(int(key))
            if key.isdigit() and key.isascii()
            else VMState.from_name(key)
        )
    else:
        msg = "State should be a number or a name"
        raise report.error(msg, index, "State")
    status = item.get("Status")
    if status is not None and not isinstance(status, str):
        msg = "Status should be a string"
        raise report.error(msg, index, "Status")
    is_state = item.get("IntegrationServicesState")
    if is_state is not None and not isinstance(is_state, str):
        msg = "IntegrationServicesState should be a string"
        raise report.error(msg, index, "IntegrationServicesState")
    # Every value is checked above, the version by _json_version: the record's checks hold.
    return VirtualMachineRecord._unchecked(
        name,
        vm_id,
        state,
        status or "",
        _json_version(report, index, item.get("IntegrationServicesVersion")),
        _is_state_from_text(is_state),
    )


def _prefix_match(cell: str, known: Mapping[str, _T], default: _T) -> _T:
    """The one known value whose text starts with a cut cell's prefix; ``default`` otherwise."""
    for ellipsis in ELLIPSES:
        if cell.endswith(ellipsis):
            prefix = cell[: -len(ellipsis)].casefold()
            found = {value for text, value in known.items() if text.startswith(prefix)}
            return found.pop() if prefix and len(found) == 1 else default
    return default


_STATE_NAMES: Final = {state.dotnet_name.casefold(): state for state in VMState}
_IS_STATE_NAMES: Final = {
    state.text.casefold(): state for state in IntegrationServicesState if state.text
}


class _Columns:
    """Where a table keeps each property vmic reads (None: not shown)."""

    __slots__ = ("id", "is_state", "name", "state", "status", "version")

    def __init__(self, source: str, table: Table) -> None:
        name = table.column("Name")
        if name is None:
            name = table.column("VMName")
        if name is None:
            msg = "the table has no Name column"
            raise error_at(msg, source, table.offset)
        self.name: int = name
        vm_id = table.column("Id")
        self.id = table.column("VMId") if vm_id is None else vm_id
        self.state = table.column("State")
        self.status = table.column("Status")
        self.version = table.column("IntegrationServicesVersion")
        self.is_state = table.column("IntegrationServicesState")


def _table_version(
    source: str, table: Table, row: tuple[int, str], column: int, cell: str
) -> Version | None:
    version = (
        _version([int(p) for p in cell.split(".")]) if SERVICES_VERSION.fullmatch(cell) else None
    )
    if version is None and not cell.endswith(ELLIPSES):
        raise error_at(
            f"IntegrationServicesVersion {cell!r} is not a version",
            source,
            table.cell_offset(row, column),
        )
    return version


def _table_row(
    source: str, table: Table, columns: _Columns, row: tuple[int, str]
) -> VirtualMachineRecord:
    cells = table.cells(row[1])

    def cell(column: int | None) -> str:
        return "" if column is None else cells[column]

    vm_id = cell(columns.id) or None
    if vm_id is not None and columns.id is not None and ANY_CASE_GUID.fullmatch(vm_id) is None:
        msg = "Id should be a GUID"
        raise error_at(msg, source, table.cell_offset(row, columns.id))
    if columns.state is not None and not cells[columns.state]:
        # Get-VM always shows a state: a row without one is the rest of a wrapped line
        # (Format-Table -Wrap, or a terminal that folded a long row), not a VM.
        offset, line = row
        msg = "a row with no State: the rest of a wrapped line, not a VM"
        raise error_at(msg, source, offset + len(line) - len(line.lstrip()))
    state = VMState.from_name(cell(columns.state)) if cell(columns.state) else VMState.UNKNOWN
    if state is VMState.UNKNOWN:
        state = _prefix_match(cell(columns.state), _STATE_NAMES, state)
    version_text = cell(columns.version)
    version = None
    if version_text and columns.version is not None:
        version = _table_version(source, table, row, columns.version, version_text)
    is_state = IntegrationServicesState.from_text(cell(columns.is_state))
    if is_state is IntegrationServicesState.UNKNOWN:
        is_state = _prefix_match(cell(columns.is_state), _IS_STATE_NAMES, is_state)
    return VirtualMachineRecord(
        name=cells[columns.name],
        id=vm_id,
        state=state,
        status=cell(columns.status),
        integration_services_version=version,
        integration_services_state=is_state,
    )


def _from_table(source: str) -> tuple[VirtualMachineRecord, ...]:
    tables = read_tables(source)
    if not tables:
        msg = "expected a Get-VM table (a header line underlined with dashes) or JSON"
        raise error_at(msg, source, len(source) - len(source.lstrip()))
    records: list[VirtualMachineRecord] = []
    for table in tables:
        columns = _Columns(source, table)
        records.extend(_table_row(source, table, columns, row) for row in table.rows)
    return tuple(records)


def _short(value: int) -> int:
    """``value`` as a .NET Int16 (what ``MajorRevision``/``MinorRevision`` hold)."""
    value &= 0xFFFF
    return value - 0x10000 if value >= 0x8000 else value


def _version_object(version: Version | None) -> dict[str, int] | None:
    if version is None:
        return None
    parts = [*version.release, -1, -1][:4]
    revision = parts[3]
    return {
        "Major": parts[0],
        "Minor": parts[1],
        "Build": parts[2],
        "Revision": revision,
        "MajorRevision": _short(revision >> 16),
        "MinorRevision": _short(revision),
    }


def format_get_vm(
    records: Iterable[VirtualMachineRecord],
    *,
    form: Form = "table",
    powershell: PowerShellVersion = "5.1",
    enums_as_strings: bool = False,
    newline: str = "\r\n",
) -> str:
    """Render records as ``Get-VM`` output; the inverse of the parser.

    Args:
        records: The VMs, in output order.
        form: ``"table"``: ``Get-VM | Format-Table Name, Id, State, Status,
            IntegrationServicesVersion, IntegrationServicesState -AutoSize``.
            ``"json"``: the same properties through ``Select-Object`` and
            ``ConvertTo-Json`` (an UNKNOWN state is written as null).
        powershell: ``"5.1"`` or ``"7"``: the JSON layout.
        enums_as_strings: Write State by name (PowerShell 7 only).
        newline: Line break to write.

    Raises:
        ConfigurationError: An unknown form or PowerShell version, or
            ``enums_as_strings`` with 5.1.
    """
    check_options(form, powershell, enums_as_strings=enums_as_strings)
    items = list(records)
    if form == "json":
        if not items:
            return ""
        objects = [
            {
                "Name": record.name,
                "Id": None if record.id is None else record.id.lower(),
                "State": None
                if record.state is VMState.UNKNOWN
                else record.state.dotnet_name
                if enums_as_strings
                else record.state.code,
                "Status": record.status,
                "IntegrationServicesVersion": _version_object(record.integration_services_version),
                "IntegrationServicesState": record.integration_services_state.text,
            }
            for record in items
        ]
        return dumps(
            objects[0] if len(objects) == 1 else objects, powershell=powershell, newline=newline
        )
    rows = [
        (
            record.name,
            "" if record.id is None else record.id.lower(),
            record.state.dotnet_name,
            record.status,
            ""
            if record.integration_services_version is None
            else str(record.integration_services_version),
            record.integration_services_state.text,
        )
        for record in items
    ]
    return render_table(_COLUMNS, rows, ellipsis=ellipsis_for(powershell), newline=newline)
