"""The public self-referral form: no sign-in, no-store, exit this page, reveals nothing after."""

import pytest
from django.test import Client
from django.urls import reverse

from waymark.audit.models import AuditAction, AuditEvent
from waymark.people.models import Person
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db

CANARY = "Quillon-Canary-Selfref"
FORM = {
    "name": CANARY,
    "safe_to_call": "no",
    "safe_to_text": "yes",
    "safe_to_voicemail": "no",
    "safe_to_write": "no",
    "phone": "07700 900123",
    "instructions": "Only weekdays " + CANARY,
    "abuse_types": ["emotional", "economic"],
    "in_your_own_words": "He checks my phone. " + CANARY,
    "website": "",
}


def start_url():
    return reverse("selfreferral:start")


def thanks_url():
    return reverse("selfreferral:thanks")


@pytest.mark.parametrize("url", [start_url, thanks_url])
def test_pages_are_public_no_store_and_have_exit_this_page(client, settings, url):
    settings.SELFREFERRAL_EXIT_URL = "https://www.example.org/neutral"
    response = client.get(url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert 'data-module="govuk-exit-this-page"' in body
    assert 'href="https://www.example.org/neutral"' in body
    # Straight after the skip link: the first thing a keyboard user reaches.
    assert body.index("govuk-skip-link") < body.index("govuk-exit-this-page") < body.index('id="main-content"')


def test_post_responses_are_no_store_too(client):
    response = client.post(start_url(), {})
    assert response["Cache-Control"] == "no-store"
    assert client.post(start_url(), FORM)["Cache-Control"] == "no-store"


def test_no_third_party_resources(client):
    body = client.get(start_url()).content.decode()
    for attribute in ("src=", "href="):
        for chunk in body.split(attribute)[1:]:
            target = chunk[1:].split(chunk[0])[0]
            if target.startswith(("http://", "https://", "//")):
                assert target == "https://www.bbc.co.uk/weather", target  # only the exit link leaves


def test_submission_creates_a_received_self_referral_audited_without_actor(client):
    response = client.post(start_url(), FORM)
    assert response.status_code == 302 and response["Location"] == thanks_url()
    referral = Referral.objects.get()
    assert (referral.source, referral.status, referral.referring_agency) == ("self_referral", "received", None)
    assert referral.subject.given_name == CANARY
    assert referral.safe_to_text == "yes" and referral.safe_to_call == "no"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referrals.referral")
    assert event.actor is None
    assert CANARY not in str(event.detail)


def test_confirmation_reveals_nothing_about_the_submission(client):
    response = client.post(start_url(), FORM, follow=True)
    body = response.content.decode()
    referral = Referral.objects.get()
    assert CANARY not in body
    assert "07700" not in body
    assert referral.number not in body and str(referral.pk) not in body
    assert "in the way you said is safe" in body and "999" in body
    # The thank-you page is the same for someone who sent nothing.
    fresh = Client().get(thanks_url()).content.decode()
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(fresh).replace(" ", "") == strip(body).replace(" ", "")


def test_honeypot_saves_nothing_but_looks_the_same(client):
    response = client.post(start_url(), {**FORM, "website": "http://spam.example"})
    assert response["Location"] == thanks_url()
    assert not Referral.objects.exists() and not Person.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.BLOCKED).count() == 1


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    assert client.post(start_url(), FORM).status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name we can use for you"),
        ({"name": "x" * 101}, "100 characters or fewer"),
        ({"in_your_own_words": "x" * 3001}, "3,000 characters or fewer"),
        ({"phone": "", "safe_to_text": "yes"}, "Enter a phone number"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"date_of_birth_0": "30", "date_of_birth_1": "2", "date_of_birth_2": "1990"}, "must be a real date"),
        ({"safe_to_call": ""}, "Select an answer"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(client, changes, message):
    response = client.post(start_url(), {**FORM, **changes})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_markup_is_escaped_when_the_form_is_shown_again(client):
    body = client.post(start_url(), {**FORM, "name": "<script>x</script>", "in_your_own_words": ""}).content.decode()
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body


def test_oversized_request_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(start_url(), {**FORM, "in_your_own_words": "x" * 20_000})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_signed_in_users_can_use_it_too(client_for, police_referrer):
    assert client_for(police_referrer).get(start_url()).status_code == 200


def test_self_referral_audit_rows_hold_no_client_ip(client):
    """A survivor's IP address could locate her: public submissions never store it."""
    client.post(start_url(), FORM, REMOTE_ADDR="203.0.113.77")
    client.post(start_url(), {**FORM, "website": "spam"}, REMOTE_ADDR="203.0.113.78")
    events = AuditEvent.objects.filter(actor__isnull=True)
    assert events.count() >= 3  # person created, referral created, spam blocked
    assert set(events.values_list("ip_address", flat=True)) == {None}


def test_survivor_pages_carry_no_staff_wording_and_say_what_happens_next(settings):
    """Issue 10, item 5: no staff navigation, phase banner or audit wording; the thank-you page says
    what happens next and by when, and shows no reference that would reveal the referral."""
    import re
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    settings.CASES_FIRST_CONTACT_WORKING_DAYS = 2
    with time_machine.travel(datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        for url in (start_url(), thanks_url()):
            body = Client().get(url).content.decode()
            for staff in ("audit trail", "only open what you need for your work", "Sign out", "Exit this page"):
                assert (staff in body) == (staff == "Exit this page"), (url, staff)
        thanks = Client().get(thanks_url()).content.decode()
    assert "What happens next" in thanks and "Tuesday 24 November 2026" in thanks  # 2 working days on
    assert not re.search(r"R-\d{4}-\d{6}", thanks)
