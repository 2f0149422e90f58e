"""MARAC cases about a person, for a subject access request (waymark/core/subject_access.py).

MARAC information is shared in confidence between agencies to keep a victim safe. For the victim,
the referral itself is hers, but the research agencies brought, the discussion, the risks found
and the actions agreed are exempt (they are largely about other people and were shared in
confidence). For the person causing harm, the whole case is withheld: telling him that a MARAC
discussed him, or what it agreed, would be likely to put the victim at risk.
"""

from __future__ import annotations

import uuid

from waymark.core.subject_access import MARAC_CONFIDENCE, Item, name_of, register_part
from waymark.marac.models import Criterion, MaracAction, MaracCase, Research


@register_part("marac", "MARAC", order=80)
def marac_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    labels = dict(Criterion.choices)
    for marac_case in MaracCase.objects.filter(victim_id=person_id).select_related(
        "meeting", "perpetrator", "referring_agency"
    ):
        item = (
            Item(f"MARAC referral {marac_case.ref or ''}".strip())
            .own("Referred", marac_case.referred_on or "")
            .own("Referred by", name_of(marac_case.referring_agency))
            .own("Criteria", [labels.get(value, value) for value in marac_case.criteria])
            .own("Status", marac_case.get_status_display())
            .own("Meeting", marac_case.meeting.held_on if marac_case.meeting_id and marac_case.meeting else "")
            .own("Consent to share", marac_case.get_consent_display() if marac_case.consent else "")
            .text("Why shared without consent", marac_case.sharing_reason)
            .text("Professional judgement", marac_case.professional_judgement_reason)
            .exempt("Discussion", marac_case.discussion_summary, MARAC_CONFIDENCE)
            .exempt("Risks identified", marac_case.risks_identified, MARAC_CONFIDENCE)
        )
        if marac_case.perpetrator_id and marac_case.perpetrator:
            item.third_party("Person causing harm", marac_case.perpetrator.full_name, marac_case.perpetrator_id)
        items.append(item)
        for research in Research.objects.filter(marac_case=marac_case).select_related("agency"):
            items.append(
                Item(f"MARAC research from {research.agency.name}", withheld=MARAC_CONFIDENCE).exempt(
                    "Research", research.body or "No information held", MARAC_CONFIDENCE
                )
            )
        for action in MaracAction.objects.filter(marac_case=marac_case):
            items.append(
                Item("MARAC action", withheld=MARAC_CONFIDENCE)
                .exempt("Action", action.description, MARAC_CONFIDENCE)
                .exempt("Progress", action.status_note, MARAC_CONFIDENCE)
            )
    for marac_case in MaracCase.objects.filter(perpetrator_id=person_id).select_related("victim"):
        item = Item("MARAC case (naming you as the person causing harm)", withheld=MARAC_CONFIDENCE)
        item.third_party("Victim", marac_case.victim.full_name, marac_case.victim_id)
        item.exempt("Discussion", marac_case.discussion_summary, MARAC_CONFIDENCE)
        item.exempt("Risks identified", marac_case.risks_identified, MARAC_CONFIDENCE)
        for research in Research.objects.filter(marac_case=marac_case):
            item.exempt("Research", research.body, MARAC_CONFIDENCE)
        for action in MaracAction.objects.filter(marac_case=marac_case):
            item.exempt("Action", action.description, MARAC_CONFIDENCE)
        items.append(item)
    return items
