"""Browser-side protections: nothing a signed-in user sees is cached, and a strict CSP everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.test_url_access_rules import ALL_ROUTES, sample_url
from waymark.core.access import Audience

pytestmark = pytest.mark.django_db

# Every parameter-free page behind sign-in, plus pages whose ids will not exist (404s must not be
# cached either: they say what the user looked for).
SIGNED_IN_PAGES = sorted(
    {
        url
        for route in ALL_ROUTES
        if route.rule is not None and route.rule.audience in (Audience.SIGNED_IN, Audience.SIGNED_IN_NO_MFA)
        for url in [sample_url(route)]
        if url is not None
    }
)


def test_sample_covers_the_main_areas():
    for name in ("home", "audit:search", "admin:index", "mfa_index", "account_change_password"):
        assert reverse(name) in SIGNED_IN_PAGES


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_every_signed_in_response_is_no_store(url, client_for, administrator):
    response = client_for(administrator).get(url)
    assert response.status_code < 500, url
    assert "no-store" in _cache_control(response), (url, response.status_code)


@pytest.mark.parametrize("url", ["/", "/no-such-page/", reverse("account_login")])
def test_no_store_for_signed_in_user_on_any_page_and_status(url, client_for, idva):
    assert "no-store" in _cache_control(client_for(idva).get(url))


PUBLIC_PAGES = sorted(
    {
        url
        for route in ALL_ROUTES
        if route.rule is not None and route.rule.audience is Audience.PUBLIC
        for url in [sample_url(route)]
        if url is not None
    }
)


def test_public_sample_includes_sign_in_and_reset():
    assert {reverse("account_login"), reverse("account_reset_password"), reverse("mfa_authenticate")} <= set(
        PUBLIC_PAGES
    )


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_no_store_too(client, url):
    """Sign-in, reset and self-referral pages hold what was typed, reset keys, CSRF tokens."""
    response = client.get(url)
    assert response.status_code < 500, url
    assert "no-store" in _cache_control(response), url


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", [reverse("account_login"), reverse("health"), "/no-such-page/"])
def test_csp_is_strict_for_anyone(client, url):
    _assert_strict(_csp(client.get(url)))


def test_csp_is_strict_on_signed_in_pages(client_for, administrator):
    for url in (reverse("home"), reverse("audit:search"), reverse("admin:index")):
        _assert_strict(_csp(client_for(administrator).get(url)))


def _assert_strict(csp: dict[str, list[str]]) -> None:
    header = " ".join(f"{k} {' '.join(v)}" for k, v in csp.items())
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "script-src" in csp or "default-src" in csp
    for source in csp.get("script-src", csp.get("default-src")):
        assert source in ("'self'",) or source.startswith("'nonce-"), source


def test_other_protective_headers(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
