"""The routing rules Waymark ships (see ``waymark/routing/rules.py`` for how they are evaluated).

Loaded by migration 0002; a partnership changes them in the admin afterwards.
"""

from __future__ import annotations

from typing import Any

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "priority": 10,
        "name": "Under 16",
        "max_age": 15,
        "route": "childrens_social_care",
        "explanation": "Under 16: abuse of or by a child is a children's safeguarding matter. "
        "Refer to children's social care.",
    },
    {
        "priority": 20,
        "name": "Aged 16 or 17 at high risk",
        "min_age": 16,
        "max_age": 17,
        "risk_levels": ["high"],
        "route": "young_peoples_service",
        "prompt_marac_referral": True,
        "explanation": "Aged 16 or 17: the young people's service works with them. The checklist "
        "level is high, so also refer to MARAC.",
    },
    {
        "priority": 30,
        "name": "Aged 16 or 17",
        "min_age": 16,
        "max_age": 17,
        "route": "young_peoples_service",
        "explanation": "Aged 16 or 17: the young people's service works with them.",
    },
    {
        "priority": 40,
        "name": "High risk",
        "risk_levels": ["high"],
        "route": "idva_service",
        "prompt_marac_referral": True,
        "explanation": "High risk: allocate to the IDVA service and refer to MARAC.",
    },
    {
        "priority": 50,
        "name": "Medium or standard risk",
        "risk_levels": ["medium", "standard"],
        "route": "advocacy_service",
        "explanation": "Medium or standard risk: refer to the advocacy and support service.",
    },
]


def ensure_default_rules(rule_model: Any) -> None:
    """Adds any shipped rule whose priority is not taken yet (migrations, tests, demo)."""
    for rule in DEFAULT_RULES:
        if not rule_model.objects.filter(priority=rule["priority"]).exists():
            rule_model.objects.create(**rule)
