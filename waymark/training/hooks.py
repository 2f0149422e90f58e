"""Registers ``manage.py report training`` and the home-page panels (imported by AppConfig.ready)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.core.dates import financial_year_start
from waymark.core.roles import Role
from waymark.training import reports  # noqa: F401  (registers ``manage.py report training``)
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.TRAINING_COORDINATOR)
def training_panel(user: User) -> Panel:
    """This financial year's attendance and completions, upcoming sessions, active champions."""
    from waymark.training.choices import ATTENDED_STATUSES, BookingStatus
    from waymark.training.models import Booking, Champion, TrainingSession

    today = timezone.localdate()
    start = date(financial_year_start(today), 4, 1)
    bookings = Booking.objects.visible_to(user).filter(session__starts_on__gte=start, session__starts_on__lte=today)
    return Panel(
        title="Training register",
        description="Attendance and completions this financial year so far, from the register.",
        figures=[
            Figure("Attended", bookings.filter(status__in=ATTENDED_STATUSES).count()),
            Figure("Completed", bookings.filter(status=BookingStatus.COMPLETED).count()),
            Figure("Sessions coming up", TrainingSession.objects.visible_to(user).filter(starts_on__gt=today).count()),
            Figure("Active champions", Champion.objects.visible_to(user).filter(is_active=True).count()),
        ],
        links=[
            ("Sessions and attendance", reverse("training:index")),
            ("Training figures", reverse("training:figures")),
            ("Import a past register", reverse("training:import")),
            ("Champions", reverse("training:champions")),
        ],
    )


@register(Role.PEER_SUPPORT_COORDINATOR)
def peer_panel(user: User) -> Panel:
    from waymark.training.choices import MatchStatus
    from waymark.training.models import PeerMatch, PeerSupporter

    peers = PeerSupporter.objects.visible_to(user)
    return Panel(
        title="Peer supporters",
        description="Your agency's peer supporters: their records are seen by peer-support coordinators only.",
        figures=[
            Figure("Active peer supporters", peers.filter(is_active=True).count()),
            Figure(
                "Active matches", PeerMatch.objects.filter(peer_supporter__in=peers, status=MatchStatus.ACTIVE).count()
            ),
        ],
        links=[("Peer supporters", reverse("training:peers"))],
    )
