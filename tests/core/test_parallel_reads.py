"""A report's independent statements read side by side on their own connections
(``waymark.core.parallel_reads``), only where another connection sees what the caller sees, and
with the same results, errors and logged statements as one after another."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from tests.factories import AgencyFactory, make_member
from tests.marac.meeting_fixtures import two_years_of_hearings
from tests.outcomes.factories import make_case, make_person
from waymark.cases.models import Case
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.core.parallel_reads import close_connections, read_ahead, read_together, run_in_parallel
from waymark.core.roles import Role
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
    second_ended = threading.Event()

    def first() -> tuple[str, int]:  # ends after the second has
        assert second_ended.wait(5)
        return _thread_and_cases()

    def second() -> tuple[str, int]:
        try:
            return _thread_and_cases()
        finally:
            second_ended.set()

    found = read_together([first, second], using="default")
    assert [cases for _, cases in found] == [1, 1]  # in the order given, not the order they ended
    assert all(name.startswith("waymark-reads") for name, _ in found) and found[0][0] != found[1][0]
    with transaction.atomic():  # and never inside a transaction
        assert not run_in_parallel("default")
        assert read_together([_thread_and_cases] * 2, using="default")[0][0] == threading.current_thread().name
    transaction.set_autocommit(False)  # nor one begun without a block
    try:
        assert not run_in_parallel("default")
    finally:
        transaction.set_autocommit(True)


@pytest.mark.django_db(transaction=True)
def test_a_read_runs_in_the_callers_context_so_a_reports_read_goes_to_the_reports_database():
    from waymark.core.db_router import _reading_reports, reading_reports

    def reporting() -> bool:
        return _reading_reports.get()

    with reading_reports():
        found = read_together([reporting, reporting], using="default")
    assert found == [True, True]
    assert read_together([reporting, reporting], using="default") == [False, False]


@pytest.mark.django_db(transaction=True)
def test_while_the_pool_works_for_someone_else_a_report_reads_in_order_on_its_own_connection():
    from waymark.core import parallel_reads

    release = threading.Event()
    elsewhere = parallel_reads._submit([lambda: release.wait(5)], "default")  # another request's read
    assert elsewhere is not None
    try:
        names = [name for name, _ in read_together([_thread_and_cases] * 2, using="default")]
        assert names == [threading.current_thread().name] * 2  # not queued behind it
    finally:
        release.set()
        elsewhere[0].result()
    assert all(n.startswith("waymark-reads") for n, _ in read_together([_thread_and_cases] * 2, using="default"))


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

    each_thread = threading.Barrier(2)  # one task a thread: each thread's connection dropped

    def dropped() -> None:  # as a server restart or an idle timeout leaves it
        each_thread.wait(5)
        connections["default"].connection.close()

    read_together([dropped, dropped], using="default")
    assert read_together([Case.objects.count, Case.objects.count], using="default") == [0, 0]
    close_connections()
    assert _sessions() == alone


@pytest.mark.django_db(transaction=True)
def test_a_pool_threads_connection_is_kept_for_a_while_and_then_opened_again(monkeypatch):
    from waymark.core import parallel_reads

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database keeps its one connection however it is closed")
    each_thread = threading.Barrier(2)

    def connection_of_this_thread() -> tuple[str, int]:
        each_thread.wait(5)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")  # the server's process for this connection
            return threading.current_thread().name, cursor.fetchone()[0]

    close_connections()
    first = dict(read_together([connection_of_this_thread] * 2, using="default"))
    assert dict(read_together([connection_of_this_thread] * 2, using="default")) == first  # kept
    monkeypatch.setattr(parallel_reads, "POOL_CONNECTION_SECONDS", -1.0)
    again = dict(read_together([connection_of_this_thread] * 2, using="default"))
    assert again.keys() == first.keys() and all(again[name] != first[name] for name in first)  # opened again


@pytest.mark.django_db
def test_a_read_ahead_inside_a_transaction_is_read_at_once_on_the_callers_thread():
    make_case(agency=AgencyFactory(), person=make_person(AgencyFactory()))
    reading = read_ahead(_thread_and_cases, using="default")
    assert reading.result() == (threading.current_thread().name, 1)


@pytest.mark.django_db(transaction=True)
def test_a_read_ahead_runs_on_the_pool_while_the_caller_works_and_logs_its_statements_once():
    if connection.vendor == "sqlite":
        make_case(agency=AgencyFactory(), person=make_person(AgencyFactory()))
        assert run_in_parallel("default")  # side by side for read_together, but not ahead on SQLite
        assert read_ahead(_thread_and_cases, using="default").result() == (threading.current_thread().name, 1)
        return
    make_case(agency=AgencyFactory(), person=make_person(AgencyFactory()))
    started = threading.Event()
    go_on = threading.Event()

    def waits() -> tuple[str, int]:
        started.set()
        go_on.wait(5)
        return _thread_and_cases()

    with CaptureQueriesContext(connection) as captured:
        reading = read_ahead(waits, using="default")
        assert started.wait(5)  # begun before the caller asks for it
        assert Case.objects.count() == 1  # the caller works meanwhile
        go_on.set()
        name, cases = reading.result()
        assert reading.result() == (name, cases)
    assert name.startswith("waymark-reads") and cases == 1
    counts = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(counts) == 2  # the caller's and the read's, the read's once however often asked


@pytest.mark.django_db(transaction=True)
@time_machine.travel(date(2026, 11, 24))
def test_the_home_pages_long_reads_run_ahead_and_give_the_panels_read_in_order(monkeypatch, settings):
    from waymark.marac.home import marac_performance_panel
    from waymark.web import home

    settings.DISCLOSURE_SUPPRESS_BELOW = 1  # hand-counted tiny figures
    two_years_of_hearings()
    _partnership()
    commissioner = make_member(Role.COMMISSIONER)
    with override_settings(WAYMARK_REPORT_THREADS=1):
        in_order = home.panels_for(commissioner)
    read_on: list[str] = []
    reads = home._READS[marac_performance_panel]

    def recorded() -> object:
        read_on.append(threading.current_thread().name)
        return reads()

    monkeypatch.setitem(home._READS, marac_performance_panel, recorded)
    ahead = home.panels_for(commissioner)
    assert ahead == in_order
    on_sqlite = connection.vendor == "sqlite"  # read at once there (``read_ahead`` says why)
    assert read_on == [threading.current_thread().name] if on_sqlite else read_on[0].startswith("waymark-reads")
    figures = {f.label: f.value for _, panels in ahead for panel in panels for f in panel.figures}
    assert figures["Cases discussed in 2026/27 so far"] == 2 and figures["Repeat rate in 2026/27 so far"] == "100%"
