"""The notifications and daily jobs the worker runs: staff are told that something is waiting,
never who it is about."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.cases.conftest import make_case
from tests.factories import make_member
from tests.operations.conftest import run_worker
from tests.people.factories import PersonFactory
from tests.referrals.conftest import CANARY_NAME, CANARY_POSTCODE, CANARY_TEXT, make_referral
from waymark.cases.models import Task
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.core.tasks import RetryScheduled
from waymark.operations.models import DailyJobRun
from waymark.referrals.actions import SafeContact

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def receiving_service(settings, specialist_agency):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    return specialist_agency


def _no_canary(text: str) -> None:
    for secret in (CANARY_NAME, CANARY_POSTCODE, CANARY_TEXT, "07700 900982"):
        assert secret not in text


def test_a_referral_queues_one_job_naming_only_its_id_and_the_worker_emails_the_triage_team(
    police_referrer, manager, idva
):
    referral = make_referral(police_referrer)
    queued = DBTaskResult.objects.get(task_path="waymark.referrals.notifications.notify_referral_received")
    assert queued.args_kwargs == {"args": [str(referral.pk)], "kwargs": {}}
    assert mail.outbox == []  # nothing is sent from the request
    run_worker()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]  # team managers triage; not the caseworker
    message = mail.outbox[0]
    assert referral.number in message.subject
    assert "/referrals/queue/" in message.body
    _no_canary(message.subject + message.body)


def test_a_referral_that_fails_validation_queues_nothing(police_referrer, manager):
    with pytest.raises(ValidationError):
        make_referral(police_referrer, contact=SafeContact(safe_to_call="sideways"))
    assert not DBTaskResult.objects.exists()


def test_an_smtp_failure_is_retried_not_lost(police_referrer, manager, monkeypatch):
    import smtplib

    make_referral(police_referrer)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1  # the second attempt
    monkeypatch.undo()
    with time_machine.travel(DBTaskResult.objects.get(status=TaskResultStatus.READY).run_after + timedelta(seconds=1)):
        run_worker()
    assert len(mail.outbox) == 1


@pytest.fixture
def idva_with_work(idva, idva_team, specialist_agency):
    case = make_case(
        person=PersonFactory(held_by=specialist_agency),
        agency=specialist_agency,
        status=CaseStatus.ACTIVE,
        caseworker=idva,
        team=idva_team,
        referred_on=DAY - timedelta(days=40),
        opened_on=DAY - timedelta(days=40),
        first_contact_at=None,
    )
    Task.objects.create(case=case, title="Call back", due_on=DAY - timedelta(days=1), owner=idva, created_by=idva)
    return idva


def test_the_daily_reminders_email_counts_to_each_person_with_something_due_and_run_once_a_day(
    idva_with_work, manager, specialist_agency
):
    quiet = make_member(Role.CASEWORKER, agency=specialist_agency, full_name="Nothing Due")
    with time_machine.travel(DAY, tick=False):
        call_command("enqueue_daily_jobs", stdout=io.StringIO())
        call_command("enqueue_daily_jobs", stdout=io.StringIO())  # twice: still once
        run_worker()
    runs = DailyJobRun.objects.filter(name="reminders", day=DAY)
    assert runs.count() == 1 and runs.get().finished_at is not None
    assert runs.get().result == 2  # the two caseworkers were considered
    assert [m.to for m in mail.outbox] == [[idva_with_work.email]]  # not the one with nothing due
    body = mail.outbox[0].body
    assert "2 December 2026" in body
    assert "- 1 first contacts overdue" in body
    assert "- 1 of your tasks due" in body
    assert "Call back" not in body  # a count, never a title or a name
    assert quiet.email not in [m.to[0] for m in mail.outbox]


def test_a_daily_job_that_fails_part_way_leaves_nothing_done(idva_with_work, monkeypatch):
    from waymark.operations import reminders
    from waymark.operations.tasks import run_daily_job

    def broken(user_id, day):
        raise RuntimeError("boom")

    monkeypatch.setattr(reminders, "enqueue_after_commit", lambda *a, **k: broken(*a[1:]))
    with pytest.raises(RetryScheduled):
        run_daily_job.call("reminders", DAY.isoformat())
    assert not DailyJobRun.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="send_reminder").exists()
    retry = DBTaskResult.objects.get(task_path="waymark.operations.tasks.run_daily_job")
    assert retry.args_kwargs == {"args": ["reminders", "2026-12-02"], "kwargs": {"_attempt": 2}}
