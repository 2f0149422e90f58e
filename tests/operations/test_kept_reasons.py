"""The reason for setting a failed job aside is the audit row's justification, kept in the hash
chain as long as the trail: a postcode, phone number or street address in it is refused, and the
job stays on the list, unaudited (``waymark.core.keptreasons``)."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.operations import jobs
from tests.operations.conftest import run_worker
from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.keptreasons import HINT
from waymark.operations.actions import task_dismiss
from waymark.operations.models import TaskFollowUp
from waymark.operations.selectors import needing_attention

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed():
    jobs.CALLS.clear()
    jobs.flaky.using(priority=0).enqueue(3, fail_times=99, _attempt=3)  # its last attempt
    run_worker()
    return needing_attention().get()


def _left_alone(failed):
    assert needing_attention().filter(pk=failed.pk).exists()
    assert not TaskFollowUp.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, object_id=str(failed.pk)).exists()
    assert not Justification.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [
        "Sent the letter by hand to LS6 2AB",
        "Told her by phone on 07700 900123",
        "Posted it to 14 Victoria Road ourselves",
    ],
)
def test_a_locating_reason_is_refused_and_nothing_is_saved(administrator, failed, reason):
    with pytest.raises(ValidationError) as refused:
        task_dismiss(actor=administrator, result_id=failed.pk, reason=reason)
    (message,) = refused.value.message_dict["reason"]
    assert message.startswith("The reason must not include a")
    assert reason not in message
    _left_alone(failed)


def test_an_ordinary_reason_still_sets_the_job_aside(administrator, failed):
    task_dismiss(actor=administrator, result_id=failed.pk, reason="Told the team by phone")
    assert not needing_attention().exists()
    assert AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE, object_id=str(failed.pk)).justification


def test_the_page_says_why_it_was_refused(client_for, administrator, failed):
    client = client_for(administrator)
    assert HINT in unescape(client.get(reverse("operations:jobs")).content.decode())
    page = client.post(
        reverse("operations:dismiss", args=[failed.pk]), {"reason": "Told her on 07700 900123"}, follow=True
    )
    body = unescape(page.content.decode())
    assert "The reason must not include a phone number" in body
    assert "07700 900123" not in body
    _left_alone(failed)
