"""Background jobs: queued with the record they are about, run by the worker, retried a bounded
number of times, and never silently lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.operations import jobs
from tests.operations.conftest import run_worker
from waymark.core.tasks import RetryScheduled, enqueue_after_commit, queue_email, retry_delay
from waymark.operations.selectors import RETRY_SCHEDULED, needing_attention

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 12, 2, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _reset_calls():
    jobs.CALLS.clear()


def test_a_job_runs_in_the_worker_and_its_result_is_kept():
    enqueue_after_commit(jobs.flaky, 21, fail_times=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    run_worker()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42


def test_a_job_queued_in_a_transaction_that_rolls_back_is_never_run():
    with pytest.raises(ValueError), transaction.atomic():
        enqueue_after_commit(jobs.flaky, 1, fail_times=0)
        raise ValueError("the action failed validation")
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert jobs.CALLS == []


def test_a_failing_job_is_retried_later_and_then_succeeds():
    with time_machine.travel(START, tick=False):
        jobs.flaky.enqueue(5, fail_times=1)
        run_worker()
        second = DBTaskResult.objects.get(args_kwargs__kwargs___attempt=2)
        first = DBTaskResult.objects.exclude(pk=second.pk).get()
        assert first.status == TaskResultStatus.FAILED
        assert first.exception_class_path == RETRY_SCHEDULED
        assert second.status == TaskResultStatus.READY
        assert second.run_after == START + retry_delay(1)
        assert second.args_kwargs["kwargs"]["_attempt"] == 2
        run_worker()  # not due yet: nothing runs
        assert jobs.CALLS == [5]
    with time_machine.travel(START + retry_delay(1) + timedelta(seconds=1), tick=False):
        run_worker()
    second.refresh_from_db()
    assert second.status == TaskResultStatus.SUCCESSFUL
    assert second.return_value == 10
    assert not needing_attention().exists()


def test_a_job_that_keeps_failing_stops_after_its_attempts_and_waits_for_an_administrator():
    moment = START
    jobs.flaky.enqueue(7, fail_times=99)
    for attempt in range(1, 4):
        with time_machine.travel(moment, tick=False):
            run_worker()
        moment += retry_delay(attempt) + timedelta(seconds=1)
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        run_worker()
    assert jobs.CALLS == [7, 7, 7]  # max_attempts=3: bounded
    assert DBTaskResult.objects.count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    last = needing_attention().get()
    assert last.exception_class_path == "tests.operations.jobs.Broken"
    # The message of the last error is not what administrators are shown (it could quote a record).
    assert RetryScheduled.__name__ not in last.exception_class_path


def test_a_queued_email_is_encrypted_while_it_waits():
    message = mail.EmailMessage(subject="Reset your password", body="secret-link-123", to=["a@example.org"])
    queue_email(message)
    stored = DBTaskResult.objects.get()
    assert "secret-link-123" not in str(stored.args_kwargs)
    assert "a@example.org" not in str(stored.args_kwargs)
    run_worker()
    assert [m.body for m in mail.outbox] == ["secret-link-123"]
    assert mail.outbox[0].to == ["a@example.org"]
