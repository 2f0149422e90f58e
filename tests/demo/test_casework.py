"""The demo casework: deterministic, idempotent, and giving the outcome figures the seed reports
when the outcomes app counts the records by its own definitions. Small scale (the first months of
the demo volumes) so that it runs in seconds."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from waymark.cases.models import Case, CaseStatusChange, Task
from waymark.cases.service_standard import first_contact_overdue
from waymark.cases.states import TRANSITIONS, CaseStatus
from waymark.demo.casework import (
    AMARA_EMAIL,
    _Referral,
    build_casework,
    plan_casework,
)
from waymark.outcomes.kpis import compute_outcomes
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.risk.scoring import DEFAULT_THRESHOLDS

TODAY = date(2014, 3, 31)  # the demo "as of" the end of 2013/14: a year of referrals


def _referrals(count: int = 400) -> list[_Referral]:
    start = date(2013, 4, 1)
    people = [uuid.UUID(int=i + 1) for i in range(count)]
    referrals = [
        _Referral(
            id=uuid.UUID(int=10_000 + i),
            ref=f"SD-R{i + 1:06d}",
            received_on=start + timedelta(days=i * 364 // count),
            person_id=people[i if i % 7 else max(i - 3, 0)],  # some people are referred again
            abuse_types=["physical", "coercive_control"] if i % 2 else ["economic"],
            referral_assessed_on=None,
        )
        for i in range(count)
    ]
    last: dict[uuid.UUID, _Referral] = {}
    for referral in referrals:
        if referral.person_id in last:
            last[referral.person_id].next_referral_on = referral.received_on
        last[referral.person_id] = referral
    return referrals


def _signature(plans):
    return [
        (
            p.referral.ref,
            p.status,
            p.worker,
            p.engaged_on,
            p.closed_on,
            p.closure_reason,
            len(p.attempts),
            [(a.on, a.yes, a.level) for a in p.assessments],
            [(m.on, m.stage, sorted(m.values.items())) for m in p.measures],
        )
        for p in plans
    ]


def test_planning_is_deterministic():
    now = timezone.make_aware(timezone.datetime(2014, 3, 31, 23, 59))
    first = plan_casework(_referrals(), now=now, thresholds=DEFAULT_THRESHOLDS, items=24)
    second = plan_casework(_referrals(), now=now, thresholds=DEFAULT_THRESHOLDS, items=24)
    assert _signature(first) == _signature(second)
    assert len({p.status for p in first}) >= 4  # not all alike


def test_every_planned_case_follows_the_lifecycle():
    now = timezone.make_aware(timezone.datetime(2014, 3, 31, 23, 59))
    for plan in plan_casework(_referrals(), now=now, thresholds=DEFAULT_THRESHOLDS, items=24):
        statuses = [status for _, status, _, _ in plan.events]
        assert statuses[0] == CaseStatus.AWAITING_ALLOCATION
        for before, after in itertools.pairwise(statuses):
            assert CaseStatus(after) in TRANSITIONS[CaseStatus(before)], (plan.referral.ref, statuses)
        times = [when for when, _, _, _ in plan.events]
        assert times == sorted(times)
        # A re-referred person's earlier case is closed before the next one opens.
        if plan.referral.next_referral_on and plan.closed_on:
            assert plan.closed_on < plan.referral.next_referral_on or plan.closed_on == plan.opened_at.date()


@pytest.fixture
def partnership(db, settings):
    from waymark.demo.partnership import build_partnership

    settings.REFERRALS_RECEIVING_AGENCY_REF = "SASS"
    build_partnership()


@pytest.fixture
def demo_volumes(partnership):
    from waymark.demo.volumes import build_volumes

    assert build_volumes(today=TODAY, last_fy=2013) is not None


def test_demo_casework_gives_the_seed_outcomes_and_a_real_caseload(demo_volumes):
    report = build_casework(today=TODAY)
    assert report is not None
    accepted = Referral.objects.filter(status=ReferralStatus.ACCEPTED)
    # Every accepted referral opened exactly one case, and says when.
    assert Case.objects.count() == accepted.count() > 1000
    assert not accepted.filter(case__isnull=True).exists()
    assert not accepted.filter(accepted_at__isnull=True).exists()

    # Idempotent: a second run adds nothing.
    counts = (Case.objects.count(), CaseStatusChange.objects.count(), OutcomeMeasure.objects.count())
    assert build_casework(today=TODAY) is None
    assert (Case.objects.count(), CaseStatusChange.objects.count(), OutcomeMeasure.objects.count()) == counts

    # The outcomes app's own KPIs, over the cases whose 3-month windows are over.
    outcomes = compute_outcomes(date(2013, 4, 1), date(2013, 12, 31), as_of=TODAY, partnership_wide=True)
    assert 0.80 <= outcomes["reduced_risk_within_3_months_rate"].value <= 0.90
    assert 0.76 <= outcomes["engagement_rate"].value <= 0.86
    assert 0.70 <= outcomes["first_contact_within_standard_rate"].value <= 0.92
    referred = outcomes["referred"].value
    # Supported counts episodes (cases engaged) like referred counts referrals: the seed's 8,156 of 10,051.
    assert 0.74 * referred <= outcomes["supported"].value <= 0.86 * referred
    assert outcomes["people_supported"].value < outcomes["supported"].value
    assert 0.7 <= outcomes["feeling_safer_at_exit_rate"].value <= 0.95

    # Amara Okafor's caseload looks like a real IDVA's.
    amara = Case.objects.open().filter(caseworker__email=AMARA_EMAIL)
    assert 35 <= amara.count() <= 45
    assert len({c.status for c in amara}) >= 3
    assert any(first_contact_overdue(c, today=TODAY) for c in amara)
    assert Task.objects.filter(case__in=amara, done_at__isnull=True, due_on__lt=TODAY).exists()
    assert OutcomeMeasure.objects.filter(case__in=amara, stage=Stage.INTAKE).exists()
    # Her open cases carry plans, interventions and orders, some of them running out soon.
    from waymark.support.models import CaseChild, Intervention, LegalOrder, SafetyPlan

    assert SafetyPlan.objects.filter(case__in=amara).count() >= 20
    assert Intervention.objects.filter(case__in=amara).exists()
    expiring = LegalOrder.objects.filter(case__in=amara, expires_on__range=(TODAY, TODAY + timedelta(days=28)))
    assert expiring.exists()
    children = CaseChild.objects.filter(case__in=amara).select_related("child", "case__person")
    assert children and all(c.child.family_name == c.case.person.family_name for c in children)
    # Closed cases have a reason and the manager's approval.
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert not closed.filter(closure_reason="").exists()
    assert not closed.filter(closure_approved_by__isnull=True).exists()


def test_the_showcase_survivor_tells_the_case_study(partnership):
    from waymark.people.models import Person
    from waymark.support.models import CaseChild, Intervention, LegalOrder

    build_casework(today=TODAY)
    josie = Person.objects.get(ref="SD-JOSIE-P1")
    case = josie.cases.get()
    assert case.referral.referring_agency.ref == "SMP" and case.status == CaseStatus.CLOSED
    levels = list(josie.risk_assessments.order_by("assessed_on").values_list("final_level", flat=True))
    assert levels[0] == "high" and levels[-1] == "standard" and "high" in levels[3:5]  # the 2016 relapse
    assert OutcomeMeasure.objects.filter(case=case, stage=Stage.EXIT).count() == 1
    assert Intervention.objects.filter(case=case, service__code="awareness_resilience", status="completed").exists()
    assert LegalOrder.objects.filter(case=case, kind="non_molestation").count() == 2
    assert CaseChild.objects.filter(case=case).count() == 3
    # Her engagement counts in the outcomes like anyone's: risk fell within 90 days.
    outcomes = compute_outcomes(date(2015, 11, 1), date(2015, 11, 30), as_of=date(2019, 4, 1), partnership_wide=True)
    mine = [r for r in outcomes["reduced_risk_within_3_months_rate"].records if r.pk == case.pk]
    assert mine and mine[0].counted


def test_the_programme_showcase_tells_the_perpetrator_case_study(partnership):
    from waymark.perpetrators.models import Enrolment

    build_casework(today=TODAY)
    enrolment = Enrolment.objects.get(participant__ref="SD-HASSAN-P1")
    assert enrolment.status == "completed" and enrolment.ended_on == date(2017, 3, 13)
    assert enrolment.attendances.count() == 26 and enrolment.outcomes.count() == 3
    link = enrolment.victim_links.get()
    assert link.victim.ref == "SD-HASSAN-P2" and link.case.status == CaseStatus.CLOSED


def test_a_database_seeded_before_the_showcases_gets_them(partnership, monkeypatch):
    from waymark.demo import showcase
    from waymark.people.models import Person

    with monkeypatch.context() as patched:  # a demo built before the showcases existed
        patched.setattr(showcase, "build_showcase", lambda: None)
        patched.setattr(showcase, "build_programme_showcase", lambda: None)
        assert build_casework(today=TODAY) is not None
    assert not Person.objects.filter(ref__in=["SD-JOSIE-P1", "SD-HASSAN-P1"]).exists()
    report = build_casework(today=TODAY)
    assert report is not None and any("Hassan" in line for line in report.lines())
    assert Person.objects.filter(ref__in=["SD-JOSIE-P1", "SD-HASSAN-P1"]).count() == 2
    people, cases = Person.objects.count(), Case.objects.count()
    build_casework(today=TODAY)  # and once they are there, nothing more
    assert (Person.objects.count(), Case.objects.count()) == (people, cases)
