"""This app's sections of the case page, and its grant in the people scope (imported by
AppConfig.ready).

Each builder returns None to leave its section out. The sections summarise and link: the plans'
text is read on their own pages, where each read is audited. This app's records on a case are
visible to whoever may see the case (``access.case_records_visible_to``; a safety plan also needs
``can_see_safety_plan``), so on a case that has passed the viewer's object check they are read from
the case itself (``_on_case``), not through the agency-wide scope again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from waymark.cases.access import can_read_case_text, can_work_on, cases_visible_to, cases_worked_on_by, passed_check
from waymark.cases.sections import register_case_section
from waymark.people.access import register_person_grant
from waymark.support import access, selectors
from waymark.support.choices import GOAL_FINISHED, NeedLevel
from waymark.support.models import CaseChild, Goal, Intervention, LegalOrder, Need, SafetyPlan

if TYPE_CHECKING:
    from waymark.accounts.models import User


def _on_case(user: User, case: Any, records: Any, model: Any) -> Any:
    """The case's own records: straight from the case once it has passed this user's check, else
    through this app's scope (built only then)."""
    return records if passed_check(user, case) else model.objects.visible_to(user).filter(case=case)


def _base(user: User, case: Any) -> dict[str, Any]:
    return {
        "can_work": can_work_on(user, case) and case.is_open,
        # The plans' own pages are in the caseworker's words: linked only for those who may read them.
        "case_text": can_read_case_text(user, case),
        "today": timezone.localdate(),
    }


@register_case_section(order=20, template="support/_case_safety_plan.html")
def safety_plan_section(user: User, case: Any) -> dict[str, Any] | None:
    if not access.can_see_safety_plan(user, case):
        return None
    plans = _on_case(user, case, case.safety_plans.all(), SafetyPlan)
    plan = plans.select_related("reviewed_by").first()
    context = _base(user, case)
    context["plan"] = plan
    context["review_overdue"] = plan is not None and plan.review_overdue(context["today"])
    return context


@register_case_section(order=30, template="support/_case_support_plan.html")
def support_plan_section(user: User, case: Any) -> dict[str, Any] | None:
    needs = list(_on_case(user, case, case.needs.all(), Need).filter(child__isnull=True))
    goals = (
        Goal.objects.filter(need__case=case)
        if passed_check(user, case)
        else Goal.objects.visible_to(user).filter(need__case=case)
    )
    today = timezone.localdate()
    # Open goals and those overdue, in one aggregate.
    figures = (
        goals.filter(need__child__isnull=True)
        .exclude(status__in=GOAL_FINISHED)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(target_on__lt=today)))
    )
    return {
        **_base(user, case),
        "needs": needs,
        "high_needs": [n for n in needs if n.level == NeedLevel.HIGH],
        "open_goals": figures["open"],
        "overdue_goals": figures["overdue"],
    }


@register_case_section(order=40, template="support/_case_interventions.html")
def interventions_section(user: User, case: Any) -> dict[str, Any] | None:
    interventions = _on_case(user, case, case.interventions.all(), Intervention)
    # short list: the latest five on the case page, with the total and a link to all of them.
    rows = list(interventions.select_related("service", "child").order_by("-offered_on")[:5])
    total = interventions.count()
    return {**_base(user, case), "interventions": rows, "total": total}


@register_case_section(order=50, template="support/_case_orders.html")
def orders_section(user: User, case: Any) -> dict[str, Any] | None:
    if passed_check(user, case) and not case.legal_orders.exists():
        # Most cases have no legal order at all: one plain question instead of the two reads below
        # (the expiry read's renewal rule costs far more to build and compile than to run). The case
        # has passed this user's check, so its own orders are hers to see either way.
        return {**_base(user, case), "in_force": [], "expiring": []}
    today = timezone.localdate()
    rows = list(_on_case(user, case, case.legal_orders.all(), LegalOrder).in_force_on(today))
    checked = [case.pk] if passed_check(user, case) else cases_visible_to(user).filter(pk=case.pk).values("pk")
    expiring = list(selectors.orders_expiring(checked))
    return {**_base(user, case), "in_force": rows, "expiring": expiring}


@register_case_section(order=60, template="support/_case_children.html")
def children_section(user: User, case: Any) -> dict[str, Any] | None:
    links = list(_on_case(user, case, case.children.all(), CaseChild).select_related("child"))
    today = timezone.localdate()
    return {**_base(user, case), "children": [{"link": link, "age": link.child.age_on(today)} for link in links]}


def child_grant(user: User) -> Q:
    """A child linked to a case this user works on (CaseChild): not through emergency access, which
    opens one person's record and cases, never the people linked to them."""
    return Q(pk__in=cases_worked_on_by(user).order_by().filter(children__isnull=False).values("children__child_id"))


register_person_grant(child_grant)
