from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from waymark.audit.models import AuditAction, AuditEvent
from waymark.people import actions
from waymark.people.choices import AddressKind, ChannelKind, NameKind, PersonRole, RelationshipKind, YesNoUnknown
from waymark.people.models import Address, ContactChannel, Person, PersonName, Relationship
from waymark.people.normalise import blind_index

pytestmark = pytest.mark.django_db


def _create(actor, agency, **fields):
    return actions.person_create(actor=actor, held_by=agency, fields={"family_name": "Lewis", **fields})


def test_person_create_saves_and_audits_field_names_only(idva, specialist_agency):
    person = _create(idva, specialist_agency, given_name="Maya", date_of_birth=date(1990, 5, 1))
    assert person.held_by == specialist_agency
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(person.pk))
    assert event.detail == {"fields": ["date_of_birth", "family_name", "given_name"]}
    assert "Maya" not in str(event.detail)


def test_future_date_of_birth_refused_and_nothing_saved(idva, specialist_agency):
    with pytest.raises(ValidationError) as caught:
        _create(idva, specialist_agency, date_of_birth=date.today() + timedelta(days=1))
    assert "date_of_birth" in caught.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date_of_birth": date(1850, 1, 1)}, "date_of_birth"),
        ({"approximate_age": 150}, "approximate_age"),
        ({"family_name": "", "given_name": " "}, "family_name"),
        ({"sex": "dragon"}, "sex"),
    ],
)
def test_impossible_person_details_refused(idva, specialist_agency, fields, field):
    with pytest.raises(ValidationError) as caught:
        _create(idva, specialist_agency, **fields)
    assert field in caught.value.message_dict
    assert not Person.objects.exists()


def test_markup_in_names_stored_as_typed(idva, specialist_agency):
    person = _create(idva, specialist_agency, given_name="<script>alert(1)</script>")
    assert Person.objects.get(pk=person.pk).given_name == "<script>alert(1)</script>"


def test_person_create_only_for_own_agency_as_editor(idva, caseworker_elsewhere, specialist_agency, police_referrer):
    with pytest.raises(PermissionDenied):
        _create(caseworker_elsewhere, specialist_agency)
    with pytest.raises(PermissionDenied):
        _create(police_referrer, police_referrer.primary_agency)


def test_approximate_age_records_when(idva, specialist_agency):
    person = _create(idva, specialist_agency, approximate_age=30)
    assert person.approximate_age_recorded_on == date.today()


def test_person_update_audits_changed_fields(idva, survivor):
    changed = actions.person_update(actor=idva, person=survivor, fields={"pregnant": True, "sex": survivor.sex})
    assert changed == ["pregnant"]
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).detail == {"fields": ["pregnant"]}
    assert actions.person_update(actor=idva, person=survivor, fields={"pregnant": True}) == []


def test_person_update_refused_to_other_agency(caseworker_elsewhere, survivor):
    with pytest.raises(PermissionDenied):
        actions.person_update(actor=caseworker_elsewhere, person=survivor, fields={"pregnant": True})


def test_name_added(idva, survivor):
    actions.person_name_add(actor=idva, person=survivor, kind=NameKind.PREVIOUS, given_name="", family_name="Smith")
    assert PersonName.objects.get(person=survivor).family_name == "Smith"
    with pytest.raises(ValidationError):
        actions.person_name_add(actor=idva, person=survivor, kind=NameKind.ALIAS, given_name=" ", family_name="")


def test_relationship_rules(idva, survivor, harmer, caseworker_elsewhere):
    rel = actions.relationship_add(
        actor=idva,
        person_a=survivor,
        person_b=harmer,
        kind=RelationshipKind.FORMER_INTIMATE_PARTNER,
        started_on=date(2015, 1, 1),
        ended_on=date(2020, 1, 1),
    )
    assert rel.describe_for(harmer) == "Former intimate partner"
    with pytest.raises(ValidationError):
        actions.relationship_add(actor=idva, person_a=survivor, person_b=survivor, kind=RelationshipKind.LIVES_WITH)
    with pytest.raises(ValidationError):
        actions.relationship_add(
            actor=idva,
            person_a=survivor,
            person_b=harmer,
            kind=RelationshipKind.LIVES_WITH,
            started_on=date(2020, 1, 1),
            ended_on=date(2019, 1, 1),
        )
    assert Relationship.objects.count() == 1


def test_relationship_needs_sight_of_the_other_person(idva, survivor):
    from tests.people.factories import PersonFactory

    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        actions.relationship_add(actor=idva, person_a=survivor, person_b=stranger, kind=RelationshipKind.FAMILY_MEMBER)


def test_parent_of_reads_both_ways(idva, survivor, specialist_agency):
    from tests.people.factories import PersonFactory

    child = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.CHILD)
    rel = actions.relationship_add(actor=idva, person_a=survivor, person_b=child, kind=RelationshipKind.PARENT_OF)
    assert rel.describe_for(survivor) == "Parent of"
    assert rel.describe_for(child) == "Child of"


def test_address_add_normalises_encrypts_and_indexes(idva, survivor):
    address = actions.address_add(
        actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St", postcode="sw1a1aa"
    )
    address.refresh_from_db()
    assert address.postcode == "SW1A 1AA"
    assert address.postcode_index == blind_index("postcode", "SW1A 1AA")
    assert address.postcode_district_index == blind_index("postcode_district", "SW1A")
    assert Address.objects.filter(postcode_index=blind_index("postcode", "SW1A1AA")).get() == address
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="people.address")
    assert event.detail == {"person": str(survivor.pk)}


@pytest.mark.parametrize("kind", [AddressKind.REFUGE, AddressKind.SAFE])
def test_refuge_and_safe_addresses_never_indexed(idva, survivor, kind):
    address = actions.address_add(actor=idva, person=survivor, kind=kind, line1="Somewhere", postcode="SW1A 1AA")
    assert address.is_refuge_or_safe
    assert address.postcode_index == "" and address.postcode_district_index == ""


def test_bad_address_refused_and_nothing_saved(idva, survivor):
    with pytest.raises(ValidationError) as caught:
        actions.address_add(actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St", postcode="NOT IT")
    assert "postcode" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.address_add(
            actor=idva, person=survivor, kind=AddressKind.HOME, line1="x", lived_from=date.today() + timedelta(days=2)
        )
    assert not Address.objects.exists()


def test_location_changes_refused_to_programme_worker(programme_worker_same_agency, survivor):
    with pytest.raises(PermissionDenied):
        actions.address_add(actor=programme_worker_same_agency, person=survivor, kind=AddressKind.HOME, line1="x")


def test_ending_an_address_keeps_it_and_ends_its_letters(idva, survivor):
    address = actions.address_add(
        actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St", lived_from=date(2020, 1, 1)
    )
    post = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.POST, address=address)
    with pytest.raises(ValidationError):
        actions.address_end(actor=idva, address=address, lived_to=date(2019, 1, 1))
    actions.address_end(actor=idva, address=address, lived_to=date(2024, 3, 1))
    address.refresh_from_db()
    post.refresh_from_db()
    assert not address.is_current and address.lived_to == date(2024, 3, 1)
    assert not post.is_current and post.ended_on == date(2024, 3, 1)
    with pytest.raises(ValidationError):
        actions.address_end(actor=idva, address=address, lived_to=date(2024, 3, 2))


def test_phone_channel_normalised_indexed_and_unknown_flags_unsafe(idva, survivor):
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="+44 7700 900123")
    channel.refresh_from_db()
    assert channel.value == "07700900123"
    assert channel.phone_index == blind_index("phone", "07700 900 123") and channel.email_index == ""
    assert channel.safe_to_call == YesNoUnknown.UNKNOWN
    assert "Not known if safe to leave voicemail" in channel.safety_warnings


def test_email_channel(idva, survivor):
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.EMAIL, value=" M@Example.org")
    assert channel.value == "m@example.org" and channel.email_index == blind_index("email", "m@example.org")


@pytest.mark.parametrize(
    ("kind", "value"), [(ChannelKind.MOBILE, "call me"), (ChannelKind.EMAIL, "nope"), (ChannelKind.POST, "")]
)
def test_bad_channels_refused(idva, survivor, kind, value):
    with pytest.raises(ValidationError):
        actions.contact_channel_add(actor=idva, person=survivor, kind=kind, value=value)
    assert not ContactChannel.objects.exists()


def test_post_channel_needs_the_persons_own_current_address(idva, survivor, harmer):
    other = actions.address_add(actor=idva, person=harmer, kind=AddressKind.HOME, line1="2 Low St")
    with pytest.raises(ValidationError):
        actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.POST, address=other)


def test_flags_update_and_end(idva, survivor):
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700900123")
    changed = actions.contact_channel_update_flags(
        actor=idva, channel=channel, flags={"perpetrator_knows": YesNoUnknown.YES, "safe_to_call": YesNoUnknown.YES}
    )
    assert changed == ["perpetrator_knows", "safe_to_call"]
    assert "The person causing harm knows this number" in channel.safety_warnings
    assert "Not known if safe to call" not in channel.safety_warnings
    with pytest.raises(ValidationError):
        actions.contact_channel_update_flags(actor=idva, channel=channel, flags={"safe_to_text": "maybe"})
    actions.contact_channel_end(actor=idva, channel=channel, ended_on=date.today())
    assert not ContactChannel.objects.get().is_current


def test_archive_by_team_manager_only_with_reason(idva, manager, survivor):
    with pytest.raises(PermissionDenied):
        actions.person_archive(actor=idva, person=survivor, reason="Duplicate")
    with pytest.raises(ValidationError):
        actions.person_archive(actor=manager, person=survivor, reason="  ")
    actions.person_archive(actor=manager, person=survivor, reason="Duplicate of another record")
    survivor.refresh_from_db()
    assert survivor.archived_at is not None
    assert AuditEvent.objects.get(action=AuditAction.ARCHIVE).object_id == str(survivor.pk)
    assert Person.objects.filter(pk=survivor.pk).exists()


def test_people_recorded_through_actions_are_found_by_known_person_search(idva_team):
    """People actions keep matching's search keys current, in the same transaction."""
    from tests.factories import make_member
    from waymark.core.roles import Role
    from waymark.matching.models import PersonSearchKey
    from waymark.people import actions as people_actions

    idva = make_member(Role.CASEWORKER, team=idva_team)
    person = people_actions.person_create(
        actor=idva, held_by=idva_team.agency, fields={"given_name": "Siobhan", "family_name": "Okonkwo"}
    )
    assert PersonSearchKey.objects.filter(person=person).exists()
    people_actions.person_name_add(actor=idva, person=person, kind="alias", given_name="Shiv", family_name="Oko")
    assert PersonSearchKey.objects.filter(person=person).count() == 2
