"""Reads for the housing pages and panels: each starts from a scope in ``access.py``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.housing.access import applications_visible_to, panel_cases_visible_to
from waymark.housing.choices import PlacementType
from waymark.housing.duties import ENDING_SOON_DAYS
from waymark.housing.models import (
    BNB_CHILDREN_LIMIT_DAYS,
    FAMILY_MEMBER,
    OPEN_STAGES,
    Duty,
    HouseholdMember,
    TemporaryPlacement,
    family_member_joined_by,
)
from waymark.housing.states import OPEN_STATUSES, PanelStatus

if TYPE_CHECKING:
    from waymark.accounts.models import User


def with_open_duty(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Annotates each application with its running duty's kind and target date (or None)."""
    running = Duty.objects.filter(application=OuterRef("pk"), ended_on__isnull=True).order_by("-started_on")
    return applications.annotate(
        duty_target_on=Subquery(running.values("target_on")[:1]),
        duty_kind=Subquery(running.values("kind")[:1]),
        duty_started_on=Subquery(running.values("started_on")[:1]),
    )


# The caseload's temporary-accommodation filter: each the applications behind a home-page figure.
PLACED_NOW = "now"
PLACED_CHILDREN_BNB = "children_bnb"
PLACED_CHOICES = ((PLACED_NOW, "In temporary accommodation now"), (PLACED_CHILDREN_BNB, "Children in B&B over 6 weeks"))


def placed(user: User, which: str, today: date) -> QuerySet[Any]:
    """The current placements behind a home-page figure (``PLACED_CHOICES``): every current one,
    or those with children in B&B over six weeks (``children_in_bnb_over_six_weeks``)."""
    placements = current_placements(user)
    return children_in_bnb_over_six_weeks(placements, today) if which == PLACED_CHILDREN_BNB else placements


def caseload(
    user: User,
    *,
    stage: str = "open",
    mine: bool = False,
    ending_within: int | None = None,
    placed_now: str = "",
    today: date,
) -> QuerySet[Any]:
    """A housing officer's applications, duties ending soonest first (then the newest applications);
    ``placed_now`` (one of ``PLACED_CHOICES``) keeps those whose household is placed so now."""
    found = applications_visible_to(user).select_related("person", "officer")
    if placed_now:
        found = found.filter(pk__in=placed(user, placed_now, today).values("application_id"))
    if stage == "open":
        found = found.filter(stage__in=OPEN_STAGES)
    elif stage != "all":
        found = found.filter(stage=stage)
    if mine:
        found = found.filter(officer=user)
    found = with_open_duty(found)
    if ending_within is not None:
        found = found.filter(duty_target_on__lte=today + timedelta(days=ending_within))
    return found.order_by(F("duty_target_on").asc(nulls_last=True), "-applied_on", "number")


def duties_ending_soon(user: User, today: date, within: int = ENDING_SOON_DAYS) -> QuerySet[Any]:
    """Running duties of applications this user may see whose target is within ``within`` days."""
    return Duty.objects.visible_to(user).filter(ended_on__isnull=True, target_on__lte=today + timedelta(days=within))


def current_placements(user: User) -> QuerySet[Any]:
    return TemporaryPlacement.objects.visible_to(user).filter(ended_on__isnull=True)


def with_children_in_household(placements: QuerySet[Any], by: date | None = None) -> QuerySet[Any]:
    """Annotates each placement with ``household_has_children``: the database form of
    ``TemporaryPlacement.with_children`` (``models.FAMILY_MEMBER``: a dependent child or a pregnant
    member in the application's household), never the tick stored on the placement. With ``by``,
    the household as it stood that day (``models.family_member_joined_by``, the Python form
    ``TemporaryPlacement.with_children_by``): members who joined later do not count."""
    rule = FAMILY_MEMBER if by is None else family_member_joined_by(by)
    family = HouseholdMember.objects.filter(rule, application=OuterRef("application"))
    return placements.annotate(household_has_children=Exists(family))


def children_in_bnb_over_six_weeks(placements: QuerySet[Any], today: date) -> QuerySet[Any]:
    """The database form of ``TemporaryPlacement.children_in_bnb_over_six_weeks`` (the same rule):
    current placements only, in B&B more than 42 days before ``today`` with a dependent child or a
    pregnant member who joined the household more than 42 days before ``today`` (or was in it from
    the start): the six weeks run from the later of the placement's start and their joining."""
    six_weeks_before = today - timedelta(days=BNB_CHILDREN_LIMIT_DAYS)
    family = HouseholdMember.objects.filter(
        family_member_joined_by(six_weeks_before - timedelta(days=1)), application=OuterRef("application")
    )
    return placements.filter(
        Exists(family),
        placement_type=PlacementType.BED_AND_BREAKFAST,
        ended_on__isnull=True,
        started_on__lt=six_weeks_before,
    )


# --- Finding a person (the applicant, the survivor) ---------------------------------------------

# A name search needs this many letters: the date of birth only narrows a name search, so that no
# one can ask "who was born on this day" (as the known-person search, ``SearchQuery.is_searchable``).
NAME_MIN_LETTERS = 2


def name_is_searchable(name: str) -> bool:
    return sum(1 for character in name or "" if character.isalpha()) >= NAME_MIN_LETTERS


def _name_word(word: str) -> Q:
    """People one typed word of a name finds: in their name or any other name they use, as typed
    (any script, any case) or as the known-person search normalises names (``normalise_name``:
    accents, apostrophes and hyphens do not matter, so "Zoe OBrien" finds "Zoë O'Brien")."""
    from waymark.matching.keys import normalise_name
    from waymark.matching.models import PersonSearchKey
    from waymark.people.models import PersonName

    typed = Q(given_name__icontains=word) | Q(family_name__icontains=word)
    aliases = PersonName.objects.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    found = typed | Q(pk__in=aliases.values("person_id"))
    normalised = normalise_name(word)
    if normalised:
        keys = PersonSearchKey.objects.filter(Q(given_norm__contains=normalised) | Q(family_norm__contains=normalised))
        found |= Q(pk__in=keys.values("person_id"))
    return found


def people_named(people: QuerySet[Any], name: str, date_of_birth: date | None = None) -> QuerySet[Any]:
    """Of ``people`` (a scope: who the user may see), everyone whose names hold every word typed,
    born on ``date_of_birth`` if given; in name order. Complete: the caller pages it."""
    found = people
    for word in (name or "").split():
        found = found.filter(_name_word(word))
    if date_of_birth is not None:
        found = found.filter(date_of_birth=date_of_birth)
    return found.select_related("held_by").order_by("family_name", "given_name", "date_of_birth", "pk")


def search_people(
    *,
    actor: User,
    people: QuerySet[Any],
    name: str,
    date_of_birth: date | None = None,
    purpose: str,
    page: Any = 1,
    per_page: int = 20,
) -> Page[Any]:
    """One page of ``people_named`` (every match, a page at a time, with how many there are),
    audited as the people and known-person searches are: a SEARCH of ``people.person`` with the
    purpose, the kinds of criteria used and the number found, never the values typed
    (``matching.selectors.search_for_user``, ``people.views.person_list``)."""
    found = Paginator(people_named(people, name, date_of_birth), per_page).get_page(page)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="people.person",
        detail={
            "purpose": purpose,
            "criteria": ["name", *(["date_of_birth"] if date_of_birth else [])],
            "results": found.paginator.count,
        },
    )
    return found


def panel_cases(user: User, *, status: str = "open") -> QuerySet[Any]:
    found = panel_cases_visible_to(user).select_related("next_panel", "referred_by")
    if status == "open":
        found = found.filter(status__in=OPEN_STATUSES)
    elif status in PanelStatus.values:
        found = found.filter(status=status)
    return found.order_by(F("next_panel__held_on").asc(nulls_last=True), "-referred_on", "number")


def due_at_next_panel(user: User) -> QuerySet[Any]:
    """Cases referred and not yet heard: "Referred: due at the next panel". The home page's figure
    and the list's filter of that name are this one selector (``panel_cases(status=referred)``)."""
    return panel_cases(user, status=PanelStatus.REFERRED)


SECURED_ENDS = ("secured_stayed", "secured_moved")  # PreventionEnd / ReliefEnd values: accommodation for 6+ months


def quarter_figures(start: date, end: date) -> list[tuple[str, int]]:
    """The partnership's housing figures for a period (the board pack's housing section), each
    counted in the database, in four queries: applications made, duties started and ended with
    accommodation secured, temporary accommodation, and tenancy panel cases. Partnership-wide
    counts, never a list of people: the caller applies the disclosure rule."""
    from django.db.models import Count, Q

    from waymark.housing.choices import DutyKind, LossReason
    from waymark.housing.models import HomelessnessApplication, TenancyPanelCase

    def within(field: str) -> Q:
        return Q(**{f"{field}__gte": start, f"{field}__lte": end})

    applications = HomelessnessApplication.objects.filter(within("applied_on")).aggregate(
        made=Count("pk"),
        domestic_abuse=Count("pk", filter=Q(loss_reason=LossReason.DOMESTIC_ABUSE)),
        automatic=Count("pk", filter=Q(priority_need_automatic=True)),
    )
    prevention, relief = Q(kind=DutyKind.PREVENTION), Q(kind=DutyKind.RELIEF)
    secured = Q(end_reason__in=SECURED_ENDS)
    duties = Duty.objects.aggregate(
        prevention_started=Count("pk", filter=prevention & within("started_on")),
        prevention_secured=Count("pk", filter=prevention & within("ended_on") & secured),
        relief_started=Count("pk", filter=relief & within("started_on")),
        relief_secured=Count("pk", filter=relief & within("ended_on") & secured),
    )
    in_placement_at_end = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    # "With children" as the household stood on the last day: a child who joined later does not
    # change a past quarter (``models.family_member_joined_by``).
    placements = with_children_in_household(TemporaryPlacement.objects.all(), by=end).aggregate(
        started=Count("pk", filter=within("started_on")),
        at_end=Count("pk", filter=in_placement_at_end),
        children_bnb_at_end=Count(
            "pk",
            filter=in_placement_at_end & Q(placement_type=PlacementType.BED_AND_BREAKFAST, household_has_children=True),
        ),
    )
    panel = TenancyPanelCase.objects.aggregate(
        referred=Count("pk", filter=within("referred_on")), closed=Count("pk", filter=within("closed_on"))
    )
    return [
        ("Homelessness applications made", applications["made"]),
        ("of which the last settled home was lost because of domestic abuse", applications["domestic_abuse"]),
        ("of which in priority need automatically (Domestic Abuse Act 2021, s.78)", applications["automatic"]),
        ("Prevention duties started", duties["prevention_started"]),
        ("Prevention duties ended with accommodation secured for 6+ months", duties["prevention_secured"]),
        ("Relief duties started", duties["relief_started"]),
        ("Relief duties ended with accommodation secured for 6+ months", duties["relief_secured"]),
        ("Temporary accommodation placements made", placements["started"]),
        ("Households in temporary accommodation on the last day", placements["at_end"]),
        ("of which households with children in bed and breakfast", placements["children_bnb_at_end"]),
        ("Tenancy panel cases referred", panel["referred"]),
        ("Tenancy panel cases closed", panel["closed"]),
    ]
