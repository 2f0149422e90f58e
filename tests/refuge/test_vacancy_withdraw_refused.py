"""A refused withdrawal shows the vacancy page as its GET does (found by a probe).

Before the fix a refused withdrawal (a POST with nothing in it) re-rendered the page as if the
user managed the vacancy, showing its safe house ("House C, Site 2") to a searcher who is a refuge
worker at another provider: the page they GET shows only the area. The page is now built in one
place for both, and only the provider's own refuge workers (``can_manage_service``) see the house.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, MembershipFactory
from tests.refuge.conftest import post_vacancy
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.refuge import actions
from waymark.refuge.models import Vacancy

pytestmark = pytest.mark.django_db

HOUSE = "House C, Site 2"


@pytest.fixture
def house_c(refuge_service, refuge_worker):
    return actions.house_add(
        actor=refuge_worker,
        service=refuge_service,
        label="House C",
        site_label="Site 2",
        area="Southmere (north)",
        line1="3 Quiet Street",
        town="Southmere",
        postcode="SM1 2AB",
    )


@pytest.fixture
def vacancy_c(refuge_worker, refuge_service, house_c):
    return post_vacancy(refuge_worker, refuge_service, house=house_c)


@pytest.fixture
def searching_refuge_worker(other_provider_worker):
    """A refuge worker at another provider who also searches for spaces as a housing officer."""
    MembershipFactory(user=other_provider_worker, agency=AgencyFactory(), role=Role.HOUSING_OFFICER)
    return User.objects.get(pk=other_provider_worker.pk)


def test_a_searcher_gets_no_house_on_a_refused_withdrawal(searching_refuge_worker, vacancy_c):
    client = signed_in_client(searching_refuge_worker)
    shown = client.get(reverse("refuge:vacancy", args=[vacancy_c.pk]))
    assert shown.status_code == 200
    assert "Southmere (north)" in shown.content.decode() and HOUSE not in shown.content.decode()
    refused = client.post(reverse("refuge:vacancy_withdraw", args=[vacancy_c.pk]), {})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Southmere (north)" in page
    assert HOUSE not in page and "House C" not in page and "Site 2" not in page
    assert refused.context["manage"] is False
    assert "Withdraw the vacancy" not in page  # no withdraw form for one who may not withdraw
    assert Vacancy.objects.get(pk=vacancy_c.pk).withdrawn_on is None


def test_the_providers_worker_still_sees_the_house_and_the_refusal(refuge_worker, vacancy_c):
    refused = signed_in_client(refuge_worker).post(reverse("refuge:vacancy_withdraw", args=[vacancy_c.pk]), {})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert HOUSE in page and "Withdraw the vacancy" in page
    assert refused.context["withdraw"].errors
    assert Vacancy.objects.get(pk=vacancy_c.pk).withdrawn_on is None
