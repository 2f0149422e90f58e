"""Break-glass: time-limited access to one record, with an encrypted justification, reviewed by
a named auditor; the people and case scopes honour an active grant and nothing else does."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.breakglass.actions import break_glass_end, break_glass_open, break_glass_review
from waymark.breakglass.models import BreakGlassGrant, BreakGlassReason, ReviewOutcome
from waymark.cases.access import cases_visible_to
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.access import locations_visible_to, people_visible_to

pytestmark = pytest.mark.django_db

WHY = "Police report she is missing tonight; need her support plan to find her safe contacts"
NOW = timezone.datetime(2026, 12, 2, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


@pytest.fixture
def other_service_worker():
    """A caseworker at another DA service, which does not hold the record."""
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST), full_name="Ola Other")


def open_for(user, person, hours=2):
    return break_glass_open(
        actor=user, person_id=person.pk, reason=BreakGlassReason.IMMEDIATE_RISK, justification=WHY, hours=hours
    )


def test_an_active_grant_opens_the_person_and_their_cases_and_nothing_else(
    survivor, specialist_agency, other_service_worker
):
    case = make_case(person=survivor, agency=specialist_agency)
    someone_else = PersonFactory(held_by=specialist_agency)
    assert not people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        assert people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
        assert cases_visible_to(other_service_worker).filter(pk=case.pk).exists()
        assert not people_visible_to(other_service_worker).filter(pk=someone_else.pk).exists()
        assert not locations_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
    # One minute before the end it still holds; at the end it is gone.
    with time_machine.travel(NOW + timedelta(hours=2, minutes=-1), tick=False):
        assert people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert not people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
        assert not cases_visible_to(other_service_worker).filter(pk=case.pk).exists()


def test_giving_access_up_early_closes_it(survivor, other_service_worker):
    with time_machine.travel(NOW, tick=False):
        grant = open_for(other_service_worker, survivor)
        break_glass_end(actor=other_service_worker, grant=grant)
        assert not people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()


def test_the_grant_opens_nothing_for_anyone_else(survivor, other_service_worker, police_referrer):
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        assert not people_visible_to(police_referrer).filter(pk=survivor.pk).exists()


def test_a_programme_worker_can_never_break_glass(survivor):
    worker = make_member(Role.PERPETRATOR_WORKER, full_name="Pat Programme")
    with pytest.raises(PermissionDenied):
        open_for(worker, survivor)
    # Not even with a second role that may: one account must not bridge the firewall.
    from waymark.organisations.models import Membership

    Membership.objects.create(user=worker, agency=AgencyFactory(), role=Role.CASEWORKER)
    worker = type(worker).objects.get(pk=worker.pk)
    with pytest.raises(PermissionDenied):
        open_for(worker, survivor)


@pytest.mark.parametrize("persona", ["police_referrer", "auditor", "administrator", "outsider"])
def test_roles_that_see_no_records_are_refused_the_page(persona, request, client_for):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("breakglass:open")).status_code == 403


def test_the_justification_is_encrypted_at_rest_and_kept_out_of_the_audit_trail(survivor, other_service_worker):
    grant = open_for(other_service_worker, survivor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT justification FROM breakglass_breakglassgrant WHERE id = %s", [grant.pk.hex])
        row = cursor.fetchone() or ()
    if not row:  # PostgreSQL stores the uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT justification FROM breakglass_breakglassgrant WHERE id = %s", [str(grant.pk)])
            row = cursor.fetchone()
    assert "missing" not in row[0]
    assert BreakGlassGrant.objects.get(pk=grant.pk).justification == WHY
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(grant.pk))
    assert "missing" not in str(event.detail) + event.justification
    assert event.detail["person"] == str(survivor.pk)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"justification": "because"}, "justification"),
        ({"reason": "curiosity"}, "reason"),
        ({"hours": 24}, "hours"),
        ({"person_id": "not-a-reference"}, "person_reference"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(survivor, other_service_worker, fields, error_field):
    arguments = {
        "actor": other_service_worker,
        "person_id": survivor.pk,
        "reason": BreakGlassReason.OUT_OF_HOURS,
        "justification": WHY,
        "hours": 1,
    }
    arguments.update(fields)
    with pytest.raises(ValidationError) as error:
        break_glass_open(**arguments)
    assert error_field in error.value.message_dict
    assert not BreakGlassGrant.objects.exists()


def test_opening_through_the_page_then_reading_the_person(survivor, other_service_worker, client_for):
    client = client_for(other_service_worker)
    page = client.get(reverse("breakglass:open") + f"?person={survivor.pk}")
    assert page.status_code == 200
    assert str(survivor.pk) in page.content.decode()
    response = client.post(
        reverse("breakglass:open"),
        {"person_reference": str(survivor.pk), "reason": "immediate_risk", "justification": WHY, "hours": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[survivor.pk])
    assert client.get(response["Location"]).status_code == 200


def test_a_bad_submission_shows_errors(other_service_worker, client_for):
    response = client_for(other_service_worker).post(reverse("breakglass:open"), {"person_reference": "x"})
    assert response.status_code == 400
    assert "Choose why you need emergency access" in response.content.decode()


def test_the_auditors_queue_lists_unreviewed_uses_and_a_named_reviewer_closes_them(
    survivor, other_service_worker, auditor, client_for
):
    grant = open_for(other_service_worker, survivor)
    client = client_for(auditor)
    queue = client.get(reverse("breakglass:queue"))
    assert queue.status_code == 200
    assert reverse("breakglass:review", args=[grant.pk]) in queue.content.decode()
    page = client.get(reverse("breakglass:review", args=[grant.pk]))
    assert WHY in page.content.decode()  # the auditor reads the reason on the use's own page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(grant.pk), actor=auditor).exists()
    response = client.post(reverse("breakglass:review", args=[grant.pk]), {"outcome": "justified", "notes": ""})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewer == auditor
    assert grant.review_outcome == ReviewOutcome.JUSTIFIED
    assert reverse("breakglass:review", args=[grant.pk]) not in client.get(reverse("breakglass:queue")).content.decode()
    assert (
        reverse("breakglass:review", args=[grant.pk])
        in client.get(reverse("breakglass:queue") + "?show=all").content.decode()
    )


def test_a_review_is_once_and_never_by_the_user_themselves(survivor, auditor):
    # An auditor who also works a caseload cannot review their own use.
    from waymark.organisations.models import Membership

    Membership.objects.create(user=auditor, agency=AgencyFactory(), role=Role.CASEWORKER)
    auditor = type(auditor).objects.get(pk=auditor.pk)
    grant = open_for(auditor, survivor)
    with pytest.raises(PermissionDenied):
        break_glass_review(actor=auditor, grant=grant, outcome=ReviewOutcome.JUSTIFIED, notes="")
    second = make_member(Role.AUDITOR)
    with pytest.raises(ValidationError):
        break_glass_review(actor=second, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes="")
    break_glass_review(actor=second, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes="No emergency")
    with pytest.raises(ValidationError):
        break_glass_review(actor=second, grant=grant, outcome=ReviewOutcome.JUSTIFIED, notes="")


@pytest.mark.parametrize("persona", ["idva", "police_referrer", "administrator", "outsider"])
def test_only_auditors_reach_the_queue(persona, request, client_for, survivor, other_service_worker):
    grant = open_for(other_service_worker, survivor)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("breakglass:queue")).status_code == 403
    assert client.get(reverse("breakglass:review", args=[grant.pk])).status_code == 403


def test_a_missing_use_is_not_found(auditor, client_for):
    import uuid

    assert client_for(auditor).get(reverse("breakglass:review", args=[uuid.uuid4()])).status_code == 404


def test_only_the_user_ends_their_own_access(survivor, other_service_worker, idva, client_for):
    grant = open_for(other_service_worker, survivor)
    assert client_for(idva).post(reverse("breakglass:end", args=[grant.pk])).status_code == 404
    assert client_for(other_service_worker).post(reverse("breakglass:end", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.ended_at is not None
