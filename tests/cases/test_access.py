"""Who may see which case (the scope) and reach which page (the access matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.access import can_work_on, cases_visible_to, get_case_for_user, is_team_manager_for
from waymark.cases.models import Task
from waymark.cases.states import CaseStatus

pytestmark = pytest.mark.django_db

PERSONAS = [
    "idva",
    "colleague",
    "other_team_worker",
    "manager",
    "other_agency_manager",
    "police_referrer",
    "perpetrator_worker",
    "outsider",
]


@pytest.fixture
def people(request):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


# --- The scope, one grant at a time ----------------------------------------------------------


def test_the_allocated_caseworker_sees_the_case(allocated_case, idva):
    assert cases_visible_to(idva).filter(pk=allocated_case.pk).exists()


def test_a_colleague_in_the_same_team_sees_the_case(allocated_case, colleague):
    assert cases_visible_to(colleague).filter(pk=allocated_case.pk).exists()


def test_a_caseworker_in_another_team_does_not(allocated_case, other_team_worker):
    assert not cases_visible_to(other_team_worker).filter(pk=allocated_case.pk).exists()


def test_a_team_manager_of_the_agency_sees_every_case_there(allocated_case, case_factory, manager):
    waiting = case_factory()
    assert set(cases_visible_to(manager).values_list("pk", flat=True)) == {allocated_case.pk, waiting.pk}
    assert is_team_manager_for(manager, allocated_case)


def test_a_team_manager_elsewhere_does_not(allocated_case, other_agency_manager):
    assert not cases_visible_to(other_agency_manager).exists()


@pytest.mark.parametrize("name", ["police_referrer", "perpetrator_worker", "outsider"])
def test_nobody_else_sees_cases(allocated_case, people, name):
    assert not cases_visible_to(people[name]).exists()
    assert not can_work_on(people[name], allocated_case)


def test_a_caseworker_whose_role_ended_loses_the_case(allocated_case, idva, idva_team):
    idva.memberships.update(is_active=False)
    from waymark.accounts.models import User

    assert not cases_visible_to(User.objects.get(pk=idva.pk)).exists()


def test_not_yours_and_no_such_case_are_both_404(allocated_case, other_team_worker):
    from django.http import Http404

    for case_id in (allocated_case.pk, "00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(Http404):
            get_case_for_user(other_team_worker, case_id)


# --- The access matrix: every page, every persona ---------------------------------------------

# Expected status for GET by persona, in PERSONAS order.
CASE_PAGE = [200, 200, 404, 200, 404, 403, 403, 403]
MANAGER_PAGE = [403, 403, 403, 200, 404, 403, 403, 403]

GET_MATRIX = {
    "detail": (CaseStatus.ALLOCATED, CASE_PAGE),
    "contact": (CaseStatus.ALLOCATED, CASE_PAGE),
    "note_add": (CaseStatus.ALLOCATED, CASE_PAGE),
    "task_add": (CaseStatus.ALLOCATED, CASE_PAGE),
    "closure_request": (CaseStatus.ACTIVE, CASE_PAGE),
    "allocate": (CaseStatus.AWAITING_ALLOCATION, MANAGER_PAGE),
    "closure_decision": (CaseStatus.CLOSURE_REQUESTED, MANAGER_PAGE),
}


@pytest.mark.parametrize("page", sorted(GET_MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_case_pages_access_matrix(page, persona, people, case_factory, idva, idva_team, client_for):
    status, expected = GET_MATRIX[page]
    case = case_factory(
        status=status,
        caseworker=idva if status != CaseStatus.AWAITING_ALLOCATION else None,
        team=idva_team,
        first_contact_at=timezone.now(),
        engaged_on=timezone.localdate(),
        closure_reason="support_completed" if status == CaseStatus.CLOSURE_REQUESTED else "",
    )
    if status == CaseStatus.AWAITING_ALLOCATION:
        case.team = None
        case.save()
    response = client_for(people[persona]).get(reverse(f"cases:{page}", args=[case.pk]))
    assert response.status_code == expected[PERSONAS.index(persona)]
    if response.status_code == 200:
        assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk)).exists()


POST_MATRIX = {
    # page: (status, data, expected for each persona: 302 when allowed to act)
    "status": (CaseStatus.ENGAGED, {"action": "activate"}, [302, 302, 404, 302, 404, 403, 403, 403]),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_status_post_access_matrix(persona, people, case_factory, idva, idva_team, client_for):
    status, data, expected = POST_MATRIX["status"]
    case = case_factory(status=status, caseworker=idva, team=idva_team, first_contact_at=timezone.now())
    response = client_for(people[persona]).post(reverse("cases:status", args=[case.pk]), data)
    assert response.status_code == expected[PERSONAS.index(persona)]
    case.refresh_from_db()
    assert (case.status == CaseStatus.ACTIVE) == (response.status_code == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_task_done_access_matrix(persona, people, allocated_case, idva, client_for):
    task = Task.objects.create(
        case=allocated_case, title="Call the school", due_on=timezone.localdate(), owner=idva, created_by=idva
    )
    response = client_for(people[persona]).post(reverse("cases:task_done", args=[allocated_case.pk, task.pk]))
    expected = CASE_PAGE[PERSONAS.index(persona)]
    assert response.status_code == (302 if expected == 200 else expected)
    task.refresh_from_db()
    assert (task.done_at is not None) == (response.status_code == 302)


DASHBOARDS = {
    "mine": [200, 200, 200, 403, 403, 403, 403, 403],
    "team": [403, 403, 403, 200, 200, 403, 403, 403],
}


@pytest.mark.parametrize("page", sorted(DASHBOARDS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboards_access_matrix(page, persona, people, allocated_case, client_for):
    # Overdue for first contact, so that both dashboards list it.
    allocated_case.referred_on = timezone.localdate() - timezone.timedelta(days=10)
    allocated_case.save()
    response = client_for(people[persona]).get(reverse(f"cases:{page}"))
    assert response.status_code == DASHBOARDS[page][PERSONAS.index(persona)]
    if response.status_code == 200:
        shows = allocated_case.number in response.content.decode()
        # Only the allocated caseworker's own list and her service's manager show the case.
        assert shows == (persona in {"idva", "manager"})


FOR_PERSON = [200, 200, 200, 200, 404, 403, 403, 403]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persons_cases_page_lists_only_visible_cases(persona, people, allocated_case, client_for):
    response = client_for(people[persona]).get(reverse("cases:for_person", args=[allocated_case.person.pk]))
    assert response.status_code == FOR_PERSON[PERSONAS.index(persona)]
    if response.status_code == 200:
        shows = allocated_case.number in response.content.decode()
        assert shows == (persona in {"idva", "colleague", "manager"})


def test_every_case_url_declares_a_rule():
    from waymark.cases import urls

    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "access_rule", None) is not None, pattern.name


def test_the_persons_page_links_to_their_cases_for_case_roles_only(allocated_case, idva, client_for, specialist_agency):
    from tests.factories import make_member
    from waymark.core.roles import Role

    link = reverse("cases:for_person", args=[allocated_case.person.pk])
    person_page = reverse("people:detail", args=[allocated_case.person.pk])
    assert link in client_for(idva).get(person_page).content.decode()
    housing = make_member(Role.HOUSING_OFFICER, agency=specialist_agency)
    response = client_for(housing).get(person_page)
    assert response.status_code == 200 and link not in response.content.decode()


# --- Notes: the one sensitive-note rule ------------------------------------------------------


def test_the_sensitive_note_rule_is_one_scope_over_every_case(allocated_case, idva, colleague, manager, people):
    from waymark.cases import actions
    from waymark.cases.access import notes_listed_beyond_the_case
    from waymark.cases.models import CaseNote

    ordinary = actions.case_note_add(actor=colleague, case=allocated_case, body="Ordinary note")
    by_colleague = actions.case_note_add(actor=colleague, case=allocated_case, body="Colleague's", sensitive=True)
    by_idva = actions.case_note_add(actor=idva, case=allocated_case, body="IDVA's", sensitive=True)
    # The allocated caseworker and team managers read every note; a colleague covering reads
    # ordinary notes and the sensitive notes they wrote.
    assert set(CaseNote.objects.visible_to(idva)) == {ordinary, by_colleague, by_idva}
    assert set(CaseNote.objects.visible_to(manager)) == {ordinary, by_colleague, by_idva}
    assert set(CaseNote.objects.visible_to(colleague)) == {ordinary, by_colleague}
    # Nobody who may not see the case reads any of its notes, not even an ordinary one.
    for name in ("other_team_worker", "other_agency_manager", "police_referrer", "perpetrator_worker", "outsider"):
        assert not CaseNote.objects.visible_to(people[name]).exists(), name
    # Beyond the case page (the journey), no sensitive note is listed, whoever is looking.
    for user in (idva, manager, colleague):
        assert set(notes_listed_beyond_the_case(user)) == {ordinary}
