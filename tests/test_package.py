"""The package's public surface and its layering."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import vmic

SRC = Path(vmic.__file__).parent

# errors/render -> model -> rules -> policy/parsers -> executors -> clients -> connect/testing
# -> diagnosis -> fleet -> history -> CLI. A module imports (at run or type-check time) only
# from below.
LAYERS = {
    "errors": 0,
    "_lazy": 0,
    "_third_party": 0,
    "_files": 0,
    "render": 0,
    "schemas": 0,
    "model": 1,
    "rules": 2,
    "policy": 3,
    "parsers": 3,
    "executors": 4,
    "clients": 5,
    "connect": 6,
    "testing": 6,
    "diagnosis": 7,
    "fleet": 8,
    "convert": 8,
    "history": 9,
    "cli": 10,
    "__main__": 10,
    "strategies": 10,
}
# Only the command line may use the simulated lab (its `--lab`); the library never does.
MAY_IMPORT_TESTING = {"cli", "testing"}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "vmic" or len(parts) == 1:
        return None
    return LAYERS.get(parts[1])


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "vmic" and len(parts) > 1 else None


def _imports(tree: ast.Module, module: str, *, is_package: bool) -> list[str]:
    """Every module *module* imports: at run time, inside functions, or for types only."""
    found: list[str] = []
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from vmic import _lazy` names a module
            found.extend(f"{base}.{a.name}" if base == "vmic" else base for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
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
    for imported in _imports(tree, module, is_package=path.name == "__init__.py"):
        target = _layer(imported)
        if target is not None:
            assert target <= own, f"{module} (layer {own}) imports {imported} (layer {target})"
        if _package(imported) == "testing":
            assert _package(module) in MAY_IMPORT_TESTING, f"{module} imports {imported}"


# The simulated lab, bottom to top: machine state (host, VM, guest), then what each command
# does to or reads from it, then one dispatcher and the executors on top. A room imports only
# rooms listed before it (type-only imports included): no circle, no arrow back up.
TESTING_ROOMS = (
    "_faults",
    "_guest_data",
    "_clock",
    "_shell",
    "_journal",
    "_powershell",
    "_reference",
    "_contracts",
    "_machine",
    "_vm",
    "_hyperv",
    "_render",
    "_inventory",
    "_kvp",
    "_guest_scripts",
    "_typed",
    "_operations",
    "_fan_out",
    "_dispatch",
    "_guests",
    "_host",
    "_lab",
    "_memory",
)


def _lab_arrows(room: str, source: str) -> list[str]:
    """The rooms of vmic.testing that *room* imports but may not (listed after it, or itself)."""
    allowed = TESTING_ROOMS[: TESTING_ROOMS.index(room)]
    wrong = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if node.module == "vmic.testing":
            targets = [alias.name for alias in node.names]
        elif node.module.startswith("vmic.testing."):
            targets = [node.module.split(".")[2]]
        else:
            continue
        wrong += [target for target in targets if target not in allowed]
    return wrong


def test_the_lab_runs_one_way_from_machine_state_to_the_dispatcher() -> None:
    folder = SRC / "testing"
    rooms = {path.stem for path in folder.glob("_*.py")} - {"__init__"}
    assert rooms == set(TESTING_ROOMS), "place a new room of vmic.testing in TESTING_ROOMS"
    for room in TESTING_ROOMS:
        source = (folder / f"{room}.py").read_text(encoding="utf-8")
        assert _lab_arrows(room, source) == [], f"vmic.testing.{room} imports a room above it"
    # The check sees every form of import, type-only ones too.
    seeded = (
        "from typing import TYPE_CHECKING\n"
        "from vmic.testing import _render\n"
        "if TYPE_CHECKING:\n"
        "    from vmic.testing._host import FakeHyperVHost\n"
        "from vmic.testing._faults import Fault\n"
    )
    assert _lab_arrows("_vm", seeded) == ["_render", "_host"]


def test_every_package_has_a_layer() -> None:
    # A new package must be placed in the layering, or the test above would not check it.
    parts = {path.relative_to(SRC).parts[0].removesuffix(".py") for path in SRC.rglob("*.py")}
    assert parts - {"__init__", "py"} <= set(LAYERS), sorted(parts - set(LAYERS))


def test_no_import_cycle_spans_two_packages() -> None:
    graph: dict[str, set[str]] = {}
    for module, path in _modules():
        own = _package(module)
        if own is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for imported in _imports(tree, module, is_package=path.name == "__init__.py"):
            other = _package(imported)
            if other is not None and other != own:
                graph.setdefault(own, set()).add(other)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    cycles = [(a, b) for a, targets in graph.items() for b in targets if reaches(b, a)]
    assert cycles == []


def _public_modules() -> list[str]:
    return [m for m, _ in _modules() if not any(p.startswith("_") for p in m.split("."))]


def test_the_public_face_is_small() -> None:
    # Implementation modules are private; users import from a few package faces.
    assert len(_public_modules()) <= 30, _public_modules()


@pytest.mark.parametrize("face", [m for m in _public_modules() if m != "vmic"])
def test_every_package_face_lists_what_it_exports(face: str) -> None:
    module = importlib.import_module(face)
    exported = module.__all__
    assert exported == sorted(set(exported)), face
    for name in exported:
        assert getattr(module, name) is not None, f"{face}.{name}"
    if hasattr(module, "__path__"):
        assert dir(module) == exported, face  # the face shows its names, not its rooms


def test_every_public_name_resolves() -> None:
    assert sorted(set(vmic.__all__)) == sorted(vmic.__all__)
    for name in vmic.__all__:
        assert getattr(vmic, name) is not None, name
    with pytest.raises(AttributeError):
        vmic.no_such_name  # noqa: B018


def test_a_public_name_means_one_thing_whatever_was_imported_first() -> None:
    # Importing a package must never rebind a root name (vmic.audit is the function).
    code = """
import importlib, sys
import vmic
names = {name: getattr(vmic, name) for name in vmic.__all__}
for face in %r:
    importlib.import_module(face)
    for name, value in names.items():
        assert getattr(vmic, name) is value, (face, name)
for name, value in names.items():
    assert not isinstance(value, type(sys)), name
print("ok")
"""
    faces = sorted(m for m in _public_modules() if m.count(".") == 1)
    for order in (faces, faces[::-1]):
        done = subprocess.run(
            [sys.executable, "-c", code % (order,)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "ok"


def test_every_public_module_declares_its_surface() -> None:
    for info in pkgutil.walk_packages(vmic.__path__, "vmic."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        assert isinstance(getattr(module, "__all__", None), list), info.name


def test_faces_declare_for_type_checkers_exactly_what_they_load() -> None:
    # A lazy face lists each name twice (for type checkers, and in its loading table): same set.
    for face in [m for m in _public_modules() if m.count(".") <= 1]:
        path = SRC.parent / face.replace(".", "/") / "__init__.py"
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module != "vmic._lazy"
            for alias in node.names
            # A re-export is written `X as X`: what type checkers see as the face's names.
            if node.module and node.module.startswith("vmic") and alias.asname == alias.name
        }
        module = importlib.import_module(face)
        if hasattr(module, "__getattr__"):
            assert declared == set(module.__all__), face


def test_import_vmic_stays_light() -> None:
    code = (
        "import sys, vmic; heavy = [m for m in sys.modules if m.split('.')[0] in "
        "{'hypothesis', 'asyncssh', 'pypsrp', 'json', 'csv', 'asyncio', 'subprocess'} or "
        "m.startswith(('vmic.testing', 'vmic.clients', 'vmic.executors', 'vmic.parsers', "
        "'vmic.diagnosis', 'vmic.fleet', 'vmic.cli'))]; print(sorted(heavy))"
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


def test_the_wheel_ships_the_scripts_and_the_reference_data(tmp_path: Path) -> None:
    # Scripts and contract data are package files read with importlib.resources: a wheel
    # without them would install a vmic that cannot talk to any host.
    root = SRC.parents[1]
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("vmic-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    data = [
        path
        for folder in (SRC / "clients" / "scripts", SRC / "testing" / "reference")
        for path in folder.iterdir()
        if path.is_file()
    ]
    assert len(data) > 40
    missing = [str(p.relative_to(SRC.parent)) for p in data]
    assert [name for name in missing if name not in shipped] == []
