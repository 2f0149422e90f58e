"""The H-CLIC-coded extract: coded rows, DA cases only, no name or address, audited as an export,
own council only; and ``manage.py report housing``."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.choices import (
    AssessmentOutcome,
    HouseholdRole,
    LossReason,
    PlacementType,
    PreventionEnd,
    SupportNeed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    da = new_application(
        officer,
        applicant,
        support_needs=[SupportNeed.DOMESTIC_ABUSE, SupportNeed.MENTAL_HEALTH],
        household=[actions.Member(HouseholdRole.CHILD, 6)],
    )
    actions.application_assess(
        actor=officer, application=da, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.THREATENED
    )
    actions.duty_end(actor=officer, duty=da.duties.get(), ended_on=date(2026, 11, 2), reason=PreventionEnd.HOMELESS)
    actions.placement_start(
        actor=officer,
        application=da,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 11, 2),
        area="CANARY-AREA",
        out_of_district=True,
        address="CANARY-ADDRESS",
    )
    other = new_application(
        officer,
        PersonFactory(held_by=applicant.held_by),
        loss_reason=LossReason.RELATIONSHIP_BREAKDOWN,
        support_needs=[SupportNeed.NONE],
    )
    return da, other


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_extract_rows_are_coded_and_hold_no_name_or_location(cases, officer, time_machine):
    da, _other = cases
    time_machine.move_to(date(2026, 12, 20))  # 48 days in B&B
    response = signed_in_client(officer).get(reverse("housing:extract"), {"from": "2026-04-01", "to": "2026-12-20"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert (
        b"CANARY" not in response.content and b"Rosa" not in response.content and b"Applicant" not in response.content
    )
    rows = _rows(response.content)
    assert [r["application_number"] for r in rows] == [da.number]  # DA cases only
    row = rows[0]
    assert row["reason_for_loss"] == "REASON_DOMESTIC_ABUSE"
    assert row["support_needs"] == "SUPPORT_DOMESTIC_ABUSE;SUPPORT_MENTAL_HEALTH"
    assert row["prevention_end_reason"] == "PREVEND_HOMELESS"
    assert (row["relief_start"], row["relief_target"]) == ("2026-11-02", "2026-12-28")
    assert row["priority_need"] == "PRIORITY_DOMESTIC_ABUSE" and row["priority_need_automatic"] == "Y"
    assert row["ta_latest_type"] == "TA_BNB" and row["ta_out_of_district"] == "Y"
    assert row["ta_children_in_bnb_over_6_weeks"] == "Y"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("sequence")
    assert event.actor == officer and event.detail["rows"] == 1


def test_extract_is_own_council_only_and_refused_to_others(cases, other_officer, idva, commissioner, programme_worker):
    response = signed_in_client(other_officer).get(
        reverse("housing:extract"), {"from": "2026-04-01", "to": "2026-12-20"}
    )
    assert _rows(response.content) == []
    for user in (idva, commissioner, programme_worker):
        assert signed_in_client(user).get(reverse("housing:extract")).status_code == 403


def test_bad_dates_fall_back_to_this_financial_year(cases, officer):
    response = signed_in_client(officer).get(reverse("housing:extract"), {"from": "yesterday"})
    assert response.status_code == 200 and len(_rows(response.content)) == 1


def test_manage_py_report_housing(cases, tmp_path):
    out = io.StringIO()
    call_command("report", "housing", "--from", "2026-04-01", "--to", "2027-03-31", "--format", "csv", stdout=out)
    rows = _rows(out.getvalue().encode())
    assert len(rows) == 1 and rows[0]["reason_for_loss"] == "REASON_DOMESTIC_ABUSE"
    assert "CANARY" not in out.getvalue()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:housing").exists()
