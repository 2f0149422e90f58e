"""The demo's strategies: the DA strategy 2015-20 and the VAWG strategy 2019/20 to 2023/24 with its
12 areas (seed 8.4), a plausible two-year action plan across them, quarterly updates (some amber,
red, paused and reprogrammed), one exception report, and the seed's Appendix 4 project timeline
loaded with its dates as written.

Appendix 4 as the seed's text holds it: the table's weekly columns run from 3 September 2018 to
10 February 2019 (one written "19/112018"), and the only estimated start and finish legible are
"01/09/2018" and "17/02/2018": a finish before its start (2018 where 2019 was surely meant). We load
both as written, on the first activity; the other activities' estimates are ours, placed on the
seed's weekly grid, with "19/112018" kept as written where it falls. Nothing is corrected: the
timeline page flags them. Lead officers are roles, not the named officers of the seed.

Deterministic and idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from waymark.accounts.models import User
from waymark.organisations.models import Agency
from waymark.strategy.actions import (
    ActionDetails,
    ActivityRow,
    UpdateDetails,
    action_create,
    action_update_record,
    exception_report_generate,
    strategy_create,
    timeline_load,
)
from waymark.strategy.choices import IssueLevel, MeasureDirection, Rag
from waymark.strategy.models import Strategy

VAWG_TITLE = "Violence Against Women and Girls Strategy 2019/20 to 2023/24"
DA_TITLE = "Domestic Abuse Strategy 2015-20"
LEAD_EMAIL = "lisa.nunes@council.example"
POLICE_OWNER_EMAIL = "claire.dawson@police.example"

AREAS = [
    "Domestic abuse",
    "Coercive control",
    "Child sexual exploitation",
    "Harmful practices (FGM, forced marriage, so-called honour-based abuse)",
    "Image-based sexual offending",
    "Sexual harassment",
    "Prostitution",
    "Misogyny",
    "Sexual violence and rape",
    "Stalking",
    "Trafficking",
    "Perpetrators",
]
PRIORITIES = [
    "Prevention: challenging the attitudes that allow violence against women and girls",
    "Provision: services that identify and support victims early",
    "Partnership working: a coordinated response across agencies",
    "Pursuing perpetrators and changing behaviour",
]
DA_AREAS = ["Prevention", "Provision of services", "Partnership working", "Pursuing perpetrators"]

# (number, area, priority, aim, owner email, lead agency ref, partners, target, measure, measure target, direction)
ACTIONS = [
    (
        "1.1",
        1,
        2,
        "Reduce risk for survivors: 85% of clients engaging with the specialist service report reduced risk within 3 months.",
        "grace.mensah@sass.example",
        "SASS",
        "Police, Housing, Children's Social Care",
        date(2021, 3, 31),
        "reduced_risk_3_months",
        85.0,
        MeasureDirection.HIGHER,
    ),
    (
        "1.2",
        1,
        3,
        "Keep the MARAC repeat rate within the recommended range by reviewing every repeat case.",
        "lucy.barnes@council.example",
        "SCS",
        "All MARAC agencies",
        date(2020, 12, 31),
        "marac_repeat_rate",
        40.0,
        MeasureDirection.LOWER,
    ),
    (
        "1.3",
        1,
        2,
        "Train 100 professionals a year in domestic abuse awareness, re-targeted at frontline staff.",
        "lisa.nunes@council.example",
        "SCS",
        "Harbour Women's Aid, SOLACE",
        date(2020, 3, 31),
        "training_attendance",
        100.0,
        MeasureDirection.HIGHER,
    ),
    (
        "2.1",
        2,
        4,
        "Brief every response officer on evidence-led prosecution of coercive control.",
        POLICE_OWNER_EMAIL,
        "SMP",
        "Crown Prosecution Service",
        date(2020, 9, 30),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "2.2",
        2,
        2,
        "Add coercive control to the council's frontline safeguarding training.",
        "priya.shah@childrens.example",
        "SCSC",
        "Adults' Social Care",
        date(2020, 6, 30),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "3.1",
        3,
        3,
        "Joint missing-and-exploited panel reviews every child at risk of sexual exploitation.",
        "priya.shah@childrens.example",
        "SCSC",
        "Police, Young People's Service",
        date(2020, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "4.1",
        4,
        2,
        "FGM and forced marriage pathway agreed with maternity services and schools.",
        "sarah.collins@gp.example",
        "GPB",
        "Maternity services, education",
        date(2020, 12, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "5.1",
        5,
        1,
        "Schools programme on image-based abuse in every secondary school.",
        "lisa.nunes@council.example",
        "SCS",
        "Schools, Young People's Service",
        date(2021, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "6.1",
        6,
        1,
        "Night-time economy venues sign up to the 'Ask for Angela' scheme.",
        POLICE_OWNER_EMAIL,
        "SMP",
        "Licensing, business partnerships",
        date(2020, 9, 30),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "7.1",
        7,
        2,
        "Outreach to women involved in prostitution through the substance misuse service.",
        "lisa.nunes@council.example",
        "SCS",
        "Southmere Substance Misuse Service, Harbour Women's Aid",
        date(2021, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "8.1",
        8,
        1,
        "Public campaign challenging misogyny, co-designed with the Women's Voices group.",
        "lisa.nunes@council.example",
        "SCS",
        "Communications",
        date(2020, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "9.1",
        9,
        2,
        "ISVA capacity meets demand: referrals seen within 5 working days.",
        "lisa.nunes@council.example",
        "SCS",
        "Victim Support Southmere, Havens, Police",
        date(2020, 12, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "10.1",
        10,
        4,
        "Stalking protection orders applied for in every eligible case.",
        POLICE_OWNER_EMAIL,
        "SMP",
        "Probation",
        date(2021, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "11.1",
        11,
        3,
        "National Referral Mechanism training for housing and social care first responders.",
        "helen.ward@housing.example",
        "SHS",
        "Adults' Social Care",
        date(2020, 12, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
    (
        "12.1",
        12,
        4,
        "Perpetrator programme places meet the courts' and children's services' demand.",
        "tom.reid@sass.example",
        "SASS",
        "Probation, Children's Social Care",
        date(2021, 3, 31),
        "",
        None,
        MeasureDirection.HIGHER,
    ),
]

# Quarterly updates: (action number, recorded on, rag, issues, reason, corrective action, revised, escalate)
UPDATES = [
    ("1.3", date(2019, 7, 10), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    ("8.1", date(2019, 7, 12), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    ("3.1", date(2019, 10, 8), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    ("1.3", date(2020, 4, 14), Rag.COMPLETE, IssueLevel.NONE, "", "", None, False),
    (
        "8.1",
        date(2020, 4, 20),
        Rag.AMBER,
        IssueLevel.ISSUES,
        "Campaign launch delayed by the pandemic restrictions.",
        "Launch moved online with the Women's Voices group.",
        date(2020, 7, 31),
        False,
    ),
    ("3.1", date(2020, 4, 22), Rag.COMPLETE, IssueLevel.NONE, "", "", None, False),
    ("2.2", date(2020, 7, 9), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    (
        "4.1",
        date(2020, 7, 14),
        Rag.PAUSED,
        IssueLevel.ISSUES,
        "Maternity services' safeguarding leads redeployed during the pandemic.",
        "",
        None,
        False,
    ),
    (
        "9.1",
        date(2020, 7, 16),
        Rag.REPROGRAMMED,
        IssueLevel.ISSUES,
        "Delivery group approved a new date after ISVA recruitment was frozen.",
        "",
        date(2021, 6, 30),
        False,
    ),
    ("2.1", date(2020, 9, 18), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    (
        "6.1",
        date(2020, 9, 21),
        Rag.RED,
        IssueLevel.SIGNIFICANT,
        "Venues closed under the restrictions: no sign-ups since March.",
        "Re-engage venues through licensing when they reopen.",
        date(2021, 3, 31),
        True,
    ),
    (
        "11.1",
        date(2020, 9, 23),
        Rag.AMBER,
        IssueLevel.ISSUES,
        "Trainer unavailable for the first two sessions.",
        "Sessions rebooked with the regional NRM trainer.",
        date(2021, 1, 31),
        False,
    ),
    ("12.1", date(2020, 9, 24), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    ("5.1", date(2020, 9, 25), Rag.GREEN, IssueLevel.NONE, "", "", None, False),
    (
        "7.1",
        date(2020, 9, 28),
        Rag.RED,
        IssueLevel.SIGNIFICANT,
        "Outreach worker post vacant since June.",
        "Post re-advertised; interim cover from Harbour Women's Aid.",
        date(2021, 6, 30),
        False,
    ),
    (
        "10.1",
        date(2020, 9, 29),
        Rag.AMBER,
        IssueLevel.ISSUES,
        "Applications are taking longer than planned to prepare.",
        "Legal services to run a workshop for investigating officers.",
        date(2021, 5, 31),
        False,
    ),
]

TIMELINE = [
    ("Develop Project Brief and Project Plan", "Project manager", "01/09/2018", "17/02/2018"),
    ("Project Sponsor and Steering Group Members confirmed", "Project sponsor", "03/09/2018", "10/09/2018"),
    ("Project Team confirmed", "Project manager", "10/09/2018", "17/09/2018"),
    ("Literature review", "Project support", "17/09/2018", "08/10/2018"),
    ("Needs assessment - 1st draft", "Needs and data analysis (CCG)", "17/09/2018", "22/10/2018"),
    ("Consultation development", "Community engagement", "01/10/2018", "15/10/2018"),
    ("Consultation session - VAWG Delivery Group", "Project manager", "15/10/2018", "15/10/2018"),
    ("Consultation session - 1st stakeholder event (key themes)", "Project manager", "22/10/2018", "22/10/2018"),
    ("Consultation session - Service users", "Community engagement", "29/10/2018", "05/11/2018"),
    ("Conusltation session - Community focus", "Community engagement", "05/11/2018", "12/11/2018"),
    ("1st draft Strategy developed", "Project manager", "12/11/2018", "26/11/2018"),
    ("Needs assessment - additional areas", "Needs and data analysis (CCG)", "19/112018", "03/12/2018"),
    ("Additional stakeholder event(s)", "Project manager", "26/11/2018", "03/12/2018"),
    ("2nd draft strategy completed", "Project manager", "03/12/2018", "17/12/2018"),
    ("Equalities impact assessment", "Public Health", "10/12/2018", "31/12/2018"),
    ("Management review", "Project sponsor", "07/01/2019", "14/01/2019"),
    ("Foreward draft completed", "Communications", "14/01/2019", "21/01/2019"),
    ("Final amendments", "Project manager", "21/01/2019", "28/01/2019"),
    ("Final draft completed", "Project manager", "28/01/2019", "03/02/2019"),
    ("Comms Strategy completed", "Communications", "28/01/2019", "03/02/2019"),
    ("Action plan completed", "Project manager", "28/01/2019", "10/02/2019"),
    ("Strategy launched", "Project sponsor", "10/02/2019", "10/02/2019"),
]


@dataclass
class StrategyReport:
    strategies: int
    actions: int
    updates: int

    def lines(self) -> list[str]:
        return [f"{self.strategies} strategies", f"{self.actions} actions", f"{self.updates} quarterly updates"]


@transaction.atomic
def build_strategy() -> StrategyReport | None:
    """Creates the demo strategies once; returns None when they are already there."""
    if Strategy.objects.filter(title=VAWG_TITLE).exists():
        return None
    agencies = {a.ref: a for a in Agency.objects.all()}
    users = {u.email: u for u in User.objects.all()}
    lead = users[LEAD_EMAIL]

    da = strategy_create(
        actor=None,
        title=DA_TITLE,
        starts_on=date(2015, 4, 1),
        ends_on=date(2020, 3, 31),
        areas=DA_AREAS,
        priorities=["Early identification", "Safety and recovery for survivors", "Holding perpetrators to account"],
        summary="The borough's five-year domestic abuse strategy, succeeded by the VAWG strategy.",
    )
    for index, (aim, area) in enumerate(
        [
            ("Commission an integrated specialist DA service.", 2),
            ("Establish a DA champions network across partners.", 3),
        ],
        start=1,
    ):
        action_create(
            actor=None,
            strategy=da,
            details=ActionDetails(
                number=f"{area}.{index}",
                area=da.areas.get(number=area),
                aim=aim,
                lead_agency=agencies["SCS"],
                owner=lead,
                target_on=date(2016 + index, 3, 31),
            ),
        )
    for action in da.actions.all():
        action_update_record(
            actor=lead,
            action=action,
            details=UpdateDetails(rag=Rag.COMPLETE, progress="Delivered."),
            version=action.version,
            recorded_on=date(2019, 4, 10),
        )

    vawg = strategy_create(
        actor=None,
        title=VAWG_TITLE,
        starts_on=date(2019, 4, 1),
        ends_on=date(2024, 3, 31),
        areas=AREAS,
        priorities=PRIORITIES,
        summary="A five-year strategy across the 12 areas of violence against women and girls, delivered through a "
        "two-year action plan and then a plan for years 3 to 5, steered quarterly by the VAWG Delivery Group.",
    )
    actions: dict[str, Any] = {}
    for number, area, priority, aim, owner, agency, partners, target, measure, measure_target, direction in ACTIONS:
        actions[number] = action_create(
            actor=None,
            strategy=vawg,
            details=ActionDetails(
                number=number,
                area=vawg.areas.get(number=area),
                priority=vawg.priorities.get(number=priority),
                aim=aim,
                lead_agency=agencies[agency],
                owner=users[owner] if agencies[agency].pk in users[owner].agency_ids else lead,
                partners=partners,
                milestones="Plan agreed by the delivery group\nDelivery under way\nReviewed and reported",
                evidence="Quarterly returns to the delivery group",
                target_on=target,
                plan="Two-year action plan 2019/20 to 2020/21",
                measure=measure,
                measure_target=measure_target,
                measure_direction=direction,
            ),
        )
    for number, on, rag, issues, reason, corrective, revised, escalate in UPDATES:
        action = actions[number]
        action.refresh_from_db()
        action_update_record(
            recorded_on=on,
            actor=action.owner,
            action=action,
            details=UpdateDetails(
                rag=rag,
                progress="Update to the delivery group.",
                reason=reason,
                corrective_action=corrective,
                revised_target_on=revised,
                issue_level=issues,
                escalate=escalate,
            ),
            version=action.version,
        )
    exception_report_generate(actor=lead, strategy=vawg, financial_year=2020, quarter=2, generated_on=date(2020, 10, 6))
    timeline_load(
        actor=None,
        title="Appendix 4: VAWG strategy timeline",
        strategy=vawg,
        rows=[ActivityRow(*row) for row in TIMELINE],
    )
    return StrategyReport(2, da.actions.count() + vawg.actions.count(), len(UPDATES) + da.actions.count())
