"""The reason for asking for an export with locating details is the audit row's justification,
kept in the hash chain as long as the trail: a postcode, phone number or street address in it is
refused, nothing is asked for and nobody is emailed (``waymark.core.keptreasons``)."""

from __future__ import annotations

from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_member
from tests.reauth import mark_reauthenticated
from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.keptreasons import HINT
from waymark.core.roles import Role
from waymark.interchange import jobs
from waymark.interchange.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def approver():
    return make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Lee Second")


def _nothing_asked():
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert not Justification.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "reason",
    [
        "The county wants the women moved from LS6 2AB first",
        "Their data officer asked, ring 07700 900123",
        "Moving the records for the refuge at 14 Victoria Road",
    ],
)
def test_a_locating_reason_is_refused_and_nothing_is_saved(administrator, reason):
    with pytest.raises(ValidationError) as refused:
        jobs.export_job_request(actor=administrator, locating_details=True, reason=reason)
    (message,) = refused.value.message_dict["reason"]
    assert message.startswith("The reason must not include a")
    assert reason not in message
    _nothing_asked()


def test_an_ordinary_reason_still_asks_for_approval(administrator):
    job = jobs.export_job_request(
        actor=administrator, locating_details=True, reason="Moving the partnership to the new county system"
    )
    assert job.status == ExportJob.Status.PENDING
    assert AuditEvent.objects.get(object_id=str(job.pk), detail__step="requested").justification


def test_the_exports_page_shows_the_refusal_on_the_field_with_the_hint(client_for, administrator):
    client = mark_reauthenticated(client_for(administrator), administrator)
    assert HINT in unescape(client.get(reverse("interchange:exports")).content.decode())
    page = client.post(
        reverse("interchange:exports"), {"details": "with", "reason": "The county wants LS6 2AB moved first"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["reason"][0].startswith("The reason must not include a postcode")
    assert not ExportJob.objects.exists()
    assert not Justification.objects.exists()
