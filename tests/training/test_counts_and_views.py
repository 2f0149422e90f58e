"""Training counts against a hand-counted register; import validated whole; access to pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, make_member
from waymark.core.roles import Role
from waymark.training.actions import AttendanceRow, attendance_record
from waymark.training.choices import Audience, BookingStatus, CourseKind, Sector
from waymark.training.models import Booking, Course, PeerSupporter, TrainingSession
from waymark.training.selectors import training_counts

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def coordinator():
    return make_member(Role.TRAINING_COORDINATOR, full_name="Ruth Okonjo")


@pytest.fixture
def register(coordinator):
    """By hand: awareness on 10 May 2018 (Q1) and 5 Aug 2018 (Q2); champions on 4 June 2018 (Q1).

    Awareness 10 May: A community attended, B community completed, C professional (police) did not attend.
    Awareness 5 Aug: D professional (health) completed, E professional (health) cancelled, A again attended.
    Champions 4 June: F professional (police) completed, G community attended only.
    """
    awareness = Course.objects.create(code="awareness", name="Awareness", kind=CourseKind.AWARENESS)
    champions = Course.objects.create(code="champions", name="Champions", kind=CourseKind.CHAMPIONS)
    s1 = TrainingSession.objects.create(
        course=awareness, starts_on=date(2018, 5, 10), ends_on=date(2018, 5, 10), trainer="T", venue="V", capacity=20
    )
    s2 = TrainingSession.objects.create(
        course=awareness, starts_on=date(2018, 8, 5), ends_on=date(2018, 8, 5), trainer="T", venue="V", capacity=20
    )
    s3 = TrainingSession.objects.create(
        course=champions, starts_on=date(2018, 6, 4), ends_on=date(2018, 6, 6), trainer="T", venue="V", capacity=20
    )

    def book(session, name, audience, sector, status, email=""):
        return attendance_record(
            actor=coordinator,
            row=AttendanceRow(
                session=session,
                full_name=name,
                email=email,
                organisation="Org",
                sector=sector,
                audience=audience,
                status=status,
            ),
        )

    book(s1, "A", Audience.COMMUNITY, Sector.COMMUNITY, BookingStatus.ATTENDED, email="a@example.org")
    book(s1, "B", Audience.COMMUNITY, Sector.FAITH, BookingStatus.COMPLETED)
    book(s1, "C", Audience.PROFESSIONAL, Sector.POLICE, BookingStatus.DID_NOT_ATTEND)
    book(s2, "D", Audience.PROFESSIONAL, Sector.HEALTH, BookingStatus.COMPLETED)
    book(s2, "E", Audience.PROFESSIONAL, Sector.HEALTH, BookingStatus.CANCELLED)
    book(s2, "A", Audience.COMMUNITY, Sector.COMMUNITY, BookingStatus.ATTENDED, email="a@example.org")
    book(s3, "F", Audience.PROFESSIONAL, Sector.POLICE, BookingStatus.COMPLETED)
    book(s3, "G", Audience.COMMUNITY, Sector.COMMUNITY, BookingStatus.ATTENDED)
    return s1, s2, s3


def _by(rows, course, group="All attendees", period=None):
    return next(
        r for r in rows if r["course"] == course and r["group"] == group and (period is None or r["period"] == period)
    )


def test_counts_by_course(register):
    rows = training_counts(date(2018, 4, 1), date(2018, 9, 30))
    awareness = _by(rows, "awareness")
    assert (awareness["booked"], awareness["attended"], awareness["completed"]) == (6, 4, 2)
    assert (awareness["did_not_attend"], awareness["cancelled"]) == (1, 1)
    assert awareness["people_attended"] == 3  # A twice is one person: A, B, D
    champions = _by(rows, "champions")
    assert (champions["people_attended"], champions["people_completed"]) == (2, 1)  # attended is not completed


def test_counts_by_audience_and_sector(register):
    rows = training_counts(date(2018, 4, 1), date(2018, 9, 30), by="audience")
    assert _by(rows, "awareness", "Community")["people_attended"] == 2
    assert _by(rows, "awareness", "Professional")["people_attended"] == 1
    rows = training_counts(date(2018, 4, 1), date(2018, 9, 30), by="sector")
    assert _by(rows, "awareness", "Health")["people_completed"] == 1
    assert _by(rows, "awareness", "Police")["did_not_attend"] == 1


def test_counts_by_period(register):
    rows = training_counts(date(2018, 4, 1), date(2018, 9, 30), by="quarter")
    assert _by(rows, "awareness", period="2018/19 Q1")["people_attended"] == 2
    assert _by(rows, "awareness", period="2018/19 Q2")["people_attended"] == 2
    assert _by(rows, "champions", period="2018/19 Q1")["people_completed"] == 1
    # The period boundary: 10 May is in, 9 May onwards only.
    assert [r["course"] for r in training_counts(date(2018, 5, 11), date(2018, 6, 30))] == ["champions"]


def _upload(text: str, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


HEADER = "course,session_date,venue,trainer,full_name,email,organisation,sector,audience,status,confidence_before,confidence_after\n"


def test_import_is_validated_whole_and_saves_nothing_on_any_error(coordinator):
    Course.objects.create(code="awareness", name="Awareness", kind=CourseKind.AWARENESS)
    client = signed_in_client(coordinator)
    bad = HEADER + (
        "awareness,12/03/2018,Town Hall,T,Ann Smith,,Southmere Tenants,community,community,attended,2,5\n"
        "awareness,31/02/2018,Town Hall,T,Bob Jones,,Police,police,professional,attended,2,9\n"
        "nosuch,12/03/2018,Town Hall,T,Cat Lee,,Police,police,professional,maybe,,\n"
    )
    response = client.post(reverse("training:import"), {"register": _upload(bad)})
    page = response.content.decode()
    assert "nothing was saved" in page
    assert Booking.objects.count() == 0 and TrainingSession.objects.count() == 0
    errors = response.context["errors"]
    found = {(e.row, e.column) for e in errors}
    assert (3, "session_date") in found  # 31 February
    assert (4, "status") in found or (4, "course") in found
    good = HEADER + (
        "awareness,12/03/2018,Town Hall,T,Ann Smith,,Southmere Tenants,community,community,attended,2,5\n"
        "awareness,2018-03-12,Town Hall,T,Bob Jones,,Police,police,professional,completed,3,6\n"
    )
    response = client.post(reverse("training:import"), {"register": _upload(good)})
    assert response.status_code == 302
    assert Booking.objects.filter(source="import").count() == 2
    assert TrainingSession.objects.count() == 1


def test_import_reads_xlsx(coordinator):
    from openpyxl import Workbook

    Course.objects.create(code="awareness", name="Awareness", kind=CourseKind.AWARENESS)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "awareness",
            date(2018, 3, 12),
            "Town Hall",
            "T",
            "Ann Smith",
            "",
            "Tenants",
            "community",
            "community",
            "attended",
            2,
            9,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("register.xlsx", buffer.getvalue())
    response = signed_in_client(coordinator).post(reverse("training:import"), {"register": upload})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "confidence_after")]
    assert Booking.objects.count() == 0


def test_access_matrix(register, coordinator, outsider):
    lead = make_member(Role.PARTNERSHIP_LEAD)
    commissioner = make_member(Role.COMMISSIONER)
    referrer = make_member(Role.REFERRER)
    session = register[0]
    session_url = reverse("training:session", args=[session.pk])
    assert signed_in_client(coordinator).get(session_url).status_code == 200
    assert signed_in_client(lead).get(session_url).status_code == 200
    assert signed_in_client(commissioner).get(session_url).status_code == 403
    assert signed_in_client(referrer).get(reverse("training:index")).status_code == 403
    assert signed_in_client(lead).get(reverse("training:import")).status_code == 403
    assert signed_in_client(commissioner).get(reverse("training:figures")).status_code == 200
    assert signed_in_client(referrer).get(reverse("training:figures")).status_code == 403
    assert signed_in_client(referrer).get(reverse("training:champions")).status_code == 200  # any professional
    assert signed_in_client(outsider).get(reverse("training:champions")).context["page"].paginator.count == 0


def test_a_peer_supporters_record_is_seen_only_by_her_agencys_coordinators(coordinator):
    agency = AgencyFactory()
    peer_coordinator = make_member(Role.PEER_SUPPORT_COORDINATOR, agency=agency)
    other = make_member(Role.PEER_SUPPORT_COORDINATOR)
    peer = PeerSupporter.objects.create(held_by=agency, given_name="Marion", trained_on=date(2017, 3, 20))
    url = reverse("training:peer", args=[peer.pk])
    assert signed_in_client(peer_coordinator).get(url).status_code == 200
    assert signed_in_client(other).get(url).status_code == 404
    assert signed_in_client(coordinator).get(url).status_code == 403
    assert signed_in_client(make_member(Role.PARTNERSHIP_LEAD)).get(url).status_code == 403
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM training_peersupporter")
        assert "Marion" not in cursor.fetchone()[0]  # encrypted at rest


def test_commissioners_see_training_figures_under_the_small_number_rule(register, coordinator):
    commissioner = make_member(Role.COMMISSIONER)
    url = reverse("training:figures") + "?from=2018-04-01&to=2018-09-30&by=none"
    page = signed_in_client(commissioner).get(url).content.decode()
    assert "[c]" in page and "Counts from 1 to 9 are not shown" in page
    own = signed_in_client(coordinator).get(url).content.decode()
    assert "[c]" not in own  # the coordinator keeps the register and sees it whole
