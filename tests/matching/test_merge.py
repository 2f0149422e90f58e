"""Identity resolution (issue 10, item 1): confirming a match merges the records into one.

The acceptance path: a police referral for a known survivor with a typo in her name, confirmed at
triage, opens its case on her existing record, where her unsafe channel, safe phone and MARAC
history are in force; the repeat rules count her once; an unmerge restores both records exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases import actions as case_actions
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.interchange.actions import export_files
from waymark.marac.models import Criterion, MaracCase, MaracCaseStatus
from waymark.marac.referrals.actions import marac_referral_create
from waymark.marac.repeats import repeats_for_victims
from waymark.matching.merge import merge_preview, person_merge, person_unmerge
from waymark.matching.models import PersonMerge
from waymark.organisations.models import AgencyKind
from waymark.people.models import Address, ContactChannel, Person
from waymark.referrals.actions import (
    PersonDetails,
    SafeContact,
    Sharing,
    WhatHappened,
    referral_create,
    referral_transition,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SAFE_PHONE = "07700 900123"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(datetime(2026, 11, 20, 14, 0, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture(autouse=True)
def receiving_service(settings, specialist_agency):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    return specialist_agency


@pytest.fixture
def harm(specialist_agency):
    return Person.objects.create(
        held_by=specialist_agency, given_name="Mark", family_name="Hollis", primary_role="person_causing_harm"
    )


@pytest.fixture
def known(specialist_agency, harm, idva, idva_team):
    """Rosa, known to the service: a closed case, a safe phone, letters unsafe, an earlier MARAC."""
    rosa = Person.objects.create(
        held_by=specialist_agency,
        given_name="Rosa",
        family_name="Lindqvist",
        date_of_birth=date(1990, 3, 4),
        aware_of_contact="no",
    )
    ContactChannel.objects.create(person=rosa, kind="mobile", value=SAFE_PHONE, safe_to_call="yes", safe_to_text="yes")
    home = Address.objects.create(person=rosa, kind="home", line1="1 Canary Row", postcode="ZZ9 9ZZ")
    ContactChannel.objects.create(person=rosa, kind="post", address=home, safe_to_write="no")
    Case.objects.create(
        number="C-2025-000001",
        person=rosa,
        agency=specialist_agency,
        team=idva_team,
        caseworker=idva,
        status=CaseStatus.CLOSED,
        referred_on=date(2025, 12, 1),
        opened_on=date(2025, 12, 1),
    )
    MaracCase.objects.create(
        ref="HIST-1", victim=rosa, perpetrator=harm, referred_on=date(2026, 3, 1), status=MaracCaseStatus.ACCEPTED
    )
    return rosa


def typo_referral(police_referrer):
    return referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        subject=PersonDetails(given_name="Rosa", family_name="Lindquist", date_of_birth=date(1990, 3, 4), sex="female"),
        subject_postcode="ZZ9 9ZZ",
        person_causing_harm=None,
        harm_relationship="",
        children_in_household=None,
        what=WhatHappened(vawg_category="domestic_abuse", abuse_types=["physical"], latest_incident_summary="x"),
        sharing=Sharing(consent="given"),
        contact=SafeContact(safe_to_call="yes", phone="07700 900999"),
        risk=None,
    )


def person_rows() -> dict[str, list[tuple]]:
    """Every row, in every app, that points at a person: its person columns, by primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Person
        ]
        if columns and model._meta.label_lower not in {
            "matching.personsearchkey",
            "matching.personcontactkey",
            "matching.personmerge",
        }:
            rows[model._meta.label_lower] = sorted(
                tuple(str(v) for v in row) for row in model._base_manager.values_list("pk", *columns)
            )
    return rows


def people_state() -> list[tuple]:
    """Every person's values, less the bookkeeping a merge and unmerge move on (modified time, and
    the edit version that makes a form opened before them stale)."""
    skip = {"created_at", "modified_at", "version"}
    return sorted(tuple(str(v) for k, v in sorted(row.items()) if k not in skip) for row in Person.objects.values())


def merge_at_triage(client, referral, known, **choices):
    url = reverse("referrals:link", kwargs={"referral_id": referral.pk})
    preview = client.post(url, {"existing_person": known.pk})
    assert preview.status_code == 200
    data = {"existing_person": known.pk, "confirm": "1", "reason": "Same date of birth, postcode and phone"}
    data.update({f"keep_{k}": v for k, v in choices.items()})
    return preview, client.post(url, data)


def test_a_typo_referral_confirmed_at_triage_opens_its_case_on_her_known_record(
    client_for, police_referrer, manager, idva, known, harm
):
    referral = typo_referral(police_referrer)
    duplicate = referral.subject
    assert duplicate.pk != known.pk
    client = client_for(manager)
    preview, merged = merge_at_triage(client, referral, known, family_name="survivor")
    page = preview.content.decode()
    assert "Where the records disagree" in page and "Lindquist (other record)" in page
    assert merged.status_code == 302
    referral.refresh_from_db()
    duplicate.refresh_from_db()
    assert referral.subject_id == known.pk
    assert duplicate.merged_into_id == known.pk and duplicate.archived_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.LINK, actor=manager, object_type="matching.personmerge"
    ).exists()

    # Accepting the referral opens the case on her known record...
    referral_transition(actor=manager, referral=referral, to_status="triaged", reason="")
    referral_transition(actor=manager, referral=referral, to_status="accepted", reason="")
    case = Case.objects.get(referral=referral)
    assert case.person_id == known.pk
    # ...where her flags are in force: a letter to the unsafe address is refused.
    case_actions.case_allocate(actor=manager, case=case, caseworker=idva)
    unsafe = known.contact_channels.get(kind="post")
    with pytest.raises(case_actions.ContactBlocked):
        case_actions.contact_attempt_record(
            actor=idva, case=case, kind="letter", outcome="no_answer", channel=unsafe, attempted_at=timezone.now()
        )
    safe = known.contact_channels.get(kind="mobile")
    case_actions.contact_attempt_record(
        actor=idva, case=case, kind="phone_call", outcome="spoke", channel=safe, attempted_at=timezone.now()
    )
    # Her earlier case and MARAC history are on the same record as the new case.
    assert set(Case.objects.filter(person=known).values_list("number", flat=True)) == {"C-2025-000001", case.number}
    assert MaracCase.objects.filter(victim=known).count() == 1
    # Her earlier MARAC referral is in force on the new case: referred to MARAC from it, with the
    # same person causing harm, it is a 12-month repeat of HIST-1, counted once.
    marac = marac_referral_create(
        actor=idva,
        referring_agency=case.agency,
        victim=case.person,
        perpetrator=harm,
        case=case,
        checklist_score=16,
        criteria=["visible_high_risk"],
        children_in_household=0,
    )
    assert Criterion.REPEAT.value in marac.criteria
    findings = repeats_for_victims([known.pk])
    assert findings[marac.pk].twelve_month is not None and findings[marac.pk].twelve_month.case_ref == "HIST-1"
    assert set(MaracCase.objects.filter(victim=known).values_list("ref", flat=True)) == {"HIST-1", marac.ref}
    # The alias opens her record.
    alias = client.get(reverse("people:detail", kwargs={"person_id": duplicate.pk}))
    assert alias.status_code == 302 and str(known.pk) in alias["Location"]

    assert PersonMerge.objects.get().survivor_id == known.pk


def test_unmerge_restores_both_records_exactly(specialist_agency, manager, known, police_referrer):
    referral = typo_referral(police_referrer)
    duplicate = referral.subject
    ContactChannel.objects.create(person=duplicate, kind="mobile", value="07700 900999", safe_to_call="no")
    MaracCase.objects.create(
        ref="HIST-2", victim=duplicate, referred_on=date(2026, 9, 1), status=MaracCaseStatus.ACCEPTED
    )
    export_before, rows_before, people_before = export_files(), person_rows(), people_state()
    merge = person_merge(
        actor=manager,
        survivor=known,
        absorbed=duplicate,
        resolutions={"family_name": "absorbed"},
        reason="Same date of birth and postcode",
    )
    known.refresh_from_db()
    assert known.family_name == "Lindquist"
    assert person_rows() != rows_before
    assert not Person.objects.get(pk=duplicate.pk).contact_channels.exists()
    person_unmerge(actor=manager, merge=merge, reason="Different people after all: checked with police")
    assert export_files() == export_before
    assert person_rows() == rows_before
    assert people_state() == people_before  # every value users and exports see is restored
    merge.refresh_from_db()
    assert merge.unmerged_at is not None and merge.unmerged_by == manager
    with pytest.raises(ValidationError):
        person_unmerge(actor=manager, merge=merge, reason="Again, by mistake, twice")


def test_merged_at_triage_and_undone_from_her_page_both_records_are_exactly_as_before(
    client_for, manager, known, police_referrer
):
    """The acceptance path through the pages: the export before the merge at triage equals the
    export after "Undo this merge" on her record, and so does every row that names a person."""
    referral = typo_referral(police_referrer)
    duplicate = referral.subject
    export_before, rows_before, people_before = export_files(), person_rows(), people_state()
    client = client_for(manager)
    _, merged = merge_at_triage(client, referral, known, family_name="survivor")
    assert merged.status_code == 302
    referral.refresh_from_db()
    assert referral.subject_id == known.pk and export_files() != export_before
    merge = PersonMerge.objects.get(survivor=known, absorbed=duplicate)
    undone = client.post(
        reverse("matching:unmerge", kwargs={"merge_id": merge.pk}), {"reason": "Police confirm a different woman"}
    )
    assert undone.status_code == 302
    referral.refresh_from_db()
    assert referral.subject_id == duplicate.pk
    assert export_files() == export_before
    assert person_rows() == rows_before
    assert people_state() == people_before


def test_the_repeat_rules_count_her_once_after_a_merge(manager, known, harm, police_referrer):
    duplicate = typo_referral(police_referrer).subject
    later = MaracCase.objects.create(
        ref="HIST-3", victim=duplicate, perpetrator=harm, referred_on=date(2026, 9, 1), status=MaracCaseStatus.ACCEPTED
    )
    assert repeats_for_victims([duplicate.pk])[later.pk].twelve_month is None  # a stranger: not a repeat
    person_merge(
        actor=manager,
        survivor=known,
        absorbed=duplicate,
        resolutions={"family_name": "survivor"},
        reason="Same DOB etc",
    )
    finding = repeats_for_victims([known.pk])[later.pk]
    assert finding.twelve_month is not None and finding.twelve_month.case_ref == "HIST-1"


def test_every_conflict_needs_a_choice_and_nothing_is_saved_without(manager, known, police_referrer):
    duplicate = typo_referral(police_referrer).subject
    rows = person_rows()
    assert [c.field for c in merge_preview(survivor=known, absorbed=duplicate, viewer=manager).conflicts] == [
        "family_name"
    ]
    with pytest.raises(ValidationError, match="Family name"):
        person_merge(actor=manager, survivor=known, absorbed=duplicate, resolutions={}, reason="Same DOB and postcode")
    with pytest.raises(ValidationError, match="Explain"):
        person_merge(
            actor=manager, survivor=known, absorbed=duplicate, resolutions={"family_name": "survivor"}, reason="x"
        )
    assert person_rows() == rows and not PersonMerge.objects.exists()


def test_the_cautious_safety_flag_is_kept(manager, known, police_referrer):
    duplicate = typo_referral(police_referrer).subject
    Person.objects.filter(pk=duplicate.pk).update(aware_of_contact="yes")
    duplicate.refresh_from_db()
    preview = merge_preview(survivor=known, absorbed=duplicate, viewer=manager)
    assert preview.cautious
    person_merge(
        actor=manager,
        survivor=known,
        absorbed=duplicate,
        resolutions={"family_name": "survivor"},
        reason="Same DOB etc",
    )
    known.refresh_from_db()
    assert known.aware_of_contact == "yes"


def test_a_referrer_may_not_merge(police_referrer, known):
    duplicate = typo_referral(police_referrer).subject
    with pytest.raises(PermissionDenied):
        person_merge(
            actor=police_referrer,
            survivor=known,
            absorbed=duplicate,
            resolutions={"family_name": "survivor"},
            reason="Same DOB and postcode",
        )


def test_records_held_by_another_agency_are_not_merged_by_this_one(manager, known, police_referrer):
    elsewhere = AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Elsewhere Aid")
    stranger = Person.objects.create(held_by=elsewhere, given_name="Rosa", family_name="Lindqvist")
    with pytest.raises(PermissionDenied):
        person_merge(actor=manager, survivor=known, absorbed=stranger, resolutions={}, reason="Same DOB and postcode")


def test_a_merge_that_would_show_her_record_to_someone_new_is_refused(specialist_agency, manager, known, harm):
    """A caseworker at a partner agency sees one record through her case there: the merged record
    would show her everything on the other, which she could never see."""
    other = Person.objects.create(held_by=specialist_agency, given_name="Rosa", family_name="Lindqvist")
    # A worker at a partner agency who can see ``other`` only (through a case they hold).
    partner = AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Partner Aid")
    worker = make_member(Role.CASEWORKER, agency=partner)
    Case.objects.create(
        number="C-2026-000777",
        person=other,
        agency=partner,
        caseworker=worker,
        status=CaseStatus.ALLOCATED,
        referred_on=date(2026, 11, 1),
        opened_on=date(2026, 11, 1),
    )
    assert not Person.objects.visible_to(worker).filter(pk=known.pk).exists()
    with pytest.raises(PermissionDenied, match="could not see it"):
        person_merge(actor=manager, survivor=known, absorbed=other, resolutions={}, reason="Same DOB and postcode")
    assert Case.objects.get(number="C-2026-000777").person_id == other.pk  # nothing moved


@pytest.mark.parametrize(("persona", "status"), [("idva", 403), ("police_referrer", 403), ("outsider", 403)])
def test_only_a_receiving_manager_may_merge_at_triage(request, client_for, police_referrer, known, persona, status):
    referral = typo_referral(police_referrer)
    url = reverse("referrals:link", kwargs={"referral_id": referral.pk})
    response = client_for(request.getfixturevalue(persona)).post(url, {"existing_person": known.pk})
    assert response.status_code == status
    assert not PersonMerge.objects.exists()


def test_a_reason_too_long_is_refused_with_the_limit_not_cut_short_and_nothing_is_saved(
    client_for, manager, known, police_referrer
):
    referral = typo_referral(police_referrer)
    rows = person_rows()
    url = reverse("referrals:link", kwargs={"referral_id": referral.pk})
    too_long = "Same date of birth. " * 101  # 2,020 characters
    response = client_for(manager).post(
        url, {"existing_person": known.pk, "confirm": "1", "reason": too_long, "keep_family_name": "survivor"}
    )
    assert response.status_code == 200
    assert "The reason must be 2,000 characters or fewer." in response.content.decode()
    assert person_rows() == rows and not PersonMerge.objects.exists()
