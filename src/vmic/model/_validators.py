"""attrs validators shared by the records of several layers."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["tuple_of"]

_v = attrs.validators


def tuple_of(member: type | tuple[type, ...]) -> Any:  # noqa: ANN401 - an attrs validator
    """A validator: a tuple whose items are all instances of *member*.

    Records holding these tuples are built by the dozen per audited VM: the check runs as
    one ``all()`` over the items, and only a value that fails it goes through attrs'
    ``deep_iterable``, for attrs' own error.
    """
    slow = _v.deep_iterable(_v.instance_of(member), _v.instance_of(tuple))

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:  # noqa: ANN401
        if type(value) is tuple and all(isinstance(item, member) for item in value):
            return
        slow(instance, attribute, value)

    return check
