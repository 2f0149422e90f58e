"""Who may read a person's access log ("who has viewed this record").

- the record's holders: a caseworker, team manager, housing officer or MARAC coordinator at the
  agency holding the person (the people who answer for it), who may see the person;
- auditors, by the record's id (they do not see the person's details, only the log).
Nobody else: the log itself says who is interested in a survivor.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from waymark.audit.scoping import get_for_user
from waymark.core.roles import Role
from waymark.people.access import AGENCY_WIDE_PERSON_ROLES, refuse_if_held_by_own_agency
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.dataprotection.models import SubjectAccessRequest

HOLDER_ROLES = AGENCY_WIDE_PERSON_ROLES
ACCESS_LOG_ROLES = (*HOLDER_ROLES, Role.AUDITOR)


def is_holder(user: User, person: Person) -> bool:
    return person.held_by_id in user.agencies_with_role(*HOLDER_ROLES)


def person_for_access_log(user: User, person_id: uuid.UUID | str) -> Person | None:
    """The person, for a holder; None for an auditor (who reads the log by id only).

    Http404 alike for "no such person" and "not yours"; PermissionDenied for someone who may see
    the person but does not hold the record (a case worker at another service, break-glass).
    """
    if Role.AUDITOR in user.roles:
        try:
            person_uuid = uuid.UUID(str(person_id))
        except ValueError:
            raise Http404("No such person") from None
        if not Person.objects.filter(pk=person_uuid).exists():
            raise Http404("No such person")
        if not user.has_role(*HOLDER_ROLES):
            return None
    # The person's scope without the object check's VIEW row: the access log page writes its own
    # (with the page read), after counting, so that reading the log is counted from the next read.
    try:
        person_uuid = uuid.UUID(str(person_id))
    except ValueError:
        raise Http404("No such person") from None
    found = Person.objects.visible_to(user).select_related("held_by").filter(pk=person_uuid).first()
    if found is None:
        refuse_if_held_by_own_agency(user, person_uuid)
        raise Http404("No such person")
    person = found
    if not is_holder(user, person) and Role.AUDITOR not in user.roles:
        raise PermissionDenied("Only the service holding this record, or an auditor, sees who viewed it.")
    return person


# --- Subject access requests and retention -------------------------------------------------
# Only data protection officers: the administrator role opens no records (docs/security.md).
SAR_ROLES = (Role.DATA_PROTECTION_OFFICER,)
RETENTION_ROLES = (Role.DATA_PROTECTION_OFFICER,)


def get_sar_for_user(user: User, sar_id: uuid.UUID | str, **check: Any) -> SubjectAccessRequest:
    """A request answered by one of the user's agencies, through the one object check (which writes
    the read's row: ``detail``, and ``read_as`` for a print or download); Http404 alike for missing
    and not yours."""
    from waymark.dataprotection.models import SubjectAccessRequest

    scope = SubjectAccessRequest.objects.visible_to(user).select_related("person")
    return get_for_user(scope, sar_id, actor=user, **check)


def get_released_sar_for_user(user: User, sar_id: uuid.UUID, **check: Any) -> SubjectAccessRequest:
    """A released request's bundle, to print or download: 403 for one of the user's requests not yet
    released (asked first, so that the refusal writes no read row), else as ``get_sar_for_user``."""
    from waymark.dataprotection.models import SarStatus, SubjectAccessRequest

    scope = SubjectAccessRequest.objects.visible_to(user).select_related("person")
    if scope.filter(pk=sar_id).exclude(status=SarStatus.RELEASED).exists():
        raise PermissionDenied("The bundle can be downloaded only once it is approved and released.")
    return get_for_user(scope.filter(status=SarStatus.RELEASED), sar_id, actor=user, **check)
