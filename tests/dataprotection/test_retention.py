"""Retention: the schedule finds exactly the records due, the worker anonymises exactly those, each
disposal is audited, and the partnership's figures (outcome KPIs, the MARAC return and benchmarks)
are identical before and after."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from tests.operations.conftest import run_worker
from tests.outcomes.factories import make_assessment, make_case, make_measure, make_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.models import CaseNote
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.dataprotection.actions import retention_hold_place, retention_run_request
from waymark.dataprotection.models import RetentionDisposal, RetentionHold, RetentionRun, RetentionRunStatus
from waymark.dataprotection.retention import SCHEDULE_LIST
from waymark.dataprotection.selectors import due_for
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, Research
from waymark.people.choices import AddressKind
from waymark.people.models import Address, Person
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.support.models import SafetyPlan

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 15)
D = dt.date
# The schedules this file's records do not touch (tests/dataprotection/test_retention_schedules.py has theirs).
NOTHING_ELSE: dict[str, set] = {
    key: set()
    for key in (
        "incident",
        "housing_application",
        "tenancy_panel_case",
        "refuge_referral",
        "sanctuary",
        "programme_enrolment",
        "subject_access_request",
    )
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _referral(subject, agency, *, status, received_on, decided_on=None, number):
    return Referral.objects.create(
        number=number,
        received_on=received_on,
        source="professional",
        status=status,
        subject=subject,
        subject_postcode="CF9 7ZQ",
        receiving_agency=agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        latest_incident_summary="Free text about what happened",
        consent="given",
        contact_phone="07700 900461",
        decided_at=dt.datetime.combine(decided_on, dt.time(10), tzinfo=LONDON) if decided_on else None,
    )


def _marac(victim, agency, user, *, referred_on, held_on, ref):
    meeting = MaracMeeting.objects.create(ref=f"M-{ref}", held_on=held_on, venue="Civic centre", chair="Chair")
    marac_case = MaracCase.objects.create(
        ref=ref,
        meeting=meeting,
        victim=victim,
        referred_on=referred_on,
        referring_agency=agency,
        criteria=["visible_high_risk"],
        status=MaracCaseStatus.HEARD,
        discussion_summary="What the meeting said",
    )
    Research.objects.create(
        marac_case=marac_case,
        agency=agency,
        body="Police research",
        recorded_by=user,
        recorded_at=dt.datetime.combine(held_on, dt.time(9), tzinfo=LONDON),
    )
    return marac_case


@pytest.fixture
def records(specialist_agency, idva):
    """Closed 7 years ago (due), closed 5 years ago (kept), open since 2018 (kept); a referral
    declined 2.4 years ago (due), one declined a year ago (kept); MARAC 2019 (due), 2025 (kept)."""
    out = {}
    for key, closed_on in (("due_case", D(2019, 6, 3)), ("kept_closed", D(2021, 1, 4))):
        case = make_case(
            agency=specialist_agency,
            status=CaseStatus.CLOSED,
            referred_on=closed_on - dt.timedelta(days=200),
            first_contact_on=closed_on - dt.timedelta(days=198),
            engaged_on=closed_on - dt.timedelta(days=198),
            closed_on=closed_on,
            closure_note="Moved to 17 Canarywood Close",
        )
        make_assessment(case.person, closed_on - dt.timedelta(days=199), "high")
        make_assessment(case.person, closed_on - dt.timedelta(days=120), "medium")
        make_measure(case, "intake", closed_on - dt.timedelta(days=198), physical="weekly", feeling_safe=2)
        make_measure(case, "exit", closed_on - dt.timedelta(days=5), physical="none", feeling_safe=4)
        CaseNote.objects.create(
            case=case, body="A note", written_by=idva, written_at=dt.datetime(2019, 1, 1, tzinfo=LONDON)
        )
        SafetyPlan.objects.create(
            case=case,
            version=1,
            reviewed_on=closed_on - dt.timedelta(days=190),
            reviewed_by=idva,
            next_review_on=closed_on,
            safe_contact="Code word: lighthouse",
        )
        Address.objects.create(person=case.person, kind=AddressKind.HOME, line1="17 Canarywood Close")
        out[key] = case
    out["open_case"] = make_case(agency=specialist_agency, referred_on=D(2018, 4, 3), engaged_on=D(2018, 4, 5))
    # Due, but its person has a referral this year: the case is anonymised, the person kept.
    busy = make_person(specialist_agency, given_name="Still", family_name="Here")
    out["due_case_person_kept"] = make_case(
        agency=specialist_agency,
        person=busy,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 9, 3),
        closed_on=D(2019, 2, 1),
    )
    _referral(busy, specialist_agency, status=ReferralStatus.RECEIVED, received_on=D(2026, 1, 5), number="R-T-1")
    out["declined_old"] = _referral(
        make_person(specialist_agency, given_name="Declined", family_name="Long-ago"),
        specialist_agency,
        status=ReferralStatus.DECLINED,
        received_on=D(2023, 12, 1),
        decided_on=D(2024, 1, 10),
        number="R-T-2",
    )
    out["declined_recent"] = _referral(
        make_person(specialist_agency),
        specialist_agency,
        status=ReferralStatus.SIGNPOSTED,
        received_on=D(2025, 5, 20),
        decided_on=D(2025, 6, 1),
        number="R-T-3",
    )
    out["marac_old"] = _marac(
        out["due_case"].person, specialist_agency, idva, referred_on=D(2019, 5, 1), held_on=D(2019, 5, 15), ref="MC-OLD"
    )
    out["marac_recent"] = _marac(
        make_person(specialist_agency),
        specialist_agency,
        idva,
        referred_on=D(2025, 5, 1),
        held_on=D(2025, 5, 14),
        ref="MC-NEW",
    )
    return out


def figures() -> dict[str, str]:
    def report(*args):
        out = StringIO()
        call_command("report", *args, "--format", "json", stdout=out)
        return out.getvalue()

    return {
        "outcomes": report("outcomes", "--from", "2018-04-01", "--to", "2026-03-31", "--as-of", "2026-06-15"),
        "marac_return_2019": report("marac-return", "--quarter", "2019-Q1"),
        "marac_return_2025": report("marac-return", "--quarter", "2025-Q1"),
        "marac_benchmarks": report("marac-benchmarks", "--financial-year", "2019"),
    }


@pytest.fixture
def dpo(specialist_agency):
    return make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency, full_name="Dana Price")


def test_the_queue_holds_exactly_the_records_due(records):
    due = {schedule.key: set(due_for(schedule.key, TODAY).values_list("pk", flat=True)) for schedule in SCHEDULE_LIST}
    assert due == {
        **NOTHING_ELSE,
        "closed_case": {records["due_case"].pk, records["due_case_person_kept"].pk},
        "referral_not_accepted": {records["declined_old"].pk},
        "marac_case": {records["marac_old"].pk},
    }


def test_a_retention_run_anonymises_exactly_the_records_due_and_keeps_the_figures(records, dpo):
    before = figures()
    assert json.loads(before["outcomes"])[0]["referred"] > 0  # the figures count these records
    assert '"cases": 1' in before["marac_return_2019"]  # the old MARAC case is counted

    run = retention_run_request(actor=dpo)
    assert run.status == RetentionRunStatus.QUEUED
    run_worker()
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.DONE
    assert run.counts == {
        **dict.fromkeys(NOTHING_ELSE, 0),
        "closed_case": 2,
        "referral_not_accepted": 1,
        "marac_case": 1,
    }

    disposed = {(d.record_type, d.record_id) for d in RetentionDisposal.objects.all()}
    assert disposed == {
        ("closed_case", str(records["due_case"].pk)),
        ("closed_case", str(records["due_case_person_kept"].pk)),
        ("referral_not_accepted", str(records["declined_old"].pk)),
        ("marac_case", str(records["marac_old"].pk)),
    }
    # The due case: its notes gone, its free text and its person's name and address blanked.
    due = records["due_case"]
    due.refresh_from_db()
    assert due.closure_note == "" and not CaseNote.objects.filter(case=due).exists()
    assert SafetyPlan.objects.get(case=due).safe_contact == ""
    person = Person.objects.get(pk=due.person_id)
    assert (person.given_name, person.family_name) == ("", "")
    assert Address.objects.get(person=person).line1 == ""
    # Kept: the case closed five years ago, untouched.
    kept = records["kept_closed"]
    kept.refresh_from_db()
    assert kept.closure_note == "Moved to 17 Canarywood Close" and CaseNote.objects.filter(case=kept).exists()
    assert Person.objects.get(pk=kept.person_id).given_name == "Test"
    # A person with a recent referral keeps their name though their old case is anonymised.
    assert Person.objects.get(pk=records["due_case_person_kept"].person_id).given_name == "Still"
    # Referrals: the old declined one blanked and its person anonymised; the recent one intact.
    old = Referral.objects.get(pk=records["declined_old"].pk)
    assert (old.subject_postcode, old.contact_phone, old.latest_incident_summary) == ("", "", "")
    assert old.status == ReferralStatus.DECLINED and old.received_on == D(2023, 12, 1)
    assert Person.objects.get(pk=old.subject_id).given_name == ""
    assert Referral.objects.get(pk=records["declined_recent"].pk).contact_phone == "07700 900461"
    # MARAC: the old case's research blanked, the recent one intact.
    assert Research.objects.get(marac_case=records["marac_old"]).body == ""
    assert Research.objects.get(marac_case=records["marac_recent"]).body == "Police research"
    # Each disposal audited, by id only.
    archived = AuditEvent.objects.filter(action=AuditAction.ARCHIVE, detail__run=str(run.pk))
    assert archived.count() == 4
    assert {event.object_id for event in archived} == {record_id for _, record_id in disposed}

    assert figures() == before


def test_a_second_run_disposes_of_nothing_more(records, dpo):
    retention_run_request(actor=dpo)
    run_worker()
    again = retention_run_request(actor=dpo)
    run_worker()
    again.refresh_from_db()
    assert again.counts == {schedule.key: 0 for schedule in SCHEDULE_LIST}


def test_a_held_record_is_not_due_until_its_hold_ends(records, dpo):
    retention_hold_place(
        actor=dpo,
        record_type="closed_case",
        record_id=str(records["due_case"].pk),
        reason="A complaint about this case is open",
        until=D(2026, 12, 31),
    )
    assert records["due_case"].pk not in set(due_for("closed_case", TODAY).values_list("pk", flat=True))
    assert records["due_case"].pk in set(due_for("closed_case", D(2027, 1, 1)).values_list("pk", flat=True))


def test_the_queue_page_lists_the_due_records_a_page_at_a_time(records, dpo, client_for):
    client = client_for(dpo)
    response = client.get(reverse("dataprotection:retention_queue") + "?type=closed_case")
    assert response.status_code == 200
    page = response.content.decode()
    assert records["due_case"].number in page and records["kept_closed"].number not in page
    assert "2 records due" in page
    assert client.get(reverse("dataprotection:retention_queue") + "?type=nonsense").status_code == 404
    response = client.post(reverse("dataprotection:retention_queue"), {"step": "run"})
    assert response.status_code == 302
    assert RetentionRun.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, detail__retention_queue="closed_case").exists()


@pytest.mark.parametrize("persona", ["outsider", "administrator", "auditor", "idva", "manager"])
def test_only_data_protection_officers_reach_the_queue(persona, request, client_for):
    assert (
        client_for(request.getfixturevalue(persona)).get(reverse("dataprotection:retention_queue")).status_code == 403
    )
    assert (
        client_for(request.getfixturevalue(persona))
        .post(reverse("dataprotection:retention_queue"), {"step": "run"})
        .status_code
        == 403
    )
    assert not RetentionRun.objects.exists()


def test_a_hold_must_name_a_record_that_exists(records):
    """Holds name a record by id: the type and id must exist (nothing is stored otherwise). Holds
    are partnership-wide for any data protection officer by design (docs/data-protection.md)."""
    other = make_member(Role.DATA_PROTECTION_OFFICER, agency=AgencyFactory())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        retention_hold_place(
            actor=other,
            record_type="closed_case",
            record_id="not-an-id",
            reason="Because of a claim",
            until=D(2027, 1, 1),
        )


@pytest.mark.parametrize(
    "reason",
    ["A claim: she now lives at SE1 7AB", "Her solicitor rang from 07700 900123", "Complaint from 12 Hidden Road"],
)
def test_a_hold_reason_that_locates_anyone_is_refused_and_nothing_is_kept(records, dpo, reason):
    """A hold outlives the record it keeps (nothing disposes of it): its reason may not hold a
    postcode, phone number or street address (``core.keptreasons``)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        retention_hold_place(
            actor=dpo,
            record_type="closed_case",
            record_id=str(records["due_case"].pk),
            reason=reason,
            until=D(2026, 12, 31),
        )
    assert "reason" in refused.value.message_dict
    assert "7AB" not in str(refused.value) and "900123" not in str(refused.value)
    assert not RetentionHold.objects.exists()


def test_what_is_due_is_one_query_whatever_the_number_due_or_disposed(records, dpo, specialist_agency):
    """A first run over a partnership's history finds tens of thousands of records due: the query
    for what is still due must not carry an id a record, due or in the ledger (SQLite caps a
    query's parameters)."""

    def parameters() -> int:
        """The longest query asking what is due (its ids written in): the same, whatever the rows."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            list(due_for("closed_case", TODAY).values_list("pk", flat=True))
        return max(len(query["sql"]) for query in captured.captured_queries)

    before, due_before = parameters(), due_for("closed_case", TODAY).count()
    for n in range(12):
        make_case(
            agency=specialist_agency,
            status=CaseStatus.CLOSED,
            referred_on=D(2018, 1, 2),
            engaged_on=D(2018, 1, 3),
            closed_on=D(2019, 1, 2 + n),
        )
    run = RetentionRun.objects.create(requested_by=dpo, as_of=TODAY)
    RetentionDisposal.objects.bulk_create(
        RetentionDisposal(record_type="closed_case", record_id=str(uuid.uuid4()), run=run, disposed_at=timezone.now())
        for _ in range(50)
    )
    assert due_for("closed_case", TODAY).count() == due_before + 12
    assert parameters() == before
