"""Reads of outcome measures for one case. The caller has already checked the viewer may see the
case (``waymark.cases.access.get_case_for_user``); these do not decide access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from waymark.outcomes.models import AbuseKind, Frequency, OutcomeMeasure, Scale, Stage
from waymark.people.models import Person


def children_on(case: Any) -> QuerySet[Person]:
    """The children linked to the case (the support app owns the link)."""
    from waymark.support.selectors import children_of

    return children_of(case)


def subjects_of(case: Any) -> QuerySet[Person]:
    """Whose outcomes may be recorded on this case: the client and the children linked to it."""
    return Person.objects.filter(Q(pk=case.person_id) | Q(pk__in=children_on(case).values("pk"))).distinct()


@dataclass
class Comparison:
    """One question, intake against the latest measure, for the case page."""

    label: str
    intake: str
    latest: str
    change: str  # "better", "worse", "same" or "" (not comparable)


@dataclass
class SubjectOutcomes:
    subject: Person
    is_client: bool
    measures: list[OutcomeMeasure]
    intake: OutcomeMeasure | None
    latest: OutcomeMeasure | None
    rows: list[Comparison]

    @property
    def has_exit(self) -> bool:
        return any(m.stage == Stage.EXIT for m in self.measures)


def _frequency_change(before: str, after: str) -> str:
    from waymark.outcomes.models import FREQUENCY_ORDER

    if not before or not after:
        return ""
    b, a = FREQUENCY_ORDER[before], FREQUENCY_ORDER[after]
    return "better" if a < b else "worse" if a > b else "same"


def _frequency_label(value: str) -> str:
    return str(Frequency(value).label) if value else ""


def _scale_change(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return ""
    return "better" if after > before else "worse" if after < before else "same"


def compare(intake: OutcomeMeasure | None, latest: OutcomeMeasure | None) -> list[Comparison]:
    """Each question: the intake answer, the latest answer, and which way it moved."""
    rows = []
    for kind in AbuseKind:
        before = getattr(intake, kind.value, "") if intake else ""
        after = getattr(latest, kind.value, "") if latest else ""
        rows.append(
            Comparison(
                label=str(kind.label),
                intake=_frequency_label(before),
                latest=_frequency_label(after),
                change=_frequency_change(before, after),
            )
        )
    for name, label in (
        ("feeling_safe", "Feeling safe"),
        ("wellbeing", "Wellbeing"),
        ("quality_of_life", "Quality of life"),
    ):
        before_score = getattr(intake, name) if intake else None
        after_score = getattr(latest, name) if latest else None
        rows.append(
            Comparison(
                label=label,
                intake=str(Scale(before_score).label) if before_score else "",
                latest=str(Scale(after_score).label) if after_score else "",
                change=_scale_change(before_score, after_score),
            )
        )
    return rows


def outcomes_by_subject(case: Any) -> list[SubjectOutcomes]:
    """The case's measures grouped by subject (the client first), each with intake against latest."""
    measures = list(
        OutcomeMeasure.objects.filter(case=case)
        .select_related("subject", "risk_assessment", "recorded_by")
        .order_by("measured_on", "created_at")
    )
    subjects: dict[Any, list[OutcomeMeasure]] = {}
    for measure in measures:
        subjects.setdefault(measure.subject_id, []).append(measure)
    result = []
    for subject_id, own in subjects.items():
        intake = next((m for m in own if m.stage == Stage.INTAKE), None)
        latest = own[-1] if own and own[-1] is not intake else None
        result.append(
            SubjectOutcomes(
                subject=own[0].subject,
                is_client=subject_id == case.person_id,
                measures=own,
                intake=intake,
                latest=latest,
                rows=compare(intake, latest),
            )
        )
    result.sort(key=lambda s: (not s.is_client, str(s.subject)))
    return result
