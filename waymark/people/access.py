"""Who may see a person, and — a separate, narrower question — who may see where they are.

Two scopes, each a queryset of people, each built from conditions written one per line (each
with its own test in tests/people/test_access.py). Later parts of the service (referrals, cases,
MARAC) add their conditions here, as new lines, for example "allocated caseworker of an open
case". Object checks are derived from the same scopes, so a list and a page can never disagree.

- ``people_visible_to(user)`` / ``get_person_for_user``: the person exists for this user at all.
- ``locations_visible_to(user)`` / ``can_see_location``: addresses, phone numbers, email and
  contact safety flags. Always a subset of the first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role
from waymark.people.choices import PersonRole
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Roles whose work needs person records held by their own agency. Referrers see only their
# referrals' status; commissioners and analysts see aggregates only; neither is here.
PERSON_RECORD_ROLES = (
    Role.CASEWORKER,
    Role.TEAM_MANAGER,
    Role.HOUSING_OFFICER,
    Role.MARAC_COORDINATOR,
    Role.PERPETRATOR_WORKER,
)
# Of those, the roles that see everyone their agency holds. A perpetrator-programme worker is
# not one: they see only people causing harm and household members (the firewall, below).
AGENCY_WIDE_PERSON_ROLES = tuple(role for role in PERSON_RECORD_ROLES if role != Role.PERPETRATOR_WORKER)
# Roles that may see where a person is: contacting and housing them is their work.
LOCATION_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_COORDINATOR)
# A perpetrator-programme worker sees people causing harm and household members their agency holds.
PERPETRATOR_WORKER_MAY_SEE = (PersonRole.PERSON_CAUSING_HARM, PersonRole.HOUSEHOLD_MEMBER)
# Of those they may locate only people causing harm who are their own programme's participants
# (their clients): a household member may live with the victim, and so may a person causing harm
# not yet referred to them, so either address can be hers (docs/perpetrator-programme.md).
PERPETRATOR_WORKER_MAY_LOCATE = (PersonRole.PERSON_CAUSING_HARM,)
# Only a person causing harm may be a programme participant (waymark/perpetrators/actions.py).
PROGRAMME_PARTICIPANT_ROLES = (PersonRole.PERSON_CAUSING_HARM,)
VICTIM_ROLES = (PersonRole.SURVIVOR, PersonRole.CHILD)


def behind_programme_firewall(user: Any) -> bool:
    """Holds the perpetrator-programme role in any agency. One account must never bridge the
    programme and the survivor's side, so whatever other role such an account also holds, it sees
    the location of no victim (below), takes part in no MARAC meeting (``waymark.marac``), refers
    to no refuge or sanctuary (``waymark.refuge``), sits on no tenancy panel (``waymark.housing``)
    and cannot break glass (``waymark.breakglass``). The one statement of the veto; every app asks
    it here."""
    return Role.PERPETRATOR_WORKER in getattr(user, "roles", ())


# Grants that higher apps register from their AppConfig.ready() (people imports none of them;
# docs/architecture.md, "Layers"). Each is a condition on Person, one per line of the rule:
# - a programme's own participants who cause harm (waymark/perpetrators/hooks.py);
# - people in referrals to the user's agency, for triage (waymark/referrals/hooks.py);
# - the client of a case the user may see (waymark/cases/hooks.py);
# - a child linked to a case the user may see (waymark/support/hooks.py);
# - an active break-glass grant: one person, one user, a few hours (waymark/breakglass/access.py).
# An app not installed grants nothing (deny by default).
_REGISTERED_GRANTS: list[Callable[[Any], Q]] = []
_REGISTERED_LOCATION_GRANTS: list[Callable[[Any], Q]] = []
# Addresses outside person records where survivors live or lived, for the programme firewall's
# shared-address veto (``people_sharing_an_address_with_a_victim``): each source returns querysets
# of a model with ``shared_postcode_index`` and ``shared_line_index`` columns (blind indexes made
# by ``normalise.firewall_address_indexes``). Registered by:
# - refuge: every safe house and every sanctuary-scheme property (waymark/refuge/hooks.py).
_REGISTERED_VICTIM_ADDRESS_INDEXES: list[Callable[[], Iterable[Any]]] = []


def register_person_grant(grant: Callable[[Any], Q]) -> None:
    """Adds a condition to ``people_visible_to`` (never to ``locations_visible_to``)."""
    if grant not in _REGISTERED_GRANTS:
        _REGISTERED_GRANTS.append(grant)


def register_location_grant(grant: Callable[[User], Q]) -> None:
    """Adds a condition to ``locations_visible_to`` (the perpetrator-programme veto below still
    applies to it). Such a person must also be granted by ``people_visible_to``."""
    if grant not in _REGISTERED_LOCATION_GRANTS:
        _REGISTERED_LOCATION_GRANTS.append(grant)


def register_victim_address_indexes(source: Callable[[], Iterable[Any]]) -> None:
    """Adds addresses where survivors live, or lived, to those the programme firewall's
    shared-address veto compares a participant's addresses with. ``source()`` returns querysets
    (evaluated lazily, as subqueries) of models with ``shared_postcode_index`` and
    ``shared_line_index``: blind indexes kept for this veto alone, never for search, filters,
    APIs, exports or ordering."""
    if source not in _REGISTERED_VICTIM_ADDRESS_INDEXES:
        _REGISTERED_VICTIM_ADDRESS_INDEXES.append(source)


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def people_visible_to(user: User) -> Any:
    """Every person this user may see. Nothing unless a condition below grants it.

    Every condition here only grants (they are OR'd): ``can_see_person`` relies on that to answer
    the first one from a person's ``held_by`` with no query. A condition that takes sight away
    (a veto, as ``locations_visible_to`` has) must be mirrored there, or that shortcut would
    bypass it; ``tests/people/test_visibility_shortcuts.py`` compares the two."""
    if not _is_member(user):
        return Person.objects.none()
    grants = Q(pk__in=[])
    # Held by an agency where the user works in a role that needs person records.
    grants |= Q(held_by__in=user.agencies_with_role(*AGENCY_WIDE_PERSON_ROLES))
    # The firewall: a perpetrator-programme worker does not see the people their agency holds,
    # not even those causing harm: only the participants another service referred to their
    # programme or who referred themselves (below; docs/perpetrator-programme.md, "The front door").
    # A perpetrator-programme worker sees their programme's own participants who cause harm,
    # wherever held (an enrolment of anyone else, written before the referral refused them or
    # imported, grants nothing): perpetrators' registered grant. Also registered: the person at
    # risk or causing harm in a referral to an agency where the user is a caseworker or team
    # manager (referrals'); the client of a case the user may see (cases'); a child linked to such
    # a case (support's); an active break-glass grant (see _REGISTERED_GRANTS above).
    for grant in _REGISTERED_GRANTS:
        grants |= grant(user)
    return Person.objects.filter(grants)


def relationships_visible_to(user: User, relationships: Any) -> Any:
    """Relationships this user may see: one end at least is a person they may see."""
    visible = people_visible_to(user).order_by().values("pk")
    return relationships.filter(Q(person_a__in=visible) | Q(person_b__in=visible))


def locations_visible_to(user: User) -> Any:
    """People whose addresses and contact channels this user may see (a subset of the above).

    ``can_see_location`` answers the first condition from a person's ``held_by`` with no query,
    but only for a user the veto below cannot apply to: a new veto must be mirrored there."""
    if not _is_member(user):
        return Person.objects.none()
    grants = Q(pk__in=[])
    # Held by an agency where the user works in a role whose work is contacting or housing people.
    grants |= Q(held_by__in=user.agencies_with_role(*LOCATION_ROLES))
    # A perpetrator-programme worker's own participants who cause harm (their clients), wherever
    # held: registered by waymark/perpetrators/hooks.py.
    for grant in _REGISTERED_LOCATION_GRANTS:
        grants |= grant(user)
    scope = Person.objects.filter(grants)
    # Veto: anyone holding the perpetrator-programme role anywhere sees the location only of people
    # causing harm, whatever other role they also hold (one account must not bridge the two): never
    # a victim's, never a household member's (she may live with the victim, even if enrolled).
    if behind_programme_firewall(user):
        scope = scope.filter(primary_role__in=PERPETRATOR_WORKER_MAY_LOCATE)
        # ... and never of someone whose address is, or was, also a victim's (or a household
        # member's): a shared home would give her address away. Compared by blind index (postcode,
        # or the building when a postcode is missing), her refuge and safe addresses included, as
        # are every refuge safe house and sanctuary property (registered by the refuge app),
        # current and past addresses on both sides; erring towards hiding.
        scope = scope.exclude(pk__in=people_sharing_an_address_with_a_victim())
    return scope


def people_sharing_an_address_with_a_victim() -> Any:
    """Ids of people with an address (current or past, of any kind) that is, or may be, one a
    survivor, child or household member has, or had. "Theirs" is every address on their records
    (refuge and safe ones included) and every address a registered source adds (refuge: every
    safe house and sanctuary-scheme property). His address is theirs when it is:

    - at the same postcode: his ``postcode_index`` or ``shared_postcode_index`` (refuge and safe
      addresses have only the second, so that search never finds them) is among theirs;
    - or naming the same building (``shared_line_index``: house number and street) where either
      address has no postcode index of either kind. A line alone is compared only then, so
      "1 High Street" in two towns, each with its postcode, is two addresses.

    The index values of all of theirs are unioned into three subqueries (postcodes, buildings,
    buildings without a postcode), compared in one query, so ``locations_visible_to`` stays a scope."""
    from waymark.people.models import Address

    theirs = Address.objects.filter(person__primary_role__in=(*VICTIM_ROLES, PersonRole.HOUSEHOLD_MEMBER))
    no_postcode = Q(postcode_index="", shared_postcode_index="")
    # (postcode column, line column, rows): each row of theirs, by where it keeps its indexes.
    sources: list[tuple[str, Any]] = [("postcode_index", theirs), ("shared_postcode_index", theirs)]
    lines_of: list[Any] = [theirs]
    lines_without_postcode: list[Any] = [theirs.filter(no_postcode)]
    for source in _REGISTERED_VICTIM_ADDRESS_INDEXES:
        for rows in source():
            sources.append(("shared_postcode_index", rows))
            lines_of.append(rows)
            lines_without_postcode.append(rows.filter(shared_postcode_index=""))
    # No empty value in any of them: an empty index on his side never matches.
    postcodes = _union([rows.exclude(**{column: ""}).values_list(column) for column, rows in sources])
    lines = _union([rows.exclude(shared_line_index="").values_list("shared_line_index") for rows in lines_of])
    lines_alone = _union(
        [rows.exclude(shared_line_index="").values_list("shared_line_index") for rows in lines_without_postcode]
    )
    same = (
        Q(postcode_index__in=postcodes)
        | Q(shared_postcode_index__in=postcodes)
        # His address has no postcode: any of theirs naming the same building.
        | (no_postcode & Q(shared_line_index__in=lines))
        # Theirs has no postcode: any of his naming the same building, with a postcode or not.
        | Q(shared_line_index__in=lines_alone)
    )
    return Address.objects.filter(same).values("person_id")


def _union(parts: list[Any]) -> Any:
    """One subquery of the values of all ``parts`` (one-column ``values_list`` querysets), each
    without its model's default ordering (a compound statement allows none)."""
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest) if rest else first


def people_worked_with(user: User) -> Any:
    """ "People you work with": the clients of the open cases allocated to this user, and the
    children linked to those cases; always inside ``people_visible_to``. Read through the reverse
    relations, so people does not import casework."""
    if not _is_member(user):
        return Person.objects.none()
    # Her caseload's people first (each half starts from her cases' caseworker index), then the
    # visibility rule for those few ids only: asked of a short list, the rule never scans every
    # person her agency holds.
    clients = Person.objects.filter(cases__caseworker=user, cases__closed_on__isnull=True).order_by().values("pk")
    children = (
        Person.objects.filter(
            case_links_as_child__case__caseworker=user, case_links_as_child__case__closed_on__isnull=True
        )
        .order_by()
        .values("pk")
    )
    ids = set(clients.union(children).values_list("pk", flat=True))
    return people_visible_to(user).filter(pk__in=ids, archived_at__isnull=True)


def get_person_for_user(user: User, person_id: uuid.UUID | str, *, detail: Detail[Person] = None) -> Person:
    """The person, if this user may see them, through the one object check (``get_for_user``),
    which writes the VIEW audit row with ``detail``.

    Http404 alike for "no such person" and "not yours"; PermissionDenied when the person is held
    by the user's own agency but none of the user's roles there may see person records.
    """
    scope = Person.objects.visible_to(user).select_related("held_by")
    try:
        return get_for_user(scope, person_id, actor=user, detail=detail)
    except Http404:
        refuse_if_held_by_own_agency(user, person_id)
        raise


def refuse_if_held_by_own_agency(user: Any, person_id: object) -> None:
    """After a 404 from the person's check: PermissionDenied instead when the person is held by the
    user's own agency (the record is theirs to know of, their role may not open it)."""
    try:
        person_uuid = uuid.UUID(str(person_id))
    except ValueError:
        return
    # A perpetrator-programme worker is never told that a record they may not see exists: a 403
    # would confirm to them that their agency holds a survivor of that id.
    if behind_programme_firewall(user):
        return
    if _is_member(user) and Person.objects.filter(pk=person_uuid, held_by__in=user.agency_ids).exists():
        raise PermissionDenied("Your role does not give access to person records.")


def can_see_person(user: User, person: Person) -> bool:
    """May this user see ``person`` at all: ``people_visible_to``, asked of one person.

    The first condition of that rule (held by an agency where the user works in an agency-wide
    person role) is answered from the person's own ``held_by`` and the user's memberships, with no
    query; only when it does not hold is the whole rule (the registered grants) asked of the
    database. Either way the answer is the rule's: one condition of an OR that holds decides it."""
    if not _is_member(user):
        return False
    if person.held_by_id in user.agencies_with_role(*AGENCY_WIDE_PERSON_ROLES):
        return True
    return bool(people_visible_to(user).filter(pk=person.pk).exists())


def can_see_location(user: User, person: Person) -> bool:
    """May this user see where ``person`` is (addresses, phones, email, contact safety flags)?

    ``locations_visible_to`` asked of one person. Its first condition (held by an agency where the
    user works in a location role) is answered without a query when no veto can apply (the user
    holds no perpetrator-programme role); otherwise, and whenever it does not hold, the whole rule
    is asked of the database."""
    if not _is_member(user):
        return False
    if not behind_programme_firewall(user) and person.held_by_id in user.agencies_with_role(*LOCATION_ROLES):
        return True
    return bool(locations_visible_to(user).filter(pk=person.pk).exists())


def require_location(user: User, person: Person) -> None:
    """Raises PermissionDenied unless ``can_see_location``. Call after ``get_person_for_user``."""
    if not can_see_location(user, person):
        raise PermissionDenied("Your role does not give access to where this person is.")


# Roles that may create and change person records held by their own agency.
EDITOR_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER)


def agencies_user_may_record_for(user: User) -> frozenset[uuid.UUID]:
    """Agencies for which this user may create person records."""
    if not _is_member(user):
        return frozenset()
    return frozenset(user.agencies_with_role(*EDITOR_ROLES))


def can_edit_person(user: User, person: Person) -> bool:
    """May change the person's identity, names and relationships (not where they are)."""
    return person.held_by_id in agencies_user_may_record_for(user)


def can_edit_location(user: User, person: Person) -> bool:
    """May add or end addresses and contact channels: an editor who may also see them, and who
    holds no perpetrator-programme role anywhere. Whether a participant's address is shown to such
    an account depends on every survivor's address (``people_sharing_an_address_with_a_victim``):
    one that could type in an address and watch it hidden would learn that a survivor lives, or
    lived, there. Addresses are recorded by an editor without that role."""
    if _is_member(user) and behind_programme_firewall(user):
        return False
    return can_edit_person(user, person) and can_see_location(user, person)


def can_archive_person(user: User, person: Person) -> bool:
    """Archiving takes a team manager of the holding agency (they approve closures)."""
    return _is_member(user) and person.held_by_id in user.agencies_with_role(Role.TEAM_MANAGER)
