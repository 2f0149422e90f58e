"""The contact-attempt page as a worker meets it: every error-summary link lands on its field, and
when the person has no recorded detail of the kind the attempt needs, the message says what to do
instead of asking her to choose from nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.web.error_links import assert_summary_links_land, read
from waymark.cases.models import ContactAttempt
from waymark.people.models import ContactChannel

pytestmark = pytest.mark.django_db

NOTHING_TO_CHOOSE = "Choose which of the person's recorded"


def _post(client, case, data):
    return client.post(reverse("cases:contact", kwargs={"case_id": case.pk}), data)


def _attempt(**overrides):
    today = timezone.localdate()  # the day the case's referral was received: an attempt may not be before it
    data = {
        "kind": "phone_call",
        "outcome": "no_answer",
        "attempted_on_0": str(today.day),
        "attempted_on_1": str(today.month),
        "attempted_on_2": str(today.year),
        "attempted_time": "00:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_empty_attempt_links_every_error_to_its_field(client_for, idva, allocated_case):
    response = _post(client_for(idva), allocated_case, {})
    assert response.status_code == 200
    page = assert_summary_links_land(response.content.decode(), at_least=4)
    assert page.link_for("Choose how you tried to contact the person") == "#id_kind_0"
    assert page.link_for("Choose what happened") == "#id_outcome_0"
    assert page.link_for("Enter date of the attempt") == "#id_attempted_on_0"
    assert page.link_for("Enter the time of the attempt") == "#id_attempted_time"


def test_with_recorded_details_the_links_still_land(client_for, idva, allocated_case):
    ContactChannel.objects.create(person=allocated_case.person, kind="mobile", value="07700 900461")
    response = _post(client_for(idva), allocated_case, {"channel": "not-one-of-hers"})
    page = assert_summary_links_land(response.content.decode(), at_least=4)
    assert page.link_for("Choose how you tried to contact the person") == "#id_kind_0"
    assert any(href == "#id_channel_0" for href, _ in page.links)


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("phone_call", "No phone number is recorded for the person. Add a phone number to their contact details"),
        ("text_message", "No mobile phone number is recorded for the person."),
        ("email", "No email address is recorded for the person. Add an email address"),
        ("letter", "No address for letters is recorded for the person."),
    ],
)
def test_with_nothing_recorded_the_message_says_to_record_it_or_choose_another_way(
    client_for, idva, allocated_case, kind, says
):
    response = _post(client_for(idva), allocated_case, _attempt(kind=kind))
    body = response.content.decode()
    assert response.status_code == 200 and not ContactAttempt.objects.exists()
    assert NOTHING_TO_CHOOSE not in body
    page = assert_summary_links_land(body)
    message = next(text for _, text in page.links if text.startswith(says))
    assert message.endswith("or choose another way you tried to contact them.")
    assert page.link_for(message) == "#id_kind_0"


def test_a_detail_of_another_kind_is_not_something_to_choose(client_for, idva, allocated_case):
    ContactChannel.objects.create(person=allocated_case.person, kind="email", value="rosa@example.com")
    response = _post(client_for(idva), allocated_case, _attempt(kind="phone_call"))
    page = assert_summary_links_land(response.content.decode())
    assert (
        page.link_for(
            "No phone number is recorded for the person. Add a phone number to their contact details first, "
            "or choose another way you tried to contact them."
        )
        == "#id_kind_0"
    )


def test_with_a_phone_recorded_but_not_chosen_it_asks_for_that_phone(client_for, idva, allocated_case):
    channel = ContactChannel.objects.create(person=allocated_case.person, kind="mobile", value="07700 900461")
    response = _post(client_for(idva), allocated_case, _attempt())
    page = assert_summary_links_land(response.content.decode())
    assert page.link_for("Choose the phone number you used") == "#id_channel_0"
    email = ContactChannel.objects.create(person=allocated_case.person, kind="email", value="rosa@example.com")
    response = _post(client_for(idva), allocated_case, _attempt(channel=str(email.pk)))
    page = assert_summary_links_land(response.content.decode())
    assert page.link_for("For a phone call, choose a phone number") is not None
    assert not ContactAttempt.objects.exists()
    # The right one is recorded.
    assert _post(client_for(idva), allocated_case, _attempt(channel=str(channel.pk))).status_code == 302
    assert ContactAttempt.objects.get().channel == channel


def test_in_person_needs_no_recorded_detail(client_for, idva, allocated_case):
    assert _post(client_for(idva), allocated_case, _attempt(kind="in_person", outcome="met")).status_code == 302


def test_a_worker_who_may_not_see_contact_details_is_told_to_choose_in_person(client_for, allocated_case, monkeypatch):
    # As for a worker on the case whose roles do not include seeing where the person is.
    from waymark.cases import views

    monkeypatch.setattr(views, "can_see_location", lambda user, person: False)
    ContactChannel.objects.create(person=allocated_case.person, kind="mobile", value="07700 900461")
    response = _post(client_for(allocated_case.caseworker), allocated_case, _attempt())
    body = response.content.decode()
    assert "07700 900461" not in body and NOTHING_TO_CHOOSE not in body
    page = read(body)
    assert (
        page.link_for(
            "Your roles do not include seeing how to contact this person, so you cannot record a phone call. "
            "Choose in person or through another professional."
        )
        == "#id_kind_0"
    )
    assert page.broken_links() == []


def test_an_unsafe_detail_links_to_the_details_to_choose_another(client_for, idva, allocated_case):
    channel = ContactChannel.objects.create(
        person=allocated_case.person, kind="mobile", value="07700 900461", safe_to_call="no"
    )
    response = _post(client_for(idva), allocated_case, _attempt(channel=str(channel.pk)))
    page = assert_summary_links_land(response.content.decode())
    assert page.link_for("Choose a different way to contact them") == "#id_channel_0"


def test_an_attempt_before_the_referral_links_to_its_date(client_for, idva, allocated_case):
    response = _post(client_for(idva), allocated_case, _attempt(kind="in_person", attempted_on_2="2020"))
    page = assert_summary_links_land(response.content.decode())
    assert page.link_for("The attempt cannot be before the referral was received.") == "#id_attempted_on_0"
