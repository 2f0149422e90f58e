"""A data protection officer answers for the records their own agency holds: a DPO elsewhere in
the partnership (a police force's, say) cannot open a request for a survivor another service holds
and, by assembling it, read her addresses, refuge and safe phone before any redaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.dataprotection.conftest import HOME_LINE, REFUGE_LINE, SAFE_PHONE
from tests.factories import make_member
from waymark.core.roles import Role
from waymark.dataprotection.actions import sar_open
from waymark.dataprotection.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_dpo(police_agency):
    return make_member(Role.DATA_PROTECTION_OFFICER, agency=police_agency, full_name="Pat Gold")


def test_a_dpo_cannot_open_a_request_for_a_person_another_agency_holds(world, victim, police_dpo):
    with pytest.raises(ValidationError) as error:
        sar_open(
            actor=police_dpo,
            person_reference=str(victim.pk),
            received_on=timezone.localdate(),
            identity_check="Passport seen at the desk",
        )
    # The same answer as for no such record: no oracle for whether she is held at all.
    assert error.value.message_dict["person_reference"] == [
        "Enter the record id or reference exactly as the holding service gave it"
    ]
    assert not SubjectAccessRequest.objects.exists()


def test_through_the_page_the_survivor_held_elsewhere_is_never_shown(world, victim, police_dpo, client_for):
    client = client_for(police_dpo)
    response = client.post(
        reverse("dataprotection:sar_new"),
        {
            "person_reference": str(victim.pk),
            "received_on": timezone.localdate().isoformat(),
            "identity_check": "Passport seen at the desk",
        },
    )
    assert response.status_code == 200
    assert not SubjectAccessRequest.objects.exists()
    for canary in (HOME_LINE, REFUGE_LINE, SAFE_PHONE):
        assert canary not in response.content.decode()


def test_the_holding_agencys_dpo_still_opens_it(world, victim, dpo):
    sar = sar_open(
        actor=dpo, person_reference=str(victim.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    assert sar.person_id == victim.pk
