"""``Get-Service -Name vm*`` / ``vmic*`` output in a Windows guest: table and JSON.

Table form, the default view (declared widths 8, 18 and 38; longer text is cut
with ``...`` in Windows PowerShell 5.1 and ``…`` in PowerShell 7) or
``| Format-Table -AutoSize``::

    Status   Name               DisplayName
    ------   ----               -----------
    Running  vmicrdv            Hyper-V Remote Desktop Virtualizati...
    Stopped  vmicvmsession      Hyper-V VM Session Service

``Status`` and ``Name`` are required; ``DisplayName`` and ``StartType`` are read when
present; other columns are ignored. A display name ending in an ellipsis was cut:
the record keeps the text before the ellipsis and ``display_name_truncated=True``.
A cut status (``StartPe…``) is read back when only one status fits.

JSON form: one object or an array, whole ``ServiceController`` objects or a
``Select-Object`` of them; ``Name`` and ``Status`` are required, ``Status`` and
``StartType`` may be numbers or names.

Each record is mapped to the catalog's guest service by its name
(:func:`vmic.model._services.guest_service_for`); other services map to None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from vmic.model._locales import ELLIPSES
from vmic.model._records import GuestServiceRecord
from vmic.model._status import StartType, WindowsServiceStatus
from vmic.parsers._errors import error_at
from vmic.parsers._json import (
    MISSING,
    PowerShellVersion,
    Reporter,
    dumps,
    enum_member,
    load_items,
)
from vmic.parsers._options import Form, check_options, ellipsis_for
from vmic.parsers._table import read_tables, render_table
from vmic.parsers._text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from vmic.parsers._table import Table

__all__ = ["VIEW_WIDTHS", "format_get_service", "parse_get_service"]

_E = TypeVar("_E", WindowsServiceStatus, StartType)

#: Column widths the default view declares for Status, Name and DisplayName.
VIEW_WIDTHS: Final = (8, 18, 38)
_COLUMNS: Final = ("Status", "Name", "DisplayName")


def _names(members: Iterable[_E]) -> dict[str, _E]:
    return {
        **{m.value.replace("_", ""): m for m in members},
        **{m.dotnet_name.casefold(): m for m in members},
    }


_STATUS_BY_CODE: Final = {status.code: status for status in WindowsServiceStatus}
_STATUS_BY_NAME: Final = _names(WindowsServiceStatus)
_START_BY_CODE: Final = {start.code: start for start in StartType}
_START_BY_NAME: Final = _names(StartType)


def parse_get_service(text: str | bytes) -> tuple[GuestServiceRecord, ...]:
    """Parse ``Get-Service`` output, as a table or as ``ConvertTo-Json``.

    Empty output gives an empty tuple. See the module docstring for the forms.

    Raises:
        ParseError: The text is neither form, a required column or property is
            missing, or a status or start type is not one Windows has.
    """
    source = clean_text(text)
    start = source.lstrip()[:1]
    if not start:
        return ()
    if start in "[{":
        return load_items(source, _from_json, marker="Status")
    return _from_table(source)


def _member(
    report: Reporter,
    index: int,
    key: str,
    raw: object,
    *,
    codes: Mapping[int, _E],
    names: Mapping[str, _E],
) -> _E:
    try:
        return enum_member(raw, codes, names)
    except (LookupError, TypeError):
        raise report.error(
            f"{key} {raw!r} is not a {key} value", index, key if raw is not None else None
        ) from None


def _from_json(report: Reporter, index: int, item: dict[str, Any]) -> GuestServiceRecord:
    # Once per service of every Windows guest asked: a code (what ConvertTo-Json writes)
    # that names a member is looked up here; anything else goes through _member, which
    # reads names and says what is wrong.
    get = item.get
    name = get("Name", MISSING)
    if name.__class__ is not str:
        if name is MISSING:
            name = get("ServiceName")
        if not isinstance(name, str):
            msg = "Name should be a string"
            raise report.error(msg, index, "Name" if "Name" in item else None)
    display_name = get("DisplayName")
    if display_name is None:
        display_name = ""
    elif not isinstance(display_name, str):
        msg = "DisplayName should be a string"
        raise report.error(msg, index, "DisplayName")
    raw_status = get("Status", MISSING)
    status = _STATUS_BY_CODE.get(raw_status) if raw_status.__class__ is int else None
    if status is None:
        if raw_status is MISSING:
            msg = "the object has no Status"
            raise report.error(msg, index)
        status = _member(
            report, index, "Status", raw_status, codes=_STATUS_BY_CODE, names=_STATUS_BY_NAME
        )
    raw_start = get("StartType")
    start_type = _START_BY_CODE.get(raw_start) if raw_start.__class__ is int else None
    if start_type is None and raw_start is not None:
        start_type = _member(
            report, index, "StartType", raw_start, codes=_START_BY_CODE, names=_START_BY_NAME
        )
    return GuestServiceRecord.shared(name, display_name, status, start_type)


def _cut(text: str) -> str | None:
    """``text`` without the ellipsis a table appended, or None if it has none."""
    for ellipsis in ELLIPSES:
        if text.endswith(ellipsis):
            return text[: -len(ellipsis)]
    return None


def _table_member(
    source: str,
    table: Table,
    row: tuple[int, str],
    column: int,
    *,
    cell: str,
    names: Mapping[str, _E],
) -> _E:
    found = names.get(cell.replace(" ", "").casefold())
    if found is not None:
        return found
    prefix = _cut(cell)
    if prefix is not None:
        # Only a name longer than the shown cell was cut; several candidates stay ambiguous.
        candidates = {
            member
            for key, member in names.items()
            if key.startswith(prefix.casefold()) and len(member.dotnet_name) > len(cell)
        }
        if len(candidates) == 1:
            return candidates.pop()
    label = table.names[column]
    raise error_at(f"{cell!r} is not a {label} value", source, table.cell_offset(row, column))


def _from_table(source: str) -> tuple[GuestServiceRecord, ...]:
    tables = read_tables(source)
    if not tables:
        msg = "expected a Get-Service table (a header line underlined with dashes) or JSON"
        raise error_at(
            msg,
            source,
            len(source) - len(source.lstrip()),
        )
    records: list[GuestServiceRecord] = []
    for table in tables:
        status_column = table.column("Status")
        name_column = table.column("Name")
        if name_column is None:
            name_column = table.column("ServiceName")
        if status_column is None or name_column is None:
            missing = "Status" if status_column is None else "Name"
            raise error_at(f"the table has no {missing} column", source, table.offset)
        display_column = table.column("DisplayName")
        start_column = table.column("StartType")
        for row in table.rows:
            cells = table.cells(row[1])
            status = _table_member(
                source, table, row, status_column, cell=cells[status_column], names=_STATUS_BY_NAME
            )
            start_type = None
            if start_column is not None and cells[start_column]:
                start_type = _table_member(
                    source,
                    table,
                    row,
                    start_column,
                    cell=cells[start_column],
                    names=_START_BY_NAME,
                )
            display_name = "" if display_column is None else cells[display_column]
            kept = _cut(display_name)
            records.append(
                GuestServiceRecord(
                    name=cells[name_column],
                    display_name=display_name if kept is None else kept,
                    status=status,
                    start_type=start_type,
                    display_name_truncated=kept is not None,
                )
            )
    return tuple(records)


def format_get_service(
    records: Iterable[GuestServiceRecord],
    *,
    form: Form = "table",
    powershell: PowerShellVersion = "5.1",
    autosize: bool = False,
    enums_as_strings: bool = False,
    newline: str = "\r\n",
) -> str:
    """Render records as ``Get-Service`` output; the inverse of the parser.

    Args:
        records: The services, in output order.
        form: ``"table"``: the default view (``autosize=False``: the declared widths, cut
            with that version's ellipsis) or ``| Format-Table -AutoSize``. ``"json"``:
            ``| Select-Object Name, DisplayName, Status, StartType | ConvertTo-Json``.
        powershell: ``"5.1"`` or ``"7"``: the ellipsis and the JSON layout.
        autosize: Size table columns to their contents (``-AutoSize``).
        enums_as_strings: Write Status and StartType by name (PowerShell 7 only).
        newline: Line break to write.

    A cut display name (``display_name_truncated``) is written with the ellipsis.

    Raises:
        ConfigurationError: An unknown form or PowerShell version, or
            ``enums_as_strings`` with 5.1.
    """
    check_options(form, powershell, enums_as_strings=enums_as_strings)
    ellipsis = ellipsis_for(powershell)
    items = list(records)

    def shown(record: GuestServiceRecord) -> str:
        return record.display_name + (ellipsis if record.display_name_truncated else "")

    if form == "json":
        if not items:
            return ""
        objects = [
            {
                "Name": record.name,
                "DisplayName": shown(record),
                "Status": record.status.dotnet_name if enums_as_strings else record.status.code,
                "StartType": None
                if record.start_type is None
                else record.start_type.dotnet_name
                if enums_as_strings
                else record.start_type.code,
            }
            for record in items
        ]
        return dumps(
            objects[0] if len(objects) == 1 else objects, powershell=powershell, newline=newline
        )
    rows = [(record.status.dotnet_name, record.name, shown(record)) for record in items]
    return render_table(
        _COLUMNS,
        rows,
        widths=None if autosize else VIEW_WIDTHS,
        ellipsis=ellipsis,
        newline=newline,
    )
