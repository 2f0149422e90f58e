"""Risk where decisions are made (issue 10, item 3): the case page's risk section, the closure
picture, the reason needed to close a high-risk case with no MARAC referral, and no outcome
review on the intake day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.cases.conftest import record_exit_outcomes
from tests.outcomes.factories import make_assessment
from waymark.cases import actions
from waymark.cases.models import Case
from waymark.cases.selectors import team_dashboard
from waymark.cases.states import CaseStatus
from waymark.marac.models import MaracCase, MaracCaseStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield


@pytest.fixture
def active(case_factory, idva, idva_team):
    return case_factory(
        status=CaseStatus.ACTIVE,
        caseworker=idva,
        team=idva_team,
        referred_on=date(2026, 8, 1),
        opened_on=date(2026, 8, 1),
        engaged_on=date(2026, 8, 3),
        first_contact_at=datetime(2026, 8, 2, 10, tzinfo=ZoneInfo("Europe/London")),
    )


def closure_requested(case, idva):
    record_exit_outcomes(case)
    actions.case_request_closure(actor=idva, case=case, reason="support_completed", note="Goals met")
    return case


def test_the_case_page_shows_risk_trend_and_due_date_with_refer_at_high(client_for, idva, active):
    make_assessment(active.person, date(2026, 8, 2), "medium")
    make_assessment(active.person, date(2026, 11, 1), "high")
    body = client_for(idva).get(reverse("cases:detail", kwargs={"case_id": active.pk})).content.decode()
    assert 'id="case-risk"' in body
    assert "1 November 2026" in body and "Rising" in body and "1 February 2027" in body
    assert "Record a checklist" in body and 'id="refer-to-marac-high-risk"' in body


def test_no_refer_button_at_medium_risk_or_with_an_open_marac(client_for, idva, active):
    make_assessment(active.person, date(2026, 11, 1), "medium")
    client = client_for(idva)
    url = reverse("cases:detail", kwargs={"case_id": active.pk})
    assert 'id="refer-to-marac-high-risk"' not in client.get(url).content.decode()
    make_assessment(active.person, date(2026, 11, 2), "high")
    MaracCase.objects.create(ref="M-1", victim=active.person, case=active, referred_on=TODAY)
    assert 'id="refer-to-marac-high-risk"' not in client.get(url).content.decode()


def test_closing_at_high_risk_without_marac_needs_a_recorded_reason(idva, manager, active):
    make_assessment(active.person, date(2026, 8, 2), "medium")
    make_assessment(active.person, date(2026, 11, 1), "high")
    closure_requested(active, idva)
    with pytest.raises(ValidationError) as refused:
        actions.case_approve_closure(actor=manager, case=active)
    assert "no_marac_reason" in refused.value.message_dict
    assert Case.objects.get(pk=active.pk).status == CaseStatus.CLOSURE_REQUESTED  # nothing saved
    actions.case_approve_closure(actor=manager, case=active, no_marac_reason="She has moved out of the area")
    active.refresh_from_db()
    assert active.status == CaseStatus.CLOSED and active.closed_high_risk_without_marac
    assert active.no_marac_reason == "She has moved out of the area"
    assert team_dashboard(manager).closed_high_risk_without_marac == 1


def test_no_reason_needed_with_a_marac_referral_or_below_high(idva, manager, active, case_factory):
    make_assessment(active.person, date(2026, 11, 1), "high")
    MaracCase.objects.create(ref="M-2", victim=active.person, referred_on=TODAY, status=MaracCaseStatus.HEARD)
    closure_requested(active, idva)
    actions.case_approve_closure(actor=manager, case=active)
    active.refresh_from_db()
    assert active.status == CaseStatus.CLOSED and not active.closed_high_risk_without_marac


def test_the_closure_page_shows_the_picture_and_asks_for_the_reason(client_for, idva, manager, active):
    make_assessment(active.person, date(2026, 8, 2), "medium")
    make_assessment(active.person, date(2026, 11, 1), "high")
    closure_requested(active, idva)
    client = client_for(manager)
    url = reverse("cases:closure_decision", kwargs={"case_id": active.pk})
    body = client.get(url).content.decode()
    assert "Risk when she engaged" in body and "Medium" in body and "No MARAC referral" in body
    assert 'name="no_marac_reason"' in body
    refused = client.post(url, {"decision": "approve"}).content.decode()
    assert "say why the case may close without one" in refused
    assert Case.objects.get(pk=active.pk).status == CaseStatus.CLOSURE_REQUESTED
    client.post(url, {"decision": "approve", "no_marac_reason": "Moved away; new area's MARAC told"})
    assert Case.objects.get(pk=active.pk).status == CaseStatus.CLOSED


def test_an_outcome_review_cannot_be_dated_on_the_intake_day(idva, active):
    from waymark.outcomes.actions import outcome_measure_record

    def record(stage, day):
        return outcome_measure_record(
            actor=idva, case=active, subject=active.person, stage=stage, measured_on=day, physical="weekly"
        )

    record("intake", date(2026, 8, 3))
    with pytest.raises(ValidationError) as refused:
        record("review", date(2026, 8, 3))
    assert "must be dated after the intake" in str(refused.value)
    record("review", date(2026, 8, 4))
