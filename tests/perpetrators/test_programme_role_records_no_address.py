"""An account holding the perpetrator-programme role anywhere never adds or ends an address or a
contact channel (``people.access.can_edit_location``). Whether a participant's address is shown to
it depends on every survivor's address, her refuge and safe addresses included (the shared-address
veto): one that could type an address in and watch it hidden would learn that a survivor lives, or
lived, there. The same editor without the programme role still records addresses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.people.access import can_edit_location
from waymark.people.actions import address_add
from waymark.people.choices import AddressKind, PersonRole
from waymark.people.models import Address

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_causing_harm(specialist_agency):
    return PersonFactory(held_by=specialist_agency, primary_role=PersonRole.PERSON_CAUSING_HARM)


def test_an_editor_without_the_programme_role_records_his_address(specialist_agency, person_causing_harm):
    caseworker = make_member(Role.CASEWORKER, agency=specialist_agency)
    assert can_edit_location(caseworker, person_causing_harm)
    address_add(actor=caseworker, person=person_causing_harm, kind=AddressKind.HOME, line1="3 Station Road")
    assert Address.objects.filter(person=person_causing_harm).count() == 1


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same agency", "another agency"])
def test_an_editor_who_also_holds_the_programme_role_cannot_probe_with_an_address(
    specialist_agency, person_causing_harm, elsewhere
):
    caseworker = make_member(Role.CASEWORKER, agency=specialist_agency)
    MembershipFactory(
        user=caseworker, agency=AgencyFactory() if elsewhere else specialist_agency, role=Role.PERPETRATOR_WORKER
    )
    caseworker = User.objects.get(pk=caseworker.pk)  # its roles read afresh
    assert not can_edit_location(caseworker, person_causing_harm)
    with pytest.raises(PermissionDenied):
        address_add(actor=caseworker, person=person_causing_harm, kind=AddressKind.HOME, line1="3 Station Road")
    assert not Address.objects.filter(person=person_causing_harm).exists()
