"""Reads: the data-quality check on a service's declared figures, which vacancies fit a household,
and when a sanctuary's reviews fall due. Callers pass querysets already scoped by
``waymark/refuge/access.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from waymark.core.dates import add_months
from waymark.refuge.choices import MOBILITY_RANK, Mobility

# --- Data quality ----------------------------------------------------------------------------


def data_quality_warnings(service: Any) -> list[str]:
    """Where the service's declared figures do not agree with each other. Shown, never corrected.

    The seed's refuge: 24 units, of which 6 self-contained and 20 shared: 6 + 20 = 26, not 24.
    """
    warnings = []
    units = service.declared_units
    self_contained, shared = service.declared_self_contained, service.declared_shared
    if self_contained is not None and shared is not None and self_contained + shared != units:
        warnings.append(
            f"The declared unit types do not add up: {self_contained} self-contained + {shared} shared = "
            f"{self_contained + shared}, not the {units} units declared. The figures are shown as recorded; "
            "ask the provider which is right."
        )
    else:
        for label, figure in (("self-contained", self_contained), ("shared", shared)):
            if figure is not None and figure > units:
                warnings.append(f"{figure} {label} units are declared, more than the {units} units in total.")
    accessible = service.declared_wheelchair_accessible
    if accessible is not None and accessible > units:
        warnings.append(f"{accessible} wheelchair-accessible units are declared, more than the {units} units in total.")
    houses, sites = service.declared_safe_houses, service.declared_sites
    if houses is not None and sites is not None and sites > houses:
        warnings.append(f"{sites} sites are declared for {houses} safe houses: a site needs at least one house.")
    if service.commissioned_bedspaces is not None and service.commissioned_bedspaces < units:
        warnings.append(
            f"{service.commissioned_bedspaces} bedspaces are commissioned for {units} units: fewer bedspaces than units."
        )
    return warnings


# --- Vacancy search --------------------------------------------------------------------------


@dataclass(frozen=True)
class Household:
    """What a household needs from a space."""

    children: int = 0
    boys_ages: tuple[int, ...] = ()
    mobility: str = Mobility.NONE
    nrpf: bool = False
    language: str = ""
    recovery: bool = False

    @property
    def size(self) -> int:
        return 1 + self.children

    @classmethod
    def of_referral(cls, referral: Any) -> Household:
        return cls(
            children=referral.children,
            boys_ages=tuple(referral.boys_ages or ()),
            mobility=referral.mobility,
            nrpf=referral.nrpf,
            language=referral.language,
            recovery=referral.recovery_needed,
        )


def vacancies_fitting(vacancies: Any, household: Household) -> Any:
    """Open vacancies that can take this household: enough bedspaces and room for the children,
    boys no older than the limit, access at least as good as needed, NRPF considered when she has
    no recourse to public funds, her language spoken, recovery support when asked for."""
    fitting = vacancies.open().filter(bedspaces__gte=household.size, max_children__gte=household.children)
    if household.boys_ages:
        oldest = max(household.boys_ages)
        fitting = fitting.filter(Q(oldest_boy_age__isnull=True) | Q(oldest_boy_age__gte=oldest))
    needed = MOBILITY_RANK[Mobility(household.mobility)]
    fitting = fitting.filter(mobility__in=[m for m, rank in MOBILITY_RANK.items() if rank >= needed])
    if household.nrpf:
        fitting = fitting.filter(nrpf_considered=True)
    if household.language.strip():
        fitting = fitting.filter(languages__icontains=household.language.strip())
    if household.recovery:
        fitting = fitting.filter(recovery=True)
    return fitting


def why_not_fitting(vacancy: Any, household: Household) -> list[str]:
    """The reasons a vacancy does not fit, in words (shown when matching a referral)."""
    reasons = []
    if not vacancy.is_open:
        reasons.append("the space is no longer open")
    if vacancy.bedspaces < household.size:
        reasons.append(f"{vacancy.bedspaces} bedspaces for a household of {household.size}")
    if vacancy.max_children < household.children:
        reasons.append(f"takes up to {vacancy.max_children} children, the household has {household.children}")
    if household.boys_ages and vacancy.oldest_boy_age is not None and max(household.boys_ages) > vacancy.oldest_boy_age:
        reasons.append(f"boys up to {vacancy.oldest_boy_age}, the oldest boy is {max(household.boys_ages)}")
    if MOBILITY_RANK[Mobility(vacancy.mobility)] < MOBILITY_RANK[Mobility(household.mobility)]:
        reasons.append(f"not suitable for: {Mobility(household.mobility).label.lower()}")
    if household.nrpf and not vacancy.nrpf_considered:
        reasons.append("no recourse to public funds not considered")
    if household.language.strip() and household.language.strip().lower() not in vacancy.languages.lower():
        reasons.append(f"{household.language.strip()} not spoken")
    if household.recovery and not vacancy.recovery:
        reasons.append("not a recovery refuge")
    return reasons


# --- Sanctuary reviews -----------------------------------------------------------------------

REVIEW_MONTHS = (3, 6)


@dataclass(frozen=True)
class ReviewDue:
    months: int
    due_on: date
    done_on: date | None

    @property
    def label(self) -> str:
        return f"{self.months}-month review"


def sanctuary_reviews(sanctuary: Any) -> list[ReviewDue]:
    """The 3- and 6-month reviews of a fitted sanctuary, calendar months from the fitting date
    (``waymark/core/dates.add_months``: 30 November + 3 months is 28 or 29 February)."""
    if sanctuary.fitted_on is None:
        return []
    done = {review.months: review.done_on for review in sanctuary.reviews.all()}
    return [ReviewDue(months, add_months(sanctuary.fitted_on, months), done.get(months)) for months in REVIEW_MONTHS]


def reviews_outstanding(sanctuary: Any) -> list[ReviewDue]:
    """The reviews of a fitted sanctuary not yet recorded (none before fitting): "Record a review"
    is offered only while there is one."""
    return [review for review in sanctuary_reviews(sanctuary) if review.done_on is None]


def no_review_left(reviews: list[ReviewDue]) -> str:
    """The refusal when every review is recorded, naming when each was done."""
    done = ", ".join(f"the {r.months}-month review on {r.done_on:%-d %B %Y}" for r in reviews if r.done_on)
    return f"Both reviews are already recorded ({done}). There is no review left to record. Nothing has been changed."


# --- The coordinator's work lists ------------------------------------------------------------
#
# Each figure on the coordinator's home panel and the sanctuary list it links to come from the one
# selector below, given the same scope: the count is the length of the list, so they cannot differ.


def _review_due_filter(on: date, within_days: int) -> Q:
    """Sanctuaries with at least one review not recorded and due by ``on`` + ``within_days``, in SQL:
    for each of the 3- and 6-month reviews, fitted on or before the latest day whose review is due
    by then (``latest_start_due_by``) with no such review recorded."""
    from django.db.models import Exists, OuterRef

    from waymark.core.dates import latest_start_due_by
    from waymark.refuge.models import SanctuaryReview

    horizon = on + timedelta(days=within_days)
    due = Q(pk__in=[])
    for months in REVIEW_MONTHS:
        due |= Q(
            ~Exists(SanctuaryReview.objects.filter(sanctuary=OuterRef("pk"), months=months)),
            fitted_on__lte=latest_start_due_by(horizon, months),
        )
    return due


def reviews_due(sanctuaries: QuerySet[Any], on: date, *, within_days: int = 14) -> list[tuple[Any, ReviewDue]]:
    """Installed sanctuaries with a review not done and due by ``on`` + ``within_days`` (overdue
    included), each with that review (a sanctuary with both due is listed twice, once per review),
    soonest first. The home panels' figure is its length (``reviews_due_count``), the list behind
    the figure (``?due=review``) is this list. Only sanctuaries with a review due are loaded."""
    horizon = on + timedelta(days=within_days)
    candidates = (
        sanctuaries.filter(fitted_on__isnull=False, removed_on__isnull=True)
        .filter(_review_due_filter(on, within_days))
        .prefetch_related("reviews")
    )
    due = []
    for sanctuary in candidates:
        for review in sanctuary_reviews(sanctuary):
            if review.done_on is None and review.due_on <= horizon:
                due.append((sanctuary, review))
    return sorted(due, key=lambda pair: (pair[1].due_on, pair[0].number, pair[1].months))


def reviews_due_count(sanctuaries: QuerySet[Any], on: date, *, within_days: int = 14) -> int:
    """How many reviews ``reviews_due`` lists: its length, so the figure and the list agree."""
    return len(reviews_due(sanctuaries, on, within_days=within_days))


def flags_to_review(sanctuaries: QuerySet[Any], on: date) -> QuerySet[Any]:
    """The emergency services' "at risk" flags still set whose review date is ``on`` or before,
    the flag due for review soonest first (``?flag=at_risk``)."""
    return sanctuaries.filter(
        at_risk_flag_set_on__isnull=False,
        at_risk_flag_removed_on__isnull=True,
        at_risk_flag_review_on__lte=on,
    ).order_by("at_risk_flag_review_on", "number")


def waiting_for_survey_or_fitting(sanctuaries: QuerySet[Any]) -> QuerySet[Any]:
    """Eligible and waiting for the survey, or surveyed and waiting for the fitting, the longest
    waiting first (``?stage=waiting``)."""
    from waymark.refuge.states import SanctuaryStatus

    return sanctuaries.filter(status__in=[SanctuaryStatus.ELIGIBLE, SanctuaryStatus.SURVEYED]).order_by(
        "referred_on", "number"
    )
