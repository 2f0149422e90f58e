"""The background jobs page: system administrators only; a failed job can be run again or set
aside, each audited, and then leaves the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.operations import jobs
from tests.operations.conftest import run_worker
from waymark.audit.chain import hashed_justification
from waymark.audit.models import AuditAction, AuditEvent
from waymark.operations.models import TaskFollowUp
from waymark.operations.selectors import needing_attention

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed():
    jobs.CALLS.clear()
    jobs.flaky.using(priority=0).enqueue(3, fail_times=99, _attempt=3)  # its last attempt
    run_worker()
    return needing_attention().get()


@pytest.mark.parametrize("persona", ["idva", "manager", "auditor", "outsider"])
def test_only_system_administrators_reach_the_page(client_for, persona, request, failed):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("operations:jobs")).status_code == 403
    assert client.post(reverse("operations:rerun", args=[failed.pk])).status_code == 403
    assert client.post(reverse("operations:dismiss", args=[failed.pk]), {"reason": "x"}).status_code == 403
    assert not TaskFollowUp.objects.exists()


def test_signed_out_is_sent_to_sign_in(client, failed):
    assert client.get(reverse("operations:jobs")).status_code == 302


def test_the_page_lists_failed_jobs_by_error_type_not_message_and_is_audited(client_for, administrator, failed):
    body = client_for(administrator).get(reverse("operations:jobs")).content.decode()
    assert "Flaky" in body and "Broken" in body
    assert "the mail server said no" not in body
    assert AuditEvent.objects.filter(
        actor=administrator, action=AuditAction.VIEW, object_type__contains="task"
    ).exists()


def test_running_a_failed_job_again_queues_it_from_its_first_attempt(client_for, administrator, failed):
    response = client_for(administrator).post(reverse("operations:rerun", args=[failed.pk]))
    assert response.status_code == 302
    follow_up = TaskFollowUp.objects.get(task_result=failed)
    again = DBTaskResult.objects.get(pk=follow_up.rerun_id)
    assert again.status == TaskResultStatus.READY
    assert again.args_kwargs == {"args": [3], "kwargs": {"fail_times": 99}}
    assert not needing_attention().exists()
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE, object_id=str(failed.pk))
    assert event.detail["decision"] == "rerun"
    # A second click (another tab) is refused, not queued twice.
    client_for(administrator).post(reverse("operations:rerun", args=[failed.pk]))
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_setting_a_job_aside_needs_a_reason(client_for, administrator, failed):
    client = client_for(administrator)
    client.post(reverse("operations:dismiss", args=[failed.pk]), {"reason": "  "})
    assert needing_attention().exists()
    client.post(reverse("operations:dismiss", args=[failed.pk]), {"reason": "Told the team by phone"})
    assert not needing_attention().exists()
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE, object_id=str(failed.pk))
    assert hashed_justification(event) == "Told the team by phone"


def test_a_job_left_running_by_a_lost_worker_is_listed_and_can_be_run_again(client_for, administrator):
    jobs.flaky.enqueue(4, fail_times=0)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=3))
    stuck = needing_attention().get()
    client_for(administrator).post(reverse("operations:rerun", args=[stuck.pk]))
    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED  # a worker that comes back cannot finish it twice
    jobs.CALLS.clear()
    run_worker()
    assert jobs.CALLS == [4]


def test_the_administrators_home_panel_counts_failed_jobs(client_for, administrator, failed):
    body = client_for(administrator).get(reverse("home")).content.decode()
    assert "Background jobs" in body
    assert reverse("operations:jobs") in body
