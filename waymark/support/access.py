"""Who may see and change a case's plans, interventions, orders and children.

Each condition sits on its own line with its own test (tests/support/test_access.py):

- records that belong to a case (needs, goals, progress, interventions, orders, children) are
  visible to whoever may see the case (``waymark/cases/access.py``), and nobody else;
- a safety plan is narrower: the viewer must also be allowed to see where the client is
  (``waymark/people/access.py``'s ``can_see_location``), because a plan says where they would go,
  who they would call and when they are out. So anyone who also works with perpetrators never
  reads one, whatever other role they hold;
- the plans' words (needs, goals, progress, interventions' outcomes, orders' terms) follow the
  case's text rule (``waymark/cases/access.py``'s ``can_read_case_text``: the location rule), so
  someone reading the case through emergency access, or holding a perpetrator-programme role, sees
  the case page's summary of the plans and not the plans;
- writes need ``can_work_on`` for the case (never emergency access), and the case must be open.

Object checks raise Http404 alike for "no such record" and "not on a case you may see", and
PermissionDenied (403) for "you may see the case, but not this part of it".
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from waymark.audit.scoping import get_for_user
from waymark.cases.access import can_read_case_text, can_work_on, cases_visible_to, get_case_for_user
from waymark.core.roles import Role
from waymark.people.access import can_see_location, locations_visible_to

if TYPE_CHECKING:
    from waymark.accounts.models import User

# The roles whose pages these are: the people who hold cases.
SUPPORT_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)


class CaseClosed(Exception):
    """The case is closed: its plans are a record now. The message is safe to show."""


def _case_path(queryset: QuerySet[Any]) -> str:
    """How a model reaches its case (goals through their need, progress through its goal)."""
    names = {field.name for field in queryset.model._meta.get_fields()}
    if "case" in names:
        return "case"
    if "need" in names:
        return "need__case"
    return "goal__need__case"


def case_records_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Records belonging to a case, for whoever may see the case. Nothing else."""
    path = _case_path(queryset)
    grants = Q(pk__in=[])
    # Whoever may see the case (its caseworker, team colleagues covering, team managers).
    grants |= Q(**{f"{path}__in": cases_visible_to(user).order_by().values("pk")})
    return queryset.filter(grants)


def safety_plans_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Safety plans: whoever may see the case AND where its client is."""
    return queryset.filter(
        # The case is one this user may see.
        case__in=cases_visible_to(user).order_by().values("pk"),
        # And this user may see the client's location (vetoed for perpetrator-programme roles).
        case__person__in=locations_visible_to(user).order_by().values("pk"),
    )


def can_see_safety_plan(user: User, case: Any) -> bool:
    """Call after ``get_case_for_user``: the location question is the extra one."""
    return can_see_location(user, case.person)


def get_case(user: User, case_id: uuid.UUID | str, *, page: str = "") -> Any:
    """The case, if this user may see it (Http404 otherwise); the check writes the VIEW row."""
    return get_case_for_user(user, case_id, page=page)


def get_case_to_read(user: User, case_id: uuid.UUID | str, *, page: str = "") -> Any:
    """The case, if this user may read its plans' words: 404 if unseen, 403 if seen but not them."""
    case = get_case_for_user(user, case_id, page=page)
    require_case_text(user, case)
    return case


def require_case_text(user: User, case: Any) -> None:
    if not can_read_case_text(user, case):
        raise PermissionDenied(
            "The plans on this case are in the caseworker's own words, which often say where a person is: "
            "they are shown only to those who may see where this person is."
        )


def get_case_to_work_on(user: User, case_id: uuid.UUID | str, *, page: str = "") -> Any:
    """The case, if this user may change its plans: 404 if unseen, 403 if seen but not theirs to work."""
    case = get_case_for_user(user, case_id, page=page)
    if not can_work_on(user, case):
        raise PermissionDenied("You cannot change this case.")
    require_case_text(user, case)
    return case


def require_safety_plan_access(user: User, case: Any) -> None:
    if not can_see_safety_plan(user, case):
        raise PermissionDenied("Your role does not give access to safety plans, which say where a person would go.")


def require_open(case: Any) -> None:
    """Plans on a closed case are a record: reopen the case to change them."""
    if not case.is_open:
        raise CaseClosed("This case is closed. Reopen it to change its plans, interventions, orders or children.")


def get_on_case(model: type[Any], user: User, case: Any, record_id: uuid.UUID | str, *, page: str = "") -> Any:
    """A record of ``model`` on ``case`` this user may see, through the case's scope and its own
    (the one object check, which writes the VIEW row). Http404 alike for missing and not yours."""
    scope = model.objects.visible_to(user)
    return get_for_user(
        scope.filter(**{_case_path(scope): case}), record_id, actor=user, detail={"page": page} if page else None
    )
