"""Read and write the KVP pool files of a Linux guest (``/var/lib/hyperv/.kvp_pool_N``).

``hv_kvp_daemon`` keeps each pool as a plain sequence of fixed-size records, with
no header: a 512-byte key field followed by a 2048-byte value field, each holding
NUL-terminated UTF-8. The daemon copies only the string and its NUL into a
record, so bytes after the NUL may be left over from earlier contents; they are
ignored here, and :func:`format_kvp_pool` writes NULs there.

>>> from vmic.model._linux_records import KvpRecord
>>> data = format_kvp_pool([KvpRecord("HostName", "hv-host-01")])
>>> len(data)
2560
>>> parse_kvp_pool(data)
(<KvpRecord 'HostName' = 'hv-host-01'>,)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.errors import KvpPoolError
from vmic.model._linux_records import KVP_KEY_SIZE, KVP_RECORD_SIZE, KVP_VALUE_SIZE, KvpRecord

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["format_kvp_pool", "parse_kvp_pool"]

_NUL: Final = b"\x00"


def parse_kvp_pool(data: bytes | bytearray | memoryview) -> tuple[KvpRecord, ...]:
    """Read the records of a pool file, in file order.

    Format: ``{ KEY[512] VALUE[2048] }``, each field UTF-8 text ended by a NUL
    inside the field; what follows the NUL is ignored. An empty file holds no
    records.

    Raises:
        KvpPoolError: The file does not end on a record boundary (it was truncated),
            a field has no NUL, or a field is not UTF-8. The message names the
            record (counted from 0) and ``offset`` is the byte where the problem is.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise KvpPoolError(f"expected bytes, got {type(data).__name__}", offset=0)
    view = bytes(data)
    whole, tail = divmod(len(view), KVP_RECORD_SIZE)
    records = [_record(view, index) for index in range(whole)]
    if tail:
        start = whole * KVP_RECORD_SIZE
        missing = KVP_RECORD_SIZE - tail
        raise KvpPoolError(
            f"record {whole} is truncated: the file ends {_bytes(tail)} into it, "
            f"{_bytes(missing)} short of a whole {KVP_RECORD_SIZE}-byte record",
            offset=start,
        )
    return tuple(records)


def _bytes(count: int) -> str:
    return f"{count} byte" if count == 1 else f"{count} bytes"


def _record(view: bytes, index: int) -> KvpRecord:
    start = index * KVP_RECORD_SIZE
    key = _field(view, index, start, KVP_KEY_SIZE, "key")
    value = _field(view, index, start + KVP_KEY_SIZE, KVP_VALUE_SIZE, "value")
    return KvpRecord(key, value)


def _field(view: bytes, index: int, start: int, size: int, name: str) -> str:
    end = view.find(_NUL, start, start + size)
    if end < 0:
        raise KvpPoolError(
            f"record {index}: the {size}-byte {name} field has no NUL terminator",
            offset=start,
        )
    try:
        return view[start:end].decode("utf-8")
    except UnicodeDecodeError as error:
        raise KvpPoolError(
            f"record {index}: the {name} is not valid UTF-8 "
            f"(byte 0x{view[start + error.start]:02x})",
            offset=start + error.start,
        ) from None


def format_kvp_pool(records: Iterable[KvpRecord]) -> bytes:
    """Write records as a pool file: each field UTF-8, NUL-terminated and NUL-padded."""
    parts: list[bytes] = []
    for record in records:
        parts.append(record.key.encode("utf-8").ljust(KVP_KEY_SIZE, _NUL))
        parts.append(record.value.encode("utf-8").ljust(KVP_VALUE_SIZE, _NUL))
    return b"".join(parts)
