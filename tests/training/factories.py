"""Training register records for tests, written through the register's own action
(``attendance_record``), as the training coordinator would record them."""

from __future__ import annotations

from collections.abc import Iterable

from waymark.accounts.models import User
from waymark.training.actions import AttendanceRow, attendance_record
from waymark.training.choices import BookingStatus
from waymark.training.models import TrainingSession


def record_attended(coordinator: User, session: TrainingSession, people: Iterable[tuple[str, str, str]]) -> None:
    """Each of ``people`` (full name, audience, sector) recorded as having attended ``session``,
    from the organisation "Org", with no email."""
    for full_name, audience, sector in people:
        attendance_record(
            actor=coordinator,
            row=AttendanceRow(
                session=session,
                full_name=full_name,
                email="",
                organisation="Org",
                sector=sector,
                audience=audience,
                status=BookingStatus.ATTENDED,
            ),
        )
