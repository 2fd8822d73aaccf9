"""``vmic.render`` sits low: every layer may use it, so it uses nothing of vmic's above errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vmic.render

RENDER = Path(vmic.render.__file__).parent
ALLOWED = {"vmic.errors", "vmic._lazy"}


def _vmic_imports(tree: ast.Module) -> set[str]:
    """Every vmic module imported, type-only imports included."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "vmic":
                found.update(f"vmic.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "vmic"}


@pytest.mark.parametrize("path", sorted(RENDER.glob("*.py")), ids=lambda p: p.name)
def test_render_imports_only_itself_and_errors(path: Path) -> None:
    imported = _vmic_imports(ast.parse(path.read_text(encoding="utf-8")))
    above = {
        name for name in imported if name not in ALLOWED and not name.startswith("vmic.render")
    }
    assert above == set(), f"{path.name} imports {sorted(above)}"


def test_the_face_lists_its_names() -> None:
    assert vmic.render.__all__ == sorted(vmic.render.__all__)
    assert dir(vmic.render) == vmic.render.__all__
    for name in vmic.render.__all__:
        assert getattr(vmic.render, name) is not None
