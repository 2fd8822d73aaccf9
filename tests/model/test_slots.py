"""The fast constructors' one mechanism: a filler names every field once and fills them all."""

from __future__ import annotations

import attrs
import pytest

from vmic.model._slots import filler


def _upper(value: str) -> str:
    return value.upper()


@attrs.frozen
class _Pair:
    left: int = attrs.field(validator=attrs.validators.instance_of(int))
    right: str = attrs.field(converter=_upper)


def test_a_filler_builds_what_the_checked_constructor_builds_from_the_same_values() -> None:
    fill = filler(_Pair, "right", "left")
    built = fill("AB", 1)
    assert built == _Pair(1, "ab")
    assert attrs.asdict(built) == {"left": 1, "right": "AB"}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.left = 2  # type: ignore[misc]


@pytest.mark.parametrize("names", [("left",), ("left", "right", "left"), ("left", "middle")])
def test_a_filler_must_name_each_field_once(names: tuple[str, ...]) -> None:
    with pytest.raises(TypeError, match="names each of its fields once"):
        filler(_Pair, *names)


def test_a_filler_takes_exactly_one_value_per_field() -> None:
    fill = filler(_Pair, "left", "right")
    with pytest.raises(TypeError):
        fill(1)
    with pytest.raises(TypeError):
        fill(1, "a", "b")


@attrs.frozen(cache_hash=True)
class _Hashed:
    left: int
    right: str


def test_a_filled_record_with_a_cached_hash_hashes_as_a_checked_one() -> None:
    built = filler(_Hashed, "left", "right")(1, "a")
    assert hash(built) == hash(_Hashed(1, "a"))
    assert built == _Hashed(1, "a")
