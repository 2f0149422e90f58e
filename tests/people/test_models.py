from datetime import date

import pytest
from django.db import IntegrityError

from tests.people.factories import PersonFactory
from waymark.people.choices import (
    AddressKind,
    ChannelKind,
    Ethnicity,
    RelationshipKind,
    YesNoUnknown,
    age_band,
    age_in_years,
    is_racially_minoritised,
)
from waymark.people.models import Address, ContactChannel, Person, Relationship


def test_unknown_flags_are_never_treated_as_safe():
    phone = ContactChannel(kind=ChannelKind.MOBILE)
    assert phone.safety_warnings == [
        "Not known if safe to call",
        "Not known if safe to leave voicemail",
        "Not known if safe to text",
        "Not known whether the person causing harm knows this number",
    ]
    assert Person().contact_warnings == [
        "Not known whether the person causing harm knows they are in contact with services"
    ]


def test_explicitly_safe_phone_has_no_warnings():
    yes, no = YesNoUnknown.YES, YesNoUnknown.NO
    phone = ContactChannel(
        kind=ChannelKind.MOBILE, safe_to_call=yes, safe_to_leave_voicemail=yes, safe_to_text=yes, perpetrator_knows=no
    )
    assert phone.safety_warnings == []


def test_post_and_email_warn_about_writing_only():
    letters = ContactChannel(kind=ChannelKind.POST, safe_to_write=YesNoUnknown.NO, perpetrator_knows=YesNoUnknown.YES)
    assert letters.safety_warnings == ["Not safe to write", "The person causing harm knows this address"]
    email = ContactChannel(kind=ChannelKind.EMAIL, safe_to_write=YesNoUnknown.YES, perpetrator_knows=YesNoUnknown.NO)
    assert email.safety_warnings == []


def test_refuge_address_warns_and_str_never_shows_the_address():
    refuge = Address(kind=AddressKind.REFUGE, line1="1 Secret Lane", perpetrator_knows=YesNoUnknown.NO)
    assert refuge.is_refuge_or_safe
    assert refuge.safety_warnings[0].startswith("Refuge: never share")
    assert "Secret" not in str(refuge)
    assert not Address(kind=AddressKind.HOME).is_refuge_or_safe


def test_age_helpers():
    assert age_in_years(date(2000, 6, 15), date(2016, 6, 14)) == 15
    assert age_in_years(date(2000, 6, 15), date(2016, 6, 15)) == 16
    assert [age_band(a) for a in (None, 15, 16, 17, 18)] == ["not_known", "under_16", "16_17", "16_17", "adult"]
    person = Person(approximate_age=30, approximate_age_recorded_on=date(2020, 1, 1))
    assert person.age_on(date(2022, 1, 2)) == 32


def test_racially_minoritised():
    assert is_racially_minoritised(Ethnicity.ASIAN_INDIAN) is True
    assert is_racially_minoritised(Ethnicity.WHITE_ROMA) is False
    assert is_racially_minoritised(Ethnicity.NOT_KNOWN) is None


@pytest.mark.django_db
def test_database_refuses_self_relationships_and_backwards_dates():
    person = PersonFactory()
    with pytest.raises(IntegrityError):
        Relationship.objects.create(person_a=person, person_b=person, kind=RelationshipKind.LIVES_WITH)


@pytest.mark.django_db
def test_database_refuses_address_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        Address.objects.create(
            person=PersonFactory(), line1="x", lived_from=date(2020, 1, 1), lived_to=date(2019, 1, 1)
        )


@pytest.mark.django_db
def test_ciphertext_moved_to_another_column_does_not_decrypt():
    from django.db import connection

    from waymark.core.crypto import DecryptionError

    address = Address.objects.create(person=PersonFactory(), line1="1 High St", town="Southmere")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_address SET town = line1")
    with pytest.raises(DecryptionError):
        Address.objects.get(pk=address.pk)
