"""Allocation, engagement, closure, reopening, notes and tasks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import record_exit_outcomes
from tests.factories import AgencyFactory, TeamFactory, make_member
from waymark.audit.models import AuditEvent
from waymark.cases import actions, selectors
from waymark.cases.access import notes_visible_to
from waymark.cases.models import CaseNote, CaseStatusChange, Task
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


# --- Allocation ------------------------------------------------------------------------------


def test_a_manager_allocates_to_a_caseworker_and_the_team_follows(case_factory, manager, idva, idva_team):
    case = case_factory()
    actions.case_allocate(actor=manager, case=case, caseworker=idva)
    case.refresh_from_db()
    assert (case.status, case.caseworker, case.team) == (CaseStatus.ALLOCATED, idva, idva_team)
    assert case.allocated_at is not None
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.ALLOCATED, changed_by=manager).exists()
    assert AuditEvent.objects.filter(object_id=str(case.pk), detail__field="caseworker").exists()


@pytest.mark.parametrize("who", ["idva", "colleague", "other_agency_manager", "police_referrer"])
def test_only_a_manager_of_the_cases_agency_allocates(who, request, case_factory, idva):
    case = case_factory()
    with pytest.raises(PermissionDenied):
        actions.case_allocate(actor=request.getfixturevalue(who), case=case, caseworker=idva)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_ALLOCATION


def test_the_caseworker_must_be_a_caseworker_at_the_agency(case_factory, manager, police_referrer, specialist_agency):
    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory())
    housing = make_member(Role.HOUSING_OFFICER, agency=specialist_agency)
    case = case_factory()
    for person in (elsewhere, housing, police_referrer, manager):
        with pytest.raises(ValidationError) as refused:
            actions.case_allocate(actor=manager, case=case, caseworker=person)
        assert "caseworker" in refused.value.message_dict
    case.refresh_from_db()
    assert case.caseworker is None


def test_reallocation_while_open_keeps_the_status(allocated_case, manager, other_team_worker, other_team):
    allocated_case.status = CaseStatus.ACTIVE
    allocated_case.save()
    actions.case_allocate(actor=manager, case=allocated_case, caseworker=other_team_worker)
    allocated_case.refresh_from_db()
    assert allocated_case.status == CaseStatus.ACTIVE
    assert (allocated_case.caseworker, allocated_case.team) == (other_team_worker, other_team)
    assert AuditEvent.objects.filter(detail__reallocated=True).exists()


def test_allocating_to_the_same_caseworker_again_is_refused(allocated_case, manager, idva):
    with pytest.raises(ValidationError, match="already allocated"):
        actions.case_allocate(actor=manager, case=allocated_case, caseworker=idva)


def test_a_closed_case_is_not_allocated(case_factory, manager, idva):
    case = case_factory(status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        actions.case_allocate(actor=manager, case=case, caseworker=idva)


def test_a_named_team_must_be_one_of_the_caseworkers(case_factory, manager, idva, other_team):
    with pytest.raises(ValidationError) as refused:
        actions.case_allocate(actor=manager, case=case_factory(), caseworker=idva, team=other_team)
    assert "team" in refused.value.message_dict


def test_the_allocation_page_allocates(client_for, manager, idva, case_factory):
    case = case_factory()
    membership = idva.memberships.get()
    response = client_for(manager).post(reverse("cases:allocate", args=[case.pk]), {"membership": str(membership.pk)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker == idva


def test_the_allocation_page_refuses_no_choice(client_for, manager, idva, case_factory):
    response = client_for(manager).post(reverse("cases:allocate", args=[case_factory().pk]), {})
    assert response.status_code == 200 and "Choose a caseworker" in response.content.decode()


# --- Engagement ------------------------------------------------------------------------------


def test_engagement_needs_a_successful_contact(case_factory, idva, idva_team):
    case = case_factory(status=CaseStatus.CONTACT_ATTEMPTED, caseworker=idva, team=idva_team)
    with pytest.raises(ValidationError, match="successful contact"):
        actions.case_mark_engaged(actor=idva, case=case)
    case.first_contact_at = timezone.now()
    case.save()
    actions.case_mark_engaged(actor=idva, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ENGAGED and case.engaged_on == timezone.localdate()


def test_unable_to_engage_needs_a_reason(case_factory, idva, idva_team):
    case = case_factory(status=CaseStatus.CONTACT_ATTEMPTED, caseworker=idva, team=idva_team)
    with pytest.raises(ValidationError) as refused:
        actions.case_mark_unable_to_engage(actor=idva, case=case, reason="  ")
    assert "reason" in refused.value.message_dict


def test_a_caseworker_in_another_team_cannot_move_the_case(case_factory, idva, idva_team, other_team_worker):
    case = case_factory(status=CaseStatus.ENGAGED, caseworker=idva, team=idva_team, first_contact_at=timezone.now())
    with pytest.raises(PermissionDenied):
        actions.case_activate(actor=other_team_worker, case=case)


# --- Closure ---------------------------------------------------------------------------------


@pytest.fixture
def active_case(case_factory, idva, idva_team):
    return case_factory(
        status=CaseStatus.ACTIVE,
        caseworker=idva,
        team=idva_team,
        first_contact_at=timezone.now(),
        engaged_on=timezone.localdate(),
    )


def test_closure_needs_exit_outcomes_recorded(active_case, idva):
    with pytest.raises(ValidationError) as refused:
        actions.case_request_closure(actor=idva, case=active_case, reason="support_completed", note="Goals met")
    assert "Closure needs outcomes recorded" in refused.value.message_dict["outcomes"][0]
    active_case.refresh_from_db()
    assert active_case.status == CaseStatus.ACTIVE


@pytest.mark.parametrize("reason", ["unable_to_contact", "client_declined"])
def test_a_case_that_never_engaged_closes_without_exit_outcomes(case_factory, idva, idva_team, manager, reason):
    """Nobody was reached, so there is nothing to measure: no invented outcomes."""
    case = case_factory(status=CaseStatus.UNABLE_TO_ENGAGE, caseworker=idva, team=idva_team)
    actions.case_request_closure(actor=idva, case=case, reason=reason, note="Tried six times")
    actions.case_approve_closure(actor=manager, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.engaged_on is None


def test_a_case_that_engaged_still_needs_exit_outcomes_even_if_now_unable_to_engage(
    case_factory, idva, idva_team, manager
):
    case = case_factory(
        status=CaseStatus.UNABLE_TO_ENGAGE,
        caseworker=idva,
        team=idva_team,
        first_contact_at=timezone.now(),
        engaged_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError, match="outcomes recorded"):
        actions.case_request_closure(actor=idva, case=case, reason="unable_to_contact", note="Lost touch")
    case.refresh_from_db()
    assert case.status == CaseStatus.UNABLE_TO_ENGAGE


def test_an_intake_outcome_is_not_an_exit_outcome(active_case, idva):
    from waymark.outcomes.models import OutcomeMeasure, Stage

    OutcomeMeasure.objects.create(
        case=active_case, subject=active_case.person, stage=Stage.INTAKE, measured_on=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="outcomes recorded"):
        actions.case_request_closure(actor=idva, case=active_case, reason="support_completed", note="Goals met")


def test_closure_needs_a_reason_and_a_note(active_case, idva):
    record_exit_outcomes(active_case)
    with pytest.raises(ValidationError) as refused:
        actions.case_request_closure(actor=idva, case=active_case, reason="", note="")
    assert set(refused.value.message_dict) == {"reason", "note"}


def test_a_manager_approves_closure(active_case, idva, manager):
    record_exit_outcomes(active_case)
    actions.case_request_closure(actor=idva, case=active_case, reason="support_completed", note="Goals met")
    assert active_case.status_before_closure_request == CaseStatus.ACTIVE
    with pytest.raises(PermissionDenied):
        actions.case_approve_closure(actor=idva, case=active_case)
    actions.case_approve_closure(actor=manager, case=active_case)
    active_case.refresh_from_db()
    assert active_case.status == CaseStatus.CLOSED
    assert (active_case.closed_on, active_case.closure_approved_by) == (timezone.localdate(), manager)


def test_a_declined_closure_returns_the_case_where_it_was_with_the_reason(case_factory, idva, idva_team, manager):
    case = case_factory(status=CaseStatus.ENGAGED, caseworker=idva, team=idva_team, first_contact_at=timezone.now())
    record_exit_outcomes(case)
    actions.case_request_closure(actor=idva, case=case, reason="client_declined", note="Said no")
    with pytest.raises(ValidationError):
        actions.case_decline_closure(actor=manager, case=case, reason="")
    actions.case_decline_closure(actor=manager, case=case, reason="Try once more after the hearing")
    case.refresh_from_db()
    assert case.status == CaseStatus.ENGAGED and case.closure_reason == ""
    change = CaseStatusChange.objects.get(case=case, to_status=CaseStatus.ENGAGED)
    assert change.reason == "Try once more after the hearing" and change.changed_by == manager


def test_a_manager_reopens_with_a_reason_into_the_allocation_queue(case_factory, idva, idva_team, manager):
    case = case_factory(status=CaseStatus.CLOSED, caseworker=idva, team=idva_team, closed_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        actions.case_reopen(actor=idva, case=case, reason="Back again")
    with pytest.raises(ValidationError):
        actions.case_reopen(actor=manager, case=case, reason="")
    actions.case_reopen(actor=manager, case=case, reason="Back again")
    case.refresh_from_db()
    assert (case.status, case.caseworker, case.closed_on) == (CaseStatus.AWAITING_ALLOCATION, None, None)


def test_closure_pages_end_to_end(client_for, active_case, idva, manager):
    idva_client, manager_client = client_for(idva), client_for(manager)
    url = reverse("cases:closure_request", args=[active_case.pk])
    page = idva_client.post(url, {"reason": "support_completed", "note": "Goals met"})
    assert page.status_code == 200 and "Closure needs outcomes recorded" in page.content.decode()
    record_exit_outcomes(active_case)
    assert idva_client.post(url, {"reason": "support_completed", "note": "Goals met"}).status_code == 302
    decision = reverse("cases:closure_decision", args=[active_case.pk])
    assert "Goals met" in manager_client.get(decision).content.decode()
    assert manager_client.post(decision, {"decision": "approve"}).status_code == 302
    active_case.refresh_from_db()
    assert active_case.status == CaseStatus.CLOSED


# --- Notes -----------------------------------------------------------------------------------


def test_sensitive_notes_are_read_by_the_caseworker_the_author_and_managers(
    allocated_case, idva, colleague, manager, client_for
):
    ordinary = actions.case_note_add(actor=colleague, case=allocated_case, body="Ordinary note")
    by_colleague = actions.case_note_add(actor=colleague, case=allocated_case, body="Colleague secret", sensitive=True)
    by_idva = actions.case_note_add(actor=idva, case=allocated_case, body="IDVA secret", sensitive=True)
    notes = CaseNote.objects.filter(case=allocated_case)
    assert set(notes_visible_to(idva, allocated_case, notes)) == {ordinary, by_colleague, by_idva}
    assert set(notes_visible_to(manager, allocated_case, notes)) == {ordinary, by_colleague, by_idva}
    assert set(notes_visible_to(colleague, allocated_case, notes)) == {ordinary, by_colleague}
    page = client_for(colleague).get(reverse("cases:detail", args=[allocated_case.pk])).content.decode()
    assert "Colleague secret" in page and "IDVA secret" not in page
    # Not even that a sensitive note exists which she may not read: that alone tells a colleague
    # something (the journey hides it for the same reason).
    assert "can be read only by" not in page and page.count("Sensitive</strong>") == 1
    assert "IDVA secret" in client_for(manager).get(reverse("cases:detail", args=[allocated_case.pk])).content.decode()


def test_notes_are_audited_without_their_text(allocated_case, idva):
    note = actions.case_note_add(actor=idva, case=allocated_case, body="canary-note-4471", sensitive=True)
    event = AuditEvent.objects.get(object_id=str(note.pk))
    assert event.detail == {"case_id": str(allocated_case.pk), "sensitive": True}


def test_an_empty_note_is_refused(allocated_case, idva, client_for):
    response = client_for(idva).post(reverse("cases:note_add", args=[allocated_case.pk]), {"body": " "})
    assert response.status_code == 200 and "Enter the note" in response.content.decode()
    assert not CaseNote.objects.exists()


# --- Tasks -----------------------------------------------------------------------------------


def test_a_task_goes_to_someone_who_works_on_the_case(allocated_case, idva, colleague, other_team_worker):
    due = timezone.localdate() + timezone.timedelta(days=3)
    task = actions.task_add(actor=idva, case=allocated_case, title="Call the school", due_on=due, owner=colleague)
    assert task.owner == colleague
    with pytest.raises(ValidationError) as refused:
        actions.task_add(actor=idva, case=allocated_case, title="x", due_on=due, owner=other_team_worker)
    assert "owner" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.task_add(
            actor=idva,
            case=allocated_case,
            title="x",
            due_on=timezone.localdate() - timezone.timedelta(days=1),
            owner=idva,
        )
    assert "due_on" in refused.value.message_dict


def test_completing_a_task(allocated_case, idva, client_for):
    task = Task.objects.create(
        case=allocated_case, title="Call the school", due_on=timezone.localdate(), owner=idva, created_by=idva
    )
    actions.task_complete(actor=idva, task=task)
    assert task.done_at is not None
    with pytest.raises(ValidationError, match="already done"):
        actions.task_complete(actor=idva, task=task)


def test_the_task_page_adds_a_task(allocated_case, idva, client_for):
    due = timezone.localdate() + timezone.timedelta(days=2)
    response = client_for(idva).post(
        reverse("cases:task_add", args=[allocated_case.pk]),
        {
            "title": "Book a safety planning visit",
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
            "owner": str(idva.pk),
        },
    )
    assert response.status_code == 302
    assert Task.objects.get().title == "Book a safety planning visit"


def test_caseworkers_of_another_agency_are_not_offered(case_factory, manager, idva, client_for):
    outsider_team = TeamFactory(agency=AgencyFactory(), name="Faraway Team")
    make_member(Role.CASEWORKER, team=outsider_team, full_name="Faraway Worker")
    page = client_for(manager).get(reverse("cases:allocate", args=[case_factory().pk])).content.decode()
    assert "Faraway Worker" not in page
    assert "Amara Okafor, IDVA Team (0 open cases)" in page


# --- The buttons on the case page ------------------------------------------------------------

BUTTONS = {
    "allocate": "cases:allocate",
    "contact": "Record a contact attempt",
    "engaged": "Mark as engaged",
    "unable_to_engage": "Mark as unable to engage",
    "activate": "Start active support",
    "request_closure": "Request closure",
    "decide_closure": "Approve or decline closure",
    "reopen": "Reopen case",
}
EXPECTED = {
    # status: (the caseworker's actions, the team manager's actions)
    CaseStatus.ALLOCATED: ({"contact"}, {"allocate", "contact"}),
    CaseStatus.CONTACT_ATTEMPTED: (
        {"contact", "engaged", "unable_to_engage"},
        {"allocate", "contact", "engaged", "unable_to_engage"},
    ),
    CaseStatus.UNABLE_TO_ENGAGE: (
        {"contact", "engaged", "request_closure"},
        {"allocate", "contact", "engaged", "request_closure"},
    ),
    CaseStatus.ENGAGED: (
        {"contact", "activate", "request_closure"},
        {"allocate", "contact", "activate", "request_closure"},
    ),
    CaseStatus.ACTIVE: ({"contact", "request_closure"}, {"allocate", "contact", "request_closure"}),
    CaseStatus.CLOSURE_REQUESTED: ({"contact"}, {"allocate", "contact", "decide_closure"}),
    CaseStatus.CLOSED: (set(), {"reopen"}),
}


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_the_case_page_offers_only_the_moves_allowed_now(status, case_factory, idva, idva_team, manager, client_for):
    case = case_factory(status=status, caseworker=idva, team=idva_team, first_contact_at=timezone.now())
    for user, expected in zip((idva, manager), EXPECTED[status], strict=True):
        assert set(selectors.available_actions(user, case)) == expected
        page = client_for(user).get(reverse("cases:detail", args=[case.pk])).content.decode()
        for name, marker in BUTTONS.items():
            text = reverse(marker, args=[case.pk]) if marker.startswith("cases:") else marker
            assert (text in page) == (name in expected), (user, name)


def test_a_caseworker_posting_a_managers_move_is_refused(case_factory, idva, idva_team, client_for):
    case = case_factory(status=CaseStatus.CLOSED, caseworker=idva, team=idva_team)
    response = client_for(idva).post(reverse("cases:status", args=[case.pk]), {"action": "reopen", "reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
