"""Training actions: booking transitions, capacity, stale edits, champions, peer supporters."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, make_member
from waymark.audit.models import AuditEvent
from waymark.core.roles import Role
from waymark.training import actions
from waymark.training.choices import Audience, BookingStatus, CourseKind, Qualification, Sector
from waymark.training.models import Course, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


@pytest.fixture
def coordinator():
    return make_member(Role.TRAINING_COORDINATOR)


@pytest.fixture
def champions_session():
    course = Course.objects.create(code="champions", name="Champions", kind=CourseKind.CHAMPIONS)
    return TrainingSession.objects.create(
        course=course, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 3), trainer="T", venue="V", capacity=2
    )


def _row(session, name, status=BookingStatus.BOOKED, **extra):
    return actions.AttendanceRow(
        session=session,
        full_name=name,
        organisation="Org",
        sector=Sector.POLICE,
        audience=Audience.PROFESSIONAL,
        status=status,
        **extra,
    )


def test_booking_moves_through_its_states_and_attendance_is_not_completion(coordinator, champions_session):
    booking = actions.attendance_record(actor=coordinator, row=_row(champions_session, "A"))
    actions.booking_update(
        actor=coordinator,
        booking=booking,
        status=BookingStatus.ATTENDED,
        confidence_before=2,
        confidence_after=5,
        follow_up_on=None,
        follow_up_note="",
        version=booking.version,
    )
    assert booking.status == BookingStatus.ATTENDED
    with pytest.raises(ValidationError):  # attended cannot be cancelled
        actions.booking_update(
            actor=coordinator,
            booking=booking,
            status=BookingStatus.CANCELLED,
            confidence_before=2,
            confidence_after=None,
            follow_up_on=None,
            follow_up_note="",
            version=booking.version,
        )
    with pytest.raises(ValidationError):  # a stale version is refused
        actions.booking_update(
            actor=coordinator,
            booking=booking,
            status=BookingStatus.COMPLETED,
            confidence_before=2,
            confidence_after=5,
            follow_up_on=None,
            follow_up_note="",
            version=booking.version - 1,
        )
    with pytest.raises(ValidationError):  # the follow-up cannot be before the session
        actions.booking_update(
            actor=coordinator,
            booking=booking,
            status=BookingStatus.COMPLETED,
            confidence_before=2,
            confidence_after=5,
            follow_up_on=date(2026, 9, 1),
            follow_up_note="",
            version=booking.version,
        )
    actions.booking_update(
        actor=coordinator,
        booking=booking,
        status=BookingStatus.COMPLETED,
        confidence_before=2,
        confidence_after=5,
        follow_up_on=date(2026, 11, 1),
        follow_up_note="Trained her team",
        version=booking.version,
    )
    assert booking.status == BookingStatus.COMPLETED


def test_confidence_is_1_to_7_and_after_only_for_attendees(coordinator, champions_session):
    with pytest.raises(ValidationError) as error:
        actions.attendance_record(
            actor=coordinator, row=_row(champions_session, "A", BookingStatus.ATTENDED, confidence_before=0)
        )
    assert "confidence_before" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.attendance_record(
            actor=coordinator, row=_row(champions_session, "A", BookingStatus.DID_NOT_ATTEND, confidence_after=5)
        )
    assert "confidence_after" in error.value.message_dict
    booking = actions.attendance_record(
        actor=coordinator,
        row=_row(champions_session, "A", BookingStatus.ATTENDED, confidence_before=1, confidence_after=7),
    )
    assert (booking.confidence_before, booking.confidence_after) == (1, 7)


def test_a_full_session_refuses_more(coordinator, champions_session):
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "A"))
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "B"))
    with pytest.raises(ValidationError):
        actions.attendance_record(actor=coordinator, row=_row(champions_session, "C"))
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "C", BookingStatus.CANCELLED))


def test_only_a_coordinator_changes_the_register(champions_session):
    with pytest.raises(PermissionDenied):
        actions.attendance_record(actor=make_member(Role.PARTNERSHIP_LEAD), row=_row(champions_session, "A"))


def test_only_someone_who_completed_becomes_a_champion(coordinator, champions_session):
    attended = actions.attendance_record(actor=coordinator, row=_row(champions_session, "A", BookingStatus.ATTENDED))
    with pytest.raises(ValidationError):
        actions.champion_record(actor=coordinator, booking=attended, agreement_signed_on=None, line_manager="")
    completed = actions.attendance_record(actor=coordinator, row=_row(champions_session, "B", BookingStatus.COMPLETED))
    champion = actions.champion_record(
        actor=coordinator, booking=completed, agreement_signed_on=date(2026, 10, 20), line_manager="Insp. Grey"
    )
    assert champion.trained_on == date(2026, 10, 3)
    with pytest.raises(ValidationError):
        actions.champion_record(actor=coordinator, booking=completed, agreement_signed_on=None, line_manager="")
    values = {
        "is_active": False,
        "agreement_signed_on": date(2026, 10, 20),
        "line_manager": "Insp. Grey",
        "network_meetings_attended": 3,
        "colleagues_trained": 12,
        "phone": "",
        "in_directory": True,
    }
    assert set(actions.champion_update(actor=coordinator, champion=champion, version=champion.version, **values)) == {
        "is_active",
        "network_meetings_attended",
        "colleagues_trained",
    }
    with pytest.raises(ValidationError):
        actions.champion_update(actor=coordinator, champion=champion, version=1, **{**values, "colleagues_trained": 13})
    directory = signed_in_client(make_member(Role.REFERRER)).get(reverse("training:champions"))
    assert directory.context["page"].paginator.count == 0  # inactive champions are not in the directory


def test_peer_supporter_actions_are_audited_without_personal_details():
    agency = AgencyFactory()
    coordinator = make_member(Role.PEER_SUPPORT_COORDINATOR, agency=agency)
    details = actions.PeerDetails(
        "Marion", "Quinn", "07700 900111", "", "", date(2020, 1, 1), Qualification.WORKING_TOWARDS, ""
    )
    with pytest.raises(ValidationError):  # working towards a qualification: name it
        actions.peer_supporter_record(actor=coordinator, agency=agency, details=details)
    details.qualification_name = "Level 2 award in peer mentoring"
    peer = actions.peer_supporter_record(actor=coordinator, agency=agency, details=details)
    with pytest.raises(PermissionDenied):
        actions.peer_supporter_record(actor=make_member(Role.PEER_SUPPORT_COORDINATOR), agency=agency, details=details)
    match = actions.peer_match_record(
        actor=coordinator, peer=peer, survivor_reference="C-2026-0042", matched_on=date(2026, 11, 1)
    )
    actions.peer_supervision_record(actor=coordinator, peer=peer, held_on=date(2026, 11, 15), notes="Going well")
    actions.peer_match_end(actor=coordinator, match=match, ended_on=date(2026, 12, 1))
    with pytest.raises(ValidationError):
        actions.peer_match_end(actor=coordinator, match=match, ended_on=date(2026, 12, 1))
    for event in AuditEvent.objects.all():
        text = f"{event.detail} {event.actor_label}"
        assert "Marion" not in text and "07700" not in text and "C-2026-0042" not in text


def test_session_edit_refuses_a_stale_save_and_fewer_places_than_taken(coordinator, champions_session):
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "A"))
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "B"))
    details = actions.SessionDetails(
        champions_session.course, champions_session.starts_on, champions_session.ends_on, "T", "V", 1
    )
    with pytest.raises(ValidationError):
        actions.session_update(
            actor=coordinator, session=champions_session, details=details, version=champions_session.version
        )
    details.capacity = 10
    actions.session_update(
        actor=coordinator, session=champions_session, details=details, version=champions_session.version
    )
    champions_session.refresh_from_db()
    assert champions_session.capacity == 10 and champions_session.version == 2
    with pytest.raises(ValidationError):
        actions.session_update(
            actor=coordinator,
            session=champions_session,
            details=actions.SessionDetails(champions_session.course, champions_session.starts_on, None, "T", "V2", 10),
            version=1,
        )


def test_course_and_session_pages(coordinator, champions_session):
    client = signed_in_client(coordinator)
    response = client.post(
        reverse("training:course_create"), {"code": "dash", "name": "DASH", "kind": "dash", "length": "Half a day"}
    )
    assert response.status_code == 302 and Course.objects.filter(code="dash").exists()
    assert client.get(reverse("training:session_edit", args=[champions_session.pk])).status_code == 200
    assert (
        signed_in_client(make_member(Role.PARTNERSHIP_LEAD)).get(reverse("training:course_create")).status_code == 403
    )


def test_home_panels_for_the_coordinator_and_the_peer_support_coordinator(coordinator, champions_session):
    actions.attendance_record(actor=coordinator, row=_row(champions_session, "A", BookingStatus.COMPLETED))
    home = signed_in_client(coordinator).get(reverse("home")).content.decode()
    assert "Training register" in home and "Import a past register" in home
    peer_coordinator = make_member(Role.PEER_SUPPORT_COORDINATOR)
    assert "Peer supporters" in signed_in_client(peer_coordinator).get(reverse("home")).content.decode()


def test_a_community_champions_own_contacts_reach_only_the_register_keepers(coordinator, champions_session):
    """A professional champion's work email and phone are in the directory for any member of the
    partnership; a resident's (a member of the public: their own email and phone) only for the
    training coordinator and partnership lead, who put people in touch."""
    people = [
        ("Pat Professional", Audience.PROFESSIONAL, "pat@police.example", "020 7946 0001"),
        ("Rae Resident", Audience.COMMUNITY, "rae.home@mail.example", "07700 900002"),
    ]
    for name, audience, email, phone in people:
        booking = actions.attendance_record(
            actor=coordinator,
            row=actions.AttendanceRow(
                session=champions_session,
                full_name=name,
                organisation="Org" if audience == Audience.PROFESSIONAL else "Southmere residents (no organisation)",
                sector=Sector.POLICE if audience == Audience.PROFESSIONAL else Sector.COMMUNITY,
                audience=audience,
                status=BookingStatus.COMPLETED,
                email=email,
            ),
        )
        champion = actions.champion_record(
            actor=coordinator, booking=booking, agreement_signed_on=date(2026, 10, 20), line_manager=""
        )
        actions.champion_update(
            actor=coordinator,
            champion=champion,
            version=champion.version,
            is_active=True,
            agreement_signed_on=date(2026, 10, 20),
            line_manager="",
            network_meetings_attended=0,
            colleagues_trained=0,
            phone=phone,
            in_directory=True,
        )
    for viewer, sees_resident in (
        (make_member(Role.REFERRER), False),
        (make_member(Role.PERPETRATOR_WORKER), False),
        (coordinator, True),
        (make_member(Role.PARTNERSHIP_LEAD), True),
    ):
        page = signed_in_client(viewer).get(reverse("training:champions")).content.decode()
        assert "Pat Professional" in page and "pat@police.example" in page and "020 7946 0001" in page
        assert "Rae Resident" in page
        assert ("rae.home@mail.example" in page) is sees_resident and ("07700 900002" in page) is sees_resident
        assert ("Through the training coordinator" in page) is not sees_resident
