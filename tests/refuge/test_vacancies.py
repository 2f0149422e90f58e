"""Vacancies: posted by the provider's refuge workers, searched for a household, area only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.refuge.conftest import post_vacancy
from waymark.refuge import actions
from waymark.refuge.choices import Mobility, UnitKind
from waymark.refuge.models import Vacancy
from waymark.refuge.selectors import Household, vacancies_fitting, why_not_fitting

pytestmark = pytest.mark.django_db


def test_a_vacancy_takes_its_house_area_never_an_address(vacancy, safe_house):
    assert vacancy.area == "Southmere (south)"
    assert vacancy.posted_on == date(2026, 11, 18)
    assert vacancy.is_open
    assert "Hidden" not in str(vacancy)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bedspaces": 0}, "bedspaces"),
        ({"bedspaces": 2, "max_children": 2}, "max_children"),
        ({"max_children": -1}, "max_children"),
        ({"oldest_boy_age": 18}, "oldest_boy_age"),
        ({"unit_kind": "castle"}, "unit_kind"),
        ({"mobility": "jetpack"}, "mobility"),
        ({"posted_on": date(2026, 11, 21)}, "posted_on"),
    ],
)
def test_bad_vacancies_are_refused_and_nothing_saved(refuge_worker, refuge_service, overrides, field):
    with pytest.raises(ValidationError) as error:
        post_vacancy(refuge_worker, refuge_service, **overrides)
    assert field in error.value.message_dict
    assert not Vacancy.objects.exists()


def test_only_the_providers_workers_post(refuge_service, other_provider_worker, idva, housing_officer):
    for actor in (other_provider_worker, idva, housing_officer):
        with pytest.raises(PermissionDenied):
            post_vacancy(actor, refuge_service)


def test_a_house_of_another_service_is_refused(refuge_worker, refuge_service, safe_house, provider, commissioner):
    from tests.refuge.conftest import seed_refuge_details

    second = actions.service_create(actor=commissioner, provider=provider, details=seed_refuge_details(name="Second"))
    with pytest.raises(ValidationError):
        post_vacancy(refuge_worker, second, house=safe_house)


@pytest.fixture
def spaces(refuge_worker, refuge_service):
    """A range of spaces, as the Women's Aid audit describes them: few for limited mobility, few NRPF."""
    return {
        "small": post_vacancy(refuge_worker, refuge_service, bedspaces=2, max_children=1, area="North"),
        "family": post_vacancy(
            refuge_worker, refuge_service, bedspaces=4, max_children=3, oldest_boy_age=12, area="East"
        ),
        "any_boys": post_vacancy(refuge_worker, refuge_service, bedspaces=4, max_children=3, area="West"),
        "wheelchair": post_vacancy(
            refuge_worker,
            refuge_service,
            bedspaces=3,
            max_children=2,
            mobility=Mobility.WHEELCHAIR,
            unit_kind=UnitKind.SELF_CONTAINED,
            area="Central",
        ),
        "nrpf": post_vacancy(
            refuge_worker,
            refuge_service,
            bedspaces=3,
            max_children=2,
            nrpf_considered=True,
            languages="Tamil",
            area="South",
        ),
        "recovery": post_vacancy(
            refuge_worker, refuge_service, bedspaces=2, max_children=1, recovery=True, area="Dock"
        ),
    }


def _fit(household):
    return set(vacancies_fitting(Vacancy.objects.all(), household).values_list("area", flat=True))


def test_search_by_number_of_children(spaces):
    assert _fit(Household(children=3)) == {"East", "West"}
    assert _fit(Household(children=0)) == {"North", "East", "West", "Central", "South", "Dock"}


def test_search_by_boys_ages_at_the_limit(spaces):
    assert "East" in _fit(Household(children=2, boys_ages=(12,)))
    assert "East" not in _fit(Household(children=2, boys_ages=(13,)))
    assert "West" in _fit(Household(children=2, boys_ages=(16,)))


def test_search_by_mobility(spaces):
    assert _fit(Household(mobility=Mobility.WHEELCHAIR)) == {"Central"}
    assert _fit(Household(mobility=Mobility.LIMITED)) == {"Central"}


def test_search_by_nrpf_and_language(spaces):
    assert _fit(Household(nrpf=True)) == {"South"}
    assert _fit(Household(language="tamil")) == {"South"}
    assert _fit(Household(language="English")) == {"North", "East", "West", "Central", "Dock"}


def test_search_for_recovery(spaces):
    assert _fit(Household(recovery=True)) == {"Dock"}


def test_filled_and_withdrawn_are_not_offered(spaces, refuge_worker):
    actions.vacancy_withdraw(actor=refuge_worker, vacancy=spaces["small"], on=date(2026, 11, 19), version=1)
    assert "North" not in _fit(Household())


def test_why_not_explains_each_reason(spaces):
    reasons = why_not_fitting(spaces["family"], Household(children=3, boys_ages=(14,), nrpf=True, language="Tamil"))
    assert reasons == [
        "boys up to 12, the oldest boy is 14",
        "no recourse to public funds not considered",
        "Tamil not spoken",
    ]


def test_withdraw_refuses_a_stale_version(vacancy, refuge_worker):
    with pytest.raises(ValidationError) as error:
        actions.vacancy_withdraw(actor=refuge_worker, vacancy=vacancy, on=date(2026, 11, 19), version=0)
    assert "Someone else changed this record" in str(error.value)
    vacancy.refresh_from_db()
    assert vacancy.withdrawn_on is None


def test_withdraw_before_posting_is_refused(vacancy, refuge_worker):
    with pytest.raises(ValidationError):
        actions.vacancy_withdraw(actor=refuge_worker, vacancy=vacancy, on=date(2026, 11, 17), version=1)
