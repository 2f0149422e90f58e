"""The perpetrator programme's records about a person, for a subject access request
(waymark/core/subject_access.py).

For a participant: his enrolment, attendance and behaviour-change outcomes are his. The
programme's links to victims are withheld (they identify her), and so are the risk flags sent to
her worker (telling him what was passed on would be likely to put her at risk). For a victim: that
she is linked to a participant's enrolment, with the participant named as a third party.
"""

from __future__ import annotations

import uuid

from waymark.core.subject_access import LOCATES_ANOTHER, PROGRAMME_VICTIM, Item, name_of, register_part
from waymark.perpetrators.models import BehaviourOutcome, Enrolment, RiskFlag, SessionAttendance, VictimLink

OUTCOME_FIELDS = (
    "acknowledges_abuse",
    "takes_responsibility",
    "controlling_behaviour",
    "physical_violence",
    "understands_impact_on_children",
    "partner_safety",
)


@register_part("perpetrators", "Perpetrator programme", order=90)
def programme_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for enrolment in Enrolment.objects.filter(participant_id=person_id).select_related("agency", "referring_agency"):
        items.append(
            Item(f"Programme enrolment {enrolment.ref or ''}".strip())
            .own("Programme", name_of(enrolment.agency))
            .own("Status", enrolment.get_status_display())
            .own("Referred", enrolment.referred_on or "")
            .own("Referred by", enrolment.get_source_display())
            .locates(
                "Referring service",
                name_of(enrolment.referring_agency),
                LOCATES_ANOTHER,
            )
            .own("Assessed", enrolment.assessed_on or "")
            .text("Assessment note", enrolment.assessment_note)
            .own("Starts", enrolment.starts_on or "")
            .own("Ended", enrolment.ended_on or "")
            .text("End note", enrolment.end_note)
        )
        for attendance in SessionAttendance.objects.filter(enrolment=enrolment).order_by("session_on"):
            items.append(
                Item(f"Programme session, {attendance.session_on:%d %B %Y}")
                .own("Attendance", attendance.get_attendance_display())
                .text("Note", attendance.note)
            )
        for outcome in BehaviourOutcome.objects.filter(enrolment=enrolment).order_by("recorded_on"):
            item = Item(f"Programme outcomes ({outcome.get_point_display()}), {outcome.recorded_on:%d %B %Y}")
            for name in OUTCOME_FIELDS:
                label = name.replace("_", " ").capitalize()
                item.own(label, getattr(outcome, f"get_{name}_display")())
            item.text("Note", outcome.note)
            items.append(item)
        for flag in RiskFlag.objects.filter(enrolment=enrolment):
            items.append(
                Item("Programme risk flag", withheld=PROGRAMME_VICTIM)
                .exempt("Kind", flag.get_kind_display(), PROGRAMME_VICTIM)
                .exempt("Detail", flag.detail, PROGRAMME_VICTIM)
            )
        for link in VictimLink.objects.filter(enrolment=enrolment).select_related("victim"):
            items.append(
                Item("Programme link to a victim", withheld=PROGRAMME_VICTIM).third_party(
                    "Victim", link.victim.full_name, link.victim_id
                )
            )
    for link in VictimLink.objects.filter(victim_id=person_id).select_related("enrolment__participant"):
        participant = link.enrolment.participant
        items.append(
            Item("Linked to a perpetrator programme")
            .own("Relationship", link.get_relationship_display())
            .third_party("Participant", participant.full_name or "another person", participant.pk)
        )
    return items
