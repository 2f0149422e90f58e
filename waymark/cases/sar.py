"""A person's cases and their notes, for a subject access request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.cases.models import Case, CaseNote, ContactAttempt
from waymark.core.subject_access import Item, register_part


@register_part("cases", "Cases, notes and contact", order=50)
def case_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for case in Case.objects.filter(person_id=person_id).select_related("agency").order_by("opened_on"):
        items.append(
            Item(f"Case {case.number}")
            .own("Service", case.agency.name)
            .own("Status", case.get_status_display())
            .own("Referred", case.referred_on or "")
            .own("Opened", case.opened_on or "")
            .own("Closed", case.closed_on or "")
            .own("Why closed", case.get_closure_reason_display() if case.closure_reason else "")
            .text("Closing note", case.closure_note)
        )
        for note in CaseNote.objects.filter(case=case).order_by("written_at"):
            items.append(Item(f"Case {case.number}: note, {note.written_at:%d %B %Y}").text("Note", note.body))
        for attempt in ContactAttempt.objects.filter(case=case).order_by("attempted_at"):
            items.append(
                Item(f"Case {case.number}: contact, {attempt.attempted_at:%d %B %Y}")
                .own("How", attempt.get_kind_display())
                .own("Outcome", attempt.get_outcome_display())
                .text("Note", attempt.note)
            )
    return items
