"""Frozen records built through their slots: the fast constructors of parsers and engine.

A parser (or the diagnosis engine) that has checked every field of a record itself builds it
without ``__init__``, whose converters and validators would only repeat those checks on the
path every audited host takes. Each fast constructor is a private classmethod
(``_unchecked``, ``_parsed``, ``_built``...) that says which checks its caller made, and
each is tested against the checked constructor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["filler", "slot_setters"]

_T = TypeVar("_T")
_new = object.__new__
# The slot in which attrs keeps the hash of a class made with cache_hash=True.
_HASH_CACHE = "_attrs_cached_hash"


def slot_setters(cls: type, *names: str) -> tuple[Callable[[object, object], None], ...]:
    """The setters of *cls*'s slots *names*, in order.

    A slot's own setter skips the lookup by name that ``object.__setattr__`` makes on every
    call, and it passes a frozen class's guard as ``__init__`` does.
    """
    return tuple(getattr(cls, name).__set__ for name in names)


def filler(cls: type[_T], *names: str) -> Callable[..., _T]:
    """A function that builds *cls* from one value per field, given in the order of *names*.

    Args:
        cls: A slotted attrs class.
        names: Every one of its fields, once (checked here, when the filler is made).

    Raises:
        TypeError: *names* are not exactly the class's fields.
    """
    fields = [field.name for field in attrs.fields(cast("type[attrs.AttrsInstance]", cls))]
    if sorted(names) != sorted(fields):
        msg = f"a filler of {cls.__name__} names each of its fields once: {fields}"
        raise TypeError(msg)
    setters = slot_setters(cls, *names)
    # The function's text, compiled once per class (as attrs compiles each __init__): one
    # setter call per field with nothing around it costs about half of a loop over the
    # setters (zip, unpacking, the loop itself) for a record of two to ten fields. Only
    # generated names appear in the text, never a field's.
    arguments = ", ".join(f"v{index}" for index in range(len(names)))
    lines = [f"def fill({arguments}):", "    record = new(cls)"]
    lines += [f"    s{index}(record, v{index})" for index in range(len(names))]
    if _HASH_CACHE in getattr(cls, "__slots__", ()):
        # A class with cache_hash=True: its hash is unknown until asked, as __init__ leaves it.
        setters = (*setters, getattr(cls, _HASH_CACHE).__set__)
        lines.append(f"    s{len(names)}(record, None)")
    lines.append("    return record")
    namespace: dict[str, Any] = {"new": _new, "cls": cls}
    namespace.update({f"s{index}": setter for index, setter in enumerate(setters)})
    code = compile("\n".join(lines), f"<vmic filler of {cls.__qualname__}>", "exec")
    exec(code, namespace)  # noqa: S102 - the text holds generated names only
    return cast("Callable[..., _T]", namespace["fill"])
