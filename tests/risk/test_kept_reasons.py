"""The reason for archiving a risk assessment is the audit row's justification, kept in the hash
chain after the assessment and the person are disposed of: a postcode, phone number or street
address in it is refused, and nothing is archived or audited (``waymark.core.keptreasons``)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.keptreasons import HINT
from waymark.risk.actions import risk_assessment_archive, risk_assessment_record
from waymark.risk.choices import Answer
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(idva, person, dash24):
    answers = {n: (Answer.YES if n in (1, 16) else Answer.NO) for n in range(1, 25)}
    return risk_assessment_record(
        actor=idva, person=person, instrument=dash24, assessed_on=date(2025, 3, 1), answers=answers
    )


def _archived(assessment):
    return RiskAssessment.objects.get(pk=assessment.pk).archived_at is not None


def _archive_events(assessment):
    return AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_id=str(assessment.pk))


@pytest.mark.parametrize(
    "reason",
    [
        "Wrong person: ours lives at LS6 2AB",
        "Wrong person, call her on 07700 900123",
        "Recorded for the woman at 14 Victoria Road by mistake",
    ],
)
def test_a_locating_reason_is_refused_and_nothing_is_saved(manager, assessment, reason):
    notes = Justification.objects.count()
    with pytest.raises(ValidationError) as refused:
        risk_assessment_archive(actor=manager, assessment=assessment, reason=reason)
    (message,) = refused.value.message_dict["reason"]
    assert message.startswith("The reason must not include a")
    assert reason not in message
    assert not _archived(assessment)
    assert not _archive_events(assessment).exists()
    assert Justification.objects.count() == notes


def test_an_ordinary_reason_still_archives(manager, assessment):
    risk_assessment_archive(actor=manager, assessment=assessment, reason="Recorded against the wrong person")
    assert _archived(assessment)
    assert _archive_events(assessment).get().justification


def test_the_archive_page_shows_the_refusal_on_the_field_with_the_hint(manager, assessment, client_for):
    client = client_for(manager)
    url = reverse("risk:archive", args=[assessment.pk])
    page = client.post(url, {"reason": "Wrong person: ours lives at 14 Victoria Road, LS6 2AB"})
    assert page.status_code == 200
    error = page.context["form"].errors["reason"][0]
    assert error.startswith("The reason must not include a street address or a postcode")
    body = page.content.decode()
    assert "The reason must not include a street address or a postcode" in body
    assert HINT in body
    assert not _archived(assessment)
    assert not _archive_events(assessment).exists()
