"""A closed case's disposal takes the referral it was opened from, and every word on its own rows.

The referral schedule covers only referrals no case was opened from; a referral a case was opened
from (``Case.referral``, one-to-one) is the case's to dispose of. Before, disposing of the case left
its referral whole for ever: the safe phone and email, the safe times to call, what happened, why it
was shared without consent, the decision's words. Now the referral goes with its case, in the same
transaction, blanked exactly as a referral falling due on its own is (``_dispose_referral``), with a
ledger row and an audit row of its own (``referral_not_accepted``, saying which case it went with);
unless a hold keeps it (it then falls due under the referral schedule once the hold ends), and
never while its case is live. A case disposed of before this (in the ledger, its referral whole)
has its referral disposed of by the next run. A task's title, which survived, goes too.

Every date is explicit and the clock is travelled (15 June 2026: a case closed on or before
15 June 2020 is due).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import models

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.models import Case, CaseNote, CaseStatusChange, ContactAttempt, Task
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import retention_hold_place, retention_run_execute
from waymark.dataprotection.models import RetentionDisposal, RetentionRun
from waymark.dataprotection.retention import SCHEDULES, person_still_needed
from waymark.dataprotection.selectors import due_for
from waymark.people.choices import PersonRole, Sex
from waymark.referrals.models import Referral, ReferralStatusChange
from waymark.referrals.states import ReferralStatus
from waymark.support.choices import SAFETY_PLAN_FIELDS
from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan, Service

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)
CLOSED_LONG_AGO = D(2019, 9, 2)  # over six years before TODAY: due
CLOSED_RECENTLY = D(2021, 9, 2)  # under six years: not due
HOLD_ENDS = D(2026, 12, 31)

PHONE = "07700 900461"
EMAIL = "jo.canary@example.org"
SAFE_TIMES = "CANARY-TIMES only call 10-12 weekdays, code word lighthouse"
SUMMARY = "CANARY-SUMMARY she fled to her sister at 17 Canarywood Close"
SHARING = "CANARY-SHARING he has threatened to kill her"
# Who decided to share without consent: typed freely ("name and role"), it can name her GP's surgery.
AUTHORISED = "CANARY-AUTHORISED Dr Finch, Canarywood Surgery"
POSTCODE = "CF9 7ZQ"
DECISION = "CANARY-DECISION accepted, she is at her sister's"
REFERRAL_WORDS = {
    "contact_phone": PHONE,
    "contact_email": EMAIL,
    "contact_instructions": SAFE_TIMES,
    "latest_incident_summary": SUMMARY,
    "sharing_reason": SHARING,
    "sharing_authorised_by": AUTHORISED,
    "subject_postcode": POSTCODE,
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _case_from_referral(agency, idva, her, *, status=CaseStatus.CLOSED, closed_on=CLOSED_LONG_AGO, n=1):
    """Her referral (received 2018, accepted: every word in it a canary) and the case opened from it."""
    harmer = _person(agency, f"Kieran{n}", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    referral = Referral.objects.create(
        number=f"R-2018-90000{n}",
        received_on=D(2018, 3, 1),
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=her,
        person_causing_harm=harmer,
        receiving_agency=agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="refused",
        lawful_basis="vital_interests",
        safe_to_call="yes",
        accepted_at=_at(D(2018, 3, 5)),
        decided_at=_at(D(2018, 3, 5)),
        **REFERRAL_WORDS,
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=ReferralStatus.TRIAGED,
        to_status=ReferralStatus.ACCEPTED,
        reason=DECISION,
        changed_at=_at(D(2018, 3, 5)),
    )
    case = Case.objects.create(
        number=f"C-2018-90000{n}",
        person=her,
        referral=referral,
        agency=agency,
        caseworker=idva,
        status=status,
        referred_on=D(2018, 3, 1),
        opened_on=D(2018, 3, 5),
        closed_on=closed_on if status == CaseStatus.CLOSED else None,
    )
    return case, referral


def _referral_words(referral):
    referral.refresh_from_db()
    words = {name: getattr(referral, name) for name in REFERRAL_WORDS}
    words["decision"] = [change.reason for change in referral.status_changes.all()]
    return words


KEPT = {**REFERRAL_WORDS, "decision": [DECISION]}
BLANK = {**{name: "" for name in REFERRAL_WORDS}, "decision": [""]}


def _referral_due():
    return set(due_for("referral_not_accepted", TODAY).values_list("pk", flat=True))


def test_disposing_of_a_closed_case_disposes_of_its_referral_in_the_ledger_and_the_audit(specialist_agency, idva, dpo):
    """The case closed in 2019 is due; its referral (accepted, so never under the referral
    schedule) goes with it: every word blanked as a referral's disposal blanks them, its coded
    values kept for the figures; the ledger and the audit trail each have a row for it, by id, in
    the case's run, saying which case it went with; she is anonymised; a second run disposes of
    nothing."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    case, referral = _case_from_referral(specialist_agency, idva, her)
    assert _referral_due() == set()  # not due on its own: it goes with its case

    run = run_retention(dpo)

    assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (1, 1)
    assert _referral_words(referral) == BLANK
    assert (referral.status, referral.received_on, referral.abuse_types, referral.consent) == (
        ReferralStatus.ACCEPTED,
        D(2018, 3, 1),
        ["physical"],
        "refused",
    )
    ledger = RetentionDisposal.objects.get(record_type="referral_not_accepted", record_id=str(referral.pk))
    assert ledger.run_id == run.pk
    assert RetentionDisposal.objects.get(record_type="closed_case", record_id=str(case.pk)).run_id == run.pk
    event = AuditEvent.objects.get(
        action=AuditAction.ARCHIVE, object_type="referrals.referral", object_id=str(referral.pk)
    )
    assert event.detail == {
        "retention": "referral_not_accepted",
        "method": "anonymised",
        "run": str(run.pk),
        "went_with": "closed_case",
        "went_with_record": str(case.pk),
    }
    assert _names(her) == ("", "")

    assert sum(run_retention(dpo).counts.values()) == 0
    assert RetentionDisposal.objects.filter(record_id=str(referral.pk)).count() == 1


def test_the_case_and_its_referral_go_in_one_transaction(specialist_agency, idva, dpo, monkeypatch):
    """If the referral's disposal fails, the case's is undone with it: no case left disposed of
    with its referral whole (nor in the ledger, so the next run tries both again)."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    case, referral = _case_from_referral(specialist_agency, idva, her)
    CaseNote.objects.create(case=case, body="CANARY-NOTE", written_by=idva, written_at=_at(D(2019, 1, 1)))

    def fails(record, as_of):
        raise RuntimeError("the referral's disposal failed")

    monkeypatch.setitem(
        SCHEDULES, "referral_not_accepted", dataclasses.replace(SCHEDULES["referral_not_accepted"], dispose=fails)
    )
    run = RetentionRun.objects.create(requested_by=dpo, as_of=TODAY)
    with pytest.raises(RuntimeError):
        retention_run_execute(run_id=run.pk)

    assert not RetentionDisposal.objects.exists()
    assert CaseNote.objects.filter(case=case).count() == 1
    assert _referral_words(referral) == KEPT
    assert _names(her) == ("Josephine", "Wrenfield")


def test_a_held_referral_is_kept_with_her_and_goes_when_its_hold_ends(specialist_agency, idva, dpo):
    """A hold on the referral (a complaint about it) keeps it when its case is disposed of, and
    keeps her named (a held record must still say who it is about). The day after the hold ends,
    the referral schedule finds it due (its case is in the ledger) and disposes of it, and her."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    _case, referral = _case_from_referral(specialist_agency, idva, her)
    retention_hold_place(
        actor=dpo,
        record_type="referral_not_accepted",
        record_id=str(referral.pk),
        reason="A complaint about how the referral was handled",
        until=HOLD_ENDS,
    )

    run = run_retention(dpo)
    assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (1, 0)
    assert _referral_words(referral) == KEPT
    assert not RetentionDisposal.objects.filter(record_type="referral_not_accepted").exists()
    assert _names(her) == ("Josephine", "Wrenfield")

    with time_machine.travel(dt.datetime.combine(HOLD_ENDS, dt.time(23, 30), tzinfo=LONDON), tick=False):
        assert sum(run_retention(dpo).counts.values()) == 0
        assert _referral_words(referral) == KEPT

    with time_machine.travel(dt.datetime.combine(D(2027, 1, 1), dt.time(0, 30), tzinfo=LONDON), tick=False):
        assert SCHEDULES["referral_not_accepted"].describe(referral) == (referral.number, CLOSED_LONG_AGO)
        run = run_retention(dpo)
        assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (0, 1)
        assert _referral_words(referral) == BLANK
        assert RetentionDisposal.objects.get(record_type="referral_not_accepted").record_id == str(referral.pk)
        event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_id=str(referral.pk))
        assert event.detail == {"retention": "referral_not_accepted", "method": "anonymised", "run": str(run.pk)}
        assert _names(her) == ("", "")


def test_a_held_case_keeps_its_referral(specialist_agency, idva, dpo):
    """A hold on the case keeps the referral it was opened from too: the referral is due only
    once its case is disposed of."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    case, referral = _case_from_referral(specialist_agency, idva, her)
    retention_hold_place(
        actor=dpo,
        record_type="closed_case",
        record_id=str(case.pk),
        reason="A claim about the service's handling of the case",
        until=HOLD_ENDS,
    )
    run = run_retention(dpo)
    assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (0, 0)
    assert _referral_words(referral) == KEPT
    assert _names(her) == ("Josephine", "Wrenfield")


@pytest.mark.parametrize(
    ("status", "closed_on"),
    [(CaseStatus.ACTIVE, None), (CaseStatus.CLOSURE_REQUESTED, None), (CaseStatus.CLOSED, CLOSED_RECENTLY)],
)
def test_a_referral_whose_case_is_live_is_never_disposed_of(status, closed_on, specialist_agency, idva, dpo):
    """Received and accepted in 2018, so long past the referral schedule's two years; but its
    case is open, or closed inside its six: the referral is not due, a run leaves every word of
    it, and it keeps her (``person_still_needed``, by the case's own rule)."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    _case, referral = _case_from_referral(specialist_agency, idva, her, status=status, closed_on=closed_on)
    assert referral.pk not in _referral_due()
    assert person_still_needed(her.pk, TODAY)

    run = run_retention(dpo)
    assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (0, 0)
    assert _referral_words(referral) == KEPT
    assert not RetentionDisposal.objects.exists()
    assert _names(her) == ("Josephine", "Wrenfield")


def test_a_case_disposed_of_before_has_its_referral_disposed_of_by_the_next_run(specialist_agency, idva, dpo):
    """A case an earlier run disposed of (in the ledger) while its referral was left whole: the
    referral is now due under the referral schedule, listed in the queue from the day its case
    closed, and the next run disposes of it."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    case, referral = _case_from_referral(specialist_agency, idva, her)
    earlier = RetentionRun.objects.create(requested_by=dpo, as_of=D(2026, 1, 5))
    RetentionDisposal.objects.create(
        record_type="closed_case", record_id=str(case.pk), run=earlier, disposed_at=_at(D(2026, 1, 5))
    )
    assert _referral_due() == {referral.pk}
    assert SCHEDULES["referral_not_accepted"].describe(referral) == (referral.number, CLOSED_LONG_AGO)

    run = run_retention(dpo)
    assert (run.counts["closed_case"], run.counts["referral_not_accepted"]) == (0, 1)
    assert _referral_words(referral) == BLANK
    assert _names(her) == ("", "")


def _text_values(rows):
    """Every text value on ``rows`` (character and text fields, encrypted ones included)."""
    values = []
    for row in rows:
        row.refresh_from_db()
        for field in row._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                values.append(getattr(row, field.attname))
    return values


def test_every_word_on_the_cases_own_rows_goes(specialist_agency, idva, dpo):
    """A canary in every free-text field of every row the case holds: its own, its status changes,
    notes, tasks (the title survived before), contact attempts, safety plans, needs, goals and
    their progress, interventions and orders. None survives the run; each row's dates and coded
    values stay."""
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    case, _referral = _case_from_referral(specialist_agency, idva, her)
    case.closure_note, case.no_marac_reason = "CANARY-CLOSURE", "CANARY-NOMARAC"
    case.save(update_fields=["closure_note", "no_marac_reason"])
    CaseStatusChange.objects.create(
        case=case, to_status=CaseStatus.CLOSED, reason="CANARY-STATUS", changed_at=_at(CLOSED_LONG_AGO)
    )
    CaseNote.objects.create(case=case, body="CANARY-NOTE", written_by=idva, written_at=_at(D(2019, 1, 1)))
    task = Task.objects.create(
        case=case,
        title="CANARY-TASK ring her at her sister's, 17 Canarywood Close",
        due_on=D(2019, 2, 1),
        owner=idva,
        created_by=idva,
        done_at=_at(D(2019, 2, 1)),
        done_by=idva,
    )
    ContactAttempt.objects.create(
        case=case, kind="phone_call", attempted_at=_at(D(2019, 1, 2)), outcome="spoke", note="CANARY-CONTACT"
    )
    SafetyPlan.objects.create(
        case=case,
        version=1,
        reviewed_on=D(2019, 1, 3),
        reviewed_by=idva,
        next_review_on=D(2019, 4, 3),
        **{name: f"CANARY-PLAN-{name}" for name in SAFETY_PLAN_FIELDS},
    )
    need = Need.objects.create(
        case=case,
        domain="housing",
        level="high",
        identified_on=D(2019, 1, 3),
        identified_by=idva,
        description="CANARY-NEED",
    )
    goal = Goal.objects.create(
        need=need,
        description="CANARY-GOAL",
        target_on=D(2019, 6, 1),
        status="in_progress",
        set_on=D(2019, 1, 3),
        set_by=idva,
    )
    GoalProgress.objects.create(
        goal=goal, recorded_on=D(2019, 2, 3), status="in_progress", note="CANARY-PROGRESS", recorded_by=idva
    )
    service = Service.objects.create(code="t-counselling", name="Counselling", category="recovery", provider_name="X")
    Intervention.objects.create(
        case=case, service=service, offered_on=D(2019, 1, 4), outcome_note="CANARY-INTERVENTION", recorded_by=idva
    )
    LegalOrder.objects.create(
        case=case,
        kind="non_molestation",
        status="granted",
        granted_on=D(2019, 1, 10),
        expires_on=D(2019, 7, 10),
        against=case.referral.person_causing_harm,
        terms="CANARY-ORDER",
        recorded_by=idva,
    )

    def everything():
        rows = [
            case,
            *CaseStatusChange.objects.filter(case=case),
            *CaseNote.objects.filter(case=case),
            *Task.objects.filter(case=case),
            *ContactAttempt.objects.filter(case=case),
            *SafetyPlan.objects.filter(case=case),
            *Need.objects.filter(case=case),
            *Goal.objects.filter(need__case=case),
            *GoalProgress.objects.filter(goal__need__case=case),
            *Intervention.objects.filter(case=case),
            *LegalOrder.objects.filter(case=case),
        ]
        return [value for value in _text_values(rows) if "CANARY" in (value or "")]

    assert len(everything()) == 11 + len(SAFETY_PLAN_FIELDS)
    run_retention(dpo)

    assert everything() == []
    task.refresh_from_db()
    assert (task.title, task.due_on, task.done_at, task.owner_id) == ("", D(2019, 2, 1), _at(D(2019, 2, 1)), idva.pk)
