"""Subject access requests: assembled from every app's part, redacted, reviewed by a second
person, released as a print view and a zip of CSV files, every step audited."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.dataprotection.conftest import (
    CANARIES,
    HOME_LINE,
    MINUTES,
    RESEARCH,
    SAFE_PHONE,
    VICTIM_GIVEN,
)
from tests.factories import AgencyFactory, make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.core.subject_access import MARAC_CONFIDENCE, PROGRAMME_VICTIM, parts
from waymark.dataprotection.actions import sar_assemble, sar_open, sar_release, sar_review, sar_submit
from waymark.dataprotection.models import SarStatus

pytestmark = pytest.mark.django_db


def released_sar(subject, dpo, second_dpo):
    sar = sar_open(
        actor=dpo, person_reference=str(subject.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    sar = sar_assemble(actor=dpo, sar=sar)
    sar = sar_submit(actor=dpo, sar=sar)
    sar = sar_review(actor=second_dpo, sar=sar, approve=True, note="")
    return sar_release(actor=second_dpo, sar=sar)


def downloaded(client, sar) -> str:
    """Everything the requester receives: the print view and every CSV in the zip."""
    page = client.get(reverse("dataprotection:sar_bundle", args=[sar.pk]))
    assert page.status_code == 200
    archive = client.get(reverse("dataprotection:sar_bundle_zip", args=[sar.pk]))
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        csvs = [opened.read(name).decode() for name in opened.namelist()]
    return page.content.decode() + "\n".join(csvs)


def test_every_app_holding_people_contributes_a_part():
    keys = {part.key for part in parts()}
    assert {"people", "referrals", "risk", "incidents", "cases", "support", "outcomes", "marac"} <= keys
    assert {"perpetrators", "housing", "refuge", "audit"} <= keys


def test_a_perpetrator_sar_bundle_contains_no_canary(world, harmer, dpo, second_dpo, client_for):
    sar = released_sar(harmer, dpo, second_dpo)
    bundle = downloaded(client_for(dpo), sar)
    found = [canary for canary in CANARIES if canary.lower() in bundle.lower()]
    assert found == []
    # It is his bundle, not an empty one: his own records are there.
    assert "Kieran" in bundle and "Oldcastle" in bundle
    assert "07700 900999" in bundle  # his own phone
    assert "Programme session" in bundle and "Engaged well" in bundle
    assert "Incident" in bundle and "shouted for" in bundle
    assert "[redacted]" in bundle
    # The exempt material is withheld whole, not even named.
    assert "MARAC case" not in bundle and "link to a victim" not in bundle.lower()


def test_the_reviewer_sees_each_redaction_and_its_reason(world, harmer, dpo, second_dpo, client_for):
    sar = sar_submit(
        actor=dpo,
        sar=sar_assemble(
            actor=dpo,
            sar=sar_open(
                actor=dpo,
                person_reference=str(harmer.pk),
                received_on=timezone.localdate(),
                identity_check="Passport seen",
            ),
        ),
    )
    page = client_for(second_dpo).get(reverse("dataprotection:sar_detail", args=[sar.pk])).content.decode()
    assert RESEARCH in page and MINUTES in page  # what is withheld, for the reviewer to judge
    assert "MARAC information shared in confidence" in page
    assert "Could locate another person" in page
    assert "Identifies another person" in page
    assert "Also locates another person" in page  # his own address is still hers
    assert "Withheld" in page
    data = sar.bundle_data
    reasons = {item["withheld"] for section in data["sections"] for item in section["items"] if item["withheld"]}
    assert MARAC_CONFIDENCE in reasons and PROGRAMME_VICTIM in reasons


def test_a_victims_own_bundle_keeps_her_data_and_redacts_his(world, victim, harmer, dpo, second_dpo, client_for):
    sar = released_sar(victim, dpo, second_dpo)
    bundle = downloaded(client_for(dpo), sar)
    assert VICTIM_GIVEN in bundle and SAFE_PHONE in bundle and "Case C-2026-900001" in bundle
    # Her home is also recorded as his (the home they shared): redacted as locating him too,
    # with the reason shown to the reviewer, who may return it to be released by hand.
    assert HOME_LINE not in bundle
    assert "Oldcastle" not in bundle and "Kieran" not in bundle
    assert RESEARCH not in bundle and MINUTES not in bundle
    assert "Canary Refuge" not in bundle  # a refuge's address and name locate its other residents
    assert "Non-molestation" in bundle or "non-molestation" in bundle.lower()


def test_the_assembler_cannot_approve_their_own_bundle(world, harmer, dpo, second_dpo, client_for):
    sar = sar_open(
        actor=dpo, person_reference=str(harmer.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    sar = sar_submit(actor=dpo, sar=sar_assemble(actor=dpo, sar=sar))
    with pytest.raises(PermissionDenied):
        sar_review(actor=dpo, sar=sar, approve=True, note="")
    response = client_for(dpo).post(
        reverse("dataprotection:sar_detail", args=[sar.pk]), {"step": "review", "decision": "approve"}
    )
    assert response.status_code == 403
    sar.refresh_from_db()
    assert sar.status == SarStatus.IN_REVIEW and sar.reviewed_by is None


def test_nothing_downloads_before_approval_and_release(world, harmer, dpo, second_dpo, client_for):
    sar = sar_open(
        actor=dpo, person_reference=str(harmer.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    sar = sar_submit(actor=dpo, sar=sar_assemble(actor=dpo, sar=sar))
    client = client_for(second_dpo)
    for name in ("dataprotection:sar_bundle", "dataprotection:sar_bundle_zip"):
        assert client.get(reverse(name, args=[sar.pk])).status_code == 403
    with pytest.raises(ValidationError):
        sar_release(actor=second_dpo, sar=sar)
    sar = sar_review(actor=second_dpo, sar=sar, approve=False, note="Redact the probation office too")
    assert sar.status == SarStatus.RETURNED
    with pytest.raises(ValidationError):
        sar_release(actor=second_dpo, sar=sar)


def test_every_step_and_download_is_audited(world, harmer, dpo, second_dpo, client_for):
    sar = released_sar(harmer, dpo, second_dpo)
    downloaded(client_for(dpo), sar)
    events = AuditEvent.objects.filter(object_id=str(sar.pk)).order_by("sequence")
    steps = [event.detail.get("sar") for event in events.filter(action=AuditAction.UPDATE)]
    assert steps == ["assembled", "submitted for review", "approved"]
    assert events.filter(action=AuditAction.SHARE, actor=second_dpo).count() == 1
    assert events.filter(action=AuditAction.PRINT, actor=dpo).count() == 1
    assert events.filter(action=AuditAction.EXPORT, actor=dpo).count() == 1
    # No name, address or bundle content in any audit row.
    for event in events:
        assert HOME_LINE not in str(event.detail) and "Kieran" not in str(event.detail)


def test_opening_validates_before_saving(dpo):
    with pytest.raises(ValidationError) as error:
        sar_open(actor=dpo, person_reference="nobody", received_on=timezone.localdate(), identity_check="x")
    assert set(error.value.message_dict) == {"person_reference", "identity_check"}


def test_the_pages_work_end_to_end(world, harmer, dpo, second_dpo, client_for):
    client = client_for(dpo)
    response = client.post(
        reverse("dataprotection:sar_new"),
        {
            "person_reference": str(harmer.pk),
            "received_on": timezone.localdate().isoformat(),
            "identity_check": "Passport seen",
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    assert client.post(detail, {"step": "assemble"}).status_code == 302
    assert client.post(detail, {"step": "submit"}).status_code == 302
    reviewer = client_for(second_dpo)
    assert reviewer.post(detail, {"step": "review", "decision": "approve"}).status_code == 302
    assert reviewer.post(detail, {"step": "release"}).status_code == 302
    assert "Download it as CSV files" in reviewer.get(detail).content.decode()
    listing = client.get(reverse("dataprotection:sar_list"))
    assert listing.status_code == 200 and "Released" in listing.content.decode()


SAR_URLS = ["dataprotection:sar_list", "dataprotection:sar_new"]


@pytest.mark.parametrize("persona", ["outsider", "administrator", "auditor", "idva", "manager", "police_referrer"])
@pytest.mark.parametrize("name", SAR_URLS)
def test_only_data_protection_officers_reach_the_pages(persona, name, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["sar_detail", "sar_bundle", "sar_bundle_zip"])
def test_a_request_at_another_agency_is_not_found(world, harmer, dpo, second_dpo, name, client_for):
    sar = released_sar(harmer, dpo, second_dpo)
    elsewhere = make_member(Role.DATA_PROTECTION_OFFICER, agency=AgencyFactory())
    assert client_for(elsewhere).get(reverse(f"dataprotection:{name}", args=[sar.pk])).status_code == 404
    assert client_for(dpo).get(reverse(f"dataprotection:{name}", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("persona", ["administrator", "auditor", "idva"])
@pytest.mark.parametrize("name", ["sar_detail", "sar_bundle", "sar_bundle_zip"])
def test_other_roles_are_refused_a_request(world, harmer, dpo, second_dpo, persona, name, request, client_for):
    sar = released_sar(harmer, dpo, second_dpo)
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(f"dataprotection:{name}", args=[sar.pk])).status_code == 403


def test_the_home_page_shows_the_officer_what_to_answer(world, harmer, dpo, second_dpo, client_for):
    sar = sar_open(
        actor=dpo, person_reference=str(harmer.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    sar_submit(actor=dpo, sar=sar_assemble(actor=dpo, sar=sar))
    page = client_for(second_dpo).get(reverse("home")).content.decode()
    assert "Data protection" in page and reverse("dataprotection:sar_list") in page
    assert reverse("dataprotection:retention_queue") in page


def test_who_viewed_is_given_by_kind_of_agency_never_its_name(world, harmer, dpo, second_dpo, idva, client_for):
    client_for(idva).get(reverse("people:detail", args=[harmer.pk]))
    sar = released_sar(harmer, dpo, second_dpo)
    bundle = downloaded(client_for(dpo), sar)
    assert "Who has viewed your record" in bundle
    assert idva.primary_agency.name not in bundle


def test_the_officer_redacts_more_by_hand_with_a_reason(world, harmer, dpo, second_dpo, client_for):
    sar = sar_open(
        actor=dpo, person_reference=str(harmer.pk), received_on=timezone.localdate(), identity_check="Passport seen"
    )
    sar = sar_assemble(actor=dpo, sar=sar)
    detail = reverse("dataprotection:sar_detail", args=[sar.pk])
    client = client_for(dpo)
    refused = client.post(detail, {"step": "redact", "text": "engaged WELL", "reason": ""})
    assert refused.status_code == 200 and "Say why they are redacted" in refused.content.decode()
    sar.refresh_from_db()
    assert sar.extra_redactions == ""
    assert (
        client.post(detail, {"step": "redact", "text": "engaged WELL", "reason": "Describes the group"}).status_code
        == 302
    )
    sar.refresh_from_db()
    assert sar.status == SarStatus.ASSEMBLED
    sar = sar_review(actor=second_dpo, sar=sar_submit(actor=dpo, sar=sar), approve=True, note="")
    assert "Describes the group" in client_for(second_dpo).get(detail).content.decode()
    sar = sar_release(actor=second_dpo, sar=sar)
    bundle = downloaded(client, sar)
    assert "Engaged well" not in bundle and "Programme session" in bundle


def test_a_person_with_nothing_else_held_gets_their_details_only(specialist_agency):
    from tests.people.factories import PersonFactory
    from waymark.dataprotection.redaction import assemble, released

    person = PersonFactory(held_by=specialist_agency, given_name="Solo", family_name="Record")
    sections = {section["title"]: section["items"] for section in released(assemble(person))}
    assert [item["title"] for item in sections["Personal details, names, addresses and contacts"]] == [
        "Personal details"
    ]
    assert all(not items for title, items in sections.items() if not title.startswith("Personal details"))


def test_a_childs_bundle_names_the_case_they_are_on_without_naming_the_parent(world, victim, idva, specialist_agency):
    from tests.people.factories import PersonFactory
    from waymark.dataprotection.redaction import assemble, released
    from waymark.support.models import CaseChild

    child = PersonFactory(held_by=specialist_agency, given_name="Milo", family_name="Wrenfield")
    CaseChild.objects.create(
        case=world["case"],
        child=child,
        relationship_to_client="child",
        lives_in_household="yes",
        linked_by=idva,
        linked_on=timezone.localdate(),
    )
    world["referral"].children.add(child)
    text = str(released(assemble(child)))
    assert "Named as a child on a case" in text
    # Her referral naming the child is hers: withheld whole (the request may come from the other parent).
    assert "naming you as a child" not in text and "CANARY-REFERRAL" not in text
    assert VICTIM_GIVEN not in text and HOME_LINE not in text and SAFE_PHONE not in text
