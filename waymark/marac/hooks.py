"""The people MARAC cases name as causing harm (``waymark.people.selectors``; imported by
AppConfig.ready: people imports nothing of MARAC)."""

from __future__ import annotations

from typing import Any

from waymark.marac.models import MaracCase
from waymark.people.selectors import register_harm_source


def perpetrators_of_cases_about(person_id: Any) -> Any:
    """The perpetrators of every MARAC case where the person is the victim."""
    return MaracCase.objects.filter(victim_id=person_id).values_list("perpetrator_id")


register_harm_source(perpetrators_of_cases_about)
