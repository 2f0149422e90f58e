import pytest

from waymark.risk.choices import RiskLevel
from waymark.routing.models import Route, RoutingRule
from waymark.routing.rules import recommend_route

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", [RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH, None])
def test_age_15_goes_to_childrens_social_care_whatever_the_risk(level):
    result = recommend_route(risk_level=level, age_on_referral=15)
    assert result.route is Route.CHILDRENS_SOCIAL_CARE
    assert not result.prompt_marac_referral
    assert result.rule_name == "Under 16"


@pytest.mark.parametrize("age", [16, 17])
def test_16_and_17_go_to_the_young_peoples_service(age):
    medium = recommend_route(risk_level=RiskLevel.MEDIUM, age_on_referral=age)
    assert medium.route is Route.YOUNG_PEOPLES_SERVICE and not medium.prompt_marac_referral
    high = recommend_route(risk_level=RiskLevel.HIGH, age_on_referral=age)
    assert high.route is Route.YOUNG_PEOPLES_SERVICE and high.prompt_marac_referral


def test_18_at_high_risk_goes_to_the_idva_service_with_a_marac_prompt():
    result = recommend_route(risk_level="high", age_on_referral=18)
    assert result.route is Route.IDVA_SERVICE and result.prompt_marac_referral
    assert result.rule_priority == 40
    assert result.inputs == "aged 18, high risk"
    assert "refer to MARAC" in result.explanation


@pytest.mark.parametrize("level", [RiskLevel.STANDARD, RiskLevel.MEDIUM])
def test_18_at_medium_or_standard_goes_to_advocacy(level):
    result = recommend_route(risk_level=level, age_on_referral=18)
    assert result.route is Route.ADVOCACY_SERVICE and not result.prompt_marac_referral


def test_unknown_age_uses_risk_and_says_to_check_the_age():
    result = recommend_route(risk_level=RiskLevel.HIGH, age_on_referral=None)
    assert result.route is Route.IDVA_SERVICE
    assert "age is not known" in result.explanation
    assert result.inputs == "age not known, high risk"


def test_nothing_assessed_and_adult_gives_no_recommendation():
    result = recommend_route(risk_level=None, age_on_referral=30)
    assert result.route is None
    assert "decide the route yourself" in result.explanation


def test_rules_are_data_a_partnership_can_change():
    RoutingRule.objects.filter(priority=50).update(is_active=False)
    RoutingRule.objects.create(
        priority=45,
        name="Medium risk to IDVA",
        risk_levels=["medium"],
        route=Route.IDVA_SERVICE,
        explanation="Local rule.",
    )
    assert recommend_route(risk_level="medium", age_on_referral=30).rule_name == "Medium risk to IDVA"
    assert recommend_route(risk_level="standard", age_on_referral=30).route is None


def test_rule_validation():
    from django.core.exceptions import ValidationError

    rule = RoutingRule(priority=99, name="x", min_age=18, max_age=16, risk_levels=["severe"], route="idva_service",
                       explanation="x")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert {"max_age", "risk_levels"} <= set(error.value.message_dict)


def test_negative_age_is_refused():
    with pytest.raises(ValueError):
        recommend_route(risk_level="high", age_on_referral=-1)
