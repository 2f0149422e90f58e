"""A break-glass grant is kept after the person's records are disposed of (no retention schedule
disposes of it), so its explanation and the auditor's review notes may not locate anyone: a
postcode, phone number or street address is refused, nothing is saved and nothing is audited
(``waymark.core.keptreasons``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditEvent
from waymark.breakglass.actions import break_glass_open, break_glass_review
from waymark.breakglass.models import BreakGlassGrant, BreakGlassReason, ReviewOutcome
from waymark.core.keptreasons import HINT
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

WHY = "Police report she is missing tonight; need her support plan to find her safe contacts"
LOCATING = [
    "Police report she is missing tonight, last seen at LS6 2AB",
    "Police report she is missing tonight; her sister's mobile is 07700 900123",
    "Police report she is missing tonight, maybe at 14 Victoria Road",
]


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


@pytest.fixture
def other_service_worker():
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST), full_name="Ola Other")


def _open(user, person, justification):
    return break_glass_open(
        actor=user, person_id=person.pk, reason=BreakGlassReason.IMMEDIATE_RISK, justification=justification, hours=1
    )


def _trail():
    return AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True).last()


@pytest.mark.parametrize("justification", LOCATING)
def test_a_locating_explanation_is_refused_and_nothing_is_saved(survivor, other_service_worker, justification):
    before = _trail()
    with pytest.raises(ValidationError) as refused:
        _open(other_service_worker, survivor, justification)
    (message,) = refused.value.message_dict["justification"]
    assert "must not include a" in message
    assert justification not in message
    assert not BreakGlassGrant.objects.exists()
    assert _trail() == before


def test_an_ordinary_explanation_still_opens_access(survivor, other_service_worker):
    grant = _open(other_service_worker, survivor, WHY)
    assert BreakGlassGrant.objects.get(pk=grant.pk).justification == WHY


def test_the_page_shows_the_refusal_on_the_field_with_the_hint(survivor, other_service_worker, client_for):
    client = client_for(other_service_worker)
    assert HINT in client.get(reverse("breakglass:open")).content.decode()
    before = _trail()
    page = client.post(
        reverse("breakglass:open"),
        {"person_reference": str(survivor.pk), "reason": "immediate_risk", "justification": LOCATING[0], "hours": "1"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["justification"][0].startswith("The explanation must not include a postcode")
    body = page.content.decode()
    assert "The explanation must not include a postcode" in body
    assert HINT in body
    assert not BreakGlassGrant.objects.exists()
    assert _trail() == before


@pytest.fixture
def grant(survivor, other_service_worker):
    return _open(other_service_worker, survivor, WHY)


@pytest.mark.parametrize("notes", ["She was at LS6 2AB, no emergency", "Rang her on 07700 900123: no emergency"])
def test_locating_review_notes_are_refused_and_nothing_is_saved(grant, auditor, notes):
    before = _trail()
    with pytest.raises(ValidationError) as refused:
        break_glass_review(actor=auditor, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes=notes)
    (message,) = refused.value.message_dict["notes"]
    assert message.startswith("The review notes must not include a")
    assert notes not in message
    grant.refresh_from_db()
    assert grant.reviewed_at is None and grant.review_notes == "" and grant.reviewer is None
    assert _trail() == before


def test_ordinary_review_notes_are_recorded(grant, auditor):
    break_glass_review(actor=auditor, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes="No emergency that night")
    grant.refresh_from_db()
    assert grant.review_notes == "No emergency that night"


def test_the_review_page_shows_the_refusal_on_the_notes(grant, auditor, client_for):
    client = client_for(auditor)
    url = reverse("breakglass:review", args=[grant.pk])
    assert HINT in client.get(url).content.decode()
    page = client.post(url, {"outcome": "not_justified", "notes": "She was at 14 Victoria Road"})
    assert page.status_code == 400
    assert page.context["form"].errors["notes"][0].startswith("The review notes must not include a street address")
    grant.refresh_from_db()
    assert grant.reviewed_at is None
