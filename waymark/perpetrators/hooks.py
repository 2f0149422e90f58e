"""Registers this app's home-page panel, its section of the victim's case page and its grants in
the people scopes (imported by AppConfig.ready)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from waymark.cases.sections import register_case_section
from waymark.core.roles import Role
from waymark.people.access import (
    PERPETRATOR_WORKER_MAY_LOCATE,
    PROGRAMME_PARTICIPANT_ROLES,
    register_location_grant,
    register_person_grant,
)
from waymark.perpetrators import reports  # noqa: F401  (registers manage.py report perpetrator-programme)
from waymark.perpetrators.access import enrolments_visible_to, programme_agency_ids, programme_for_victim_case
from waymark.perpetrators.choices import EnrolmentStatus
from waymark.perpetrators.models import RiskFlag
from waymark.perpetrators.selectors import enrolled_on, sessions_in_week
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.PERPETRATOR_WORKER)
def programme_panel(user: User) -> Panel:
    """Enrolled now, sessions planned this week, completions and drop-outs (this financial year)."""
    from waymark.core.dates import financial_year_start

    today = timezone.localdate()
    year_start = date(financial_year_start(today), 4, 1)
    enrolments = enrolments_visible_to(user)
    enrolled = list(enrolled_on(programme_agency_ids(user), today).filter(status=EnrolmentStatus.ENROLLED))
    listing = reverse("perpetrators:list")
    return Panel(
        title="Perpetrator programme",
        description="Referrals, enrolments and attendance. You never see where a victim is.",
        figures=[
            Figure("Enrolled now", len(enrolled), f"{listing}?status=enrolled"),
            Figure(
                "Sessions planned this week", sessions_in_week(enrolled, today), reverse("perpetrators:register_today")
            ),
            Figure(
                "Awaiting assessment",
                enrolments.filter(status=EnrolmentStatus.REFERRED).count(),
                f"{listing}?status=referred",
            ),
            Figure(
                f"Completed since {year_start:%-d %B %Y}",
                enrolments.filter(status=EnrolmentStatus.COMPLETED, ended_on__gte=year_start).count(),
                f"{listing}?status=completed",
            ),
            Figure(
                f"Dropped out since {year_start:%-d %B %Y}",
                enrolments.filter(status=EnrolmentStatus.DROPPED_OUT, ended_on__gte=year_start).count(),
                f"{listing}?status=dropped_out",
            ),
        ],
        links=[
            ("Record a referral", reverse("perpetrators:refer")),
            ("Today's attendance register", reverse("perpetrators:register_today")),
            ("Risk flags raised", reverse("perpetrators:flags")),
        ],
    )


@register_case_section(order=70, template="perpetrators/_case_section.html")
def programme_section(user: User, case: Any) -> dict[str, Any] | None:
    """For the victim's worker: the programme status and risk flags of each enrolment the
    victim is linked to. Never attendance, session notes, assessments or behaviour outcomes."""
    links = programme_for_victim_case(user, case)
    if not links:
        return None
    flags_by_enrolment: dict[Any, list[Any]] = {}
    for flag in RiskFlag.objects.filter(enrolment__in=[link.enrolment_id for link in links]):
        flags_by_enrolment.setdefault(flag.enrolment_id, []).append(flag)
    programmes = [
        {
            "enrolment": link.enrolment,
            "participant_name": link.enrolment.participant.full_name or "Unnamed person",
            "agency_name": link.enrolment.agency.name,
            "flags": flags_by_enrolment.get(link.enrolment_id, []),
        }
        for link in links
    ]
    return {"programmes": programmes}


FLAG_PANEL_DAYS = 28


@register(Role.CASEWORKER, Role.TEAM_MANAGER)
def programme_flags_panel(user: User) -> Panel:
    """For victims' workers: recent risk flags the programme raised about their clients' abusers,
    each linking to the client's case (where the section shows status and flags only)."""
    from datetime import timedelta

    from waymark.cases.access import cases_visible_to
    from waymark.cases.states import OPEN
    from waymark.perpetrators.models import VictimLink

    since = timezone.localdate() - timedelta(days=FLAG_PANEL_DAYS)
    # From the few recent flags to the clients they concern, never a read of every open case the
    # user may see (for a manager, the whole service's).
    open_cases = cases_visible_to(user).filter(status__in=OPEN).order_by()
    clients = open_cases.values("person_id")
    flags = list(
        RiskFlag.objects.filter(raised_on__gte=since, enrolment__victim_links__victim_id__in=clients)
        .distinct()
        .order_by("-raised_on")
    )
    links = VictimLink.objects.filter(
        enrolment_id__in={flag.enrolment_id for flag in flags}, victim_id__in=clients
    ).values_list("enrolment_id", "victim_id")
    victims_of: dict[Any, list[Any]] = {}
    for enrolment_id, victim_id in links:
        victims_of.setdefault(enrolment_id, []).append(victim_id)
    # Each client's latest-opened open case (as the list it links from).
    victims = {victim_id for ids in victims_of.values() for victim_id in ids}
    cases = {case.person_id: case for case in open_cases.filter(person_id__in=victims).order_by("opened_on")}
    shown: list[tuple[str, str]] = []
    for flag in flags:
        for victim_id in victims_of.get(flag.enrolment_id, []):
            case = cases[victim_id]
            label = f"{case.number}: {flag.get_kind_display().lower()} ({flag.raised_on:%-d %B %Y})"
            shown.append((label, reverse("cases:detail", args=[case.pk])))
    return Panel(
        title="Perpetrator programme flags",
        description=f"Risk flags raised in the last {FLAG_PANEL_DAYS} days by a programme working with "
        "the person causing harm to one of your clients.",
        figures=[Figure("Flags raised", len(shown))],
        links=shown[:5],  # short list: the latest five, beside the figure counting every flag
    )


# --- The people scopes (waymark/people/access.py) ---------------------------------------------


def _programme_participants(user: User) -> Any:
    from waymark.perpetrators.access import participant_enrolments_for

    return participant_enrolments_for(user).order_by()


def participant_grant(user: User) -> Q:
    """A perpetrator-programme worker sees their programme's own participants who cause harm."""
    return Q(
        pk__in=_programme_participants(user).values("participant_id"), primary_role__in=PROGRAMME_PARTICIPANT_ROLES
    )


def participant_location_grant(user: User) -> Q:
    """... and may locate them (their clients), wherever held; the people scope's veto still applies."""
    return Q(
        pk__in=_programme_participants(user).values("participant_id"), primary_role__in=PERPETRATOR_WORKER_MAY_LOCATE
    )


register_person_grant(participant_grant)
register_location_grant(participant_location_grant)
