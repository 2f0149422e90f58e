"""MARAC on the home page and the case page.

- The performance panel for the roles that steer by MARAC figures: aggregates only, never a case.
- The coordinator's panel: new flag-and-tag alerts and referrals awaiting triage.
- The meetings panel for coordinators and representatives: the next meeting, its agenda against
  capacity, research still to record and actions open.
- The case page's "MARAC" section: this case's MARAC referrals (status only) and "Refer to MARAC".
- The caseload's "MARAC" column: each open case's referral state, as far as the caseworker may see it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import dateformat, timezone

from waymark.cases.caseload_hooks import register_caseload_column
from waymark.cases.sections import register_case_section
from waymark.core.disclosure import Suppressed
from waymark.core.roles import Role
from waymark.marac.meetings.access import behind_programme_firewall, is_coordinator
from waymark.marac.meetings.selectors import agenda, next_meeting_for, open_actions_for, research_to_do
from waymark.marac.models import FlagStatus, MaracCaseStatus
from waymark.marac.referrals.access import MARAC_REFERRING_ROLES, flags_visible_to, marac_referrals_visible_to
from waymark.marac.referrals.selectors import (
    caseload_marac_states,
    has_open_referral,
    open_referral_of_case,
    referrals_for_case,
)
from waymark.marac.repeats import heard_tallies_between
from waymark.marac.reports.disclosure import protect_years, sees_raw_figures
from waymark.marac.reports.selectors import (
    headline_rule,
    marac_performance,
    period_of,
    recommended_range,
)
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


def _percent(rate: Any) -> str:
    if isinstance(rate, Suppressed):
        return str(rate)
    return "no cases" if rate is None else f"{rate:.0%}"


def _heard_this_and_last_year() -> tuple[Any, Any, dict[Any, Any]]:
    """The panel's one long read (both rules over every victim heard this financial year and last),
    read while the home page's other panels are built (``register``'s ``reads``): the two years
    and the tallies, so the panel counts the years that were read even across midnight."""
    this_year = period_of(timezone.localdate(), "financial-year")
    last_year = period_of(this_year.start - timedelta(days=1), "financial-year")
    return this_year, last_year, heard_tallies_between(last_year.start, this_year.end)


@register(Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.MARAC_COORDINATOR, reads=_heard_this_and_last_year)
def marac_performance_panel(user: User, heard: tuple[Any, Any, dict[Any, Any]]) -> Panel:
    this_year, last_year, tallies = heard
    years = marac_performance(last_year.start, this_year.end, tallies=tallies)
    if not sees_raw_figures(user):  # commissioners and the partnership lead: as the reports page shows them
        years = protect_years(years, marac_performance(last_year.start, this_year.end, "quarter", tallies=tallies))
    last, current = years
    rule = headline_rule()
    rate_key = "repeat_rate_ever" if rule == "local" else "repeat_rate_12_month"
    low, high = recommended_range()
    last_rate = _percent(last[rate_key])
    if not isinstance(last[rate_key], Suppressed):  # a withheld rate says nothing of the range either
        in_range = {True: "within", False: "outside", None: "not measured"}[last["in_recommended_range"]]
        last_rate += f" ({in_range} the range)"
    return Panel(
        title="MARAC performance",
        description=(
            f"Cases discussed and repeats ({'anyone discussed before' if rule == 'local' else 'within 12 months'} "
            f"rule), against the recommended {low:.0%} to {high:.0%}. A case counts in the year of the meeting "
            "that heard it."
        ),
        figures=[
            Figure(f"Cases discussed in {current['period']} so far", current["cases"]),
            Figure(f"Repeat rate in {current['period']} so far", _percent(current[rate_key])),
            Figure(f"Cases discussed in {last['period']}", last["cases"]),
            Figure(f"Repeat rate in {last['period']}", last_rate),
        ],
    )


@register(Role.MARAC_COORDINATOR)
def marac_coordinator_panel(user: User) -> Panel:
    new_flags = flags_visible_to(user).filter(status=FlagStatus.NEW).count()
    awaiting = marac_referrals_visible_to(user).filter(status=MaracCaseStatus.REFERRED).count()
    return Panel(
        title="MARAC triage",
        description="Referrals waiting for your decision, and incidents between a pair referred in the last 12 months.",
        figures=[
            Figure("Referrals awaiting triage", awaiting, reverse("marac:referrals")),
            Figure("New flag-and-tag alerts", new_flags, reverse("marac:flags")),
        ],
        links=[("MARAC referrals", reverse("marac:referrals")), ("Flag and tag", reverse("marac:flags"))],
    )


@register_case_section(order=60, template="marac/referral_case_section.html")
def marac_case_section(user: User, case: Any) -> dict[str, Any] | None:
    """The case's own MARAC referrals (status only) and the way to refer it. The case page has
    already checked the viewer may see the case; referring needs a referring role too."""
    if not (MARAC_REFERRING_ROLES & user.roles):
        return None
    return {"referrals": referrals_for_case(case), "waiting": open_referral_of_case(case)}


# "Your cases": each open case's MARAC referral in a few words, read for the whole caseload at once.
register_caseload_column(order=10, heading="MARAC")(caseload_marac_states)


@register_case_section(order=5, template="marac/_case_risk_section.html")
def case_risk_section(user: User, case: Any) -> dict[str, Any] | None:
    """Risk where decisions are made (issue 10, item 3): the client's current risk level, its trend
    and when it is due for reassessment, with "record a checklist" and, at high risk, "refer to
    MARAC" in one step. Reads through the risk app's own scope (RiskAssessment.visible_to)."""
    from waymark.risk.access import assessments_about, has_risk_role
    from waymark.risk.choices import RiskLevel
    from waymark.risk.selectors import history_of, reassessment_due_on

    if not has_risk_role(user):
        return None
    # Her assessments, through the risk rule asked of her alone (not of everyone the agency holds).
    assessments = list(assessments_about(user, case.person).current().select_related("instrument"))
    history = history_of(assessments)
    latest = history[-1] if history else None
    due_on = reassessment_due_on(assessments)
    today = timezone.localdate()
    # As the MARAC section beside it: this case's own referrals (the viewer may see the case).
    return {
        "latest": latest.assessment if latest else None,
        "trend": latest.trend if latest else None,
        "due_on": due_on,
        "overdue": due_on is not None and due_on < today,
        "is_high": latest is not None and latest.assessment.final_level == RiskLevel.HIGH,
        "may_refer": bool(MARAC_REFERRING_ROLES & user.roles) and case.closed_on is None,
        "marac_open": has_open_referral(case),
    }


@register(Role.MARAC_COORDINATOR, Role.MARAC_REPRESENTATIVE)
def marac_meetings_panel(user: User) -> Panel:
    if behind_programme_firewall(user):
        return Panel(
            title="MARAC meetings",
            description=(
                "Closed to this account: it holds a perpetrator-programme role, and MARAC's agendas, research "
                "and minutes say where survivors are. Ask an administrator to use a separate account."
            ),
            figures=[],
            links=[],
        )
    meeting = next_meeting_for(user)
    figures = []
    links = [("MARAC meetings", reverse("marac:meetings")), ("Actions", reverse("marac:actions"))]
    if meeting is None:
        figures.append(Figure("Next meeting", "None scheduled"))
    else:
        href = reverse("marac:meeting", kwargs={"meeting_id": meeting.pk})
        figures += [
            Figure("Next meeting", dateformat.format(meeting.held_on, "j F Y"), href),
            Figure(
                "Cases on its agenda",
                f"{agenda(meeting).count()} of {meeting.capacity}",
            ),
            Figure("Research still to do", research_to_do(user, meeting)),
        ]
    figures.append(
        Figure(
            "Actions open" if is_coordinator(user) else "Your agency's open actions",
            open_actions_for(user).count(),
        )
    )
    return Panel(
        title="MARAC meetings",
        description="The next meeting, its agenda against capacity, research still to record and actions open.",
        figures=figures,
        links=links,
    )
