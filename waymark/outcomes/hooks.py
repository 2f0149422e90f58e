"""Registers this app's report, home-page panel, case-page section and what casework asks of it
(exit outcomes and reviews due: waymark/cases/outcome_hooks.py), imported by AppConfig.ready."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from waymark.cases.access import can_work_on
from waymark.cases.outcome_hooks import OutcomeHooks, register_outcome_hooks
from waymark.cases.sections import register_case_section
from waymark.cases.states import CaseStatus
from waymark.core.dates import financial_year_start
from waymark.core.disclosure import Suppressed
from waymark.core.roles import Role
from waymark.outcomes import reports  # noqa: F401  (registers ``manage.py report outcomes``)
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.outcomes.reviews import cases_with_review_due, next_review_due_on, review_due_after
from waymark.outcomes.selectors import outcomes_by_subject
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.cases.models import Case


def percent(rate: Any) -> str:
    return "not measured yet" if rate is None else f"{rate:.0%}"


def _count(value: Any) -> Any:
    return value if isinstance(value, Suppressed) else int(value or 0)


@register(Role.COMMISSIONER, Role.PARTNERSHIP_LEAD)
def outcomes_panel(user: User) -> Panel:
    """Headline outcome figures for this financial year so far (aggregates only)."""
    from waymark.core.disclosure import Applied, whole_quarters
    from waymark.outcomes.disclosure import shown_figures
    from waymark.outcomes.forms import financial_year
    from waymark.outcomes.kpis import outcome_figures, risk_window_days

    today = timezone.localdate()
    year = financial_year(financial_year_start(today))
    fy = year.label.removeprefix("Financial year ")
    this_quarter = whole_quarters(today, today)[0]
    headline = ("referred", "supported", "reduced_risk_within_3_months_rate", "first_contact_within_standard_rate")

    def shown(end: Any) -> tuple[Any, Applied]:
        # In the database, and only what the panel shows (engagement and change at exit count nothing).
        figures = outcome_figures(year.start, end, as_of=today, by="none", partnership_wide=True, headline_only=True)
        applied = Applied()
        return shown_figures(figures, applied).outcomes, applied  # the disclosure rule, quarter by quarter

    outcomes, applied = shown(today)
    covered = f"{fy} so far"
    # Early in a quarter its few records can withhold the year's figures (the year less the
    # quarters before would give the quarter's small count away): then the panel counts the whole
    # quarters before this one, and says so.
    if this_quarter > year.start and any(isinstance(outcomes[key].value, Suppressed) for key in headline):
        last_day = this_quarter - timedelta(days=1)
        outcomes, applied = shown(last_day)
        covered = (
            f"{fy} to {last_day:%-d %B %Y} (this quarter so far has too few records to add in without "
            "showing a small number)"
        )
    return Panel(
        title="Outcomes",
        description=(
            f"Computed from case records for {covered}. Each figure's definition is on the outcomes dashboard. "
            + applied.note()
        ),
        figures=[
            Figure("Referrals received", _count(outcomes["referred"].value)),
            Figure("Supported (cases engaged)", _count(outcomes["supported"].value)),
            Figure(
                f"Risk reduced within {risk_window_days()} days of engaging",
                percent(outcomes["reduced_risk_within_3_months_rate"].value),
            ),
            Figure(
                "First contact within the service standard",
                percent(outcomes["first_contact_within_standard_rate"].value),
            ),
        ],
        links=[
            ("Outcomes dashboard", reverse("outcomes:dashboard")),
            ("How each figure is defined", reverse("outcomes:definition")),
        ],
    )


@register_case_section(order=40, template="outcomes/_case_section.html")
def outcomes_section(user: User, case: Any) -> dict[str, Any] | None:
    """Intake against the latest measures for the client and each child, and the next review."""
    from waymark.risk.access import visible_among

    subjects = outcomes_by_subject(case)
    linked = {m.risk_assessment_id for item in subjects for m in item.measures if m.risk_assessment_id}
    visible = visible_among(user, linked)
    return {
        "subjects": subjects,
        "visible_assessments": visible,
        "review_due_on": next_review_due_on(case, measures=[m for item in subjects for m in item.measures]),
        "today": timezone.localdate(),
        "may_record": case.status != CaseStatus.CLOSED and can_work_on(user, case),
    }


def exit_outcomes_recorded(case: Case) -> bool:
    """An exit outcome measure is recorded for the case's client."""
    return OutcomeMeasure.objects.filter(case_id=case.pk, subject_id=case.person_id, stage=Stage.EXIT).exists()


register_outcome_hooks(
    OutcomeHooks(
        exit_outcomes_recorded=exit_outcomes_recorded,
        cases_with_review_due=cases_with_review_due,
        review_due_after=review_due_after,
    )
)
