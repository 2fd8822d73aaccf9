"""The shared tuple validator: the fast check passes what attrs' deep_iterable passes."""

from __future__ import annotations

import attrs
import pytest

from vmic.model._validators import tuple_of


@attrs.frozen
class _Holder:
    items: tuple[int, ...] = attrs.field(validator=tuple_of(int))


def test_a_tuple_of_members_passes() -> None:
    assert _Holder((1, 2)).items == (1, 2)
    assert _Holder(()).items == ()


@pytest.mark.parametrize("value", [[1, 2], (1, "2"), "12", None])
def test_anything_else_is_refused_with_attrs_own_error(value: object) -> None:
    with pytest.raises(TypeError) as caught:
        _Holder(value)  # type: ignore[arg-type]
    assert "must be <class" in str(caught.value)
