"""Browser tests: every test in this folder is marked ``browser`` and, without chromium, skipped
loudly (the Makefile prints a banner, and the reason is repeated at the end of the run).

The fixtures (``browser``, ``page``, ``partnership``) live in tests/browser/fixtures.py and are
registered for the whole suite by tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.fixtures import BROWSER_DIR, MISSING, REPO_ROOT  # noqa: F401 (REPO_ROOT: used by tests)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if MISSING:
            item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Repeats the reason at the very end of the run, where nobody can miss it."""
    if not MISSING:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "BROWSER TESTS SKIPPED" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("#", f"{len(skipped)} BROWSER TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(MISSING, red=True, bold=True)
