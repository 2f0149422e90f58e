"""A small registry of named reports for ``manage.py report <name>``.

An app registers a report (usually from its ``AppConfig.ready``) with ``@register_report``; the
command dispatches by name and writes the rows as JSON, CSV or XLSX. A report is a class with a
``name``, ``help``, ``columns``, ``add_arguments(parser)`` and ``rows(**options) -> list[dict]``.
Rows hold plain numbers and text (no personal data in these aggregate reports).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, Protocol


class Report(Protocol):
    name: str
    help: str
    columns: list[str]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def rows(self, **options: Any) -> list[dict[str, Any]]: ...


_REPORTS: dict[str, Callable[[], Report]] = {}


def register_report(factory: Callable[[], Report]) -> Callable[[], Report]:
    """Class decorator: registers a report under its ``name``."""
    name = factory().name
    if name in _REPORTS and _REPORTS[name] is not factory:
        raise ValueError(f"Two reports are registered as {name!r}.")
    _REPORTS[name] = factory
    return factory


def registered_reports() -> dict[str, Callable[[], Report]]:
    return dict(sorted(_REPORTS.items()))
