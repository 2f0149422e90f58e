"""The people a MARAC page names, and the read rows it writes on each of their records.

A page that shows the names of victims or people causing harm (the agenda and minutes, on screen
and in print, the meeting's page, agenda building, meeting mode, the list of the agenda on a
meeting-case page, the actions, the triage queue, flag and tag, and the people offered as known to
MARAC) writes one row per person it names, on that person's own record, so that her "Who has
viewed this record" page and a subject access request list everyone who saw her name there
(``dataprotection.selectors.reads_of`` counts rows on her person record). A page about one of her
MARAC cases (research, a meeting-case page, a referral's page) is counted through that case's own
row: its victim is not written again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from waymark.audit.actions import audit_records
from waymark.audit.models import AuditAction
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.marac.models import MaracCase

PERSON = Person._meta.label_lower


def people_named(cases: Iterable[MaracCase], *, harm: bool = True) -> list[UUID]:
    """Everyone the cases name, once each, in their order: each victim and (unless ``harm`` is
    False, for a page that shows victims only) each person causing harm known."""
    named: dict[UUID, None] = {}
    for case in cases:
        named[case.victim_id] = None
        if harm and case.perpetrator_id is not None:
            named[case.perpetrator_id] = None
    return list(named)


def audit_people_named(
    *,
    actor: User,
    people: Iterable[UUID | None],
    detail: dict[str, Any],
    action: AuditAction = AuditAction.VIEW,
) -> None:
    """One ``action`` row (a VIEW for a page on screen, a PRINT for a print view) on the record of
    each person in ``people`` (None, for a person not known, and repeats are skipped), by ``actor``,
    each with ``detail`` (which page, and which meeting when there is one: never a name), all in
    one INSERT (``audit_records``), so a page's statements do not grow with the people it names.
    Call it before the page is rendered, with only the people the page shows the viewer, inside
    the transaction that writes the page's own row where there is one."""
    shown = dict.fromkeys(person_id for person_id in people if person_id is not None)
    audit_records(actor=actor, action=action, records=[(PERSON, str(person_id)) for person_id in shown], detail=detail)
