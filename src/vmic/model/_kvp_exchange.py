r"""Key-Value Pair Exchange (Data Exchange) items, both ways, and the limits they obey.

Hyper-V's Data Exchange integration service moves string pairs between a host and a
guest over the VMBus, without a network. Four sets exist
(Microsoft, "Data Exchange: Using key-value pairs to share information between the host
and guest on Hyper-V", ``WindowsServerDocs/virtualization/hyper-v/
integration-services-data-exchange.md`` @2acf4bb, ms.date 10/27/2025):

================  =====================================  ==============  ==================
Set               Who writes it                          Windows guest   Linux guest pool
================  =====================================  ==============  ==================
external          a user on the host (``AddKvpItems``)   ``External``    0
guest             the guest                              ``Guest``       1
intrinsic (auto)  the guest's integration services       ``Auto``        2
parameters        the host, describing itself            ``Guest\\Parameters``  3
================  =====================================  ==============  ==================

The host sees the guest's items through ``Msvm_KvpExchangeComponent``
(``GuestIntrinsicExchangeItems``, ``GuestExchangeItems``) and its own through
``Msvm_KvpExchangeComponentSettingData.HostExchangeItems`` (the same article). Linux keeps a
fifth pool, 4 (``KVP_POOL_AUTO_INTERNAL`` in the kernel's ``include/uapi/linux/hyperv.h``),
which Microsoft does not describe.

**Limits.** The host side works in UTF-16: the kernel's ``hv_kvp.c`` converts the guest's
UTF-8 to UTF-16 and sets ``key_size = 2*(keylen + 1)``, i.e. bytes of UTF-16 *including* the
terminating NUL, against ``HV_KVP_EXCHANGE_MAX_KEY_SIZE (512)`` and
``HV_KVP_EXCHANGE_MAX_VALUE_SIZE (2048)`` ("bytes, including any null terminators",
``include/uapi/linux/hyperv.h``). So a key holds at most 255 UTF-16 code units and a
value at most 1023. A Linux guest's pool file stores the same strings as NUL-terminated
UTF-8 in 512- and 2048-byte fields (``struct kvp_record`` in ``tools/hv/hv_kvp_daemon.c``),
so an item must also fit there in UTF-8 to arrive whole; vmic refuses anything that does
not fit both, and any NUL (it ends the string on both sides).

>>> check_item("role", "web")
('role', 'web')
>>> try:
...     check_item("k" * 300, "v")
... except KvpItemError as error:
...     print(error)
a KVP key is 602 bytes in UTF-16 with its NUL; Hyper-V stores at most 512 (255 UTF-16 code units)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.errors import KvpItemError
from vmic.model._linux_records import KVP_KEY_SIZE, KVP_VALUE_SIZE, KvpPool
from vmic.model._named import counted, named

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "MAX_KEY_BYTES",
    "MAX_VALUE_BYTES",
    "GuestKvpItems",
    "KvpExchange",
    "check_item",
    "check_key",
]

#: Bytes of UTF-16 a key may take on the host, its terminating NUL included.
MAX_KEY_BYTES: Final = KVP_KEY_SIZE
#: Bytes of UTF-16 a value may take on the host, its terminating NUL included.
MAX_VALUE_BYTES: Final = KVP_VALUE_SIZE


def _check_text(field: str, text: object, limit: int) -> str:
    if not isinstance(text, str):
        raise KvpItemError(field, f"must be a string, not {type(text).__name__}")
    if field == "key" and not text:
        raise KvpItemError(field, "must not be empty")
    if "\x00" in text:
        raise KvpItemError(field, "must not contain NUL, which ends the string on both sides")
    try:
        utf16 = len(text.encode("utf-16-le")) + 2
        utf8 = len(text.encode("utf-8")) + 1
    except UnicodeEncodeError:
        raise KvpItemError(field, "holds a lone surrogate, which cannot be encoded") from None
    if utf16 > limit:
        raise KvpItemError(
            field,
            f"is {utf16} bytes in UTF-16 with its NUL; Hyper-V stores at most {limit} "
            f"({limit // 2 - 1} UTF-16 code units)",
        )
    if utf8 > limit:
        raise KvpItemError(
            field,
            f"is {utf8} bytes in UTF-8 with its NUL; a Linux guest's pool file holds at "
            f"most {limit}",
        )
    return text


def check_key(key: object) -> str:
    """*key*, if Hyper-V and every guest can store it.

    Raises:
        KvpItemError: Not a string, empty, holds NUL, or too long (see the module's limits).
    """
    return _check_text("key", key, MAX_KEY_BYTES)


def check_item(key: object, value: object) -> tuple[str, str]:
    """``(key, value)``, if Hyper-V and every guest can store them.

    Raises:
        KvpItemError: Either is not a string, holds NUL or is too long; the key is empty.
    """
    return check_key(key), _check_text("value", value, MAX_VALUE_BYTES)


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    pairs = value.items() if hasattr(value, "items") else value
    return tuple(sorted((str(k), str(v)) for k, v in pairs))


@attrs.frozen(kw_only=True)
class KvpExchange:
    """A VM's KVP items as the host sees them (:meth:`vmic.HyperVHost.kvp_items`).

    Attributes:
        vm: The VM's name.
        enabled: Whether Key-Value Pair Exchange is enabled in the VM's settings.
        intrinsic: The guest's intrinsic items (``GuestIntrinsicExchangeItems``: ``OSName``,
            ``NetworkAddressIPv4``...), guest → host.
        guest: The items the guest published (``GuestExchangeItems``), guest → host.
        host: The items the host sent (``HostExchangeItems``), host → guest.
        method: After a change, the WMI method the host called (``AddKvpItems``,
            ``ModifyKvpItems``, ``RemoveKvpItems``), or ``"none"`` when nothing was to
            be done (removing a key that is not there); None after a read.
    """

    vm: str = attrs.field(validator=attrs.validators.instance_of(str))
    enabled: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    intrinsic: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    guest: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    host: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    method: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )

    def __repr__(self) -> str:
        items = len(self.intrinsic) + len(self.guest) + len(self.host)
        state = "" if self.enabled else ", Data Exchange disabled"
        done = "" if self.method is None else f", {self.method}"
        return f"<KvpExchange {named(self.vm)}: {counted(items, 'item')}{state}{done}>"

    @property
    def changed(self) -> bool:
        """Whether the change this result reports altered the host's items."""
        return self.method not in {None, "none"}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "vm": self.vm,
            "enabled": self.enabled,
            "intrinsic": dict(self.intrinsic),
            "guest": dict(self.guest),
            "host": dict(self.host),
        }


@attrs.frozen(kw_only=True)
class GuestKvpItems:
    r"""A guest's KVP items, by pool (Linux) or registry key (Windows).

    Attributes:
        external: Items the host sent (pool 0, ``External``).
        guest: Items the guest published (pool 1, ``Guest``).
        auto: The guest's intrinsic items (pool 2, ``Auto``).
        parameters: What the host says about itself (pool 3, ``Guest\Parameters``).
        auto_internal: Pool 4 (Linux only; empty on Windows).
    """

    external: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    guest: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    auto: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    parameters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    auto_internal: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def pool(self, pool: KvpPool) -> dict[str, str]:
        """The items of one pool (Linux numbering; Windows keys map onto it)."""
        fields = {
            KvpPool.EXTERNAL: self.external,
            KvpPool.GUEST: self.guest,
            KvpPool.AUTO: self.auto,
            KvpPool.AUTO_EXTERNAL: self.parameters,
            KvpPool.AUTO_INTERNAL: self.auto_internal,
        }
        return dict(fields[pool])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "external": dict(self.external),
            "guest": dict(self.guest),
            "auto": dict(self.auto),
            "parameters": dict(self.parameters),
            "auto_internal": dict(self.auto_internal),
        }

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name} {len(getattr(self, name))}"
            for name in ("external", "guest", "auto", "parameters", "auto_internal")
        )
        return f"<GuestKvpItems {counts}>"
