"""The route recommendation shown at triage, from the risk and routing apps.

This module only gathers the referral's facts (its risk level, and the person's age on the day
the referral was received) and asks ``waymark.routing.rules.recommend_route``; the rules are
configuration there, and the level comes from the risk app's scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from waymark.referrals.models import Referral
from waymark.risk.choices import RiskLevel
from waymark.routing.rules import Recommendation, recommend_route


@dataclass(frozen=True)
class RouteAdvice:
    recommendation: Recommendation

    @property
    def route_label(self) -> str:
        route = self.recommendation.route
        return route.label if route is not None else ""

    @property
    def marac_prompt(self) -> bool:
        return self.recommendation.prompt_marac_referral

    @property
    def risk_level(self) -> RiskLevel | None:
        return self.recommendation.risk_level

    @property
    def age_on_referral(self) -> int | None:
        return self.recommendation.age_on_referral

    def as_record(self) -> dict[str, Any]:
        """What is kept on the referral when it is triaged (no personal details)."""
        r = self.recommendation
        return {
            "route": r.route.value if r.route is not None else "",
            "rule": r.rule_name,
            "prompt_marac_referral": r.prompt_marac_referral,
            "explanation": r.explanation,
            "inputs": r.inputs,
        }


def referral_risk_level(referral: Referral) -> RiskLevel | None:
    """The final level of the checklist that came with the referral, or None if there was none."""
    assessment = referral.risk_assessment
    return RiskLevel(assessment.final_level) if assessment is not None else None


def advise(referral: Referral) -> RouteAdvice:
    age = referral.subject.age_on(referral.received_on)
    return RouteAdvice(recommend_route(risk_level=referral_risk_level(referral), age_on_referral=age))
