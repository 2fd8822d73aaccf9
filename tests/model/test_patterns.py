"""One home per record grammar: no regex is written twice under src/vmic (issue 8)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import vmic
from vmic.model import _linux_records as linux_records, _patterns, _records as records
from vmic.parsers import _linux as linux, _registry as registry, _vms as vms


def _literal_patterns() -> dict[str, list[str]]:
    """Every regex compiled from a string literal, with the modules that compile it."""
    source = Path(vmic.__file__).parent
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "compile"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value].append(str(path.relative_to(source)))
    return found


def test_no_regex_is_written_twice() -> None:
    twice = {pattern: where for pattern, where in _literal_patterns().items() if len(where) > 1}
    # Generic tokenizers ("\S+": one whitespace-separated word) are not record grammars.
    twice.pop(r"\S+", None)
    assert twice == {}


def test_models_and_parsers_share_the_record_patterns() -> None:
    shared = {
        "CPU_TIME": (linux, linux_records),
        "MODULE_NAME": (linux, linux_records),
        "UNIT_NAME": (linux, linux_records),
        "SUB_STATE": (linux, linux_records),
        "UNPRINTABLE": (linux, linux_records),
        "CONTROL": (linux, linux_records),
        "SERVICES_VERSION": (vms, registry),
    }
    for name, modules in shared.items():
        for module in modules:
            assert vars(module)[name] is vars(_patterns)[name], (module.__name__, name)
    assert records.GUID_PATTERN in _patterns.HEX_GUID.pattern
    assert _patterns.HEX_GUID.fullmatch("7cca7664-91d0-40a9-9769-7809F256F603")
    assert _patterns.CONTROL.search("a\tb")
    assert not _patterns.UNPRINTABLE.search("a\tb")
