"""``Get-VMIntegrationService`` output: the default table and ``ConvertTo-Json``.

Table form (see :mod:`vmic.parsers._table` for the layout rules)::

    VMName      Name                    Enabled PrimaryStatusDescription SecondaryStatusDescription
    ------      ----                    ------- ------------------------ --------------------------
    DemoVM      Guest Service Interface False   OK
    DemoVM      Heartbeat               True    OK                       OK

Columns are found by label, in any order and any case. ``Name`` and ``Enabled``
are required; ``VMName``, ``VMId``, ``Id``, ``PrimaryStatusDescription``,
``SecondaryStatusDescription``, ``PrimaryOperationalStatus`` and
``SecondaryOperationalStatus`` are read when present (``Format-Table`` with chosen
properties); other columns are ignored. Without an operational-status column the
status is read back from its description, in any language vmic knows
(:mod:`vmic.model._locales`).

JSON form: one object or an array of ``VMIntegrationComponent`` objects, from
Windows PowerShell 5.1 or PowerShell 7, whole or cut down by ``Select-Object``.
``VMName``, ``Name`` and ``Enabled`` are required; statuses may be numbers or names;
``PrimaryOperationalStatus``/``SecondaryOperationalStatus`` and their descriptions
fall back to the ``OperationalStatus``/``StatusDescription`` arrays.

Every item names its service from the component GUID in ``Id`` when there is one,
else from the name in any known language; a component vmic does not know is kept
with ``service=None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.model._locales import (
    ELLIPSES,
    check_locale,
    integration_service_name,
    service_for_name,
    status_description,
    status_for_description,
)
from vmic.model._records import (
    FILL_COMPONENT,
    SERVICE_BY_GUID,
    ComponentId,
    IntegrationComponentRecord,
)
from vmic.model._status import OperationalStatus
from vmic.parsers._component_id import ANY_CASE_GUID, match_component_id
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
from vmic.parsers._table import Table, read_tables, render_table
from vmic.parsers._text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.model._services import IntegrationService

__all__ = ["format_vm_integration_services", "parse_vm_integration_services"]

_STATUS_BY_CODE: Final = {status.code: status for status in OperationalStatus}
_STATUS_BY_NAME: Final = {
    **{status.value.replace("_", ""): status for status in OperationalStatus},
    **{status.dotnet_name.casefold(): status for status in OperationalStatus},
}
_BOOLEANS: Final = {"true": True, "false": False}
_ZERO_GUID: Final = "00000000-0000-0000-0000-000000000000"
_TABLE_COLUMNS: Final = (
    "VMName",
    "Name",
    "Enabled",
    "PrimaryStatusDescription",
    "SecondaryStatusDescription",
)


def parse_vm_integration_services(text: str | bytes) -> tuple[IntegrationComponentRecord, ...]:
    """Parse ``Get-VMIntegrationService`` output, as a table or as ``ConvertTo-Json``.

    Empty output (no components) gives an empty tuple. See the module docstring for
    the accepted forms.

    Raises:
        ParseError: The text is neither form, a required column or property is
            missing, or a value has the wrong type or form.
    """
    source = clean_text(text)
    start = source.lstrip()[:1]
    if not start:
        return ()
    if start in "[{":
        return load_items(source, _component, marker="Enabled")
    return _from_table(source)


# --- JSON ------------------------------------------------------------------------------------


def _status(
    report: Reporter,
    index: int,
    key: str,
    *,
    item: dict[str, Any],
    position: int,
    statuses: object,
    description: str,
) -> OperationalStatus | None:
    """A status from its property, else from the ``OperationalStatus`` array.

    An object with neither (a ``Select-Object`` of the descriptions) gets the status
    its description stands for.
    """
    raw = item.get(key, MISSING)
    if raw is MISSING:
        if statuses is MISSING:
            return status_for_description(description)
        raw = _nth(statuses, position)
    if raw is None:
        return None
    try:
        return enum_member(raw, _STATUS_BY_CODE, _STATUS_BY_NAME)
    except LookupError:
        # A status the module does not define (WMI's Paused = 15, say): not an error.
        return None
    except TypeError as exc:
        raise report.error(f"{key} should be a number or a name, not {exc}", index, key) from None


def _text(report: Reporter, index: int, key: str, raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise report.error(f"{key} should be a string", index, key)
    return raw


def _description(
    report: Reporter, index: int, item: dict[str, Any], key: str, position: int
) -> str:
    """A description that is no plain string: null, absent (read from the array), or wrong."""
    raw = item.get(key, MISSING)
    if raw is MISSING:
        raw = _nth(item.get("StatusDescription"), position)
    return _text(report, index, key, raw)


def _nth(raw: object, position: int) -> object:
    return raw[position] if isinstance(raw, list) and len(raw) > position else None


def _component(report: Reporter, index: int, item: dict[str, Any]) -> IntegrationComponentRecord:
    # Once per component of every VM on every audited host: each property is read once,
    # and the common forms (a string, a status code) are taken without a helper's call.
    get = item.get
    vm_name = get("VMName")
    name = get("Name")
    enabled = get("Enabled")
    # json.loads builds exact types, so a class check is isinstance's answer, for less.
    if not (vm_name.__class__ is str and name.__class__ is str and enabled.__class__ is bool):
        raise _required_error(report, index, item)
    raw_id = get("Id")
    component_id: ComponentId | None = None
    if raw_id is not None:
        component_id = match_component_id(raw_id) if raw_id.__class__ is str else None
        if component_id is None:
            msg = "Id should be 'Microsoft:<VMID>\\<GUID>'"
            raise report.error(msg, index, "Id")
    vm_id = get("VMId")
    if vm_id is not None:
        if (
            component_id is not None
            and vm_id.__class__ is str
            and vm_id.isascii()
            and vm_id.upper() == component_id.vm_id
        ):
            # The VM id the Id holds, checked there already (ASCII: upper() maps only a-z).
            vm_id = component_id.vm_id
        else:
            vm_id = _vm_id(report, index, vm_id, component_id)

    # The arrays are read only for what their Primary/Secondary properties do not say.
    primary_text = get("PrimaryStatusDescription")
    if primary_text.__class__ is not str:
        primary_text = _description(report, index, item, "PrimaryStatusDescription", 0)
    secondary_text = get("SecondaryStatusDescription")
    if secondary_text.__class__ is not str:
        secondary_text = _description(report, index, item, "SecondaryStatusDescription", 1)
    # A status code (what ConvertTo-Json writes) is looked up here; anything else (a name,
    # null, no property) goes through _status. A code vmic does not know is None.
    primary = get("PrimaryOperationalStatus")
    if primary.__class__ is int:
        primary = _STATUS_BY_CODE.get(primary)
    elif primary is not None or "PrimaryOperationalStatus" not in item:
        primary = _status(
            report,
            index,
            "PrimaryOperationalStatus",
            item=item,
            position=0,
            statuses=get("OperationalStatus", MISSING),
            description=primary_text,
        )
    secondary = get("SecondaryOperationalStatus")
    if secondary.__class__ is int:
        secondary = _STATUS_BY_CODE.get(secondary)
    elif secondary is not None or "SecondaryOperationalStatus" not in item:
        secondary = _status(
            report,
            index,
            "SecondaryOperationalStatus",
            item=item,
            position=1,
            statuses=get("OperationalStatus", MISSING),
            description=secondary_text,
        )
    return FILL_COMPONENT(
        vm_name,
        vm_id,
        name,
        enabled,
        primary,
        primary_text,
        secondary,
        secondary_text,
        component_id,
        # ComponentId.service's lookup, without the property's call.
        SERVICE_BY_GUID.get(component_id.guid)
        if component_id is not None
        else service_for_name(name),
    )


def _required_error(report: Reporter, index: int, item: dict[str, Any]) -> Exception:
    """The error for the first of ``VMName``, ``Name`` and ``Enabled`` that is wrong."""
    if not isinstance(item.get("VMName"), str):
        msg = "VMName should be a string"
        return report.error(msg, index, "VMName" if "VMName" in item else None)
    if not isinstance(item.get("Name"), str):
        msg = "Name should be a string"
        return report.error(msg, index, "Name" if "Name" in item else None)
    msg = "Enabled should be true or false"
    return report.error(msg, index, "Enabled" if "Enabled" in item else None)


def _vm_id(report: Reporter, index: int, raw: object, component_id: ComponentId | None) -> str:
    """``VMId`` upper case, checked as a GUID and against the VM id in ``Id``."""
    if not isinstance(raw, str) or ANY_CASE_GUID.fullmatch(raw) is None:
        msg = "VMId should be a GUID"
        raise report.error(msg, index, "VMId")
    vm_id = raw.upper()
    if component_id is not None and component_id.vm_id != vm_id:
        msg = "Id names another VM than VMId"
        raise report.error(msg, index, "Id")
    return vm_id


# --- table -----------------------------------------------------------------------------------


def _table_status(
    source: str, table: Table, row: tuple[int, str], column: int | None, cells: list[str]
) -> tuple[bool, OperationalStatus | None]:
    """``(present, status)`` from an operational-status column, if the table has one."""
    if column is None:
        return False, None
    cell = cells[column]
    if not cell:
        return True, None
    try:
        return True, enum_member(cell, _STATUS_BY_CODE, _STATUS_BY_NAME)
    except LookupError:
        if cell.endswith(ELLIPSES):
            return True, None
        raise error_at(
            f"{cell!r} is not an operational status", source, table.cell_offset(row, column)
        ) from None


class _Columns:
    """Where a table keeps each property vmic reads (None: not shown)."""

    __slots__ = (
        "enabled",
        "id",
        "name",
        "primary",
        "primary_text",
        "secondary",
        "secondary_text",
        "vm_id",
        "vm_name",
    )

    def __init__(self, source: str, table: Table) -> None:
        name = table.column("Name")
        enabled = table.column("Enabled")
        if name is None or enabled is None:
            missing = "Name" if name is None else "Enabled"
            raise error_at(f"the table has no {missing} column", source, table.offset)
        self.name: int = name
        self.enabled: int = enabled
        self.vm_name = table.column("VMName")
        self.vm_id = table.column("VMId")
        self.id = table.column("Id")
        self.primary_text = table.column("PrimaryStatusDescription")
        self.secondary_text = table.column("SecondaryStatusDescription")
        self.primary = table.column("PrimaryOperationalStatus")
        self.secondary = table.column("SecondaryOperationalStatus")


def _table_ids(
    source: str, table: Table, columns: _Columns, row: tuple[int, str], cells: list[str]
) -> tuple[str | None, ComponentId | None]:
    """The row's ``VMId`` and ``Id``, when the table shows them."""
    component_id: ComponentId | None = None
    if columns.id is not None and cells[columns.id]:
        component_id = match_component_id(cells[columns.id])
        if component_id is None:
            msg = "Id should be 'Microsoft:<VMID>\\<GUID>'"
            raise error_at(msg, source, table.cell_offset(row, columns.id))
    vm_id: str | None = None
    if columns.vm_id is not None and cells[columns.vm_id]:
        if ANY_CASE_GUID.fullmatch(cells[columns.vm_id]) is None:
            msg = "VMId should be a GUID"
            raise error_at(msg, source, table.cell_offset(row, columns.vm_id))
        vm_id = cells[columns.vm_id].upper()
        if component_id is not None and columns.id is not None and component_id.vm_id != vm_id:
            msg = "Id names another VM than VMId"
            raise error_at(msg, source, table.cell_offset(row, columns.id))
    return vm_id, component_id


def _table_row(
    source: str, table: Table, columns: _Columns, row: tuple[int, str]
) -> IntegrationComponentRecord:
    cells = table.cells(row[1])
    name = cells[columns.name]
    enabled = _BOOLEANS.get(cells[columns.enabled].casefold())
    if enabled is None:
        raise error_at(
            f"Enabled should be True or False, not {cells[columns.enabled]!r}",
            source,
            table.cell_offset(row, columns.enabled),
        )
    primary_text = "" if columns.primary_text is None else cells[columns.primary_text]
    secondary_text = "" if columns.secondary_text is None else cells[columns.secondary_text]
    has_primary, primary = _table_status(source, table, row, columns.primary, cells)
    has_secondary, secondary = _table_status(source, table, row, columns.secondary, cells)
    vm_id, component_id = _table_ids(source, table, columns, row, cells)
    return IntegrationComponentRecord(
        vm_name="" if columns.vm_name is None else cells[columns.vm_name],
        vm_id=vm_id,
        name=name,
        enabled=enabled,
        primary_status=primary if has_primary else status_for_description(primary_text),
        primary_status_description=primary_text,
        secondary_status=secondary if has_secondary else status_for_description(secondary_text),
        secondary_status_description=secondary_text,
        component_id=component_id,
        service=component_id.service if component_id is not None else service_for_name(name),
    )


def _from_table(source: str) -> tuple[IntegrationComponentRecord, ...]:
    tables = read_tables(source)
    if not tables:
        msg = (
            "expected a Get-VMIntegrationService table (a header line underlined with dashes) "
            "or JSON"
        )
        raise error_at(msg, source, len(source) - len(source.lstrip()))
    records: list[IntegrationComponentRecord] = []
    for table in tables:
        columns = _Columns(source, table)
        records.extend(_table_row(source, table, columns, row) for row in table.rows)
    return tuple(records)


# --- formatting ------------------------------------------------------------------------------


def _shown(record: IntegrationComponentRecord, locale: str | None) -> tuple[str, str, str]:
    """Name and descriptions as a host in ``locale`` shows them (None: as recorded)."""
    if locale is None:
        return record.name, record.primary_status_description, record.secondary_status_description
    service: IntegrationService | None = record.service
    name = integration_service_name(service, locale) if service is not None else record.name
    primary = record.primary_status
    secondary = record.secondary_status
    return (
        name,
        status_description(primary, locale)
        if primary is not None
        else record.primary_status_description,
        status_description(secondary, locale)
        if secondary is not None
        else record.secondary_status_description,
    )


def _json_status(status: OperationalStatus | None, *, names: bool) -> object:
    if status is None:
        return None
    return status.dotnet_name if names else status.code


def _json_object(
    record: IntegrationComponentRecord, locale: str | None, *, names: bool
) -> dict[str, object]:
    name, primary_text, secondary_text = _shown(record, locale)
    statuses = [s for s in (record.primary_status, record.secondary_status) if s is not None]
    descriptions = [primary_text, secondary_text] if secondary_text else [primary_text]
    return {
        "Enabled": record.enabled,
        "OperationalStatus": [_json_status(s, names=names) for s in statuses],
        "PrimaryOperationalStatus": _json_status(record.primary_status, names=names),
        "PrimaryStatusDescription": primary_text or None,
        "SecondaryOperationalStatus": _json_status(record.secondary_status, names=names),
        "SecondaryStatusDescription": secondary_text or None,
        "StatusDescription": descriptions if primary_text or secondary_text else [],
        "Name": name,
        "Id": None if record.component_id is None else str(record.component_id),
        "VMId": None if record.vm_id is None else record.vm_id.lower(),
        "VMName": record.vm_name,
        "VMSnapshotId": _ZERO_GUID,
        "VMSnapshotName": "",
        "IsDeleted": False,
    }


def format_vm_integration_services(
    records: Iterable[IntegrationComponentRecord],
    *,
    form: Form = "table",
    powershell: PowerShellVersion = "5.1",
    locale: str | None = "en-US",
    enums_as_strings: bool = False,
    newline: str = "\r\n",
) -> str:
    """Render records as ``Get-VMIntegrationService`` output; the inverse of the parser.

    Args:
        records: The components, in output order.
        form: ``"table"``: the default view, sized to its contents as PowerShell does for
            a view without declared widths. ``"json"``: ``| ConvertTo-Json`` (one object for
            one record, an array otherwise; the snapshot fields are those of a live VM;
            ``CimSession`` and ``ComputerName`` are left out).
        powershell: Whose ``ConvertTo-Json`` layout to write: ``"5.1"`` or ``"7"``.
        locale: The host's display language: known services and statuses are named in
            it (:mod:`vmic.model._locales`); None writes each record's text as recorded.
        enums_as_strings: Write statuses by name (PowerShell 7 ``-EnumsAsStrings``).
        newline: Line break to write.

    Raises:
        ConfigurationError: An unknown form, PowerShell version or locale, or
            ``enums_as_strings`` with 5.1.
    """
    check_options(form, powershell, enums_as_strings=enums_as_strings)
    if locale is not None:
        check_locale(locale)
    items = list(records)
    if form == "json":
        if not items:
            return ""
        objects = [_json_object(r, locale, names=enums_as_strings) for r in items]
        return dumps(
            objects[0] if len(objects) == 1 else objects, powershell=powershell, newline=newline
        )
    rows = []
    for record in items:
        name, primary_text, secondary_text = _shown(record, locale)
        rows.append((record.vm_name, name, str(record.enabled), primary_text, secondary_text))
    return render_table(_TABLE_COLUMNS, rows, ellipsis=ellipsis_for(powershell), newline=newline)
