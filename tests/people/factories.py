"""Factories for people. Locations are made through the actions, as the service makes them."""

from __future__ import annotations

import factory

from tests.factories import FAKE, AgencyFactory
from waymark.people.choices import PersonRole
from waymark.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    # No apostrophes (tests/factories.py says why).
    given_name = factory.LazyFunction(lambda: FAKE.first_name_female().replace("'", ""))
    family_name = factory.LazyFunction(lambda: FAKE.last_name().replace("'", ""))
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    primary_role = PersonRole.SURVIVOR
    held_by = factory.SubFactory(AgencyFactory)
