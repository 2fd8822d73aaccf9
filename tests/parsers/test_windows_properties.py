"""Properties of the Windows parsers: any input gives a result or a ParseError; round trips."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, strategies as st

from tests._windows_records import cell_texts, table_guest_services
from vmic import ParseError
from vmic.model._records import (
    REGISTRY_TYPES,
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    RegistryValue,
    VirtualMachineRecord,
)
from vmic.parsers._component_id import parse_component_id
from vmic.parsers._integration_services import (
    format_vm_integration_services,
    parse_vm_integration_services,
)
from vmic.parsers._registry import (
    format_reg_query,
    parse_integration_services_version,
    parse_reg_query,
)
from vmic.parsers._services import VIEW_WIDTHS, format_get_service, parse_get_service
from vmic.parsers._vms import format_get_vm, parse_get_vm
from vmic.strategies import (
    component_ids,
    guest_service_records,
    integration_component_records,
    registry_values,
    virtual_machine_records,
)

if TYPE_CHECKING:
    from collections.abc import Callable

PARSERS: list[Callable[[Any], object]] = [
    parse_reg_query,
    parse_integration_services_version,
    parse_vm_integration_services,
    parse_get_service,
    parse_get_vm,
    parse_component_id,
]


def result_or_parse_error(text: str | bytes) -> None:
    """Every parser returns, or raises a ParseError that renders; nothing else escapes."""
    for parse in PARSERS:
        error: ParseError | None = None
        try:
            parse(text)
        except ParseError as caught:
            error = caught
        if error is not None:
            assert isinstance(error, ValueError)
            assert error.line >= 0
            assert error.column >= 0
            assert str(error).startswith(error.message)


# --- hostile input ------------------------------------------------------------------------------


@given(st.text())
def test_any_text(text: str) -> None:
    result_or_parse_error(text)


@given(st.binary())
def test_any_bytes(data: bytes) -> None:
    result_or_parse_error(data)
    result_or_parse_error(b"\xef\xbb\xbf" + data)
    result_or_parse_error(b"\xff\xfe" + data)


LABELS = [
    "VMName",
    "Name",
    "Enabled",
    "PrimaryStatusDescription",
    "SecondaryStatusDescription",
    "PrimaryOperationalStatus",
    "Id",
    "VMId",
    "Status",
    "DisplayName",
    "StartType",
    "State",
    "IntegrationServicesVersion",
    "IntegrationServicesState",
]
# Cell text with everything a hostile paste may hold: NULs, lone surrogates, wide
# characters, ellipses, quotes, values the parsers know.
HOSTILE_CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "True",
            "False",
            "OK",
            "Running",
            "StartPe\u2026",
            "Pa...",
            "Up to date",
            "10.0.17763.1",
            "99999999999.1",
            "Microsoft:7CCA7664-91D0-40A9-9769-7809F256F603\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
            "7cca7664-91d0-40a9-9769-7809f256f603",
            "键值对交换",
            "\x00",
            "\ud800",
            '"',
            "...",
        ]
    ),
)


@st.composite
def hostile_tables(draw: st.DrawFn) -> str:
    labels = draw(st.lists(st.sampled_from(LABELS) | st.text(min_size=1, max_size=8), min_size=1))
    widths = [draw(st.integers(1, 40) | st.just(10_000)) for _ in labels]
    header = " ".join(label.ljust(width) for label, width in zip(labels, widths, strict=True))
    dashes = " ".join(
        ("-" * draw(st.integers(1, len(label) + 3))).ljust(width)
        for label, width in zip(labels, widths, strict=True)
    )
    rows = [
        " ".join(draw(HOSTILE_CELLS).ljust(width) for width in widths)
        for _ in range(draw(st.integers(0, 4)))
    ]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    prefix = draw(st.sampled_from(["", "\ufeff", "\n\n", "PS C:\\> Get-VM\n"]))
    return prefix + newline.join([header, dashes, *rows]) + newline


@given(hostile_tables())
def test_hostile_tables(text: str) -> None:
    result_or_parse_error(text)


KEYS = [
    "VMName",
    "Name",
    "Enabled",
    "Id",
    "VMId",
    "OperationalStatus",
    "PrimaryOperationalStatus",
    "SecondaryOperationalStatus",
    "PrimaryStatusDescription",
    "SecondaryStatusDescription",
    "StatusDescription",
    "Status",
    "StartType",
    "DisplayName",
    "ServiceName",
    "State",
    "IntegrationServicesVersion",
    "IntegrationServicesState",
    "Major",
    "Minor",
    "Build",
    "Revision",
    "value",
    "Count",
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | HOSTILE_CELLS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_hostile_json_documents(value: object) -> None:
    result_or_parse_error(json.dumps(value))
    result_or_parse_error(json.dumps(value, indent=4))


@given(
    st.integers(1, 200_000),
    st.sampled_from(["[", '{"a":', '[{"Name":', '{"value":[']),
    st.sampled_from(["", "]", "}", '"', "1"]),
)
def test_deeply_nested_json(depth: int, opener: str, tail: str) -> None:
    result_or_parse_error(opener * depth + tail)


@given(
    st.sampled_from(['{"Name": "a', '["', '{"a": "\\', '{"Enabled": tru', "[1e99999]", "[-]"]),
    st.text(max_size=10),
)
def test_unbalanced_json(start: str, rest: str) -> None:
    result_or_parse_error(start + rest)


REG_WORDS = st.sampled_from(
    [
        "HKLM\\Software",
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto",
        "hkcu",
        "IntegrationServicesVersion",
        "ERROR:",
        "End of search:",
        "C:\\>",
        "reg query",
        "(Default)",
        *sorted(REGISTRY_TYPES),
    ]
) | st.text(max_size=12)


@given(st.lists(st.lists(REG_WORDS, max_size=5), max_size=8), st.sampled_from([" ", "    ", "\t"]))
def test_hostile_reg_query(lines: list[list[str]], separator: str) -> None:
    result_or_parse_error("\r\n".join(separator.join(words) for words in lines))
    result_or_parse_error("\n".join("    " + separator.join(words) for words in lines))


@given(st.text(alphabet="Microsoft:0123456789ABCDEFabcdef-\\{} ", max_size=90))
def test_hostile_component_ids(text: str) -> None:
    result_or_parse_error(text)
    result_or_parse_error("Microsoft:" + text)


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
@pytest.mark.parametrize("powershell", ["5.1", "7"])
@given(data=st.data())
def test_component_table_round_trip(locale: str, powershell: Any, data: st.DataObject) -> None:
    records = data.draw(
        st.lists(integration_component_records(form="table", locale=locale), max_size=8)
    )
    newline = data.draw(st.sampled_from(["\r\n", "\n"]))
    rendered = format_vm_integration_services(
        records, locale=locale, powershell=powershell, newline=newline
    )
    assert list(parse_vm_integration_services(rendered)) == records


@pytest.mark.parametrize("locale", [None, "en-US", "de-DE"])
@pytest.mark.parametrize(("powershell", "names"), [("5.1", False), ("7", False), ("7", True)])
@given(data=st.data())
def test_component_json_round_trip(
    locale: str | None, powershell: Any, names: bool, data: st.DataObject
) -> None:
    records = data.draw(st.lists(integration_component_records(locale=locale), max_size=6))
    rendered = format_vm_integration_services(
        records, form="json", locale=locale, powershell=powershell, enums_as_strings=names
    )
    assert list(parse_vm_integration_services(rendered)) == records


@pytest.mark.parametrize(("powershell", "names"), [("5.1", False), ("7", False), ("7", True)])
@given(records=st.lists(guest_service_records(), max_size=6))
def test_get_service_json_round_trip(
    powershell: Any, names: bool, records: list[GuestServiceRecord]
) -> None:
    rendered = format_get_service(
        records, form="json", powershell=powershell, enums_as_strings=names
    )
    assert list(parse_get_service(rendered)) == records


@pytest.mark.parametrize("powershell", ["5.1", "7"])
@given(records=st.lists(guest_service_records(form="table"), max_size=8))
def test_get_service_autosize_table_round_trip(
    powershell: Any, records: list[GuestServiceRecord]
) -> None:
    rendered = format_get_service(records, powershell=powershell, autosize=True)
    assert list(parse_get_service(rendered)) == records


@pytest.mark.parametrize(("powershell", "ellipsis"), [("5.1", "..."), ("7", "\u2026")])
@given(data=st.data())
def test_get_service_default_view_round_trip(
    powershell: Any, ellipsis: str, data: st.DataObject
) -> None:
    # Records whose cells fit the view's widths come back whole ...
    fitting = data.draw(
        st.lists(
            table_guest_services(
                name_width=VIEW_WIDTHS[1], display_width=VIEW_WIDTHS[2], ellipsis=ellipsis
            ),
            max_size=8,
        )
    )
    assert list(parse_get_service(format_get_service(fitting, powershell=powershell))) == fitting
    # ... and any text the view shows reads back to records that show the same text.
    anything = data.draw(st.lists(guest_service_records(form="table"), max_size=8))
    shown = format_get_service(anything, powershell=powershell)
    assert format_get_service(parse_get_service(shown), powershell=powershell) == shown


@pytest.mark.parametrize("form", ["table", "json"])
@pytest.mark.parametrize(("powershell", "names"), [("5.1", False), ("7", True)])
@given(data=st.data())
def test_get_vm_round_trip(form: Any, powershell: Any, names: bool, data: st.DataObject) -> None:
    records: list[VirtualMachineRecord] = data.draw(
        st.lists(virtual_machine_records(form=form), max_size=8)
    )
    rendered = format_get_vm(records, form=form, powershell=powershell, enums_as_strings=names)
    assert list(parse_get_vm(rendered)) == records


@given(st.lists(registry_values(), max_size=8), st.sampled_from(["\r\n", "\n"]))
def test_reg_query_round_trip(values: list[RegistryValue], newline: str) -> None:
    assert list(parse_reg_query(format_reg_query(values, newline=newline))) == values


@given(component_ids())
def test_component_id_round_trip(cid: ComponentId) -> None:
    assert parse_component_id(str(cid)) == cid


@given(
    st.lists(integration_component_records(form="table", locale="en-US"), min_size=1, max_size=4),
    cell_texts(max_size=6),
)
def test_tables_survive_a_prompt_line_before_them(
    records: list[IntegrationComponentRecord], prompt: str
) -> None:
    rendered = format_vm_integration_services(records)
    pasted = f"PS C:\\> {prompt}" + rendered
    assert list(parse_vm_integration_services(pasted)) == records
