"""Subject access requests on the retention schedule.

A request's stored bundle is a copy of everything held about her (her name, addresses, phone, the
harmer's name redacted with it, MARAC words): it was on no schedule, and anonymising her left it
whole. Now a released request is kept 2 years from its release (the project's choice: no source
we hold states a period), then its bundle, identity check, words redacted by hand and reviewer's
note are blanked; and anonymising her blanks the same on every released request of hers. A
request not yet released keeps her. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.dataprotection.models import RetentionDisposal, SarStatus, SubjectAccessRequest
from waymark.dataprotection.redaction import released
from waymark.dataprotection.retention import SCHEDULES, person_still_needed
from waymark.dataprotection.selectors import due_for

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)
CANARIES = ("Josephine Wrenfield", "17 Canarywood Close", "07700 900461", "Kieran Oldcastle", "CANARY-MINUTES")
BUNDLE = json.dumps(
    {
        "sections": [
            {
                "title": "About you",
                "items": [
                    {
                        "title": "Josephine Wrenfield",
                        "withheld": False,
                        "fields": [
                            {"label": "Home", "value": "17 Canarywood Close", "released": "17 Canarywood Close"},
                            {"label": "Mobile", "value": "07700 900461", "released": "07700 900461"},
                            {"label": "Harmer", "value": "Kieran Oldcastle", "released": "[redacted]"},
                            {"label": "MARAC", "value": "CANARY-MINUTES", "released": "[withheld]"},
                        ],
                    }
                ],
            }
        ],
        "counts": {"items": 1, "withheld": 0, "redactions": 2},
    }
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def survivor(specialist_agency):
    return _person(specialist_agency, "Josephine", "Wrenfield")


def _request(person, dpo, *, released_at=None, status=SarStatus.RELEASED):
    return SubjectAccessRequest.objects.create(
        agency=person.held_by,
        person=person,
        received_on=D(2024, 5, 1),
        due_on=D(2024, 6, 1),
        identity_check="CANARY-ID passport 123456789 seen at 17 Canarywood Close",
        status=status,
        opened_by=dpo,
        bundle=BUNDLE,
        extra_redactions=json.dumps([{"text": "her sister's in Canaryford", "reason": "locates her sister"}]),
        review_note="CANARY-REVIEW check the sister's street",
        items=1,
        redactions=2,
        released_at=released_at,
    )


def _words(sar):
    sar.refresh_from_db()
    return sar.bundle, sar.extra_redactions, sar.identity_check, sar.review_note


_run = run_retention


def _keeping_case(agency, person):
    """An open case of hers: she is still needed, whatever happens to her requests."""
    return make_case(agency=agency, person=person, status=CaseStatus.ACTIVE, referred_on=D(2026, 1, 5))


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_a_released_request_is_due_two_years_after_its_release_in_london(clock, survivor, specialist_agency, dpo):
    """Released at 23:30 on 15 June 2024 (London; 22:30 UTC): due on 15 June 2026, not the day
    before. Released at 00:30 on 16 June 2024 (London; still the 15th in UTC): not due yet."""
    _keeping_case(specialist_agency, survivor)
    on_the_day = _request(survivor, dpo, released_at=dt.datetime(2024, 6, 15, 23, 30, tzinfo=LONDON))
    next_day = _request(survivor, dpo, released_at=dt.datetime(2024, 6, 16, 0, 30, tzinfo=LONDON))
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        assert not due_for("subject_access_request", TODAY - dt.timedelta(days=1)).exists()
        assert set(due_for("subject_access_request", TODAY).values_list("pk", flat=True)) == {on_the_day.pk}
        assert SCHEDULES["subject_access_request"].describe(on_the_day)[1] == D(2024, 6, 15)
        assert SCHEDULES["subject_access_request"].describe(next_day)[1] == D(2024, 6, 16)


def test_disposal_blanks_the_bundle_and_keeps_the_request(survivor, specialist_agency, dpo):
    _keeping_case(specialist_agency, survivor)
    sar = _request(survivor, dpo, released_at=dt.datetime(2024, 3, 1, 12, tzinfo=LONDON))
    run = _run(dpo)
    assert run.counts["subject_access_request"] == 1
    assert _words(sar) == ("", "", "", "")
    # Its dates, status and counts stay; she is still needed by her open case, so stays named.
    assert (sar.status, sar.received_on, sar.items, sar.redactions) == (SarStatus.RELEASED, D(2024, 5, 1), 1, 2)
    assert _names(survivor) == ("Josephine", "Wrenfield")
    assert RetentionDisposal.objects.filter(record_type="subject_access_request", record_id=str(sar.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_id=str(sar.pk)).count() == 1
    # Its downloads, if opened again, hold nothing.
    assert released(sar.bundle_data) == []
    assert _run(dpo).counts["subject_access_request"] == 0


def test_a_recently_released_request_keeps_its_bundle_while_she_is_kept(survivor, specialist_agency, dpo):
    _keeping_case(specialist_agency, survivor)
    sar = _request(survivor, dpo, released_at=dt.datetime(2025, 3, 1, 12, tzinfo=LONDON))
    assert _run(dpo).counts["subject_access_request"] == 0
    assert _words(sar)[0] == BUNDLE


def test_anonymising_her_blanks_the_bundles_of_her_released_requests(survivor, specialist_agency, dpo):
    """Her only case closed in 2019 is disposed of today, so she is anonymised; her request
    released in March 2026 is not due for two years, but its bundle is a copy of everything she
    was: it goes with her."""
    make_case(
        agency=specialist_agency,
        person=survivor,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 11, 5),
        closed_on=D(2019, 5, 30),
    )
    sar = _request(survivor, dpo, released_at=dt.datetime(2026, 3, 2, 12, tzinfo=LONDON))
    assert not person_still_needed(survivor.pk, TODAY)
    run = _run(dpo)
    assert (run.counts["closed_case"], run.counts["subject_access_request"]) == (1, 0)
    assert _names(survivor) == ("", "")
    assert _words(sar) == ("", "", "", "")
    stored = SubjectAccessRequest.objects.filter(pk=sar.pk).values_list("bundle", flat=True)
    assert not any(canary in str(list(stored)) for canary in CANARIES)


def test_a_request_being_answered_keeps_her_and_its_bundle(survivor, specialist_agency, dpo):
    make_case(
        agency=specialist_agency,
        person=survivor,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 11, 5),
        closed_on=D(2019, 5, 30),
    )
    sar = _request(survivor, dpo, status=SarStatus.IN_REVIEW)
    assert person_still_needed(survivor.pk, TODAY)
    assert _run(dpo).counts["closed_case"] == 1
    assert _names(survivor) == ("Josephine", "Wrenfield")
    assert _words(sar)[0] == BUNDLE


def test_a_request_released_two_years_ago_goes_with_the_person_it_kept(survivor, specialist_agency, dpo):
    """Her old case was disposed of while her request was being answered (it kept her); once the
    request is released and its two years have passed, its disposal anonymises her."""
    sar = _request(survivor, dpo, released_at=dt.datetime(2024, 3, 1, 12, tzinfo=LONDON))
    assert _run(dpo).counts["subject_access_request"] == 1
    assert _names(survivor) == ("", "")
    assert _words(sar) == ("", "", "", "")


def test_the_review_queue_lists_a_due_request_by_date_and_never_its_contents(
    survivor, specialist_agency, dpo, client_for
):
    from django.urls import reverse

    _keeping_case(specialist_agency, survivor)
    sar = _request(survivor, dpo, released_at=dt.datetime(2024, 3, 1, 12, tzinfo=LONDON))
    page = client_for(dpo).get(reverse("dataprotection:retention_queue"), {"type": "subject_access_request"})
    text = page.content.decode()
    assert page.status_code == 200
    assert str(sar.pk) in text and "1 March 2024" in text
    assert not any(canary in text for canary in (*CANARIES, "CANARY-ID", "CANARY-REVIEW"))
