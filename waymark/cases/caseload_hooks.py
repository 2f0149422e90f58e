"""Columns of the caseworker's caseload contributed by apps above casework.

Cases imports nothing of the apps above it (docs/architecture.md, "Layers"): an app that has
something to say about each open case on "Your cases" registers a column from its own
AppConfig.ready() (MARAC: ``waymark/marac/home.py``)::

    @register_caseload_column(order=10, heading="MARAC")
    def marac_column(user, cases) -> dict:
        ...

A builder is given the viewer and the open cases on the page (already read, every one visible to
the viewer) and returns a short text for each case it has something to say about, by case id; a
case it leaves out shows an empty cell. It reads through its own app's scopes (what the viewer may
see of it), and in a fixed number of queries whatever the number of cases: never one per case.
Until an app registers a column, the caseload shows none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.cases.models import Case

ColumnBuilder = Callable[["User", list["Case"]], Mapping[Any, str]]


@dataclass(frozen=True)
class CaseloadColumn:
    order: int
    heading: str
    build: ColumnBuilder


_COLUMNS: list[CaseloadColumn] = []


def register_caseload_column(*, order: int, heading: str) -> Callable[[ColumnBuilder], ColumnBuilder]:
    def decorator(build: ColumnBuilder) -> ColumnBuilder:
        # Once per heading: a second registration (a re-imported module) replaces the first.
        _COLUMNS[:] = [column for column in _COLUMNS if column.heading != heading]
        _COLUMNS.append(CaseloadColumn(order=order, heading=heading, build=build))
        _COLUMNS.sort(key=lambda column: column.order)
        return build

    return decorator


def caseload_columns() -> list[CaseloadColumn]:
    """The registered columns, in order."""
    return list(_COLUMNS)
