"""The demo's housing records: the seed's figures come out of the records (hand counts below),
the bulk loader writes what the actions write, and a second run adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.core.dates import financial_year_start
from waymark.demo.housing import application_rows, assess_row, build_housing
from waymark.demo.partnership import build_partnership
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, LegalRoute, LegalStage, LossReason, ReferralRoute, SupportNeed
from waymark.housing.models import Duty, HomelessnessApplication, LegalStep, TemporaryPlacement, TenancyPanelCase
from waymark.housing.states import PanelStatus
from waymark.organisations.models import Agency

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)

# The seed briefing's figures, counted by hand from its text.
SEED_APPLICATIONS_A_YEAR = 180
SEED_EMERGENCY_TA_A_YEAR = 72
SEED_PANEL = {"referrals heard": 15, "nfa": 2, "legal action": 5, "rent arrears": 1, "intelligence": 8, "new due": 2}


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(TODAY, tick=False)
    assert timezone.localdate() == TODAY
    build_partnership()
    return build_housing(today=TODAY)


def test_applications_and_emergency_ta_each_complete_year(demo):
    applications = HomelessnessApplication.objects.filter(agency__ref="SHS")
    by_year: dict[int, int] = {}
    for applied_on in applications.values_list("applied_on", flat=True):
        year = financial_year_start(applied_on)
        by_year[year] = by_year.get(year, 0) + 1
    complete = sorted(year for year in by_year if year < financial_year_start(TODAY))
    assert complete == list(range(2019, 2026))
    assert all(by_year[year] == SEED_APPLICATIONS_A_YEAR for year in complete)
    for year in complete:
        emergency = TemporaryPlacement.objects.filter(
            emergency=True,
            application__applied_on__gte=date(year, 4, 1),
            application__applied_on__lte=date(year + 1, 3, 31),
        ).count()
        assert emergency == SEED_EMERGENCY_TA_A_YEAR
    # Every one a victim of domestic abuse, with automatic priority need once assessed.
    assert not applications.exclude(loss_reason=LossReason.DOMESTIC_ABUSE).exists()
    assessed = applications.filter(assessed_on__isnull=False)
    assert assessed.filter(priority_need_automatic=True).count() == assessed.count()
    # Some duties are running now, so the caseload has work in it, and every clock is start + 56.
    assert Duty.objects.filter(ended_on__isnull=True).exists()
    assert all((d.target_on - d.started_on).days == 56 for d in Duty.objects.all())
    assert "HA-2026" in applications.order_by("-applied_on").first().number


def test_the_tenancy_panel_is_the_seeds_position(demo):
    cases = TenancyPanelCase.objects.filter(agency__ref="SHS")
    assert cases.exclude(status=PanelStatus.REFERRED).count() == SEED_PANEL["referrals heard"]
    assert cases.filter(status=PanelStatus.NO_FURTHER_ACTION).count() == SEED_PANEL["nfa"]
    legal = cases.filter(status=PanelStatus.LEGAL_ACTION)
    assert legal.count() == SEED_PANEL["legal action"]
    assert legal.filter(legal_route=LegalRoute.RENT_ARREARS).count() == SEED_PANEL["rent arrears"]
    assert cases.filter(status=PanelStatus.INTELLIGENCE).count() == SEED_PANEL["intelligence"]
    new = cases.filter(status=PanelStatus.REFERRED, next_panel__held_on__gt=TODAY)
    assert new.count() == SEED_PANEL["new due"]
    # Every notice served carries the IDVA's safety-plan confirmation.
    notices = LegalStep.objects.filter(stage=LegalStage.NOTICE_SERVED)
    assert notices.exists() and not notices.filter(safety_confirmation__isnull=True).exists()
    assert demo.panel_cases == 17


def test_a_second_run_adds_nothing(demo):
    counts = (HomelessnessApplication.objects.count(), TenancyPanelCase.objects.count())
    assert build_housing(today=TODAY) is None
    assert (HomelessnessApplication.objects.count(), TenancyPanelCase.objects.count()) == counts


def test_the_bulk_loader_writes_what_the_actions_write(time_machine):
    time_machine.move_to(TODAY, tick=False)
    build_partnership()
    agency = Agency.objects.get(ref="SHS")
    officer = User.objects.get(email="helen.ward@housing.example")
    person = PersonFactory(held_by=agency)
    inputs = {
        "applied_on": date(2026, 11, 20),
        "loss_reason": LossReason.DOMESTIC_ABUSE,
        "support_needs": [SupportNeed.DOMESTIC_ABUSE, SupportNeed.MENTAL_HEALTH],
    }
    acted = actions.application_create(
        actor=officer,
        agency=agency,
        person=person,
        accommodation_at_application="refuge",
        referral_route=ReferralRoute.SELF,
        **inputs,
    )
    actions.application_assess(
        actor=officer, application=acted, assessed_on=date(2026, 11, 21), outcome=AssessmentOutcome.HOMELESS
    )
    bulk = application_rows(
        agency=agency,
        person=person,
        officer=officer,
        number="HA-2026-999999",
        accommodation="refuge",
        route=ReferralRoute.SELF,
        **inputs,
    )
    duty = assess_row(bulk, assessed_on=date(2026, 11, 21), outcome=AssessmentOutcome.HOMELESS, officer=officer)
    bulk.save()
    duty.save()
    skip = {"id", "number", "created_at", "modified_at"}
    fields = [f.attname for f in HomelessnessApplication._meta.concrete_fields if f.attname not in skip]
    acted.refresh_from_db()
    bulk.refresh_from_db()
    assert {f: getattr(acted, f) for f in fields} == {f: getattr(bulk, f) for f in fields}
    duty_fields = ["kind", "started_on", "target_on", "ended_on", "end_reason", "started_by_id"]
    acted_duty = acted.duties.get()
    assert {f: getattr(acted_duty, f) for f in duty_fields} == {f: getattr(duty, f) for f in duty_fields}


def test_applications_linked_to_cases_are_the_case_clients_own(time_machine):
    """The IDVA based in Housing Solutions links applications to her cases: each linked application
    is made by that case's client (the council's record of her, confirmed the same person), so her
    journey shows her own housing and nobody else's."""
    from tests.cases.conftest import make_case
    from waymark.cases.states import CaseStatus
    from waymark.demo.housing import IDVA_EMAIL
    from waymark.matching.selectors import same_person_ids

    time_machine.move_to(TODAY, tick=False)
    build_partnership()
    idva = User.objects.get(email=IDVA_EMAIL)
    agency = idva.memberships.first().agency
    clients = [PersonFactory(held_by=agency, given_name=name) for name in ("Hayley", "Bethan", "Nicole")]
    for client in clients:
        make_case(person=client, agency=agency, status=CaseStatus.ACTIVE, caseworker=idva)
    build_housing(today=TODAY)
    linked = list(HomelessnessApplication.objects.filter(case__isnull=False).select_related("case__person", "person"))
    assert len(linked) == 3
    for application in linked:
        client = application.case.person
        assert client.pk in same_person_ids(application.person_id)
        assert (application.person.given_name, application.person.date_of_birth) == (
            client.given_name,
            client.date_of_birth,
        )
