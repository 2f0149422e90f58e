"""The demo's housing records, built so that the seed briefing's figures come out of the records:

- about 180 homelessness applications a year from victims of domestic abuse (exactly 180 in each
  complete financial year from 2019/20, and the share of the year so far in the current one),
  about 72 a year needing emergency temporary accommodation (exactly 72 in each complete year);
- the DA tenancy panel exactly as the seed states its position: 15 referrals heard, 2 closed with
  no further action, 5 with legal action (1 on rent arrears), 8 at intelligence gathering, and 2
  new referrals due at the next panel.

Applications are written by a bulk loader (``_application_rows``) whose rows equal what
``waymark.housing.actions`` writes for the same input (tests/housing/test_demo.py proves it for
one application): thousands of them through the actions would add tens of thousands of audit
rows for records nobody viewed. The tenancy panel is written through the actions themselves.

Deterministic (a seeded random generator, dates relative to ``today``) and idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from waymark.accounts.models import User
from waymark.cases.models import Case
from waymark.core.dates import add_months, financial_year_start, is_meeting_day
from waymark.housing import actions, duties
from waymark.housing.choices import (
    AccommodationAtApplication,
    AssessmentOutcome,
    DutyKind,
    HouseholdRole,
    LegalRoute,
    LegalStage,
    LossReason,
    NoFurtherActionReason,
    PanelDecisionKind,
    PlacementType,
    PreventionEnd,
    PriorityNeedReason,
    ReferralRoute,
    ReliefEnd,
    SupportNeed,
    TenancyType,
    Tenure,
)
from waymark.housing.models import (
    ApplicationStage,
    Duty,
    HomelessnessApplication,
    HouseholdMember,
    NumberSequence,
    PanelMeeting,
    TemporaryPlacement,
    TenancyPanelCase,
)
from waymark.matching.models import PersonLink
from waymark.organisations.models import Agency
from waymark.people.choices import PersonRole, Sex
from waymark.people.models import Person

SEED = 2013_14
HOUSING_REF = "SHS"
OFFICER_EMAIL = "helen.ward@housing.example"
PANEL_CHAIR_EMAIL = "nadia.rahman@housing.example"
IDVA_EMAIL = "amara.okafor@sass.example"
FIRST_YEAR = 2019  # financial year 2019/20
APPLICATIONS_A_YEAR = 180
EMERGENCY_TA_A_YEAR = 72

# The seed's tenancy panel position.
PANEL_NFA = 2
PANEL_LEGAL_ROUTES = [
    LegalRoute.GROUND_2A,
    LegalRoute.GROUND_2A,
    LegalRoute.ASB_INJUNCTION,
    LegalRoute.NOTICE_TO_QUIT,
    LegalRoute.RENT_ARREARS,
]
PANEL_INTELLIGENCE = 8
PANEL_NEW = 2

GIVEN = [
    "Aisha",
    "Bethany",
    "Chantelle",
    "Dorota",
    "Esi",
    "Fatima",
    "Grace",
    "Hana",
    "Ifeoma",
    "Joanne",
    "Kelly",
    "Layla",
    "Marta",
    "Nicole",
    "Olivia",
    "Precious",
    "Rukhsana",
    "Sade",
    "Tanya",
    "Vanessa",
    "Wiktoria",
    "Yasmin",
    "Zainab",
]
FAMILY = [
    "Ahmed",
    "Barker",
    "Campbell",
    "Davies",
    "Egan",
    "Francis",
    "Gordon",
    "Hussain",
    "Ibrahim",
    "Jones",
    "Kowalska",
    "Lewis",
    "Mensah",
    "Nowak",
    "Osei",
    "Patel",
    "Quinn",
    "Reid",
    "Smith",
    "Taylor",
    "Uddin",
    "Walker",
    "Young",
]
AREAS_IN = ["Southmere North", "Southmere Central", "Southmere Riverside"]
AREAS_OUT = ["Croydon", "Lewisham", "Greenwich", "Bexley", "Bromley", "Lambeth"]
INTELLIGENCE = [
    ("SMP", "Police: call-outs to the address in the last 12 months, and a bail condition not to attend."),
    ("SASS", "Specialist service: the survivor is supported by an IDVA; risk assessed high at the last review."),
    ("SCSC", "Children's social care: children on a child in need plan; school reports concerns."),
    ("SHS", "Housing management: neighbour reports of shouting at night; rent account in arrears since the spring."),
]


@dataclass
class HousingReport:
    applications: int = 0
    emergency_placements: int = 0
    panel_cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.by_status.items()))
        return [
            f"{self.applications} homelessness applications",
            f"{self.emergency_placements} emergency temporary accommodation placements",
            f"{self.panel_cases} tenancy panel cases ({statuses})",
        ]


def _needs(rng: random.Random) -> list[str]:
    needs = [SupportNeed.DOMESTIC_ABUSE.value]
    for need, share in (
        (SupportNeed.MENTAL_HEALTH, 0.35),
        (SupportNeed.SEXUAL_ABUSE, 0.12),
        (SupportNeed.ALCOHOL_DEPENDENCY, 0.08),
        (SupportNeed.DRUG_DEPENDENCY, 0.06),
        (SupportNeed.PHYSICAL_ILL_HEALTH, 0.1),
        (SupportNeed.YOUNG_PARENT, 0.05),
    ):
        if rng.random() < share:
            needs.append(need.value)
    return needs


def application_rows(
    *,
    agency: Agency,
    person: Person,
    officer: User,
    number: str,
    applied_on: date,
    loss_reason: str,
    support_needs: list[str],
    accommodation: str,
    route: str,
    referring_agency: Agency | None = None,
    case: Case | None = None,
) -> HomelessnessApplication:
    """The application row exactly as ``actions.application_create`` writes it (unsaved)."""
    return HomelessnessApplication(
        number=number,
        agency=agency,
        officer=officer,
        person=person,
        case=case,
        referral=None,
        applied_on=applied_on,
        loss_reason=loss_reason,
        support_needs=support_needs,
        accommodation_at_application=accommodation,
        referral_route=route,
        referring_agency=referring_agency,
        recorded_by=officer,
    )


def assess_row(application: HomelessnessApplication, *, assessed_on: date, outcome: str, officer: User) -> Duty | None:
    """Applies the initial assessment as ``actions.application_assess`` does; returns the unsaved duty."""
    application.assessed_on = assessed_on
    application.assessment_outcome = outcome
    if application.is_da_victim:
        application.priority_need = True
        application.priority_need_reason = PriorityNeedReason.DOMESTIC_ABUSE
        application.priority_need_automatic = True
    application.version += 1
    kind = {AssessmentOutcome.THREATENED: DutyKind.PREVENTION, AssessmentOutcome.HOMELESS: DutyKind.RELIEF}.get(
        AssessmentOutcome(outcome)
    )
    if kind is None:
        application.stage = ApplicationStage.NO_DUTY
        return None
    application.stage = ApplicationStage.PREVENTION if kind == DutyKind.PREVENTION else ApplicationStage.RELIEF
    return Duty(
        application=application,
        kind=kind,
        started_on=assessed_on,
        target_on=duties.target_date(assessed_on),
        started_by=officer,
    )


class _Builder:
    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 (demo data)
        self.agency = Agency.objects.get(ref=HOUSING_REF)
        self.officer = User.objects.get(email=OFFICER_EMAIL)
        self.referrers = {
            a.ref: a for a in Agency.objects.filter(ref__in=["SMP", "SASS", "KCH", "NPS", "SCSC", "SASC"])
        }
        self.numbers: dict[int, int] = {}
        self.report = HousingReport()

    def _number(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"HA-{year}-{self.numbers[year]:06d}"

    def _dates(self, start: date, end: date, count: int) -> list[date]:
        span = (end - start).days
        return sorted(start + timedelta(days=self.rng.randrange(span + 1)) for _ in range(count))

    def years(self) -> list[tuple[date, date, int, int]]:
        """(first day, last day, applications, emergency TA) for each financial year to today."""
        current = financial_year_start(self.today)
        rows = []
        for year in range(FIRST_YEAR, current + 1):
            start, end = date(year, 4, 1), date(year + 1, 3, 31)
            if year < current:
                rows.append((start, end, APPLICATIONS_A_YEAR, EMERGENCY_TA_A_YEAR))
            else:
                share = ((self.today - start).days + 1) / 365
                rows.append((start, self.today, round(APPLICATIONS_A_YEAR * share), round(EMERGENCY_TA_A_YEAR * share)))
        return rows

    def build_applications(self, linked_cases: list[Case]) -> None:
        rng = self.rng
        people: list[Person] = []
        applications: list[HomelessnessApplication] = []
        members: list[HouseholdMember] = []
        duty_rows: list[Duty] = []
        placements: list[TemporaryPlacement] = []
        for start, end, count, emergency in self.years():
            days = self._dates(start, end, count)
            emergency_at = set(rng.sample(range(count), emergency))
            for index, applied_on in enumerate(days):
                person = Person(
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    sex=Sex.FEMALE,
                    primary_role=PersonRole.SURVIVOR,
                    held_by=self.agency,
                    date_of_birth=date(applied_on.year - rng.randint(19, 55), rng.randint(1, 12), rng.randint(1, 28)),
                )
                people.append(person)
                route = rng.choices(
                    [
                        ReferralRoute.SELF,
                        ReferralRoute.DA_SERVICE,
                        ReferralRoute.DUTY_TO_REFER_AE,
                        ReferralRoute.DUTY_TO_REFER_CHILDRENS_SOCIAL_CARE,
                        ReferralRoute.DUTY_TO_REFER_PROBATION,
                        ReferralRoute.DUTY_TO_REFER_ADULT_SOCIAL_CARE,
                    ],
                    weights=[45, 30, 8, 10, 4, 3],
                )[0]
                referrer = {
                    ReferralRoute.DA_SERVICE: "SASS",
                    ReferralRoute.DUTY_TO_REFER_AE: "KCH",
                    ReferralRoute.DUTY_TO_REFER_CHILDRENS_SOCIAL_CARE: "SCSC",
                    ReferralRoute.DUTY_TO_REFER_PROBATION: "NPS",
                    ReferralRoute.DUTY_TO_REFER_ADULT_SOCIAL_CARE: "SASC",
                }.get(route)
                application = application_rows(
                    agency=self.agency,
                    person=person,
                    officer=self.officer,
                    number=self._number(applied_on.year),
                    applied_on=applied_on,
                    loss_reason=LossReason.DOMESTIC_ABUSE,
                    support_needs=_needs(rng),
                    accommodation=rng.choices(
                        [
                            AccommodationAtApplication.SOCIAL_RENTED,
                            AccommodationAtApplication.PRIVATE_RENTED,
                            AccommodationAtApplication.LIVING_WITH_FAMILY,
                            AccommodationAtApplication.REFUGE,
                            AccommodationAtApplication.LIVING_WITH_FRIENDS,
                            AccommodationAtApplication.OWNER_OCCUPIER,
                        ],
                        weights=[30, 25, 18, 12, 10, 5],
                    )[0],
                    route=route,
                    referring_agency=self.referrers.get(referrer) if referrer else None,
                )
                applications.append(application)
                children = rng.choices([0, 1, 2, 3], weights=[38, 27, 23, 12])[0]
                members += [
                    HouseholdMember(application=application, role=HouseholdRole.CHILD, age=rng.randint(0, 16))
                    for _ in range(children)
                ]
                needs_ta = index in emergency_at
                self._assess_and_end(application, applied_on, needs_ta, children, duty_rows, placements)
        # The IDVA based in Housing Solutions links the council's application to her service's case:
        # the applicant is the case's client, the council's record of her confirmed the same person.
        links: list[PersonLink] = []
        for application, case in zip(reversed(applications), linked_cases, strict=False):
            client = case.person
            applicant = application.person
            applicant.given_name, applicant.family_name = client.given_name, client.family_name
            applicant.date_of_birth, applicant.sex = client.date_of_birth, client.sex
            application.case = case
            links.append(
                PersonLink(
                    new_person=applicant,
                    existing_person=client,
                    confirmed_by=case.caseworker or self.officer,
                    reason="The same person: name, date of birth and her IDVA's case confirmed at the housing interview.",
                )
            )
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=500)
            PersonLink.objects.bulk_create(links)
            HomelessnessApplication.objects.bulk_create(applications, batch_size=500)
            HouseholdMember.objects.bulk_create(members, batch_size=500)
            Duty.objects.bulk_create(duty_rows, batch_size=500)
            TemporaryPlacement.objects.bulk_create(placements, batch_size=500)
            for year, last in self.numbers.items():
                NumberSequence.objects.update_or_create(prefix="HA", year=year, defaults={"last_number": last})
        self.report.applications = len(applications)
        self.report.emergency_placements = len(placements)

    def _assess_and_end(
        self,
        application: HomelessnessApplication,
        applied_on: date,
        needs_ta: bool,
        children: int,
        duty_rows: list[Duty],
        placements: list[TemporaryPlacement],
    ) -> None:
        rng = self.rng
        assessed_on = min(applied_on + timedelta(days=rng.randint(0, 3)), self.today)
        if needs_ta:
            outcome = AssessmentOutcome.HOMELESS
        else:
            outcome = rng.choices(
                [AssessmentOutcome.HOMELESS, AssessmentOutcome.THREATENED, AssessmentOutcome.NOT_HOMELESS],
                weights=[45, 45, 10],
            )[0]
        if (self.today - applied_on).days < 4 and rng.random() < 0.5:
            return  # recent: still awaiting its initial assessment
        duty = assess_row(application, assessed_on=assessed_on, outcome=outcome, officer=self.officer)
        if duty is None:
            return
        duty_rows.append(duty)
        if needs_ta:
            kind = rng.choices(list(PlacementType), weights=[25, 25, 22, 10, 12, 6])[0]
            out = rng.random() < 0.25
            ended = assessed_on + timedelta(days=rng.randint(5, 120))
            placements.append(
                TemporaryPlacement(
                    application=application,
                    placement_type=kind,
                    started_on=assessed_on,
                    ended_on=ended if ended <= self.today else None,
                    area=rng.choice(AREAS_OUT if out else AREAS_IN),
                    out_of_district=out,
                    household_with_children=children > 0,
                    emergency=True,
                    address="",
                    recorded_by=self.officer,
                    # Ended, it is at the version ``actions.placement_end`` leaves it at.
                    version=1 if ended > self.today else 2,
                )
            )
        end_on = assessed_on + timedelta(days=rng.randint(10, 70))
        if end_on > self.today:
            return  # still running
        reason: str
        if duty.kind == DutyKind.PREVENTION:
            reason = rng.choices(
                [
                    PreventionEnd.SECURED_STAYED,
                    PreventionEnd.SECURED_MOVED,
                    PreventionEnd.HOMELESS,
                    PreventionEnd.CONTACT_LOST,
                    PreventionEnd.WITHDRAWN,
                    PreventionEnd.REFUSED_OFFER,
                ],
                weights=[25, 30, 30, 7, 5, 3],
            )[0]
        else:
            reason = rng.choices(
                [
                    ReliefEnd.SECURED_MOVED,
                    ReliefEnd.CONTACT_LOST,
                    ReliefEnd.WITHDRAWN,
                    ReliefEnd.LOCAL_CONNECTION,
                    ReliefEnd.REFUSED_OFFER,
                ],
                weights=[70, 10, 8, 8, 4],
            )[0]
        if reason in (PreventionEnd.DAYS_ELAPSED,) or end_on < duty.started_on:
            return
        duty.ended_on, duty.end_reason, duty.ended_by = end_on, reason, self.officer
        application.version += 1
        if duties.starts_relief(duty.kind, reason):
            relief = Duty(
                application=application,
                kind=DutyKind.RELIEF,
                started_on=end_on,
                target_on=duties.target_date(end_on),
                started_by=self.officer,
            )
            duty_rows.append(relief)
            application.stage = ApplicationStage.RELIEF
            relief_end = end_on + timedelta(days=rng.randint(14, 60))
            if relief_end <= self.today:
                relief.ended_on, relief.end_reason, relief.ended_by = relief_end, ReliefEnd.SECURED_MOVED, self.officer
                application.stage = ApplicationStage.DUTIES_ENDED
                application.version += 1  # each duty's end changes the application (``actions.duty_end``)
        else:
            application.stage = ApplicationStage.DUTIES_ENDED


def _month_panel_day(first_of_month: date) -> date:
    """The month's panel: its last Thursday, or when no partnership meeting may be held then (a bank
    holiday, the Christmas closure: ``core.dates.is_meeting_day``) the last meeting day before it."""
    last = add_months(first_of_month, 1) - timedelta(days=1)
    day = last - timedelta(days=(last.weekday() - 3) % 7)
    while not is_meeting_day(day):
        day -= timedelta(days=1)
    return day


def _panel_days(today: date, past: int) -> tuple[list[date], date]:
    """The panels of the ``past`` months before the next one, and the next: this month's panel, or
    next month's once this month's has passed."""
    this_month = today.replace(day=1)
    ahead = 0 if _month_panel_day(this_month) > today else 1
    months = [add_months(this_month, ahead - back) for back in range(past, -1, -1)]
    days = [_month_panel_day(month) for month in months]
    return days[:-1], days[-1]


def build_panel(today: date, report: HousingReport) -> None:
    """The seed's tenancy panel, written through the actions."""
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data)
    agency = Agency.objects.get(ref=HOUSING_REF)
    chair = User.objects.get(email=PANEL_CHAIR_EMAIL)
    officer = User.objects.get(email=OFFICER_EMAIL)
    idva = User.objects.get(email=IDVA_EMAIL)
    agencies = {a.ref: a for a in Agency.objects.filter(ref__in=[ref for ref, _ in INTELLIGENCE])}
    held, next_day = _panel_days(today, 6)
    meetings = [actions.panel_meeting_schedule(actor=chair, agency=agency, held_on=day) for day in held]
    meetings = [m for m in meetings if m.held_on <= today]
    upcoming = actions.panel_meeting_schedule(actor=chair, agency=agency, held_on=next_day)
    heard = PANEL_NFA + len(PANEL_LEGAL_ROUTES) + PANEL_INTELLIGENCE
    plan = (
        ["nfa"] * PANEL_NFA + [f"legal:{route}" for route in PANEL_LEGAL_ROUTES] + ["intelligence"] * PANEL_INTELLIGENCE
    )
    rng.shuffle(plan)
    for index, outcome in enumerate(plan):
        first = meetings[index % len(meetings)]
        referred_on = first.held_on - timedelta(days=rng.randint(7, 25))
        case = actions.panel_case_refer(
            actor=officer if index % 2 else chair,
            agency=agency,
            tenancy_reference=f"SMT-{40210 + index * 37}",
            tenancy_type=TenancyType.JOINT if index % 3 else TenancyType.SOLE,
            tenure=Tenure.INTRODUCTORY if index % 7 == 0 else Tenure.SECURE,
            referred_on=referred_on,
            referred_by=agencies["SASS"] if index % 2 else agencies["SMP"],
            idva=idva,
            next_panel=first,
        )
        for ref, text in rng.sample(INTELLIGENCE, 2):
            actions.panel_intelligence_add(
                actor=chair,
                case=case,
                from_agency=agencies[ref],
                shared_on=first.held_on - timedelta(days=2),
                summary=text,
            )
        later = [m for m in meetings if m.held_on > first.held_on]
        if outcome == "nfa":
            actions.panel_decision_record(
                actor=chair, case=case, meeting=first, kind=PanelDecisionKind.GATHER_INTELLIGENCE
            )
            actions.panel_decision_record(
                actor=chair,
                case=case,
                meeting=later[0] if later else first,
                kind=PanelDecisionKind.NO_FURTHER_ACTION,
                nfa_reason=NoFurtherActionReason.PERPETRATOR_LEFT
                if index % 2
                else NoFurtherActionReason.SURVIVOR_OPPOSED,
            )
        elif outcome.startswith("legal:"):
            route = outcome.split(":", 1)[1]
            actions.panel_decision_record(
                actor=chair,
                case=case,
                meeting=first,
                kind=PanelDecisionKind.LEGAL_ACTION,
                legal_route=route,
                next_panel=upcoming,
            )
            taken = min(first.held_on + timedelta(days=7), today)
            actions.panel_legal_step_record(actor=chair, case=case, stage=LegalStage.LEGAL_ADVICE, taken_on=taken)
            if route in (LegalRoute.GROUND_2A, LegalRoute.RENT_ARREARS):
                actions.panel_review_record(
                    actor=chair,
                    case=case,
                    pre_action_protocol_met=True,
                    representations="",
                    proportionality_review="Proportionate: the survivor and children remain; the tenant was offered support and did not engage.",
                    reviewed_on=taken,
                )
                actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.NOTICE_SERVED)
                actions.panel_legal_step_record(actor=chair, case=case, stage=LegalStage.NOTICE_SERVED, taken_on=taken)
        else:
            actions.panel_decision_record(
                actor=chair, case=case, meeting=first, kind=PanelDecisionKind.GATHER_INTELLIGENCE, next_panel=upcoming
            )
    for index in range(PANEL_NEW):
        actions.panel_case_refer(
            actor=officer,
            agency=agency,
            tenancy_reference=f"SMT-{41500 + index}",
            tenancy_type=TenancyType.JOINT,
            tenure=Tenure.SECURE,
            referred_on=today - timedelta(days=3 + index),
            referred_by=agencies["SMP"],
            idva=idva,
            next_panel=upcoming,
        )
    report.panel_cases = heard + PANEL_NEW
    cases = TenancyPanelCase.objects.filter(agency=agency)
    report.by_status = {s: cases.filter(status=s).count() for s in cases.values_list("status", flat=True).distinct()}


def build_housing(*, today: date | None = None) -> HousingReport | None:
    """Builds the demo's housing records; None when they are already there."""
    today = today or timezone.localdate()
    agency = Agency.objects.get(ref=HOUSING_REF)
    if (
        HomelessnessApplication.objects.filter(agency=agency).exists()
        or PanelMeeting.objects.filter(agency=agency).exists()
    ):
        return None
    builder = _Builder(today)
    idva = User.objects.get(email=IDVA_EMAIL)
    linked = list(Case.objects.filter(caseworker=idva, closed_on__isnull=True).order_by("number")[:3])
    builder.build_applications(linked)
    build_panel(today, builder.report)
    return builder.report


def latest_number(prefix: str, year: int) -> int:
    return NumberSequence.objects.filter(prefix=prefix, year=year).aggregate(n=Max("last_number"))["n"] or 0
