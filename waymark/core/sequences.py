"""Yearly reference numbers, written once: ``<PREFIX>-<year>-<number>`` (R-2026-000123,
C-2026-000045, M-2026-000007, HA-2026-000123, RR-2026-00012).

Each numbering keeps its own table (its rows were there before this module), built on one of two
abstract models here: ``YearlySequence`` (one row a year, for an app with one numbering) and
``PrefixedYearlySequence`` (one row per prefix and year, for an app with several). ``next_reference``
is the one function that issues a number: it locks the year's row, so two people saving at once
get two numbers, and it must run inside the transaction that saves the numbered record (outside
one it raises ``TransactionManagementError``, on every database). Part of the kernel: imports no Waymark app.
"""

from __future__ import annotations

from typing import Any

from django.db import models, router, transaction
from django.db.transaction import TransactionManagementError


class YearlySequence(models.Model):
    """The last number issued in each year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class PrefixedYearlySequence(models.Model):
    """The last number issued for each prefix in each year (the subclass makes the pair unique)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


def next_reference(
    sequences: type[YearlySequence] | type[PrefixedYearlySequence], prefix: str, year: int, *, width: int = 6
) -> str:
    """The next reference for ``prefix`` in ``year`` from the ``sequences`` table, zero-padded to
    ``width`` digits (a number past the width is written in full, never cut)."""
    return next_references(sequences, prefix, year, 1, width=width)[0]


def next_references(
    sequences: type[YearlySequence] | type[PrefixedYearlySequence],
    prefix: str,
    year: int,
    count: int,
    *,
    width: int = 6,
) -> list[str]:
    """The next ``count`` references in ``year``, in order, with one locked read and one write (an
    import or the demo numbering many records at once)."""
    if not transaction.get_connection(router.db_for_write(sequences)).in_atomic_block:
        raise TransactionManagementError("next_reference runs inside the transaction that saves the numbered record.")
    key: dict[str, Any] = {"year": year}
    if issubclass(sequences, PrefixedYearlySequence):
        key["prefix"] = prefix
    sequence, _ = sequences._default_manager.select_for_update().get_or_create(**key)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return [f"{prefix}-{year}-{number:0{width}d}" for number in range(first, first + count)]
