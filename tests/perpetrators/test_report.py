"""``manage.py report perpetrator-programme`` on a small hand-computed fixture."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.people.factories import PersonFactory
from tests.perpetrators.conftest import make_enrolment
from waymark.perpetrators.choices import EnrolmentStatus
from waymark.perpetrators.models import BehaviourOutcome
from waymark.perpetrators.reports import programme_figures

pytestmark = pytest.mark.django_db


def _outcome(enrolment, point, on, **measures):
    values = {
        "acknowledges_abuse": "partly",
        "takes_responsibility": "partly",
        "controlling_behaviour": "weekly",
        "physical_violence": "monthly",
        "understands_impact_on_children": "partly",
        "partner_safety": "not_known",
    }
    values.update(measures)
    BehaviourOutcome.objects.create(enrolment=enrolment, point=point, recorded_on=on, **values)


@pytest.fixture
def year(specialist_agency):
    """2025/26: five referrals; one not suitable; three started; two completed, one dropped out."""

    def person():
        return PersonFactory(held_by=specialist_agency, primary_role="person_causing_harm")

    def enrol(**fields):
        return make_enrolment(participant=person(), agency=specialist_agency, **fields)

    common = {"referred_on": date(2025, 4, 10), "assessed_on": date(2025, 4, 20), "starts_on": date(2025, 5, 1)}
    a = enrol(status=EnrolmentStatus.COMPLETED, ended_on=date(2025, 11, 1), **common)
    _outcome(a, "start", date(2025, 5, 1), physical_violence="weekly", takes_responsibility="not_at_all")
    _outcome(a, "end", date(2025, 11, 1), physical_violence="none", takes_responsibility="mostly")
    b = enrol(status=EnrolmentStatus.COMPLETED, ended_on=date(2025, 11, 8), **common)
    _outcome(b, "start", date(2025, 5, 1), physical_violence="none", controlling_behaviour="daily")
    _outcome(b, "end", date(2025, 11, 8), physical_violence="none", controlling_behaviour="daily")
    enrol(status=EnrolmentStatus.DROPPED_OUT, ended_on=date(2025, 6, 1), drop_out_reason="custody", **common)
    enrol(
        status=EnrolmentStatus.NOT_SUITABLE,
        referred_on=date(2025, 7, 1),
        assessed_on=date(2025, 7, 9),
        ended_on=date(2025, 7, 9),
        not_suitable_reason="risk_too_high",
    )
    enrol(status=EnrolmentStatus.REFERRED, referred_on=date(2026, 3, 31), assessed_on=None)
    enrol(status=EnrolmentStatus.REFERRED, referred_on=date(2026, 4, 1), assessed_on=None)  # next year


def test_figures_by_financial_year(year):
    [row] = programme_figures(date(2025, 4, 1), date(2026, 3, 31))
    assert row == {
        "period": "2025/26",
        "referred": 5,
        "not_suitable": 1,
        "started": 3,
        "completed": 2,
        "dropped_out_after_starting": 1,
        "completion_rate": round(2 / 3, 4),
        "ended_with_start_and_end_outcomes": 2,
        # b had no physical violence at the start: not counted; a stopped.
        "physical_violence_stopped_or_reduced_rate": 1.0,
        # a weekly -> weekly, b daily -> daily.
        "controlling_behaviour_stopped_or_reduced_rate": 0.0,
        # a not at all -> mostly; b partly -> partly.
        "takes_responsibility_improved_rate": 0.5,
    }


def test_no_figures_give_no_rates(specialist_agency):
    [row] = programme_figures(date(2024, 4, 1), date(2025, 3, 31))
    assert row["referred"] == 0 and row["completion_rate"] is None


def test_command_writes_json(year):
    out = io.StringIO()
    call_command("report", "perpetrator-programme", "--from", "2025-04-01", "--to", "2026-04-30", stdout=out)
    rows = json.loads(out.getvalue())
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert [r["period"] for r in rows] == ["2025/26", "2026/27"]
    assert rows[1]["referred"] == 1


def test_command_refuses_a_backwards_range():
    with pytest.raises(CommandError):
        call_command("report", "perpetrator-programme", "--from", "2026-01-01", "--to", "2025-01-01")
