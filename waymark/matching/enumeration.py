"""Spotting a search pattern that looks like enumeration, and raising it to the auditors.

A sweep tries many values of one field with everything else unchanged: 28 postcode districts
for one name, a run of phone numbers, a run of dates of birth. After each search
``note_search`` records, per user and per field, a keyed digest of the *other* fields and a
keyed digest of this field's value, in the cache for ``WINDOW_SECONDS``. When one user has tried
``THRESHOLD`` distinct values of one field against the same rest, a ``SearchAlert`` is raised
(once per pattern per window) and audited. Neither the cache nor the alert nor the audit row
holds a search term: only keyed digests (useless without the key) in the cache, and the *kind*
of field and a count in the alert.

Only the fields that locate or identify someone are watched as the varied field (date of birth,
postcode, phone), and only complete values count (a postcode or phone the blind index accepts, a
whole date), so typing a name or a number one keystroke at a time does not look like a sweep.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.crypto import keyed_digest
from waymark.core.keptreasons import refuse_locating_reason
from waymark.matching.engine import SearchQuery
from waymark.matching.models import SearchAlert

WATCHED = ("date_of_birth", "postcode", "phone")
THRESHOLD = 5  # distinct values of one field, the rest unchanged
WINDOW_SECONDS = 60 * 60
_DOMAIN = "waymark.matching.search-pattern"


def _fields(query: SearchQuery) -> dict[str, str]:
    """The complete, normalised values of the query's fields (blind indexes for contacts)."""
    contacts = query.contacts
    return {
        "given_name": query.names.given,
        "family_name": query.names.family,
        "date_of_birth": query.date_of_birth.isoformat() if query.date_of_birth else "",
        "postcode": min(contacts.postcodes or contacts.districts or {""}),
        "phone": min(contacts.phones or {""}),
    }


def _digest(value: str) -> str:
    return keyed_digest(_DOMAIN, value).rsplit(":", 1)[-1][:20]


def note_search(*, actor: User, query: SearchQuery) -> SearchAlert | None:
    """Records this search's shape and raises an alert if it completes a sweep. Returns it."""
    values = _fields(query)
    for varied in WATCHED:
        value = values[varied]
        if not value:
            continue
        rest = "|".join(f"{name}={values[name]}" for name in sorted(values) if name != varied)
        pattern = _digest(f"{actor.pk}|{varied}|{rest}")
        key = f"waymark:search-pattern:{pattern}"
        tried = set(cache.get(key) or ())
        tried.add(_digest(value))
        cache.set(key, sorted(tried), WINDOW_SECONDS)
        if len(tried) >= THRESHOLD and cache.add(f"{key}:alerted", True, WINDOW_SECONDS):
            return search_alert_raise(actor=actor, varied_field=varied, searches=len(tried))
    return None


@transaction.atomic
def search_alert_raise(*, actor: User, varied_field: str, searches: int) -> SearchAlert:
    """Records an enumeration alert for the auditors. Audited (SEARCH, purpose
    ``enumeration_suspected``) with the kind of field and the count: never the terms."""
    alert = SearchAlert.objects.create(user=actor, varied_field=varied_field, searches=searches)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        obj=alert,
        detail={"purpose": "enumeration_suspected", "varied": varied_field, "searches": searches},
    )
    return alert


@transaction.atomic
def search_alert_review(*, actor: User, alert: SearchAlert, note: str) -> SearchAlert:
    """An auditor marks an alert reviewed, with what they found. Audited (UPDATE). The alert is
    kept after the records searched for are disposed of, so the note may not hold a postcode,
    phone number or street address (``waymark.core.keptreasons``)."""
    refuse_locating_reason(note, field="note", label="What you found")
    alert = SearchAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.reviewed_at is not None:
        return alert
    alert.reviewed_by = actor
    alert.reviewed_at = timezone.now()
    alert.review_note = note.strip()
    alert.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "modified_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=alert, detail={"reviewed": True})
    return alert


def unreviewed_alerts() -> Any:
    return SearchAlert.objects.filter(reviewed_at__isnull=True).select_related("user")
