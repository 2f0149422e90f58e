"""The DA tenancy panel: referral, intelligence (panel members only), decisions, the checks
before enforcement and the IDVA's safety-plan confirmation, and the pages' access matrix."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.choices import LegalRoute, LegalStage, NoFurtherActionReason, PanelDecisionKind
from waymark.housing.models import LegalStep, PanelIntelligence, PanelStatusChange, SafetyPlanConfirmation
from waymark.housing.states import PanelStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(panel_member, council):
    return actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 10, 1))


def _decide(member, case, meeting, kind, **fields):
    return actions.panel_decision_record(actor=member, case=case, meeting=meeting, kind=kind, **fields)


@pytest.fixture
def legal_case(panel_case, panel_member, meeting, time_machine):
    time_machine.move_to(date(2026, 10, 5))
    _decide(panel_member, panel_case, meeting, PanelDecisionKind.LEGAL_ACTION, legal_route=LegalRoute.GROUND_2A)
    return panel_case


def _review(member, case, protocol=True):
    return actions.panel_review_record(
        actor=member,
        case=case,
        pre_action_protocol_met=protocol,
        representations="",
        proportionality_review="Proportionate: the survivor and children stay.",
        reviewed_on=date(2026, 10, 5),
    )


def test_referral_starts_at_referred_with_its_history(panel_case, panel_member):
    assert panel_case.status == PanelStatus.REFERRED
    assert panel_case.number == "TP-2026-0001"
    assert PanelStatusChange.objects.get(case=panel_case).to_status == PanelStatus.REFERRED


def test_a_housing_officer_may_refer_but_not_decide(officer, council, panel_case, meeting):
    case = actions.panel_case_refer(
        actor=officer,
        agency=council,
        tenancy_reference="T-9",
        tenancy_type="sole",
        tenure="introductory",
        referred_on=date(2026, 10, 1),
    )
    assert case.status == PanelStatus.REFERRED
    with pytest.raises(PermissionDenied):
        _decide(officer, case, meeting, PanelDecisionKind.GATHER_INTELLIGENCE)


def test_referral_refuses_bad_input(panel_member, council, officer):
    for fields in (
        {"tenancy_reference": ""},
        {"tenancy_type": "shared"},
        {"tenure": "assured"},
        {"referred_on": date(2099, 1, 1)},
        {"idva": officer},
    ):
        values = {
            "tenancy_reference": "T-1",
            "tenancy_type": "sole",
            "tenure": "secure",
            "referred_on": date(2026, 10, 1),
        }
        values.update(fields)
        with pytest.raises(ValidationError):
            actions.panel_case_refer(actor=panel_member, agency=council, **values)


def test_decisions_move_the_case_and_need_their_reason_or_route(panel_case, panel_member, meeting):
    with pytest.raises(ValidationError):
        _decide(panel_member, panel_case, meeting, PanelDecisionKind.LEGAL_ACTION)  # no route
    with pytest.raises(ValidationError):
        _decide(panel_member, panel_case, meeting, PanelDecisionKind.NO_FURTHER_ACTION)  # no reason
    with pytest.raises(ValidationError):
        _decide(
            panel_member,
            panel_case,
            meeting,
            PanelDecisionKind.GATHER_INTELLIGENCE,
            legal_route=LegalRoute.RENT_ARREARS,
        )
    _decide(panel_member, panel_case, meeting, PanelDecisionKind.DEFER)
    assert panel_case.status == PanelStatus.REFERRED
    _decide(panel_member, panel_case, meeting, PanelDecisionKind.GATHER_INTELLIGENCE)
    assert panel_case.status == PanelStatus.INTELLIGENCE
    _decide(panel_member, panel_case, meeting, PanelDecisionKind.GATHER_INTELLIGENCE)  # still gathering
    _decide(
        panel_member,
        panel_case,
        meeting,
        PanelDecisionKind.NO_FURTHER_ACTION,
        nfa_reason=NoFurtherActionReason.PERPETRATOR_LEFT,
    )
    assert panel_case.status == PanelStatus.NO_FURTHER_ACTION and panel_case.closed_on == date(2026, 10, 1)
    with pytest.raises(ValidationError, match="refer again"):
        _decide(panel_member, panel_case, meeting, PanelDecisionKind.LEGAL_ACTION, legal_route=LegalRoute.GROUND_2A)


def test_a_stale_decision_is_refused(panel_case, panel_member, meeting):
    version = panel_case.version
    _decide(panel_member, panel_case, meeting, PanelDecisionKind.GATHER_INTELLIGENCE, expected_version=version)
    with pytest.raises(ValidationError, match="changed this record"):
        _decide(panel_member, panel_case, meeting, PanelDecisionKind.DEFER, expected_version=version)


@pytest.mark.parametrize(
    "stage",
    [
        LegalStage.NOTICE_SERVED,
        LegalStage.PROCEEDINGS_ISSUED,
        LegalStage.ORDER_MADE,
        LegalStage.EVICTION,
        LegalStage.HEARING,
    ],
)
def test_no_enforcement_step_without_the_idvas_confirmation(legal_case, panel_member, stage):
    _review(panel_member, legal_case)
    with pytest.raises(actions.EnforcementRefused, match="IDVA has not confirmed"):
        actions.panel_legal_step_record(actor=panel_member, case=legal_case, stage=stage, taken_on=date(2026, 10, 5))
    assert not LegalStep.objects.exists()
    legal_case.refresh_from_db()
    assert legal_case.legal_stage == ""


def test_enforcement_also_needs_the_protocol_and_the_review(legal_case, panel_member, idva):
    actions.panel_safety_plan_confirm(actor=idva, case=legal_case, for_stage=LegalStage.NOTICE_SERVED)
    with pytest.raises(actions.EnforcementRefused, match="pre-action protocol"):
        actions.panel_legal_step_record(
            actor=panel_member, case=legal_case, stage=LegalStage.NOTICE_SERVED, taken_on=date(2026, 10, 5)
        )
    _review(panel_member, legal_case, protocol=False)
    with pytest.raises(actions.EnforcementRefused, match="pre-action protocol"):
        actions.panel_legal_step_record(
            actor=panel_member, case=legal_case, stage=LegalStage.NOTICE_SERVED, taken_on=date(2026, 10, 5)
        )


def test_confirmation_allows_one_step_and_records_who_and_when(legal_case, panel_member, idva):
    _review(panel_member, legal_case)
    confirmation = actions.panel_safety_plan_confirm(actor=idva, case=legal_case, for_stage=LegalStage.NOTICE_SERVED)
    assert confirmation.confirmed_by == idva and confirmation.confirmed_at is not None
    # Confirmed for serving notice: it does not open proceedings.
    with pytest.raises(actions.EnforcementRefused):
        actions.panel_legal_step_record(
            actor=panel_member, case=legal_case, stage=LegalStage.PROCEEDINGS_ISSUED, taken_on=date(2026, 10, 5)
        )
    step = actions.panel_legal_step_record(
        actor=panel_member, case=legal_case, stage=LegalStage.NOTICE_SERVED, taken_on=date(2026, 10, 5)
    )
    assert step.safety_confirmation == confirmation and step.route == LegalRoute.GROUND_2A
    # Used up: a second notice needs a fresh check.
    with pytest.raises(actions.EnforcementRefused):
        actions.panel_legal_step_record(
            actor=panel_member, case=legal_case, stage=LegalStage.NOTICE_SERVED, taken_on=date(2026, 10, 5)
        )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(confirmation.pk), actor=idva).exists()


def test_non_enforcement_steps_need_no_confirmation(legal_case, panel_member):
    step = actions.panel_legal_step_record(
        actor=panel_member, case=legal_case, stage=LegalStage.LEGAL_ADVICE, taken_on=date(2026, 10, 5)
    )
    assert step.safety_confirmation is None


def test_only_the_named_idva_confirms(legal_case, panel_member, colleague_idva, officer):
    for actor in (panel_member, colleague_idva, officer):
        with pytest.raises(PermissionDenied):
            actions.panel_safety_plan_confirm(actor=actor, case=legal_case, for_stage=LegalStage.NOTICE_SERVED)
    assert not SafetyPlanConfirmation.objects.exists()


def test_confirmation_only_for_an_enforcement_step_on_legal_action(panel_case, idva, legal_case):
    with pytest.raises(ValidationError):
        actions.panel_safety_plan_confirm(actor=idva, case=legal_case, for_stage=LegalStage.LEGAL_ADVICE)


def test_closing_after_legal_action(legal_case, panel_member):
    actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 10, 5))
    assert legal_case.status == PanelStatus.CLOSED
    with pytest.raises(ValidationError):
        actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 10, 5))


def test_intelligence_is_for_panel_members_only(panel_case, panel_member, police_panel_member, officer, council):
    item = actions.panel_intelligence_add(
        actor=police_panel_member,
        case=panel_case,
        from_agency=council,
        shared_on=date(2026, 10, 1),
        summary="CANARY-INTEL call-outs",
    )
    assert PanelIntelligence.objects.visible_to(panel_member).filter(pk=item.pk).exists()
    assert not PanelIntelligence.objects.visible_to(officer).exists()
    url = reverse("housing:panel_case", args=[panel_case.pk])
    assert b"CANARY-INTEL" in signed_in_client(panel_member).get(url).content
    officer_page = signed_in_client(officer).get(url)
    assert officer_page.status_code == 200 and b"CANARY-INTEL" not in officer_page.content
    with pytest.raises(PermissionDenied):
        actions.panel_intelligence_add(
            actor=officer, case=panel_case, from_agency=council, shared_on=date(2026, 10, 1), summary="x"
        )


def test_panel_pages_access_matrix(
    panel_case, panel_member, officer, other_officer, idva, programme_worker, commissioner
):
    detail = reverse("housing:panel_case", args=[panel_case.pk])
    listing = reverse("housing:panel_list")
    for user in (panel_member, officer):
        assert signed_in_client(user).get(detail).status_code == 200
        assert signed_in_client(user).get(listing).status_code == 200
    assert signed_in_client(other_officer).get(detail).status_code == 404
    for user in (idva, programme_worker, commissioner):
        assert signed_in_client(user).get(detail).status_code == 403
        assert signed_in_client(user).get(listing).status_code == 403
    # A housing officer who does not sit on the panel may not record its decisions.
    for name in ("panel_decision", "panel_intelligence", "panel_review", "panel_legal_step", "panel_close"):
        assert signed_in_client(officer).get(reverse(f"housing:{name}", args=[panel_case.pk])).status_code == 403
        assert signed_in_client(other_officer).get(reverse(f"housing:{name}", args=[panel_case.pk])).status_code == 403


def test_idva_confirmation_page(legal_case, idva, colleague_idva, panel_member, programme_worker):
    url = reverse("housing:safety_confirm", args=[legal_case.pk])
    assert signed_in_client(colleague_idva).get(url).status_code == 404
    assert signed_in_client(panel_member).get(url).status_code == 403
    assert signed_in_client(programme_worker).get(url).status_code == 403
    client = signed_in_client(idva)
    assert legal_case.number.encode() in client.get(reverse("housing:idva_panel_cases")).content
    response = client.post(url, {"for_stage": LegalStage.NOTICE_SERVED, "checked": "on"})
    assert response.status_code == 302
    assert SafetyPlanConfirmation.objects.get().confirmed_by == idva


def test_refused_enforcement_through_the_page_is_audited_as_blocked(legal_case, panel_member):
    response = signed_in_client(panel_member).post(
        reverse("housing:panel_legal_step", args=[legal_case.pk]),
        {
            "stage": LegalStage.NOTICE_SERVED,
            "taken_on_0": "5",
            "taken_on_1": "10",
            "taken_on_2": "2026",
            "version": legal_case.version,
        },
    )
    assert response.status_code == 200 and b"IDVA has not confirmed" in response.content
    assert AuditEvent.objects.filter(action=AuditAction.BLOCKED, object_id=str(legal_case.pk)).exists()


def test_the_case_page_shows_a_step_taken_as_taken_not_as_blocked(legal_case, panel_member, idva):
    """A tester read "Notice served: Not yet, the IDVA has not confirmed..." above the legal step
    recording that notice was served: the confirmation it used is spent, not missing."""
    _review(panel_member, legal_case)
    actions.panel_safety_plan_confirm(actor=idva, case=legal_case, for_stage=LegalStage.NOTICE_SERVED)
    actions.panel_legal_step_record(
        actor=panel_member, case=legal_case, stage=LegalStage.NOTICE_SERVED, taken_on=date(2026, 10, 5)
    )
    page = signed_in_client(panel_member).get(reverse("housing:panel_case", args=[legal_case.pk])).content.decode()
    section = page.split('id="enforcement"', 1)[1].split("</ul>", 1)[0]
    notice = next(item for item in section.split("<li>") if LegalStage.NOTICE_SERVED.label in item)
    assert "Taken</span> on 5 October 2026" in notice and "Not yet" not in notice
    assert "Taking it again needs" in notice  # a second notice needs a fresh check
