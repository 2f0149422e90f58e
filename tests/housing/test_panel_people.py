"""Naming or changing the survivor and her IDVA on a tenancy panel case after referral
(``actions.panel_case_people_update`` and its page), the survivor on the referral form, and the
confirmations a previous IDVA gave that no longer count once another IDVA is named."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.choices import LegalRoute, LegalStage, PanelDecisionKind, TenancyType, Tenure
from waymark.housing.models import SafetyPlanConfirmation, TenancyPanelCase
from waymark.housing.states import PanelStatus

pytestmark = pytest.mark.django_db

REFERRED = date(2026, 10, 1)  # the day of every record here (the ``panel_case`` fixture moves time to it)


@pytest.fixture(autouse=True)
def _pinned(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def meeting(panel_member, council):
    return actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=REFERRED)


def _refer(actor, council, **fields):
    values = {
        "tenancy_reference": "T-000777",
        "tenancy_type": TenancyType.SOLE,
        "tenure": Tenure.SECURE,
        "referred_on": REFERRED,
    }
    values.update(fields)
    return actions.panel_case_refer(actor=actor, agency=council, **values)


@pytest.fixture
def no_idva_case(panel_member, council):
    """Referred with the IDVA "not known yet"."""
    return _refer(panel_member, council)


def _to_legal_action(case, member, meeting):
    actions.panel_decision_record(
        actor=member, case=case, meeting=meeting, kind=PanelDecisionKind.LEGAL_ACTION, legal_route=LegalRoute.GROUND_2A
    )
    actions.panel_review_record(
        actor=member,
        case=case,
        pre_action_protocol_met=True,
        representations="",
        proportionality_review="Proportionate.",
        reviewed_on=REFERRED,
    )
    return case


def _update(actor, case, *, survivor="keep", idva="keep", version=None):
    return actions.panel_case_people_update(
        actor=actor,
        case=case,
        survivor=case.survivor if survivor == "keep" else survivor,
        idva=case.idva if idva == "keep" else idva,
        expected_version=case.version if version is None else version,
    )


def _notice(member, case):
    return actions.panel_legal_step_record(actor=member, case=case, stage=LegalStage.NOTICE_SERVED, taken_on=REFERRED)


# --- The action ------------------------------------------------------------------------------------


def test_a_case_referred_without_an_idva_can_name_one_and_enforcement_can_then_go_ahead(
    no_idva_case, panel_member, meeting, idva
):
    case = _to_legal_action(no_idva_case, panel_member, meeting)
    assert actions.enforcement_blockers(case, LegalStage.NOTICE_SERVED) == [actions.IDVA_NOT_NAMED]
    with pytest.raises(actions.EnforcementRefused, match="No IDVA is named"):
        _notice(panel_member, case)
    version = case.version
    _update(panel_member, case, idva=idva)
    assert case.idva == idva and case.version == version + 1
    assert actions.enforcement_blockers(case, LegalStage.NOTICE_SERVED) == [
        "The survivor's IDVA has not confirmed that her safety plan was checked for this step."
    ]
    actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.NOTICE_SERVED)
    assert _notice(panel_member, case).safety_confirmation.confirmed_by == idva


def test_the_change_is_audited_with_ids_only(no_idva_case, officer, council, idva):
    survivor = PersonFactory(held_by=council, given_name="Rosa", family_name="Survivor")
    _update(officer, no_idva_case, survivor=survivor, idva=idva)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(no_idva_case.pk)).latest("sequence")
    assert event.actor == officer
    assert event.detail == {
        "step": "survivor and idva",
        "survivor": {"from": None, "to": str(survivor.pk)},
        "idva": {"from": None, "to": str(idva.pk)},
        "confirmations_set_aside": 0,
    }
    assert "Rosa" not in str(event.detail) and "Amara" not in str(event.detail)


def test_changing_the_idva_sets_aside_the_previous_idvas_unused_confirmations(
    panel_case, panel_member, meeting, idva, colleague_idva
):
    case = _to_legal_action(panel_case, panel_member, meeting)
    actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.NOTICE_SERVED)
    used = _notice(panel_member, case).safety_confirmation  # used by the step: kept as it is
    unused = actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.PROCEEDINGS_ISSUED)
    assert actions.enforcement_blockers(case, LegalStage.PROCEEDINGS_ISSUED) == []

    _update(panel_member, case, idva=colleague_idva)
    unused.refresh_from_db()
    used.refresh_from_db()
    assert unused.set_aside_at is not None and unused.set_aside_by == panel_member
    assert used.set_aside_at is None
    assert actions.enforcement_blockers(case, LegalStage.PROCEEDINGS_ISSUED) == [
        "The survivor's IDVA has not confirmed that her safety plan was checked for this step."
    ]
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk)).latest("sequence")
    assert event.detail["confirmations_set_aside"] == 1
    # The previous IDVA no longer confirms for this case; the new one does, for herself.
    with pytest.raises(PermissionDenied):
        actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.PROCEEDINGS_ISSUED)
    # Naming the first IDVA again does not bring her old confirmation back.
    _update(panel_member, case, idva=idva)
    assert actions.unused_confirmation(case, LegalStage.PROCEEDINGS_ISSUED) is None
    actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.PROCEEDINGS_ISSUED)
    assert actions.enforcement_blockers(case, LegalStage.PROCEEDINGS_ISSUED) == []


def test_an_idva_left_unnamed_counts_no_confirmation(panel_case, panel_member, meeting, idva):
    case = _to_legal_action(panel_case, panel_member, meeting)
    actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.NOTICE_SERVED)
    _update(panel_member, case, idva=None)
    assert actions.enforcement_blockers(case, LegalStage.NOTICE_SERVED) == [actions.IDVA_NOT_NAMED]
    assert SafetyPlanConfirmation.objects.get().set_aside_at is not None


def test_naming_the_survivor_first_keeps_confirmations_and_naming_another_sets_them_aside(
    panel_case, panel_member, officer, council, meeting, idva
):
    case = _to_legal_action(panel_case, panel_member, meeting)
    confirmation = actions.panel_safety_plan_confirm(actor=idva, case=case, for_stage=LegalStage.NOTICE_SERVED)
    first = PersonFactory(held_by=council)
    _update(officer, case, survivor=first)
    confirmation.refresh_from_db()
    assert case.survivor == first and confirmation.set_aside_at is None
    _update(officer, case, survivor=PersonFactory(held_by=council))
    confirmation.refresh_from_db()
    assert confirmation.set_aside_at is not None
    assert actions.unused_confirmation(case, LegalStage.NOTICE_SERVED) is None


def test_a_survivor_must_be_someone_the_actor_may_see(no_idva_case, officer, specialist_agency, other_council):
    for hidden in (PersonFactory(held_by=specialist_agency), PersonFactory(held_by=other_council)):
        with pytest.raises(ValidationError) as refused:
            _update(officer, no_idva_case, survivor=hidden)
        assert refused.value.message_dict["survivor"] == ["Choose the survivor from the people you can see."]
    no_idva_case.refresh_from_db()
    assert no_idva_case.survivor is None and no_idva_case.version == 1


def test_a_survivor_already_named_is_kept_by_someone_who_cannot_see_her(
    no_idva_case, officer, panel_member, council, idva
):
    """A panel member who may not see the council's people can still name the IDVA: the survivor
    named by the housing officer is kept, not checked again."""
    survivor = PersonFactory(held_by=council)
    _update(officer, no_idva_case, survivor=survivor)
    _update(panel_member, no_idva_case, idva=idva)
    assert no_idva_case.survivor == survivor and no_idva_case.idva == idva


def test_the_idva_must_be_a_caseworker(no_idva_case, panel_member, officer):
    with pytest.raises(ValidationError, match="must be a caseworker"):
        _update(panel_member, no_idva_case, idva=officer)


def test_a_stale_change_is_refused_and_nothing_changes(no_idva_case, panel_member, idva, colleague_idva):
    read_at = no_idva_case.version
    _update(panel_member, no_idva_case, idva=idva, version=read_at)
    with pytest.raises(actions.StaleEdit, match="changed this record"):
        _update(panel_member, no_idva_case, idva=colleague_idva, version=read_at)
    no_idva_case.refresh_from_db()
    assert no_idva_case.idva == idva


def test_who_may_change_the_people_named(
    no_idva_case, panel_member, officer, police_panel_member, other_officer, idva, programme_worker, commissioner
):
    for refused in (other_officer, idva, programme_worker, commissioner):
        with pytest.raises(PermissionDenied):
            _update(refused, no_idva_case, idva=idva)
    for allowed in (panel_member, officer, police_panel_member):
        _update(allowed, no_idva_case, idva=idva if no_idva_case.idva is None else None)
    assert TenancyPanelCase.objects.get().version == 4


def test_a_closed_case_keeps_its_people(no_idva_case, panel_member, meeting, idva):
    case = _to_legal_action(no_idva_case, panel_member, meeting)
    actions.panel_case_close(actor=panel_member, case=case, closed_on=REFERRED)
    with pytest.raises(ValidationError, match="This case is closed"):
        _update(panel_member, case, idva=idva)


def test_nothing_changed_records_nothing(panel_case, panel_member):
    before = AuditEvent.objects.count()
    _update(panel_member, panel_case)
    assert panel_case.version == 1 and AuditEvent.objects.count() == before


# --- The pages -------------------------------------------------------------------------------------


def _people_url(case):
    return reverse("housing:panel_people", args=[case.pk])


def test_the_case_page_links_to_naming_the_idva_when_enforcement_waits_for_one(
    no_idva_case, panel_member, officer, meeting, idva
):
    case = _to_legal_action(no_idva_case, panel_member, meeting)
    url = reverse("housing:panel_case", args=[case.pk])
    for user in (panel_member, officer):
        html = signed_in_client(user).get(url).content.decode()
        assert "Name the survivor's IDVA</a>" in html and f'href="{_people_url(case)}"' in html
        assert "No IDVA is named for the survivor" in html
    _update(panel_member, case, idva=idva)
    html = signed_in_client(panel_member).get(url).content.decode()
    assert 'id="name-idva"' not in html and "IDVA has not confirmed" in html
    assert "Change<span" in html  # the IDVA can still be changed


def test_the_page_names_the_idva_through_the_form(no_idva_case, panel_member, idva):
    client = signed_in_client(panel_member)
    page = client.get(_people_url(no_idva_case))
    assert page.status_code == 200 and "Amara Okafor" in page.content.decode()
    response = client.post(_people_url(no_idva_case), {"idva": str(idva.pk), "version": no_idva_case.version})
    assert response.status_code == 302 and response["Location"] == reverse("housing:panel_case", args=[no_idva_case.pk])
    no_idva_case.refresh_from_db()
    assert no_idva_case.idva == idva


def test_a_stale_save_through_the_page_is_a_409_and_changes_nothing(no_idva_case, panel_member, idva, colleague_idva):
    client = signed_in_client(panel_member)
    read_at = no_idva_case.version
    _update(panel_member, no_idva_case, idva=idva)  # someone else saves first
    response = client.post(_people_url(no_idva_case), {"idva": str(colleague_idva.pk), "version": read_at})
    html = response.content.decode()
    assert response.status_code == 409
    assert "There is a problem" in html and "Someone else changed this record after you opened the page" in html
    assert "IDVA now" in html and "Amara Okafor" in html  # what is recorded now
    no_idva_case.refresh_from_db()
    assert no_idva_case.idva == idva


def test_the_page_refuses_whoever_may_not_refer(
    no_idva_case, idva, programme_worker, commissioner, other_officer, outsider, panel_member, officer
):
    url = _people_url(no_idva_case)
    for user in (idva, programme_worker, commissioner, outsider):
        assert signed_in_client(user).get(url).status_code == 403
        assert signed_in_client(user).post(url, {"idva": str(idva.pk), "version": 1}).status_code == 403
    assert signed_in_client(other_officer).get(url).status_code == 404
    assert signed_in_client(other_officer).post(url, {"idva": str(idva.pk), "version": 1}).status_code == 404
    missing = reverse("housing:panel_people", args=["00000000-0000-0000-0000-000000000000"])
    assert signed_in_client(panel_member).get(missing).status_code == 404
    no_idva_case.refresh_from_db()
    assert no_idva_case.idva is None
    assert signed_in_client(officer).get(url).status_code == 200


def test_the_page_finds_and_names_the_survivor(no_idva_case, officer, panel_member, council, specialist_agency):
    survivor = PersonFactory(held_by=council, given_name="Leah", family_name="Morgan")
    PersonFactory(held_by=specialist_agency, given_name="Leah", family_name="Morgan")  # not hers to see
    client = signed_in_client(officer)
    url = _people_url(no_idva_case)
    found = client.get(url, {"name": "Leah Morgan"})
    assert list(found.context["found"]) == [survivor]
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="people.person").latest("sequence")
    assert event.detail == {"purpose": "tenancy_panel_survivor", "criteria": ["name"], "results": 1}
    chosen = client.get(url, {"survivor": str(survivor.pk)})
    assert chosen.context["chosen"] == survivor
    response = client.post(url, {"survivor": str(survivor.pk), "idva": "", "version": no_idva_case.version})
    assert response.status_code == 302
    no_idva_case.refresh_from_db()
    assert no_idva_case.survivor == survivor
    # The panel member, who may not see the council's people, is told a survivor is named, not who.
    html = signed_in_client(panel_member).get(url).content.decode()
    assert "Named (a record you cannot see)" in html and "Leah" not in html


def test_a_survivor_posted_whom_the_user_may_not_see_is_refused_in_plain_words(
    no_idva_case, officer, specialist_agency
):
    hidden = PersonFactory(held_by=specialist_agency)
    response = signed_in_client(officer).post(
        _people_url(no_idva_case), {"survivor": str(hidden.pk), "idva": "", "version": no_idva_case.version}
    )
    assert response.status_code == 200
    assert "The survivor you chose was not found among the people you can see" in response.content.decode()
    no_idva_case.refresh_from_db()
    assert no_idva_case.survivor is None


# --- The referral form records the survivor --------------------------------------------------------


def test_the_referral_names_the_survivor_chosen_by_the_search(officer, council, idva):
    survivor = PersonFactory(held_by=council, given_name="Leah", family_name="Morgan")
    client = signed_in_client(officer)
    url = reverse("housing:panel_refer")
    found = client.get(url, {"name": "morgan"})
    assert list(found.context["found"]) == [survivor]
    assert f'href="{url}?survivor={survivor.pk}"' in found.content.decode()
    chosen = client.get(url, {"survivor": str(survivor.pk)})
    assert chosen.context["survivor"] == survivor and "Leah Morgan" in chosen.content.decode()
    response = client.post(
        url,
        {
            "survivor": str(survivor.pk),
            "tenancy_reference": "T-42",
            "tenancy_type": "sole",
            "tenure": "secure",
            "referred_on_0": "1",
            "referred_on_1": "10",
            "referred_on_2": "2026",
            "idva": "",
        },
    )
    assert response.status_code == 302
    case = TenancyPanelCase.objects.get()
    assert case.survivor == survivor and case.idva is None and case.status == PanelStatus.REFERRED


def test_the_referral_refuses_a_survivor_the_user_may_not_see(officer, specialist_agency):
    hidden = PersonFactory(held_by=specialist_agency)
    url = reverse("housing:panel_refer")
    client = signed_in_client(officer)
    assert client.get(url, {"survivor": str(hidden.pk)}).context["not_found"]
    response = client.post(
        url,
        {
            "survivor": str(hidden.pk),
            "tenancy_reference": "T-42",
            "tenancy_type": "sole",
            "tenure": "secure",
            "referred_on_0": "1",
            "referred_on_1": "10",
            "referred_on_2": "2026",
        },
    )
    assert response.status_code == 200 and "was not found among the people you can see" in response.content.decode()
    assert not TenancyPanelCase.objects.exists()
