"""What the refuge app adds to others' registries: home panels, navigation, the journey source,
the case-page section and the annual-return report. Lower apps never import this app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from waymark.core.roles import Role
from waymark.people.access import behind_programme_firewall, register_victim_address_indexes
from waymark.refuge import access
from waymark.web.context_processors import NAVIGATION
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User

# --- Navigation ------------------------------------------------------------------------------

_NAV = [
    ("Refuge vacancies", "refuge:vacancies", frozenset({Role.REFUGE_WORKER, *access.SEARCH_ROLES})),
    ("Refuge referrals", "refuge:referrals", frozenset({Role.REFUGE_WORKER, Role.HOUSING_OFFICER})),
    ("Sanctuary scheme", "refuge:sanctuaries", frozenset({Role.SANCTUARY_COORDINATOR, Role.HOUSING_OFFICER})),
    ("Safe accommodation", "refuge:services", frozenset({Role.REFUGE_WORKER, Role.COMMISSIONER})),
    ("Safe accommodation return", "refuge:part4", frozenset({Role.COMMISSIONER, Role.REFUGE_WORKER})),
]
for _entry in _NAV:
    if _entry not in NAVIGATION:
        NAVIGATION.append(_entry)


# --- The programme firewall -----------------------------------------------------------------


def _victim_address_indexes() -> list[Any]:
    """Addresses where survivors live or lived, for the programme firewall's shared-address veto:
    every safe house (each holds or held survivors, active or closed) and every sanctuary-scheme
    property (each is a survivor's home). Read only as subqueries of their blind indexes."""
    from waymark.refuge.models import SafeHouse, Sanctuary

    return [SafeHouse._default_manager.all(), Sanctuary._default_manager.all()]


register_victim_address_indexes(_victim_address_indexes)


# --- Home panels -----------------------------------------------------------------------------


@register(Role.REFUGE_WORKER)
def _refuge_worker(user: User) -> Panel:
    from waymark.refuge.models import RefugeReferral, Vacancy
    from waymark.refuge.states import REFERRAL_WAITING, ReferralStatus

    providers = access.provider_agency_ids(user)
    referrals = RefugeReferral.objects.visible_to(user).filter(service__provider_id__in=providers)
    vacancies = Vacancy.objects.visible_to(user).filter(service__provider_id__in=providers).open()
    href = reverse("refuge:referrals")
    return Panel(
        title="Your refuge",
        description="Referrals waiting for your decision, the vacancies you have open, and who is living with you.",
        figures=[
            Figure(
                "Referrals waiting", referrals.filter(status__in=REFERRAL_WAITING).count(), href + "?status=waiting"
            ),
            Figure("Vacancies open", vacancies.count(), reverse("refuge:vacancies")),
            Figure(
                "Households living in refuge",
                referrals.filter(status=ReferralStatus.ARRIVED).count(),
                href + "?status=arrived",
            ),
        ],
        links=[
            ("Refuge referrals", href),
            ("Vacancies", reverse("refuge:vacancies")),
            ("Your services", reverse("refuge:services")),
        ],
    )


@register(Role.SANCTUARY_COORDINATOR)
def _sanctuary_coordinator(user: User) -> Panel:
    """Each figure counts the list it links to: the same selector on the same scope (the user's
    own schemes', ``?scheme=mine``), so the figure and the list always agree."""
    from waymark.refuge.models import Sanctuary
    from waymark.refuge.selectors import flags_to_review, reviews_due_count, waiting_for_survey_or_fitting
    from waymark.refuge.states import SanctuaryStatus

    mine = Sanctuary.objects.visible_to(user).filter(scheme_agency_id__in=access.scheme_agency_ids(user))
    today = timezone.localdate()
    href = reverse("refuge:sanctuaries")
    return Panel(
        title="Sanctuary scheme",
        description="Referrals to check, installs under way, and the 3- and 6-month reviews due.",
        figures=[
            Figure(
                "New referrals",
                mine.filter(status=SanctuaryStatus.REFERRED).count(),
                href + "?status=referred&scheme=mine",
            ),
            Figure(
                "Waiting for survey or fitting",
                waiting_for_survey_or_fitting(mine).count(),
                href + "?stage=waiting&scheme=mine",
            ),
            Figure(
                "Reviews due in 14 days or overdue", reviews_due_count(mine, today), href + "?due=review&scheme=mine"
            ),
            Figure(
                '"At risk" flags to review', flags_to_review(mine, today).count(), href + "?flag=at_risk&scheme=mine"
            ),
        ],
        links=[("Sanctuary referrals", href)],
    )


@register(Role.HOUSING_OFFICER, Role.CASEWORKER)
def _safe_accommodation_search(user: User) -> Panel:
    from waymark.refuge.models import RefugeReferral, Sanctuary, Vacancy
    from waymark.refuge.selectors import reviews_due_count
    from waymark.refuge.states import REFERRAL_WAITING

    return Panel(
        title="Refuge and safe accommodation",
        description="Search open refuge vacancies for a household (by area, never an address) and follow your "
        "referrals.",
        figures=[
            Figure("Open vacancies", Vacancy.objects.visible_to(user).available().count(), reverse("refuge:vacancies")),
            Figure(
                "Sanctuary reviews due in 14 days or overdue",
                reviews_due_count(Sanctuary.objects.visible_to(user), timezone.localdate()),
                reverse("refuge:sanctuaries") + "?due=review",
            ),
            Figure(
                "Your referrals waiting",
                RefugeReferral.objects.visible_to(user).filter(status__in=REFERRAL_WAITING).count(),
                reverse("refuge:referrals"),
            ),
        ],
        links=[
            ("Search vacancies", reverse("refuge:vacancies")),
            ("Sanctuary referrals", reverse("refuge:sanctuaries")),
        ],
    )


# --- Journey ---------------------------------------------------------------------------------


def _journey_source() -> None:
    from waymark.journey.sources import SOURCES, Entry, EntryKind, source

    if EntryKind.SAFE_ACCOMMODATION in SOURCES:
        return

    @source(EntryKind.SAFE_ACCOMMODATION)
    def safe_accommodation(user: User, person: Any) -> list[Entry]:
        """Refuge referrals and sanctuary installs: dates, statuses and the service's name and area.
        Never an address, never a note, never which house."""
        from waymark.refuge.models import RefugeReferral, Sanctuary

        entries: list[Entry] = []
        referrals = RefugeReferral.objects.visible_to(user).filter(person=person).select_related("service")
        for r in referrals:
            where = (f"{r.service.name}, {r.service.area}",)
            url = reverse("refuge:referral", args=[r.pk])
            steps = [
                (r.received_on, f"Referred to refuge ({r.number})", where),
                (r.assessed_on, "Refuge referral assessed", ()),
                (r.offered_on, "Offered a refuge place", ()),
                (r.arrived_on, "Arrived in refuge", where),
                (
                    r.left_on,
                    "Left refuge: support ended",
                    (f"{r.get_departure_reason_display()}; moved on to: {r.get_move_on_display().lower()}",)
                    if r.left_on
                    else (),
                ),
                (
                    r.unsuccessful_on,
                    "Refuge referral unsuccessful",
                    (r.get_unsuccessful_reason_display(),) if r.unsuccessful_on else (),
                ),
            ]
            entries.extend(
                Entry(kind=EntryKind.SAFE_ACCOMMODATION, on=on, title=title, details=details, url=url, order=step)
                for step, (on, title, details) in enumerate(steps)
                if on
            )
        for s in Sanctuary.objects.visible_to(user).filter(person=person):
            url = reverse("refuge:sanctuary", args=[s.pk])
            moments: list[tuple[Any, str]] = [
                (s.referred_on, f"Referred to the sanctuary scheme ({s.number})"),
                (s.eligible_on, "Sanctuary eligibility confirmed"),
                (s.surveyed_on, "Sanctuary survey"),
                (s.fitted_on, "Sanctuary measures fitted"),
                (s.removed_on, "Sanctuary measures removed"),
                (s.withdrawn_on, "Sanctuary referral withdrawn"),
            ]
            entries.extend(
                Entry(kind=EntryKind.SAFE_ACCOMMODATION, on=on, title=title, url=url, order=step)
                for step, (on, title) in enumerate(moments)
                if on
            )
        return entries


_journey_source()


# --- Case page -------------------------------------------------------------------------------


def _case_section() -> None:
    from waymark.cases.sections import register_case_section

    @register_case_section(order=60, template="refuge/_case_section.html")
    def refuge_section(user: User, case: Any) -> dict[str, Any] | None:
        from django.db.models import Exists, OuterRef

        from waymark.people.models import Person
        from waymark.refuge.models import RefugeReferral, Sanctuary

        if not user.has_role(*access.REFERRER_ROLES) or behind_programme_firewall(user):
            return None
        # Most clients have never had a refuge referral or a sanctuary referral: one plain question
        # (does she have any at all?) first, and the scoped reads, whose rules cost far more to
        # build and compile than to run, only for a kind she has. Nothing is shown from the plain
        # question: with none at all, each scoped list would be empty anyway.
        has_referrals, has_sanctuaries = (
            Person.objects.filter(pk=case.person_id)
            .annotate(
                has_referrals=Exists(RefugeReferral.objects.filter(person_id=OuterRef("pk"))),
                has_sanctuaries=Exists(Sanctuary.objects.filter(person_id=OuterRef("pk"))),
            )
            .values_list("has_referrals", "has_sanctuaries")
            .first()
        ) or (False, False)
        referrals, sanctuaries = [], []
        if has_referrals:
            referrals = list(
                RefugeReferral.objects.visible_to(user).filter(person_id=case.person_id).select_related("service")
            )
        if has_sanctuaries:
            sanctuaries = list(Sanctuary.objects.visible_to(user).filter(person_id=case.person_id))
        return {"refuge_referrals": referrals, "sanctuaries": sanctuaries}


_case_section()


# --- manage.py report safe-accommodation-return ----------------------------------------------

from waymark.refuge import part4 as _part4  # noqa: E402,F401  (registers the report)
