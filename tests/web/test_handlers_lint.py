"""No view maps an action's ``ValidationError`` by hand (issue 9, item 3): a handler that validates
a form and runs an action does it through ``run_action`` (waymark/web/actions.py), which puts the
refusal on the form (or flashes it) the one way, and never crashes on an error without a field.

The lint reads the source with ``ast``: an ``except`` naming ``ValidationError`` (alone, in a tuple
or as ``exceptions.ValidationError``) in a views module fails, unless ``ALLOWED`` says why that
module's handler is another shape. An entry with nothing left to allow fails too, so the list
only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "waymark"

ALLOWED: dict[str, str] = {
    "waymark/perpetrators/views.py": "the session register: many rows posted without a form, saved all or "
    "nothing; a refusal names its row in the messages returned",
}


def _names(node: ast.expr | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, ast.Tuple):
        return [name for element in node.elts for name in _names(element)]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Name):
        return [node.id]
    return []


def hand_mapped(source: str) -> list[int]:
    """The lines of the ``except`` clauses in ``source`` that catch a ``ValidationError``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ExceptHandler) and any(name.endswith("ValidationError") for name in _names(node.type))
    ]


def _views_modules() -> list[Path]:
    return sorted(path for path in SOURCE.rglob("*.py") if "views" in path.name and "migrations" not in path.parts)


def test_no_view_maps_an_actions_refusal_by_hand():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _views_modules()
        if (lines := hand_mapped(path.read_text(encoding="utf-8")))
    }
    unexplained = {path: lines for path, lines in found.items() if path not in ALLOWED}
    assert not unexplained, f"use run_action (waymark/web/actions.py) instead of except ValidationError: {unexplained}"
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"nothing left to allow, remove from ALLOWED: {stale}"


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    act()\nexcept ValidationError as error:\n    pass\n",
        "try:\n    act()\nexcept (KeyError, ValidationError):\n    pass\n",
        "try:\n    act()\nexcept exceptions.ValidationError:\n    pass\n",
    ],
)
def test_the_lint_catches_a_hand_mapped_refusal(source):
    assert hand_mapped(source) == [3]


def test_the_lint_lets_other_exceptions_be():
    assert hand_mapped("try:\n    act()\nexcept StaleEdit:\n    pass\n") == []
