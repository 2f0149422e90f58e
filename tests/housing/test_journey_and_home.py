"""Housing entries in a person's journey (who sees which, and never an address or area) and the
housing panels on the home page, computed from records."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, HouseholdRole, LegalRoute, PanelDecisionKind, PlacementType
from waymark.housing.models import HomelessnessApplication
from waymark.journey.sources import EntryKind, journey_for
from waymark.matching.models import PersonLink
from waymark.web.home import panels_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Maya")


@pytest.fixture
def idva_case(survivor, specialist_agency, idva, idva_team):
    return make_case(
        person=survivor, agency=specialist_agency, status=CaseStatus.ACTIVE, caseworker=idva, team=idva_team
    )


@pytest.fixture
def linked_application(officer, applicant, idva_case, time_machine):
    """The council's application for her, linked (as the IDVA based in Housing Solutions links it) to her case."""
    time_machine.move_to(date(2026, 11, 2))
    # The council's record of her and the service's are separate records, confirmed the same person.
    PersonLink.objects.create(
        new_person=applicant, existing_person=idva_case.person, confirmed_by=officer, reason="Same person: checked"
    )
    application = new_application(officer, applicant, household=[actions.Member(HouseholdRole.CHILD, 6)])
    type(application).objects.filter(pk=application.pk).update(case=idva_case)
    application.refresh_from_db()
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.HOSTEL,
        started_on=date(2026, 11, 2),
        area="CANARY-AREA",
        out_of_district=True,
    )
    return application


def _titles(user, person):
    return [entry.title for entry in journey_for(user, person, [EntryKind.HOUSING])]


def test_the_officer_sees_the_applicants_housing_journey_with_links(linked_application, officer, applicant):
    entries = journey_for(officer, applicant, [EntryKind.HOUSING])
    titles = [e.title for e in entries]
    assert f"Homelessness application {linked_application.number}" in titles
    assert "Relief duty started" in titles
    assert "Placed in temporary accommodation: Hostel (including refuge)" in titles
    assert all(e.url for e in entries)


def test_the_idva_sees_it_on_her_cases_person_without_links(linked_application, idva, survivor):
    entries = journey_for(idva, survivor, [EntryKind.HOUSING])
    assert {e.title for e in entries} >= {
        f"Homelessness application {linked_application.number}",
        "Relief duty started",
    }
    assert not any(e.url for e in entries)
    assert any("automatic" in " ".join(e.details) for e in entries)


def test_no_area_or_address_ever_reaches_the_journey(
    linked_application, idva, survivor, officer, applicant, client_for
):
    for user, person in ((idva, survivor), (officer, applicant)):
        for entry in journey_for(user, person, [EntryKind.HOUSING]):
            assert "CANARY" not in entry.title + " ".join(entry.details)
    page = signed_in_client(idva).get(reverse("journey:person", args=[survivor.pk]))
    assert page.status_code == 200 and b"Relief duty started" in page.content and b"CANARY" not in page.content


def test_others_see_no_housing_entries(
    linked_application, survivor, applicant, other_officer, programme_worker, colleague_idva, manager
):
    assert _titles(other_officer, applicant) == []
    assert _titles(programme_worker, survivor) == []
    # Her team colleague and manager may see the case, so they see what the IDVA sees.
    assert _titles(manager, survivor)


def test_panel_entries_for_panel_readers_and_the_named_idva(
    panel_case, panel_member, idva, council, survivor, colleague_idva
):
    type(panel_case).objects.filter(pk=panel_case.pk).update(survivor=survivor)
    assert "Tenancy referred to the DA tenancy panel (TP-2026-0001)" in _titles(panel_member, survivor)
    idva_entries = journey_for(idva, survivor, [EntryKind.HOUSING])
    assert idva_entries and idva_entries[0].url == reverse("housing:safety_confirm", args=[panel_case.pk])


def test_home_panels_count_from_records(officer, applicant, panel_member, council, idva, time_machine):
    time_machine.move_to(date(2026, 9, 1))
    application = new_application(
        officer, applicant, applied_on=date(2026, 9, 1), household=[actions.Member(HouseholdRole.CHILD, 6)]
    )
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 9, 1), outcome=AssessmentOutcome.HOMELESS
    )
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 9, 1),
        area="Southmere",
        out_of_district=False,
    )
    new_application(officer, PersonFactory(held_by=council), applied_on=date(2026, 9, 1))
    case = actions.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-1",
        tenancy_type="joint",
        tenure="secure",
        referred_on=date(2026, 9, 1),
        idva=idva,
    )
    meeting = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 9, 1))
    actions.panel_decision_record(
        actor=panel_member,
        case=case,
        meeting=meeting,
        kind=PanelDecisionKind.LEGAL_ACTION,
        legal_route=LegalRoute.ASB_INJUNCTION,
    )
    time_machine.move_to(date(2026, 10, 20))  # 49 days in: 7 left, and over 6 weeks in B&B
    assert timezone.localdate() == date(2026, 10, 20)
    figures = {f.label: f.value for _r, panels in panels_for(officer) for p in panels for f in p.figures}
    assert figures["Awaiting initial assessment"] == 1
    assert figures["Duties ending within 14 days"] == 1
    assert figures["In temporary accommodation now"] == 1
    assert figures["Children in B&B over 6 weeks"] == 1
    assert figures["Legal action"] == 1
    idva_figures = {f.label: f.value for _r, panels in panels_for(idva) for p in panels for f in p.figures}
    assert idva_figures["In legal action"] == 1
    assert signed_in_client(officer).get(reverse("home")).status_code == 200


def test_the_temporary_accommodation_figures_lead_to_the_applications_they_count(
    officer, applicant, council, time_machine
):
    time_machine.move_to(date(2026, 9, 1))

    def placed(person, placement_type, household):
        application = new_application(officer, person, applied_on=date(2026, 9, 1), household=household)
        actions.application_assess(
            actor=officer, application=application, assessed_on=date(2026, 9, 1), outcome=AssessmentOutcome.HOMELESS
        )
        actions.placement_start(
            actor=officer,
            application=application,
            placement_type=placement_type,
            started_on=date(2026, 9, 1),
            area="Southmere",
            out_of_district=False,
        )
        return application

    family_in_bnb = placed(applicant, PlacementType.BED_AND_BREAKFAST, [actions.Member(HouseholdRole.CHILD, 6)])
    alone_in_bnb = placed(PersonFactory(held_by=council), PlacementType.BED_AND_BREAKFAST, [])
    new_application(officer, PersonFactory(held_by=council), applied_on=date(2026, 9, 1))  # not placed
    time_machine.move_to(date(2026, 10, 20))  # 49 days in B&B
    figures = {f.label: f for _r, panels in panels_for(officer) for p in panels for f in p.figures}
    client = signed_in_client(officer)
    for label, expected in (
        ("In temporary accommodation now", {family_in_bnb.number, alone_in_bnb.number}),
        ("Children in B&B over 6 weeks", {family_in_bnb.number}),
    ):
        figure = figures[label]
        listed = client.get(figure.href)
        assert figure.value == listed.context["page"].paginator.count == len(expected)
        assert {row["application"].number for row in listed.context["rows"]} == expected


# --- A linked case must be the applicant's own ----------------------------------------------------


@pytest.fixture
def officer_and_idva(officer, specialist_agency, idva_team):
    """The IDVA based in Housing Solutions: a housing officer of the council and a caseworker of the
    specialist service, who links the council's applications to her service's cases."""
    from tests.factories import MembershipFactory

    MembershipFactory(user=officer, agency=specialist_agency, team=idva_team, role=Role.CASEWORKER)
    return type(officer).objects.get(pk=officer.pk)


def _her_case(person, agency, caseworker, team):
    return make_case(person=person, agency=agency, status=CaseStatus.ACTIVE, caseworker=caseworker, team=team)


def test_a_case_of_someone_else_cannot_be_linked_and_nothing_is_saved(
    officer_and_idva, applicant, specialist_agency, idva_team, time_machine
):
    time_machine.move_to(date(2026, 11, 2))
    someone_else = PersonFactory(held_by=specialist_agency, given_name="Esi")
    case = _her_case(someone_else, specialist_agency, officer_and_idva, idva_team)
    before = HomelessnessApplication.objects.count()
    with pytest.raises(ValidationError) as refused:
        new_application(officer_and_idva, applicant, case=case)
    assert "someone else" in str(refused.value.message_dict["case"])
    assert HomelessnessApplication.objects.count() == before


def test_her_own_case_links_directly_or_through_a_confirmed_link(
    officer_and_idva, applicant, specialist_agency, idva_team, time_machine
):
    time_machine.move_to(date(2026, 11, 2))
    services_record = PersonFactory(held_by=specialist_agency, given_name="Rosa")
    case = _her_case(services_record, specialist_agency, officer_and_idva, idva_team)
    with pytest.raises(ValidationError):  # not yet confirmed the same person
        new_application(officer_and_idva, applicant, case=case)
    # Confirmed through a third record (A = B, B = C): still the same person.
    middle = PersonFactory(held_by=specialist_agency)
    PersonLink.objects.create(new_person=applicant, existing_person=middle, confirmed_by=officer_and_idva, reason="x")
    PersonLink.objects.create(
        new_person=middle, existing_person=services_record, confirmed_by=officer_and_idva, reason="x"
    )
    assert new_application(officer_and_idva, applicant, case=case).case == case
    # An archived link no longer makes them the same person.
    PersonLink.objects.filter(new_person=middle).update(archived_at=timezone.now())
    with pytest.raises(ValidationError):
        new_application(officer_and_idva, applicant, case=case)


def test_an_application_wrongly_linked_before_the_check_shows_on_no_other_journey(
    officer, applicant, idva, idva_case, survivor, time_machine
):
    """Defence in depth: a link to another woman's case (made before the action checked it) does
    not put the applicant's housing on the case's person's journey."""
    time_machine.move_to(date(2026, 11, 2))
    application = new_application(officer, applicant)
    type(application).objects.filter(pk=application.pk).update(case=idva_case)
    assert _titles(idva, survivor) == []
