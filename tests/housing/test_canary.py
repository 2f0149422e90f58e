"""The housing canary walk. A canary string sits in a temporary-accommodation address (held only
for the officer holding the application), in a refuge placement's area (never in a journey or an
extract), and in the tenancy panel's intelligence (panel members only). Each persona walks every
URL pattern of the site with the real ids of these records (through ``tests/perpetrators/
test_canary.py``'s walker): the perpetrator-programme worker, the survivor's IDVA, a housing
officer of the same council who does not hold the application and does not sit on the panel, a
housing officer of another council and a commissioner. The canary must appear in no page,
download or error page for any of them; the controls show it is really there for those who may see it.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.urls import reverse

from tests.cases.conftest import make_case
from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from tests.perpetrators.test_canary import _walk
from waymark.audit.models import AuditEvent
from waymark.cases.states import CaseStatus
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, HouseholdRole, LegalRoute, PanelDecisionKind, PlacementType

pytestmark = pytest.mark.django_db

# Each walk looks for a prefix: "CANARY-H" catches all three, "CANARY-HX" all but the area (which
# every housing officer of the council sees on the application's own page).
TA_CANARY = "CANARY-HX-TA-4Q7"
INTEL_CANARY = "CANARY-HX-INTEL-3Z"
AREA_CANARY = "CANARY-HA-AREA-8W2"


@pytest.fixture
def world(officer, applicant, panel_member, council, specialist_agency, idva, idva_team, time_machine):
    time_machine.move_to(date(2026, 10, 1))
    victim = PersonFactory(held_by=specialist_agency, given_name="Maya", family_name="Lewis")
    case = make_case(person=victim, agency=specialist_agency, status=CaseStatus.ACTIVE, caseworker=idva, team=idva_team)
    application = new_application(
        officer, applicant, applied_on=date(2026, 10, 1), household=[actions.Member(HouseholdRole.CHILD, 6)]
    )
    type(application).objects.filter(pk=application.pk).update(case=case)
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 10, 1), outcome=AssessmentOutcome.HOMELESS
    )
    refuge = actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.HOSTEL,
        started_on=date(2026, 10, 1),
        area=AREA_CANARY,
        out_of_district=True,
    )
    actions.placement_end(actor=officer, placement=refuge, ended_on=date(2026, 10, 1))
    bnb = actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 10, 1),
        area="Southmere",
        out_of_district=False,
        address=f"{TA_CANARY} Guest House",
    )
    panel_case = actions.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-1",
        tenancy_type="joint",
        tenure="secure",
        referred_on=date(2026, 10, 1),
        survivor=None,
        idva=idva,
    )
    type(panel_case).objects.filter(pk=panel_case.pk).update(survivor=victim)
    meeting = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 10, 1))
    actions.panel_intelligence_add(
        actor=panel_member,
        case=panel_case,
        from_agency=council,
        shared_on=date(2026, 10, 1),
        summary=f"{INTEL_CANARY} call-outs",
    )
    actions.panel_decision_record(
        actor=panel_member,
        case=panel_case,
        meeting=meeting,
        kind=PanelDecisionKind.LEGAL_ACTION,
        legal_route=LegalRoute.GROUND_2A,
        note=INTEL_CANARY,
    )
    ids = {
        "person_id": [victim.pk, applicant.pk],
        "case_id": [panel_case.pk, case.pk],
        "application_id": [application.pk],
        "duty_id": [application.duties.get().pk],
        "placement_id": [refuge.pk, bnb.pk],
        "enrolment_id": [],
        "pk": [],
    }
    return {"ids": ids, "application": application, "panel_case": panel_case, "victim": victim}


def _walk_for(user, world, monkeypatch, prefix):
    import tests.perpetrators.test_canary as walker

    client = signed_in_client(user)
    client.raise_request_exception = False
    monkeypatch.setattr(walker, "CANARY", prefix)
    extra = [("housing:caseload", "?stage=all"), ("housing:panel_list", "?status=all")]
    monkeypatch.setattr(walker, "EXTRA_QUERIES", extra)
    return _walk(client, world)


@pytest.mark.parametrize("persona", ["programme_worker", "idva", "colleague_officer", "other_officer", "commissioner"])
def test_no_canary_for_anyone_without_the_need(world, persona, request, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    user = request.getfixturevalue(persona)
    statuses = _walk_for(user, world, monkeypatch, "CANARY-HX" if persona == "colleague_officer" else "CANARY-H")
    application = world["application"]
    if persona == "colleague_officer":
        # The walk is real: she opens the application and the panel case.
        assert statuses[reverse("housing:application", args=[application.pk])] == 200
        assert statuses[reverse("housing:panel_case", args=[world["panel_case"].pk])] == 200
    if persona == "idva":
        assert statuses[reverse("journey:person", args=[world["victim"].pk])] == 200
        assert statuses[reverse("housing:safety_confirm", args=[world["panel_case"].pk])] == 200
    if persona == "programme_worker":
        assert all(status in (403, 404) for url, status in statuses.items() if url.startswith("/housing/"))
    for canary in (TA_CANARY, AREA_CANARY, INTEL_CANARY):
        assert canary not in caplog.text
        for event in AuditEvent.objects.all():
            assert canary not in f"{event.detail} {event.object_id} {event.actor_label}"


def test_intelligence_is_not_for_a_housing_officer_off_the_panel(world, colleague_officer):
    page = signed_in_client(colleague_officer).get(reverse("housing:panel_case", args=[world["panel_case"].pk]))
    assert page.status_code == 200 and INTEL_CANARY not in page.content.decode()


def test_controls_the_canaries_are_really_there(world, officer, panel_member):
    page = (
        signed_in_client(officer).get(reverse("housing:application", args=[world["application"].pk])).content.decode()
    )
    assert TA_CANARY in page and AREA_CANARY in page  # the holding officer sees where, and the area on her own page
    panel = (
        signed_in_client(panel_member)
        .get(reverse("housing:panel_case", args=[world["panel_case"].pk]))
        .content.decode()
    )
    assert INTEL_CANARY in panel
