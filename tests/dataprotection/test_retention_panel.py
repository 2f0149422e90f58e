"""DA tenancy panel cases and the survivor they are about.

A panel case is kept six years from its closure (legal action concluded, or no further action),
the period the project uses for homelessness applications; an open case is never due. While a
case about her is open or inside its period, she is still needed, so disposing of her other
records leaves her named; once the case is disposed of and nothing else keeps her, she is
anonymised with it. Disposal blanks the case's words and the tenancy reference and keeps what the
housing figures and the board pack count. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.commissioning.boardpack import board_pack_content
from waymark.core.roles import Role
from waymark.dataprotection.models import RetentionDisposal
from waymark.dataprotection.retention import SCHEDULES, person_still_needed
from waymark.dataprotection.selectors import due_for
from waymark.housing.choices import (
    LegalRoute,
    LegalStage,
    NoFurtherActionReason,
    PanelDecisionKind,
    TenancyType,
    Tenure,
)
from waymark.housing.models import LegalStep, PanelDecision, PanelIntelligence, PanelMeeting, TenancyPanelCase
from waymark.housing.selectors import quarter_figures
from waymark.housing.states import PanelStatus
from waymark.organisations.models import AgencyKind
from waymark.people.choices import AddressKind, ChannelKind, PersonRole, Sex
from waymark.people.models import Address, ContactChannel, Person, PersonName

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)

REPRESENTATIONS = "CANARY-REPS she is at 17 Canarywood Close with the children"
REVIEW = "CANARY-REVIEW her disability and the children's school"
DECISION = "CANARY-DECISION possession proceedings against him"
INTELLIGENCE = "CANARY-INTEL police call-outs to the flat"
TENANCY = "SMT-CANARY-40210"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def council():
    return AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)


@pytest.fixture
def officer(council):
    return make_member(Role.HOUSING_OFFICER, agency=council, full_name="Helen Ward")


@pytest.fixture
def survivor(council):
    person = Person.objects.create(
        held_by=council,
        given_name="Josephine",
        family_name="Wrenfield",
        primary_role=PersonRole.SURVIVOR,
        sex=Sex.FEMALE,
        date_of_birth=D(1988, 4, 2),
        ref="SMT-TENANT-1",
    )
    Address.objects.create(person=person, kind=AddressKind.HOME, line1="17 Canarywood Close", postcode="CF9 7ZQ")
    ContactChannel.objects.create(person=person, kind=ChannelKind.MOBILE, value="07700 900461")
    PersonName.objects.create(person=person, given_name="Jo", family_name="Wrenfield")
    return person


def _panel_case(council, officer, survivor, *, referred_on, status, closed_on=None, number="TP-2019-0001"):
    """A case with every word the panel writes about her: representations, the proportionality
    review, a decision's reasons and a partner's intelligence."""
    panel_case = TenancyPanelCase.objects.create(
        number=number,
        agency=council,
        tenancy_reference=TENANCY,
        tenancy_type=TenancyType.JOINT,
        tenure=Tenure.SECURE,
        survivor=survivor,
        referred_on=referred_on,
        referred_by=council,
        status=status,
        legal_route=LegalRoute.GROUND_2A if status != PanelStatus.REFERRED else "",
        nfa_reason=NoFurtherActionReason.PERPETRATOR_LEFT if status == PanelStatus.NO_FURTHER_ACTION else "",
        representations=REPRESENTATIONS,
        representations_on=referred_on + dt.timedelta(days=5),
        proportionality_review=REVIEW,
        proportionality_reviewed_on=referred_on + dt.timedelta(days=6),
        closed_on=closed_on,
        recorded_by=officer,
    )
    meeting = PanelMeeting.objects.create(agency=council, held_on=referred_on + dt.timedelta(days=7))
    PanelDecision.objects.create(
        case=panel_case,
        meeting=meeting,
        kind=PanelDecisionKind.LEGAL_ACTION,
        legal_route=LegalRoute.GROUND_2A,
        note=DECISION,
        recorded_by=officer,
    )
    PanelIntelligence.objects.create(
        case=panel_case,
        from_agency=council,
        shared_on=referred_on + dt.timedelta(days=2),
        summary=INTELLIGENCE,
        recorded_by=officer,
    )
    return panel_case


def _named(person) -> bool:
    person.refresh_from_db()
    return (person.given_name, person.family_name) == ("Josephine", "Wrenfield")


_run = run_retention


def _old_closed_case(specialist_agency, survivor):
    """Her specialist case, closed in May 2019: due, and nothing of its own keeps her."""
    return make_case(
        agency=specialist_agency,
        person=survivor,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 11, 5),
        closed_on=D(2019, 5, 30),
    )


# --- A live panel case keeps her --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "referred_on"),
    [
        (PanelStatus.REFERRED, D(2026, 5, 1)),
        (PanelStatus.INTELLIGENCE, D(2025, 9, 1)),
        # Referred over six years ago and still in legal action: an open case is never done.
        (PanelStatus.LEGAL_ACTION, D(2018, 3, 1)),
    ],
)
def test_an_open_panel_case_keeps_her_when_her_old_case_is_disposed_of(
    status, referred_on, council, officer, survivor, specialist_agency, dpo
):
    panel_case = _panel_case(council, officer, survivor, referred_on=referred_on, status=status)
    _old_closed_case(specialist_agency, survivor)
    assert not due_for("tenancy_panel_case", TODAY).exists()

    run = _run(dpo)
    assert (run.counts["closed_case"], run.counts["tenancy_panel_case"]) == (1, 0)
    assert _named(survivor)
    assert Address.objects.get(person=survivor).line1 == "17 Canarywood Close"
    assert person_still_needed(survivor.pk, TODAY)
    panel_case.refresh_from_db()
    assert (panel_case.representations, panel_case.tenancy_reference) == (REPRESENTATIONS, TENANCY)


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_a_closed_panel_case_keeps_her_for_six_years_from_its_closure(
    clock, council, officer, survivor, specialist_agency, dpo
):
    """Closed (no further action) on 15 June 2020, referred in 2019: it keeps her through
    14 June 2026, so the run for that day disposes of her old specialist case and leaves her named;
    it is due on 15 June 2026, and that day's run disposes of it and anonymises her."""
    panel_case = _panel_case(
        council,
        officer,
        survivor,
        referred_on=D(2019, 11, 4),
        status=PanelStatus.NO_FURTHER_ACTION,
        closed_on=D(2020, 6, 15),
    )
    _old_closed_case(specialist_agency, survivor)
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        day_before = TODAY - dt.timedelta(days=1)
        assert not due_for("tenancy_panel_case", day_before).exists()
        assert SCHEDULES["tenancy_panel_case"].describe(panel_case) == ("TP-2019-0001", D(2020, 6, 15))

        run = _run(dpo, day_before)
        assert (run.counts["closed_case"], run.counts["tenancy_panel_case"]) == (1, 0)
        assert _named(survivor)
        assert person_still_needed(survivor.pk, day_before)

        assert set(due_for("tenancy_panel_case", TODAY).values_list("pk", flat=True)) == {panel_case.pk}
        assert not person_still_needed(survivor.pk, TODAY)
        assert _run(dpo).counts["tenancy_panel_case"] == 1
        assert not _named(survivor)


# --- A person known only through a panel case -------------------------------------------------


@pytest.fixture
def closed_in_2019(council, officer, survivor):
    """Referred 10 April 2019, legal action (a notice served), concluded 30 May 2019: all in the
    quarter April to June 2019."""
    panel_case = _panel_case(
        council, officer, survivor, referred_on=D(2019, 4, 10), status=PanelStatus.CLOSED, closed_on=D(2019, 5, 30)
    )
    LegalStep.objects.create(
        case=panel_case,
        route=LegalRoute.GROUND_2A,
        stage=LegalStage.NOTICE_SERVED,
        taken_on=D(2019, 4, 20),
        recorded_by=officer,
    )
    return panel_case


def test_a_person_known_only_through_a_panel_case_is_anonymised_with_it(closed_in_2019, survivor, dpo):
    run = _run(dpo)
    assert run.counts["tenancy_panel_case"] == 1

    # She is anonymised: names, reference, address, contact, other names; what the equality
    # figures count stays.
    person = Person.objects.get(pk=survivor.pk)
    assert (person.given_name, person.family_name, person.ref) == ("", "", None)
    assert (person.sex, person.date_of_birth) == (Sex.FEMALE, D(1988, 4, 2))
    assert Address.objects.get(person=person).line1 == ""
    assert ContactChannel.objects.get(person=person).value == ""
    assert not PersonName.objects.filter(person=person).exists()

    # The case's words go, with the tenancy reference (it finds her home in the council's system).
    panel_case = TenancyPanelCase.objects.get(pk=closed_in_2019.pk)
    assert (panel_case.representations, panel_case.proportionality_review, panel_case.tenancy_reference) == (
        "",
        "",
        "",
    )
    assert PanelDecision.objects.get(case=panel_case).note == ""
    assert PanelIntelligence.objects.get(case=panel_case).summary == ""
    # What the figures and the panel's history count stays.
    assert (panel_case.number, panel_case.status, panel_case.legal_route) == (
        "TP-2019-0001",
        PanelStatus.CLOSED,
        LegalRoute.GROUND_2A,
    )
    assert (panel_case.referred_on, panel_case.closed_on, panel_case.survivor_id) == (
        D(2019, 4, 10),
        D(2019, 5, 30),
        survivor.pk,
    )
    assert PanelDecision.objects.get(case=panel_case).kind == PanelDecisionKind.LEGAL_ACTION
    assert LegalStep.objects.get(case=panel_case).stage == LegalStage.NOTICE_SERVED

    # One ledger row and one audit row, by id only.
    ledger = RetentionDisposal.objects.get(record_type="tenancy_panel_case")
    assert (ledger.record_id, ledger.run_id) == (str(panel_case.pk), run.pk)
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_id=str(panel_case.pk))
    assert event.object_type == "housing.tenancypanelcase"
    assert event.detail == {"retention": "tenancy_panel_case", "method": "anonymised", "run": str(run.pk)}
    assert not AuditEvent.objects.filter(detail__icontains="CANARY").exists()

    # Nothing is due again; a second run disposes of nothing.
    assert not due_for("tenancy_panel_case", TODAY).exists()
    assert sum(_run(dpo).counts.values()) == 0
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, detail__retention="tenancy_panel_case").count() == 1


def test_disposal_leaves_the_housing_figures_and_the_board_pack_unchanged(closed_in_2019, council, officer, dpo):
    """The board pack's housing section (``quarter_figures``) counts panel cases referred and
    closed in the quarter: the same before and after the case is disposed of."""

    def housing_section():
        sections = board_pack_content(2019, 1)["sections"]
        return next(section for section in sections if section["title"].startswith("Housing"))

    figures_before = dict(quarter_figures(D(2019, 4, 1), D(2019, 6, 30)))
    # The figures count the case, so unchanged figures mean something.
    assert figures_before["Tenancy panel cases referred"] == 1
    assert figures_before["Tenancy panel cases closed"] == 1
    pack_before = housing_section()

    assert _run(dpo).counts["tenancy_panel_case"] == 1
    assert TenancyPanelCase.objects.get(pk=closed_in_2019.pk).representations == ""
    assert dict(quarter_figures(D(2019, 4, 1), D(2019, 6, 30))) == figures_before
    assert housing_section() == pack_before
