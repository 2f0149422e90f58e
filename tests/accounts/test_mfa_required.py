"""MFA for everyone: without an authenticator, every protected page sends the user to set one up."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.accounts.helpers import is_signed_in, post_password, totp_code_for_secret
from tests.core.test_url_access_rules import ALL_ROUTES, sample_url
from tests.factories import TEST_PASSWORD, make_member
from waymark.core.access import AccessRule, Audience
from waymark.core.roles import Role
from waymark.web.middleware import check

pytestmark = pytest.mark.django_db

MFA_SETUP = reverse("mfa_activate_totp")

PROTECTED = sorted(
    {
        url
        for route in ALL_ROUTES
        if route.rule is not None and route.rule.audience is Audience.SIGNED_IN
        for url in [sample_url(route)]
        if url is not None
    }
)


def test_the_walk_found_protected_pages():
    assert reverse("home") in PROTECTED
    assert reverse("admin:index") in PROTECTED
    assert reverse("audit:search") in PROTECTED
    assert len(PROTECTED) >= 20


@pytest.fixture
def no_mfa_admin():
    """Holds every role that matters for the pages walked here, but has no authenticator."""
    user = make_member(Role.SYSTEM_ADMINISTRATOR, mfa=False)
    return user


@pytest.mark.parametrize("url", PROTECTED)
def test_every_protected_page_sends_a_user_without_mfa_to_set_it_up(url, no_mfa_admin):
    client = Client()
    client.force_login(no_mfa_admin)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"] == MFA_SETUP, url


def test_a_new_user_can_set_up_mfa_and_then_reach_their_pages(no_mfa_admin):
    client = Client()
    post_password(client, no_mfa_admin.email)
    assert client.get(reverse("home"))["Location"] == MFA_SETUP
    # allauth asks for the password again before adding an authenticator.
    response = client.get(MFA_SETUP)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": TEST_PASSWORD})
    assert client.get(MFA_SETUP).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = totp_code_for_secret(secret)
    response = client.post(MFA_SETUP, {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=no_mfa_admin, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_user_without_mfa_who_signs_in_with_a_password_can_only_set_up_mfa(no_mfa_admin):
    client = Client()
    post_password(client, no_mfa_admin.email)
    assert client.get(reverse("home"))["Location"] == MFA_SETUP
    assert client.get(reverse("admin:index"))["Location"] == MFA_SETUP


def test_api_refuses_a_session_without_mfa(no_mfa_admin):
    request = RequestFactory().get("/api/anything/")
    request.user = no_mfa_admin
    with pytest.raises(PermissionDenied):
        check(request, AccessRule(Audience.API))


def test_api_rule_lets_drf_decide_for_anonymous_and_mfa_users(client_for, idva):
    request = RequestFactory().get("/api/anything/")
    request.user = AnonymousUser()
    assert check(request, AccessRule(Audience.API)) is None
    request.user = idva
    assert check(request, AccessRule(Audience.API)) is None


def test_with_mfa_the_same_user_reaches_home(client_for):
    user = make_member(Role.SYSTEM_ADMINISTRATOR)
    client = client_for(user)
    assert is_signed_in(client)
    assert client.get(reverse("home")).status_code == 200
