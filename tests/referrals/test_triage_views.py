"""The receiving service's queue and triage page: scoped, audited, with the route and why."""

import pytest
from django.urls import reverse

from tests.factories import make_member
from tests.referrals.conftest import CANARY_NAME, high_risk, make_referral, years_ago
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.referrals.actions import PersonDetails, referral_transition

pytestmark = pytest.mark.django_db


def detail_url(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


def transition_url(referral):
    return reverse("referrals:transition", kwargs={"referral_id": referral.pk})


# --- Access matrices -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "idva"])
def test_receiving_service_sees_queue_and_triage_page(request, client_for, police_referrer, persona):
    referral = make_referral(police_referrer)
    client = client_for(request.getfixturevalue(persona))
    assert referral.number in client.get(reverse("referrals:queue")).content.decode()
    page = client.get(detail_url(referral))
    assert page.status_code == 200 and CANARY_NAME in page.content.decode()


def test_other_agency_manager_gets_404_and_an_empty_queue(client_for, police_referrer, other_service_manager):
    referral = make_referral(police_referrer)
    client = client_for(other_service_manager)
    assert referral.number not in client.get(reverse("referrals:queue")).content.decode()
    assert client.get(detail_url(referral)).status_code == 404
    assert client.post(transition_url(referral), {"to_status": "triaged"}).status_code == 404


def test_unknown_referral_is_404_like_another_agencys(client_for, manager):
    import uuid

    assert client_for(manager).get(reverse("referrals:detail", kwargs={"referral_id": uuid.uuid4()})).status_code == 404


@pytest.mark.parametrize("persona", ["police_referrer", "auditor", "administrator", "outsider"])
def test_wrong_roles_are_refused(request, client_for, police_referrer, persona):
    referral = make_referral(police_referrer)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:queue")).status_code == 403
    assert client.get(detail_url(referral)).status_code == 403
    assert client.post(transition_url(referral), {"to_status": "triaged"}).status_code == 403


def test_housing_officer_in_the_receiving_agency_is_refused(client_for, police_referrer, specialist_agency):
    referral = make_referral(police_referrer)
    housing = make_member(Role.HOUSING_OFFICER, agency=specialist_agency)
    assert client_for(housing).get(detail_url(referral)).status_code == 403


def test_caseworker_reads_but_cannot_decide(client_for, police_referrer, idva):
    referral = make_referral(police_referrer)
    client = client_for(idva)
    body = client.get(detail_url(referral)).content.decode()
    assert "Mark as triaged" not in body and "A team manager decides" in body
    assert client.post(transition_url(referral), {"to_status": "triaged"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == "received"


# --- Audit ---------------------------------------------------------------------------------


def test_queue_and_page_views_are_audited(client_for, police_referrer, manager):
    referral = make_referral(police_referrer)
    client = client_for(manager)
    client.get(reverse("referrals:queue"))
    client.get(detail_url(referral))
    views = AuditEvent.objects.filter(actor=manager, action=AuditAction.VIEW)
    assert views.filter(object_id="").count() == 1
    assert views.filter(object_id=str(referral.pk)).count() == 1


# --- Route recommendation ------------------------------------------------------------------


def test_high_risk_recommends_idva_and_prompts_marac(client_for, police_referrer, manager):
    referral = make_referral(police_referrer, risk=high_risk())
    body = client_for(manager).get(detail_url(referral)).content.decode()
    assert "Recommended route" in body
    assert "IDVA service" in body
    assert "Consider a MARAC referral" in body
    assert "Why:" in body


def test_standard_risk_recommends_advocacy_without_marac(client_for, police_referrer, manager):
    from django.utils import timezone

    from waymark.referrals.actions import RiskAnswers

    referral = make_referral(police_referrer, risk=RiskAnswers(assessed_on=timezone.localdate(), yes_count=3))
    body = client_for(manager).get(detail_url(referral)).content.decode()
    assert "Advocacy and support service" in body
    assert "Consider a MARAC referral" not in body


@pytest.mark.parametrize(("age", "route"), [(14, "Children&#x27;s social care"), (17, "Young people&#x27;s service")])
def test_young_people_are_routed_by_age(client_for, police_referrer, manager, age, route):
    referral = make_referral(police_referrer, subject=PersonDetails(given_name="Young", date_of_birth=years_ago(age)))
    body = client_for(manager).get(detail_url(referral)).content.decode()
    assert route in body


# --- Decisions through the page ------------------------------------------------------------


def test_manager_triages_then_declines_with_reason(client_for, police_referrer, manager):
    referral = make_referral(police_referrer, risk=high_risk())
    client = client_for(manager)
    assert client.post(transition_url(referral), {"to_status": "triaged"}).status_code == 302
    body = client.get(detail_url(referral)).content.decode()
    assert "Accept and open a case" in body and "Decline" in body
    refused = client.post(transition_url(referral), {"to_status": "declined", "reason": "Outside our area"})
    referral.refresh_from_db()
    assert referral.status == "triaged"  # refused: no reason from the list
    assert refused.status_code == 400
    assert "Choose the reason the referring agency will see" in refused.content.decode()
    client.post(transition_url(referral), {"to_status": "declined", "reason_code": "outside_area"})
    referral.refresh_from_db()
    assert referral.status == "declined"


def test_invalid_move_is_refused_with_a_message(client_for, police_referrer, manager):
    referral = make_referral(police_referrer)
    client = client_for(manager)
    response = client.post(transition_url(referral), {"to_status": "accepted"}, follow=True)
    assert "can only be triaged" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "received"


def test_markup_in_names_is_escaped_on_the_queue_and_triage_page(client_for, police_referrer, manager):
    referral = make_referral(police_referrer, subject=PersonDetails(given_name="<script>alert(1)</script>"))
    client = client_for(manager)
    for url in (reverse("referrals:queue"), detail_url(referral)):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_decided_referrals_leave_the_queue(client_for, police_referrer, manager):
    referral = make_referral(police_referrer)
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral_transition(actor=manager, referral=referral, to_status="accepted")
    client = client_for(manager)
    assert referral.number not in client.get(reverse("referrals:queue")).content.decode()
    assert referral.number in client.get(reverse("referrals:queue") + "?show=all").content.decode()


def test_contact_details_follow_the_people_location_rule(client_for, police_referrer, manager, specialist_agency):
    from tests.factories import MembershipFactory

    referral = make_referral(police_referrer)
    assert "07700 900982" in client_for(manager).get(detail_url(referral)).content.decode()
    # One account must not bridge perpetrator work and a victim's whereabouts.
    MembershipFactory(user=manager, agency=specialist_agency, role=Role.PERPETRATOR_WORKER)
    body = client_for(manager).get(detail_url(referral)).content.decode()
    assert "07700 900982" not in body and "ZZ9 9ZZ" not in body
    assert "Not shown" in body


def test_pages_are_not_cached(client_for, police_referrer, manager):
    referral = make_referral(police_referrer)
    client = client_for(manager)
    for url in (reverse("referrals:queue"), detail_url(referral)):
        assert client.get(url)["Cache-Control"] == "no-store"


# --- Known-person matching at triage -------------------------------------------------------


def _link_url(referral):
    return reverse("referrals:link", kwargs={"referral_id": referral.pk})


def test_a_second_referral_of_the_same_person_shows_the_first_as_a_match(client_for, police_referrer, manager):
    first = make_referral(police_referrer)
    second = make_referral(police_referrer)  # same name and date of birth
    body = client_for(manager).get(detail_url(second)).content.decode()
    assert 'id="possible-matches"' in body
    assert "Confirm this is the same person" in body
    assert f'value="{first.subject.pk}"' in body
    assert f'value="{second.subject.pk}"' not in body  # never matched to itself


def test_caseworker_sees_matches_but_cannot_confirm(client_for, police_referrer, idva):
    make_referral(police_referrer)
    second = make_referral(police_referrer)
    body = client_for(idva).get(detail_url(second)).content.decode()
    assert 'id="possible-matches"' in body and "Confirm this is the same person" not in body


def test_manager_confirms_a_match_with_a_reason(client_for, police_referrer, manager):
    """Confirming a match previews the merge, then merges the referral's record into the known one."""
    from waymark.matching.models import PersonMerge

    first = make_referral(police_referrer)
    second = make_referral(police_referrer)
    duplicate = second.subject
    client = client_for(manager)
    preview = client.post(_link_url(second), {"existing_person": first.subject.pk})
    assert "Check and merge the records" in preview.content.decode() and not PersonMerge.objects.exists()
    refused = client.post(_link_url(second), {"existing_person": first.subject.pk, "confirm": "1", "reason": "x"})
    assert "Explain why" in refused.content.decode()
    assert not PersonMerge.objects.exists()  # reason too short: refused, nothing saved
    client.post(
        _link_url(second),
        {"existing_person": first.subject.pk, "confirm": "1", "reason": "Same date of birth and phone"},
    )
    merge = PersonMerge.objects.get()
    assert (merge.absorbed_id, merge.survivor_id, merge.merged_by) == (duplicate.pk, first.subject.pk, manager)
    assert AuditEvent.objects.filter(action=AuditAction.LINK, actor=manager).count() == 1
    second.refresh_from_db()
    assert second.subject_id == first.subject.pk
    assert 'id="merged-into"' in client.get(detail_url(second)).content.decode()


@pytest.mark.parametrize("persona", ["idva", "police_referrer", "outsider"])
def test_only_a_receiving_manager_may_confirm(request, client_for, police_referrer, persona):
    first, second = make_referral(police_referrer), make_referral(police_referrer)
    response = client_for(request.getfixturevalue(persona)).post(
        _link_url(second), {"existing_person": first.subject.pk, "reason": "Same date of birth and phone"}
    )
    assert response.status_code == 403


def test_other_agency_manager_gets_404_when_confirming(client_for, police_referrer, other_service_manager):
    first, second = make_referral(police_referrer), make_referral(police_referrer)
    response = client_for(other_service_manager).post(
        _link_url(second), {"existing_person": first.subject.pk, "reason": "Same date of birth and phone"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_confirming_an_unknown_person_is_404(client_for, police_referrer, manager, bad):
    referral = make_referral(police_referrer)
    response = client_for(manager).post(_link_url(referral), {"existing_person": bad, "reason": "Same person for sure"})
    assert response.status_code == 404
