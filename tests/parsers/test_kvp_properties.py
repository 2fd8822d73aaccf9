"""Properties of the KVP pool format: any bytes give records or a KvpPoolError; round trips."""

from __future__ import annotations

from hypothesis import given, strategies as st

from vmic.errors import KvpPoolError
from vmic.model._linux_records import KVP_KEY_SIZE, KVP_RECORD_SIZE, KVP_VALUE_SIZE, KvpRecord
from vmic.parsers._kvp import format_kvp_pool, parse_kvp_pool
from vmic.strategies import kvp_records

RECORDS = kvp_records()


def _outcome(data: bytes) -> tuple[tuple[KvpRecord, ...], KvpPoolError | None]:
    try:
        return parse_kvp_pool(data), None
    except KvpPoolError as error:
        return (), error


def _check(data: bytes) -> None:
    records, error = _outcome(data)
    if error is None:
        assert len(records) * KVP_RECORD_SIZE == len(data)
    else:
        assert 0 <= error.offset <= len(data)
        assert str(error).startswith("record ")
        assert str(error).endswith(f"(at byte offset {error.offset})")


@given(data=st.binary(max_size=3 * KVP_RECORD_SIZE))
def test_any_bytes_give_records_or_a_pool_error(data: bytes) -> None:
    _check(data)


@given(records=st.lists(RECORDS, max_size=4))
def test_round_trip(records: list[KvpRecord]) -> None:
    data = format_kvp_pool(records)
    assert len(data) == len(records) * KVP_RECORD_SIZE
    assert parse_kvp_pool(data) == tuple(records)


@st.composite
def pools_with_leftovers(draw: st.DrawFn) -> tuple[list[KvpRecord], bytes]:
    """Pools as the daemon can leave them: arbitrary bytes after each terminating NUL."""
    records = draw(st.lists(RECORDS, max_size=3))
    parts = []
    for record in records:
        for text, size in ((record.key, KVP_KEY_SIZE), (record.value, KVP_VALUE_SIZE)):
            encoded = text.encode("utf-8") + b"\x00"
            parts.append(
                encoded
                + draw(st.binary(min_size=size - len(encoded), max_size=size - len(encoded)))
            )
    return records, b"".join(parts)


@given(pool=pools_with_leftovers())
def test_bytes_after_the_nul_are_ignored(pool: tuple[list[KvpRecord], bytes]) -> None:
    records, data = pool
    assert parse_kvp_pool(data) == tuple(records)


@given(records=st.lists(RECORDS, min_size=1, max_size=3), data=st.data())
def test_corrupted_pools_are_reported(records: list[KvpRecord], data: st.DataObject) -> None:
    pool = bytearray(format_kvp_pool(records))
    cut = data.draw(st.integers(0, len(pool)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(pool) - 1), st.integers(0, 255))))
    for index, byte in flips:
        pool[index] = byte
    damaged = bytes(pool[:cut])
    _check(damaged)
    if cut % KVP_RECORD_SIZE:
        _, error = _outcome(damaged)
        assert error is not None, "a truncated pool was accepted"
        assert error.offset <= (cut // KVP_RECORD_SIZE) * KVP_RECORD_SIZE
