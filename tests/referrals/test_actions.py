"""referral_create, self_referral_create and referral_transition: all or nothing, audited."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.clock import on_day
from tests.factories import make_member
from tests.referrals.conftest import CANARY_NAME, CANARY_POSTCODE, high_risk, make_referral, years_ago
from waymark.audit.chain import hashed_justification
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.people.models import Person
from waymark.referrals.actions import (
    ON_ACCEPTED,
    PersonDetails,
    RiskAnswers,
    SafeContact,
    Sharing,
    WhatHappened,
    referral_transition,
    self_referral_create,
)
from waymark.referrals.models import Referral, ReferralStatusChange
from waymark.referrals.states import InvalidTransition, ReferralStatus
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

# One fixed "today", kept at the run's hour (tests/clock.on_day): the parametrize lists below are
# built at collection, before the run's pinned clock is in force, so reading the clock there read
# the wall clock's day.
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


def test_create_records_people_referral_history_and_audit(police_referrer, specialist_agency):
    referral = make_referral(police_referrer)
    assert re.fullmatch(r"R-\d{4}-\d{6}", referral.number)
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.source == "professional"
    assert referral.referring_agency == police_referrer.primary_agency
    assert referral.referring_user == police_referrer
    assert referral.receiving_agency == specialist_agency
    assert referral.subject.held_by == specialist_agency
    assert referral.person_causing_harm.primary_role == "person_causing_harm"
    assert referral.abuse_types == ["coercive_control", "physical"]
    assert list(referral.status_changes.values_list("to_status", flat=True)) == ["received"]
    actions = set(AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True))
    assert actions == {AuditAction.CREATE}


def test_numbers_run_on_within_a_year(police_referrer):
    first, second = make_referral(police_referrer), make_referral(police_referrer)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_sensitive_text_is_encrypted_at_rest_and_not_in_the_audit_trail(police_referrer):
    from django.db import connection

    referral = make_referral(police_referrer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_postcode, latest_incident_summary, contact_phone FROM referrals_referral WHERE id = %s",
            [referral.pk.hex if connection.vendor == "sqlite" else referral.pk],
        )
        row = cursor.fetchone()
    assert CANARY_POSTCODE not in str(row) and "canary-incident" not in str(row) and "07700" not in str(row)
    for event in AuditEvent.objects.all():
        assert CANARY_NAME not in str(event.detail) + event.justification


def test_refuses_an_agency_the_referrer_does_not_refer_for(police_referrer, specialist_agency):
    with pytest.raises(PermissionDenied):
        make_referral(police_referrer, referring_agency=specialist_agency)
    assert not Referral.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"subject": PersonDetails(given_name="A", date_of_birth=TODAY + timedelta(days=1))},
            "subject_date_of_birth",
        ),
        ({"subject": PersonDetails(given_name="A", date_of_birth=years_ago(130))}, "subject_date_of_birth"),
        ({"subject": PersonDetails(given_name="A", approximate_age=200)}, "subject_approximate_age"),
        ({"subject": PersonDetails()}, "subject_given_name"),
        (
            {"person_causing_harm": PersonDetails(given_name="B", date_of_birth=TODAY + timedelta(days=9))},
            "harm_date_of_birth",
        ),
        ({"children_in_household": 99}, "children_in_household"),
        ({"what": WhatHappened(vawg_category="nonsense", latest_incident_summary="x")}, "vawg_category"),
        ({"what": WhatHappened(vawg_category="stalking", abuse_types=["bogus"])}, "abuse_types"),
        (
            {"what": WhatHappened(vawg_category="stalking", latest_incident_on=TODAY + timedelta(days=1))},
            "latest_incident_on",
        ),
        ({"sharing": Sharing(consent="refused")}, "lawful_basis"),
        ({"sharing": Sharing(consent="not_sought", lawful_basis="vital_interests")}, "authorised_by"),
        (
            {"sharing": Sharing(consent="refused", lawful_basis="vital_interests", authorised_by="DS Lee")},
            "sharing_reason",
        ),
        ({"contact": SafeContact(safe_to_call="maybe")}, "safe_to_call"),
        ({"risk": RiskAnswers(assessed_on=TODAY + timedelta(days=1), yes_count=3)}, "risk_assessed_on"),
        (
            {"risk": RiskAnswers(assessed_on=TODAY, yes_count=15, judgement_level="standard")},
            "risk_judgement_level",
        ),
        (
            {"risk": RiskAnswers(assessed_on=TODAY, yes_count=3, judgement_level="high")},
            "risk_judgement_reason",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(police_referrer, overrides, field):
    with pytest.raises(ValidationError) as error:
        make_referral(police_referrer, **overrides)
    assert field in error.value.message_dict
    assert not Referral.objects.exists()
    assert not Person.objects.exists()
    assert not RiskAssessment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="referrals.referral").exists()


def test_sharing_without_consent_is_kept_with_who_and_why(police_referrer):
    referral = make_referral(
        police_referrer,
        sharing=Sharing(
            consent="refused", lawful_basis="vital_interests", authorised_by="DS Lee", reason="Threats to kill"
        ),
    )
    assert (referral.lawful_basis, referral.sharing_authorised_by) == ("vital_interests", "DS Lee")
    event = AuditEvent.objects.get(object_id=str(referral.pk), action=AuditAction.CREATE)
    assert hashed_justification(event) == "Shared without consent"


def test_under_16_is_accepted_for_routing_not_rejected(police_referrer):
    referral = make_referral(police_referrer, subject=PersonDetails(given_name="Young", date_of_birth=years_ago(14)))
    assert referral.subject.age_on(referral.received_on) == 14


def test_markup_in_names_is_kept_as_typed(police_referrer):
    referral = make_referral(police_referrer, subject=PersonDetails(given_name="<script>alert(1)</script>"))
    assert referral.subject.given_name == "<script>alert(1)</script>"


def test_checklist_is_recorded_through_the_risk_app(police_referrer):
    referral = make_referral(police_referrer, risk=high_risk())
    assessment = referral.risk_assessment
    assert assessment.person == referral.subject
    assert (assessment.yes_count, assessment.final_level) == (15, "high")


def test_self_referral_has_no_actor_and_no_referring_agency(specialist_agency):
    referral = self_referral_create(
        subject=PersonDetails(given_name="Sam"),
        what=WhatHappened(abuse_types=["emotional"], latest_incident_summary="In my words"),
        contact=SafeContact(safe_to_text="yes", phone="07700900111"),
    )
    assert (referral.source, referral.status, referral.consent) == ("self_referral", "received", "given")
    assert referral.referring_agency is None and referral.referring_user is None
    event = AuditEvent.objects.get(object_id=str(referral.pk))
    assert event.actor is None and event.actor_label == "Self-referral (not signed in)"


# --- Transitions ---------------------------------------------------------------------------


def test_manager_moves_a_referral_through_its_states_with_history(police_referrer, manager):
    referral = make_referral(police_referrer, risk=high_risk())
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral.refresh_from_db()
    assert referral.triaged_at is not None
    assert referral.recommended_route["route"] == "idva_service"
    assert referral.recommended_route["prompt_marac_referral"] is True
    referral_transition(
        actor=manager,
        referral=referral,
        to_status="declined",
        reason_code="other",
        reason="Already supported elsewhere",
    )
    referral.refresh_from_db()
    changes = list(ReferralStatusChange.objects.filter(referral=referral))
    assert [c.to_status for c in changes] == ["received", "triaged", "declined"]
    assert changes[-1].changed_by == manager and changes[-1].reason == "Already supported elsewhere"
    assert referral.decision_reason == "Already supported elsewhere"
    updates = AuditEvent.objects.filter(object_id=str(referral.pk), action=AuditAction.UPDATE)
    assert [e.detail["to"] for e in updates.order_by("sequence")] == ["triaged", "declined"]


def test_accepting_records_the_time_and_calls_the_case_hook(police_referrer, manager):
    referral = make_referral(police_referrer)
    called = []
    ON_ACCEPTED.append(lambda r, actor: called.append((r.pk, actor)))
    try:
        referral_transition(actor=manager, referral=referral, to_status="triaged")
        referral = referral_transition(actor=manager, referral=referral, to_status="accepted")
    finally:
        ON_ACCEPTED.pop()
    assert referral.accepted_at is not None
    assert called == [(referral.pk, manager)]


def test_refused_transition_changes_nothing(police_referrer, manager):
    referral = make_referral(police_referrer)
    with pytest.raises(InvalidTransition):
        referral_transition(actor=manager, referral=referral, to_status="accepted")
    referral.refresh_from_db()
    assert referral.status == "received"
    assert referral.status_changes.count() == 1
    assert not AuditEvent.objects.filter(object_id=str(referral.pk), action=AuditAction.UPDATE).exists()


@pytest.mark.parametrize("who", ["idva", "police_referrer", "other_service_manager"])
def test_only_a_receiving_team_manager_may_change_status(request, police_referrer, who):
    referral = make_referral(police_referrer)
    with pytest.raises(PermissionDenied):
        referral_transition(actor=request.getfixturevalue(who), referral=referral, to_status="triaged")


def test_manager_holding_another_role_elsewhere_is_still_scoped(police_referrer, police_agency):
    referral = make_referral(police_referrer)
    dual = make_member(Role.TEAM_MANAGER, agency=police_agency)
    with pytest.raises(PermissionDenied):
        referral_transition(actor=dual, referral=referral, to_status="triaged")
