"""Key rotation reaches the encrypted arguments of queued jobs (``reencrypt_job_arguments``):
a job queued under the old key still runs once that key is removed, and a finished job's
arguments are left to become unreadable with it."""

from __future__ import annotations

import base64
import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import make_member
from tests.operations.conftest import run_worker
from waymark.core import crypto
from waymark.core.roles import Role
from waymark.core.tasks import (
    RETRY_SCHEDULED_PATH,
    JobArgumentsRotation,
    JobFailed,
    background_task,
    queue_email,
    reencrypt_job_arguments,
    send_email,
)
from waymark.operations.actions import task_dismiss, task_rerun

pytestmark = pytest.mark.django_db

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()
KEY_C = "c:" + base64.b64encode(b"C" * 32).decode()


class MailServerDown(Exception):
    pass


def _email(body: str) -> mail.EmailMessage:
    return mail.EmailMessage(subject="Sign-in alert", body=body, to=["amara.okafor@harbour.example"])


def _key_of(job: DBTaskResult) -> str:
    job.refresh_from_db()
    args, kwargs = job.args_kwargs["args"], job.args_kwargs["kwargs"]
    return crypto.key_id_of(args[0] if args else kwargs["encrypted_payload"])


@pytest.fixture
def under_key_a(settings):
    settings.FIELD_ENCRYPTION_KEYS = KEY_A
    return settings


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise MailServerDown

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    return monkeypatch


def _rotate_to_b(settings) -> JobArgumentsRotation:
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    return reencrypt_job_arguments()


def test_a_job_queued_under_the_old_key_runs_after_rotation_and_the_old_key_removed(under_key_a):
    queue_email(_email("body one"))
    send_email.enqueue(encrypted_payload=crypto.encrypt_text(json.dumps(_payload("body two"))))  # by keyword
    positional, by_keyword = DBTaskResult.objects.order_by("enqueued_at", "pk")
    counts = _rotate_to_b(under_key_a)
    assert counts == JobArgumentsRotation(jobs_checked=2, jobs_reencrypted=2)
    assert _key_of(positional) == _key_of(by_keyword) == "b"
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B  # the old key retired
    run_worker()
    assert sorted(message.body for message in mail.outbox) == ["body one", "body two"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


def _payload(body: str) -> dict:
    return {"subject": "s", "body": body, "from_email": None, "to": ["a@example.org"], "alternatives": []}


def test_without_rotation_the_queued_job_fails_once_the_old_key_is_removed(under_key_a):
    """What the rotation prevents: the job's argument cannot be read without its key."""
    queue_email(_email("body"))
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B
    job = DBTaskResult.objects.get()
    with pytest.raises(JobFailed, match=r"\(ImproperlyConfigured\)") as failed:
        job.task.func(*job.args_kwargs["args"], _attempt=5)
    assert failed.type.__module__ == ImproperlyConfigured.__module__  # raised in its name (see JobFailed)
    assert failed.type.__qualname__ == ImproperlyConfigured.__qualname__


def test_rotation_is_idempotent(under_key_a):
    queue_email(_email("body"))
    _rotate_to_b(under_key_a)
    stored = DBTaskResult.objects.get().args_kwargs
    assert reencrypt_job_arguments() == JobArgumentsRotation(jobs_checked=1, jobs_reencrypted=0)
    assert DBTaskResult.objects.get().args_kwargs == stored


def test_a_failed_job_waiting_for_an_administrator_is_reencrypted_and_can_still_be_run_again(
    under_key_a, mail_server_down
):
    send_email.enqueue(crypto.encrypt_text(json.dumps(_payload("body"))), _attempt=5)  # its last attempt
    run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path.endswith("MailServerDown")
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation(jobs_checked=1, jobs_reencrypted=1)
    assert _key_of(failed) == "b"
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B
    mail_server_down.undo()
    again = task_rerun(actor=make_member(Role.SYSTEM_ADMINISTRATOR), result_id=failed.pk)
    run_worker()
    assert [message.body for message in mail.outbox] == ["body"]
    assert DBTaskResult.objects.get(pk=again.rerun_id).status == TaskResultStatus.SUCCESSFUL


def test_finished_jobs_are_left_under_the_old_key(under_key_a, mail_server_down):
    """A sent email, a failed attempt whose retry is queued, and a failure an administrator set
    aside will never use their arguments again: left under the old key, they become unreadable
    when it goes. The queued retry is what carries the message on, and it is re-encrypted."""
    queue_email(_email("sent"))
    mail_server_down.undo()
    run_worker()
    sent = DBTaskResult.objects.get()
    mail_server_down.setattr(EmailMultiAlternatives, "send", lambda self, fail_silently=False: 1 / 0)
    queue_email(_email("retried"))
    send_email.enqueue(crypto.encrypt_text(json.dumps(_payload("set aside"))), _attempt=5)
    run_worker()
    retried = DBTaskResult.objects.get(exception_class_path=RETRY_SCHEDULED_PATH)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    set_aside = DBTaskResult.objects.get(
        status=TaskResultStatus.FAILED, exception_class_path__endswith="ZeroDivisionError"
    )
    task_dismiss(actor=make_member(Role.SYSTEM_ADMINISTRATOR), result_id=set_aside.pk, reason="Sent by hand")

    counts = _rotate_to_b(under_key_a)

    assert counts == JobArgumentsRotation(jobs_checked=1, jobs_reencrypted=1, finished_jobs_left=3)
    assert (_key_of(sent), _key_of(retried), _key_of(set_aside)) == ("a", "a", "a")
    assert _key_of(retry) == "b"
    assert reencrypt_job_arguments() == JobArgumentsRotation(jobs_checked=1, finished_jobs_left=3)


def test_a_job_left_running_is_reencrypted(under_key_a):
    """A worker lost mid-job leaves it running; an administrator may run that row again."""
    queue_email(_email("body"))
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation(jobs_checked=1, jobs_reencrypted=1)
    assert _key_of(DBTaskResult.objects.get()) == "b"


def test_jobs_without_encrypted_arguments_are_not_touched(under_key_a):
    from tests.operations import jobs

    jobs.flaky.enqueue(3, fail_times=0)
    stored = DBTaskResult.objects.get().args_kwargs
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation()
    assert DBTaskResult.objects.get().args_kwargs == stored


def test_a_job_naming_a_task_that_no_longer_exists_is_counted(under_key_a):
    queue_email(_email("body"))
    DBTaskResult.objects.update(task_path="waymark.core.tasks.a_job_since_removed")
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation(jobs_of_unknown_tasks=1)


def test_a_retry_carries_its_encrypted_arguments_under_the_current_key(under_key_a, mail_server_down):
    """A job already running when the rotation ran queues its retry from the arguments it was
    given, under the old key: the retry re-encrypts them."""
    queue_email(_email("body"))
    under_key_a.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    run_worker()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert _key_of(retry) == "b"
    assert retry.args_kwargs["kwargs"]["_attempt"] == 2


def test_an_encrypted_argument_must_be_one_of_the_jobs_parameters():
    with pytest.raises(TypeError, match="no parameter named encrypted_body"):

        @background_task(encrypted=("encrypted_body",))
        def send(encrypted_payload: str) -> None:
            pass


# --- A job whose argument cannot be read does not stop the rotation of the others -------------


def test_a_job_under_a_key_already_removed_is_counted_and_the_others_are_still_rotated(under_key_a, caplog):
    """Key A went before this job was rotated (or was rotated by hand); rotating B to C must still
    move every other job, and finish so that the command writes its audit row."""
    queue_email(_email("under a"))
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B
    queue_email(_email("under b"))
    lost, waiting = DBTaskResult.objects.order_by("enqueued_at", "pk")
    stored = lost.args_kwargs
    under_key_a.FIELD_ENCRYPTION_KEYS = f"{KEY_C},{KEY_B}"

    with caplog.at_level("DEBUG"):
        counts = reencrypt_job_arguments()

    assert counts == JobArgumentsRotation(jobs_checked=2, jobs_reencrypted=1, jobs_unreadable=1)
    assert _key_of(waiting) == "c"
    lost.refresh_from_db()
    assert lost.args_kwargs == stored  # left as it is
    assert stored["args"][0] not in caplog.text
    assert reencrypt_job_arguments() == JobArgumentsRotation(jobs_checked=2, jobs_unreadable=1)


@pytest.mark.parametrize(
    "argument",
    [
        "amara.okafor@harbour.example",  # not ciphertext: no key id (key_id_of fails)
        "amara:okafor",  # a key id of sorts, but not ciphertext
        "v1:a:not base64!",  # under key a, but not base64
        "v1:a:" + base64.b64encode(b"n" * 12 + b"not sealed by key a").decode(),  # fails authentication
        "v1:zz:" + base64.b64encode(b"n" * 40).decode(),  # under a key never configured
        None,
        42,
    ],
    ids=["plain", "colon", "not-base64", "tampered", "unknown-key", "null", "number"],
)
def test_a_waiting_job_whose_argument_is_not_readable_ciphertext_is_counted(under_key_a, argument):
    queue_email(_email("readable"))
    send_email.enqueue(argument)
    readable = DBTaskResult.objects.order_by("enqueued_at", "pk").first()
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation(jobs_checked=2, jobs_reencrypted=1, jobs_unreadable=1)
    assert _key_of(readable) == "b"


def test_a_finished_job_whose_argument_is_not_ciphertext_does_not_stop_the_rotation(under_key_a):
    queue_email(_email("waiting"))
    sent = send_email.enqueue("amara.okafor@harbour.example")
    DBTaskResult.objects.filter(pk=sent.id).update(status=TaskResultStatus.SUCCESSFUL)
    assert _rotate_to_b(under_key_a) == JobArgumentsRotation(jobs_checked=1, jobs_reencrypted=1)
