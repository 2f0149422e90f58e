"""A password reset request does the same work whatever address was typed: it queues one job
carrying the address, encrypted; the worker looks the address up and sends the link, or nothing.

(The page used to make the token and render the email during the request for a real account
only, so the response time told real accounts from unknown addresses.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
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
from waymark.accounts.password_reset import queue_password_reset, send_password_reset
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core import crypto
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

RESET_JOB = "waymark.accounts.password_reset.send_password_reset"
UNKNOWN = "no-such-person@agency.example"
LINK = re.compile(r"https?://[^/\s]+/accounts/password/reset/key/\S+/")
REQUESTED_AT = datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/London"))  # every request here


@pytest.fixture(autouse=True)
def _one_instant():
    """Every test at one instant: reset tokens and allauth's rate limits read the clock."""
    with time_machine.travel(REQUESTED_AT, tick=False):
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


# --- A link's hour runs from the request, not from when the worker gets to it ---------------


def link_works(link: str) -> bool:
    """Opening the link (without setting a password, which would use it up): a good key
    redirects to the form that sets the password; a bad or expired one shows the error page."""
    response = Client().get(link.removeprefix(settings.WAYMARK_BASE_URL.rstrip("/")))
    return response.status_code == 302


def test_a_job_run_30_minutes_late_sends_a_link_that_stops_working_an_hour_after_the_request(user, worker_stopped):
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    reset_request(user.email)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=30), tick=False):
        run_worker()
    link = LINK.search(mail.outbox[0].body).group(0)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=59, seconds=59), tick=False):
        assert link_works(link)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=60, seconds=1), tick=False):
        assert not link_works(link)  # 30 minutes after the email, not 60
        response = use_link(link.removeprefix(settings.WAYMARK_BASE_URL.rstrip("/")))
    assert "invalid" in response.content.decode().lower()
    assert not password_changed_to(user, NEW_PASSWORD)


def test_a_retry_after_the_mail_server_failed_still_expires_an_hour_after_the_request(
    user, worker_stopped, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: 1 / 0)
    reset_request(user.email)
    run_worker()  # fails; the retry is queued for a minute later
    assert mail.outbox == []
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=45), tick=False):
        run_worker()
    link = LINK.search(mail.outbox[0].body).group(0)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=60, seconds=1), tick=False):
        assert not link_works(link)


@pytest.mark.parametrize("account", ["real", "unknown"])
@override_settings(ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS=True)
def test_a_job_run_after_a_links_lifetime_sends_nothing_and_says_why_without_the_address(
    user, worker_stopped, caplog, account
):
    email = user.email if account == "real" else UNKNOWN
    reset_request(email)
    job = the_one_reset_job()
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=61), tick=False), caplog.at_level("INFO"):
        run_worker()
    assert mail.outbox == []
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL  # not retried: a retry would be later still
    assert queued() == []
    logged = [record for record in caplog.records if record.name == "waymark.accounts.password_reset"]
    assert [record.getMessage() for record in logged] == [
        "Password reset request not sent: it was made 61 minutes ago and a link lasts 60 minutes from the request."
    ]
    everything_logged = "\n".join(record.getMessage() for record in caplog.records)
    assert email not in everything_logged and email.split("@")[0] not in everything_logged


def test_a_job_run_just_within_the_lifetime_still_sends(user, worker_stopped):
    reset_request(user.email)
    with time_machine.travel(REQUESTED_AT + timedelta(minutes=59), tick=False):
        run_worker()
        link = LINK.search(mail.outbox[0].body).group(0)
        assert link_works(link)


def test_a_job_queued_with_the_address_alone_before_requests_carried_their_time_sends_nothing(
    user, worker_stopped, caplog
):
    send_password_reset.enqueue(crypto.encrypt_text(user.email))
    with caplog.at_level("INFO"):
        run_worker()
    assert mail.outbox == []
    assert "queued without the time it was made" in caplog.text
    assert user.email not in caplog.text


def test_the_request_time_is_encrypted_with_the_address(user, worker_stopped):
    reset_request(user.email)
    (encrypted,) = the_one_reset_job().args_kwargs["args"]
    assert json.loads(crypto.decrypt_text(encrypted)) == {
        "email": user.email,
        "requested_at": REQUESTED_AT.astimezone(UTC).isoformat(),
    }


# --- The link goes to the account's own address -----------------------------------------------

KATE = "kate.ashworth@harbour.example"
KELVIN_KATE = "\u212aate.ashworth@harbour.example"  # its first letter the Kelvin sign, U+212A


def test_the_worker_sends_the_link_to_the_accounts_own_address_never_the_address_queued(worker_stopped):
    """The lookup ignores case, and "\u212aate" lowercases to "kate": a link sent to the address
    as queued would go to a different address, one an attacker could hold (the pattern of
    CVE-2019-19844). The request page lowercases what was typed (allauth's EmailField), but the
    worker does not rely on that."""
    kate = make_member(Role.CASEWORKER, email=KATE)
    assert KELVIN_KATE != KATE and KELVIN_KATE.lower() == KATE
    queue_password_reset(KELVIN_KATE)
    run_worker()
    assert [message.to for message in mail.outbox] == [[KATE]]
    assert KELVIN_KATE not in mail.outbox[0].message().as_string()
    link = LINK.search(mail.outbox[0].body).group(0)
    response = use_link(link.removeprefix(settings.WAYMARK_BASE_URL.rstrip("/")))
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert password_changed_to(kate, NEW_PASSWORD)


def test_a_request_typed_with_a_kelvin_sign_sends_the_link_to_the_accounts_own_address(worker_stopped):
    make_member(Role.CASEWORKER, email=KATE)
    assert reset_request(KELVIN_KATE).status_code == 302
    run_worker()
    assert [message.to for message in mail.outbox] == [[KATE]]
