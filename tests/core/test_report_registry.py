"""Every report written in the code can be run with ``manage.py report`` from a fresh start.

A report registers itself when its module is imported, so one whose module nothing imports at
start-up is missing from the command, although tests that import the module find it. This runs
the registry in a new process and compares it with every ``@register_report`` class in the code.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _reports_in_the_code() -> set[str]:
    names = set()
    for path in (ROOT / "waymark").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(ast.unparse(d).endswith("register_report") for d in node.decorator_list):
                continue
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and [ast.unparse(t) for t in statement.targets] == ["name"]
                    and isinstance(statement.value, ast.Constant)
                ):
                    names.add(statement.value.value)
    return names


def test_every_report_in_the_code_is_registered_at_start_up() -> None:
    script = (
        "import django; django.setup(); "
        "from waymark.web.reports import registered_reports; print(' '.join(registered_reports()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "waymark.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    in_the_code = _reports_in_the_code()
    assert len(in_the_code) >= 8  # the scan finds the reports (marac, outcomes, housing, ...)
    assert set(result.stdout.split()) == in_the_code
