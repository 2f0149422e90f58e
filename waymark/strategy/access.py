"""Who may see and change the strategy, its action plan and its reports. Deny by default.

- The partnership lead: everything; the only one who adds actions and generates exception reports.
- Commissioners: read everything (the plan, updates, exception reports, timelines).
- An action owner (any member of the partnership named as an action's lead officer): reads the
  actions they own and the actions led by their agency, and updates only the ones they own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from waymark.audit.scoping import get_for_user
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.strategy.models import Action, ExceptionReport, Strategy, TimelineProject

LEAD_ROLES = (Role.PARTNERSHIP_LEAD,)
READ_ALL_ROLES = (Role.PARTNERSHIP_LEAD, Role.COMMISSIONER)


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def reads_everything(user: User) -> bool:
    return _signed_in(user) and user.has_role(*READ_ALL_ROLES)


def is_partnership_lead(user: User) -> bool:
    return _signed_in(user) and user.has_role(*LEAD_ROLES)


def actions_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if not _signed_in(user) or not user.roles:
        return queryset.none()
    if reads_everything(user):
        return queryset
    return queryset.filter(
        Q(owner=user)  # the actions they own
        | Q(lead_agency_id__in=user.agency_ids)  # and those their agency leads
    )


def strategies_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if not _signed_in(user) or not user.roles:
        return queryset.none()
    if reads_everything(user):
        return queryset
    from waymark.strategy.models import Action

    mine = actions_visible_to(user, Action.objects.all()).values("strategy_id")
    return queryset.filter(pk__in=mine)


def exception_reports_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset if reads_everything(user) else queryset.none()


def may_update_action(user: User, action: Any) -> bool:
    """The action's owner, or the partnership lead."""
    if not _signed_in(user):
        return False
    return action.owner_id == user.pk or is_partnership_lead(user)


def timelines_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset if reads_everything(user) else queryset.none()


# The object checks: each goes through the one check (``get_for_user``), which answers 404 alike for
# missing and not yours and writes the read's audit row (``detail``: which page; ``read_as``: VIEW,
# or PRINT / EXPORT for a page that prints or downloads the record).


def get_strategy_for_user(user: User, strategy_id: Any, **check: Any) -> Strategy:
    from waymark.strategy.models import Strategy

    return get_for_user(Strategy.objects.visible_to(user), strategy_id, actor=user, **check)


def get_action_for_user(user: User, action_id: Any, **check: Any) -> Action:
    from waymark.strategy.models import Action

    return get_for_user(
        Action.objects.visible_to(user).select_related("strategy", "area", "priority", "lead_agency", "owner"),
        action_id,
        actor=user,
        **check,
    )


def get_exception_report_for_user(user: User, report_id: Any, **check: Any) -> ExceptionReport:
    from waymark.strategy.models import ExceptionReport

    return get_for_user(
        ExceptionReport.objects.visible_to(user).select_related("strategy"), report_id, actor=user, **check
    )


def get_timeline_for_user(user: User, project_id: Any, **check: Any) -> TimelineProject:
    from waymark.strategy.models import TimelineProject

    return get_for_user(TimelineProject.objects.visible_to(user), project_id, actor=user, **check)
