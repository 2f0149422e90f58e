"""The daily reminders: each member of staff is told, once a day, how much is falling due.

A reminder gives counts and a link, never a name or any detail of a case: an email can be
forwarded, read over a shoulder or kept in a mailbox long after someone has left. Only people
with something due are emailed. Each person's email is its own job, so one bad address does not
stop the rest, and each is retried on its own.

What is counted comes from the same selectors the pages use, so an email never disagrees with
the page it links to:

- caseworkers (``waymark.cases.selectors.worker_dashboard``): first contacts overdue,
  reassessments due, outcome reviews due, court orders expiring, and their own tasks due;
- MARAC coordinators and agency representatives (``actions_visible_to``): open MARAC actions due
  within a week or overdue;
- housing officers (``waymark.housing.selectors.duties_ending_soon``): homelessness duties whose
  target date is near or past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.urls import reverse

from waymark.accounts.adapter import absolute_url
from waymark.accounts.models import User
from waymark.core.daily import register_daily
from waymark.core.roles import Role
from waymark.core.tasks import background_task, enqueue_after_commit
from waymark.organisations.models import Membership

MARAC_ACTIONS_DUE_DAYS = 7


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # 2 December 2026


@dataclass(frozen=True)
class Due:
    label: str
    count: int


def caseworker_due(user: User, day: date) -> list[Due]:
    from waymark.cases.selectors import worker_dashboard

    board = worker_dashboard(user, today=day)
    return [
        Due("first contacts overdue", len(board.overdue_first_contacts)),
        Due("risk reassessments due", len(board.reassessments_due)),
        Due("outcome reviews due", len(board.reviews_due)),
        Due("court orders expiring or just expired", len(board.orders)),
        Due("of your tasks due", sum(1 for t in board.tasks if t.due_on <= day)),
    ]


def marac_due(user: User, day: date) -> list[Due]:
    from waymark.marac.meetings.access import actions_visible_to
    from waymark.marac.models import ActionStatus

    open_actions = actions_visible_to(user).filter(status=ActionStatus.OPEN)
    return [
        Due("MARAC actions overdue", open_actions.filter(due_on__lt=day).count()),
        Due(
            f"MARAC actions due in the next {MARAC_ACTIONS_DUE_DAYS} days",
            open_actions.filter(due_on__gte=day, due_on__lte=day + timedelta(days=MARAC_ACTIONS_DUE_DAYS)).count(),
        ),
    ]


def housing_due(user: User, day: date) -> list[Due]:
    from waymark.housing.duties import ENDING_SOON_DAYS
    from waymark.housing.selectors import duties_ending_soon

    return [Due(f"homelessness duties ending within {ENDING_SOON_DAYS} days", duties_ending_soon(user, day).count())]


REMINDER_ROLES: dict[Role, tuple[str, str]] = {
    # role: (what is counted, the page the email links to)
    Role.CASEWORKER: ("caseworker", "home"),
    Role.MARAC_COORDINATOR: ("marac", "marac:actions"),
    Role.MARAC_REPRESENTATIVE: ("marac", "marac:actions"),
    Role.HOUSING_OFFICER: ("housing", "housing:caseload"),
}


def reminder_items(user: User, day: date) -> list[Due]:
    """Everything due for this user on ``day`` that is worth an email (counts above zero)."""
    kinds = {REMINDER_ROLES[role][0] for role in REMINDER_ROLES if role in user.roles}
    items: list[Due] = []
    if "caseworker" in kinds:
        items += caseworker_due(user, day)
    if "marac" in kinds:
        items += marac_due(user, day)
    if "housing" in kinds:
        items += housing_due(user, day)
    return [item for item in items if item.count]


@register_daily("reminders", "Email each member of staff the counts of what is due or overdue for them.")
def queue_reminders(day: date) -> int:
    """Queue one reminder job per person who could have something due. Returns how many."""
    user_ids = sorted(
        set(
            Membership.objects.active()
            .filter(role__in=list(REMINDER_ROLES), user__is_active=True)
            .values_list("user_id", flat=True)
        )
    )
    for user_id in user_ids:
        enqueue_after_commit(send_reminder, str(user_id), day.isoformat())
    return len(user_ids)


@background_task()
def send_reminder(user_id: str, day: str) -> int:
    """Email one person their counts for ``day``. Returns 1 if an email was sent, 0 if nothing was due."""
    on = date.fromisoformat(day)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    items = reminder_items(user, on)
    if not items:
        return 0
    links = sorted({absolute_url(reverse(REMINDER_ROLES[role][1])) for role in REMINDER_ROLES if role in user.roles})
    lines = [f"- {item.count} {item.label}" for item in items]
    body = "\n".join(
        [
            f"What is due for you in Waymark on {_long(on)}:",
            "",
            *lines,
            "",
            "Sign in to see them:",
            *links,
            "",
            "This email does not contain any details of the people you support.",
        ]
    )
    return EmailMessage(subject=f"Waymark: what is due on {_long(on)}", body=body, to=[user.email]).send()
