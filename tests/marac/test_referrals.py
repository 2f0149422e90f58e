"""MARAC referrals: the form's validation, direct and case referrals, numbers, criteria, triage."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member
from tests.marac.meeting_fixtures import read_at
from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import direct_form, earlier_referral, meeting, refer_case
from waymark.audit.chain import hashed_justification
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.incidents.models import Incident
from waymark.marac.models import Criterion, MaracCase, MaracCaseStatus
from waymark.marac.referrals.actions import Demographics, marac_referral_create, marac_referral_decide
from waymark.people.models import Person
from waymark.referrals.actions import PersonDetails, Sharing
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
REFER = reverse("marac:refer")


def post(client, data, query=""):
    return client.post(REFER + query, data)


# --- The form's validation ---------------------------------------------------------------------


def test_professional_judgement_without_reasons_is_refused(police_referrer, marac_agency, client_for):
    data = direct_form(criteria=["professional_judgement"], checklist_score="6")
    response = post(client_for(police_referrer), data)
    assert response.status_code == 200
    assert "Explain why your professional judgement says this is high risk" in response.content.decode()
    assert not MaracCase.objects.exists() and not Person.objects.exists()


def test_professional_judgement_with_reasons_is_accepted(police_referrer, marac_agency, client_for):
    data = direct_form(
        criteria=["professional_judgement"], checklist_score="6", professional_judgement_reason="CANARY-pj-reason"
    )
    response = post(client_for(police_referrer), data)
    assert response.status_code == 302
    case = MaracCase.objects.get()
    assert case.criteria == ["professional_judgement"]
    assert case.professional_judgement_reason == "CANARY-pj-reason"
    assert not AuditEvent.objects.filter(detail__icontains="CANARY").exists()


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("lawful_basis", "Without consent, select the lawful basis for sharing"),
        ("authorised_by", "Without consent, enter who authorised the referral"),
        ("sharing_reason", "Without consent, explain why referring is justified"),
    ],
)
def test_without_consent_needs_a_lawful_basis_reason_and_authoriser(
    police_referrer, marac_agency, client_for, missing, message
):
    data = direct_form(
        consent="refused",
        lawful_basis="vital_interests",
        authorised_by="Sgt Ali, safeguarding lead",
        sharing_reason="Threats to kill",
    )
    data.pop(missing)
    response = post(client_for(police_referrer), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not MaracCase.objects.exists()


def test_without_consent_with_everything_is_recorded_and_audited_as_such(police_referrer, marac_agency, client_for):
    data = direct_form(
        consent="not_sought",
        lawful_basis="preventing_crime",
        authorised_by="Sgt Ali, safeguarding lead",
        sharing_reason="Asking would raise the risk",
    )
    assert post(client_for(police_referrer), data).status_code == 302
    case = MaracCase.objects.get()
    assert (case.consent, case.lawful_basis, case.sharing_authorised_by) == (
        "not_sought",
        "preventing_crime",
        "Sgt Ali, safeguarding lead",
    )
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="marac.maraccase")
    assert hashed_justification(event) == "Referred to MARAC without consent"


def test_high_risk_ticked_with_a_score_below_the_threshold_is_refused(police_referrer, marac_agency, client_for):
    response = post(client_for(police_referrer), direct_form(checklist_score="13"))
    assert "Visible high risk needs a checklist with 14 or more yes answers" in response.content.decode()
    assert not MaracCase.objects.exists()


def test_no_criterion_at_all_is_refused(police_referrer, marac_agency, client_for):
    response = post(client_for(police_referrer), direct_form(criteria=[], checklist_score="3"))
    assert "Select the criteria this referral meets" in response.content.decode()


def test_escalation_claimed_without_incidents_held_needs_a_description(police_referrer, marac_agency, client_for):
    response = post(client_for(police_referrer), direct_form(criteria=["escalation"], checklist_score=""))
    assert "Describe the incidents that show the abuse is escalating" in response.content.decode()
    ok = post(
        client_for(police_referrer),
        direct_form(criteria=["escalation"], checklist_score="", escalation_detail="Three call-outs since May"),
    )
    assert ok.status_code == 302
    assert MaracCase.objects.get().criteria == ["escalation"]


def test_a_victim_under_16_is_refused(police_referrer, marac_agency, client_for):
    born = timezone.localdate() - timedelta(days=365 * 15)
    data = direct_form(
        victim_date_of_birth_0=str(born.day),
        victim_date_of_birth_1=str(born.month),
        victim_date_of_birth_2=str(born.year),
    )
    response = post(client_for(police_referrer), data)
    assert "MARAC is for victims aged 16 or over" in response.content.decode()
    assert not MaracCase.objects.exists()


def test_children_in_household_is_required(police_referrer, marac_agency, client_for):
    response = post(client_for(police_referrer), direct_form(children_in_household=""))
    assert "Enter how many children live in the victim" in response.content.decode()


# --- Direct referral by any agency -------------------------------------------------------------


def test_direct_referral_creates_people_held_by_the_marac_agency(police_referrer, marac_agency, client_for):
    client = client_for(police_referrer)
    page = client.get(REFER).content.decode()
    assert "Waymark never notifies the victim" in page and "never contacts the person causing harm" in page
    response = post(client, direct_form())
    assert response.status_code == 302 and response["Location"] == reverse("marac:mine")
    case = MaracCase.objects.get()
    year = timezone.localdate().year
    assert case.ref == f"M-{year}-000001"
    assert case.status == MaracCaseStatus.REFERRED
    assert case.referring_agency == police_referrer.primary_agency and case.referred_by == police_referrer
    assert case.criteria == ["visible_high_risk"] and case.checklist_score == 15 and case.children_in_household == 2
    assert case.victim.held_by == marac_agency and case.perpetrator.held_by == marac_agency
    victim = case.victim
    assert (victim.given_name, victim.sex, victim.ethnicity, victim.disability) == (
        "Dana",
        "female",
        "black_caribbean",
        "no",
    )
    assert victim.date_of_birth == date(1991, 3, 4)
    assert case.perpetrator.primary_role == "person_causing_harm"
    # The next referral gets the next number.
    post(client, direct_form(victim_given_name="Eve"))
    assert MaracCase.objects.order_by("ref").last().ref == f"M-{year}-000002"


def test_no_person_causing_harm_known(police_referrer, marac_agency, client_for):
    data = direct_form(harm_known="no", harm_given_name="", harm_family_name="", harm_sex="")
    assert post(client_for(police_referrer), data).status_code == 302
    assert MaracCase.objects.get().perpetrator is None
    assert Person.objects.count() == 1


def test_the_referral_sends_nothing_to_anyone(police_referrer, marac_agency, client_for, mailoutbox):
    post(client_for(police_referrer), direct_form())
    assert MaracCase.objects.exists()
    assert mailoutbox == []


def test_a_referrer_can_only_refer_for_their_own_agency(police_referrer, housing_agency, marac_agency):
    with pytest.raises(PermissionDenied):
        marac_referral_create(
            actor=police_referrer,
            referring_agency=housing_agency,
            victim_details=PersonDetails(given_name="A", sex="female"),
            criteria=["professional_judgement"],
            professional_judgement_reason="x",
            children_in_household=0,
        )


def test_the_action_validates_whatever_the_form_said(police_referrer, marac_agency):
    with pytest.raises(ValidationError) as error:
        marac_referral_create(
            actor=police_referrer,
            referring_agency=police_referrer.primary_agency,
            victim_details=PersonDetails(given_name="A", sex="female"),
            criteria=["professional_judgement"],
            children_in_household=0,
            sharing=Sharing(consent="refused"),
        )
    assert set(error.value.message_dict) >= {
        "professional_judgement_reason",
        "lawful_basis",
        "authorised_by",
        "sharing_reason",
    }
    assert not Person.objects.exists()


# --- From a case ---------------------------------------------------------------------------------


def test_from_a_case_prefills_the_victim_perpetrator_and_latest_checklist(
    idva, allocated_case, victim, harm, client_for, marac_agency
):
    from waymark.risk.models import RiskAssessment, RiskInstrument

    instrument = RiskInstrument.objects.filter(is_active=True).first()
    RiskAssessment.objects.create(
        person=victim,
        instrument=instrument,
        assessed_on=timezone.localdate() - timedelta(days=3),
        yes_count=16,
        medium_from=10,
        high_from=14,
        scored_level="high",
        final_level="high",
    )
    referral = Referral.objects.create(
        number="R-2026-000777",
        received_on=timezone.localdate(),
        subject=victim,
        person_causing_harm=harm,
        receiving_agency=allocated_case.agency,
        children_in_household=3,
        consent="given",
    )
    allocated_case.referral = referral
    allocated_case.save()
    client = client_for(idva)
    query = f"?case={allocated_case.pk}"
    page = client.get(REFER + query).content.decode()
    assert "Rosa Lindqvist" in page and "Mark Hollis" in page and "16 yes answers" in page
    assert 'name="victim_given_name"' not in page and 'name="harm_given_name"' not in page
    assert 'name="checklist_score"' not in page
    response = client.post(
        REFER + query,
        {
            "criteria": [],
            "children_in_household": "3",
            "consent": "given",
            "victim_sex": "female",
            "victim_lgbt": "no",
            "victim_disability": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = MaracCase.objects.get()
    assert (case.victim, case.perpetrator, case.case) == (victim, harm, allocated_case)
    assert case.checklist_score == 16 and case.risk_assessment is not None
    assert case.criteria == ["visible_high_risk"]  # computed from the checklist
    victim.refresh_from_db()
    assert (victim.sex, victim.disability, victim.lgbt) == ("female", "yes", "no")  # gaps filled


def test_from_a_case_the_user_cannot_see_is_404(police_referrer, allocated_case, client_for, marac_agency):
    assert client_for(police_referrer).get(REFER + f"?case={allocated_case.pk}").status_code == 404
    assert client_for(police_referrer).get(REFER + "?case=not-a-uuid").status_code == 404


def test_the_form_names_only_earlier_marac_cases_the_referrer_may_see(idva, allocated_case, victim, harm, client_for):
    """An attacker's probe read "Discussed at MARAC before: yes, at meeting ... on ..." off the form
    for a hearing another agency referred, which her journey hides. The form now says the same
    whether or not such a case exists; one her own agency referred is named. The criteria recorded
    still count every case (the action works them out itself)."""
    today = timezone.localdate()
    heard = meeting("MARAC-HIDDEN", today - timedelta(days=60))
    hidden = earlier_referral(victim, harm, today - timedelta(days=70), meeting=heard)
    query = f"?case={allocated_case.pk}"
    page = client_for(idva).get(REFER + query).content.decode()
    assert hidden.ref not in page and "MARAC-HIDDEN" not in page
    assert "not at a meeting you can see; the coordinator checks every meeting" in page
    # Without any earlier case the form reads exactly the same.
    MaracCase.objects.filter(pk=hidden.pk).update(victim=harm)
    same = client_for(idva).get(REFER + query).content.decode()
    facts = re.compile(r'<div class="govuk-inset-text" id="criteria-facts">.*?</div>', re.S)
    assert facts.search(page).group(0) == facts.search(same).group(0)
    # Referred by her own agency: named.
    MaracCase.objects.filter(pk=hidden.pk).update(victim=victim, referring_agency=allocated_case.agency)
    own = facts.search(client_for(idva).get(REFER + query).content.decode()).group(0)
    assert "Discussed at MARAC before (with anyone): yes, at meeting MARAC-HIDDEN" in own


def test_a_repeat_the_referrer_may_not_see_does_not_excuse_ticking_a_criterion(idva, allocated_case, victim, harm):
    """The review after the form was fixed: a referral with no criterion ticked was accepted exactly
    when a hidden earlier case made it a repeat, so submitting told the referrer what the form no
    longer says. Now the refusal is the same either way, and the repeat is still recorded."""
    today = timezone.localdate()
    hidden = earlier_referral(victim, harm, today - timedelta(days=70))

    def refer(criteria: list[str], reason: str = "") -> MaracCase:
        return refer_case(idva, allocated_case, harm, criteria, reason)

    with pytest.raises(ValidationError) as with_hidden:
        refer([])
    MaracCase.objects.filter(pk=hidden.pk).update(victim=harm)  # no earlier case of this pair
    with pytest.raises(ValidationError) as without:
        refer([])
    assert with_hidden.value.message_dict == without.value.message_dict
    assert with_hidden.value.message_dict["criteria"] == ["Select the criteria this referral meets"]
    assert MaracCase.objects.filter(victim=victim).count() == 0

    # Ticking a criterion, she is referred, and the repeat the referrer cannot see is recorded.
    MaracCase.objects.filter(pk=hidden.pk).update(victim=victim)
    made = refer(["professional_judgement"], reason="Threats since she left")
    assert set(made.criteria) == {"professional_judgement", "repeat"}


def test_a_repeat_the_referrer_may_see_counts_as_its_criterion(idva, allocated_case, victim, harm):
    earlier_referral(victim, harm, timezone.localdate() - timedelta(days=70), referring_agency=allocated_case.agency)
    assert refer_case(idva, allocated_case, harm, []).criteria == ["repeat"]


def test_case_page_has_the_refer_to_marac_section(idva, allocated_case, client_for):
    page = client_for(idva).get(reverse("cases:detail", args=[allocated_case.pk])).content.decode()
    assert "Refer to MARAC" in page and f"?case={allocated_case.pk}" in page


def test_repeat_and_escalation_are_computed_with_their_evidence(police_referrer, victim, harm, coordinator):
    today = timezone.localdate()
    earlier = earlier_referral(victim, harm, today - timedelta(days=100))
    for days in (5, 40, 80):
        Incident.objects.create(victim=victim, perpetrator=None, occurred_on=today - timedelta(days=days))
    case = marac_referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        victim=victim,
        perpetrator=harm,
        criteria=[],
        children_in_household=1,
    )
    assert case.criteria == [Criterion.ESCALATION, Criterion.REPEAT]
    assert "3 incidents between" in case.escalation_detail
    from waymark.marac.repeats import repeats_for_all_cases

    assert repeats_for_all_cases()[case.pk].twelve_month.case_ref == earlier.ref


# --- The coordinator's queue and decision -------------------------------------------------------


def test_coordinator_queue_shows_both_rules_with_evidence_and_decides(
    coordinator, police_referrer, victim, harm, client_for
):
    today = timezone.localdate()
    heard = meeting("MTG-OLD", today - timedelta(days=500))
    earlier_referral(victim, None, today - timedelta(days=510), meeting=heard)
    twelve = earlier_referral(victim, harm, today - timedelta(days=30))
    new = marac_referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        victim=victim,
        perpetrator=harm,
        criteria=["professional_judgement"],
        professional_judgement_reason="Fear",
        children_in_household=0,
    )
    client = client_for(coordinator)
    queue = client.get(reverse("marac:referrals")).content.decode()
    assert new.ref in queue and twelve.ref not in queue.split(new.ref)[0]
    assert f"repeat</strong> of {twelve.ref}" in queue and "discussed at MTG-OLD" in queue
    detail = client.get(reverse("marac:referral", args=[new.pk])).content.decode()
    assert "Repeat of " + twelve.ref in detail and "MTG-OLD" in detail
    refused = client.post(
        reverse("marac:decide", args=[new.pk]), {"decision": "not_accept", "reason": "", **read_at(new)}
    )
    assert refused.status_code == 400 and "Choose the reason the referring agency will see" in refused.content.decode()
    response = client.post(reverse("marac:decide", args=[new.pk]), {"decision": "accept", **read_at(new)})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == MaracCaseStatus.ACCEPTED and new.decided_by == coordinator
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(new.pk)).get()
    assert event.detail["to"] == "accepted"
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(new.pk)).exists()


def test_not_accepted_keeps_the_reason_and_cannot_be_decided_twice(coordinator, police_referrer, marac_agency):
    case = marac_referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        victim_details=PersonDetails(given_name="A", sex="female"),
        demographics=Demographics(),
        criteria=["professional_judgement"],
        professional_judgement_reason="x",
        children_in_household=0,
    )
    marac_referral_decide(
        actor=coordinator, marac_case=case, accept=False, reason_code="other", reason="Below threshold; IDVA support"
    )
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.NOT_ACCEPTED and case.decision_reason.startswith("Below")
    with pytest.raises(ValidationError):
        marac_referral_decide(actor=coordinator, marac_case=case, accept=True)
    with pytest.raises(PermissionDenied):
        marac_referral_decide(actor=police_referrer, marac_case=case, accept=True)


def test_referrer_list_shows_status_only(police_referrer, marac_agency, client_for):
    client = client_for(police_referrer)
    post(client, direct_form())
    page = client.get(reverse("marac:mine")).content.decode()
    case = MaracCase.objects.get()
    assert case.ref in page and "Referred: awaiting the coordinator" in page
    assert "Dana" not in page and "Whitlow" not in page and "Lee" not in page


def test_any_referring_role_may_refer(marac_agency, client_for, housing_agency):
    for role in (Role.HOUSING_OFFICER, Role.MARAC_REPRESENTATIVE, Role.CASEWORKER, Role.TEAM_MANAGER):
        user = make_member(role, agency=housing_agency)
        assert client_for(user).get(REFER).status_code == 200


def test_coordinator_confirms_a_typed_in_victim_is_known_to_marac(
    coordinator, police_referrer, marac_agency, specialist_agency, client_for
):
    today = timezone.localdate()
    known_victim = Person.objects.create(
        held_by=specialist_agency, given_name="Dana", family_name="Whitlow", date_of_birth=date(1991, 3, 4)
    )
    known_harm = Person.objects.create(held_by=specialist_agency, given_name="Lee", family_name="Garner")
    earlier = earlier_referral(known_victim, known_harm, today - timedelta(days=60))
    post(client_for(police_referrer), direct_form())
    new = MaracCase.objects.exclude(pk=earlier.pk).get()
    from waymark.marac.repeats import repeats_for_all_cases

    assert not repeats_for_all_cases()[new.pk].is_repeat_12_month  # different records
    client = client_for(coordinator)
    page = client.get(reverse("marac:referral", args=[new.pk])).content.decode()
    assert "Known to MARAC before? (the victim)" in page and earlier.ref in page
    url = reverse("marac:same-person", args=[new.pk])
    client.post(url, {"role": "victim", "person": str(known_victim.pk), "reason": "", **read_at(new)})
    new.refresh_from_db()
    assert new.victim != known_victim  # a reason is required
    client.post(url, {"role": "victim", "person": str(known_victim.pk), "reason": "Same DOB and name", **read_at(new)})
    client.post(
        url, {"role": "perpetrator", "person": str(known_harm.pk), "reason": "Same name, same victim", **read_at(new)}
    )
    new.refresh_from_db()
    assert (new.victim, new.perpetrator) == (known_victim, known_harm)
    assert repeats_for_all_cases()[new.pk].twelve_month.case_ref == earlier.ref
    events = AuditEvent.objects.filter(action=AuditAction.LINK, object_id=str(new.pk))
    assert sorted(e.detail["field"] for e in events) == ["perpetrator", "victim"]
    assert not any("DOB" in str(e.detail) for e in events)
    # The reason is kept, encrypted, as each row's justification (it was asked for, then dropped).
    assert sorted(hashed_justification(e) for e in events) == ["Same DOB and name", "Same name, same victim"]
    # Only someone offered can be chosen; only the coordinator can confirm.
    stranger = Person.objects.create(held_by=specialist_agency, given_name="Zed")
    assert client.post(url, {"role": "victim", "person": str(stranger.pk), "reason": "x"}).status_code == 404
    assert (
        client_for(police_referrer)
        .post(url, {"role": "victim", "person": str(known_victim.pk), "reason": "x"})
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    "reason", ["Same woman, now at 17 Canarywood Close, CF9 7ZQ", "Same mobile, 07700 900461", "Same DOB; SW1A 1AA"]
)
def test_the_same_person_reason_may_not_locate_anyone(
    reason, coordinator, police_referrer, marac_agency, specialist_agency, client_for
):
    """The coordinator's reason is kept as the audit row's justification, in the hash chain, after
    the referral and her record are disposed of: an attacker's probe found "she is now at ..."
    would outlive everything else about her. A postcode or phone number in it is refused, nothing
    is linked and nothing is audited."""
    today = timezone.localdate()
    known_victim = Person.objects.create(
        held_by=specialist_agency, given_name="Dana", family_name="Whitlow", date_of_birth=date(1991, 3, 4)
    )
    earlier_referral(
        known_victim, Person.objects.create(held_by=specialist_agency, given_name="Lee"), today - timedelta(days=60)
    )
    post(client_for(police_referrer), direct_form())
    new = MaracCase.objects.exclude(victim=known_victim).get()
    client = client_for(coordinator)
    url = reverse("marac:same-person", args=[new.pk])
    page = client.post(
        url, {"role": "victim", "person": str(known_victim.pk), "reason": reason, **read_at(new)}, follow=True
    )
    new.refresh_from_db()
    assert new.victim != known_victim
    assert not AuditEvent.objects.filter(action=AuditAction.LINK, object_id=str(new.pk)).exists()
    assert "must not include a" in page.content.decode()
    assert reason not in page.content.decode()


# --- The reason the referrer reads: from a list, with words checked for a location (issue 11) ---


def _new_referral(police_referrer):
    return marac_referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        victim_details=PersonDetails(given_name="A", sex="female"),
        demographics=Demographics(),
        criteria=["professional_judgement"],
        professional_judgement_reason="x",
        children_in_household=0,
    )


def test_not_accepting_needs_a_reason_from_the_list(coordinator, police_referrer, marac_agency):
    case = _new_referral(police_referrer)
    for code, words in (("", "Below threshold"), ("made_up", ""), ("other", "")):
        with pytest.raises(ValidationError):
            marac_referral_decide(actor=coordinator, marac_case=case, accept=False, reason_code=code, reason=words)
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.REFERRED


def test_the_referrer_reads_the_chosen_reason_and_the_coordinator_is_warned(
    coordinator, police_referrer, marac_agency, client_for
):
    case = _new_referral(police_referrer)
    page = client_for(coordinator).get(reverse("marac:referral", args=[case.pk])).content.decode()
    assert "govuk-warning-text" in page and "the referring agency will read the reason you choose" in page
    response = client_for(coordinator).post(
        reverse("marac:decide", args=[case.pk]),
        {"decision": "not_accept", "reason_code": "support_elsewhere", "reason": "IDVA to continue", **read_at(case)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    expected = "Support through the IDVA service or another route suits the risk better. IDVA to continue"
    assert case.shared_reason == expected
    referrer_page = client_for(police_referrer).get(reverse("marac:mine")).content.decode()
    assert case.ref in referrer_page and expected in referrer_page


@pytest.mark.parametrize("code", ["already_listed", "out_of_area"])
def test_a_reason_about_the_person_reaches_the_referrer_as_a_neutral_phrase(
    coordinator, police_referrer, marac_agency, client_for, code
):
    """That she is already on a MARAC agenda, or lives elsewhere, is not the referrer's to learn
    from the system (an attacker's probe): they read ``REASON_NOT_SHARED``; the coordinator's page
    keeps the reason recorded."""
    from waymark.marac.models import NotAcceptedReason
    from waymark.referrals.choices import REASON_NOT_SHARED

    case = _new_referral(police_referrer)
    response = client_for(coordinator).post(
        reverse("marac:decide", args=[case.pk]), {"decision": "not_accept", "reason_code": code, **read_at(case)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    recorded = str(NotAcceptedReason(code).label)
    assert case.shared_reason == f"{REASON_NOT_SHARED}." and case.recorded_reason == f"{recorded}."
    referrer_page = client_for(police_referrer).get(reverse("marac:mine")).content.decode()
    assert case.ref in referrer_page and REASON_NOT_SHARED in referrer_page
    assert recorded.replace("'", "&#x27;") not in referrer_page
    own = client_for(coordinator).get(reverse("marac:referral", args=[case.pk])).content.decode()
    assert recorded.replace("'", "&#x27;") in own


def test_words_that_look_located_need_confirming(coordinator, police_referrer, marac_agency, client_for):
    case = _new_referral(police_referrer)
    client = client_for(coordinator)
    data = {
        "decision": "not_accept",
        "reason_code": "other",
        "reason": "Now living at 07700 900123's address",
        **read_at(case),
    }
    first = client.post(reverse("marac:decide", args=[case.pk]), data)
    assert first.status_code == 400 and "looks as if it contains a phone number" in first.content.decode()
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.REFERRED
    second = client.post(reverse("marac:decide", args=[case.pk]), {**data, "location_confirmed": "on"})
    assert second.status_code == 302
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.NOT_ACCEPTED


def test_every_person_known_to_marac_by_that_name_is_offered_in_one_query(
    coordinator, police_referrer, specialist_agency, marac_agency, client_for, django_assert_num_queries
):
    """No first-ten cut-off: the coordinator may confirm only someone offered, so a common name
    with many earlier referrals must list them all (here fourteen), each with its own count."""
    from waymark.marac.referrals.selectors import known_to_marac

    today = timezone.localdate()
    harm = Person.objects.create(held_by=specialist_agency, given_name="Lee", family_name="Garner")
    namesakes = []
    for n in range(14):
        person = Person.objects.create(held_by=specialist_agency, given_name="Dana", family_name="Whitlow")
        for k in range(1 + n % 3):
            earlier_referral(person, harm, today - timedelta(days=30 + 40 * n + k))
        namesakes.append(person)
    post(client_for(police_referrer), direct_form())
    new = MaracCase.objects.get(referring_agency=police_referrer.primary_agency)

    with django_assert_num_queries(2):  # the referral's victim, then every candidate with its counts
        found = known_to_marac(new, role="victim")
    assert {c["person"].pk for c in found} == {p.pk for p in namesakes}
    by_person = {c["person"].pk: c for c in found}
    for n, person in enumerate(namesakes):
        assert by_person[person.pk]["referrals"] == 1 + n % 3
        assert by_person[person.pk]["latest_ref"] == MaracCase.objects.filter(victim=person).latest("referred_on").ref

    last = namesakes[-1]  # the one a first-ten list would have left out
    client = client_for(coordinator)
    url = reverse("marac:same-person", args=[new.pk])
    client.post(
        url, {"role": "victim", "person": str(last.pk), "reason": "Same name; same person causing harm", **read_at(new)}
    )
    new.refresh_from_db()
    assert new.victim == last
