"""``_bucket``: the period a date or moment falls in, worked out in SQL by a binary search, equals
the same search done in Python, for any buckets in order (with gaps between them or not), at
every edge, outside them all and for NULL. ``local_date`` (the same search, over the time zone's
changes, on SQLite) gives the day in London of any moment, either side of the clocks changing."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import DateField, DateTimeField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AgencyFactory
from waymark.organisations.models import Agency
from waymark.outcomes.kpis import _bucket, _start_of, local_date

pytestmark = pytest.mark.django_db(transaction=False)

FIRST = date(2024, 1, 1)
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


@pytest.fixture
def agency(db):
    return AgencyFactory()  # a row to select the values with


def expected(buckets: list[tuple[date, date]], day: date | None) -> int:
    if day is None:
        return -1
    starts = [first for first, _ in buckets]
    index = bisect_right(starts, day) - 1
    return index if index >= 0 and day <= buckets[index][1] else -1


def in_sql(buckets, values, field, edge=None) -> list[int]:
    one_row = Agency.objects.order_by("pk")[:1]
    annotations = {}
    for n, value in enumerate(values):
        annotations[f"v{n}"] = Value(value, output_field=field)
        annotations[f"b{n}"] = _bucket(f"v{n}", buckets, **({"edge": edge} if edge else {}))
    row = one_row.annotate(**annotations).values(*[f"b{n}" for n in range(len(values))]).get()
    return [row[f"b{n}"] for n in range(len(values))]


# Buckets as (gap before, length) in days, laid end to end from FIRST.
layouts = st.lists(st.tuples(st.integers(0, 3), st.integers(1, 40)), min_size=2, max_size=60)


def laid_out(layout: list[tuple[int, int]]) -> list[tuple[date, date]]:
    buckets, day = [], FIRST
    for gap, length in layout:
        day += timedelta(days=gap)
        buckets.append((day, day + timedelta(days=length - 1)))
        day += timedelta(days=length)
    return buckets


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts, offsets=st.lists(st.one_of(st.none(), st.integers(-5, 2500)), min_size=1, max_size=12))
def test_dates_fall_in_the_bucket_python_finds(agency, layout, offsets):
    buckets = laid_out(layout)
    # Every edge (each bucket's first and last day, and the days either side) as well as random days.
    edges = [d for first, last in buckets for d in (first - timedelta(days=1), first, last, last + timedelta(days=1))]
    days = [None if o is None else FIRST + timedelta(days=o) for o in offsets] + edges[:40]
    assert in_sql(buckets, days, DateField()) == [expected(buckets, d) for d in days]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=layouts,
    moments=st.lists(st.tuples(st.integers(-5, 2500), st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=12),
)
def test_moments_fall_in_the_bucket_of_their_local_day(agency, layout, moments):
    """A timestamp column, with each bucket starting at the local midnight (``_start_of``): a moment
    belongs to the bucket of its day in London, either side of the clocks changing."""
    buckets = laid_out(layout)
    values = [datetime.combine(FIRST + timedelta(days=o), time(h, m), tzinfo=LONDON) for o, h, m in moments]
    # Just before and at each bucket's local midnight.
    for first, _ in buckets[:20]:
        values += [_start_of(first) - timedelta(seconds=1), _start_of(first)]
    found = in_sql(buckets, values, DateTimeField(), edge=_start_of)
    assert found == [expected(buckets, v.astimezone(LONDON).date()) for v in values]


def test_overlapping_buckets_are_refused():
    with pytest.raises(ValueError):
        _bucket("received_on", [(date(2024, 1, 1), date(2024, 3, 31)), (date(2024, 3, 1), date(2024, 6, 30))])


def test_one_bucket_is_every_row_the_query_selects(agency):
    assert in_sql([(FIRST, FIRST + timedelta(days=90))], [FIRST], DateField()) == [0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moments=st.lists(
        st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)),
        min_size=1,
        max_size=20,
    )
)
def test_local_date_is_the_day_in_london(agency, moments):
    # The hours either side of each change of the clocks in the years asked for, as well.
    for year in (2019, 2022, 2026):
        for change in (datetime(year, 3, 31, tzinfo=UTC), datetime(year, 10, 27, tzinfo=UTC)):
            moments += [change + timedelta(minutes=30 * n) for n in range(-6, 6)]
    one_row = Agency.objects.order_by("pk")[:1]
    annotations = {}
    for n, moment in enumerate(moments):
        annotations[f"m{n}"] = Value(moment, output_field=DateTimeField())
        annotations[f"d{n}"] = local_date(f"m{n}", date(2020, 4, 1), date(2025, 3, 31))
    row = one_row.annotate(**annotations).values(*[f"d{n}" for n in range(len(moments))]).get()
    assert [row[f"d{n}"] for n in range(len(moments))] == [m.astimezone(LONDON).date() for m in moments]
