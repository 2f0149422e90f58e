"""Choosing the applicant on "Record a homelessness application": a search among the people the
council holds that the officer may see (by name, optionally date of birth), every match listed a
page at a time, each with a way to choose her; then the form shows who was chosen. ``?person=<id>``
from another page is checked the same way: someone the officer may not see is answered as someone
who does not exist. Every search is audited."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import MembershipFactory, make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.housing.models import HomelessnessApplication
from waymark.people.models import Person, PersonName

pytestmark = pytest.mark.django_db

URL = reverse("housing:application_new")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _pinned(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False)


def _found(response) -> list[Person]:
    page = response.context["found"]
    return list(page) if page is not None else []


def _search(client, name, born: date | None = None, **extra):
    params = {"name": name, **extra}
    if born is not None:
        params.update({"date_of_birth_0": born.day, "date_of_birth_1": born.month, "date_of_birth_2": born.year})
    return client.get(URL, params)


def test_the_page_starts_with_the_search_and_no_instruction_to_edit_the_address(officer):
    response = signed_in_client(officer).get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "Find the applicant" in html
    assert "?person=" not in html.replace('href="/housing/applications/new/?person=', "")
    assert "page's address" not in html and "recorded most recently" not in html
    assert 'name="person"' not in html and 'name="applied_on_0"' not in html  # the form waits for the applicant


def test_finds_a_person_recorded_long_ago_beyond_the_latest_300(officer, council):
    long_ago = PersonFactory(held_by=council, given_name="Adaeze", family_name="Okonkwo")
    Person.objects.filter(pk=long_ago.pk).update(created_at=dt.datetime(2014, 5, 1, tzinfo=dt.UTC))
    PersonFactory.create_batch(300, held_by=council)
    client = signed_in_client(officer)
    response = _search(client, "okonkwo")
    assert _found(response) == [long_ago]
    html = response.content.decode()
    assert "1 person found" in html and f'href="{URL}?person={long_ago.pk}"' in html
    assert 'Choose<span class="govuk-visually-hidden"> Adaeze Okonkwo, born' in html
    chosen = client.get(URL, {"person": str(long_ago.pk)})
    assert chosen.context["person"] == long_ago and "Adaeze Okonkwo" in chosen.content.decode()
    assert f'href="{URL}"' in chosen.content.decode()  # "Change the applicant"


def test_finds_by_any_name_she_uses_as_the_known_person_search_normalises_it(officer, council):
    from waymark.matching.engine import refresh_search_keys

    zoe = PersonFactory(held_by=council, given_name="Zoë", family_name="O'Brien-Kelly")
    refresh_search_keys([zoe.pk])  # as the people app's actions do when a person is recorded
    known_as = PersonFactory(held_by=council, given_name="Margaret", family_name="Eze")
    PersonName.objects.create(person=known_as, given_name="Peggy", family_name="Nwosu")
    client = signed_in_client(officer)
    assert _found(_search(client, "Zoe OBrien")) == [zoe]
    assert _found(_search(client, "zoë o'brien-kelly")) == [zoe]
    assert _found(_search(client, "kelly")) == [zoe]
    assert _found(_search(client, "peggy nwosu")) == [known_as]
    assert _found(_search(client, "margaret")) == [known_as]


def test_cannot_find_someone_held_by_another_agency_or_not_visible(officer, council, other_council, specialist_agency):
    ours = PersonFactory(held_by=council, given_name="Farida", family_name="Quist")
    PersonFactory(held_by=other_council, given_name="Farida", family_name="Quist")  # another council's
    PersonFactory(held_by=specialist_agency, given_name="Farida", family_name="Quist")  # not visible to her
    archived = PersonFactory(held_by=council, given_name="Farida", family_name="Quist")
    Person.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert _found(_search(signed_in_client(officer), "Farida Quist")) == [ours]


def test_a_person_she_may_see_but_another_agency_holds_is_not_offered(council, specialist_agency):
    """An officer who is also a caseworker at the specialist service sees its people, but an
    application's applicant is a person the council holds."""
    both = make_member(Role.HOUSING_OFFICER, agency=council, full_name="Two Hats")
    MembershipFactory(user=both, agency=specialist_agency, role=Role.CASEWORKER)
    theirs = PersonFactory(held_by=specialist_agency, given_name="Hana", family_name="Bello")
    assert Person.objects.visible_to(both).filter(pk=theirs.pk).exists()
    client = signed_in_client(both)
    assert _found(_search(client, "Hana Bello")) == []
    assert client.get(URL, {"person": str(theirs.pk)}).context["not_found"]


def test_the_date_of_birth_narrows_the_search_and_the_name_is_needed(officer, council):
    older = PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=date(1985, 11, 20))
    PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=date(1990, 3, 4))
    client = signed_in_client(officer)
    assert _found(_search(client, "Esi Davies", date(1985, 11, 20))) == [older]
    alone = _search(client, "", date(1985, 11, 20))
    assert alone.context["found"] is None and "Enter the person&#x27;s name" in alone.content.decode()
    short = _search(client, "E")
    assert short.context["found"] is None and "Enter at least 2 letters of the person" in short.content.decode()
    future = _search(client, "Esi", date(2027, 1, 1))
    assert future.context["found"] is None and "must be today or in the past" in future.content.decode()


def test_two_people_of_the_same_name_are_told_apart_by_their_date_of_birth(officer, council):
    PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=date(1990, 3, 4))
    PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=date(1985, 11, 20))
    PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=None)
    html = _search(signed_in_client(officer), "Esi Davies").content.decode()
    assert "20 November 1985" in html and "4 March 1990" in html and "Not recorded" in html
    assert html.count("Choose<span") == 3


def test_no_silent_truncation_every_match_is_paged_and_counted(officer, council):
    people = [PersonFactory(held_by=council, given_name="Esi", family_name="Davies") for _ in range(23)]
    client = signed_in_client(officer)
    first = _search(client, "Davies")
    html = first.content.decode()
    assert len(_found(first)) == 20 and first.context["found"].paginator.count == 23
    assert "23 people found" in html and "Showing 1 to 20 of 23." in html and "Page 1 of 2" in html
    assert "name=Davies&amp;page=2" in html and "narrow the search" in html
    second = _search(client, "Davies", page=2)
    assert len(_found(second)) == 3 and "Showing 21 to 23 of 23." in second.content.decode()
    assert {p.pk for p in [*_found(first), *_found(second)]} == {p.pk for p in people}


def test_every_search_is_audited_without_what_was_typed(officer, council):
    PersonFactory(held_by=council, given_name="Esi", family_name="Davies", date_of_birth=date(1985, 11, 20))
    _search(signed_in_client(officer), "Esi Davies", date(1985, 11, 20))
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="people.person").latest("sequence")
    assert event.actor == officer
    assert event.detail == {"purpose": "housing_applicant", "criteria": ["name", "date_of_birth"], "results": 1}
    assert "Davies" not in str(event.detail) and "1985" not in str(event.detail)


def test_a_person_chosen_by_address_is_scoped_and_someone_not_visible_is_as_someone_missing(
    officer, council, specialist_agency, applicant
):
    hidden = PersonFactory(held_by=specialist_agency, given_name="Nadia", family_name="Hidden")
    missing = "00000000-0000-0000-0000-000000000000"
    client = signed_in_client(officer)
    answers = []
    for person_id in (str(hidden.pk), missing):
        response = client.get(URL, {"person": person_id})
        page = CSRF.sub("", response.content.decode().replace(person_id, "ID"))  # the one part that differs
        answers.append((response.status_code, page))
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=person_id).exists()
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "That person is not among the people" in answers[0][1]
    assert "Nadia" not in answers[0][1]
    # Not an id at all: the same answer, and nothing typed is kept in the audit trail.
    typed = client.get(URL, {"person": "Nadia Hidden"})
    assert typed.context["not_found"]
    assert not AuditEvent.objects.filter(object_id__icontains="Nadia").exists()
    # Choosing one she may see writes the VIEW row of that person.
    client.get(URL, {"person": str(applicant.pk)})
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(applicant.pk), actor=officer).exists()


def test_an_application_cannot_be_posted_for_a_person_she_may_not_see(officer, specialist_agency):
    hidden = PersonFactory(held_by=specialist_agency)
    response = signed_in_client(officer).post(
        URL,
        {
            "person": str(hidden.pk),
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
    assert response.status_code == 200 and response.context["not_found"]
    assert not HomelessnessApplication.objects.exists()


def test_search_choose_and_record_end_to_end(officer, council):
    leah = PersonFactory(held_by=council, given_name="Leah", family_name="Morgan")
    client = signed_in_client(officer)
    assert _found(_search(client, "leah morgan")) == [leah]
    form_page = client.get(URL, {"person": str(leah.pk)})
    assert f'name="person" value="{leah.pk}"' in form_page.content.decode()
    response = client.post(
        URL,
        {
            "person": str(leah.pk),
            "applied_on_0": "2",
            "applied_on_1": "11",
            "applied_on_2": "2026",
            "loss_reason": "domestic_abuse",
            "accommodation_at_application": "with_family",
            "referral_route": "self",
            "children": "1",
            "other_adults": "0",
        },
    )
    assert response.status_code == 302
    assert HomelessnessApplication.objects.get().person == leah


def test_only_housing_officers_reach_the_page(idva, programme_worker, commissioner, other_officer, applicant):
    for user in (idva, programme_worker, commissioner):
        assert signed_in_client(user).get(URL, {"name": "Rosa"}).status_code == 403
    # Another council's officer searches her own council's people only.
    assert _found(_search(signed_in_client(other_officer), "Rosa Applicant")) == []
