"""Caseloads: the caseworker's and the team manager's dashboards, and the home-page panels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.factories import make_member
from tests.people.factories import PersonFactory
from waymark.cases.home import _my_cases, _team_cases
from waymark.cases.models import Case, Task
from waymark.cases.selectors import WorkerLoad, team_dashboard, worker_dashboard
from waymark.cases.states import CaseStatus
from waymark.core.dates import add_months
from waymark.core.roles import Role
from waymark.outcomes.models import OutcomeMeasure, Stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def open_cases_for(worker, team, agency, count, **fields):
    people = [PersonFactory(held_by=agency) for _ in range(count)]
    return [
        make_case(person=p, agency=agency, status=CaseStatus.ACTIVE, caseworker=worker, team=team, **fields)
        for p in people
    ]


def closed_cases(agency, count):
    """Thousands of closed cases written in one go, as an agency's history would be."""
    person = PersonFactory(held_by=agency)
    Case.objects.bulk_create(
        Case(
            number=f"C-2015-{n:06d}",
            person=person,
            agency=agency,
            status=CaseStatus.CLOSED,
            referred_on=TODAY() - timedelta(days=3000),
            opened_on=TODAY() - timedelta(days=3000),
            closed_on=TODAY() - timedelta(days=2900),
        )
        for n in range(count)
    )


# --- The caseworker's dashboard --------------------------------------------------------------


@pytest.fixture
def dash24(db):
    from waymark.risk.loading import ensure_shipped_instrument
    from waymark.risk.models import RiskInstrument, RiskItem

    return ensure_shipped_instrument(RiskInstrument, RiskItem)


def test_my_dashboard_lists_my_open_cases_and_what_is_due(
    idva, idva_team, colleague, specialist_agency, dash24, client_for
):
    from waymark.risk.actions import risk_assessment_record

    mine = open_cases_for(idva, idva_team, specialist_agency, 3, first_contact_at=timezone.now())
    overdue = make_case(
        person=PersonFactory(held_by=specialist_agency),
        agency=specialist_agency,
        status=CaseStatus.ALLOCATED,
        caseworker=idva,
        team=idva_team,
        referred_on=TODAY() - timedelta(days=10),
    )
    not_mine = open_cases_for(colleague, idva_team, specialist_agency, 1)[0]
    closed = make_case(
        person=PersonFactory(held_by=specialist_agency),
        agency=specialist_agency,
        status=CaseStatus.CLOSED,
        caseworker=idva,
        team=idva_team,
    )
    # A reassessment due in a week, an outcome review due in a week, a task due tomorrow.
    risk_assessment_record(
        actor=idva,
        person=mine[0].person,
        instrument=dash24,
        assessed_on=add_months(TODAY(), -3) + timedelta(days=7),
        yes_count=8,
        agency=specialist_agency,
    )
    OutcomeMeasure.objects.create(
        case=mine[1],
        subject=mine[1].person,
        stage=Stage.INTAKE,
        measured_on=add_months(TODAY(), -3) + timedelta(days=7),
    )
    Task.objects.create(
        case=mine[2], title="Chase the housing panel", due_on=TODAY() + timedelta(days=1), owner=idva, created_by=idva
    )
    Task.objects.create(
        case=mine[2], title="Next month", due_on=TODAY() + timedelta(days=30), owner=idva, created_by=idva
    )

    dashboard = worker_dashboard(idva)
    assert {row.case for row in dashboard.rows} == {*mine, overdue}
    assert [row.case for row in dashboard.overdue_first_contacts] == [overdue]
    assert [row.case for row in dashboard.reassessments_due] == [mine[0]]
    assert [row.case for row in dashboard.reviews_due] == [mine[1]]
    assert [task.title for task in dashboard.tasks] == ["Chase the housing panel"]

    page = client_for(idva).get(reverse("cases:mine")).content.decode()
    for case in (*mine, overdue):
        assert case.number in page
    assert not_mine.number not in page and closed.number not in page
    assert "Chase the housing panel" in page and "Next month" not in page


def test_my_open_cases_show_their_risk_and_order_by_risk_or_what_is_due(
    idva, idva_team, specialist_agency, dash24, client_for
):
    """A tester, as an IDVA with forty cases, opened each to find the high-risk ones: the list now
    shows each client's current level, and orders by it or by what falls due soonest."""
    from waymark.risk.actions import risk_assessment_record

    oldest, middle, newest = (
        make_case(
            person=PersonFactory(held_by=specialist_agency),
            agency=specialist_agency,
            status=CaseStatus.ACTIVE,
            caseworker=idva,
            team=idva_team,
            referred_on=TODAY() - timedelta(days=days),
            first_contact_at=timezone.now(),
        )
        for days in (90, 60, 30)
    )
    # Newest: high now (medium before); middle: standard; oldest: no checklist.
    for yes_count, days_ago in ((11, 40), (16, 5)):
        risk_assessment_record(
            actor=idva,
            person=newest.person,
            instrument=dash24,
            assessed_on=TODAY() - timedelta(days=days_ago),
            yes_count=yes_count,
            agency=specialist_agency,
        )
    # Middle: standard, assessed long enough ago that its reassessment falls due within the fortnight.
    risk_assessment_record(
        actor=idva,
        person=middle.person,
        instrument=dash24,
        assessed_on=add_months(TODAY(), -3) + timedelta(days=3),
        yes_count=2,
        agency=specialist_agency,
    )
    dashboard = worker_dashboard(idva)
    assert {row.case: row.risk_level for row in dashboard.rows} == {oldest: "", middle: "standard", newest: "high"}
    assert [row.case for row in dashboard.sorted_by("referred")] == [oldest, middle, newest]
    assert [row.case for row in dashboard.sorted_by("risk")] == [newest, middle, oldest]
    # Only the middle one has something due; the others follow, oldest referral first.
    assert [row.case for row in dashboard.sorted_by("due")] == [middle, oldest, newest]

    client = client_for(idva)
    page = client.get(reverse("cases:mine"), {"order": "risk"}).content.decode()
    table = page.split('id="open-cases"', 1)[1]
    assert table.index(newest.number) < table.index(middle.number) < table.index(oldest.number)
    assert "High</strong>" in table and "No checklist" in table
    # An order the page does not offer falls back to the oldest referral first.
    table = client.get(reverse("cases:mine"), {"order": "name"}).content.decode().split('id="open-cases"', 1)[1]
    assert table.index(oldest.number) < table.index(newest.number)


def test_my_dashboard_takes_the_same_few_queries_for_forty_cases_as_for_two(idva, idva_team, specialist_agency):
    open_cases_for(idva, idva_team, specialist_agency, 2)
    closed_cases(specialist_agency, 50)
    worker_dashboard(idva)  # the user's memberships are read once and kept
    with CaptureQueriesContext(connection) as few:
        worker_dashboard(idva)
    open_cases_for(idva, idva_team, specialist_agency, 38)
    with CaptureQueriesContext(connection) as many:
        dashboard = worker_dashboard(idva)
    assert len(dashboard.rows) == 40
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_my_dashboard_page_renders_forty_cases_in_a_bounded_number_of_queries(
    idva, idva_team, specialist_agency, client_for, django_assert_max_num_queries
):
    open_cases_for(idva, idva_team, specialist_agency, 40)
    client = client_for(idva)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("cases:mine")).status_code == 200


# --- The team manager's dashboard ------------------------------------------------------------


def test_team_dashboard_queue_caseloads_overdue_and_closures(
    manager, idva, idva_team, colleague, specialist_agency, client_for
):
    colleague_membership = colleague.memberships.get()
    colleague_membership.fte = Decimal("0.50")
    colleague_membership.save()
    open_cases_for(idva, idva_team, specialist_agency, 3, first_contact_at=timezone.now())
    open_cases_for(colleague, idva_team, specialist_agency, 2, first_contact_at=timezone.now())
    waiting = make_case(
        person=PersonFactory(held_by=specialist_agency),
        agency=specialist_agency,
        referred_on=TODAY() - timedelta(days=9),
    )
    closing = make_case(
        person=PersonFactory(held_by=specialist_agency),
        agency=specialist_agency,
        status=CaseStatus.CLOSURE_REQUESTED,
        caseworker=idva,
        team=idva_team,
        first_contact_at=timezone.now(),
        closure_reason="support_completed",
    )
    closed_cases(specialist_agency, 30)

    dashboard = team_dashboard(manager)
    assert [row.case for row in dashboard.awaiting] == [waiting] and dashboard.awaiting_count == 1
    assert [row.case for row in dashboard.overdue] == [waiting]
    assert dashboard.closures == [closing]
    loads = {load.user: load for load in dashboard.workers}
    assert loads[idva].open_cases == 4  # three active and one awaiting a closure decision
    assert loads[colleague].open_cases == 2 and loads[colleague].fte == Decimal("0.50")
    assert loads[colleague].per_fte == Decimal("4.0")
    assert dashboard.total_open == 6 and dashboard.total_fte == Decimal("1.50")

    page = client_for(manager).get(reverse("cases:team")).content.decode()
    assert waiting.number in page and closing.number in page
    assert reverse("cases:allocate", args=[waiting.pk]) in page
    assert reverse("cases:closure_decision", args=[closing.pk]) in page


@pytest.mark.parametrize(
    ("open_cases", "fte", "band"),
    [
        (59, "1.00", "below"),
        (60, "1.00", "within"),
        (80, "1.00", "within"),
        (81, "1.00", "above"),
        (41, "0.50", "above"),
    ],
)
def test_caseload_per_full_time_worker_against_the_benchmark(open_cases, fte, band):
    load = WorkerLoad(user=None, teams=[], fte=Decimal(fte), open_cases=open_cases, overdue_first_contacts=0)
    assert load.band == band


def test_the_benchmark_is_configurable(settings):
    settings.CASES_CASELOAD_BENCHMARK = (10, 20)
    assert WorkerLoad(user=None, teams=[], fte=Decimal(1), open_cases=21, overdue_first_contacts=0).band == "above"


def test_team_dashboard_is_a_few_queries_however_many_cases_and_workers(
    manager, idva_team, specialist_agency, client_for
):
    workers = [make_member(Role.CASEWORKER, team=idva_team) for _ in range(2)]
    for worker in workers:
        open_cases_for(worker, idva_team, specialist_agency, 2)
    team_dashboard(manager)  # the user's memberships are read once and kept
    with CaptureQueriesContext(connection) as few:
        team_dashboard(manager)
    workers += [make_member(Role.CASEWORKER, team=idva_team) for _ in range(3)]
    for worker in workers:
        open_cases_for(worker, idva_team, specialist_agency, 8)
    closed_cases(specialist_agency, 2000)
    for _ in range(5):
        make_case(person=PersonFactory(held_by=specialist_agency), agency=specialist_agency)
    with CaptureQueriesContext(connection) as many:
        dashboard = team_dashboard(manager)
    assert len(dashboard.workers) == 5 and dashboard.awaiting_count == 5
    assert len(many.captured_queries) == len(few.captured_queries) <= 13


def test_team_dashboard_counts_what_falls_due_for_each_worker(manager, idva, idva_team, specialist_agency):
    mine = open_cases_for(idva, idva_team, specialist_agency, 3, first_contact_at=timezone.now())
    colleague = make_member(Role.CASEWORKER, team=idva_team)
    theirs = open_cases_for(colleague, idva_team, specialist_agency, 1, first_contact_at=timezone.now())
    # An outcome review falls due 3 months after intake: one inside the 14-day window, one well outside.
    OutcomeMeasure.objects.create(
        case=mine[0], subject=mine[0].person, stage=Stage.INTAKE, measured_on=add_months(TODAY(), -3)
    )
    OutcomeMeasure.objects.create(case=theirs[0], subject=theirs[0].person, stage=Stage.INTAKE, measured_on=TODAY())
    Task.objects.create(case=mine[1], title="Call back", due_on=TODAY(), owner=idva, created_by=idva)
    Task.objects.create(case=mine[1], title="Later", due_on=TODAY() + timedelta(days=30), owner=idva, created_by=idva)
    Task.objects.create(
        case=theirs[0], title="Done", due_on=TODAY(), owner=colleague, created_by=colleague, done_at=timezone.now()
    )

    dashboard = team_dashboard(manager)
    loads = {load.user: load for load in dashboard.workers}
    assert (loads[idva].reviews_due, loads[idva].tasks_due) == (1, 1)
    assert (loads[colleague].reviews_due, loads[colleague].tasks_due) == (0, 0)
    assert dashboard.due["reviews_due"] == 1 and dashboard.due["tasks_due"] == 1


def test_a_manager_elsewhere_sees_nothing_of_this_service(other_agency_manager, allocated_case):
    dashboard = team_dashboard(other_agency_manager)
    assert not dashboard.awaiting and not dashboard.workers and not dashboard.overdue


# --- Home-page panels ------------------------------------------------------------------------


def test_home_panels_show_real_figures(idva, manager, idva_team, specialist_agency, client_for):
    open_cases_for(idva, idva_team, specialist_agency, 2, first_contact_at=timezone.now())
    open_cases_for(idva, idva_team, specialist_agency, 1, referred_on=TODAY() - timedelta(days=10))
    make_case(person=PersonFactory(held_by=specialist_agency), agency=specialist_agency)
    figures = {f.label: f.value for f in _my_cases(idva).figures}
    assert figures == {
        "Open cases": 3,
        "Overdue first contacts": 1,
        "Tasks due this week": 0,
        "Risk reassessments overdue or due in the next 14 days": 0,
    }
    team = {f.label: f.value for f in _team_cases(manager).figures}
    assert team == {
        "Awaiting allocation": 1,
        "Overdue first contacts": 1,
        "Closures to approve": 0,
        "Risk reassessments on the team's cases, overdue or due in the next 14 days": 0,
    }
    page = client_for(idva).get(reverse("home")).content.decode()
    assert "Your cases" in page


def test_reassessment_figures_start_from_the_caseload_and_match_the_lists_they_link_to(
    idva, manager, colleague, idva_team, specialist_agency, dash24
):
    """An IDVA's home counts the reassessments due on her own cases (the list on her caseload
    page), not every assessment her agency holds; her manager's counts the team's caseloads (the
    team page's figure)."""
    from waymark.risk.actions import risk_assessment_record

    mine = open_cases_for(idva, idva_team, specialist_agency, 2)
    theirs = open_cases_for(colleague, idva_team, specialist_agency, 1)
    no_case = PersonFactory(held_by=specialist_agency)  # a partner's assessment: agency-wide list only
    for person in (mine[0].person, theirs[0].person, no_case):
        risk_assessment_record(
            actor=None, person=person, instrument=dash24, assessed_on=add_months(TODAY(), -3), yes_count=3
        )
    mine_figure = {f.label: f for f in _my_cases(idva).figures}["Risk reassessments overdue or due in the next 14 days"]
    assert mine_figure.value == len(worker_dashboard(idva).reassessments_due) == 1
    assert mine_figure.href == reverse("cases:mine") + "#reassessments"
    team_figure = next(f for f in _team_cases(manager).figures if f.label.startswith("Risk reassessments"))
    assert team_figure.value == team_dashboard(manager).due["reassessments_due"] == 2


def test_my_dashboard_shows_legal_orders_expiring(idva, idva_team, specialist_agency, client_for):
    from waymark.support.models import LegalOrder

    case = open_cases_for(idva, idva_team, specialist_agency, 1)[0]
    order = LegalOrder.objects.create(
        case=case,
        kind="non_molestation",
        status="granted",
        granted_on=TODAY() - timedelta(days=300),
        expires_on=TODAY() + timedelta(days=10),
        against=PersonFactory(held_by=specialist_agency, primary_role="person_causing_harm"),
        recorded_by=idva,
    )
    dashboard = worker_dashboard(idva)
    assert dashboard.orders_available and dashboard.orders == [order]
    assert dashboard.rows[0].orders == [order]
    page = client_for(idva).get(reverse("cases:mine")).content.decode()
    expected = f"non-molestation order expires {(TODAY() + timedelta(days=10)):%-d %B %Y}"
    assert expected.lower() in page.lower()


# --- Safety plan reviews on the dashboards ------------------------------------------------------


def _plan(case, version, reviewed_on, next_review_on, by):
    from waymark.support.models import SafetyPlan

    return SafetyPlan.objects.create(
        case=case, version=version, reviewed_on=reviewed_on, next_review_on=next_review_on, reviewed_by=by
    )


def test_safety_plan_reviews_due_are_on_the_caseload_and_the_team_dashboard(
    manager, idva, idva_team, specialist_agency, client_for
):
    """The current version's next review, overdue or within 14 days; a later one, an earlier
    version's and a colleague's are not hers."""
    today = TODAY()
    overdue, soon, later, superseded = open_cases_for(idva, idva_team, specialist_agency, 4)
    colleague = make_member(Role.CASEWORKER, team=idva_team)
    (theirs,) = open_cases_for(colleague, idva_team, specialist_agency, 1)
    long_ago = today - timedelta(days=200)
    _plan(overdue, 1, long_ago, today - timedelta(days=5), idva)
    _plan(soon, 1, long_ago, today + timedelta(days=14), idva)
    _plan(later, 1, long_ago, today + timedelta(days=15), idva)
    _plan(superseded, 1, long_ago, today - timedelta(days=30), idva)  # overdue, but reviewed since:
    _plan(superseded, 2, today - timedelta(days=1), today + timedelta(days=90), idva)
    _plan(theirs, 1, long_ago, today, colleague)

    dashboard = worker_dashboard(idva)
    assert [(r.case, r.safety_plan_review_due_on) for r in dashboard.safety_plan_reviews_due] == [
        (overdue, today - timedelta(days=5)),
        (soon, today + timedelta(days=14)),
    ]
    page = client_for(idva).get(reverse("cases:mine")).content.decode()
    assert "Safety plan reviews due" in page and overdue.number in page.split('id="safety-plan-reviews"')[1]

    loads = {load.user: load for load in team_dashboard(manager).workers}
    assert (loads[idva].safety_plan_reviews_due, loads[colleague].safety_plan_reviews_due) == (2, 1)
    assert team_dashboard(manager).due["safety_plan_reviews_due"] == 3


def test_a_safety_plan_review_is_not_shown_to_someone_who_may_not_see_the_plan(idva, idva_team, specialist_agency):
    """The plans' own scope, narrower than the case's, decides: no plan, no date."""
    from unittest import mock

    (case,) = open_cases_for(idva, idva_team, specialist_agency, 1)
    _plan(case, 1, TODAY() - timedelta(days=200), TODAY() - timedelta(days=1), idva)
    assert len(worker_dashboard(idva).safety_plan_reviews_due) == 1
    with mock.patch("waymark.support.access.locations_visible_to", return_value=type(case.person).objects.none()):
        assert worker_dashboard(idva).safety_plan_reviews_due == []
