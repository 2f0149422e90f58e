"""Recommending a route on triage: the one function that evaluates routing rules.

Precedence: active rules in ascending priority; the first rule whose conditions all hold
decides, and the answer says which rule and which inputs. The shipped rules (migration 0002)
put age first, then risk:

  10  under 16            -> children's social care (a child safeguarding matter)
  20  16-17 and high risk -> young people's service, with a MARAC referral prompt
  30  16-17               -> young people's service
  40  high risk           -> IDVA service, with a MARAC referral prompt
  50  medium or standard  -> advocacy service

An unknown age matches no age rule (the explanation says to check the age); an unknown risk
level matches only rules without a risk condition. When nothing matches, there is no
recommendation and the person triaging decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from waymark.risk.choices import RiskLevel
from waymark.routing.models import Route, RoutingRule


@dataclass(frozen=True)
class Recommendation:
    route: Route | None
    prompt_marac_referral: bool
    rule_name: str
    rule_priority: int | None
    explanation: str
    risk_level: RiskLevel | None
    age_on_referral: int | None

    @property
    def inputs(self) -> str:
        age = f"aged {self.age_on_referral}" if self.age_on_referral is not None else "age not known"
        risk = f"{self.risk_level.label.lower()} risk" if self.risk_level is not None else "risk not yet assessed"
        return f"{age}, {risk}"


def _matches(rule: RoutingRule, risk_level: RiskLevel | None, age: int | None) -> bool:
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return False
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    return not (rule.risk_levels and (risk_level is None or risk_level.value not in rule.risk_levels))


def recommend_route(*, risk_level: RiskLevel | str | None, age_on_referral: int | None) -> Recommendation:
    """The recommended route for a referral, and why."""
    level = RiskLevel(risk_level) if risk_level else None
    if age_on_referral is not None and age_on_referral < 0:
        raise ValueError("An age cannot be negative.")
    for rule in RoutingRule.objects.filter(is_active=True).order_by("priority"):
        if _matches(rule, level, age_on_referral):
            explanation = rule.explanation
            if age_on_referral is None:
                explanation += " The person's age is not known: check whether they are under 18."
            return Recommendation(
                route=Route(rule.route),
                prompt_marac_referral=rule.prompt_marac_referral,
                rule_name=rule.name,
                rule_priority=rule.priority,
                explanation=explanation,
                risk_level=level,
                age_on_referral=age_on_referral,
            )
    return Recommendation(
        route=None,
        prompt_marac_referral=False,
        rule_name="",
        rule_priority=None,
        explanation="No routing rule matches these details: decide the route yourself and record why.",
        risk_level=level,
        age_on_referral=age_on_referral,
    )
