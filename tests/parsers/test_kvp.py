"""KVP pool files: the golden pool, error reports and the record limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmic.errors import KvpPoolError, ParseError, VmicError
from vmic.model._linux_records import (
    KVP_KEY_SIZE,
    KVP_RECORD_SIZE,
    KVP_VALUE_SIZE,
    InvalidRecordError,
    KvpPool,
    KvpRecord,
)
from vmic.parsers._kvp import format_kvp_pool, parse_kvp_pool

POOL_3 = Path(__file__).parents[1] / "data" / "kvp_pool" / "kvp_pool_3.bin"

EXPECTED_POOL_3 = (
    KvpRecord("HostName", "HV-HOST-01"),
    KvpRecord("PhysicalHostName", "HV-HOST-01"),
    KvpRecord("PhysicalHostNameFullyQualified", "hv-host-01.contoso.com"),
    KvpRecord("VirtualMachineName", "D\u00e9mo VM \u6d4b\u8bd5"),
    KvpRecord("HostSystemOSMajor", "10"),
    KvpRecord("HostSystemOSMinor", "0"),
)


def record_bytes(key: bytes, value: bytes) -> bytes:
    """One record written field by field, independently of format_kvp_pool."""
    return key + bytes(KVP_KEY_SIZE - len(key)) + value + bytes(KVP_VALUE_SIZE - len(value))


def test_sizes() -> None:
    assert (KVP_KEY_SIZE, KVP_VALUE_SIZE, KVP_RECORD_SIZE) == (512, 2048, 2560)


def test_golden_pool_3() -> None:
    data = POOL_3.read_bytes()
    assert len(data) == 6 * KVP_RECORD_SIZE
    assert parse_kvp_pool(data) == EXPECTED_POOL_3


def test_formatter_writes_the_golden_pool_without_its_leftovers() -> None:
    data = bytearray(POOL_3.read_bytes())
    # Record 4 holds stale bytes after both NULs; a fresh file has NULs there.
    key_start = 4 * KVP_RECORD_SIZE
    value_start = key_start + KVP_KEY_SIZE
    for start, size in ((key_start, KVP_KEY_SIZE), (value_start, KVP_VALUE_SIZE)):
        end = data.index(0, start)
        assert any(data[end + 1 : start + size])
        data[end : start + size] = bytes(start + size - end)
    assert format_kvp_pool(EXPECTED_POOL_3) == bytes(data)


def test_record_layout_is_key_then_value() -> None:
    data = format_kvp_pool([KvpRecord("k\u00e9y", "v")])
    assert data[:5] == b"k\xc3\xa9y\x00"
    assert data[5:KVP_KEY_SIZE] == bytes(KVP_KEY_SIZE - 5)
    assert data[KVP_KEY_SIZE : KVP_KEY_SIZE + 2] == b"v\x00"
    assert len(data) == KVP_RECORD_SIZE


def test_empty_pool() -> None:
    assert parse_kvp_pool(b"") == ()
    assert format_kvp_pool([]) == b""


def test_bytearray_and_memoryview() -> None:
    data = record_bytes(b"a", b"b")
    expected = (KvpRecord("a", "b"),)
    assert parse_kvp_pool(bytearray(data)) == expected
    assert parse_kvp_pool(memoryview(data)) == expected


def test_truncated_file() -> None:
    data = POOL_3.read_bytes()[:-1]
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(data)
    assert str(excinfo.value) == (
        "record 5 is truncated: the file ends 2559 bytes into it, 1 byte short of a whole "
        "2560-byte record (at byte offset 12800)"
    )
    assert excinfo.value.offset == 5 * KVP_RECORD_SIZE


def test_file_shorter_than_one_record() -> None:
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(b"HostName\x00")
    assert excinfo.value.offset == 0
    assert "record 0 is truncated: the file ends 9 bytes into it, 2551 bytes short" in str(
        excinfo.value
    )


def test_key_without_nul() -> None:
    data = record_bytes(b"a", b"b") + b"K" * KVP_KEY_SIZE + bytes(KVP_VALUE_SIZE)
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(data)
    assert str(excinfo.value) == (
        "record 1: the 512-byte key field has no NUL terminator (at byte offset 2560)"
    )
    assert excinfo.value.offset == KVP_RECORD_SIZE


def test_value_without_nul() -> None:
    data = record_bytes(b"a", b"b") * 2 + b"key\x00".ljust(KVP_KEY_SIZE, b"x") + b"V" * 2048
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(data)
    assert str(excinfo.value) == (
        "record 2: the 2048-byte value field has no NUL terminator (at byte offset 5632)"
    )
    assert excinfo.value.offset == 2 * KVP_RECORD_SIZE + KVP_KEY_SIZE


def test_invalid_utf8_is_located_to_the_byte() -> None:
    data = record_bytes(b"a", b"b") + record_bytes(b"Name", b"ok \xc3\x28 no")
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(data)
    assert str(excinfo.value) == (
        "record 1: the value is not valid UTF-8 (byte 0xc3) (at byte offset 3075)"
    )
    assert excinfo.value.offset == KVP_RECORD_SIZE + KVP_KEY_SIZE + 3


def test_the_first_problem_in_file_order_is_reported() -> None:
    data = b"K" * KVP_KEY_SIZE + bytes(KVP_VALUE_SIZE) + b"tail"
    with pytest.raises(KvpPoolError, match="record 0: the 512-byte key field"):
        parse_kvp_pool(data)


def test_errors_are_parse_errors_without_a_line() -> None:
    with pytest.raises(KvpPoolError) as excinfo:
        parse_kvp_pool(b"x")
    error = excinfo.value
    assert isinstance(error, ParseError)
    assert isinstance(error, ValueError)
    assert isinstance(error, VmicError)
    assert (error.line, error.column) == (0, 0)


def test_not_bytes() -> None:
    with pytest.raises(KvpPoolError, match="expected bytes, got str"):
        parse_kvp_pool("HostName")  # type: ignore[arg-type]


def test_empty_key_and_value_are_allowed() -> None:
    data = bytes(KVP_RECORD_SIZE)
    assert parse_kvp_pool(data) == (KvpRecord("", ""),)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("k" * 511, ""),
        ("\u00e9" * 255 + "k", ""),
        ("", "v" * 2047),
        ("", "\U0001f600" * 511 + "abc"),
    ],
)
def test_largest_records_fit(key: str, value: str) -> None:
    record = KvpRecord(key, value)
    assert parse_kvp_pool(format_kvp_pool([record])) == (record,)


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("k" * 512, "", "is 512 bytes in UTF-8; at most 511 fit with the NUL"),
        ("\u00e9" * 256, "", "is 512 bytes in UTF-8; at most 511 fit with the NUL"),
        ("", "v" * 2048, "is 2048 bytes in UTF-8; at most 2047 fit with the NUL"),
        ("a\x00b", "", "must not contain NUL"),
        ("", "\ud800", "cannot be encoded as UTF-8"),
    ],
)
def test_records_that_cannot_be_written(key: str, value: str, reason: str) -> None:
    with pytest.raises(InvalidRecordError) as excinfo:
        KvpRecord(key, value)
    assert reason in str(excinfo.value)
    assert isinstance(excinfo.value, VmicError)
    assert isinstance(excinfo.value, ValueError)


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(InvalidRecordError) as excinfo:
        KvpRecord("k" * 600, "")
    assert len(str(excinfo.value)) < 200
    assert excinfo.value.field == "key"
    assert excinfo.value.value == "k" * 600


def test_pools() -> None:
    assert [pool.value for pool in KvpPool] == [0, 1, 2, 3, 4]
    assert [pool.file_name for pool in KvpPool] == [f".kvp_pool_{n}" for n in range(5)]
    assert KvpPool.AUTO_EXTERNAL.path == "/var/lib/hyperv/.kvp_pool_3"
    assert [pool.registry_key for pool in KvpPool] == [
        "External",
        "Guest",
        "Auto",
        "Guest\\Parameters",
        None,
    ]
    assert KvpPool(1) is KvpPool.GUEST
    assert repr(KvpPool.AUTO) == "KvpPool.AUTO"
