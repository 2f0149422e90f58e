"""Password reset links: valid for at most 60 minutes, and usable once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.helpers import is_signed_in
from tests.factories import make_member
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase-77"


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER)


def request_reset_link(user) -> str:
    Client().post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert match, "no reset link in the email"
    mail.outbox.clear()
    return match.group(1)


def use_link(link: str, password: str = NEW_PASSWORD):
    """Follows the emailed link as a browser does, then sets a new password. Returns the final response."""
    client = Client()
    landing = client.get(link)
    if landing.status_code != 302:
        return landing  # the page saying the link is bad
    form_url = landing["Location"]
    return client.post(form_url, {"password1": password, "password2": password})


def password_changed_to(user, password: str) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


def test_reset_link_works_at_59_minutes(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        link = request_reset_link(user)
        clock.shift(timedelta(minutes=59))
        response = use_link(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert password_changed_to(user, NEW_PASSWORD)


def test_reset_link_refused_at_61_minutes(user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        link = request_reset_link(user)
        clock.shift(timedelta(minutes=61))
        response = use_link(link)
    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()
    assert not password_changed_to(user, NEW_PASSWORD)


def test_reset_link_works_once(user):
    link = request_reset_link(user)
    assert use_link(link).status_code == 302
    second = use_link(link, password="yet-another-long-passphrase-88")
    assert second.status_code == 200
    assert "invalid" in second.content.decode().lower()
    assert password_changed_to(user, NEW_PASSWORD)


def test_reset_does_not_sign_the_user_in(user):
    link = request_reset_link(user)
    client = Client()
    landing = client.get(link)
    client.post(landing["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not is_signed_in(client)


def test_reset_link_refuses_a_weak_password_and_keeps_the_old_one(user):
    link = request_reset_link(user)
    response = use_link(link, password="short-pass")
    assert response.status_code == 200
    assert not password_changed_to(user, "short-pass")
