"""Reads for the caseload dashboards: a caseworker's own cases, and a team manager's service.

Each dashboard is a handful of queries whatever the caseload (no query per case): the lists
are read once with what they show joined in, and "due" figures come from one aggregate each
(reassessments from the risk app's ``reassessments_due``, outcome reviews from the outcomes
app's ``cases_with_review_due``, legal orders from the support app's ``orders_expiring``).
Each column an app above registers on the caseload (MARAC's, ``caseload_hooks.py``) is read for
the whole caseload at once. Overdue first contacts use the service standard
(``service_standard.py``) in both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from waymark.cases.access import can_work_on, is_team_manager_for
from waymark.cases.caseload_hooks import caseload_columns
from waymark.cases.models import Case, Task
from waymark.cases.outcome_hooks import outcome_hooks
from waymark.cases.service_standard import (
    episode_started_on,
    episode_started_on_or_before,
    first_contact_due_on,
    overdue_if_referred_on_or_before,
)
from waymark.cases.states import OPEN, CaseStatus
from waymark.core.roles import Role
from waymark.organisations.models import Membership
from waymark.risk.selectors import current_levels

if TYPE_CHECKING:
    from waymark.accounts.models import User

# How far ahead a reassessment, review or task counts as "due" on a dashboard.
DUE_SOON_DAYS = int(getattr(settings, "CASES_DUE_SOON_DAYS", 14))
TASKS_DUE_DAYS = 7


def caseload_benchmark() -> tuple[int, int]:
    low, high = settings.CASES_CASELOAD_BENCHMARK
    return int(low), int(high)


@dataclass
class CaseRow:
    """One open case on a dashboard, with the dates that make it need attention."""

    case: Case
    first_contact_due_on: date
    first_contact_overdue: bool
    reassessment_due_on: date | None = None
    review_due_on: date | None = None
    safety_plan_review_due_on: date | None = None
    orders: list[Any] = field(default_factory=list)
    # Her current risk level ("high", "medium", "standard"), "" when none is recorded or the user
    # has no risk role (``risk.selectors.current_levels``).
    risk_level: str = ""
    # What the apps above casework say of the case, one text per column they registered, in the
    # order of ``WorkerDashboard.column_headings`` ("" for nothing): MARAC's referral state.
    columns: list[str] = field(default_factory=list)

    @property
    def next_due_on(self) -> date | None:
        """The soonest thing due on the case: first contact (until made), a reassessment, an
        outcome review or a safety plan review."""
        found = [
            self.first_contact_due_on if self.case.first_contact_at is None else None,
            self.reassessment_due_on,
            self.review_due_on,
            self.safety_plan_review_due_on,
        ]
        return min((day for day in found if day is not None), default=None)


def _rows(cases: list[Case], today: date) -> list[CaseRow]:
    overdue_before = overdue_if_referred_on_or_before(today)
    return [
        CaseRow(
            case=case,
            first_contact_due_on=first_contact_due_on(episode_started_on(case)),
            first_contact_overdue=case.first_contact_at is None and episode_started_on(case) <= overdue_before,
        )
        for case in cases
    ]


def _reassessments_by_person(user: User, today: date, cases: QuerySet[Case]) -> dict[Any, date]:
    """Reassessments due for the people on these cases (a caseload), by person id."""
    from waymark.risk.selectors import reassessments_due

    due = reassessments_due(user=user, on=today, within_days=DUE_SOON_DAYS, people=cases.order_by().values("person_id"))
    return {entry.person_id: entry.due_on for entry in due}


def _reviews_by_case(cases: QuerySet[Case], today: date) -> dict[Any, date] | None:
    """Outcome reviews due within the window, by case id; None until the outcomes app offers them
    (waymark/cases/outcome_hooks.py)."""
    hooks = outcome_hooks()
    if hooks is None:
        return None
    rows = hooks.cases_with_review_due(cases.order_by(), today + timedelta(days=DUE_SOON_DAYS)).values_list(
        "pk", "last_outcome_measured_on"
    )
    return {pk: hooks.review_due_after(measured_on) for pk, measured_on in rows}


def _safety_plans_due(user: User, cases: QuerySet[Case], today: date) -> QuerySet[Any] | None:
    """The current safety plans of these cases with a review due within the window (overdue
    included); None until the support app offers them."""
    try:
        from waymark.support.selectors import safety_plans_due
    except ImportError:
        return None
    return safety_plans_due(user, cases, today + timedelta(days=DUE_SOON_DAYS))


def _orders_expiring(cases: QuerySet[Case]) -> list[Any] | None:
    """Legal orders expiring soon on these cases; None until the support app offers them."""
    try:
        from waymark.support.selectors import orders_expiring
    except ImportError:
        return None
    within = int(getattr(settings, "SUPPORT_ORDER_EXPIRY_ALERT_DAYS", 28))
    return list(orders_expiring(cases, within))


@dataclass
class WorkerDashboard:
    today: date
    rows: list[CaseRow]
    tasks: list[Task]
    reviews_available: bool
    orders_available: bool
    orders: list[Any]
    safety_plans_available: bool = False
    # The headings of the columns registered by the apps above (``caseload_hooks.py``).
    column_headings: list[str] = field(default_factory=list)

    def sorted_by(self, order: str) -> list[CaseRow]:
        """The open cases in the order asked for (``CASELOAD_ORDERS``): the oldest referral first
        (the default), the highest risk first, or the soonest due first."""
        if order == "risk":
            return sorted(self.rows, key=lambda r: (RISK_ORDER.get(r.risk_level, len(RISK_ORDER)), r.case.referred_on))
        if order == "due":
            return sorted(self.rows, key=lambda r: (r.next_due_on is None, r.next_due_on or r.case.referred_on))
        return list(self.rows)

    @property
    def overdue_first_contacts(self) -> list[CaseRow]:
        return [row for row in self.rows if row.first_contact_overdue]

    @property
    def reassessments_due(self) -> list[CaseRow]:
        return sorted(
            (r for r in self.rows if r.reassessment_due_on), key=lambda r: r.reassessment_due_on or r.case.opened_on
        )

    @property
    def reviews_due(self) -> list[CaseRow]:
        return sorted((r for r in self.rows if r.review_due_on), key=lambda r: r.review_due_on or r.case.opened_on)

    @property
    def safety_plan_reviews_due(self) -> list[CaseRow]:
        return sorted(
            (r for r in self.rows if r.safety_plan_review_due_on),
            key=lambda r: r.safety_plan_review_due_on or r.case.opened_on,
        )


def my_open_cases(user: User) -> QuerySet[Case]:
    """The open cases allocated to this user (at agencies where they are still a caseworker)."""
    return Case.objects.visible_to(user).open().filter(caseworker=user)


# How a caseworker may order her open cases, by the words the page shows.
CASELOAD_ORDERS = {"referred": "Oldest referral first", "risk": "Highest risk first", "due": "Soonest due first"}
# Highest risk first; a case with no level recorded comes after every level.
RISK_ORDER = {"high": 0, "medium": 1, "standard": 2}


def worker_dashboard(user: User, *, today: date | None = None) -> WorkerDashboard:
    """Everything on a caseworker's own dashboard, in a few queries."""
    today = today or timezone.localdate()
    cases_qs = my_open_cases(user)
    cases = list(cases_qs.select_related("person", "team").order_by("referred_on", "number"))
    rows = _rows(cases, today)
    reassessments = _reassessments_by_person(user, today, cases_qs) if cases else {}
    reviews = _reviews_by_case(cases_qs, today) if cases else {}
    orders = _orders_expiring(cases_qs) if cases else []
    plans = _safety_plans_due(user, cases_qs, today)  # a query only when there are cases to read
    levels = current_levels(user=user, people=cases_qs.order_by().values("person_id")) if cases else {}
    safety_reviews = dict(plans.values_list("case_id", "next_review_on")) if plans is not None and cases else {}
    columns = caseload_columns()
    column_values = [column.build(user, cases) if cases else {} for column in columns]  # each in a fixed few queries
    for row in rows:
        row.columns = [values.get(row.case.pk, "") for values in column_values]
        row.risk_level = levels.get(row.case.person_id, "")
        row.reassessment_due_on = reassessments.get(row.case.person_id)
        row.review_due_on = (reviews or {}).get(row.case.pk)
        row.safety_plan_review_due_on = (safety_reviews or {}).get(row.case.pk)
    if orders:
        by_case: dict[Any, CaseRow] = {row.case.pk: row for row in rows}
        for order in orders:
            row_for_order = by_case.get(getattr(order, "case_id", None))
            if row_for_order is not None:
                row_for_order.orders.append(order)
    tasks = list(tasks_due(user, today).select_related("case", "case__person").order_by("due_on", "created_at"))
    return WorkerDashboard(
        today=today,
        rows=rows,
        tasks=tasks,
        reviews_available=reviews is not None,
        orders_available=orders is not None,
        orders=orders or [],
        safety_plans_available=plans is not None,
        column_headings=[column.heading for column in columns],
    )


# --- The team manager's dashboard ------------------------------------------------------------


@dataclass
class WorkerLoad:
    """One caseworker's open caseload against the benchmark per full-time worker."""

    user: User
    teams: list[str]
    fte: Decimal
    open_cases: int
    overdue_first_contacts: int
    reassessments_due: int = 0
    reviews_due: int = 0
    safety_plan_reviews_due: int = 0
    tasks_due: int = 0
    orders_expiring: int = 0

    @property
    def per_fte(self) -> Decimal:
        if not self.fte:
            return Decimal(0)
        return (Decimal(self.open_cases) / self.fte).quantize(Decimal("0.1"))

    @property
    def band(self) -> str:
        """ "below", "within" or "above" the benchmark range, per full-time worker."""
        low, high = caseload_benchmark()
        if self.per_fte < low:
            return "below"
        if self.per_fte > high:
            return "above"
        return "within"


@dataclass
class TeamDashboard:
    today: date
    awaiting: list[CaseRow]
    awaiting_count: int
    workers: list[WorkerLoad]
    overdue: list[CaseRow]
    closures: list[Case]
    benchmark: tuple[int, int]
    due: dict[str, int] = field(default_factory=dict)
    # Closed in the last 12 months while at high risk with no MARAC referral (a reason recorded).
    closed_high_risk_without_marac: int = 0

    @property
    def total_open(self) -> int:
        return sum(w.open_cases for w in self.workers)

    @property
    def total_fte(self) -> Decimal:
        return sum((w.fte for w in self.workers), Decimal(0))

    @property
    def per_fte(self) -> Decimal:
        if not self.total_fte:
            return Decimal(0)
        return (Decimal(self.total_open) / self.total_fte).quantize(Decimal("0.1"))


AWAITING_SHOWN = 200


def managed_cases(user: User) -> QuerySet[Case]:
    """Every case held by an agency where this user is a team manager."""
    return Case.objects.filter(agency_id__in=user.agencies_with_role(Role.TEAM_MANAGER))


def team_allocated_open_cases(user: User) -> QuerySet[Case]:
    """The open, allocated cases of the agencies this user manages: the team's caseloads."""
    return managed_cases(user).filter(status__in=OPEN, caseworker__isnull=False)


def reassessments_due_on_caseload(user: User, cases: QuerySet[Case], today: date) -> dict[Any, date]:
    """Reassessments due (overdue or within ``DUE_SOON_DAYS``) for the people on these cases, by
    person: the figure on the caseworker's and manager's home panels and dashboards, one rule."""
    return _reassessments_by_person(user, today, cases)


def overdue_first_contact(today: date) -> Q:
    """An open case with no successful contact yet whose first-contact standard has passed (as a
    condition, so a panel can count it in the same aggregate as its other figures)."""
    return (
        episode_started_on_or_before(overdue_if_referred_on_or_before(today))
        & Q(status__in=OPEN)
        & Q(first_contact_at__isnull=True)
    )


def overdue_first_contacts(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """Open cases with no successful contact yet whose first-contact standard has passed."""
    return cases.filter(overdue_first_contact(today))


def tasks_due(user: User, today: date) -> QuerySet[Task]:
    """Tasks this user owns, not done, due within ``TASKS_DUE_DAYS`` (overdue included), on open
    cases they may see: the caseworker's dashboard list and the figure on her home panel."""
    return Task.objects.filter(
        owner=user,
        done_at__isnull=True,
        due_on__lte=today + timedelta(days=TASKS_DUE_DAYS),
        case__in=Case.objects.visible_to(user).open().order_by().values("pk"),
    )


def my_cases_figures(user: User, today: date) -> dict[str, int]:
    """The caseworker's home panel: her open cases and overdue first contacts (one aggregate) and
    her tasks due (one count)."""
    figures = my_open_cases(user).aggregate(open=Count("pk"), overdue=Count("pk", filter=overdue_first_contact(today)))
    figures["tasks_due"] = tasks_due(user, today).count()
    return figures


def team_cases_figures(user: User, today: date) -> dict[str, int]:
    """The team manager's home panel, in one aggregate over the cases of the agencies they manage."""
    # All three figures are of open cases: the (agency, status) index skips the closed ones.
    return (
        managed_cases(user)
        .filter(status__in=OPEN)
        .aggregate(
            awaiting=Count("pk", filter=Q(status=CaseStatus.AWAITING_ALLOCATION)),
            overdue=Count("pk", filter=overdue_first_contact(today)),
            closures=Count("pk", filter=Q(status=CaseStatus.CLOSURE_REQUESTED)),
        )
    )


def team_dashboard(user: User, *, today: date | None = None) -> TeamDashboard:
    """Everything on a team manager's dashboard, in a few queries, however many closed cases."""
    today = today or timezone.localdate()
    agencies = user.agencies_with_role(Role.TEAM_MANAGER)
    cases = Case.objects.filter(agency_id__in=agencies)
    awaiting_qs = cases.filter(status=CaseStatus.AWAITING_ALLOCATION)
    # short list: the oldest AWAITING_SHOWN, and the page says "Showing the 200 oldest of N".
    awaiting = list(awaiting_qs.select_related("person").order_by("referred_on", "number")[:AWAITING_SHOWN])
    awaiting_count = len(awaiting) if len(awaiting) < AWAITING_SHOWN else awaiting_qs.count()
    overdue = list(
        overdue_first_contacts(cases, today).select_related("person", "caseworker").order_by("referred_on", "number")
    )
    counts: dict[Any, dict[str, Any]] = {
        row["caseworker_id"]: dict(row)
        for row in cases.filter(status__in=OPEN, caseworker__isnull=False)
        .values("caseworker_id")
        .annotate(
            open_cases=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(first_contact_at__isnull=True)
                & episode_started_on_or_before(overdue_if_referred_on_or_before(today)),
            ),
        )
    }
    loads: dict[Any, WorkerLoad] = {}
    memberships = (
        Membership.objects.active()
        .filter(agency_id__in=agencies, role=Role.CASEWORKER, user__is_active=True)
        .select_related("user", "team")
        .order_by("user__full_name")
    )
    for membership in memberships:
        load = loads.get(membership.user_id)
        if load is None:
            row = counts.get(membership.user_id, {})
            load = loads[membership.user_id] = WorkerLoad(
                user=membership.user,
                teams=[],
                fte=Decimal(0),
                open_cases=row.get("open_cases", 0),
                overdue_first_contacts=row.get("overdue", 0),
            )
        load.fte = min(load.fte + membership.fte, Decimal("1.00"))
        if membership.team is not None and membership.team.name not in load.teams:
            load.teams.append(membership.team.name)
    due = _team_due_by_worker(user, team_allocated_open_cases(user), today)
    for worker_id, figures in due.items():
        if worker_id in loads:
            for name, value in figures.items():
                setattr(loads[worker_id], name, value)
    closures = list(
        cases.filter(status=CaseStatus.CLOSURE_REQUESTED)
        .select_related("person", "caseworker")
        .order_by("closure_requested_at", "number")
    )
    return TeamDashboard(
        today=today,
        awaiting=_rows(awaiting, today),
        awaiting_count=awaiting_count,
        workers=sorted(loads.values(), key=lambda load: (-load.open_cases, load.user.full_name)),
        overdue=_rows(overdue, today),
        closures=closures,
        closed_high_risk_without_marac=cases.filter(
            closed_high_risk_without_marac=True, closed_on__gt=today - timedelta(days=365)
        ).count(),
        benchmark=caseload_benchmark(),
        due={
            name: sum(figures.get(name, 0) for figures in due.values())
            for name in ("reassessments_due", "reviews_due", "safety_plan_reviews_due", "tasks_due", "orders_expiring")
        },
    )


def _team_due_by_worker(user: User, open_cases: QuerySet[Case], today: date) -> dict[Any, dict[str, int]]:
    """Per caseworker: reassessments, outcome reviews, safety plan reviews and tasks falling due,
    and legal orders expiring, on the team's open cases. The same rules and windows as the worker's own dashboard,
    one aggregate each."""
    due: dict[Any, dict[str, int]] = {}

    def add(worker_id: Any, name: str, count: int = 1) -> None:
        figures = due.setdefault(worker_id, {})
        figures[name] = figures.get(name, 0) + count

    worker_by_person = dict(open_cases.values_list("person_id", "caseworker_id"))
    for entry in _reassessments_by_person(user, today, open_cases):
        if entry in worker_by_person:
            add(worker_by_person[entry], "reassessments_due")
    hooks = outcome_hooks()
    if hooks is not None:
        reviews = hooks.cases_with_review_due(open_cases.order_by(), today + timedelta(days=DUE_SOON_DAYS))
        for _pk, worker_id in reviews.values_list("pk", "caseworker_id"):
            add(worker_id, "reviews_due")
    tasks = Task.objects.filter(
        case__in=open_cases.values("pk"), done_at__isnull=True, due_on__lte=today + timedelta(days=TASKS_DUE_DAYS)
    )
    for row in tasks.values("owner_id").annotate(n=Count("pk")):
        add(row["owner_id"], "tasks_due", row["n"])
    for order in _orders_expiring(open_cases) or []:
        add(order.case.caseworker_id, "orders_expiring")
    plans = _safety_plans_due(user, open_cases, today)
    for row in plans.values("case__caseworker_id").annotate(n=Count("pk")) if plans is not None else []:
        add(row["case__caseworker_id"], "safety_plan_reviews_due", row["n"])
    return due


# --- The case page's reads (moved out of waymark/cases/actions.py) ---------------------------

# MARAC referral states that are not a referral to MARAC (refused or withdrawn).
NOT_A_MARAC_REFERRAL = ("not_accepted", "withdrawn")


def caseworker_memberships(case: Case) -> Any:
    """Active caseworker roles at the case's agency: the people a case may be allocated to."""
    return (
        Membership.objects.active()
        .filter(agency_id=case.agency_id, role=Role.CASEWORKER, user__is_active=True)
        .select_related("user", "team")
        .order_by("user__full_name", "team__name")
    )


def current_risk_level(case: Case) -> str:
    """The client's latest risk checklist level ("" if none), from every assessment of her."""
    from waymark.risk.models import RiskAssessment

    latest = (
        RiskAssessment.objects.current()
        .filter(person_id=case.person_id)
        .order_by("-assessed_on", "-created_at")
        .first()
    )
    return latest.final_level if latest else ""


def risk_level_at_engagement(case: Case) -> str:
    """Her risk level when she engaged (or the case opened): the latest checklist on or before then,
    else the first after it ("" if none)."""
    from waymark.risk.models import RiskAssessment

    on = case.engaged_on or case.opened_on
    mine = RiskAssessment.objects.current().filter(person_id=case.person_id)
    before = mine.filter(assessed_on__lte=on).order_by("-assessed_on", "-created_at").first()
    after = mine.filter(assessed_on__gt=on).order_by("assessed_on", "created_at").first()
    chosen = before or after
    return chosen.final_level if chosen else ""


def has_marac_referral(case: Case) -> bool:
    """Whether the client has a MARAC referral (any agency, any time) that was not refused or
    withdrawn. Read through the reverse relation, so casework does not import MARAC."""
    return case.person.marac_cases_as_victim.exclude(status__in=NOT_A_MARAC_REFERRAL).exists()


def closing_high_risk_without_marac(case: Case) -> bool:
    return current_risk_level(case) == "high" and not has_marac_referral(case)


def available_actions(user: User, case: Case) -> list[str]:
    """The names of the actions this user may take on this case in its current state."""
    actions: list[str] = []
    manager = is_team_manager_for(user, case)
    worker = manager or can_work_on(user, case)
    status = case.status
    if manager and status != CaseStatus.CLOSED:
        actions.append("allocate")
    if worker and status not in {CaseStatus.CLOSED, CaseStatus.AWAITING_ALLOCATION}:
        actions.append("contact")
    if worker and status in {CaseStatus.CONTACT_ATTEMPTED, CaseStatus.UNABLE_TO_ENGAGE} and case.first_contact_at:
        actions.append("engaged")
    if worker and status == CaseStatus.CONTACT_ATTEMPTED:
        actions.append("unable_to_engage")
    if worker and status == CaseStatus.ENGAGED:
        actions.append("activate")
    if worker and status in {CaseStatus.ENGAGED, CaseStatus.ACTIVE, CaseStatus.UNABLE_TO_ENGAGE}:
        actions.append("request_closure")
    if manager and status == CaseStatus.CLOSURE_REQUESTED:
        actions.append("decide_closure")
    if manager and status == CaseStatus.CLOSED:
        actions.append("reopen")
    return actions


def exit_outcomes_recorded(case: Case) -> bool:
    """An exit outcome measure is recorded for the case's client (the outcomes app's rule,
    registered in waymark/cases/outcome_hooks.py)."""
    hooks = outcome_hooks()
    return hooks is not None and hooks.exit_outcomes_recorded(case)


def exit_outcomes_needed(case: Case) -> bool:
    """Closure needs exit outcomes only for a case whose client engaged (``engaged_on`` set in
    its current episode): someone never reached has nothing to measure, and asking would push
    workers to invent measures (docs/casework.md)."""
    return case.engaged_on is not None


def exit_outcomes_missing(case: Case) -> bool:
    return exit_outcomes_needed(case) and not exit_outcomes_recorded(case)
