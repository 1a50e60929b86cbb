"""The layout shows the architecture: each package imports only what its docstring allows, and stays small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"core": "spectui.core", "tui": "spectui.tui", "themes": "spectui.themes"}
CORE_PACKAGES = ("butler", "extraction", "tables", "analysis", "figures", "demo")
TUI_PACKAGES = ("cli", "screens", "dialogs", "widgets")
MAY_IMPORT = {
    "core": {"core", "core.tables"},
    "core.tables": {"core"},
    "core.butler": {"core", "core.tables"},
    "core.extraction": {"core", "core.tables", "core.butler"},
    "core.analysis": {"core", "core.tables", "core.butler", "core.extraction"},
    "core.figures": {"core", "core.tables", "core.butler", "core.extraction", "core.analysis"},
    "core.demo": {"core", "core.butler"},
    "themes": {"themes"},
    "tui.widgets": {"core", *(f"core.{p}" for p in CORE_PACKAGES), "themes"},
    "tui.dialogs": {"core", *(f"core.{p}" for p in CORE_PACKAGES), "themes", "tui.widgets"},
}
"""For each package, the spectui packages it may import (besides itself); those not named may import any."""
MAX_LINES = 450
MAX_MODULES = 15


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).parts)
    parts[0] = FOLDERS[parts[0]]
    parts[-1] = parts[-1].removesuffix(".py")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group(module: str) -> str:
    """`core.butler`, `tui.widgets`, `core` (its top modules), ... for a spectui module."""
    parts = module.split(".")
    nested = CORE_PACKAGES if parts[1] == "core" else TUI_PACKAGES if parts[1] == "tui" else ()
    return ".".join(parts[1:3]) if len(parts) > 3 and parts[2] in nested else parts[1]


def imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def sources() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_go_only_where_the_package_allows(path):
    mine = group(module_name(path))
    allowed = MAY_IMPORT.get(mine)
    for target in imports(path):
        if target.split(".")[0] in ("textual", "textual_fastdatatable", "textual_plotext"):
            assert not mine.startswith("core"), f"{path.name} imports {target}: core never imports Textual"
        if not target.startswith("spectui."):
            continue
        theirs = group(target)
        if mine.startswith("core"):
            assert not theirs.startswith("tui"), f"{path.name} imports {target}: core never imports the app"
        if allowed is not None and theirs != mine:
            assert theirs in allowed, f"{path.name} ({mine}) imports {target} ({theirs})"


def test_modules_are_short_and_folders_small():
    for path in sources():
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"
    for folder in {path.parent for path in sources()}:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES, f"{folder.relative_to(ROOT)} holds {len(modules)} modules"


def test_every_package_says_what_lives_there():
    for package in [*(f"core/{p}" for p in CORE_PACKAGES), *(f"tui/{p}" for p in TUI_PACKAGES)]:
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
        assert doc and len(doc) > 80, f"{package} has no docstring saying what lives there"


def test_tests_follow_the_code_in_small_folders():
    tests = ROOT / "tests"
    for folder in {path.parent for path in tests.rglob("test_*.py")}:
        relative = folder.relative_to(tests)
        assert relative == Path() or (ROOT / relative).is_dir(), f"tests/{relative} has no code folder to follow"
        assert len(list(folder.glob("*.py"))) <= MAX_MODULES, f"tests/{relative} holds too many modules"


def test_an_installed_copy_holds_every_package():
    """pyproject.toml lists the packages one by one: a folder missing there is missing from a non-editable install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(FOLDERS.values()) | {".".join([FOLDERS[init.relative_to(ROOT).parts[0]], *init.relative_to(ROOT).parts[1:-1]])
             for top in FOLDERS for init in (ROOT / top).rglob("__init__.py")}
    assert found == listed
