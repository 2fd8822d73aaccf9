"""The package's public surface and its layering."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import vmic

SRC = Path(vmic.__file__).parent

# model -> rules -> parsers -> executors -> clients -> testing -> diagnosis/audit -> CLI.
# A module may import (at run time) only from its own layer or below.
LAYERS = {
    "errors": 0,
    "model": 1,
    "rules": 2,
    "parsers": 3,
    "executors": 4,
    "clients": 5,
    "testing": 6,
    "_html": 0,
    "_csv": 0,
    "diagnosis": 7,
    "audit": 8,
    "cli": 9,
    "__main__": 9,
    "strategies": 9,
}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "vmic" or len(parts) == 1:
        return None
    return LAYERS.get(parts[1])


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Imports outside `if TYPE_CHECKING:` blocks (type-only imports may point anywhere)."""
    found: list[str] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            for child in ast.walk(node) if not isinstance(node, ast.If) else [node]:
                if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                    if child.module == "vmic":  # `from vmic import _html` names a module
                        found.extend(f"vmic.{alias.name}" for alias in child.names)
                    else:
                        found.append(child.module)
                elif isinstance(child, ast.Import):
                    found.extend(alias.name for alias in child.names)
            if isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return found


def _modules() -> list[tuple[str, Path]]:
    result = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(relative.parts)
        result.append((name.removesuffix(".__init__"), path))
    return result


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_modules_import_only_from_lower_layers(module: str, path: Path) -> None:
    own = _layer(module)
    if own is None:  # the package root re-exports everything, lazily
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for imported in _runtime_imports(tree):
        target = _layer(imported)
        if target is not None:
            assert target <= own, f"{module} (layer {own}) imports {imported} (layer {target})"


def test_every_public_name_resolves() -> None:
    assert sorted(set(vmic.__all__)) == sorted(vmic.__all__)
    for name in vmic.__all__:
        assert getattr(vmic, name) is not None, name
    with pytest.raises(AttributeError):
        vmic.no_such_name  # noqa: B018


def test_every_public_module_declares_its_surface() -> None:
    for info in pkgutil.walk_packages(vmic.__path__, "vmic."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        assert isinstance(getattr(module, "__all__", None), list), info.name


def test_import_vmic_stays_light() -> None:
    code = (
        "import sys, vmic; heavy = [m for m in sys.modules if m.split('.')[0] in "
        "{'hypothesis', 'asyncssh', 'pypsrp', 'json', 'csv', 'asyncio', 'subprocess'} or "
        "m.startswith(('vmic.testing', 'vmic.clients', 'vmic.executors', 'vmic.parsers', "
        "'vmic.diagnosis', 'vmic.audit', 'vmic.cli'))]; print(sorted(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_versions_agree() -> None:
    from importlib.metadata import version  # noqa: PLC0415

    assert vmic.__version__ == version("vmic")
