"""When a case's outcomes are next reviewed, in one place.

Outcomes are measured at intake, at each review and at exit. A review is due
``settings.CASES_REVIEW_INTERVAL_MONTHS`` calendar months (``waymark.core.dates.add_months``, so
31 January + 3 months is 30 April) after the latest intake or review measure of the case's
client on that case. There is no review due:

- before intake (no intake or review measure of the client on the case yet): the intake is what
  is outstanding, not a review;
- once the case is closed;
- once an exit measure of the client is recorded on the case (the case is on its way out).

``next_review_due_on`` answers for one case; ``cases_with_review_due`` answers for a whole
queryset in one query (for dashboards), and the two agree (tests/outcomes/test_reviews.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet

from waymark.cases.states import CaseStatus
from waymark.core.dates import add_months
from waymark.outcomes.models import OutcomeMeasure, Stage

REVIEWABLE_STAGES = (Stage.INTAKE, Stage.REVIEW)


def _interval() -> int:
    return int(settings.CASES_REVIEW_INTERVAL_MONTHS)


def review_due_after(last_measured_on: date) -> date:
    """The day a review falls due after a measure taken on ``last_measured_on``."""
    return add_months(last_measured_on, _interval())


def next_review_due_on(case: Any, *, measures: list[OutcomeMeasure] | None = None) -> date | None:
    """The day the next outcome review of this case's client is due, or None (see module doc).

    ``measures``: every measure of the case (``OutcomeMeasure.objects.filter(case=case)``, as the
    case page has already read them), to answer from them without asking the database again."""
    if case.status == CaseStatus.CLOSED:
        return None
    if measures is not None:
        client = [m for m in measures if m.case_id == case.pk and m.subject_id == case.person_id]
        if any(m.stage == Stage.EXIT for m in client):
            return None
        reviewable = [m.measured_on for m in client if m.stage in REVIEWABLE_STAGES]
        return review_due_after(max(reviewable)) if reviewable else None
    client_measures = OutcomeMeasure.objects.filter(case_id=case.pk, subject_id=case.person_id)
    if client_measures.filter(stage=Stage.EXIT).exists():
        return None
    latest = client_measures.filter(stage__in=REVIEWABLE_STAGES).aggregate(latest=Max("measured_on"))["latest"]
    if latest is None:
        return None
    return review_due_after(latest)


def latest_measured_on_or_before_due(on: date) -> date:
    """The latest measure date whose review is due on or before ``on``.

    ``add_months`` never goes backwards, so "due on or before ``on``" is "measured on or before
    this day". Month-end clamping means several days can share one due date (29, 30 and
    31 January all fall due on 30 April), hence the short walk forward.
    """
    interval = _interval()
    threshold = add_months(on, -interval)
    while add_months(threshold + timedelta(days=1), interval) <= on:
        threshold += timedelta(days=1)
    return threshold


def with_last_review_measure(cases_qs: QuerySet[Any]) -> QuerySet[Any]:
    """Annotates ``last_outcome_measured_on``: the latest intake or review measure of the client."""
    return cases_qs.annotate(
        last_outcome_measured_on=Max(
            "outcome_measures__measured_on",
            filter=Q(outcome_measures__stage__in=REVIEWABLE_STAGES) & Q(outcome_measures__subject_id=F("person_id")),
        )
    )


def cases_with_review_due(cases_qs: QuerySet[Any], on: date) -> QuerySet[Any]:
    """The cases in ``cases_qs`` whose next outcome review is due on or before ``on`` (overdue
    included), in one query. Each row is annotated with ``last_outcome_measured_on``; its due
    date is ``review_due_after(case.last_outcome_measured_on)``."""
    client_exit = OutcomeMeasure.objects.filter(
        case_id=OuterRef("pk"), subject_id=OuterRef("person_id"), stage=Stage.EXIT
    )
    return (
        with_last_review_measure(cases_qs.exclude(status=CaseStatus.CLOSED))
        .filter(~Exists(client_exit))
        .filter(last_outcome_measured_on__lte=latest_measured_on_or_before_due(on))
    )
