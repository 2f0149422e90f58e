"""The caseworker's and manager's pages ask the database the same number of questions however many
records sit behind them (issue 15, item 4): no query per contact attempt, note, task or case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.people.factories import PersonFactory
from waymark.cases.actions import case_note_add, contact_attempt_record, task_add
from waymark.cases.models import ContactChannelKind, ContactOutcome
from waymark.cases.states import CaseStatus

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # once to settle the session and per-user caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def open_case(worker, team, agency):
    referred = timezone.localdate() - timedelta(days=30)
    return make_case(
        person=PersonFactory(held_by=agency),
        agency=agency,
        status=CaseStatus.ACTIVE,
        caseworker=worker,
        team=team,
        referred_on=referred,
        opened_on=referred,
    )


def add_records(case, worker, count: int) -> None:
    now = timezone.now()
    for n in range(count):
        contact_attempt_record(
            actor=worker,
            case=case,
            kind=ContactChannelKind.IN_PERSON,
            outcome=ContactOutcome.NO_ANSWER,
            attempted_at=now - timedelta(hours=n + 1),
        )
        case_note_add(actor=worker, case=case, body=f"Note {n}")
        task_add(
            actor=worker, case=case, title=f"Task {n}", due_on=timezone.localdate() + timedelta(days=n), owner=worker
        )


def test_the_case_page_asks_the_same_questions_for_one_record_as_for_twenty(
    idva, idva_team, specialist_agency, client_for
):
    case = open_case(idva, idva_team, specialist_agency)
    client = client_for(idva)
    url = reverse("cases:detail", args=[case.pk])
    add_records(case, idva, 1)
    one = queries(client, url)
    add_records(case, idva, 19)
    assert queries(client, url) == one


@pytest.mark.parametrize("page", ["cases:mine", "home"])
def test_the_caseworkers_pages_ask_the_same_questions_for_two_cases_as_for_forty(
    page, idva, idva_team, specialist_agency, client_for
):
    client = client_for(idva)
    for _ in range(2):
        add_records(open_case(idva, idva_team, specialist_agency), idva, 1)
    two = queries(client, reverse(page))
    for _ in range(38):
        add_records(open_case(idva, idva_team, specialist_agency), idva, 1)
    assert queries(client, reverse(page)) == two


@pytest.mark.parametrize("page", ["cases:team", "home"])
def test_the_managers_pages_ask_the_same_questions_for_a_small_team_as_for_a_busy_one(
    page, idva, colleague, manager, idva_team, specialist_agency, client_for
):
    client = client_for(manager)
    open_case(idva, idva_team, specialist_agency)
    small = queries(client, reverse(page))
    for worker in (idva, colleague):
        for _ in range(15):
            add_records(open_case(worker, idva_team, specialist_agency), worker, 1)
    assert queries(client, reverse(page)) == small


# --- The case page's sections, and the rest of the agency --------------------------------------
# The case page reads the checked case's own records (plans, goals, interventions): how many there
# are must not matter, and neither must how many other cases, people and assessments the agency
# holds. Budgets: the whole page, middleware, session and its VIEW audit row included. A change
# that adds a query per section or per record fails here; lower them when a page gets cheaper.
# The figures are PostgreSQL's, one above SQLite's: the audit chain's advisory lock.
CASE_PAGE_BUDGET = 38
CASELOAD_BUDGET = 18
TEAM_PAGE_BUDGET = 24
WORKER_HOME_BUDGET = 22
MANAGER_HOME_BUDGET = 14


def add_support_records(case, worker, domains) -> None:
    from waymark.support.actions import goal_add, intervention_record, need_record
    from waymark.support.choices import NeedLevel
    from waymark.support.models import Service

    today = timezone.localdate()
    service = Service.objects.filter(is_active=True, for_children=False).first()
    for domain in domains:
        need = need_record(
            actor=worker, case=case, domain=domain, level=NeedLevel.HIGH, identified_on=today - timedelta(days=3)
        )
        goal_add(
            actor=worker,
            need=need,
            description="A goal",
            target_on=today - timedelta(days=1),
            set_on=today - timedelta(days=2),
        )
        intervention_record(actor=worker, case=case, service=service, offered_on=today - timedelta(days=2))


def test_the_case_page_asks_the_same_questions_however_many_plans_goals_and_interventions(
    idva, idva_team, specialist_agency, client_for
):
    from waymark.support.choices import NeedDomain

    case = open_case(idva, idva_team, specialist_agency)
    client = client_for(idva)
    url = reverse("cases:detail", args=[case.pk])
    domains = list(NeedDomain)
    add_support_records(case, idva, domains[:1])
    one = queries(client, url)
    add_support_records(case, idva, domains[1:6])
    assert queries(client, url) == one
    assert one <= CASE_PAGE_BUDGET


def other_teams_records(agency, count: int) -> None:
    """Cases, people and assessments the agency holds that are nobody's on these pages."""
    from tests.factories import TeamFactory, make_member
    from waymark.core.roles import Role

    team = TeamFactory(agency=agency)
    worker = make_member(Role.CASEWORKER, team=team)
    for _ in range(count):
        add_records(open_case(worker, team, agency), worker, 1)
        PersonFactory(held_by=agency)


@pytest.mark.parametrize(
    ("persona", "page", "budget"),
    [
        ("idva", "case", CASE_PAGE_BUDGET),
        ("idva", "cases:mine", CASELOAD_BUDGET),
        ("idva", "home", WORKER_HOME_BUDGET),
        ("manager", "case", CASE_PAGE_BUDGET),
        ("manager", "cases:team", TEAM_PAGE_BUDGET),
        ("manager", "home", MANAGER_HOME_BUDGET),
    ],
)
def test_the_pages_start_from_the_caseload_not_from_everything_the_agency_holds(
    persona, page, budget, idva, manager, idva_team, specialist_agency, client_for
):
    user = {"idva": idva, "manager": manager}[persona]
    case = open_case(idva, idva_team, specialist_agency)
    add_records(case, idva, 1)
    url = reverse("cases:detail", args=[case.pk]) if page == "case" else reverse(page)
    client = client_for(user)
    alone = queries(client, url)
    other_teams_records(specialist_agency, 12)
    assert queries(client, url) == alone
    assert alone <= budget, f"{page} for the {persona}: {alone} queries, over its budget of {budget}"
