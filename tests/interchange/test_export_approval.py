"""Four eyes on exports that can locate people (docs/interchange.md, "From the web").

One administrator, alone, could once build and download every survivor's postcode and phone. Now an
export with locating details waits for a *different* system administrator, who has just presented
their second factor, to approve it before the worker builds it; it lapses if nobody does in
``EXPORT_APPROVAL_HOURS``. An export without locating details needs no approval: those columns are
empty and the files say they are not for re-import (the importer refuses them). Every refused step
is audited. No test reads the wall clock: times are relative to the request, moved with
time_machine.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member
from tests.interchange.conftest import VALID
from tests.interchange.test_web_import_export import zip_of
from tests.operations.conftest import run_worker
from tests.reauth import mark_reauthenticated
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core.roles import Role
from waymark.incidents.models import Incident
from waymark.interchange import jobs
from waymark.interchange.actions import (
    EXPORT_MANIFEST,
    EXPORT_README,
    export_files,
    interchange_import,
    interchange_import_files,
)
from waymark.interchange.models import ExportJob
from waymark.interchange.registry import handlers
from waymark.interchange.source import read_zip_bytes
from waymark.people.models import Address, ContactChannel, Person
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

REASON = "Moving the partnership to the new county system (ticket DP-42)"

# Every column the exporter writes, by whether it can say where a person is. A new column must be
# placed in one list or the other (and a locating one added to its handler's locating_columns).
LOCATING = {
    "people.csv": {"postcode", "phone"},
    "risk_assessments.csv": {"judgement_reason"},
    "incidents.csv": {"description"},
}


@pytest.fixture
def records():
    report = interchange_import_files(actor=None, raw_files=read_zip_bytes(zip_of(VALID)))
    assert report.ok, report.lines()


@pytest.fixture
def approver():
    return make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Lee Second")


def client_of(client_for, user):
    return mark_reauthenticated(client_for(user), user)


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def denied_steps(job: ExportJob) -> list[str]:
    events = AuditEvent.objects.filter(
        object_id=str(job.pk), action=AuditAction.EXPORT, outcome=AuditOutcome.DENIED
    ).order_by("sequence")
    return [event.detail["step"] for event in events]


def steps(job: ExportJob) -> list[str]:
    events = AuditEvent.objects.filter(object_id=str(job.pk), action=AuditAction.EXPORT).order_by("sequence")
    return [event.detail["step"] for event in events]


def asked(administrator) -> ExportJob:
    return jobs.export_job_request(actor=administrator, locating_details=True, reason=REASON)


# --- What locates a person ------------------------------------------------------------------------


def test_the_locating_columns_are_exactly_the_postcode_phone_and_free_text_that_can_hold_a_place():
    found = {handler.name: set(handler.locating_columns) for handler in handlers() if handler.locating_columns}
    assert found == LOCATING
    for handler in handlers():
        assert set(handler.locating_columns) <= set(handler.column_names), handler.name


def test_an_export_without_locating_details_leaves_those_columns_empty_and_says_so(records):
    full = export_files()
    files = export_files(locating_details=False)
    assert set(files) == set(full) | {EXPORT_MANIFEST, EXPORT_README}
    for name, columns in LOCATING.items():
        rows = rows_of(files[name])
        assert len(rows) == len(rows_of(full[name]))
        assert {row[column] for row in rows for column in columns} == {""}, name
    assert any(row["postcode"] == "SE1 7AB" for row in rows_of(full["people.csv"]))  # the full one has them
    for name in set(full) - set(LOCATING):
        assert files[name] == full[name]  # nothing else is touched
    people = rows_of(files["people.csv"])
    assert {row["given_name"] for row in people} >= {"Aisha", "Connor"}
    manifest = dict(csv.reader(io.StringIO(files[EXPORT_MANIFEST].decode())))
    assert manifest["locating_details"] == "left out" and manifest["for_import"] == "no"
    assert "people.csv postcode" in manifest["columns_left_empty"]
    readme = files[EXPORT_README].decode()
    assert "NOT FOR RE-IMPORT" in readme and "incidents.csv description" in readme


def test_importing_an_export_without_locating_details_is_refused_whole_and_wipes_nothing(records, tmp_path):
    files = export_files(locating_details=False)
    report = interchange_import_files(actor=None, raw_files=files)
    assert not report.ok and report.errors[0].file == EXPORT_MANIFEST
    assert "without locating details" in report.errors[0].message
    folder = tmp_path / "partial"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    assert not interchange_import(actor=None, path=folder).ok  # the command line refuses it too
    aisha = Person.objects.get(ref="P1")
    assert Address.objects.filter(person=aisha, is_current=True).values_list("postcode", flat=True).get() == "SE1 7AB"
    assert Incident.objects.get(ref="I1").description == "Pushed against a wall"
    assert RiskAssessment.objects.get(ref="A2").judgement_reason == "Threats to kill reported to GP"
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, outcome=AuditOutcome.FAILURE).count() == 2


def test_a_manifest_that_does_not_say_locating_details_are_included_is_refused():
    assert not interchange_import_files(actor=None, raw_files={EXPORT_MANIFEST: b"key,value\n"}).ok
    assert not interchange_import_files(actor=None, raw_files={EXPORT_MANIFEST: b"\xff\xfe"}).ok
    included = interchange_import_files(
        actor=None, raw_files={EXPORT_MANIFEST: b"key,value\nlocating_details,included\n"}
    )
    assert included.ok and included.skipped == [EXPORT_MANIFEST]


def test_empty_postcode_and_phone_cells_never_remove_what_is_held(records):
    """Why blank postcode and phone cells alone would be safe to import: a location is only ever added."""
    people = ["P1,Aisha,Mohammed,1990-03-04,female,asian_pakistani,no,no,,"]
    report = interchange_import_files(actor=None, raw_files=read_zip_bytes(zip_of({"people.csv": people})))
    assert report.ok and report.counts["people.csv"].unchanged == 1
    aisha = Person.objects.get(ref="P1")
    assert Address.objects.filter(person=aisha, is_current=True).count() == 1
    assert ContactChannel.objects.filter(person=aisha, is_current=True).count() == 1


# --- Without locating details: no approval --------------------------------------------------------


def test_an_export_without_locating_details_is_built_at_once_and_downloads_once(records, administrator):
    job = jobs.export_job_request(actor=administrator, locating_details=False)
    assert job.status == ExportJob.Status.BUILDING and job.approve_by is None
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.rows_per_file["people.csv"] == 4
    assert EXPORT_MANIFEST not in job.rows_per_file
    with zipfile.ZipFile(io.BytesIO(jobs.export_job_download(actor=administrator, job_id=job.pk))) as archive:
        assert EXPORT_README in archive.namelist()
        assert {row["phone"] for row in rows_of(archive.read("people.csv"))} == {""}


# --- With locating details: four eyes -------------------------------------------------------------


def test_asking_for_locating_details_needs_a_reason_and_builds_nothing(records, administrator, approver):
    with pytest.raises(ValidationError) as refused:
        jobs.export_job_request(actor=administrator, locating_details=True, reason="  ")
    assert "reason" in refused.value.message_dict
    assert not ExportJob.objects.exists()

    job = asked(administrator)
    assert job.status == ExportJob.Status.PENDING
    assert abs((job.approve_by - job.created_at) - timedelta(hours=24)) < timedelta(seconds=1)
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING and job.payload == "" and not job.rows_per_file
    # The other administrators are told; the email carries neither the reason nor a record.
    (message,) = mail.outbox
    assert message.to == [approver.email] and "approval" in message.subject
    assert REASON not in message.body and "SE1" not in message.body
    assert reverse("interchange:export_approve", args=[job.pk]) in message.body  # the decision page
    # The reason is kept out of the audit row (an encrypted justification).
    request = AuditEvent.objects.get(object_id=str(job.pk), detail__step="requested")
    assert request.justification and REASON not in str(request.detail)
    assert request.detail["locating_details"] is True


def test_the_requester_cannot_approve_their_own_export_and_the_attempt_is_audited(records, administrator):
    job = asked(administrator)
    for decide in (jobs.export_job_approve, jobs.export_job_refuse):
        with pytest.raises(ValidationError, match="a different system administrator"):
            decide(actor=administrator, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING and job.decided_by is None
    assert denied_steps(job) == ["approval refused", "refusal not allowed"]


def test_only_a_system_administrator_can_approve(records, administrator, manager):
    job = asked(administrator)
    with pytest.raises(PermissionDenied):
        jobs.export_job_approve(actor=manager, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING


def test_a_download_before_approval_is_refused_and_audited(records, administrator):
    job = asked(administrator)
    with pytest.raises(ValidationError, match="waiting for another administrator"):
        jobs.export_job_download(actor=administrator, job_id=job.pk)
    assert denied_steps(job) == ["download refused"]


def test_an_approval_after_the_request_lapsed_is_refused_and_the_request_lapses(records, administrator, approver):
    job = asked(administrator)
    with (
        time_machine.travel(job.approve_by + timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError, match="lapsed"),
    ):
        jobs.export_job_approve(actor=approver, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.LAPSED and job.decided_by is None
    assert steps(job) == ["requested", "lapsed", "approval refused"]
    lapse = AuditEvent.objects.get(object_id=str(job.pk), detail__step="lapsed")
    assert lapse.actor is None and lapse.actor_label == jobs.LAPSE_LABEL
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.LAPSED and job.payload == ""


def test_just_before_it_lapses_it_can_still_be_approved(records, administrator, approver):
    job = asked(administrator)
    with time_machine.travel(job.approve_by - timedelta(seconds=1), tick=False):
        jobs.export_job_approve(actor=approver, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.BUILDING


def test_the_approval_time_is_a_setting(records, administrator, settings):
    settings.EXPORT_APPROVAL_HOURS = 2
    job = asked(administrator)
    assert job.approve_by - job.created_at < timedelta(hours=2, seconds=1)
    assert job.approve_by - job.created_at > timedelta(hours=1, minutes=59)


def test_a_refused_request_is_recorded_and_cannot_then_be_approved(records, administrator, approver):
    third = make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Kim Third")
    job = asked(administrator)
    jobs.export_job_refuse(actor=approver, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    assert job.decided_by == approver and job.decided_at is not None
    with pytest.raises(ValidationError, match="not waiting for approval: it is refused"):
        jobs.export_job_approve(actor=third, job_id=job.pk)
    with pytest.raises(ValidationError):
        jobs.export_job_download(actor=administrator, job_id=job.pk)
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED and job.payload == ""
    assert steps(job) == ["requested", "refused", "approval refused", "download refused"]
    refused = AuditEvent.objects.get(object_id=str(job.pk), detail__step="refused")
    assert refused.actor == approver and refused.detail["requested_by"] == str(administrator.pk)


def test_an_export_is_approved_once(records, administrator, approver):
    third = make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Kim Third")
    job = asked(administrator)
    jobs.export_job_approve(actor=approver, job_id=job.pk)
    with pytest.raises(ValidationError, match="not waiting for approval"):
        jobs.export_job_approve(actor=third, job_id=job.pk)
    with pytest.raises(ValidationError, match="not waiting for approval"):
        jobs.export_job_refuse(actor=third, job_id=job.pk)
    job.refresh_from_db()
    assert job.decided_by == approver


def test_the_worker_never_builds_locating_details_nobody_else_approved(records, administrator):
    """Forced to "being built" (by hand in the database, or a job run again from the background
    jobs page) without a second administrator's approval: the worker refuses, and says so."""
    job = asked(administrator)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.BUILDING)
    assert jobs.build_export_job.call(str(job.pk)) == 0
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.BUILDING, decided_by=administrator)
    assert jobs.build_export_job.call(str(job.pk)) == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.payload == ""
    assert len(denied_steps(job)) == 2


def test_the_daily_job_lapses_requests_nobody_approved_in_time(records, administrator, approver):
    overdue = asked(administrator)
    with time_machine.travel(overdue.approve_by - timedelta(hours=1), tick=False):
        recent = asked(administrator)
    with time_machine.travel(overdue.approve_by + timedelta(minutes=1), tick=False):
        assert jobs.expire_exports(timezone.localdate()) == 1
    overdue.refresh_from_db()
    recent.refresh_from_db()
    assert overdue.status == ExportJob.Status.LAPSED
    assert recent.status == ExportJob.Status.PENDING
    assert steps(overdue) == ["requested", "lapsed"]
    with pytest.raises(ValidationError, match="lapsed"):
        jobs.export_job_approve(actor=approver, job_id=overdue.pk)


# --- The pages ------------------------------------------------------------------------------------


def test_end_to_end_two_administrators_through_the_pages_and_the_worker(records, client_for, administrator, approver):
    requester = client_of(client_for, administrator)
    response = requester.post(reverse("interchange:exports"), {"details": "with", "reason": ""})
    assert response.status_code == 200 and "Say why the export needs locating details" in response.content.decode()
    assert not ExportJob.objects.exists()

    response = requester.post(reverse("interchange:exports"), {"details": "with", "reason": REASON}, follow=True)
    page = response.content.decode()
    assert "waiting for another system administrator to approve it" in page
    assert "Waiting for another system administrator" in page  # the table says who it waits for
    assert "Waiting for your approval (0)" in page  # their own request is not theirs to approve
    job = ExportJob.objects.get()
    run_worker()  # sends the email; builds nothing
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING

    # The requester's own approval, posted by hand, is refused and shown.
    refused = requester.post(reverse("interchange:export_approve", args=[job.pk]), follow=True).content.decode()
    assert "a different system administrator must approve or refuse it" in refused

    # The second administrator must present their second factor again before approving.
    second = client_for(approver)
    response = second.post(reverse("interchange:export_approve", args=[job.pk]))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING

    second = client_of(client_for, approver)
    page = second.get(reverse("interchange:exports")).content.decode()
    assert "Waiting for your approval (1)" in page and "Sam Patel" in page and REASON not in page
    decision = second.get(reverse("interchange:export_approve", args=[job.pk])).content.decode()
    assert REASON in decision and "Approve" in decision and "Refuse" in decision
    response = second.post(reverse("interchange:export_approve", args=[job.pk]), follow=True)
    assert "You approved the export" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.BUILDING and job.decided_by == approver
    # Approving does not let the approver download it.
    assert second.post(reverse("interchange:export_download", args=[job.pk])).status_code == 404
    assert denied_steps(job) == ["approval refused", "download refused: not the requester"]

    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.rows_per_file["people.csv"] == 4
    page = requester.get(reverse("interchange:exports")).content.decode()
    assert "Approved by Lee Second" in page and "Download" in page

    response = requester.post(reverse("interchange:export_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert EXPORT_MANIFEST not in archive.namelist()
        assert "SE1 7AB" in {row["postcode"] for row in rows_of(archive.read("people.csv"))}
    again = requester.post(reverse("interchange:export_download", args=[job.pk]), follow=True)
    assert "cannot be downloaded: it is downloaded" in again.content.decode()
    assert steps(job) == [
        "requested",
        "approval refused",
        "approved",
        "download refused: not the requester",
        "built",
        "downloaded",
        "download refused",
    ]


def test_refusing_through_the_page(records, client_for, administrator, approver):
    job = asked(administrator)
    second = client_of(client_for, approver)
    response = second.post(reverse("interchange:export_refuse", args=[job.pk]), follow=True)
    assert "You refused the export" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    page = client_of(client_for, administrator).get(reverse("interchange:exports")).content.decode()
    assert "Refused by Lee Second" in page


def test_a_lapsed_request_is_shown_as_lapsed_and_no_longer_offered(records, client_for, administrator, approver):
    job = asked(administrator)
    with time_machine.travel(job.approve_by + timedelta(minutes=1), tick=False):
        page = client_of(client_for, approver).get(reverse("interchange:exports")).content.decode()
        assert "Waiting for your approval (0)" in page
        own = client_of(client_for, administrator).get(reverse("interchange:exports")).content.decode()
        assert "Lapsed: not approved in time" in own


def decision_page(job: ExportJob) -> str:
    return reverse("interchange:export_approve", args=[job.pk])


def viewings(job: ExportJob) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(job.pk), action=AuditAction.VIEW))


def test_the_list_of_requests_waiting_shows_who_when_and_what_but_never_the_reason(
    records, client_for, administrator, approver
):
    job = jobs.export_job_request(actor=administrator, locating_details=True, reason=REASON, for_spreadsheet=True)
    page = client_of(client_for, approver).get(reverse("interchange:exports")).content.decode()
    assert "Waiting for your approval (1)" in page
    assert "Sam Patel" in page and timezone.localtime(job.created_at).strftime("%-d %B %Y %H:%M") in page
    assert "with locating details" in page and "(for a spreadsheet)" in page
    assert all(handler.name in page for handler in handlers())
    assert decision_page(job) in page
    assert REASON not in page and "DP-42" not in page
    assert viewings(job) == []  # the list reads no request's reason, so none is recorded as read


def test_opening_the_decision_page_shows_the_reason_and_is_audited(records, client_for, administrator, approver):
    job = asked(administrator)
    response = client_of(client_for, approver).get(decision_page(job))
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page and "Sam Patel" in page and "people.csv postcode" in page
    (viewed,) = viewings(job)
    assert viewed.actor == approver and viewed.object_type == "interchange.exportjob"
    assert viewed.detail == {"page": "export decision", "reasons_shown": 1}
    assert REASON not in str(viewed.detail) and not viewed.justification
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING  # opening it decides nothing


def test_the_decision_page_asks_for_the_second_factor_again_before_showing_the_reason(
    records, client_for, administrator, approver
):
    job = asked(administrator)
    response = client_for(approver).get(decision_page(job))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert viewings(job) == []


def test_the_decision_page_is_only_for_a_request_waiting_for_this_administrator(
    records, client_for, administrator, approver
):
    own, refused = asked(administrator), asked(administrator)
    jobs.export_job_refuse(actor=approver, job_id=refused.pk)
    assert client_of(client_for, administrator).get(decision_page(own)).status_code == 404  # their own
    assert client_of(client_for, approver).get(decision_page(refused)).status_code == 404  # decided
    with time_machine.travel(own.approve_by + timedelta(minutes=1), tick=False):
        assert client_of(client_for, approver).get(decision_page(own)).status_code == 404  # lapsed
    assert viewings(own) == [] and viewings(refused) == []


def test_the_export_scope_is_own_exports_and_others_waiting_for_approval(records, administrator, approver, manager):
    from waymark.interchange.views import _exports_visible_to

    mine = jobs.export_job_request(actor=administrator, locating_details=False)
    pending = asked(administrator)
    assert set(_exports_visible_to(approver)) == {pending}
    assert set(_exports_visible_to(administrator)) == {mine, pending}
    assert not _exports_visible_to(manager).exists()


def test_an_export_cannot_be_approved_before_its_reason_is_read(records, client_for, administrator, approver):
    """Approving vouches for the reason: posted straight to approve, without opening the decision
    page (the one place the reason is shown, each opening audited), it is refused and nothing is
    decided; once the page is opened, the same post approves."""
    job = asked(administrator)
    second = client_of(client_for, approver)
    response = second.post(decision_page(job), follow=True)
    assert "Open the request and read its reason before you approve it" in response.content.decode()
    assert REASON in response.content.decode()  # sent to the decision page, which shows it (and records it)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING
    (viewed,) = viewings(job)
    assert viewed.actor == approver
    second.post(decision_page(job))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.BUILDING and job.decided_by == approver
