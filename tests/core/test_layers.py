"""The layer contract (.importlinter, docs/architecture.md "Layers") holds, and its lint can fail.

``make lint`` runs import-linter with the contract. These tests run the same tool: on the real
tree (it must pass), and on a copy of the tree with one wrong-way import put in (it must fail and
name that import), so a contract that no longer checks anything would be caught. They also check
that the contract names every app and every module of the two packages split across layers, and
that the kernel names no other Waymark module at all, not even for type checking.
"""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "waymark"
CONTRACT = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Packages whose modules sit in different layers (the contract lists them module by module).
SPLIT_PACKAGES = ("web", "api")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / ".importlinter")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _layer_modules() -> set[str]:
    parser = configparser.ConfigParser()
    parser.read(CONTRACT)
    names: set[str] = set()
    for line in parser["importlinter:contract:layers"]["layers"].split("\n"):
        names.update(name.strip("() ") for name in re.split(r"[:|]", line) if name.strip())
    return names


def _copy_of_the_tree(tmp_path: Path) -> Path:
    shutil.copytree(
        PACKAGE,
        tmp_path / "waymark",
        ignore=lambda directory, names: [n for n in names if n == "__pycache__" or n in ("static", "templates")],
    )
    shutil.copy(CONTRACT, tmp_path / ".importlinter")
    return tmp_path


def test_the_real_tree_keeps_the_layer_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_way"),
    [
        # A lazy import inside a function, from people up to casework: the kind the registries replaced.
        ("people/access.py", "def _wrong_way():\n    from waymark.cases.access import cases_visible_to\n"),
        # The kernel reaching up to an app.
        ("core/dates.py", "from waymark.accounts.models import User\n"),
        # A web helper every app imports, reaching up to the site.
        ("web/home.py", "from waymark.web.middleware import check\n"),
    ],
)
def test_a_wrong_way_import_breaks_the_contract(tmp_path: Path, module: str, wrong_way: str) -> None:
    tree = _copy_of_the_tree(tmp_path)
    target = tree / "waymark" / module
    target.write_text(target.read_text() + "\n\n" + wrong_way)

    result = _lint(tree)

    # Broken, and by the import put in (the tree itself keeps the contract: the test above).
    assert result.returncode == 1, result.stdout
    assert "0 kept, 1 broken" in result.stdout
    importer = "waymark." + module.removesuffix(".py").replace("/", ".")
    imported = wrong_way.split("from ", 1)[1].split(" import", 1)[0]
    assert f"{importer} -> {imported}" in result.stdout


def test_the_contract_names_every_app_and_every_module_of_the_split_packages() -> None:
    named = _layer_modules()
    expected = {
        f"waymark.{path.name}"
        for path in PACKAGE.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in SPLIT_PACKAGES
    }
    for package in SPLIT_PACKAGES:
        expected |= {
            f"waymark.{package}.{path.stem}"
            for path in (PACKAGE / package).iterdir()
            if path.name != "__init__.py"
            and ((path.suffix == ".py") or (path.is_dir() and (path / "__init__.py").exists()))
        }
    assert expected - named == set(), "add these to a layer in .importlinter (and docs/architecture.md)"
    listed_but_optional = {"waymark.web.forms", "waymark.web.actions"}
    assert named - expected - listed_but_optional == set(), "the contract names modules that do not exist"


def test_the_kernel_names_no_other_waymark_module_at_all() -> None:
    """core imports nothing of the apps: not at the top, not inside a function, not for typing."""
    found = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] if node.module != "waymark" else [f"waymark.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {name}"
                for name in names
                if name.startswith("waymark.") and not name.startswith("waymark.core")
            ]
    assert found == []
