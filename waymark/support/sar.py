"""Safety plans, support plans, interventions, legal orders and children on a person's cases,
for a subject access request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import Item, register_part
from waymark.support.choices import SAFETY_PLAN_SECTIONS
from waymark.support.models import CaseChild, Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

ORDER_TERMS = "An order's terms can name where the people it protects live, work or study"


@register_part("support", "Safety and support plans", order=60)
def support_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    plans = SafetyPlan.objects.filter(case__person_id=person_id).select_related("case").order_by("case", "version")
    for plan in plans:
        item = Item(f"Case {plan.case.number}: safety plan, version {plan.version}").own(
            "Reviewed", plan.reviewed_on or ""
        )
        for section in SAFETY_PLAN_SECTIONS:
            item.text(str(section[1]), getattr(plan, section[0]))
        items.append(item)
    for need in (
        Need.objects.filter(case__person_id=person_id).select_related("case", "child").order_by("identified_on")
    ):
        item = (
            Item(f"Case {need.case.number}: support need")
            .own("Area", need.get_domain_display())
            .own("How pressing", need.get_level_display())
            .text("Need", need.description)
        )
        if need.child_id and need.child:
            item.third_party("For child", need.child.full_name or "a child", need.child_id)
        for goal in Goal.objects.filter(need=need).order_by("set_on"):
            item.text("Goal", goal.description).own("Goal status", goal.get_status_display())
            for progress in GoalProgress.objects.filter(goal=goal).order_by("recorded_on"):
                item.text(f"Progress, {progress.recorded_on:%d %B %Y}", progress.note)
        items.append(item)
    interventions = Intervention.objects.filter(case__person_id=person_id).select_related("case", "service", "child")
    for intervention in interventions.order_by("offered_on"):
        item = (
            Item(f"Case {intervention.case.number}: {intervention.service.name}")
            .own("Status", intervention.get_status_display())
            .own("Offered", intervention.offered_on or "")
            .own("Ended", intervention.ended_on or "")
            .text("Outcome", intervention.outcome_note)
        )
        if intervention.child_id and intervention.child:
            item.third_party("For child", intervention.child.full_name or "a child", intervention.child_id)
        items.append(item)
    for order in LegalOrder.objects.filter(case__person_id=person_id).select_related("case", "against"):
        item = (
            Item(f"Case {order.case.number}: {order.get_kind_display()}")
            .own("Status", order.get_status_display())
            .own("Granted", order.granted_on or "")
            .own("Expires", order.expires_on or "")
            .text("Terms", order.terms)
        )
        if order.against_id and order.against:
            item.third_party("Against", order.against.full_name or "another person", order.against_id)
        for protected in order.protects.exclude(pk=person_id):
            item.third_party("Also protects", protected.full_name or "another person", protected.pk)
        items.append(item)
    against = LegalOrder.objects.filter(against_id=person_id).exclude(case__person_id=person_id)
    for order in against.select_related("case", "case__person"):
        item = (
            Item(f"{order.get_kind_display()} against you")
            .own("Status", order.get_status_display())
            .own("Granted", order.granted_on or "")
            .own("Expires", order.expires_on or "")
            .locates("Terms", order.terms, ORDER_TERMS)
            .third_party("Protects", order.case.person.full_name or "another person", order.case.person_id)
        )
        for protected in order.protects.exclude(pk=person_id):
            item.third_party("Also protects", protected.full_name or "another person", protected.pk)
        items.append(item)
    # Where the person is a child on someone else's case: the link, and what was recorded for them.
    for link in CaseChild.objects.filter(child_id=person_id).select_related("case", "case__person"):
        items.append(
            Item("Named as a child on a case")
            .third_party("Whose case", link.case.person.full_name or "another person", link.case.person_id)
            .own("Relationship", link.get_relationship_to_client_display())
            .own("Lives in the household", link.get_lives_in_household_display())
        )
    for need in Need.objects.filter(child_id=person_id).exclude(case__person_id=person_id).select_related("case"):
        items.append(
            Item("Support need recorded for you")
            .own("Area", need.get_domain_display())
            .text("Need", need.description)
            .third_party("On the case of", need.case.person.full_name or "another person", need.case.person_id)
        )
    for order in (
        LegalOrder.objects.filter(protects=person_id)
        .exclude(case__person_id=person_id)
        .select_related("case__person", "against")
    ):
        item = (
            Item(f"{order.get_kind_display()} protecting you")
            .own("Status", order.get_status_display())
            .own("Expires", order.expires_on or "")
            .third_party("On the case of", order.case.person.full_name or "another person", order.case.person_id)
        )
        if order.against_id and order.against:
            item.third_party("Against", order.against.full_name or "another person", order.against_id)
        items.append(item)
    for link in CaseChild.objects.filter(case__person_id=person_id).select_related("case", "child"):
        items.append(
            Item(f"Case {link.case.number}: child")
            .third_party("Child", link.child.full_name or "a child", link.child_id)
            .own("Relationship", link.get_relationship_to_client_display())
        )
    return items
