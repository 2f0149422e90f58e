"""Referrals about a person, or naming them as the person causing harm, for a subject access
request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import REFERRAL_ABOUT_ANOTHER, Item, name_of, register_locator, register_part
from waymark.referrals.models import Referral

SUPPORTING_SERVICE = "Names the service supporting another person, which could locate her"


@register_part("referrals", "Referrals", order=20)
def referral_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    own = Referral.objects.filter(subject_id=person_id).select_related(
        "person_causing_harm", "referring_agency", "receiving_agency"
    )
    for referral in own:
        item = (
            Item(f"Referral {referral.number}")
            .own("Received", referral.received_on)
            .own("Source", referral.get_source_display())
            .own("Status", referral.get_status_display())
            .own("Referred by", name_of(referral.referring_agency))
            .own("Referred to", name_of(referral.receiving_agency))
            .own("Kinds of abuse", referral.abuse_type_labels)
            .own("Latest incident", referral.latest_incident_on or "")
            .text("What happened", referral.latest_incident_summary)
            .own("Consent to share", referral.get_consent_display())
            .text("Why shared without consent", referral.sharing_reason)
            .own("Postcode given", referral.subject_postcode)
            .own("Phone given", referral.contact_phone)
            .own("Email given", referral.contact_email)
            .text("How to contact safely", referral.contact_instructions)
        )
        if referral.person_causing_harm_id:
            pch = referral.person_causing_harm
            item.third_party("Person causing harm", pch.full_name if pch else "", referral.person_causing_harm_id)
        for child in referral.children.all():
            item.third_party("Child", child.full_name or "a child", child.pk)
        items.append(item)
    about_others = Referral.objects.filter(person_causing_harm_id=person_id).select_related(
        "subject", "referring_agency", "receiving_agency"
    )
    for referral in about_others:
        item = (
            Item(f"Referral {referral.number} (naming you as the person causing harm)", withheld=REFERRAL_ABOUT_ANOTHER)
            .own("Received", referral.received_on)
            .own("Your relationship to the person referred", referral.get_harm_relationship_display())
            .third_party("Person referred", referral.subject.full_name or "another person", referral.subject_id)
            .locates(
                "Referred by",
                name_of(referral.referring_agency),
                SUPPORTING_SERVICE,
            )
            .locates(
                "Referred to",
                name_of(referral.receiving_agency),
                SUPPORTING_SERVICE,
            )
            .own("Kinds of abuse", referral.abuse_type_labels)
            .text("What happened", referral.latest_incident_summary)
            .locates("Their postcode", referral.subject_postcode)
            .locates("Their phone", referral.contact_phone)
            .locates("Their email", referral.contact_email)
            .locates("How to contact them safely", referral.contact_instructions)
        )
        for child in referral.children.all():
            item.third_party("Child", child.full_name or "a child", child.pk)
        items.append(item)
    as_child = Referral.objects.filter(children=person_id).exclude(subject_id=person_id).select_related("subject")
    for referral in as_child:
        items.append(
            # The referral is the parent's: a request made for a child, perhaps by the other
            # parent, must not carry what she told the service.
            Item(
                f"Referral {referral.number} (naming you as a child in the household)", withheld=REFERRAL_ABOUT_ANOTHER
            )
            .own("Received", referral.received_on)
            .third_party("Person referred", referral.subject.full_name or "another person", referral.subject_id)
            .exempt("What happened", referral.latest_incident_summary, REFERRAL_ABOUT_ANOTHER)
        )
    return items


@register_locator("referrals")
def referral_locations(person_ids: set[uuid.UUID]) -> list[str]:
    found: list[str] = []
    for referral in Referral.objects.filter(subject_id__in=person_ids):
        found += [referral.subject_postcode, referral.contact_phone, referral.contact_email]
    return [value for value in found if value]
