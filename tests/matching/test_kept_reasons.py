"""A search alert is kept after the records searched for are disposed of (no retention schedule
disposes of it), so the auditor's review note may not locate anyone: a postcode, phone number or
street address is refused, and the alert stays unreviewed and unaudited
(``waymark.core.keptreasons``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.keptreasons import HINT
from waymark.core.roles import Role
from waymark.matching.enumeration import search_alert_review
from waymark.matching.models import SearchAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(idva):
    return SearchAlert.objects.create(user=idva, varied_field="postcode", searches=8)


@pytest.fixture
def auditor_user():
    return make_member(Role.AUDITOR)


def _unreviewed(alert):
    alert.refresh_from_db()
    assert alert.reviewed_at is None and alert.reviewed_by is None and alert.review_note == ""
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(alert.pk)).exists()


@pytest.mark.parametrize(
    "note",
    [
        "She was looking for her client's new home, LS6 2AB",
        "Her manager confirmed on 07700 900123",
        "A real case: the client moved to 14 Victoria Road",
    ],
)
def test_a_locating_note_is_refused_and_nothing_is_saved(alert, auditor_user, note):
    with pytest.raises(ValidationError) as refused:
        search_alert_review(actor=auditor_user, alert=alert, note=note)
    (message,) = refused.value.message_dict["note"]
    assert message.startswith("What you found must not include a")
    assert note not in message
    _unreviewed(alert)


def test_an_ordinary_note_is_recorded(alert, auditor_user):
    search_alert_review(actor=auditor_user, alert=alert, note="Spoke to her manager: a real case.")
    alert.refresh_from_db()
    assert alert.reviewed_by == auditor_user and alert.review_note == "Spoke to her manager: a real case."


def test_the_review_page_shows_the_refusal_on_the_field_with_the_hint(alert, auditor_user, client_for):
    client = client_for(auditor_user)
    url = reverse("matching:alert", args=[alert.pk])
    assert HINT in client.get(url).content.decode()
    page = client.post(url, {"note": "A real case: the client moved to 14 Victoria Road"})
    assert page.status_code == 200
    assert page.context["form"].errors["note"][0].startswith("What you found must not include a street address")
    _unreviewed(alert)
