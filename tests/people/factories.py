"""Factories for people. Locations are made through the actions, as the service makes them."""

from __future__ import annotations

import factory

from tests.factories import AgencyFactory
from waymark.people.choices import PersonRole
from waymark.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name_female", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    primary_role = PersonRole.SURVIVOR
    held_by = factory.SubFactory(AgencyFactory)
