"""A case waiting to be heard at MARAC is not referred again from the case (a tester sent the same
case twice from the case page, and the coordinator's queue listed her twice)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import refer_case
from waymark.marac.models import MaracCase, MaracCaseStatus

pytestmark = pytest.mark.django_db


def _refer(idva, case, victim, harm):
    return refer_case(idva, case, harm, ["professional_judgement"], "Threats since she left")


def test_a_case_waiting_to_be_heard_is_not_referred_again(idva, allocated_case, victim, harm):
    first = _refer(idva, allocated_case, victim, harm)
    with pytest.raises(ValidationError) as refused:
        _refer(idva, allocated_case, victim, harm)
    assert first.ref in refused.value.message_dict["__all__"][0]
    assert MaracCase.objects.filter(case=allocated_case).count() == 1
    # Once heard (or not accepted, or withdrawn), it may be referred again.
    MaracCase.objects.filter(pk=first.pk).update(status=MaracCaseStatus.HEARD)
    again = _refer(idva, allocated_case, victim, harm)
    assert again.pk != first.pk


def test_the_case_page_says_it_is_waiting_instead_of_offering_to_refer(idva, allocated_case, victim, harm, client_for):
    url = reverse("cases:detail", args=[allocated_case.pk])
    refer = f"{reverse('marac:refer')}?case={allocated_case.pk}"
    assert refer in client_for(idva).get(url).content.decode()
    first = _refer(idva, allocated_case, victim, harm)
    page = client_for(idva).get(url).content.decode()
    assert f"{first.ref} is waiting to be heard" in page and refer not in page
