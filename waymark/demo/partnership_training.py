"""The demo's training register, champions and peer supporters, built so that the seed briefing's
figures come out of the records (never typed in):

- 687 people attended the half-day awareness session (sessions up to 30 September 2018);
- 282 completed the three-day champions programme, 42 of them from the community;
- in Q1 and Q2 of 2018/19 (April to September 2018), 49 attended awareness training: 37 from the
  community and 12 professionals.

Check with ``manage.py report training --from 2013-04-01 --to 2018-09-30`` and
``... --from 2018-04-01 --to 2018-09-30 --by audience``. Around them the register also holds what a
real one would: people who did not attend or cancelled, champions-programme attendees who did not
complete, a DASH and a MARAC representative course, and this year's sessions.

Deterministic (a seeded random generator) and idempotent (nothing is added twice). Everything
is saved through ``waymark/training/actions.py`` (sessions scheduled, the register imported whole,
champions and peer supporters recorded), so the audit trail holds it as it would a real one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.organisations.models import Agency
from waymark.training import actions
from waymark.training.choices import Audience, BookingStatus, CourseKind, Qualification, Sector
from waymark.training.models import Attendee, Booking, Course, PeerSupporter, TrainingSession

SEED = 2018_19
COORDINATOR_EMAIL = "ruth.okonjo@council.example"
PEER_COORDINATOR_EMAIL = "maya.lindqvist@sass.example"
DEMO_SOURCE = "demo"

AWARENESS_TOTAL = 687
AWARENESS_RECENT_COMMUNITY = 37
AWARENESS_RECENT_PROFESSIONAL = 12
CHAMPIONS_COMPLETED = 282
CHAMPIONS_COMMUNITY = 42
SEED_PERIOD_END = date(2018, 9, 30)

COURSES = [
    ("awareness", "Domestic abuse awareness (half day)", CourseKind.AWARENESS, "Half a day"),
    ("champions", "Domestic abuse champions programme", CourseKind.CHAMPIONS, "Three days"),
    ("dash", "DASH risk checklist", CourseKind.DASH, "Half a day"),
    ("marac-rep", "MARAC representative", CourseKind.MARAC_REPRESENTATIVE, "One day"),
    ("iris", "IRIS training for general practice", CourseKind.IRIS, "Two sessions of two hours"),
]

GIVEN = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Efua",
    "Femi",
    "Gemma",
    "Hassan",
    "Imogen",
    "Jade",
    "Kofi",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Rosa",
    "Samir",
    "Tara",
    "Usha",
    "Vikram",
    "Wendy",
    "Yusuf",
    "Zara",
]
FAMILY = [
    "Adams",
    "Begum",
    "Clarke",
    "Douglas",
    "Evans",
    "Francis",
    "Grant",
    "Hussain",
    "Ibrahim",
    "Johnson",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "Obi",
    "Patel",
    "Quinn",
    "Rahman",
    "Singh",
    "Thomas",
    "Uddin",
    "Walker",
    "Yeboah",
    "Zielinski",
]
# Professional attendees: (agency ref or organisation name, sector)
PROFESSIONAL_ORGS = [
    ("SMP", Sector.POLICE),
    ("SHS", Sector.HOUSING),
    ("SCSC", Sector.SOCIAL_CARE),
    ("SASC", Sector.SOCIAL_CARE),
    ("KCH", Sector.HEALTH),
    ("GPB", Sector.HEALTH),
    ("GPP", Sector.HEALTH),
    ("NPS", Sector.PROBATION),
    ("CGL", Sector.HEALTH),
    ("Southmere Academy", Sector.EDUCATION),
    ("Southmere College", Sector.EDUCATION),
    ("Southmere Council Leisure Services", Sector.COUNCIL),
]
COMMUNITY_ORGS = [
    ("Southmere Tenants' Federation", Sector.COMMUNITY),
    ("St Mary's Church", Sector.FAITH),
    ("Southmere Mosque Women's Group", Sector.FAITH),
    ("Latin American Women's Network", Sector.VOLUNTARY),
    ("Peckham Community Hairdressers", Sector.BUSINESS),
    ("Southmere residents (no organisation)", Sector.COMMUNITY),
]
VENUES = ["Southmere Town Hall, Room 2", "Harbour Training Centre", "Southmere Library meeting room"]
TRAINERS = ["Harbour Women's Aid training team", "SOLACE training team"]


@dataclass
class TrainingReport:
    courses: int
    sessions: int
    bookings: int
    champions: int
    peer_supporters: int

    def lines(self) -> list[str]:
        return [
            f"{self.courses} courses",
            f"{self.sessions} training sessions",
            f"{self.bookings} bookings",
            f"{self.champions} champions",
            f"{self.peer_supporters} peer supporters",
        ]


class _Builder:
    def __init__(self, coordinator: User):
        self.rng = random.Random(SEED)  # noqa: S311 (demo data)
        self.coordinator = coordinator
        self.agencies = {a.ref: a for a in Agency.objects.all()}
        self.sessions: list[TrainingSession] = []
        self.attendees: list[Attendee] = []
        self.bookings: list[Booking] = []
        self.count = 0

    def attendee(self, audience: str) -> Attendee:
        self.count += 1
        given = GIVEN[self.count % len(GIVEN)]
        family = FAMILY[(self.count * 7) % len(FAMILY)]
        org, sector = self.rng.choice(PROFESSIONAL_ORGS if audience == Audience.PROFESSIONAL else COMMUNITY_ORGS)
        agency = self.agencies.get(org)
        attendee = Attendee(
            full_name=f"{given} {family}",
            email=f"{given.lower()}.{family.lower()}{self.count}@training.example",
            agency=agency,
            organisation_name="" if agency else org,
            sector=sector,
            audience=audience,
        )
        self.attendees.append(attendee)
        return attendee

    def session(self, course: Course, starts_on: date, days: int = 1, capacity: int = 20) -> TrainingSession:
        session = TrainingSession(
            course=course,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            trainer=TRAINERS[0] if starts_on < date(2018, 4, 1) else TRAINERS[1],
            venue=self.rng.choice(VENUES),
            capacity=capacity,
        )
        self.sessions.append(session)
        return session

    def book(self, session: TrainingSession, audience: str, status: str, *, past: bool = True) -> Booking:
        before = self.rng.randint(1, 4) if past and status != BookingStatus.CANCELLED else None
        after = (
            min(7, (before or 3) + self.rng.randint(1, 3))
            if status in (BookingStatus.ATTENDED, BookingStatus.COMPLETED)
            else None
        )
        booking = Booking(
            session=session,
            attendee=self.attendee(audience),
            status=status,
            confidence_before=before if status in (BookingStatus.ATTENDED, BookingStatus.COMPLETED) else None,
            confidence_after=after,
            source=DEMO_SOURCE,
            recorded_by=self.coordinator,
        )
        self.bookings.append(booking)
        return booking

    def fill(self, course: Course, dates: list[date], audiences: Sequence[str], status: str, *, days: int = 1) -> None:
        """Spreads ``audiences`` (one entry per person) over sessions on ``dates``, in order."""
        per = -(-len(audiences) // len(dates))
        for index, day in enumerate(dates):
            chunk = audiences[index * per : (index + 1) * per]
            if not chunk:
                break
            session = self.session(course, day, days=days, capacity=max(20, len(chunk) + 4))
            for audience in chunk:
                self.book(session, audience, status)
            # Around the counted places, the register also holds people who did not come.
            self.book(session, Audience.PROFESSIONAL, BookingStatus.DID_NOT_ATTEND)
            if index % 3 == 0:
                self.book(session, Audience.COMMUNITY, BookingStatus.CANCELLED)


def _monthly(start: date, count: int, step_months: int, day: int = 12) -> list[date]:
    from waymark.core.dates import add_months

    return [add_months(date(start.year, start.month, day), i * step_months) for i in range(count)]


@transaction.atomic
def build_training(*, today: date | None = None) -> TrainingReport | None:
    """Creates the demo register once; returns None when it is already there."""
    if Booking.objects.filter(source=DEMO_SOURCE).exists():
        return None
    today = today or timezone.localdate()
    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    courses = {course.code: course for course in Course.objects.filter(code__in=[c[0] for c in COURSES])}
    for code, name, kind, length in COURSES:
        if code not in courses:  # the coordinator adds the course, as on the register's page
            courses[code] = actions.course_create(actor=coordinator, code=code, name=name, kind=kind, length=length)
    b = _Builder(coordinator)
    awareness, champions = courses["awareness"], courses["champions"]

    # Awareness, October 2013 to March 2018: 687 - 49 attended, mostly professionals.
    earlier = AWARENESS_TOTAL - AWARENESS_RECENT_COMMUNITY - AWARENESS_RECENT_PROFESSIONAL
    earlier_audiences = [Audience.COMMUNITY if i % 4 == 0 else Audience.PROFESSIONAL for i in range(earlier)]
    b.fill(awareness, _monthly(date(2013, 10, 1), 46, 1), earlier_audiences, BookingStatus.COMPLETED)
    # 2018/19 Q1-Q2: re-targeted at the community (SOLACE): 37 community, 12 professionals.
    recent = [date(2018, 5, 15), date(2018, 6, 19), date(2018, 7, 17), date(2018, 9, 11)]
    groups = [
        [Audience.COMMUNITY] * 13,
        [Audience.PROFESSIONAL] * 12,
        [Audience.COMMUNITY] * 12,
        [Audience.COMMUNITY] * 12,
    ]
    for day, group in zip(recent, groups, strict=True):
        b.fill(awareness, [day], group, BookingStatus.COMPLETED)

    # Champions programme, 2014 to 2018: 282 completed (42 community); some attended without completing.
    completed = [
        Audience.COMMUNITY
        if i * CHAMPIONS_COMMUNITY // CHAMPIONS_COMPLETED != (i + 1) * CHAMPIONS_COMMUNITY // CHAMPIONS_COMPLETED
        else Audience.PROFESSIONAL
        for i in range(CHAMPIONS_COMPLETED)
    ]
    assert completed.count(Audience.COMMUNITY) == CHAMPIONS_COMMUNITY
    cohorts = _monthly(date(2014, 3, 1), 20, 3, day=4)
    b.fill(champions, cohorts, completed, BookingStatus.COMPLETED, days=3)
    for index, session in enumerate(s for s in b.sessions if s.course_id == champions.pk):
        if index % 2 == 0:
            b.book(session, Audience.PROFESSIONAL, BookingStatus.ATTENDED)  # missed a day: attended, not completed

    # Other courses, and this year's sessions (after the seed's period).
    b.fill(courses["dash"], _monthly(date(2019, 6, 1), 4, 6), [Audience.PROFESSIONAL] * 48, BookingStatus.COMPLETED)
    b.fill(
        courses["marac-rep"],
        [date(2020, 2, 11), date(2021, 2, 9)],
        [Audience.PROFESSIONAL] * 24,
        BookingStatus.COMPLETED,
    )
    this_year = [today - timedelta(days=40), today - timedelta(days=12)]
    b.fill(awareness, this_year, [Audience.PROFESSIONAL, Audience.COMMUNITY] * 9, BookingStatus.ATTENDED)
    upcoming = b.session(awareness, today + timedelta(days=21), capacity=20)
    for i in range(11):
        b.book(upcoming, Audience.COMMUNITY if i % 2 else Audience.PROFESSIONAL, BookingStatus.BOOKED, past=False)

    # Saved through the register's own actions: each session scheduled, the whole register
    # imported (validated whole, one IMPORT audit row), each champion recorded.
    created: dict[int, TrainingSession] = {}
    for session in b.sessions:
        created[id(session)] = actions.session_create(
            actor=coordinator,
            details=actions.SessionDetails(
                session.course, session.starts_on, session.ends_on, session.trainer, session.venue, session.capacity
            ),
        )
    rows = []
    for line, booking in enumerate(b.bookings, start=2):
        attendee = booking.attendee
        rows.append(
            (
                line,
                actions.AttendanceRow(
                    session=created[id(booking.session)],
                    full_name=attendee.full_name,
                    email=attendee.email,
                    organisation=attendee.agency.ref if attendee.agency else attendee.organisation_name,
                    sector=attendee.sector,
                    audience=attendee.audience,
                    status=booking.status,
                    confidence_before=booking.confidence_before,
                    confidence_after=booking.confidence_after,
                ),
            )
        )
    result = actions.register_import(actor=coordinator, rows=rows, filename="demo-register.csv", source=DEMO_SOURCE)
    if result.errors:
        raise RuntimeError(f"The demo register did not import: {result.errors[:3]}")

    # Every one who completed the champions programme became a champion; not all are still active.
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data)
    completed_champions = (
        Booking.objects.filter(source=DEMO_SOURCE, session__course=champions, status=BookingStatus.COMPLETED)
        .select_related("session__course", "attendee")
        .order_by("session__starts_on", "attendee__email")
    )
    count = 0
    for booking in completed_champions:
        professional = booking.attendee.audience == Audience.PROFESSIONAL
        champion = actions.champion_record(
            actor=coordinator,
            booking=booking,
            agreement_signed_on=booking.session.ends_on + timedelta(days=rng.randint(7, 40)) if professional else None,
            line_manager="Signed by their line manager" if professional else "",
            phone=f"020 7946 {rng.randint(0, 999):04d}",
        )
        active = rng.random() < 0.62
        actions.champion_update(
            actor=coordinator,
            champion=champion,
            is_active=active,
            agreement_signed_on=champion.agreement_signed_on,
            line_manager=champion.line_manager,
            network_meetings_attended=rng.randint(0, 12) if active else rng.randint(0, 3),
            colleagues_trained=rng.randint(0, 25) if active else 0,
            phone=champion.phone,
            in_directory=True,
            version=champion.version,
        )
        count += 1

    peers = _peer_supporters()
    return TrainingReport(len(courses), len(b.sessions), len(b.bookings), count, peers)


def _peer_supporters() -> int:
    agency = Agency.objects.filter(ref="SASS").first()
    coordinator = User.objects.filter(email=PEER_COORDINATOR_EMAIL).first()
    if agency is None or coordinator is None or PeerSupporter.objects.filter(held_by=agency).exists():
        return 0
    rows = [
        ("Marion", "Q.", date(2017, 3, 20), Qualification.ACHIEVED, "Level 2 award in peer mentoring"),
        ("Bisi", "T.", date(2018, 2, 5), Qualification.WORKING_TOWARDS, "Level 2 award in peer mentoring"),
        ("Ana", "R.", date(2019, 6, 10), Qualification.NONE, ""),
    ]
    for given, family, trained, qualification, name in rows:
        actions.peer_supporter_record(
            actor=coordinator,
            agency=agency,
            details=actions.PeerDetails(given, family, "", "", "", trained, qualification, name),
        )
    return len(rows)
