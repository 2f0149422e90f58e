"""A password reset request does the same work whatever address was typed: it queues one job
carrying the address, encrypted; the worker looks the address up and sends the link, or nothing.

(The page used to make the token and render the email during the request for a real account
only, so the response time told real accounts from unknown addresses.)"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.accounts.test_password_reset import NEW_PASSWORD, password_changed_to, use_link
from tests.factories import make_member
from tests.operations.conftest import run_worker
from waymark.accounts.models import AccountKind
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

RESET_JOB = "waymark.accounts.password_reset.send_password_reset"
UNKNOWN = "no-such-person@agency.example"
LINK = re.compile(r"https?://[^/\s]+/accounts/password/reset/key/\S+/")


@pytest.fixture(autouse=True)
def _one_instant():
    """Every test at one instant: reset tokens and allauth's rate limits read the clock."""
    with time_machine.travel(datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER, email="amara.okafor@harbour.example")


def reset_request(email: str, *, ip: str = "192.0.2.10"):
    return Client().post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=ip)


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def the_one_reset_job() -> DBTaskResult:
    jobs = queued()
    assert [job.task_path for job in jobs] == [RESET_JOB]
    return jobs[0]


@pytest.mark.parametrize("account", ["real", "unknown"])
def test_a_request_queues_one_reset_job_and_sends_nothing_itself(user, worker_stopped, account):
    email = user.email if account == "real" else UNKNOWN
    response = reset_request(email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []
    job = the_one_reset_job()
    stored = str(job.args_kwargs)
    assert email not in stored and email.split("@")[0] not in stored  # encrypted while queued
    assert not LINK.search(stored)


def test_a_real_account_and_an_unknown_address_cost_the_request_the_same_queries(user, worker_stopped):
    """The same statements in the same order, only the values differ: no lookup in the request."""

    def statements(email: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert reset_request(email).status_code == 302
        return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", query["sql"]) for query in captured.captured_queries]

    real, unknown = statements(user.email), statements(UNKNOWN)
    assert real == unknown
    assert not any("accounts_user" in sql or "account_emailaddress" in sql for sql in real)


def test_the_worker_sends_a_real_account_a_link_that_sets_a_new_password(user, worker_stopped):
    reset_request(user.email)
    the_one_reset_job()
    run_worker()
    assert [message.to for message in mail.outbox] == [[user.email]]
    link = LINK.search(mail.outbox[0].body).group(0)
    assert link.startswith(settings.WAYMARK_BASE_URL.rstrip("/") + "/")  # the worker has no request
    assert f"[{urlsplit(settings.WAYMARK_BASE_URL).netloc}]" in mail.outbox[0].subject
    response = use_link(link.removeprefix(settings.WAYMARK_BASE_URL.rstrip("/")))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert password_changed_to(user, NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, object_id=str(user.pk)).count() == 1


def test_the_worker_sends_nothing_for_an_unknown_address(user, worker_stopped):
    assert settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is False  # the project's setting
    reset_request(UNKNOWN)
    job = the_one_reset_job()
    run_worker()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value is None  # the job's record does not say whether there was an account
    assert mail.outbox == []
    assert queued() == []


@override_settings(ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS=True)
def test_with_unknown_account_emails_on_the_worker_sends_one_to_an_unknown_address(user, worker_stopped):
    reset_request(UNKNOWN)
    the_one_reset_job()
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [[UNKNOWN]]
    body = mail.outbox[0].body
    assert "we do not have any record of such an account" in body
    assert not LINK.search(body)
    assert settings.WAYMARK_BASE_URL.rstrip("/") + reverse("account_signup") in body


@pytest.mark.parametrize("account", ["deactivated", "service"])
def test_no_reset_link_for_a_deactivated_or_service_account(worker_stopped, account):
    if account == "deactivated":
        user = make_member(Role.CASEWORKER, email="former.worker@harbour.example", is_active=False)
    else:
        user = make_member(Role.CASEWORKER, email="case-system@harbour.example", kind=AccountKind.SERVICE)
    reset_request(user.email)
    job = the_one_reset_job()  # the request looks exactly like any other
    run_worker()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox == []


def test_allauths_rate_limit_still_stops_a_sixth_request_for_one_address_in_a_minute(worker_stopped):
    for attempt in range(5):
        assert reset_request(UNKNOWN, ip=f"192.0.2.{attempt + 1}").status_code == 302
    assert [job.task_path for job in queued()] == [RESET_JOB] * 5
    assert reset_request(UNKNOWN, ip="192.0.2.99").status_code == 429
    assert len(queued()) == 5
