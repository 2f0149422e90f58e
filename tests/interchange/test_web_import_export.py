"""Imports and exports from the web (issue 15, item 2): upload a .zip or a workbook, read the dry
run's report by file, row and column, import it through the worker (all or nothing, safe to run
again after a lost worker), and download an export once before its link expires."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.interchange.conftest import HEADERS, VALID
from tests.operations.conftest import run_worker
from tests.reauth import mark_reauthenticated
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.interchange import jobs
from waymark.interchange.actions import interchange_import_files
from waymark.interchange.files import ReferralsFile
from waymark.interchange.models import ExportJob, ImportJob
from waymark.interchange.source import decode_rows, read_zip_bytes
from waymark.interchange.workbook import cell_text, read_workbook_bytes
from waymark.outcomes.models import OutcomeFactStale
from waymark.people.models import Person
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db


def zip_of(files: dict[str, list[str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, "\n".join([HEADERS[name], *rows]) + "\n")
    return buffer.getvalue()


def upload(client, name: str, data: bytes):
    return client.post(reverse("interchange:imports"), {"upload": SimpleUploadedFile(name, data)})


@pytest.fixture
def admin_client(client_for, administrator):
    return mark_reauthenticated(client_for(administrator), administrator)


URLS = [
    ("interchange:imports", False),
    ("interchange:import_detail", True),
    ("interchange:import_progress", True),
    ("interchange:import_confirm", True),
    ("interchange:import_retry", True),
    ("interchange:import_discard", True),
    ("interchange:exports", False),
    ("interchange:export_approve", True),
    ("interchange:export_refuse", True),
    ("interchange:export_download", True),
]


@pytest.mark.parametrize("persona", ["idva", "manager", "auditor", "outsider"])
def test_only_system_administrators_reach_the_import_and_export_pages(client_for, persona, request, administrator):
    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    client = client_for(request.getfixturevalue(persona))
    for name, takes_id in URLS:
        url = reverse(name, args=[job.pk] if takes_id else [])
        assert client.get(url).status_code in (403, 405), name
        assert client.post(url).status_code == 403, name
    assert ImportJob.objects.get().status == ImportJob.Status.CHECKING


def test_the_pages_ask_for_the_second_factor_again(client_for, administrator):
    response = client_for(administrator).get(reverse("interchange:imports"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]


def test_a_zip_is_checked_first_then_imported_by_the_worker_after_confirmation(admin_client, administrator):
    response = upload(admin_client, "partnership.zip", zip_of(VALID))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("interchange:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKING and job.payload

    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert job.report["counts"]["people.csv"]["created"] == 4
    assert not Person.objects.exists()  # a dry run saves nothing
    page = admin_client.get(reverse("interchange:import_detail", args=[job.pk])).content.decode()
    assert "What the import would do" in page and "Import these records" in page

    assert admin_client.post(reverse("interchange:import_confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.confirmed_by == administrator
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED
    assert job.payload == ""  # the upload is wiped once used
    assert Person.objects.count() == 4 and Referral.objects.count() == 3
    # The people it wrote were marked as changed (the outcome facts' triggers) and worked out again.
    assert not OutcomeFactStale.objects.exists()
    steps = [
        e.detail.get("step")
        for e in AuditEvent.objects.filter(object_id=str(job.pk), action=AuditAction.IMPORT).order_by("sequence")
    ]
    assert steps[:2] == ["uploaded", "confirmed"]
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="interchange.people").count() == 2


def test_a_rejected_upload_lists_every_problem_by_row_and_column_and_cannot_be_imported(admin_client, administrator):
    bad = {
        **VALID,
        "people.csv": [*VALID["people.csv"], "P5,Ann,Lee,2099-01-01,female,,no,no,,", "P6,Bo,,notadate,male,,no,no,,"],
    }
    upload(admin_client, "bad.zip", zip_of(bad))
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    page = admin_client.get(reverse("interchange:import_detail", args=[job.pk])).content.decode()
    assert "nothing was saved" in page and "people.csv" in page and "date_of_birth" in page
    assert "Import these records" not in page
    with pytest.raises(ValidationError):
        jobs.import_job_confirm(actor=administrator, job_id=job.pk)
    assert not Person.objects.exists()


def test_a_long_problem_list_is_paged_not_cut_off(admin_client):
    rows = [f"X{i},Name,Family,notadate,female,,no,no,," for i in range(120)]
    upload(admin_client, "many.zip", zip_of({"people.csv": rows}))
    run_worker()
    job = ImportJob.objects.get()
    assert len(job.report["errors"]) == 120
    url = reverse("interchange:import_detail", args=[job.pk])
    last = admin_client.get(url + "?page=3").content.decode()
    assert "Showing 101 to 120 of 120" in last and "X119" not in last  # rows are named by number
    assert ">121<" in last  # the spreadsheet row of the 120th data row


def test_a_file_that_is_not_an_archive_is_refused_with_a_clear_message(admin_client):
    response = upload(admin_client, "people.csv", b"person_ref\nP1\n")
    assert (
        response.status_code == 200
        and "Choose a .zip file of CSV files or an Excel workbook" in response.content.decode()
    )
    upload(admin_client, "fake.zip", b"not a zip at all")
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.report["errors"][0][3] == "The file is not a .zip archive."


def test_a_workbook_imports_like_the_same_folder_of_csv_files(admin_client):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in VALID.items():
        sheet = workbook.create_sheet(name.removesuffix(".csv"))
        for line in [HEADERS[name], *rows]:
            sheet.append(next(csv.reader([line])))
    people = workbook["people"]
    people["D2"] = datetime(1990, 3, 4)  # a date typed into Excel arrives as a date, not text
    people.append([])  # padding rows at the end are ignored
    workbook["incidents"]["F3"].data_type = "s"  # text that looks like a formula, kept as text
    buffer = io.BytesIO()
    workbook.save(buffer)
    as_csv = read_workbook_bytes(buffer.getvalue())
    as_rows = {name: decode_rows(data) for name, data in as_csv.items()}
    assert as_rows == {name: decode_rows(data) for name, data in read_zip_bytes(zip_of(VALID)).items()}

    upload(admin_client, "partnership.xlsx", buffer.getvalue())
    run_worker()
    job = ImportJob.objects.get()
    assert job.kind == ImportJob.Kind.XLSX and job.status == ImportJob.Status.CHECKED, job.report
    jobs.import_job_confirm(actor=job.uploaded_by, job_id=job.pk)
    run_worker()
    assert Person.objects.get(ref="P1").date_of_birth.isoformat() == "1990-03-04"


def test_workbook_cells_become_the_text_the_format_expects():
    assert cell_text(None) == ""
    assert cell_text(3.0) == "3"
    assert cell_text(2.5) == "2.5"
    assert cell_text(datetime(2017, 5, 2)) == "2017-05-02"
    assert cell_text(datetime(2017, 5, 2, 14, 30, 5, 999)) == "2017-05-02T14:30:05"
    assert cell_text("  padded ") == "padded"


def test_data_beyond_the_header_in_a_workbook_is_reported_not_dropped():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "people"
    sheet.append(HEADERS["people.csv"].split(","))
    sheet.append(["P1", "Aisha", "Mohammed", "1990-03-04", "female", "", "no", "no", "", "", "stray"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    files = read_workbook_bytes(buffer.getvalue())
    report = interchange_import_files(actor=None, raw_files=files, dry_run=True)
    assert any("cells but the header has" in e.message for e in report.errors)


def test_a_worker_lost_part_way_leaves_nothing_and_the_import_can_run_again(admin_client, administrator, monkeypatch):
    upload(admin_client, "partnership.zip", zip_of(VALID))
    run_worker()
    job = ImportJob.objects.get()
    jobs.import_job_confirm(actor=administrator, job_id=job.pk)

    def crash(self, plan):
        raise RuntimeError("the worker's machine went away")  # after people.csv has been written

    with monkeypatch.context() as patched:
        patched.setattr(ReferralsFile, "apply", crash)
        run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Person.objects.exists() and not Referral.objects.exists()  # all or nothing
    page = admin_client.get(reverse("interchange:import_detail", args=[job.pk])).content.decode()
    assert "Run the import again" in page

    # The retry the task queued runs later; running it now (as the next attempt would) imports once.
    jobs.run_import_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED
    assert Person.objects.count() == 4
    # A second run, however it is queued, does nothing.
    assert jobs.run_import_job.call(str(job.pk)) == 0
    assert Person.objects.count() == 4


def test_a_job_left_importing_by_a_killed_worker_runs_when_queued_again(administrator):
    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    run_worker()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, confirmed_by=administrator)
    jobs.run_import_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED and Person.objects.count() == 4


def test_progress_is_reported_step_by_step_and_the_panel_polls_until_done(admin_client, administrator):
    seen: list[tuple[str, int, int]] = []
    interchange_import_files(
        actor=None, raw_files=read_zip_bytes(zip_of(VALID)), dry_run=True, progress=lambda *step: seen.append(step)
    )
    assert [done for _, done, _ in seen] == list(range(len(seen)))
    assert seen[0][0] == "Reading agencies.csv" and seen[-1] == ("Checked", 15, 15)

    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    panel = admin_client.get(reverse("interchange:import_progress", args=[job.pk]))
    assert 'hx-trigger="every 2s"' in panel.content.decode() and "HX-Refresh" not in panel
    run_worker()
    panel = admin_client.get(reverse("interchange:import_progress", args=[job.pk]))
    assert panel["HX-Refresh"] == "true" and "every 2s" not in panel.content.decode()


def test_discarding_an_upload_wipes_it(admin_client, administrator):
    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    run_worker()
    admin_client.post(reverse("interchange:import_discard", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED and job.payload == ""
    with pytest.raises(ValidationError):
        jobs.import_job_confirm(actor=administrator, job_id=job.pk)


# --- Exports -----------------------------------------------------------------------------------


def test_an_export_is_built_by_the_worker_and_downloaded_once_by_whoever_asked(admin_client, administrator):
    interchange_import_files(actor=None, raw_files=read_zip_bytes(zip_of(VALID)))
    admin_client.post(reverse("interchange:exports"), {"details": "without"})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.BUILDING
    polled = admin_client.get(reverse("interchange:exports"), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 3s"' in polled
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.rows_per_file["people.csv"] == 4

    response = admin_client.post(reverse("interchange:export_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "people.csv" in archive.namelist()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DOWNLOADED and job.payload == ""

    again = admin_client.post(reverse("interchange:export_download", args=[job.pk]), follow=True)
    assert "cannot be downloaded" in again.content.decode()
    assert AuditEvent.objects.filter(
        object_id=str(job.pk), action=AuditAction.EXPORT, outcome=AuditOutcome.DENIED
    ).exists()


def test_another_administrator_cannot_download_someone_elses_export(client_for, administrator):
    from tests.conftest import make_member
    from waymark.core.roles import Role

    other = make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Lee Other")
    job = jobs.export_job_request(actor=administrator, locating_details=False)
    run_worker()
    client = mark_reauthenticated(client_for(other), other)
    assert client.post(reverse("interchange:export_download", args=[job.pk])).status_code == 404
    assert str(job.pk) not in client.get(reverse("interchange:exports")).content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY
    assert AuditEvent.objects.filter(
        object_id=str(job.pk),
        actor=other,
        outcome=AuditOutcome.DENIED,
        detail__step="download refused: not the requester",
    ).exists()


def test_an_export_link_expires_and_the_daily_job_wipes_it(client_for, administrator):
    job = jobs.export_job_request(actor=administrator, locating_details=False)
    run_worker()
    job.refresh_from_db()
    later = job.expires_at + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        admin_client = mark_reauthenticated(client_for(administrator), administrator)  # signed in an hour on
        response = admin_client.post(reverse("interchange:export_download", args=[job.pk]), follow=True)
        assert "cannot be downloaded: it is expired" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and job.payload == ""

    other = jobs.export_job_request(actor=administrator, locating_details=False)
    run_worker()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert jobs.expire_exports(timezone.localdate()) == 1
    other.refresh_from_db()
    assert other.status == ExportJob.Status.EXPIRED and other.payload == ""


def test_the_import_scope_is_every_job_for_an_administrator_and_none_for_anyone_else(administrator, manager):
    from waymark.interchange.views import _imports_visible_to

    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    assert list(_imports_visible_to(administrator)) == [job]
    assert not _imports_visible_to(manager).exists()


def test_a_refused_import_step_is_shown_on_the_import_page(admin_client, administrator):
    job = jobs.import_job_upload(actor=administrator, file_name="in.zip", data=zip_of(VALID))
    response = admin_client.post(reverse("interchange:import_confirm", args=[job.pk]), follow=True)
    # Not checked yet (the worker has not run): the refusal is flashed, nothing is queued.
    assert "Only a checked import with no problems can be imported." in response.content.decode()
    job.refresh_from_db()
    assert job.status != ImportJob.Status.QUEUED
