"""A report's independent statements read side by side on their own connections
(``waymark.core.parallel_reads``), only where another connection sees what the caller sees, and
with the same results, errors and logged statements as one after another."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case, make_person
from waymark.cases.models import Case
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.core.parallel_reads import close_connections, read_together, run_in_parallel
from waymark.organisations.models import AgencyKind
from waymark.outcomes.kpis import outcome_figures, outcome_figures_compared


def _thread_and_cases() -> tuple[str, int]:
    return threading.current_thread().name, Case.objects.count()


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_run_in_order_on_the_callers_connection():
    # A test's data is written in a transaction another connection cannot see: read in order here.
    make_case(agency=AgencyFactory(), person=make_person(AgencyFactory()))
    assert connection.in_atomic_block and not run_in_parallel("default")
    found = read_together([_thread_and_cases, _thread_and_cases], using="default")
    assert found == [(threading.current_thread().name, 1)] * 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_read_runs_on_a_pool_thread_that_sees_committed_records():
    make_case(agency=AgencyFactory(), person=make_person(AgencyFactory()))
    assert run_in_parallel("default")
    found = read_together([_thread_and_cases, lambda: "second", _thread_and_cases], using="default")
    assert [cases for _, cases in (found[0], found[2])] == [1, 1]
    assert found[1] == "second"  # in the order given, whichever ended first
    assert all(name.startswith("waymark-reads") for name, _ in (found[0], found[2]))
    with transaction.atomic():  # and never inside one
        assert not run_in_parallel("default")
        assert read_together([_thread_and_cases], using="default")[0][0] == threading.current_thread().name


@pytest.mark.django_db(transaction=True)
def test_a_read_that_asks_for_more_reads_runs_them_in_order_on_its_own_thread():
    def nested() -> list[str]:
        return [name for name, _ in read_together([_thread_and_cases, _thread_and_cases], using="default")]

    first, second = read_together([nested, nested], using="default")
    for names in (first, second):
        assert len(set(names)) == 1 and names[0].startswith("waymark-reads")


@pytest.mark.django_db(transaction=True)
def test_an_error_in_one_read_is_raised_after_every_read_has_ended():
    ended = threading.Event()

    def slow() -> int:
        ended.wait(0.2)
        ended.set()
        return Case.objects.count()

    def broken() -> int:
        raise ValueError("this read failed")

    with pytest.raises(ValueError, match="this read failed"):
        read_together([broken, slow], using="default")
    assert ended.is_set()


@pytest.mark.django_db(transaction=True)
def test_one_thread_reads_in_order_wherever_it_is():
    with override_settings(WAYMARK_REPORT_THREADS=1):
        assert not run_in_parallel("default")
        assert read_together([_thread_and_cases], using="default")[0][0] == threading.current_thread().name


def _partnership() -> None:
    """Cases at two providers over two years: engaged or not, contacted or not, some people twice."""
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    haven = AgencyFactory(name="Haven", kind=AgencyKind.DA_SPECIALIST)
    days = [date(2024, 5, 2), date(2024, 11, 20), date(2025, 4, 1), date(2025, 9, 9), date(2026, 3, 2)]
    for i in range(18):
        person = make_person(harbour, ethnicity=["white_british", "black_african", "asian_indian", ""][i % 4])
        for j in range(1 + i % 2):
            day = days[(i + 2 * j) % len(days)]
            make_case(
                agency=(harbour, haven)[(i + j) % 2],
                person=person,
                referred_on=day,
                engaged_on=day if i % 3 else None,
            )


def _figures(dimension_key: str | None) -> tuple[list, int]:
    """The figures as a page reads them (a split and the year before, or the dashboard's periods),
    and the cases supported in the first (so that a test knows they count something)."""
    as_of = date(2026, 6, 30)
    if dimension_key is None:
        figures = outcome_figures(date(2024, 4, 1), date(2026, 3, 31), as_of=as_of, partnership_wide=True)
        found = [(figures.total, figures.units, [(p.label, p.by_group) for p in figures.periods])]
        return found, figures.outcomes()["supported"].value
    periods = [(date(2025, 4, 1), date(2026, 3, 31)), (date(2024, 4, 1), date(2025, 3, 31))]
    compared = outcome_figures_compared(
        periods, as_of=as_of, partnership_wide=True, dimension=DIMENSIONS[dimension_key]
    )
    assert compared[0].overall is not None
    return [(f.total, f.overall, f.units) for f in compared], compared[0].overall["supported"].value


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dimension_key", [None, "provider", "ethnicity"])
def test_figures_read_side_by_side_are_the_figures_read_in_order_and_log_the_same_statements(dimension_key):
    _partnership()
    with override_settings(WAYMARK_REPORT_THREADS=1), CaptureQueriesContext(connection) as in_order:
        expected, supported = _figures(dimension_key)
    assert run_in_parallel("default")
    with CaptureQueriesContext(connection) as side_by_side:
        found, _ = _figures(dimension_key)
    assert supported > 0
    assert found == expected
    assert repr(found) == repr(expected)  # the same groups, in the same order
    assert sorted(q["sql"] for q in side_by_side.captured_queries) == sorted(
        q["sql"] for q in in_order.captured_queries
    )


def _sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_pools_connections_stay_open_between_reports_work_after_a_drop_and_are_closed_on_request():
    if connection.vendor != "postgresql":
        pytest.skip("sessions and a dropped connection are PostgreSQL's")
    close_connections()
    alone = _sessions()
    read_together([Case.objects.count, Case.objects.count], using="default")
    assert _sessions() > alone  # kept for the next report

    def dropped() -> None:  # as a server restart or an idle timeout leaves it
        connections["default"].connection.close()

    read_together([dropped, dropped], using="default")
    assert read_together([Case.objects.count, Case.objects.count], using="default") == [0, 0]
    close_connections()
    assert _sessions() == alone
