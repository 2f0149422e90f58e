"""A failed job keeps, and logs, its error's type, never its message: the message can quote a
record. A mail server refusing a recipient names her by her address, and the worker stores the
traceback of what a job raised (``DBTaskResult.traceback``) and logs it."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.operations.conftest import run_worker
from waymark.core import tasks
from waymark.core.tasks import RETRY_SCHEDULED_PATH, JobFailed, queue_email
from waymark.operations.selectors import error_label, needing_attention

pytestmark = pytest.mark.django_db

ADDRESS = "amara.okafor@harbour.example"


@pytest.fixture
def recipient_refused(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"5.1.1 no such user")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)


def _queue_email(*, last_attempt: bool = False) -> None:
    queue_email(mail.EmailMessage(subject="Sign-in alert", body="body", to=[ADDRESS]))
    if last_attempt:
        job = DBTaskResult.objects.get()
        job.args_kwargs["kwargs"][tasks.ATTEMPT_KWARG] = tasks.DEFAULT_MAX_ATTEMPTS
        job.save(update_fields=["args_kwargs"])


def _nowhere_but_the_type(failed: DBTaskResult, caplog) -> None:
    assert ADDRESS not in failed.traceback and "amara.okafor" not in failed.traceback
    assert "no such user" not in failed.traceback
    assert "SMTPRecipientsRefused" in failed.traceback
    assert "SMTPRecipientsRefused" in caplog.text  # the worker logged the failure, with its traceback
    assert "amara.okafor" not in caplog.text and "no such user" not in caplog.text


def test_a_failed_attempt_whose_retry_is_queued_keeps_only_the_errors_type(recipient_refused, caplog):
    _queue_email()
    with caplog.at_level("INFO"):
        run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == RETRY_SCHEDULED_PATH
    assert "Attempt 1 of 5 failed (SMTPRecipientsRefused); attempt 2 is queued." in failed.traceback
    assert "direct cause" not in failed.traceback
    _nowhere_but_the_type(failed, caplog)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_the_last_attempts_failure_keeps_only_the_errors_type(recipient_refused, caplog):
    _queue_email(last_attempt=True)
    with caplog.at_level("INFO"):
        run_worker()
    failed = needing_attention().get()
    assert failed.exception_class_path == "smtplib.SMTPRecipientsRefused"  # still named as its error
    assert "Attempt 5 of 5 failed (SMTPRecipientsRefused); its message is not kept." in failed.traceback
    _nowhere_but_the_type(failed, caplog)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_the_background_jobs_page_still_names_the_errors_type(recipient_refused, client_for, administrator):
    _queue_email(last_attempt=True)
    run_worker()
    failed = needing_attention().get()
    assert error_label(failed) == "SMTPRecipientsRefused"
    body = client_for(administrator).get(reverse("operations:jobs")).content.decode()
    assert "SMTPRecipientsRefused" in body
    assert "amara.okafor" not in body


def test_an_error_while_queueing_the_retry_does_not_carry_the_jobs_error(recipient_refused, monkeypatch, caplog):
    """Raised while handling the job's error, it would have that error chained to it ("During
    handling of the above exception")."""

    def database_gone(attempt):
        raise RuntimeError("could not queue the retry")

    monkeypatch.setattr(tasks, "retry_delay", database_gone)
    _queue_email()
    with caplog.at_level("INFO"):
        run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert "amara.okafor" not in failed.traceback and "SMTPRecipientsRefused" not in failed.traceback
    assert "could not queue the retry" in caplog.text
    assert "amara.okafor" not in caplog.text


def test_the_error_raised_on_the_last_attempt_is_named_as_the_jobs_error():
    class Refused(Exception):
        pass

    failed_as = tasks._failed_as(Refused)
    assert issubclass(failed_as, JobFailed)
    assert (failed_as.__module__, failed_as.__qualname__) == (Refused.__module__, Refused.__qualname__)
    assert tasks._failed_as(Refused) is failed_as  # one class per error type
