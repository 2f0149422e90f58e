"""A signposting or declining reason the referrer reads is chosen from a list, with optional words
the decider is warned the referrer will read, and a location check on those words (issue 11, 5)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.referrals.conftest import make_referral
from waymark.core.locationscan import CONFIRM_FIELD, CONFIRM_LABEL
from waymark.referrals.actions import referral_transition
from waymark.referrals.choices import REASON_NOT_SHARED, REASONS_NOT_SHARED, DecisionReason
from waymark.referrals.forms import SHARED_WARNING
from waymark.referrals.models import ReferralStatusChange
from waymark.referrals.states import InvalidTransition

pytestmark = pytest.mark.django_db

LOCATED = "She has moved in with her sister at 4 Elm Row, SM4 7QT"


def _triaged(police_referrer, manager):
    referral = make_referral(police_referrer)
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    return referral


def _transition(client, referral, **data):
    return client.post(reverse("referrals:transition", kwargs={"referral_id": referral.pk}), data)


def test_the_decider_is_warned_the_referrer_reads_the_reason(client_for, police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    page = client_for(manager).get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).content.decode()
    assert "govuk-warning-text" in page
    assert "The referring agency will read the reason you choose and any words you add" in page
    assert SHARED_WARNING.startswith("The referring agency will read")
    for reason in DecisionReason:
        assert str(reason.label).replace("'", "&#x27;") in page


def test_a_reason_outside_the_list_is_refused_and_nothing_stored(police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    for code, words in (("", "Outside our area"), ("made_up", ""), ("other", "  ")):
        with pytest.raises(InvalidTransition, match="Give a reason"):
            referral_transition(actor=manager, referral=referral, to_status="declined", reason_code=code, reason=words)
    referral.refresh_from_db()
    assert referral.status == "triaged"
    assert not ReferralStatusChange.objects.filter(referral=referral, to_status="declined").exists()


def test_the_referrer_reads_the_chosen_reason_and_the_words(client_for, police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    response = _transition(
        client_for(manager), referral, to_status="declined", reason_code="better_placed", reason="The ISVA team"
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined"
    expected = "Another service is better placed to help. The ISVA team"
    assert referral.decision_reason == expected
    assert expected in client_for(police_referrer).get(reverse("referrals:mine")).content.decode()


@pytest.mark.parametrize("code", sorted(REASONS_NOT_SHARED))
def test_a_reason_about_the_person_reaches_the_referrer_as_a_neutral_phrase(client_for, police_referrer, manager, code):
    """An attacker's probe referred a survivor by name through the API and read "already
    supported by this or another service" back: who supports her, or that she lives elsewhere, is
    not the referrer's to learn from the system. The service's own page keeps what it recorded."""
    referral = _triaged(police_referrer, manager)
    _transition(client_for(manager), referral, to_status="declined", reason_code=code, reason="")
    referral.refresh_from_db()
    recorded = str(DecisionReason(code).label)
    assert referral.decision_reason == f"{REASON_NOT_SHARED}."
    referrer = client_for(police_referrer)
    for page in (
        referrer.get(reverse("referrals:mine")).content.decode(),
        referrer.get(f"/api/referrals/{referral.pk}/").content.decode(),
    ):
        assert recorded not in page and REASON_NOT_SHARED in page
    service = client_for(manager)
    own = service.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).content.decode()
    assert recorded in own.replace("&#x27;", "'")
    # The receiving service reads what it recorded through the API too, in the record and the list.
    assert referral.recorded_decision_reason == f"{recorded}."
    record = service.get(f"/api/referrals/{referral.pk}/").json()
    assert (record["access"], record["decision_reason"]) == ("full", f"{recorded}.")
    listed = {row["id"]: row for row in service.get("/api/referrals/").json()["results"]}
    assert listed[str(referral.pk)]["decision_reason"] == f"{recorded}."


def test_words_that_look_located_come_back_with_a_warning_until_confirmed(client_for, police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    client = client_for(manager)
    first = _transition(client, referral, to_status="signposted", reason_code="other", reason=LOCATED)
    assert first.status_code == 400
    page = first.content.decode()
    assert "looks as if it contains a postcode" in page
    assert CONFIRM_LABEL in page and f'name="{CONFIRM_FIELD}"' in page
    assert "SM4 7QT" in page, "the words come back to be corrected"
    referral.refresh_from_db()
    assert referral.status == "triaged", "nothing saved before the confirmation"
    confirmed = _transition(
        client, referral, to_status="signposted", reason_code="other", reason=LOCATED, **{CONFIRM_FIELD: "on"}
    )
    assert confirmed.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "signposted" and referral.decision_reason == LOCATED


def test_words_without_a_location_save_at_once(client_for, police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    response = _transition(
        client_for(manager), referral, to_status="declined", reason_code="other", reason="Not domestic abuse"
    )
    assert response.status_code == 302


def test_the_migration_keeps_earlier_words_as_another_reason(police_referrer, manager):
    referral = _triaged(police_referrer, manager)
    referral_transition(actor=manager, referral=referral, to_status="declined", reason_code="other", reason="Old words")
    ReferralStatusChange.objects.filter(referral=referral, to_status="declined").update(reason_code="")
    migration = importlib.import_module("waymark.referrals.migrations.0003_decision_reason_from_a_list")
    historical = (
        MigrationExecutor(connection).loader.project_state(("referrals", "0003_decision_reason_from_a_list")).apps
    )
    migration.words_become_another_reason(historical, None)
    change = ReferralStatusChange.objects.get(referral=referral, to_status="declined")
    assert (change.reason_code, change.reason) == ("other", "Old words")
    referral.refresh_from_db()
    assert referral.decision_reason == "Old words", "the referrer reads what they read before"
