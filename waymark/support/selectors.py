"""Reads other parts of the service rely on: expiring orders, the children on a case, people on it.

These take records the caller has already scoped (``Case.objects.visible_to(user)``); they do
not decide access themselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from waymark.people.models import Person, Relationship
from waymark.support.choices import OrderStatus
from waymark.support.models import CaseChild, LegalOrder, SafetyPlan

if TYPE_CHECKING:
    from waymark.accounts.models import User

# An order that has already expired is still shown for this many days, so that one lapsing over a
# weekend or a holiday is not missed; after that it is history, not an alert.
EXPIRED_ORDER_GRACE_DAYS = 14


def orders_expiring(
    cases: QuerySet[Any] | Any,
    within_days: int | None = None,
    *,
    today: date | None = None,
) -> QuerySet[LegalOrder]:
    """Granted orders on ``cases`` whose expiry date is close or just past.

    Included: status granted, ``expires_on`` from ``today - EXPIRED_ORDER_GRACE_DAYS`` (14 days ago)
    to ``today + within_days`` inclusive (default ``settings.SUPPORT_ORDER_EXPIRY_ALERT_DAYS``, 28).
    Left out: orders with no expiry date, orders not granted (applied, refused, withdrawn,
    discharged), and an order already renewed, i.e. a later granted order of the same kind on the
    same case against the same person that runs longer (or has no expiry). Soonest first.
    """
    today = today or timezone.localdate()
    window = settings.SUPPORT_ORDER_EXPIRY_ALERT_DAYS if within_days is None else within_days
    renewal = LegalOrder.objects.filter(
        case=OuterRef("case"),
        kind=OuterRef("kind"),
        against=OuterRef("against"),
        status=OrderStatus.GRANTED,
        granted_on__gte=OuterRef("granted_on"),
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")))
    return (
        LegalOrder.objects.filter(
            case__in=cases,
            status=OrderStatus.GRANTED,
            expires_on__gte=today - timedelta(days=EXPIRED_ORDER_GRACE_DAYS),
            expires_on__lte=today + timedelta(days=window),
        )
        .exclude(Exists(renewal.exclude(pk=OuterRef("pk"))))
        .select_related("case")
        .order_by("expires_on", "case_id")
    )


def children_of(case: Any) -> QuerySet[Person]:
    """The children linked to ``case`` (for outcome measures whose subject is a child)."""
    return Person.objects.filter(case_links_as_child__case=case).order_by("date_of_birth", "given_name")


def case_children(case: Any) -> QuerySet[CaseChild]:
    """The case's links to its children, with the child, in the order they were added."""
    return CaseChild.objects.filter(case=case).select_related("child")


def current_safety_plan(case: Any) -> SafetyPlan | None:
    """The latest version of the case's safety plan (call only for a viewer who may see it)."""
    return SafetyPlan.objects.filter(case=case).select_related("reviewed_by").order_by("-version").first()


def people_on_case(user: User, case: Any) -> QuerySet[Person]:
    """People an order on this case may protect or be against, that this user may see: the client,
    the children on the case, the person causing harm named in its referral, and people related
    to the client on their record."""
    ids: set[Any] = {case.person_id}
    ids |= set(CaseChild.objects.filter(case=case).values_list("child_id", flat=True))
    if case.referral_id and case.referral.person_causing_harm_id:
        ids.add(case.referral.person_causing_harm_id)
    for rel in Relationship.objects.involving(case.person).only("person_a_id", "person_b_id"):
        ids.add(rel.person_b_id if rel.person_a_id == case.person_id else rel.person_a_id)
    return Person.objects.visible_to(user).filter(pk__in=ids)


def may_be_protected(user: User, case: Any) -> QuerySet[Person]:
    """Who an order may protect: the client and the children on the case."""
    ids = [case.person_id, *CaseChild.objects.filter(case=case).values_list("child_id", flat=True)]
    return Person.objects.visible_to(user).filter(pk__in=ids)


def safety_plans_due(user: User, cases: QuerySet[Any], by: date) -> QuerySet[SafetyPlan]:
    """The current safety plan (its highest version) of each of these cases whose next review falls
    on or before ``by`` (overdue ones included), read through the safety plans' own scope, which is
    narrower than the cases' (a plan locates the client)."""
    from django.db.models import Subquery

    current = SafetyPlan.objects.filter(case=OuterRef("case")).order_by("-version").values("version")[:1]
    return SafetyPlan.objects.visible_to(user).filter(
        case__in=cases.order_by().values("pk"), version=Subquery(current), next_review_on__lte=by
    )
