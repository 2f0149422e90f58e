"""Referrals on which no case was opened: one "done by" rule for the schedule and for the people.

A referral is kept 2 years from its last day: the day anything last happened to it (received,
triaged, decided, or any change of its status), so a declined referral runs from its decision and
one never decided from its last activity (``referral_done_by``). The same rule finds it due and
decides whether it still keeps the people it names: a referral received three years ago but
decided last year keeps her; one left undecided for over two years is disposed of with its person,
rather than keeping no one while it stays. An imported referral (no decision time: the importer
records its status and one status change on the day received) falls due under the same rule.
Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from tests.interchange.conftest import write_files
from waymark.dataprotection.retention import person_still_needed
from waymark.dataprotection.selectors import due_for
from waymark.incidents.models import Incident
from waymark.interchange.actions import interchange_import
from waymark.people.models import Person
from waymark.referrals.models import Referral, ReferralStatusChange
from waymark.referrals.states import ReferralStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)  # its cutoff: 15 June 2024


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _referral(agency, subject, *, received_on, status, decided_on=None, changes=()):
    referral = Referral.objects.create(
        number=f"R-T-{received_on:%y%m%d}-{status[:4]}",
        received_on=received_on,
        source="professional",
        status=status,
        decided_at=_at(decided_on) if decided_on else None,
        subject=subject,
        receiving_agency=agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
        contact_phone="07700 900461",
        latest_incident_summary="CANARY-REFERRAL she fled to her sister",
    )
    for day, to_status in changes:
        ReferralStatusChange.objects.create(referral=referral, to_status=to_status, changed_at=_at(day))
    return referral


def _old_incident(subject):
    """Disposed of on the run's day (2019): its disposal asks whether anything else keeps her."""
    Incident.objects.create(occurred_on=D(2019, 4, 2), victim=subject, description="CANARY-INCIDENT")


def _due():
    return set(due_for("referral_not_accepted", TODAY).values_list("pk", flat=True))


def test_a_referral_decided_inside_two_years_keeps_her_however_old_its_receipt(specialist_agency, dpo):
    """Received in March 2023, declined in January 2025: not due, and it keeps her (before, she was
    kept by the day received and so anonymised while the referral that names her stayed)."""
    her = _person(specialist_agency, "Nia", "Castellan")
    referral = _referral(
        specialist_agency, her, received_on=D(2023, 3, 1), status=ReferralStatus.DECLINED, decided_on=D(2025, 1, 10)
    )
    _old_incident(her)
    assert referral.pk not in _due()
    assert person_still_needed(her.pk, TODAY)

    run = run_retention(dpo)
    assert (run.counts["incident"], run.counts["referral_not_accepted"]) == (1, 0)
    assert _names(her) == ("Nia", "Castellan")


@pytest.mark.parametrize("status", [ReferralStatus.RECEIVED, ReferralStatus.TRIAGED])
def test_a_referral_never_decided_goes_two_years_after_its_last_activity(status, specialist_agency, dpo):
    """Received in March 2023 and triaged (if at all) that week, nothing since: due, disposed of with
    her (before, it was never due and kept no one, so she went and it stayed, naming her)."""
    her = _person(specialist_agency, "Nia", "Castellan")
    changes = [(D(2023, 3, 1), ReferralStatus.RECEIVED)]
    if status == ReferralStatus.TRIAGED:
        changes.append((D(2023, 3, 3), ReferralStatus.TRIAGED))
    referral = _referral(specialist_agency, her, received_on=D(2023, 3, 1), status=status, changes=changes)
    assert _due() == {referral.pk}
    assert not person_still_needed(her.pk, TODAY)

    assert run_retention(dpo).counts["referral_not_accepted"] == 1
    referral.refresh_from_db()
    assert (referral.contact_phone, referral.latest_incident_summary, referral.status) == ("", "", status)
    assert _names(her) == ("", "")


@pytest.mark.parametrize(
    ("last_activity", "due"),
    [(D(2024, 6, 15), True), (D(2024, 6, 16), False)],  # two years before the run; the day after
)
def test_a_referral_never_decided_is_kept_two_years_from_its_last_status_change(
    last_activity, due, specialist_agency, dpo
):
    her = _person(specialist_agency, "Nia", "Castellan")
    referral = _referral(
        specialist_agency,
        her,
        received_on=D(2023, 3, 1),
        status=ReferralStatus.TRIAGED,
        changes=[(D(2023, 3, 1), ReferralStatus.RECEIVED), (last_activity, ReferralStatus.TRIAGED)],
    )
    _old_incident(her)
    assert (referral.pk in _due()) is due
    assert person_still_needed(her.pk, TODAY) is not due

    run = run_retention(dpo)
    assert run.counts["referral_not_accepted"] == int(due)
    assert (_names(her) == ("", "")) is due


@pytest.mark.parametrize(
    ("received_on", "due"),
    [("2024-06-15", True), ("2024-06-16", False)],  # two years before the run; the day after
)
@pytest.mark.parametrize("status", ["declined", "signposted", "received"])
def test_an_imported_referral_falls_due_under_the_same_rule(
    status, received_on, due, specialist_agency, dpo, settings, tmp_path
):
    """Imported through the interchange files: no decision time, one status change on the day
    received. It falls due two years after that day, and keeps her until then (before, a declined
    or signposted one was never due: the schedule compared only the decision time)."""
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    folder = write_files(
        tmp_path / "in",
        {
            "people.csv": ["P1,Nia,Castellan,1990-03-04,female,,no,no,SE1 7AB,07700 900123"],
            "referrals.csv": [f"R1,{received_on},P1,,,domestic_abuse,physical,given,0,{status}"],
        },
        headers={
            "referrals.csv": "referral_ref,received_on,person_ref,perpetrator_ref,agency_ref,vawg_category,"
            "abuse_types,consent,children_in_household,status"
        },
    )
    interchange_import(actor=None, path=folder)
    referral = Referral.objects.get(ref="R1")
    assert (referral.status, referral.decided_at) == (status, None)
    her = Person.objects.get(pk=referral.subject_id)
    _old_incident(her)

    assert (referral.pk in _due()) is due
    assert person_still_needed(her.pk, TODAY) is not due
    run = run_retention(dpo)
    assert run.counts["referral_not_accepted"] == int(due)
    assert (_names(her) == ("", "")) is due


def test_the_queue_shows_the_referrals_last_day(specialist_agency):
    from waymark.dataprotection.retention import SCHEDULES

    her = _person(specialist_agency, "Nia", "Castellan")
    referral = _referral(
        specialist_agency,
        her,
        received_on=D(2023, 3, 1),
        status=ReferralStatus.TRIAGED,
        changes=[(D(2023, 3, 1), ReferralStatus.RECEIVED), (D(2023, 5, 9), ReferralStatus.TRIAGED)],
    )
    assert SCHEDULES["referral_not_accepted"].describe(referral) == (referral.number, D(2023, 5, 9))
