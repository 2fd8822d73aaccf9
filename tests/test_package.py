"""The package's public surface and its layering."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

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


def test_distribution_metadata_names_the_license_and_the_keyring_extra() -> None:
    metadata = importlib.metadata.metadata("vmic")
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert (SRC.parents[1] / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    keyring = [r for r in requirements if r.name == "keyring"]
    assert keyring
    assert keyring[0].marker is not None
    assert keyring[0].marker.evaluate({"extra": "keyring"})
    # The package index shows the description: it starts with how to install vmic.
    description = metadata.get_payload()  # type: ignore[attr-defined]
    assert isinstance(description, str)
    first_block = description.split("\n\n")[1]
    assert first_block.splitlines()[1].startswith("pip install vmic ")


def test_importing_hypothesis_loads_no_vmic_module() -> None:
    # vmic's hypothesis entry point must not make every `import hypothesis` pay for vmic.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import hypothesis"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "hypothesis" in imported
    assert not [name for name in imported if name == "vmic" or name.startswith("vmic.")]


def test_strategies_register_when_vmic_is_imported_before_hypothesis() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, vmic; assert 'vmic.strategies' not in sys.modules; "
                "import hypothesis; from hypothesis import strategies as st; "
                "assert 'vmic.strategies' in sys.modules; "
                "print(type(st.from_type(vmic.OperatingSystem).example()).__name__)"
            ),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OperatingSystem"
