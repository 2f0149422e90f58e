"""A letter, email, call or text that would reach her refuge's post or the person causing her harm
is refused (found by a probe: a letter was recorded to her refuge address, and to the home of the
person causing harm named on her referral, with no more than a warning).

"Causing her harm" is read from every record that says so (``waymark.people.selectors``): a referral
about her, a MARAC case where she is the victim, an intimate partner recorded as a person causing
harm. Compared by blind index: the same number, email address, or building at the same postcode.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.cases.test_contact_attempts import _post, attempt
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases import actions
from waymark.cases.models import ContactAttempt
from waymark.marac.models import MaracCase, MaracCaseStatus
from waymark.people.models import Address, ContactChannel, Relationship
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db

HER_PHONE, HER_EMAIL = "07700 900461", "rosa@example.com"


def indexed(record):
    """Its blind indexes, as the people actions and the imports fill them."""
    for field, value in record.compute_blind_indexes().items():
        setattr(record, field, value)
    record.save()
    return record


def her_letters(person, *, kind="home", line1="22 Shared Lane", postcode="SE1 7PD", **flags):
    address = indexed(Address(person=person, kind=kind, line1=line1, postcode=postcode))
    return ContactChannel.objects.create(
        person=person, kind="post", address=address, safe_to_write="yes", **{"perpetrator_knows": "no", **flags}
    )


def harming(case, how):
    """A person causing her harm, named the way ``how`` says."""
    him = PersonFactory(held_by=case.agency, primary_role="person_causing_harm")
    if how == "referral":
        Referral.objects.create(
            number="R-2026-000901",
            received_on=timezone.localdate(),
            subject=case.person,
            person_causing_harm=him,
            receiving_agency=case.agency,
            consent="given",
        )
    elif how == "marac":
        MaracCase.objects.create(
            ref="MC-HARM-1",
            victim=case.person,
            perpetrator=him,
            referred_on=timezone.localdate(),
            status=MaracCaseStatus.ACCEPTED,
        )
    else:
        Relationship.objects.create(person_a=him, person_b=case.person, kind="former_intimate_partner")
    return him


def his_home(him, *, line1="22 Shared Lane", postcode="SE1 7PD", is_current=True):
    return indexed(Address(person=him, kind="home", line1=line1, postcode=postcode, is_current=is_current))


@pytest.mark.parametrize("how", ["referral", "marac", "relationship"])
def test_a_letter_to_the_building_he_lives_in_is_refused(how, allocated_case, idva):
    him = harming(allocated_case, how)
    his_home(him, line1="Flat 1, 22 Shared Lane")  # another flat of the same building
    channel = her_letters(allocated_case.person, line1="Flat 3, 22 Shared Lane")
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind="letter", channel=channel)
    message = str(blocked.value)
    assert "same building as one recorded for someone causing her harm" in message
    assert "Shared Lane" not in message and "SE1" not in message  # never the address itself
    assert not ContactAttempt.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.BLOCKED)
    assert event.detail["flag"] == actions.REACHES_PERSON_CAUSING_HARM


def test_his_old_address_another_building_or_another_postcode_does_not_refuse(allocated_case, idva):
    him = harming(allocated_case, "referral")
    his_home(him, is_current=False)  # he has moved out: history is not where he is
    his_home(him, line1="24 Shared Lane")  # next door: a postcode alone is a street, not a home
    his_home(him, line1="22 Shared Lane", postcode="N1 9GU")  # the same street name in another town
    attempt(allocated_case, idva, kind="letter", channel=her_letters(allocated_case.person))
    assert ContactAttempt.objects.count() == 1


@pytest.mark.parametrize("role", ["survivor", "household_member"])
def test_no_answer_about_someone_named_as_causing_harm_whose_own_location_is_protected(role, allocated_case, idva):
    """He may be a survivor himself (a counter-allegation): a refusal saying "same building" would
    let whoever records contact for her test guesses at where he lives."""
    him = harming(allocated_case, "referral")
    him.primary_role = role
    him.save(update_fields=["primary_role"])
    his_home(him)
    attempt(allocated_case, idva, kind="letter", channel=her_letters(allocated_case.person))
    assert ContactAttempt.objects.count() == 1


def test_his_refuge_or_safe_address_is_never_compared(allocated_case, idva):
    him = harming(allocated_case, "marac")
    indexed(Address(person=him, kind="refuge", line1="22 Shared Lane", postcode="SE1 7PD"))
    attempt(allocated_case, idva, kind="letter", channel=her_letters(allocated_case.person))
    assert ContactAttempt.objects.count() == 1


def test_a_person_causing_harm_to_someone_else_does_not_refuse(allocated_case, idva):
    stranger = PersonFactory(held_by=allocated_case.agency, primary_role="person_causing_harm")
    his_home(stranger)
    attempt(allocated_case, idva, kind="letter", channel=her_letters(allocated_case.person))
    assert ContactAttempt.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "value", "refusal"),
    [
        ("phone_call", HER_PHONE, "this number is also recorded"),
        ("text_message", HER_PHONE, "this number is also recorded"),
        ("email", HER_EMAIL, "this email address is also recorded"),
    ],
)
def test_a_number_or_email_he_also_has_is_refused(kind, value, refusal, allocated_case, idva):
    him = harming(allocated_case, "marac")
    channel_kind = "email" if kind == "email" else "mobile"
    flags = {"safe_to_call": "yes", "safe_to_text": "yes", "safe_to_write": "yes"}
    indexed(ContactChannel(person=him, kind=channel_kind, value=value.replace(" ", "")))
    hers = indexed(ContactChannel(person=allocated_case.person, kind=channel_kind, value=value, **flags))
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind=kind, channel=hers)
    assert refusal in str(blocked.value) and value not in str(blocked.value)
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("kind", ["refuge", "safe"])
def test_a_letter_to_her_refuge_or_safe_address_is_refused_even_when_marked_safe(kind, allocated_case, idva):
    channel = her_letters(allocated_case.person, kind=kind)
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind="letter", channel=channel)
    assert "never sent to a refuge or safe address" in str(blocked.value)
    assert AuditEvent.objects.get(action=AuditAction.BLOCKED).detail["flag"] == actions.REFUGE_OR_SAFE_ADDRESS
    assert not ContactAttempt.objects.exists()


def test_the_page_says_why_and_records_nothing(client_for, allocated_case, idva):
    him = harming(allocated_case, "referral")
    his_home(him)
    channel = her_letters(allocated_case.person)
    response = _post(client_for(idva), allocated_case, kind="letter", outcome="no_answer", channel=str(channel.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This letter was not recorded" in page and "someone causing her harm" in page
    assert not ContactAttempt.objects.exists()
