"""This app's sections of the case page, and its grant in the people scope (imported by
AppConfig.ready).

Each builder reads through this app's scopes and returns None to leave its section out. The
sections summarise and link: the plans' text is read on their own pages, where each read is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from waymark.cases.access import can_work_on, cases_visible_to
from waymark.cases.sections import register_case_section
from waymark.people.access import register_person_grant
from waymark.support import access, selectors
from waymark.support.choices import GOAL_FINISHED, NeedLevel
from waymark.support.models import CaseChild, Goal, Intervention, LegalOrder, Need, SafetyPlan

if TYPE_CHECKING:
    from waymark.accounts.models import User


def _base(user: User, case: Any) -> dict[str, Any]:
    return {"can_work": can_work_on(user, case) and case.is_open, "today": timezone.localdate()}


@register_case_section(order=20, template="support/_case_safety_plan.html")
def safety_plan_section(user: User, case: Any) -> dict[str, Any] | None:
    if not access.can_see_safety_plan(user, case):
        return None
    plan = SafetyPlan.objects.visible_to(user).filter(case=case).select_related("reviewed_by").first()
    context = _base(user, case)
    context["plan"] = plan
    context["review_overdue"] = plan is not None and plan.review_overdue(context["today"])
    return context


@register_case_section(order=30, template="support/_case_support_plan.html")
def support_plan_section(user: User, case: Any) -> dict[str, Any] | None:
    needs = list(Need.objects.visible_to(user).filter(case=case, child__isnull=True))
    goals = Goal.objects.visible_to(user).filter(need__case=case, need__child__isnull=True)
    today = timezone.localdate()
    open_goals = goals.exclude(status__in=GOAL_FINISHED)
    return {
        **_base(user, case),
        "needs": needs,
        "high_needs": [n for n in needs if n.level == NeedLevel.HIGH],
        "open_goals": open_goals.count(),
        "overdue_goals": open_goals.filter(target_on__lt=today).count(),
    }


@register_case_section(order=40, template="support/_case_interventions.html")
def interventions_section(user: User, case: Any) -> dict[str, Any] | None:
    rows = list(
        Intervention.objects.visible_to(user)
        .filter(case=case)
        .select_related("service", "child")
        .order_by("-offered_on")
    )
    # short list: the latest five on the case page, with the total and a link to all of them.
    return {**_base(user, case), "interventions": rows[:5], "total": len(rows)}


@register_case_section(order=50, template="support/_case_orders.html")
def orders_section(user: User, case: Any) -> dict[str, Any] | None:
    today = timezone.localdate()
    rows = list(LegalOrder.objects.visible_to(user).filter(case=case).in_force_on(today))
    expiring = list(selectors.orders_expiring(cases_visible_to(user).filter(pk=case.pk)))
    return {**_base(user, case), "in_force": rows, "expiring": expiring}


@register_case_section(order=60, template="support/_case_children.html")
def children_section(user: User, case: Any) -> dict[str, Any] | None:
    links = list(CaseChild.objects.visible_to(user).filter(case=case).select_related("child"))
    today = timezone.localdate()
    return {**_base(user, case), "children": [{"link": link, "age": link.child.age_on(today)} for link in links]}


def child_grant(user: User) -> Q:
    """A child linked to a case this user may see (CaseChild)."""
    return Q(pk__in=cases_visible_to(user).order_by().filter(children__isnull=False).values("children__child_id"))


register_person_grant(child_grant)
