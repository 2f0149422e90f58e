"""Sessions: a new id at sign-in, 15 minutes idle, 10 hours at most however active."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.helpers import MFA_URL, is_signed_in, post_password, sign_in
from tests.factories import make_member
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER)


def test_session_id_changes_at_each_step_of_sign_in(user):
    client = Client()
    client.get(reverse("account_login"))
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = post_password(client, user.email)
    assert response["Location"] == MFA_URL
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(MFA_URL, {"code": _code(user)})
    assert response.status_code == 302
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(client)
    assert signed_in != before
    assert signed_in != after_password


def _code(user):
    from tests.accounts.helpers import current_totp_code

    return current_totp_code(user)


def test_old_session_id_is_useless_after_sign_in(user):
    client = Client()
    post_password(client, user.email)
    pending_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(MFA_URL, {"code": _code(user)})
    assert is_signed_in(client)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = pending_key
    assert replay.get(HOME).status_code == 302


def signed_in_client(user, clock) -> Client:
    client = Client()
    response = sign_in(client, user)
    assert response.status_code == 302 and is_signed_in(client)
    return client


def test_idle_for_14_minutes_stays_signed_in(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        clock.shift(timedelta(minutes=14))
        assert client.get(HOME).status_code == 200


def test_idle_for_16_minutes_is_signed_out(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        clock.shift(timedelta(minutes=16))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_activity_renews_the_idle_limit(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        for _ in range(4):  # 56 minutes in all, never 15 idle
            clock.shift(timedelta(minutes=14))
            assert client.get(HOME).status_code == 200
        clock.shift(timedelta(minutes=16))
        assert client.get(HOME).status_code == 302


def test_absolute_limit_of_ten_hours_even_when_active(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        for _ in range(59):  # 9 h 50 min, a request every 10 minutes
            clock.shift(timedelta(minutes=10))
            assert client.get(HOME).status_code == 200
        clock.shift(timedelta(minutes=10, seconds=1))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not is_signed_in(client)


def test_force_logged_in_session_also_gets_the_absolute_limit(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        client.force_login(user)
        for _ in range(60):
            clock.shift(timedelta(minutes=10))
            client.get(HOME)
        clock.shift(timedelta(seconds=1))
        assert client.get(HOME).status_code == 302


def test_sign_out_ends_the_server_session(user):
    client = Client()
    sign_in(client, user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(HOME).status_code == 302


# --- Renewal: the idle limit renewed at most once a minute, not a write per page view ----------


def _expiry(client: Client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def _session_writes(client: Client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1 for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "session" in q["sql"]
    )


def test_a_page_view_within_a_minute_of_the_last_renewal_writes_no_session(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        client.get(HOME)
        renewed = _expiry(client)
        clock.shift(timedelta(seconds=59))
        assert _session_writes(client, HOME) == 0
        assert _expiry(client) == renewed


def test_a_page_view_a_minute_after_the_last_renewal_renews_the_idle_limit(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        client.get(HOME)
        renewed = _expiry(client)
        clock.shift(timedelta(seconds=60))
        assert _session_writes(client, HOME) == 1
        assert _expiry(client) == renewed + timedelta(seconds=60)
        assert _expiry(client) == timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_idle_limit_counts_from_the_last_renewal_so_never_more_than_fifteen_minutes(user):
    """A request that did not renew (under a minute after the last renewal) does not extend the
    limit: the session ends 15 minutes after the renewal, 14 and a bit after that request."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        client.get(HOME)  # renewed here, at t
        clock.shift(timedelta(seconds=50))
        assert client.get(HOME).status_code == 200  # t + 50 s: not renewed
        clock.shift(timedelta(minutes=14, seconds=9))
        assert client.get(HOME).status_code == 200  # t + 14 min 59 s: still in; renews
        clock.shift(timedelta(minutes=15, seconds=1))
        assert client.get(HOME).status_code == 302  # 15 min 1 s after that renewal


def test_a_changed_session_is_saved_at_once_whatever_the_renewal_clock(user):
    from django.contrib.auth import SESSION_KEY

    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(user, clock)
        client.get(HOME)
        client.post(reverse("account_logout"))  # within the minute: the change (sign-out) still saved
        assert SESSION_KEY not in client.session


def test_a_visitor_without_a_session_or_with_an_ended_one_gets_no_session_row(user):
    from django.contrib.sessions.models import Session

    before = Session.objects.count()
    assert Client().get(reverse("account_login")).status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # a key the server never issued, or deleted
    stale.get(reverse("account_login"))
    assert Session.objects.count() == before
