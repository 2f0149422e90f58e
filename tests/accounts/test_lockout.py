"""Lockout (django-axes): 5 failures for one account lock it for 15 minutes, from that address
and from every other (per account across addresses, as well as per account and address)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.accounts.helpers import LOGIN_URL, MFA_URL, normalise, post_password
from tests.factories import make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

WRONG = "not-the-right-password-1"
IP = "192.0.2.10"
OTHER_IP = "198.51.100.7"


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER)


def fail(client, login, times, ip=IP):
    return [post_password(client, login, WRONG, ip=ip) for _ in range(times)]


def test_four_failures_do_not_lock(client, user):
    responses = fail(client, user.email, 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert post_password(client, user.email, ip=IP)["Location"] == MFA_URL


def test_fifth_failure_locks_and_correct_password_is_then_refused(client, user):
    responses = fail(client, user.email, 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    locked = post_password(client, user.email, ip=IP)
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()


def test_lockout_is_per_account_not_per_address_alone(client, user):
    other = make_member(Role.CASEWORKER)
    fail(client, user.email, 5)
    assert post_password(client, other.email, ip=IP)["Location"] == MFA_URL


def test_lockout_ignores_case_and_spaces_in_the_address(client, user):
    fail(client, user.email.upper(), 3)
    fail(client, f"  {user.email}  ", 2)
    assert post_password(client, user.email, ip=IP).status_code == 429


def test_another_address_is_locked_too(client, user):
    """A second address gets no more guesses: the account is locked wherever the next comes from."""
    fail(client, user.email, 5)
    assert post_password(client, user.email, ip=OTHER_IP).status_code == 429


def test_failures_from_several_addresses_add_up(client, user):
    for n, ip in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]):
        assert post_password(client, user.email, WRONG, ip=ip).status_code == 200, n
    assert post_password(client, user.email, WRONG, ip="192.0.2.5").status_code == 429
    assert post_password(client, user.email, ip="192.0.2.6").status_code == 429


def test_an_administrator_unlocks_an_account_by_its_address(client, user):
    from io import StringIO

    from django.core.management import call_command

    fail(client, user.email, 5, ip=IP)
    out = StringIO()
    call_command("unlock_account", f"  {user.email.upper()} ", stdout=out)
    assert "Unlocked" in out.getvalue() and user.email not in out.getvalue()
    assert post_password(client, user.email, ip=OTHER_IP)["Location"] == MFA_URL
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, detail__purpose="unlock_account").exists()


def test_lockout_lasts_fifteen_minutes_then_expires(client, user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, user.email, 5)
        clock.shift(timedelta(minutes=14, seconds=50))
        assert post_password(client, user.email, ip=IP).status_code == 429
        clock.shift(timedelta(seconds=20))
        response = post_password(client, user.email, ip=IP)
        assert response.status_code == 302
        assert response["Location"] == MFA_URL


def test_lockout_page_is_identical_for_existing_and_unknown_accounts(client, user):
    fail(client, user.email, 5)
    existing = post_password(client, user.email, ip=IP)
    fail(client, "nobody-here@agency.example", 5, ip=OTHER_IP)
    unknown = post_password(client, "nobody-here@agency.example", ip=OTHER_IP)
    assert existing.status_code == unknown.status_code == 429
    assert normalise(existing.content) == normalise(unknown.content)


def test_unknown_accounts_are_locked_too(client):
    responses = fail(client, "nobody-here@agency.example", 5)
    assert responses[-1].status_code == 429


def test_lockout_is_audited_without_the_typed_address(client, user):
    fail(client, user.email, 5)
    events = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT)
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(user.pk)
    assert user.email not in str(event.detail)
    assert event.ip_address == IP


def test_lockout_page_is_the_login_url_not_a_redirect(client, user):
    responses = fail(client, user.email, 5)
    assert responses[-1].request["PATH_INFO"] == LOGIN_URL
    assert "Location" not in responses[-1]


def test_lockout_tables_never_hold_what_was_typed(client, user):
    from axes.models import AccessAttempt

    unknown_address = "someones.personal.address@mail.example"
    fail(client, unknown_address, 2)
    fail(client, user.email, 2)
    stored = " ".join(f"{a.username} {a.post_data} {a.get_data} {a.http_accept}" for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 2
    assert unknown_address not in stored
    assert user.email not in stored
    assert WRONG not in stored
