"""The reason for archiving a person record is the audit row's justification, kept in the hash
chain after the record is disposed of: a postcode, phone number or street address in it is
refused, and nothing is archived or audited (``waymark.core.keptreasons``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.keptreasons import HINT
from waymark.people import actions
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def _archived(person):
    return Person.objects.get(pk=person.pk).archived_at is not None


def _archive_events(person):
    return AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_id=str(person.pk))


@pytest.mark.parametrize(
    "reason",
    [
        "Duplicate: the other record has her at SW1A 1AA",
        "Duplicate of the record with mobile 07700 900461",
        "Duplicate of the Maya Lewis at 17 Canarywood Close",
    ],
)
def test_a_locating_reason_is_refused_and_nothing_is_saved(manager, survivor, reason):
    notes = Justification.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.person_archive(actor=manager, person=survivor, reason=reason)
    (message,) = refused.value.message_dict["reason"]
    assert message.startswith("The reason must not include a")
    assert reason not in message
    assert not _archived(survivor)
    assert not _archive_events(survivor).exists()
    assert Justification.objects.count() == notes


def test_an_ordinary_reason_still_archives(manager, survivor):
    actions.person_archive(actor=manager, person=survivor, reason="Duplicate of another record")
    assert _archived(survivor)
    assert _archive_events(survivor).exists()


def test_the_archive_page_shows_the_refusal_on_the_field_with_the_hint(manager, survivor, client_for):
    client = client_for(manager)
    url = reverse("people:archive", args=[survivor.pk])
    assert HINT in client.get(url).content.decode()
    page = client.post(url, {"reason": "Duplicate: she is at SW1A 1AA"})
    assert page.status_code == 200
    assert page.context["form"].errors["reason"][0].startswith("The reason must not include a postcode")
    assert not _archived(survivor)
    assert not _archive_events(survivor).exists()
