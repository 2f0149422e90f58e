"""The demo's safe accommodation, written through ``waymark.refuge.actions`` so that every figure on
the pages and in the Part 4 return comes out of records:

- the seed's refuge exactly as written: 24 units for women and children in four safe houses on
  three sites, 6 self-contained, 4 wheelchair accessible, 20 shared; four full-time refuge workers
  and a part-time manager. 6 + 20 = 26, not 24: the service page says so;
- a smaller dispersed service run by the advocacy service;
- refuge referrals from April 2019 to today: about 60 a year from the IDVA service, most of them
  unsuccessful (no capacity above all, as nationally), the rest offered a space, arriving, and
  moving on months later; today a few vacancies open and referrals waiting for a decision;
- sanctuary installs, about 20 a year, through the eligibility gate, survey, fitting, the "at
  risk" flag, reviews at 3 and 6 months, feedback and removal.

Deterministic (a seeded random generator, dates counted back from ``today``) and idempotent: run
again, it finds the refuge's referrals and does nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.cases.models import Case
from waymark.core.dates import add_months
from waymark.organisations.models import Agency
from waymark.refuge import actions
from waymark.refuge.choices import (
    AccommodationType,
    AdultGender,
    DepartureReason,
    Mobility,
    MoveOnDestination,
    ProviderLegalForm,
    SanctuaryMeasure,
    SpecialistCharacteristic,
    UnitKind,
    UnsuccessfulReason,
)
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary

SEED = 2021_991
PROVIDER_REF = "REF"
SCHEME_REF = "SASS"
COMMISSIONER_EMAIL = "eva.morales@council.example"
REFUGE_WORKER_EMAIL = "nadia.brooks@refuge.example"
COORDINATOR_EMAIL = "omar.haddad@sass.example"
REFERRER_EMAIL = "grace.mensah@sass.example"  # team manager: sees every case of the service
FIRST_DAY = date(2019, 4, 1)
REFERRALS_A_YEAR = 60
SANCTUARIES_A_YEAR = 20

# (label, site, area, line1): fictional addresses, encrypted at rest, shown only to the provider.
HOUSES = [
    ("House A", "Site 1", "Southmere (south)", "1 Example Terrace"),
    ("House B", "Site 1", "Southmere (south)", "3 Example Terrace"),
    ("House C", "Site 2", "Southmere (east)", "14 Sample Gardens"),
    ("House D", "Site 3", "Southmere (north)", "7 Placeholder Mews"),
]
# Weighted reasons a referral is unsuccessful: no capacity above all.
UNSUCCESSFUL_WEIGHTS = [
    (UnsuccessfulReason.NO_CAPACITY, 40),
    (UnsuccessfulReason.DECLINED_TOO_NEAR, 8),
    (UnsuccessfulReason.DECLINED_TOO_FAR, 8),
    (UnsuccessfulReason.DECLINED_COST, 5),
    (UnsuccessfulReason.NEEDS_NOT_MET, 10),
    (UnsuccessfulReason.NRPF_NOT_ACCEPTED, 6),
    (UnsuccessfulReason.INAPPROPRIATE, 6),
    (UnsuccessfulReason.RISK_TOO_HIGH, 4),
    (UnsuccessfulReason.LOST_CONTACT, 8),
    (UnsuccessfulReason.WITHDRAWN, 5),
]
DEPARTURE_WEIGHTS = [
    (DepartureReason.PLANNED_MOVE_ON, 60),
    (DepartureReason.RETURNED_TO_PERPETRATOR, 10),
    (DepartureReason.LEFT_UNPLANNED, 12),
    (DepartureReason.EVICTED, 5),
    (DepartureReason.MOVED_FOR_SAFETY, 8),
    (DepartureReason.OTHER, 5),
]
MOVE_ON_WEIGHTS = [
    (MoveOnDestination.SOCIAL_HOUSING, 45),
    (MoveOnDestination.PRIVATE_RENTED, 15),
    (MoveOnDestination.OTHER_SAFE_ACCOMMODATION, 10),
    (MoveOnDestination.TEMPORARY_ACCOMMODATION, 10),
    (MoveOnDestination.FAMILY_OR_FRIENDS, 8),
    (MoveOnDestination.RETURNED_HOME, 7),
    (MoveOnDestination.NOT_KNOWN, 5),
]


@dataclass
class RefugeReport:
    services: int = 0
    referrals: int = 0
    arrived: int = 0
    unsuccessful: int = 0
    waiting: int = 0
    open_vacancies: int = 0
    sanctuaries: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.services} safe accommodation services (the seed's refuge as written)",
            f"{self.referrals} refuge referrals since April 2019: {self.arrived} placed, "
            f"{self.unsuccessful} unsuccessful (unmet need), {self.waiting} waiting today",
            f"{self.open_vacancies} vacancies open today",
            f"{self.sanctuaries} sanctuary referrals",
        ]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _household(rng: random.Random) -> actions.HouseholdDetails:
    children = rng.choices([0, 1, 2, 3, 4], weights=[25, 30, 25, 13, 7])[0]
    boys = [rng.randint(0, 16) for _ in range(children) if rng.random() < 0.5]
    characteristics = [
        str(code)
        for code, share in (
            (SpecialistCharacteristic.MENTAL_HEALTH, 0.3),
            (SpecialistCharacteristic.SUBSTANCE_USE, 0.1),
            (SpecialistCharacteristic.YOUNG, 0.15),
            (SpecialistCharacteristic.OLDER, 0.05),
        )
        if rng.random() < share
    ]
    return actions.HouseholdDetails(
        adult_gender=rng.choices([AdultGender.WOMAN, AdultGender.TRANS], weights=[97, 3])[0],
        children=children,
        boys_ages=boys,
        mobility=rng.choices([Mobility.NONE, Mobility.LIMITED, Mobility.WHEELCHAIR], weights=[90, 7, 3])[0],
        nrpf=rng.random() < 0.08,
        language=rng.choices(
            ["", "Arabic", "Bengali", "Polish", "Portuguese", "Somali", "Tamil"], weights=[70, 5, 6, 5, 5, 5, 4]
        )[0],
        recovery_needed=rng.random() < 0.05,
        characteristics=characteristics,
    )


def _vacancy_for(rng: random.Random, household: actions.HouseholdDetails, house: Any, posted_on: date) -> Any:
    size = 1 + household.children
    return actions.VacancyDetails(
        unit_kind=rng.choice([UnitKind.SHARED, UnitKind.SHARED, UnitKind.SHARED, UnitKind.SELF_CONTAINED]),
        bedspaces=max(size, 2),
        max_children=max(size, 2) - 1,
        posted_on=posted_on,
        oldest_boy_age=None if rng.random() < 0.6 else 16,
        mobility=household.mobility,
        nrpf_considered=household.nrpf,
        languages="English" + (f", {household.language}" if household.language else ""),
        recovery=household.recovery_needed,
        house=house,
    )


class _Builder:
    def __init__(self, today: date, first_day: date) -> None:
        self.today = today
        self.first_day = first_day
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
        self.report = RefugeReport()
        self.commissioner = User.objects.get(email=COMMISSIONER_EMAIL)
        self.worker = User.objects.get(email=REFUGE_WORKER_EMAIL)
        self.coordinator = User.objects.get(email=COORDINATOR_EMAIL)
        self.referrer = User.objects.get(email=REFERRER_EMAIL)
        self.cases = list(Case.objects.filter(agency__ref=SCHEME_REF).select_related("person").order_by("number"))

    def _case(self, on: date) -> Case | None:
        """A case of the service opened on or before ``on`` (deterministically chosen)."""
        candidates = [case for case in self.cases if case.opened_on <= on] or self.cases
        return self.rng.choice(candidates) if candidates else None

    def services(self) -> SafeAccommodationService:
        provider = Agency.objects.get(ref=PROVIDER_REF)
        refuge = actions.service_create(
            actor=self.commissioner,
            provider=provider,
            details=actions.ServiceDetails(
                name="Harbour Refuge",
                accommodation_type=AccommodationType.REFUGE,
                provider_legal_form=ProviderLegalForm.REGISTERED_CHARITY,
                provider_registration="1099999",
                area="Southmere",
                client_group="Women and their children",
                declared_units=24,
                declared_safe_houses=4,
                declared_sites=3,
                declared_self_contained=6,
                declared_shared=20,
                declared_wheelchair_accessible=4,
                full_time_workers=4,
                part_time_managers=1,
            ),
        )
        actions.service_create(
            actor=self.commissioner,
            provider=Agency.objects.get(ref=SCHEME_REF),
            details=actions.ServiceDetails(
                name="Harbour Dispersed Homes",
                accommodation_type=AccommodationType.DISPERSED,
                provider_legal_form=ProviderLegalForm.REGISTERED_CHARITY,
                provider_registration="1088888",
                area="Southmere and neighbouring boroughs",
                client_group="Survivors and their children who cannot live in shared refuge",
                declared_units=6,
                commissioned_bedspaces=14,
            ),
        )
        self.report.services = 2
        self.houses = [
            actions.house_add(
                actor=self.worker,
                service=refuge,
                label=label,
                site_label=site,
                area=area,
                line1=line1,
                town="Southmere",
                postcode="",
            )
            for label, site, area, line1 in HOUSES
        ]
        return refuge

    def referral_history(self, refuge: SafeAccommodationService) -> None:
        """One referral every few days from April 2019 to a fortnight ago, each decided."""
        day = self.first_day
        step = 365 / REFERRALS_A_YEAR
        n = 0
        while day <= self.today - timedelta(days=14):
            case = self._case(day)
            if case is None:
                return
            self._one_referral(refuge, case, day)
            n += 1
            day = self.first_day + timedelta(days=round(n * step))

    def _one_referral(self, refuge: SafeAccommodationService, case: Case, day: date) -> None:
        rng = self.rng
        household = _household(rng)
        referral = actions.referral_create(
            actor=self.referrer, person=case.person, service=refuge, received_on=day, household=household, case=case
        )
        self.report.referrals += 1
        if rng.random() < 0.6:
            self.report.unsuccessful += 1
            actions.referral_unsuccessful(
                actor=self.worker, referral=referral, on=day, reason=_pick(rng, UNSUCCESSFUL_WEIGHTS)
            )
            return
        referral = actions.referral_assess(actor=self.worker, referral=referral, on=day)
        vacancy = actions.vacancy_post(
            actor=self.worker, service=refuge, details=_vacancy_for(rng, household, rng.choice(self.houses), day)
        )
        referral = actions.referral_offer(actor=self.worker, referral=referral, vacancy=vacancy, on=day)
        if rng.random() < 0.1:
            self.report.unsuccessful += 1
            actions.referral_unsuccessful(
                actor=self.worker, referral=referral, on=day, reason=UnsuccessfulReason.DECLINED_TOO_FAR
            )
            actions.vacancy_withdraw(actor=self.worker, vacancy=vacancy, on=day, version=None)
            return
        referral = actions.referral_arrive(actor=self.worker, referral=referral, on=day)
        self.report.arrived += 1
        left_on = day + timedelta(days=rng.randint(45, 300))
        if left_on <= self.today:
            actions.referral_leave(
                actor=self.worker,
                referral=referral,
                on=left_on,
                reason=_pick(rng, DEPARTURE_WEIGHTS),
                move_on=_pick(rng, MOVE_ON_WEIGHTS),
            )

    def today_position(self, refuge: SafeAccommodationService) -> None:
        """Three vacancies open, and four referrals waiting: two new, one assessed, one offered."""
        rng = self.rng
        recent = self.today - timedelta(days=3)
        for kind, beds, children, boys, mobility, nrpf, languages, house in (
            (UnitKind.SHARED, 3, 2, 12, Mobility.NONE, False, "English, Urdu", 0),
            (UnitKind.SELF_CONTAINED, 4, 3, None, Mobility.WHEELCHAIR, False, "English", 2),
            (UnitKind.SHARED, 2, 1, 10, Mobility.NONE, True, "English, Portuguese", 3),
        ):
            actions.vacancy_post(
                actor=self.worker,
                service=refuge,
                details=actions.VacancyDetails(
                    unit_kind=kind,
                    bedspaces=beds,
                    max_children=children,
                    posted_on=recent,
                    oldest_boy_age=boys,
                    mobility=mobility,
                    nrpf_considered=nrpf,
                    languages=languages,
                    house=self.houses[house],
                ),
            )
            self.report.open_vacancies += 1
        for stage in ("received", "received", "assessed", "offered"):
            case = self._case(self.today)
            if case is None:
                return
            household = _household(rng)
            household.mobility = Mobility.NONE
            household.nrpf = False
            household.recovery_needed = False
            household.language = ""
            referral = actions.referral_create(
                actor=self.referrer,
                person=case.person,
                service=refuge,
                received_on=self.today - timedelta(days=2),
                household=household,
                case=case,
            )
            self.report.referrals += 1
            self.report.waiting += 1
            if stage in ("assessed", "offered"):
                referral = actions.referral_assess(
                    actor=self.worker, referral=referral, on=self.today - timedelta(days=1)
                )
            if stage == "offered":
                space = actions.vacancy_post(
                    actor=self.worker,
                    service=refuge,
                    details=_vacancy_for(rng, household, self.houses[1], self.today - timedelta(days=1)),
                )
                actions.referral_offer(actor=self.worker, referral=referral, vacancy=space, on=self.today)

    def sanctuaries(self) -> None:
        rng = self.rng
        scheme = Agency.objects.get(ref=SCHEME_REF)
        day = self.first_day
        n = 0
        step = 365 / SANCTUARIES_A_YEAR
        while day <= self.today - timedelta(days=7):
            case = self._case(day)
            if case is None:
                return
            sanctuary = actions.sanctuary_refer(
                actor=self.referrer,
                person=case.person,
                scheme_agency=scheme,
                referred_on=day,
                line1=f"{rng.randint(1, 180)} Demo Street",
                town="Southmere",
                case=case,
            )
            self.report.sanctuaries += 1
            self._progress(sanctuary, day)
            n += 1
            day = self.first_day + timedelta(days=round(n * step))

    def _progress(self, sanctuary: Sanctuary, day: date) -> None:
        rng, actor = self.rng, self.coordinator
        steps = [day + timedelta(days=d) for d in (3, 10, 20, 28)]
        if rng.random() < 0.1 or steps[0] > self.today:
            return  # still waiting for the eligibility check, or (rarely) never progressed
        if rng.random() < 0.08:
            actions.sanctuary_withdraw(actor=actor, sanctuary=sanctuary, on=steps[0])
            return
        actions.sanctuary_confirm_eligibility(
            actor=actor,
            sanctuary=sanctuary,
            harmer_not_resident=True,
            staying_is_safe_and_chosen=True,
            right_to_occupy_and_consent=True,
            risk_assessed_on=day,
            on=steps[0],
        )
        if steps[1] > self.today:
            return
        actions.sanctuary_survey(
            actor=actor, sanctuary=sanctuary, surveyed_on=steps[1], surveyor="Southmere Sanctuary Surveys"
        )
        if steps[3] > self.today:
            return
        measures: list[str] = [SanctuaryMeasure.LOCKS, SanctuaryMeasure.DOOR]
        measures += [
            str(m)
            for m in (
                SanctuaryMeasure.WINDOW,
                SanctuaryMeasure.SAFE_ROOM,
                SanctuaryMeasure.LETTERBOX,
                SanctuaryMeasure.LIGHTING,
            )
            if rng.random() < 0.4
        ]
        fitted = steps[3]
        actions.sanctuary_fit(
            actor=actor,
            sanctuary=sanctuary,
            measures=measures,
            contractor="SecureHome Contractors",
            work_started_on=steps[2],
            fitted_on=fitted,
            cost=Decimal(300 + 150 * len(measures) + rng.randint(0, 40) * 10),
            fire_visit_on=fitted + timedelta(days=rng.randint(-5, 0)) if rng.random() < 0.8 else None,
            at_risk_flag_set_on=fitted,
            at_risk_flag_review_on=add_months(fitted, 6),
        )
        for months in (3, 6):
            due = add_months(fitted, months)
            done = due + timedelta(days=rng.randint(-7, 10))
            if done > self.today or rng.random() < 0.1:
                break
            actions.sanctuary_review_record(
                actor=actor,
                sanctuary=sanctuary,
                months=months,
                done_on=done,
                measures_working=rng.random() < 0.95,
                still_needed=months == 3,
            )
            if months == 3 and rng.random() < 0.7:
                actions.sanctuary_feedback(
                    actor=actor,
                    sanctuary=sanctuary,
                    feedback_on=done,
                    felt_safer=rng.choices(["yes", "partly", "no"], [75, 20, 5])[0],
                    satisfaction=rng.choices([5, 4, 3, 2], [50, 30, 15, 5])[0],
                )
            if months == 6:
                flag_off = done
                actions.sanctuary_flag_update(actor=actor, sanctuary=sanctuary, removed_on=flag_off)
                removed = add_months(fitted, 12)
                if removed <= self.today and rng.random() < 0.5:
                    actions.sanctuary_remove(
                        actor=actor, sanctuary=sanctuary, removed_on=removed, reason="no_longer_needed"
                    )


@transaction.atomic
def build_refuge(*, today: date | None = None, first_day: date = FIRST_DAY) -> RefugeReport | None:
    """Builds the demo's safe accommodation; None when it is already there."""
    today = today or timezone.localdate()
    if RefugeReferral.objects.filter(service__provider__ref=PROVIDER_REF).exists():
        return None
    builder = _Builder(today, first_day)
    refuge = builder.services()
    builder.referral_history(refuge)
    builder.today_position(refuge)
    builder.sanctuaries()
    return builder.report
