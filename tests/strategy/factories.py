"""Builders for strategies and actions in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from waymark.strategy.actions import ActionDetails, action_create, strategy_create
from waymark.strategy.models import Action, Strategy

AREAS = [
    "Domestic abuse",
    "Coercive control",
    "Child sexual exploitation",
    "Harmful practices",
    "Image-based sexual offending",
    "Sexual harassment",
    "Prostitution",
    "Misogyny",
    "Sexual violence and rape",
    "Stalking",
    "Trafficking",
    "Perpetrators",
]


def make_strategy(**overrides: Any) -> Strategy:
    values: dict[str, Any] = {
        "title": "VAWG strategy 2019/20 to 2023/24",
        "starts_on": date(2019, 4, 1),
        "ends_on": date(2024, 3, 31),
        "areas": AREAS,
        "priorities": ["Prevention", "Provision of services"],
    }
    values.update(overrides)
    return strategy_create(actor=None, **values)


def make_action(strategy: Strategy, *, owner: Any, number: str = "1.1", area: int = 1, **overrides: Any) -> Action:
    details = ActionDetails(
        number=number,
        area=strategy.areas.get(number=area),
        aim=overrides.pop("aim", f"Aim of action {number}"),
        lead_agency=overrides.pop("lead_agency", owner.primary_agency),
        owner=owner,
        target_on=overrides.pop("target_on", date(2020, 3, 31)),
        **overrides,
    )
    return action_create(actor=None, strategy=strategy, details=details)
