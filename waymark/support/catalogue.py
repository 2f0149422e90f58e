"""The service catalogue Waymark ships: the borough's services as the seed briefing lists them.

Loaded by migration 0002; a system administrator changes, adds and retires services in Django
admin afterwards (and links each to its provider's agency record once that agency is on the
system). Providers are named where the briefing names one; otherwise the service is part of the
commissioned specialist service ("the advocacy and support service").

Left out on purpose, because nobody is "offered" them as a case: professional training, the
community awareness campaign, the schools' healthy relationships programme and the reciprocal
housing agreement between boroughs (a route the housing IDVA uses, not a service in itself).
"""

from __future__ import annotations

from typing import Any

SPECIALIST_SERVICE = "The advocacy and support service (specialist domestic abuse service)"

# (code, name, category, provider name, offered to children, description)
DEFAULT_SERVICES: list[tuple[str, str, str, str, bool, str]] = [
    (
        "advocacy",
        "Advocacy and support",
        "advocacy",
        SPECIALIST_SERVICE,
        False,
        "Emotional and practical support, risk assessment, safety and support plans, benefits advice, "
        "signposting, tenancy retention and income maximisation.",
    ),
    (
        "idva",
        "Independent domestic violence advocate (IDVA)",
        "advocacy",
        SPECIALIST_SERVICE,
        False,
        "Intensive advocacy for people at high risk, including at MARAC.",
    ),
    (
        "housing_idva",
        "Housing co-located IDVA",
        "advocacy",
        SPECIALIST_SERVICE + ", based in Housing Solutions",
        False,
        "Independent housing advice and advocacy for people fleeing abuse, five days a week in Housing Solutions.",
    ),
    (
        "police_mash_idva",
        "IDVA co-located with the police and the MASH",
        "advocacy",
        SPECIALIST_SERVICE,
        False,
        "Advocacy from an IDVA based with the police or the multi-agency safeguarding hub.",
    ),
    (
        "victim_support_idva",
        "IDVA and ISVA service",
        "advocacy",
        "Victim Support",
        False,
        "Independent domestic and sexual violence advocacy, funded through the Mayor's Office for Policing and Crime.",
    ),
    (
        "starfish",
        "Starfish project",
        "advocacy",
        "Bede",
        False,
        "Support for people experiencing domestic abuse from two IDVAs and a support worker.",
    ),
    (
        "project_mia",
        "Project Mia",
        "advocacy",
        SPECIALIST_SERVICE,
        False,
        "Work with hard to engage, high-risk survivors whose children are on a child protection plan.",
    ),
    (
        "refuge_search",
        "Refuge search",
        "safe_accommodation",
        SPECIALIST_SERVICE,
        False,
        "Finding a refuge space, in the borough or elsewhere.",
    ),
    (
        "refuge",
        "Refuge",
        "safe_accommodation",
        "The borough's refuge service",
        True,
        "Safe houses for women and their children: 24 units in four safe houses on three sites, "
        "with specialist refuge workers.",
    ),
    (
        "sanctuary",
        "Sanctuary scheme",
        "safe_accommodation",
        SPECIALIST_SERVICE,
        False,
        "Safety measures fitted at home so that the person can stay there safely.",
    ),
    (
        "awareness_resilience",
        "Awareness and resilience programme",
        "recovery",
        SPECIALIST_SERVICE,
        False,
        "Group programmes for survivors to understand abuse, build resilience and end the cycle of abuse.",
    ),
    (
        "counselling",
        "Specialist counselling",
        "recovery",
        SPECIALIST_SERVICE,
        False,
        "One-to-one counselling to recover from depression, anxiety and other effects of abuse.",
    ),
    (
        "peer_support",
        "Peer support",
        "recovery",
        SPECIALIST_SERVICE,
        False,
        "Trained former service users, no longer experiencing abuse, offering emotional and practical support.",
    ),
    (
        "survivors_voice",
        "Survivors' voice group",
        "recovery",
        SPECIALIST_SERVICE,
        False,
        "A group of survivors who shape how services are developed.",
    ),
    (
        "legal_support",
        "Legal support",
        "legal",
        SPECIALIST_SERVICE + " (qualified solicitors)",
        False,
        "Advice and representation on non-molestation, occupation, child arrangements and other orders.",
    ),
    (
        "iris",
        "IRIS (GP-based intervention)",
        "health",
        SPECIALIST_SERVICE + " with GP practices",
        False,
        "Identification and referral from GP practices, with an advocate educator linked to each practice.",
    ),
    (
        "hospital_idva",
        "Hospital IDVA",
        "health",
        "Victim Support (acute hospital)",
        False,
        "IDVAs co-located five days a week in the acute hospital.",
    ),
    (
        "emergency_department_idva",
        "Emergency department IDVA",
        "health",
        "REACH",
        False,
        "IDVA support in the accident and emergency department.",
    ),
    (
        "maternity_idva",
        "Maternity domestic abuse service",
        "health",
        "MOZAIC",
        False,
        "Support, advice and risk assessment for people using maternity services.",
    ),
    (
        "youth_idva",
        "Youth IDVA at a major trauma centre",
        "health",
        SPECIALIST_SERVICE + " (seconded to Redthread)",
        True,
        "Youth IDVAs in London's major trauma centres.",
    ),
    (
        "childrens_therapeutic",
        "Children's therapeutic intervention",
        "children_young_people",
        SPECIALIST_SERVICE,
        True,
        "One-to-one play and arts based therapeutic work with children.",
    ),
    (
        "young_peoples_service",
        "Young people's service",
        "children_young_people",
        "YUVA",
        True,
        "For young people (13 to 17) using or experiencing violence in close relationships.",
    ),
    (
        "perpetrator_programme",
        "Perpetrator programme",
        "perpetrator",
        SPECIALIST_SERVICE,
        False,
        "A 26-week programme for people who want to address their abusive behaviour.",
    ),
]


def ensure_default_services(service_model: Any) -> None:
    """Adds any shipped service whose code is not taken yet (migrations, tests, demo)."""
    for code, name, category, provider_name, for_children, description in DEFAULT_SERVICES:
        service_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "provider_name": provider_name,
                "for_children": for_children,
                "description": description,
                "is_active": True,
            },
        )
