"""Subject access requests: open, assemble, submit, review (a second person), release.
Atomic, validated before anything is saved, audited in the same transaction. Audit rows name the
request and the person by id only, with counts; never a name or the bundle's contents."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.daterange import is_sane
from waymark.core.dates import add_months
from waymark.core.keptreasons import refusal
from waymark.core.roles import Role
from waymark.dataprotection.models import (
    RetentionDisposal,
    RetentionHold,
    RetentionRun,
    RetentionRunStatus,
    SarStatus,
    SubjectAccessRequest,
)
from waymark.dataprotection.redaction import assemble
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User

MIN_IDENTITY_CHECK = 10


def _officer_agency(actor: User) -> uuid.UUID:
    agencies = sorted(actor.agencies_with_role(Role.DATA_PROTECTION_OFFICER), key=str)
    if not agencies:
        raise PermissionDenied("Only a data protection officer answers subject access requests.")
    return agencies[0]


def _person(reference: str) -> Person | None:
    reference = reference.strip()
    try:
        return Person.objects.get(pk=uuid.UUID(reference))
    except (ValueError, Person.DoesNotExist):
        pass
    return Person.objects.filter(ref=reference).first() if reference else None


def sar_open(*, actor: User, person_reference: str, received_on: date, identity_check: str) -> SubjectAccessRequest:
    """Records a request received from a person whose identity has been confirmed."""
    agency_id = _officer_agency(actor)
    errors: dict[str, str] = {}
    person = _person(person_reference)
    # Only a record the officer's own agency holds: a DPO elsewhere in the partnership would
    # otherwise read everything about anyone (unredacted, while assembling). Refused exactly as an
    # unknown reference is, so the form is no oracle for whether a record exists.
    if person is not None and person.held_by_id not in actor.agencies_with_role(Role.DATA_PROTECTION_OFFICER):
        person = None
    if person is not None and person.held_by_id is not None:
        agency_id = person.held_by_id
    if person is None:
        errors["person_reference"] = "Enter the record id or reference exactly as the holding service gave it"
    elif person.merged_into_id:
        errors["person_reference"] = "That record was merged into another: use the surviving record's id"
    today = timezone.localdate()
    if not is_sane(received_on) or received_on > today:
        errors["received_on"] = "Enter the date the request was received: today or earlier"
    if len(identity_check.strip()) < MIN_IDENTITY_CHECK:
        errors["identity_check"] = "Say how the requester's identity was confirmed"
    if errors:
        raise ValidationError(errors)
    assert person is not None
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            agency_id=agency_id,
            person=person,
            received_on=received_on,
            due_on=add_months(received_on, 1),
            identity_check=identity_check.strip(),
            opened_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=sar, detail={"person": str(person.pk)})
    return sar


def _locked(sar: SubjectAccessRequest, *allowed: SarStatus) -> SubjectAccessRequest:
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if locked.status not in allowed:
        raise ValidationError(f"This request is {locked.get_status_display().lower()}: that cannot be done now.")
    return locked


def sar_assemble(*, actor: User, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """Gathers everything held about the person, from every app's part, and redacts it. Assembling
    again (after a return) replaces the bundle; the reviewer reviews what is assembled last."""
    _officer_agency(actor)
    with transaction.atomic():
        locked = _locked(sar, SarStatus.RECEIVED, SarStatus.ASSEMBLED, SarStatus.RETURNED)
        bundle = assemble(locked.person, locked.extra_redaction_list)
        counts = bundle["counts"]
        locked.bundle = json.dumps(bundle)
        locked.items, locked.withheld, locked.redactions = counts["items"], counts["withheld"], counts["redactions"]
        locked.status = SarStatus.ASSEMBLED
        locked.assembled_by = actor
        locked.assembled_at = timezone.now()
        locked.reviewed_by, locked.reviewed_at = None, None
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"sar": "assembled", "person": str(locked.person_id), **counts},
        )
    return locked


MIN_REDACTION_REASON = 5


def sar_redact_add(*, actor: User, sar: SubjectAccessRequest, text: str, reason: str) -> SubjectAccessRequest:
    """Redacts words by hand, wherever they appear in the bundle, with a reason the reviewer sees
    (a misspelt address, a place described in words, a name the records do not link): the bundle
    is assembled again with them."""
    _officer_agency(actor)
    errors: dict[str, str] = {}
    if len(text.strip()) < 2:
        errors["text"] = "Enter the words to redact"
    if len(reason.strip()) < MIN_REDACTION_REASON:
        errors["reason"] = "Say why they are redacted"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(sar, SarStatus.ASSEMBLED, SarStatus.RETURNED)
        extra = [*locked.extra_redaction_list, {"text": text.strip(), "reason": reason.strip()}]
        locked.extra_redactions = json.dumps(extra)
        locked.save(update_fields=["extra_redactions", "modified_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"sar": "redaction added", "by_hand": len(extra)}
        )
    return sar_assemble(actor=actor, sar=locked)


def sar_submit(*, actor: User, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """Sends the assembled, redacted bundle to a second person for review."""
    _officer_agency(actor)
    with transaction.atomic():
        locked = _locked(sar, SarStatus.ASSEMBLED)
        locked.status = SarStatus.IN_REVIEW
        locked.save(update_fields=["status", "modified_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"sar": "submitted for review"})
    return locked


def sar_review(*, actor: User, sar: SubjectAccessRequest, approve: bool, note: str) -> SubjectAccessRequest:
    """The second key: someone other than the person who assembled the bundle approves its
    redaction for release, or returns it with a note saying what to change."""
    _officer_agency(actor)
    if sar.assembled_by_id == actor.pk:
        raise PermissionDenied("You assembled this bundle: a second person must review its redaction.")
    if not approve and len(note.strip()) < 5:
        raise ValidationError({"note": "Say what needs to change before it can be released"})
    with transaction.atomic():
        locked = _locked(sar, SarStatus.IN_REVIEW)
        if locked.assembled_by_id == actor.pk:
            raise PermissionDenied("You assembled this bundle: a second person must review its redaction.")
        locked.status = SarStatus.APPROVED if approve else SarStatus.RETURNED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"sar": "approved" if approve else "returned"},
        )
    return locked


def sar_release(*, actor: User, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """Releases the approved bundle: from now its download (print view, CSV zip) is available."""
    _officer_agency(actor)
    with transaction.atomic():
        locked = _locked(sar, SarStatus.APPROVED)
        if not locked.reviewed_by_id or locked.reviewed_by_id == locked.assembled_by_id:
            raise PermissionDenied("A bundle is released only after a second person has approved it.")
        locked.status = SarStatus.RELEASED
        locked.released_by = actor
        locked.released_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.SHARE,
            obj=locked,
            detail={"sar": "released", "person": str(locked.person_id), "withheld": locked.withheld},
        )
    return locked


# --- Retention -------------------------------------------------------------------------------

MIN_HOLD_REASON = 10


def retention_hold_place(*, actor: User, record_type: str, record_id: str, reason: str, until: date) -> RetentionHold:
    """Keeps one record past its retention date, until ``until``, for a stated reason (a complaint,
    a claim, an inquiry)."""
    from waymark.dataprotection.retention import SCHEDULES

    _officer_agency(actor)
    errors: dict[str, str] = {}
    schedule = SCHEDULES.get(record_type)
    if schedule is None:
        errors["record_type"] = "Choose a record type from the schedule"
    elif not schedule.due(timezone.localdate()).model.objects.filter(pk=_uuid_or_none(record_id)).exists():
        errors["record_id"] = "No record of that type has that id"
    if len(reason.strip()) < MIN_HOLD_REASON:
        errors["reason"] = "Say why the record must be kept"
    elif locating := refusal(reason):  # the hold is never disposed of: its reason may not locate anyone
        errors["reason"] = locating
    if not is_sane(until) or until <= timezone.localdate():
        errors["until"] = "Enter a date after today"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hold = RetentionHold.objects.create(
            record_type=record_type,
            record_id=str(_uuid_or_none(record_id)),
            reason=reason.strip(),
            until=until,
            placed_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=hold,
            detail={"retention_hold": record_type, "record": hold.record_id, "until": until.isoformat()},
        )
    return hold


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def retention_run_request(*, actor: User, as_of: date | None = None) -> RetentionRun:
    """Asks the worker to dispose of every record due today (or on ``as_of``, not later than today)."""
    from waymark.core.tasks import enqueue_after_commit
    from waymark.dataprotection.tasks import run_retention

    _officer_agency(actor)
    today = timezone.localdate()
    as_of = as_of or today
    if not is_sane(as_of) or as_of > today:
        raise ValidationError({"as_of": "A retention run is for today or an earlier day"})
    with transaction.atomic():
        run = RetentionRun.objects.create(requested_by=actor, as_of=as_of)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=run, detail={"retention_run": as_of.isoformat()})
        enqueue_after_commit(run_retention, str(run.pk))
    return run


def _anonymise_people_left_named(run: RetentionRun) -> None:
    """After the schedules, everyone still named on a record this or an earlier run disposed of
    whom nothing keeps now (``people_left_named``, by the one rule ``still_needed``) is anonymised:
    a child or an order's party on a case disposed of before, someone kept then only by a risk
    assessment or an order since expired, someone known only through MARAC whom a run from before
    MARAC disposal reached its people left named. One transaction and one audit row (by id, naming
    the schedule whose disposed record left them named) each, asked again inside it
    (``person_still_needed``: a hold placed meanwhile). Each person is reached once per run."""
    from waymark.dataprotection.retention import (
        SCHEDULE_LIST,
        anonymise_when_done,
        people_left_named,
        person_still_needed,
    )

    asked: set[uuid.UUID] = set()
    for schedule in SCHEDULE_LIST:
        # The ids first, as for the records: no cursor held open across the commits.
        for person_id in list(people_left_named(schedule.key, run.as_of).values_list("pk", flat=True)):
            if person_id in asked:
                continue
            asked.add(person_id)
            with transaction.atomic():
                if person_still_needed(person_id, run.as_of):
                    continue
                anonymise_when_done(person_id, run.as_of)
                audit_record(
                    actor=run.requested_by,
                    action=AuditAction.ARCHIVE,
                    object_type=Person._meta.label_lower,
                    object_id=str(person_id),
                    detail={
                        "retention": schedule.key,
                        "method": "anonymised",
                        "run": str(run.pk),
                        "left_by_earlier_run": True,
                    },
                )


def _blank_order_terms_left(run: RetentionRun) -> None:
    """After the schedules, the terms of every order on a disposed case that was in force when its
    case went and is no longer (``order_terms_left``, by the one rule ``orders_ended``) are
    blanked: one transaction and one audit row (the order by id, its case, the run) each, asked
    again inside it with the order locked (a hold placed meanwhile, its expiry put back). Not in the
    run's counts, which count records disposed of: the case was counted when it went."""
    from waymark.dataprotection.retention import blank_order_terms, order_terms_left

    left = order_terms_left(run.as_of)
    # The ids first, as for the records: no cursor held open across the commits.
    for order_pk in list(left.values_list("pk", flat=True)):
        with transaction.atomic():
            order = left.select_for_update().filter(pk=order_pk).first()
            if order is None:
                continue
            blank_order_terms([order])
            audit_record(
                actor=run.requested_by,
                action=AuditAction.ARCHIVE,
                obj=order,
                detail={
                    "retention": "closed_case",
                    "method": "anonymised",
                    "fields": ["terms"],
                    "case": str(order.case_id),
                    "run": str(run.pk),
                    "left_by_earlier_run": True,
                },
            )


def _dispose_of(run: RetentionRun, schedule_key: str, record: Any, counts: dict[str, int], **why: str) -> None:
    """Disposes of one record under its schedule, in the caller's transaction: its ledger row, its
    audit row (by id), its count; then the records that go with it (``Schedule.goes_with``: a
    case's referral), each the same way under its own schedule, saying which record it went with."""
    from waymark.dataprotection.retention import SCHEDULES

    schedule = SCHEDULES[schedule_key]
    schedule.dispose(record, run.as_of)
    RetentionDisposal.objects.create(
        record_type=schedule.key, record_id=str(record.pk), run=run, disposed_at=timezone.now()
    )
    audit_record(
        actor=run.requested_by,
        action=AuditAction.ARCHIVE,
        obj=record,
        detail={"retention": schedule.key, "method": "anonymised", "run": str(run.pk), **why},
    )
    counts[schedule.key] += 1
    for key, companion in schedule.goes_with(record, run.as_of):
        _dispose_of(run, key, companion, counts, went_with=schedule.key, went_with_record=str(record.pk))


def retention_run_execute(*, run_id: uuid.UUID | str) -> RetentionRun:
    """The worker's part: disposes of each record due on the run's day, one transaction and one
    audit row per record (a record that goes with another, a case's referral, in that one's
    transaction, with its own ledger and audit row), and records the counts; then blanks what
    disposed records were left with while something kept it (an order's terms while it was in
    force, the people something else kept). Run twice, it disposes of nothing more."""
    from waymark.dataprotection.retention import SCHEDULE_LIST
    from waymark.dataprotection.selectors import due_for

    run = RetentionRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status == RetentionRunStatus.DONE:
        return run
    counts: dict[str, int] = {schedule.key: 0 for schedule in SCHEDULE_LIST}
    for schedule in SCHEDULE_LIST:
        due = due_for(schedule.key, run.as_of)
        # The ids first: each record is then disposed of in its own transaction, with no cursor
        # held open across the commits. One that went with an earlier record is no longer due.
        for record_pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                record = due.model.objects.select_for_update().get(pk=record_pk)
                _dispose_of(run, schedule.key, record, counts)
    _blank_order_terms_left(run)
    _anonymise_people_left_named(run)
    run.counts = counts
    run.status = RetentionRunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "status", "finished_at", "modified_at"])
    return run
