"""Who may see safe accommodation records, and — narrower — where a safe house or sanctuary is.

One scope per model, one check per object; conditions one per line, each tested in
tests/refuge/test_access.py. Deny by default. One veto over everything: anyone holding the
perpetrator-programme role anywhere sees none of it (docs/perpetrator-programme.md).

- Services (name, type, area, declared figures): roles that refer, place, commission or run them.
- Safe-house addresses: only refuge workers of the service's own provider agency. Not housing
  officers, not MARAC, not IDVAs, not commissioners: they see an area.
- Vacancies: the provider's refuge workers (their own, open, filled or withdrawn), and those who
  search for a household (IDVAs, team managers, housing officers): available vacancies only
  (``Vacancy.objects.available()``), area only, ever. A filled, withdrawn or offered vacancy does
  not exist for a searcher: when a space was taken would help place a known woman.
- Refuge referrals: the provider's refuge workers; whoever made it; whoever may see the linked
  case; team managers and housing officers of the referring agency.
- Sanctuaries: the scheme's coordinators; whoever made it; whoever may see the linked case; team
  managers of the referring agency. The property address: only the scheme's coordinators and
  whoever may see the survivor's case.

Every rule above but the provider's and the scheme's is about one woman, and says where she is or
is going (a refuge and its area, her own home): so it also needs her location to be visible to the
user (``waymark/people/access.py: locations_visible_to``). That is how "may see her case" leaves
out a break-glass grant (it opens her cases for a few hours, never where she is: docs/security.md),
and how whoever made a referral, or a manager of the referring agency, loses sight of it when they
no longer work with her.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role
from waymark.people.access import behind_programme_firewall

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary, Vacancy

SERVICE_READ_ROLES = (
    Role.REFUGE_WORKER,
    Role.CASEWORKER,
    Role.TEAM_MANAGER,
    Role.HOUSING_OFFICER,
    Role.MARAC_COORDINATOR,
    Role.SANCTUARY_COORDINATOR,
    Role.COMMISSIONER,
    Role.PARTNERSHIP_LEAD,
)
# Roles that search vacancies for a household and make refuge referrals.
SEARCH_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER)
REFERRER_ROLES = SEARCH_ROLES
# Roles that refer to the sanctuary scheme.
SANCTUARY_REFERRER_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER)


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def _vetoed(user: User) -> bool:
    """Not a member, or holding the perpetrator-programme role anywhere: sees nothing here."""
    return not _is_member(user) or behind_programme_firewall(user)


def provider_agency_ids(user: User) -> frozenset[uuid.UUID]:
    """Agencies where the user is a refuge worker: the providers whose houses they may locate."""
    if _vetoed(user):
        return frozenset()
    return frozenset(user.agencies_with_role(Role.REFUGE_WORKER))


def scheme_agency_ids(user: User) -> frozenset[uuid.UUID]:
    """Agencies where the user coordinates the sanctuary scheme."""
    if _vetoed(user):
        return frozenset()
    return frozenset(user.agencies_with_role(Role.SANCTUARY_COORDINATOR))


def _cases_visible(user: User) -> Any:
    from waymark.cases.access import cases_visible_to

    return cases_visible_to(user).order_by()


def _her_location_visible(user: User) -> Q:
    """The record's person is one whose location this user may see (``locations_visible_to``, which
    no break-glass grant opens): asked of each record's own person."""
    from waymark.people.access import locations_visible_to

    return Q(Exists(locations_visible_to(user).order_by().filter(pk=OuterRef("person_id"))))


def _on_a_visible_case(user: User) -> Q:
    """The record's linked case is one this user may see, and so is her location: a case opened by
    break-glass alone does not count (emergency access never includes where she is). Asked of each
    record's own case and person (index lookups), never by listing every case the team has held."""
    return Q(Exists(_cases_visible(user).filter(pk=OuterRef("case_id")))) & _her_location_visible(user)


# --- Services and addresses ------------------------------------------------------------------


def services_visible_to(user: User, services: QuerySet[Any] | None = None) -> Any:
    from waymark.refuge.models import SafeAccommodationService

    scope = SafeAccommodationService.objects.all() if services is None else services
    if _vetoed(user):
        return scope.none()
    # Roles whose work is referring to, placing in, running or commissioning safe accommodation.
    if user.roles & set(SERVICE_READ_ROLES):
        return scope
    return scope.none()


def get_service_for_user(
    user: User, service_id: uuid.UUID | str, *, detail: Detail[Any] = None
) -> SafeAccommodationService:
    """The service, if this user may see it. Http404 alike for "missing" and "not yours"."""
    from waymark.refuge.models import SafeAccommodationService

    return _get(user, detail, SafeAccommodationService.objects.visible_to(user).select_related("provider"), service_id)


def can_see_house_addresses(user: User, service: Any) -> bool:
    """Only the refuge workers of the service's own provider may see where its houses are."""
    return service.provider_id in provider_agency_ids(user)


def can_manage_service(user: User, service: Any) -> bool:
    """Post vacancies and decide referrals: the provider's own refuge workers."""
    return service.provider_id in provider_agency_ids(user)


# --- Vacancies -------------------------------------------------------------------------------


def vacancies_visible_to(user: User, vacancies: QuerySet[Any] | None = None) -> Any:
    from waymark.refuge.models import Vacancy

    scope = Vacancy.objects.all() if vacancies is None else vacancies
    if _vetoed(user):
        return scope.none()
    grants = Q(pk__in=[])
    # The provider's own refuge workers: their vacancies, open or filled.
    grants |= Q(service__provider_id__in=provider_agency_ids(user))
    # Those who search for a household: available vacancies only (area only). Filled, withdrawn
    # or offered is 404 to them, as if it never existed.
    if user.roles & set(SEARCH_ROLES):
        grants |= Q(pk__in=Vacancy.objects.available().order_by().values("pk"))
    return scope.filter(grants)


def get_vacancy_for_user(user: User, vacancy_id: uuid.UUID | str, *, detail: Detail[Any] = None) -> Vacancy:
    from waymark.refuge.models import Vacancy

    return _get(user, detail, Vacancy.objects.visible_to(user).select_related("service", "house"), vacancy_id)


# --- Refuge referrals ------------------------------------------------------------------------


def referrals_visible_to(user: User, referrals: QuerySet[Any] | None = None) -> Any:
    from waymark.refuge.models import RefugeReferral

    scope = RefugeReferral.objects.all() if referrals is None else referrals
    if _vetoed(user):
        return scope.none()
    grants = Q(pk__in=[])
    # The provider's refuge workers: referrals to their services (they decide them).
    grants |= Q(service__provider_id__in=provider_agency_ids(user))
    # Whoever made the referral, while they still hold a referring role there and may still see
    # where she is (not once a break-glass grant they made it under has ended).
    grants |= Q(
        referred_by=user, referring_agency_id__in=user.agencies_with_role(*REFERRER_ROLES)
    ) & _her_location_visible(user)
    # Whoever may see the survivor's linked case (and her location).
    grants |= _on_a_visible_case(user)
    # Team managers and housing officers of the referring agency (covering, and their caseload),
    # for a woman whose location they may see.
    grants |= Q(
        referring_agency_id__in=user.agencies_with_role(Role.TEAM_MANAGER, Role.HOUSING_OFFICER)
    ) & _her_location_visible(user)
    return scope.filter(grants)


def get_referral_for_user(user: User, referral_id: uuid.UUID | str, *, detail: Detail[Any] = None) -> RefugeReferral:
    from waymark.refuge.models import RefugeReferral

    return _get(
        user,
        detail,
        RefugeReferral.objects.visible_to(user).select_related(
            "person", "case", "service", "service__provider", "referring_agency", "referred_by", "vacancy"
        ),
        referral_id,
    )


def can_decide_referral(user: User, referral: Any) -> bool:
    """Assess, offer, record arrival or departure, or close as unsuccessful: the provider's staff."""
    return referral.service.provider_id in provider_agency_ids(user)


# --- Sanctuaries -----------------------------------------------------------------------------


def sanctuaries_visible_to(user: User, sanctuaries: QuerySet[Any] | None = None) -> Any:
    from waymark.refuge.models import Sanctuary

    scope = Sanctuary.objects.all() if sanctuaries is None else sanctuaries
    if _vetoed(user):
        return scope.none()
    grants = Q(pk__in=[])
    # The scheme's coordinators.
    grants |= Q(scheme_agency_id__in=scheme_agency_ids(user))
    # Whoever made the referral, while they still hold a referring role there and may still see
    # where she is.
    grants |= Q(
        referred_by=user, referring_agency_id__in=user.agencies_with_role(*SANCTUARY_REFERRER_ROLES)
    ) & _her_location_visible(user)
    # Whoever may see the survivor's linked case (and her location).
    grants |= _on_a_visible_case(user)
    # Team managers of the referring agency, for a woman whose location they may see.
    grants |= Q(referring_agency_id__in=user.agencies_with_role(Role.TEAM_MANAGER)) & _her_location_visible(user)
    return scope.filter(grants)


def get_sanctuary_for_user(user: User, sanctuary_id: uuid.UUID | str, *, detail: Detail[Any] = None) -> Sanctuary:
    from waymark.refuge.models import Sanctuary

    return _get(
        user,
        detail,
        Sanctuary.objects.visible_to(user).select_related(
            "person", "case", "scheme_agency", "referring_agency", "referred_by"
        ),
        sanctuary_id,
    )


def sanctuary_addresses_visible_to(user: User, sanctuaries: QuerySet[Any] | None = None) -> Any:
    """Sanctuaries whose property address this user may see (a subset of the above)."""
    from waymark.refuge.models import Sanctuary

    scope = Sanctuary.objects.all() if sanctuaries is None else sanctuaries
    if _vetoed(user):
        return scope.none()
    grants = Q(pk__in=[])
    # The scheme's coordinators: they arrange the survey and the fitting.
    grants |= Q(scheme_agency_id__in=scheme_agency_ids(user))
    # The survivor's own workers: those who may see her case (and her location).
    grants |= _on_a_visible_case(user)
    return scope.filter(grants)


def can_see_sanctuary_address(user: User, sanctuary: Any) -> bool:
    return sanctuary_addresses_visible_to(user).filter(pk=sanctuary.pk).exists()


def can_coordinate(user: User, sanctuary: Any) -> bool:
    """Record eligibility, survey, fitting, flags, reviews, removal: the scheme's coordinators."""
    return sanctuary.scheme_agency_id in scheme_agency_ids(user)


# --- Shared ----------------------------------------------------------------------------------


def _get(user: Any, detail: Detail[Any], scope: QuerySet[Any], object_id: uuid.UUID | str) -> Any:
    """The one object check (``get_for_user``): 404 alike for missing and not yours; it writes the
    VIEW audit row with ``detail``."""
    return get_for_user(scope, object_id, actor=user, detail=detail)
