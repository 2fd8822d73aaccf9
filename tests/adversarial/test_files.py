"""The hostile-file corpus: saved observations and inventories, checked in and drawn.

Issue 23, defects 5 and 6. Every file vmic loads is read strictly: limits checked before
anything is built, a wrong kind of value refused, and the error one line naming the file
once (exit status 2), never an internal error, a hang or a wrong answer. The checked-in
corpus (``tests/data/adversarial/``, see its README) replays each reviewed case; hypothesis
draws more of the same kinds.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from tests._cli import in_process
from vmic.connect._ansible import parse_ansible_yaml
from vmic.connect._sources import parse_inventory_limited
from vmic.convert import read_observations
from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable

CORPUS = Path(__file__).parent.parent / "data" / "adversarial"

# --- saved observations -----------------------------------------------------------------------

_OBSERVATIONS = {
    "enabled_string_false.json": (
        "host.vms[0].services[1].enabled: must be true or false, not the string 'false'"
    ),
    "enabled_string_no.json": "services[1].enabled: must be true or false, not the string 'no'",
    "enabled_zero.json": "services[1].enabled: must be true or false, not the number 0",
    "v1_enabled_string_false.json": (
        "host.vms[0].services[0].enabled: must be true or false, not the string 'false'"
    ),
    "build_float.json": "host.os.build: must be a whole number, not the number 17763.5",
    "vms_object.json": "host.vms: must be an array, not an object",
    "name_number.json": "host.vms[0].name: must be a string, not the number 42",
    "build_nan.json": "NaN is not a JSON number",
    "build_5000_digits.json": "an integer of 5,000 digits; vmic reads at most 20",
    "build_1e400.json": "the number 1e400 is too large",
    "nested_2000_deep.json": "nested 2001 deep; vmic reads at most 64",
    "guest_kind_unknown.json": (
        "host.vms[0].guest: kind must be one of guest, unreachable, not the string 'mac'"
    ),
}


def _refusal(action: Callable[[], object]) -> str | None:
    """The message *action* is refused with (an InventoryError or other bad input), or None.

    Anything else it raises (an internal error) fails the test.
    """
    try:
        action()
    except ConfigurationError as error:  # InventoryError among them
        return str(error)
    return None


def _one_line_naming(err: str, path: str) -> str:
    """The message of a one-line CLI error that names *path* once."""
    assert err.startswith(f"vmic: error: {path}: "), err
    assert err.count("\n") == 1, err
    assert err.count(path) == 1, err
    return err.removeprefix(f"vmic: error: {path}: ").rstrip("\n")


@pytest.mark.parametrize(("name", "words"), sorted(_OBSERVATIONS.items()))
def test_each_hostile_observation_file_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    path = str(CORPUS / "observations" / name)
    status, out, err = in_process(capsys, "doctor", "--observations", path, "--format", "json")
    assert (status, out) == (2, "")
    assert words in _one_line_naming(err, path)


def test_the_valid_observation_file_reads(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CORPUS / "observations" / "valid.json")
    status, out, err = in_process(capsys, "doctor", "--observations", path, "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out)["summary"]["vms"] == 1


def test_an_endless_device_is_read_up_to_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    # /dev/zero was read whole: MemoryError, exit 70 (defect 5).
    status, out, err = in_process(capsys, "doctor", "--observations", "/dev/zero")
    assert (status, out) == (2, "")
    assert "cannot read the observations: larger than" in _one_line_naming(err, "/dev/zero")


def _valid() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (CORPUS / "observations" / "valid.json").read_text(encoding="utf-8")
    )
    return document


def _leaves(
    value: object, path: tuple[object, ...] = ()
) -> list[tuple[tuple[object, ...], object]]:
    """Every (path, value) of a whole number or boolean in *value* (a JSON document)."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)] if isinstance(value, bool | int) and path[0] != "schema_version" else []


_TYPED_LEAVES = _leaves(_valid())

# A JSON value of another kind than the whole number or boolean it replaces.
_OTHER_KINDS = st.one_of(
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=40)
@given(leaf=st.sampled_from(_TYPED_LEAVES), replacement=_OTHER_KINDS, data=st.data())
def test_a_value_of_the_wrong_kind_anywhere_is_refused_naming_its_place(
    leaf: tuple[tuple[object, ...], object], replacement: object, data: st.DataObject
) -> None:
    # "enabled": "false" read as True, a float build was accepted (defect 5).
    path, original = leaf
    if isinstance(original, bool):
        replacement = data.draw(st.one_of(st.just(replacement), st.integers()), "bool's stand-in")
    document = copy.deepcopy(_valid())
    holder: Any = document
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = replacement
    with pytest.raises(ConfigurationError) as caught:
        read_observations(json.dumps(document), source="saved.json")
    message = str(caught.value)
    assert message.startswith("saved.json: ")
    assert "\n" not in message
    assert message.count("saved.json") == 1


@settings(max_examples=40)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_is_observations_or_one_line_error(text: str) -> None:
    message = _refusal(lambda: read_observations(text, source="saved.json"))
    assert message is None or (message.startswith("saved.json") and "\n" not in message)


# --- inventories --------------------------------------------------------------------------------

_INVENTORIES = {
    "alias_bomb.yml": "(an alias bomb?)",
    "recursive_alias.yml": "an alias refers to a value that holds it",
    "key_number.yml": "all.hosts: a key must be a string, not the int 1",
    "key_null.yml": "all.children: a key must be a string, not null",
    "key_true.yml": "a group name must be a string, not true",
    "variable_key_number.yml": "all.hosts.hv01.example.test: a key must be a string, not the int",
    "children_100_deep.yml": "children nested more than 64 deep",
    "children_1000_deep.ini": "children nested more than 64 deep",
    "port_5000_digits.ini": "ansible_port: must be a port number from 1 to 65535, not '99999",
    "port_5000_digits.yml": "an integer of 5,000 digits (line 4)",
    "port_5000_digits.toml": "not an inventory: it holds a number too long to read",
    "range_10_million.ini": "makes more than 1,000,000 hosts",
    "range_product.ini": "makes more than 1,000,000 hosts",
    "bad_port_named_once.yml": (
        "host hv01.example.test: ansible_port: must be a port number from 1 to 65535, not 0"
    ),
    "cycle.ini": "is its own ancestor",
    "password.ini": "an inventory holds no passwords",
    "nested_toml.toml": "values are nested too deeply",
}


@pytest.mark.parametrize(("name", "words"), sorted(_INVENTORIES.items()))
@pytest.mark.parametrize("through", ["file", "stdin"])
def test_each_hostile_inventory_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    words: str,
    through: str,
) -> None:
    path = CORPUS / "inventories" / name
    source = str(path)
    if through == "stdin":
        import io  # noqa: PLC0415 - this branch only

        monkeypatch.setattr("sys.stdin", io.StringIO(path.read_text(encoding="utf-8")))
        source = "<stdin>"
    # --limit selects nothing a good file holds: were a file read, nothing would be contacted.
    argv = ("audit", "--inventory", "-" if through == "stdin" else str(path), "--limit", "none")
    status, out, err = in_process(capsys, *argv, "--no-prompt", "--no-keyring")
    assert (status, out) == (2, "")
    message = _one_line_naming(err, source)
    assert words in message
    assert "hunter2" not in message
    assert len(message) < 300  # no value repeated whole (the bomb expanded in a repr)


def test_deeper_yaml_than_the_parser_takes_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CORPUS / "inventories" / "children_1000_deep.yml")
    status, out, err = in_process(capsys, "audit", "--inventory", path, "--limit", "none")
    assert (status, out) == (2, "")
    message = _one_line_naming(err, path)
    # libyaml's own depth limit, or (without libyaml) the guard around PyYAML's recursion
    assert "nesting depth" in message or "nested too deeply" in message


# INI and YAML text drawn from the pieces the red team used.
_INI_LINES = st.one_of(
    st.sampled_from(["[hv]", "[hv:vars]", "[hv:children]", "[site:children]", "[x:weird]", ""]),
    st.builds(
        lambda name, key, value: f"{name} {key}={value}",
        st.sampled_from(["hv01.example.test", "hv[01:03].example.test", "h[a:c]", "h[0:9:0]"]),
        st.sampled_from(["ansible_port", "ansible_host", "ansible_connection", "vmic_x", "1"]),
        st.one_of(
            st.integers(-(10**30), 10**30).map(str),
            st.text(max_size=6),
            st.sampled_from(["[1, 2]", "{'a': 1}", "'quoted'", "1e400", "0x1f", "True", "psrp"]),
        ),
    ),
    st.text(max_size=12),
)


@settings(max_examples=50)
@given(lines=st.lists(_INI_LINES, max_size=8))
def test_any_ini_text_is_an_inventory_or_one_line_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    message = _refusal(lambda: parse_inventory_limited(text, source="hosts.ini"))
    assert message is None or (message.startswith("hosts.ini: ") and "\n" not in message)


_KEYS = st.one_of(
    st.sampled_from(["all", "hosts", "vars", "children", "ansible_port", "hv01.example.test"]),
    st.integers(),
    st.none(),
    st.booleans(),
    st.text(max_size=5),
)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=50)
@given(document=st.dictionaries(_KEYS, _VALUES, max_size=3))
def test_any_yaml_document_is_an_inventory_or_one_line_error(document: dict[Any, Any]) -> None:
    text = yaml.safe_dump(document)
    message = _refusal(lambda: parse_ansible_yaml(text, source="hosts.yml"))
    assert message is None or (message.startswith("hosts.yml: ") and "\n" not in message)
