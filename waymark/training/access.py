"""Who may see which training records. Deny by default; one condition per line.

- The register (courses, sessions, attendees, bookings, champions' full records): training
  coordinators and the partnership lead.
- The figures (aggregates, no names): those two and commissioners (``may_see_training_figures``).
- The champions directory (active champions listed in it, with work contacts): any member of the
  partnership, so a professional can find a champion in their own or another organisation. A
  community champion's contact details (a resident's own email and phone) only to those who keep
  the register, who put people in touch (``may_see_champion_contact``).
- Peer supporters: only peer-support coordinators of the agency holding the record. Nobody else,
  not the partnership lead and not a system administrator, sees that a given peer supporter exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.training.models import Booking, Champion, PeerSupporter, TrainingSession

M = TypeVar("M", bound=Model)

REGISTER_ROLES = (Role.TRAINING_COORDINATOR, Role.PARTNERSHIP_LEAD)
REGISTER_EDIT_ROLES = (Role.TRAINING_COORDINATOR,)
FIGURE_ROLES = (Role.TRAINING_COORDINATOR, Role.PARTNERSHIP_LEAD, Role.COMMISSIONER)
PEER_ROLES = (Role.PEER_SUPPORT_COORDINATOR,)


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def may_see_register(user: User) -> bool:
    return _signed_in(user) and user.has_role(*REGISTER_ROLES)


def may_edit_register(user: User) -> bool:
    return _signed_in(user) and user.has_role(*REGISTER_EDIT_ROLES)


def may_see_training_figures(user: User) -> bool:
    return _signed_in(user) and user.has_role(*FIGURE_ROLES)


def training_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The whole register to those who keep or steer it; nothing to anyone else."""
    if not may_see_register(user):
        return queryset.none()
    return queryset


def champion_directory_for(user: User) -> QuerySet[Any]:
    """Active champions listed in the directory, to any member of the partnership."""
    from waymark.training.models import Champion

    if not _signed_in(user) or not user.roles:
        return Champion.objects.none()
    return Champion.objects.filter(is_active=True, in_directory=True)


def may_see_champion_contact(user: User, champion: Any) -> bool:
    """A champion's email and phone in the directory: a professional's (work contacts) to anyone
    who may see the directory; a community champion's, a member of the public whose email and phone
    are their own, only to the training coordinators and the partnership lead."""
    from waymark.training.choices import Audience

    return champion.attendee.audience == Audience.PROFESSIONAL or may_see_register(user)


def peer_supporters_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """A peer supporter's record: the peer-support coordinators of the agency holding it."""
    if not _signed_in(user):
        return queryset.none()
    agencies = user.agencies_with_role(*PEER_ROLES)
    if not agencies:
        return queryset.none()
    return queryset.filter(held_by_id__in=agencies)


def peer_records_visible_to(user: User, records: QuerySet[Any]) -> QuerySet[Any]:
    """A peer supporter's supervisions and matches: only of a peer supporter this user may see."""
    from waymark.training.models import PeerSupporter

    return records.filter(peer_supporter__in=PeerSupporter.objects.visible_to(user).order_by().values("pk"))


def _get(user: User, detail: Detail[M], queryset: QuerySet[M], object_id: Any) -> M:
    """The one object check (``get_for_user``): 404 alike for missing and not yours; it writes the
    VIEW audit row with ``detail``."""
    return get_for_user(queryset, object_id, actor=user, detail=detail)


def get_session_for_user(user: User, session_id: Any, *, detail: Detail[TrainingSession] = None) -> TrainingSession:
    from waymark.training.models import TrainingSession

    return _get(user, detail, TrainingSession.objects.visible_to(user).select_related("course", "provider"), session_id)


def get_booking_for_user(user: User, booking_id: Any, *, detail: Detail[Booking] = None) -> Booking:
    from waymark.training.models import Booking

    return _get(
        user, detail, Booking.objects.visible_to(user).select_related("session__course", "attendee"), booking_id
    )


def get_champion_for_user(user: User, champion_id: Any, *, detail: Detail[Champion] = None) -> Champion:
    from waymark.training.models import Champion

    return _get(user, detail, Champion.objects.visible_to(user).select_related("attendee__agency"), champion_id)


def get_peer_supporter_for_user(user: User, peer_id: Any, *, detail: Detail[PeerSupporter] = None) -> PeerSupporter:
    from waymark.training.models import PeerSupporter

    return _get(user, detail, PeerSupporter.objects.visible_to(user), peer_id)
