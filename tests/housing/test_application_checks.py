"""Walk-through 4, 6 and 8: one open application per person, household ages that cannot be, and
the housing forms' messages written the GOV.UK way (naming the field, no Django defaults)."""

from __future__ import annotations

import re
import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from tests.audit.helpers import in_thread, postgres_only
from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.housing import actions, forms
from waymark.housing.choices import AssessmentOutcome, HouseholdRole, PreventionEnd, ReliefEnd
from waymark.housing.models import HomelessnessApplication, HouseholdMember
from waymark.matching.models import PersonLink

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = re.compile(
    r"This field is required|Ensure this value|Enter a whole number|Select a valid choice|Enter a valid|"
    r"Enter a list of values|\(optional\) \(optional\)"
)


# --- 4. A second open application for the same person ------------------------------------------


def test_a_second_open_application_is_refused_naming_the_open_one_and_its_duty(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    first = new_application(officer, applicant)
    with pytest.raises(ValidationError) as error:
        new_application(officer, applicant)
    message = error.value.message_dict["person"][0]
    assert first.number in message and "awaiting initial assessment" in message
    actions.application_assess(
        actor=officer, application=first, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.THREATENED
    )
    with pytest.raises(ValidationError, match=rf"{first.number} \(prevention duty\)"):
        new_application(officer, applicant)
    assert HomelessnessApplication.objects.count() == 1


def test_a_new_application_once_the_duties_have_ended(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    first = new_application(officer, applicant)
    actions.application_assess(
        actor=officer, application=first, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.THREATENED
    )
    actions.duty_end(actor=officer, duty=first.duties.get(), ended_on=date(2026, 11, 2), reason=PreventionEnd.HOMELESS)
    with pytest.raises(ValidationError, match=r"\(relief duty\)"):
        new_application(officer, applicant)
    relief = first.duties.get(kind="relief")
    actions.duty_end(actor=officer, duty=relief, ended_on=date(2026, 11, 2), reason=ReliefEnd.WITHDRAWN)
    assert new_application(officer, applicant).number != first.number


def test_a_record_confirmed_to_be_the_same_person_counts_as_hers(officer, applicant, council, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    first = new_application(officer, applicant)
    duplicate = PersonFactory(held_by=council, given_name="Rosa", family_name="Applicant")
    PersonLink.objects.create(
        new_person=duplicate, existing_person=applicant, confirmed_by=officer, reason="Same person: checked"
    )
    with pytest.raises(ValidationError, match=first.number):
        new_application(officer, duplicate)


def test_another_councils_application_does_not_stop_this_one(officer, other_officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    elsewhere = PersonFactory(held_by=other_officer.memberships.get().agency)
    new_application(other_officer, elsewhere)
    PersonLink.objects.create(new_person=applicant, existing_person=elsewhere, confirmed_by=officer, reason="Same")
    assert new_application(officer, applicant).agency == applicant.held_by


def test_the_page_shows_the_refusal_against_the_applicant(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    first = new_application(officer, applicant)
    response = signed_in_client(officer).post(
        reverse("housing:application_new"),
        {
            "person": str(applicant.pk),
            "applied_on_0": "2",
            "applied_on_1": "11",
            "applied_on_2": "2026",
            "loss_reason": "domestic_abuse",
            "accommodation_at_application": "with_family",
            "referral_route": "self",
            "children": "0",
            "other_adults": "0",
        },
    )
    assert response.status_code == 200 and first.number in response.content.decode()
    assert HomelessnessApplication.objects.count() == 1


# --- 6. Household ages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "field", "text"),
    [
        (actions.Member(HouseholdRole.PARTNER, 3, pregnant=True), "age", "A partner must be 16 or over"),
        (actions.Member(HouseholdRole.PARTNER, 15), "age", "A partner must be 16 or over"),
        (actions.Member(HouseholdRole.OTHER_ADULT, 12), "age", "Another adult must be 16 or over"),
        (actions.Member(HouseholdRole.CHILD, 8, pregnant=True), "pregnant", "must be 10 or over"),
    ],
)
def test_ages_that_cannot_be_are_refused(application, officer, member, field, text):
    with pytest.raises(ValidationError) as error:
        actions.household_member_add(actor=officer, application=application, member=member)
    assert text.lower() in error.value.message_dict[field][0].lower()
    assert application.household.count() == 1  # the fixture's child only


@pytest.mark.parametrize(
    "member",
    [
        actions.Member(HouseholdRole.PARTNER, 16),
        actions.Member(HouseholdRole.PARTNER, None, pregnant=True),  # age not known
        actions.Member(HouseholdRole.CHILD, 14, pregnant=True),  # recorded: a safeguarding matter, not a typo
        actions.Member(HouseholdRole.OTHER_ADULT, 17),
    ],
)
def test_ages_that_can_be_are_recorded(application, officer, member):
    assert actions.household_member_add(actor=officer, application=application, member=member).pk


def test_the_household_page_names_the_problem(application, officer):
    response = signed_in_client(officer).post(
        reverse("housing:household_add", args=[application.pk]),
        {
            "role": "partner",
            "age": "3",
            "pregnant": "on",
            "joined_on_0": "2",
            "joined_on_1": "11",
            "joined_on_2": "2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "A partner must be 16 or over" in html
    assert not HouseholdMember.objects.filter(role="partner").exists()


# --- 8. Messages ---------------------------------------------------------------------------------------


def test_counts_say_what_is_counted(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    client = signed_in_client(officer)
    base = {
        "person": str(applicant.pk),
        "applied_on_0": "2",
        "applied_on_1": "11",
        "applied_on_2": "2026",
        "loss_reason": "domestic_abuse",
        "accommodation_at_application": "with_family",
        "referral_route": "self",
    }
    empty = client.post(reverse("housing:application_new"), {**base, "children": "", "other_adults": "0"})
    assert "Enter the number of children in the household" in empty.content.decode()
    many = client.post(reverse("housing:application_new"), {**base, "children": "16", "other_adults": "-1"})
    html = many.content.decode()
    assert "The number of children must be 15 or fewer" in html
    assert "The number of other adults must be 0 or more" in html
    assert not DJANGO_DEFAULTS.search(html)


def test_the_address_says_optional_once(application, officer):
    html = signed_in_client(officer).get(reverse("housing:placement_new", args=[application.pk])).content.decode()
    assert "Address (optional)" in html and "(optional) (optional)" not in html


def test_date_messages_read_as_sentences_and_name_the_application_date(application, officer):
    client = signed_in_client(officer)
    url = reverse("housing:assess", args=[application.pk])
    empty = client.post(url, {"outcome": "homeless", "version": application.version})
    assert "Enter the date of initial assessment" in empty.content.decode()
    before = client.post(
        url,
        {
            "assessed_on_0": "1",
            "assessed_on_1": "11",
            "assessed_on_2": "2026",
            "outcome": "homeless",
            "version": application.version,
        },
    )
    assert "The household applied on 2 November 2026: the date of initial assessment cannot be before it." in (
        before.content.decode()
    )


def _forms():
    """Every housing form, as its page builds it, with nothing chosen."""
    return [
        forms.PersonSearchForm({}),
        forms.ApplicationForm({}, person=None, agencies=[], cases=[]),
        forms.HouseholdMemberForm({}),
        forms.AssessmentForm({}),
        forms.DutyEndForm({}, kind="prevention"),
        forms.PlacementForm({}, may_record_address=True, household=[]),
        forms.PlacementEndForm({}),
        forms.PanelReferralForm({}, agencies=[], idvas=[], meetings=[]),
        forms.PanelMeetingForm({}),
        forms.IntelligenceForm({}, agencies=[]),
        forms.DecisionForm({}, meetings=[], upcoming=[]),
        forms.ReviewForm({}),
        forms.LegalStepForm({}),
        forms.SafetyConfirmForm({}),
        forms.CloseForm({}),
    ]


@pytest.mark.parametrize("form", _forms(), ids=lambda f: type(f).__name__)
def test_no_form_shows_a_django_default_message(form):
    """Empty, then every text too long, every number out of range: each message is the form's own."""
    form.is_valid()
    messages = [str(m) for name, errors in form.errors.items() if name != "version" for m in errors]
    assert messages and not [m for m in messages if DJANGO_DEFAULTS.search(m)], messages
    for message in messages:
        assert message[0].isupper(), message
    data = {}
    for name, field in form.fields.items():
        if getattr(field, "max_length", None):
            data[name] = "x" * (field.max_length + 1)
        elif getattr(field, "max_value", None) is not None:
            data[name] = str(field.max_value + 1)
    if data:
        bound = type(form)(data, **_kwargs(form))
        bound.is_valid()
        too = [str(m) for name in data for m in bound.errors.get(name, [])]
        assert too and not [m for m in too if DJANGO_DEFAULTS.search(m)], too


def _kwargs(form):
    return {
        "ApplicationForm": {"person": None, "agencies": [], "cases": []},
        "DutyEndForm": {"kind": "prevention"},
        "PlacementForm": {"may_record_address": True, "household": []},
        "PanelReferralForm": {"agencies": [], "idvas": [], "meetings": []},
        "IntelligenceForm": {"agencies": []},
        "DecisionForm": {"meetings": [], "upcoming": []},
    }.get(type(form).__name__, {})


def test_every_record_of_the_same_person_is_locked_before_counting(
    officer, applicant, council, time_machine, monkeypatch
):
    """The lock covers her record and every record confirmed to be hers, in the order of their ids."""
    time_machine.move_to(date(2026, 11, 2))
    duplicate = PersonFactory(held_by=council, given_name="Rosa", family_name="Applicant")
    third = PersonFactory(held_by=council, given_name="Rosa", family_name="Applicant")
    PersonLink.objects.create(new_person=duplicate, existing_person=applicant, confirmed_by=officer, reason="Same")
    PersonLink.objects.create(new_person=third, existing_person=duplicate, confirmed_by=officer, reason="Same")
    real_lock = actions._lock_people
    locked: list[list] = []
    monkeypatch.setattr(actions, "_lock_people", lambda model, ids: locked.append(real_lock(model, ids)) or locked[-1])
    new_application(officer, duplicate)
    assert locked == [sorted([applicant.pk, duplicate.pk, third.pk])]


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_two_officers_saving_on_two_records_of_the_same_person_cannot_both_add_one(
    officer, colleague_officer, applicant, council, time_machine
):
    time_machine.move_to(date(2026, 11, 2))
    duplicate = PersonFactory(held_by=council, given_name="Rosa", family_name="Applicant")
    PersonLink.objects.create(new_person=duplicate, existing_person=applicant, confirmed_by=officer, reason="Same")
    created, release = threading.Event(), threading.Event()

    def first_officer():
        with transaction.atomic():
            new_application(officer, applicant)
            created.set()
            release.wait(timeout=30)

    def second_officer():
        new_application(colleague_officer, duplicate)

    first, first_errors = in_thread(first_officer)
    assert created.wait(timeout=30)
    second, second_errors = in_thread(second_officer)
    time.sleep(0.5)
    assert second.is_alive(), "the second save must wait for the lock on the first one's records"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not first_errors
    assert len(second_errors) == 1 and isinstance(second_errors[0], ValidationError)
    assert "already has an open application" in str(second_errors[0])
    assert HomelessnessApplication.objects.count() == 1
