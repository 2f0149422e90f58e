"""The survivor's feedback pages tell whoever reads her phone nothing: no kind of support, no service,
no provider, no partnership; the same page whatever the link was given for; a short-lived link; and
one "no longer works" page, alike for a link that was used, has lapsed or never existed.

The clock is pinned (time-machine): nothing here depends on the day the suite runs.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_case
from waymark.cases.states import CaseStatus
from waymark.commissioning import feedback_views
from waymark.commissioning.feedback import DEFAULT_LINK_DAYS, feedback_link_give, feedback_submit, link_days
from waymark.commissioning.models import FeedbackKind, FeedbackLink, FeedbackResponse, ProvidedService
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db
GIVEN_ON = date(2026, 12, 2)
# Words that would tell a reader what the support was about.
TELLING = ("abuse", "refuge", "sanctuary", "domestic", "idva")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(GIVEN_ON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider():
    return AgencyFactory(name="Harbour Womens Aid", kind=AgencyKind.DA_SPECIALIST)


@pytest.fixture
def scheme(provider):
    return ProvidedService.objects.create(
        code="harbour-sanctuary", name="Southmere Sanctuary Scheme", provider_agency=provider
    )


@pytest.fixture
def idva_service(provider):
    return ProvidedService.objects.create(code="harbour-idva", name="Harbour IDVA service", provider_agency=provider)


def _give(provider, kind=FeedbackKind.END_OF_SUPPORT, service=None) -> str:
    token, _ = feedback_link_give(
        actor=make_member(Role.CASEWORKER, agency=provider),
        kind=kind,
        about=provider,
        provider_id=provider.pk,
        service=service,
    )
    return token


def _page(token: str, method: str = "get", **data):
    response = getattr(Client(), method)(reverse("feedback:survey", args=[token]), data)
    return response, CSRF.sub("", response.content.decode())  # the form's random token aside


def _assert_tells_nothing(body: str, *names: str) -> None:
    lowered = body.lower()
    for word in (*TELLING, *(name.lower() for name in names)):
        assert word not in lowered, word
    assert settings.WAYMARK_PARTNERSHIP_NAME.lower() not in lowered
    assert "waymark" not in lowered  # the product's name leads to what it is for
    assert "Exit this page" in body and "govuk-exit-this-page" in body


@pytest.mark.parametrize("kind", [FeedbackKind.END_OF_SUPPORT, FeedbackKind.SANCTUARY])
def test_the_survey_names_no_service_and_no_kind_of_support(provider, scheme, idva_service, kind):
    service = scheme if kind == FeedbackKind.SANCTUARY else idva_service
    response, body = _page(_give(provider, kind, service))
    assert response.status_code == 200
    assert "<title>Tell us about the support you had</title>" in body
    assert '<h1 class="govuk-heading-l">Tell us about the support you had</h1>' in body
    _assert_tells_nothing(body, service.name, provider.name, "security measures", "scheme")


def test_a_link_without_a_service_does_not_name_the_provider(provider):
    _, body = _page(_give(provider))
    _assert_tells_nothing(body, provider.name, "Harbour")


def test_every_kind_of_link_shows_the_same_page(provider, scheme, idva_service):
    """Which service, and whether it was about her home's security, only the token knows."""
    _, sanctuary = _page(_give(provider, FeedbackKind.SANCTUARY, scheme))
    _, end_of_support = _page(_give(provider, FeedbackKind.END_OF_SUPPORT, idva_service))
    _, no_service = _page(_give(AgencyFactory(name="Bridge Project")))
    assert sanctuary == end_of_support == no_service


def test_the_answers_still_go_to_the_service_of_the_link(provider, scheme):
    token = _give(provider, FeedbackKind.SANCTUARY, scheme)
    response, _ = _page(token, "post", satisfied="happy", safer="yes")
    assert response.status_code == 302
    saved = FeedbackResponse.objects.get()
    assert (saved.kind, saved.service_id, saved.provider_agency_id) == (FeedbackKind.SANCTUARY, scheme.pk, provider.pk)


def test_the_thank_you_and_no_longer_works_pages_tell_nothing(provider, scheme):
    token = _give(provider, FeedbackKind.SANCTUARY, scheme)
    done, _ = _page(token, "post", satisfied="happy")
    thanks = Client().get(done["Location"])
    assert thanks.status_code == 200
    _assert_tells_nothing(thanks.content.decode(), scheme.name, provider.name)
    gone, body = _page(token)
    assert gone.status_code == 404 and "This link no longer works" in body
    _assert_tells_nothing(body, scheme.name, provider.name)


# --- How long a link lasts --------------------------------------------------------------------------


def test_a_link_lasts_28_days_by_default(provider, pinned):
    assert link_days() == DEFAULT_LINK_DAYS == 28
    token = _give(provider)
    assert FeedbackLink.objects.get().expires_on == date(2026, 12, 30)
    pinned.move_to(date(2026, 12, 30))
    assert _page(token)[0].status_code == 200  # its last day
    pinned.move_to(date(2026, 12, 31))
    assert _page(token)[0].status_code == 404


@override_settings(FEEDBACK_LINK_DAYS=7)
def test_the_life_of_a_link_is_a_setting(client_for, idva, idva_team, specialist_agency):
    case = make_case(agency=specialist_agency, team=idva_team, caseworker=idva, status=CaseStatus.CLOSED)
    url = reverse("commissioning:feedback_case", args=[case.pk])
    assert "The link works once, for 7 days" in client_for(idva).get(url).content.decode()
    given = client_for(idva).post(url).content.decode()
    assert "It works once, until 9 December 2026" in given
    assert FeedbackLink.objects.get().expires_on == GIVEN_ON + timedelta(days=7)


@override_settings(FEEDBACK_LINK_DAYS=0)
def test_a_link_lasts_at_least_a_day(provider):
    assert link_days() == 1


# --- No oracle: used, lapsed and never-existed look alike -------------------------------------------


def test_used_lapsed_and_unknown_links_show_one_page(provider, pinned):
    used = _give(provider)
    feedback_submit(token=used, answers={"satisfied": "happy"})
    lapsed = _give(provider)
    pinned.move_to(GIVEN_ON + timedelta(days=DEFAULT_LINK_DAYS + 1))
    unknown = "x" * 43
    too_long = "y" * 500
    seen = []
    for token in (used, lapsed, unknown, too_long):
        for method in ("get", "post"):
            response, body = _page(token, method, satisfied="happy")
            seen.append((response.status_code, body, response.get("Cache-Control"), response.get("Content-Type")))
    assert len(set(seen)) == 1, "each must look exactly like a link that never existed"
    status, body, cache_control, _ = seen[0]
    assert status == 404 and "This link no longer works" in body and "no-store" in cache_control
    assert FeedbackResponse.objects.count() == 1  # only the first, used link's answers


def test_a_link_used_while_the_page_was_open_shows_the_same_page(provider, monkeypatch):
    """Answers sent from a page opened before the link was used elsewhere (or lapsed)."""
    token = _give(provider)
    assert _page(token)[0].status_code == 200
    feedback_submit(token=token, answers={})  # used from another tab
    monkeypatch.setattr(feedback_views, "open_link", lambda _: FeedbackLink())  # as when the page was open
    late, late_body = _page(token, "post", satisfied="happy")
    monkeypatch.undo()
    unknown, unknown_body = _page("x" * 43, "post", satisfied="happy")
    assert (late.status_code, late_body) == (unknown.status_code, unknown_body) == (404, unknown_body)
    assert FeedbackResponse.objects.count() == 1
