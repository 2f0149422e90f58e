"""Who may search for a known person, and who may see what of a match.

The search runs across every record the partnership holds, because its point is to find out
whether anyone already knows this person. What a user is *shown* is narrower:

- a candidate the user may not see (``Person.objects.visible_to``) is shown only as "possible
  match held by <agency kind>" with a score band: no name, date of birth, reasons or link;
- a referrer never sees more than that, whoever holds the record: they search to avoid a
  duplicate referral, not to read records;
- nobody is ever shown where a candidate lives: location is not part of a match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User

# May use the search (the intake form embeds it, so referrers may too).
SEARCH_ROLES = (
    Role.CASEWORKER,
    Role.TEAM_MANAGER,
    Role.REFERRER,
    Role.MARAC_COORDINATOR,
    Role.HOUSING_OFFICER,
    Role.MARAC_REPRESENTATIVE,
)
# May open the standalone "Find a person" page.
FIND_PAGE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR, Role.HOUSING_OFFICER)
# May see details of a candidate they can see anyway. Referrers are deliberately not here.
DETAIL_ROLES = tuple(role for role in SEARCH_ROLES if role is not Role.REFERRER)


def person_links_visible_to(user: User, links: Any) -> Any:
    """Confirmed links from a person this user may see (their referral or record shows them)."""
    from waymark.people.access import people_visible_to

    return links.filter(new_person__in=people_visible_to(user).order_by().values("pk"))


def may_search(user: User) -> bool:
    return bool(set(SEARCH_ROLES) & set(getattr(user, "roles", ())))


def may_see_details(user: User) -> bool:
    """Whether any of the user's roles may see candidate details at all (still only for
    candidates inside their own ``visible_to`` scope)."""
    return bool(set(DETAIL_ROLES) & set(getattr(user, "roles", ())))


def clusters_visible_to(user: User, clusters: Any) -> Any:
    """Clusters waiting for review whose every record this user may see: a cluster with one record
    they may not see is not shown at all (it would tell them that record exists)."""
    from waymark.matching.models import ClusterStatus
    from waymark.people.access import people_visible_to
    from waymark.people.models import Person

    hidden = Person.objects.exclude(pk__in=people_visible_to(user).values("pk"))
    return clusters.filter(status=ClusterStatus.FOR_REVIEW).exclude(people__in=hidden)


def merges_visible_to(user: User, merges: Any) -> Any:
    """Merges not yet undone whose surviving record this user may see (it is undone from that page)."""
    from waymark.people.access import people_visible_to

    return merges.filter(unmerged_at__isnull=True, survivor__in=people_visible_to(user).order_by().values("pk"))


def may_locate_both(user: User, one: Any, other: Any) -> bool:
    """Whether ``user`` may see where both people are: only then is a score between their records,
    shown to the user, worked out with postcodes and phone numbers (a shared one raises it, so it
    would confirm a guessed postcode on a record the user made)."""
    from waymark.people.models import Person

    return Person.objects.with_location_visible_to(user).filter(pk__in=[one.pk, other.pk]).count() == 2
