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
