"""Who may see and change homelessness applications, placements and tenancy panel cases.

Each condition sits on its own line with its own test (tests/housing/test_access.py):

Applications (and their duties, household and placements):
- a housing officer sees the applications held by an agency where they are a housing officer;
- nobody else reads them here. The survivor's IDVA sees that they exist through the person's
  journey (``waymark/housing/journey.py``: applications linked to a case she may see), never the
  pages; commissioners see aggregates only.
- Veto over all of it: an account holding the perpetrator-programme role anywhere sees none of
  it (applications, placements, the panel), whatever other role it also holds.

A temporary-accommodation address is narrower: only the housing officer holding the application
(``officer``), while still a housing officer of its agency.

Tenancy panel cases:
- a tenancy panel member sees the cases of the agency (the council as landlord) whose panel they sit on;
- a housing officer of that agency sees them too (they refer cases and watch those due);
- the survivor's IDVA named on a case sees it, to confirm the safety plan (``get_panel_case_for_idva``);
- the intelligence gathered from partner agencies is for panel members only;
- who may refer a case (panel members and housing officers of the council) may name or change its
  survivor and her IDVA afterwards (``may_name_panel_people``).

Object checks raise Http404 alike for "no such record" and "not yours", and PermissionDenied (403)
for "you may see this, but not do that".
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role
from waymark.people.access import behind_programme_firewall

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.housing.models import Duty, HomelessnessApplication, TemporaryPlacement, TenancyPanelCase
    from waymark.people.models import Person

HOUSING_ROLES = (Role.HOUSING_OFFICER,)
PANEL_ROLES = (Role.TENANCY_PANEL_MEMBER,)
PANEL_READ_ROLES = (Role.TENANCY_PANEL_MEMBER, Role.HOUSING_OFFICER)


def _may_use_housing(user: User) -> bool:
    """A signed-in member, and holding no perpetrator-programme role anywhere. The veto the people
    and refuge apps apply: one account must not bridge a programme and a survivor's housing (her
    temporary accommodation, the panel's case on her home), whatever other role it also holds."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "roles", None)
        and not behind_programme_firewall(user)
    )


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such record") from None


# --- Applications ----------------------------------------------------------------------------


def applications_visible_to(user: User, applications: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Every application this user may read. Nothing unless a condition below grants it."""
    from waymark.housing.models import HomelessnessApplication

    scope = HomelessnessApplication.objects.all() if applications is None else applications
    if not _may_use_housing(user):
        return scope.none()
    grants = Q(pk__in=[])
    # Housing officers: the applications held by an agency where they are a housing officer.
    grants |= Q(agency_id__in=user.agencies_with_role(*HOUSING_ROLES))
    return scope.filter(grants)


def application_records_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Duties, household members and placements: with their application, and no further."""
    return queryset.filter(application__in=applications_visible_to(user).order_by().values("pk"))


def get_application_for_user(
    user: User, application_id: uuid.UUID | str, *, detail: Detail[HomelessnessApplication] = None
) -> HomelessnessApplication:
    """The application, if this user may read it, through the one object check (``get_for_user``,
    which writes the VIEW row with ``detail``). Http404 alike for missing and not yours."""
    from waymark.housing.models import HomelessnessApplication

    scope = HomelessnessApplication.objects.visible_to(user).select_related(
        "person", "agency", "officer", "case", "referral", "referring_agency"
    )
    return get_for_user(scope, application_id, actor=user, detail=detail)


def can_work_on_application(user: User, application: Any) -> bool:
    """Any housing officer of the holding agency may record on it (they cover for each other)."""
    return _may_use_housing(user) and application.agency_id in user.agencies_with_role(*HOUSING_ROLES)


def require_work_on_application(user: User, application: Any) -> None:
    if not can_work_on_application(user, application):
        raise PermissionDenied("Only a housing officer of the council holding this application can change it.")


def can_see_placement_address(user: User, application: Any) -> bool:
    """Only the housing officer holding the application sees where the household is placed."""
    return (
        _may_use_housing(user)
        # They hold the application.
        and application.officer_id == user.pk
        # And are still a housing officer of its agency.
        and application.agency_id in user.agencies_with_role(*HOUSING_ROLES)
    )


def get_placement_for_user(
    user: User, application: HomelessnessApplication, placement_id: uuid.UUID | str, *, page: str = ""
) -> TemporaryPlacement:
    """A placement of ``application``, through its own scope and the application's (the one object check)."""
    from waymark.housing.models import TemporaryPlacement

    scope = TemporaryPlacement.objects.visible_to(user).filter(application=application)
    return get_for_user(scope, placement_id, actor=user, detail={"page": page} if page else None)


def get_duty_for_user(
    user: User, application: HomelessnessApplication, duty_id: uuid.UUID | str, *, page: str = ""
) -> Duty:
    """A duty of ``application``, through its own scope and the application's (the one object check)."""
    from waymark.housing.models import Duty

    scope = Duty.objects.visible_to(user).filter(application=application)
    return get_for_user(scope, duty_id, actor=user, detail={"page": page} if page else None)


# --- The tenancy panel -----------------------------------------------------------------------


def panel_cases_visible_to(user: User, cases: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Every panel case this user may read. Nothing unless a condition below grants it."""
    from waymark.housing.models import TenancyPanelCase

    scope = TenancyPanelCase.objects.all() if cases is None else cases
    if not _may_use_housing(user):
        return scope.none()
    grants = Q(pk__in=[])
    # Panel members and housing officers of the council whose panel it is.
    grants |= Q(agency_id__in=user.agencies_with_role(*PANEL_READ_ROLES))
    return scope.filter(grants)


def panel_records_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Decisions, legal steps, confirmations and status changes: with their case."""
    return queryset.filter(case__in=panel_cases_visible_to(user).order_by().values("pk"))


def intelligence_visible_to(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Intelligence for the panel: its members only (not housing officers who do not sit on it)."""
    if not _may_use_housing(user):
        return queryset.none()
    return queryset.filter(case__agency_id__in=user.agencies_with_role(*PANEL_ROLES))


def get_panel_case_for_user(
    user: User, case_id: uuid.UUID | str, *, detail: Detail[TenancyPanelCase] = None
) -> TenancyPanelCase:
    """The panel case, if this user may read it, through the one object check (``get_for_user``,
    which writes the VIEW row with ``detail``). Http404 alike for missing and not yours."""
    from waymark.housing.models import TenancyPanelCase

    scope = TenancyPanelCase.objects.visible_to(user).select_related(
        "agency", "survivor", "idva", "referred_by", "next_panel", "recorded_by"
    )
    return get_for_user(scope, case_id, actor=user, detail=detail)


def is_panel_member(user: User, case: Any) -> bool:
    return _may_use_housing(user) and case.agency_id in user.agencies_with_role(*PANEL_ROLES)


def require_panel_member(user: User, case: Any) -> None:
    if not is_panel_member(user, case):
        raise PermissionDenied("Only members of the DA tenancy panel can do that.")


def may_name_panel_people(user: User, case: Any) -> bool:
    """May name or change the case's survivor and her IDVA: as for referring a case, a panel member
    or a housing officer of the council whose panel it is (and no perpetrator-programme role)."""
    return _may_use_housing(user) and case.agency_id in user.agencies_with_role(*PANEL_READ_ROLES)


def require_may_name_panel_people(user: User, case: Any) -> None:
    if not may_name_panel_people(user, case):
        raise PermissionDenied(
            "Only the council's tenancy panel members and housing officers can change who is named on a panel case."
        )


def is_named_idva(user: User, case: Any) -> bool:
    """The survivor's IDVA named on the case, while still a caseworker somewhere."""
    return _may_use_housing(user) and case.idva_id == user.pk and Role.CASEWORKER in user.roles


def panel_cases_named_for_idva(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Of ``queryset``, the cases on which this user is the survivor's named IDVA."""
    # Only a caseworker, while a member somewhere ...
    if not _may_use_housing(user) or Role.CASEWORKER not in user.roles:
        return queryset.none()
    # ... and only the cases naming her.
    return queryset.filter(idva=user)


def panel_cases_for_idva(user: User) -> QuerySet[Any]:
    """Cases on which this user is the survivor's named IDVA (the confirmations she is asked for)."""
    from waymark.housing.models import TenancyPanelCase

    return TenancyPanelCase.objects.named_idva_visible_to(user)


def panel_cases_on_journey(user: User) -> QuerySet[Any]:
    """Panel cases a person's journey may show this user: those they read (panel readers) and
    those on which they are the survivor's named IDVA."""
    from django.db.models import Q

    from waymark.housing.models import TenancyPanelCase

    readable = panel_cases_visible_to(user).order_by().values("pk")
    named = panel_cases_for_idva(user).order_by().values("pk")
    return TenancyPanelCase.objects.filter(Q(pk__in=readable) | Q(pk__in=named))


def applications_on_journey(user: User, person: Person) -> QuerySet[Any]:
    """A person's applications their journey may show this user: those they read (housing officers
    of the council), and those linked to a specialist case of this person's that they may see
    (shown without a link to housing's pages)."""
    from django.db.models import Q

    from waymark.cases.access import cases_visible_to
    from waymark.housing.models import HomelessnessApplication
    from waymark.matching.selectors import same_person_ids

    if not _may_use_housing(user):
        return HomelessnessApplication.objects.none()
    readable = Q(pk__in=applications_visible_to(user).filter(person=person).order_by().values("pk"))
    # Linked to her case, and made by her (her own record or one confirmed the same person): a
    # link to the wrong case, made before the action checked it, shows on nobody else's journey.
    linked = Q(
        case__person=person,
        case__in=cases_visible_to(user).order_by().values("pk"),
        person_id__in=same_person_ids(person.pk),
    )
    return HomelessnessApplication.objects.filter(readable | linked)


def get_panel_case_for_idva(user: User, case_id: uuid.UUID | str, *, detail: Detail[Any] = None) -> Any:
    """A case naming this user as the survivor's IDVA, through the one object check (which writes
    the VIEW row with ``detail``). Http404 alike for missing and not hers."""
    return get_for_user(panel_cases_for_idva(user).select_related("agency"), case_id, actor=user, detail=detail)
