from datetime import date

import pytest
from django.urls import reverse

from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.people import actions
from waymark.people.choices import AddressKind, ChannelKind, YesNoUnknown
from waymark.people.models import Address, ContactChannel, Person

pytestmark = pytest.mark.django_db

PERSON_PAGES = ["detail", "contact", "edit", "name_add", "relationship_add", "address_add", "channel_add"]
ALL_PERSON_PAGES = [*PERSON_PAGES, "archive"]  # archive: team managers only


def _url(name, person):
    return reverse(f"people:{name}", args=[person.pk])


@pytest.mark.parametrize("page", PERSON_PAGES)
def test_person_pages_allowed_caseworker(client_for, idva, survivor, page):
    assert client_for(idva).get(_url(page, survivor)).status_code == 200


@pytest.mark.parametrize("page", PERSON_PAGES)
@pytest.mark.parametrize(
    "persona", ["outsider", "caseworker_elsewhere", "police_referrer", "programme_worker_elsewhere"]
)
def test_person_pages_404_for_people_not_theirs(client_for, survivor, page, persona, request):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_url(page, survivor)).status_code == 404


@pytest.mark.parametrize("page", ALL_PERSON_PAGES)
def test_person_pages_403_for_own_agency_wrong_role(client_for, referrer_same_agency, survivor, page):
    assert client_for(referrer_same_agency).get(_url(page, survivor)).status_code == 403


@pytest.mark.parametrize(("page", "status"), [("detail", 404), ("contact", 404), ("address_add", 404), ("edit", 404)])
def test_programme_worker_never_reaches_a_survivors_pages(
    client_for, programme_worker_same_agency, survivor, page, status
):
    assert client_for(programme_worker_same_agency).get(_url(page, survivor)).status_code == status


def test_programme_worker_may_open_their_clients_contact_page(
    client_for, programme_worker_same_agency, harmer, specialist_agency
):
    from waymark.perpetrators.models import Enrolment

    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="self")
    assert client_for(programme_worker_same_agency).get(_url("contact", harmer)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"), [("idva", 200), ("police_referrer", 403), ("outsider", 403), ("auditor", 403)]
)
def test_people_list_access(client_for, request, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(reverse("people:list")).status_code == status


def test_people_list_shows_only_visible_people_and_filters_by_any_name(client_for, idva, survivor, harmer):
    from tests.people.factories import PersonFactory

    PersonFactory(family_name="Elsewhere")
    actions.person_name_add(actor=idva, person=survivor, kind="previous", given_name="", family_name="Okonjo")
    body = client_for(idva).get(reverse("people:list")).content.decode()
    assert "Maya Lewis" in body and "Kevin Lewis" in body and "Elsewhere" not in body
    body = client_for(idva).get(reverse("people:list"), {"name": "okon"}).content.decode()
    assert "Maya Lewis" in body and "Kevin Lewis" not in body
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="people.person").count() == 2


def test_end_pages_and_unknown_sub_records(client_for, idva, survivor, harmer):
    address = actions.address_add(actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St")
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700900123")
    client = client_for(idva)
    assert client.get(reverse("people:address_end", args=[survivor.pk, address.pk])).status_code == 200
    assert client.get(reverse("people:channel_end", args=[survivor.pk, channel.pk])).status_code == 200
    assert client.get(reverse("people:channel_flags", args=[survivor.pk, channel.pk])).status_code == 200
    # Another person's address through this person's URL: not found.
    assert client.get(reverse("people:address_end", args=[harmer.pk, address.pk])).status_code == 404


def test_detail_and_contact_are_separately_audited_views(client_for, idva, survivor):
    client = client_for(idva)
    client.get(_url("detail", survivor))
    client.get(_url("contact", survivor))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(survivor.pk)).order_by("sequence")
    assert [e.detail["section"] for e in views] == ["summary", "location"]
    # Written by the object check itself, in the location scope, before the page is built.
    assert views[1].detail == {"section": "location"}


def test_refused_location_read_is_audited(client_for, programme_worker_same_agency, survivor):
    client_for(programme_worker_same_agency).get(_url("contact", survivor))
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED, object_id=str(survivor.pk))
    assert event.outcome == AuditOutcome.DENIED


def test_summary_shows_safety_warnings_but_no_values(client_for, idva, survivor):
    actions.contact_channel_add(
        actor=idva,
        person=survivor,
        kind=ChannelKind.MOBILE,
        value="07700900123",
        flags={"safe_to_leave_voicemail": YesNoUnknown.NO, "perpetrator_knows": YesNoUnknown.YES},
    )
    body = client_for(idva).get(_url("detail", survivor)).content.decode()
    assert "govuk-warning-text" in body
    assert "Not safe to leave voicemail" in body
    assert "The person causing harm knows this number" in body
    assert "07700900123" not in body
    assert client_for(idva).get(_url("contact", survivor)).content.decode().count("07700900123") == 1


def test_summary_for_programme_worker_has_no_contact_warnings(
    client_for, idva, programme_worker_same_agency, survivor, specialist_agency
):
    from tests.factories import MembershipFactory

    actions.contact_channel_add(
        actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700900123", flags={"safe_to_call": "no"}
    )
    # A programme worker who is also a caseworker there sees the survivor exists, never where.
    MembershipFactory(user=programme_worker_same_agency, agency=specialist_agency, role="caseworker")
    body = client_for(programme_worker_same_agency).get(_url("detail", survivor)).content.decode()
    assert "Maya" in body
    assert "Not safe to call" not in body
    assert reverse("people:contact", args=[survivor.pk]) not in body


def test_markup_in_names_escaped_on_every_page(client_for, idva, survivor):
    survivor.given_name = "<script>alert(1)</script>"
    survivor.save()
    client = client_for(idva)
    for url in [_url("detail", survivor), _url("contact", survivor), reverse("people:list")]:
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_create_person_through_the_form(client_for, idva):
    response = client_for(idva).post(
        reverse("people:create"),
        {
            "held_by": str(idva.primary_agency.pk),
            "given_name": "Asha",
            "family_name": "Begum",
            "date_of_birth": "1991-02-03",
            "primary_role": "survivor",
            "sex": "female",
            "disability": "unknown",
            "lgbt": "unknown",
            "aware_of_contact": "no",
        },
    )
    person = Person.objects.get(family_name="Begum")
    assert response.status_code == 302 and response.url == _url("detail", person)
    assert person.held_by == idva.primary_agency


def test_future_date_of_birth_shows_error_and_saves_nothing(client_for, idva):
    response = client_for(idva).post(
        reverse("people:create"),
        {
            "held_by": str(idva.primary_agency.pk),
            "family_name": "Begum",
            "date_of_birth": "2999-01-01",
            "primary_role": "survivor",
            "sex": "female",
            "disability": "unknown",
            "lgbt": "unknown",
            "aware_of_contact": "unknown",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Date of birth must be today or in the past" in body
    assert not Person.objects.exists()


def test_add_address_and_channel_through_the_forms(client_for, idva, survivor):
    client = client_for(idva)
    response = client.post(
        _url("address_add", survivor),
        {"kind": "home", "line1": "1 High St", "postcode": "m11ae", "perpetrator_knows": "no"},
    )
    assert response.status_code == 302
    address = Address.objects.get()
    response = client.post(
        _url("channel_add", survivor),
        {
            "kind": "post",
            "address": str(address.pk),
            "safe_to_call": "unknown",
            "safe_to_leave_voicemail": "unknown",
            "safe_to_text": "unknown",
            "safe_to_write": "yes",
            "perpetrator_knows": "no",
        },
    )
    assert response.status_code == 302
    assert ContactChannel.objects.get().address == address
    response = client.post(
        reverse("people:address_end", args=[survivor.pk, address.pk]), {"lived_to": str(date.today())}
    )
    assert response.status_code == 302
    assert not ContactChannel.objects.get().is_current


def test_bad_postcode_shows_error(client_for, idva, survivor):
    response = client_for(idva).post(
        _url("address_add", survivor),
        {"kind": "home", "line1": "1 High St", "postcode": "XX", "perpetrator_knows": "no"},
    )
    assert "Enter a real postcode" in response.content.decode()
    assert not Address.objects.exists()


def test_navigation_shows_people_to_caseworkers_only(client_for, idva, police_referrer):
    assert reverse("people:list") in client_for(idva).get(reverse("home")).content.decode()
    assert reverse("people:list") not in client_for(police_referrer).get(reverse("home")).content.decode()


def test_home_panel_counts_people_the_user_can_see(client_for, idva, survivor, harmer):
    from tests.people.factories import PersonFactory

    PersonFactory()  # held elsewhere: not counted
    body = client_for(idva).get(reverse("home")).content.decode()
    assert "People you can see" in body
    assert f'href="{reverse("people:list")}">2<' in body


def test_archive_page_for_team_manager_only_and_archived_people_leave_the_list(client_for, idva, manager, survivor):
    url = reverse("people:archive", args=[survivor.pk])
    assert client_for(idva).get(url).status_code == 403
    response = client_for(manager).post(url, {"reason": "Duplicate"})
    assert response.status_code == 302
    assert "Maya Lewis" not in client_for(manager).get(reverse("people:list")).content.decode()
    assert "This record was archived" in client_for(manager).get(_url("detail", survivor)).content.decode()


def test_relationship_to_a_person_not_shared_is_not_named(client_for, idva, caseworker_elsewhere, survivor):
    from tests.people.factories import PersonFactory
    from waymark.people.choices import RelationshipKind
    from waymark.people.models import Relationship

    held_elsewhere = PersonFactory(
        held_by=caseworker_elsewhere.primary_agency, given_name="Hidden", family_name="Person"
    )
    Relationship.objects.create(person_a=survivor, person_b=held_elsewhere, kind=RelationshipKind.FAMILY_MEMBER)
    body = client_for(idva).get(_url("detail", survivor)).content.decode()
    assert "A person not shared with you" in body and "Hidden" not in body
    other_side = client_for(caseworker_elsewhere).get(_url("detail", held_elsewhere)).content.decode()
    assert "A person not shared with you" in other_side and "Maya" not in other_side


def test_person_page_links_to_risk_history_only_for_risk_roles(client_for, idva_team):
    from django.urls import reverse

    from tests.factories import make_member
    from waymark.core.roles import Role
    from waymark.people.models import Person

    idva = make_member(Role.CASEWORKER, team=idva_team)
    housing = make_member(Role.HOUSING_OFFICER, agency=idva_team.agency)
    person = Person.objects.create(given_name="Lena", family_name="Ray", held_by=idva_team.agency)
    risk_link = reverse("risk:history", args=[person.pk])
    assert risk_link in client_for(idva).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert risk_link not in client_for(housing).get(reverse("people:detail", args=[person.pk])).content.decode()


def test_home_panel_count_is_kept_for_a_few_minutes_not_counted_on_every_page(idva, survivor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waymark.people.home import visible_people_count

    assert visible_people_count(idva) == 1
    with CaptureQueriesContext(connection) as queries:
        assert visible_people_count(idva) == 1
    assert not any("people_person" in q["sql"] for q in queries.captured_queries)
