"""Disposal reaches the words about her kept on other rows: the judgement given on her risk
assessments, the reasons given for linking, merging and unmerging her record (with the merge's
copy of the names it replaced), and the record merged into hers, which still carries her name."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.outcomes.factories import make_assessment, make_case, make_person
from waymark.dataprotection.retention import anonymise_when_done
from waymark.matching.models import PersonLink, PersonMerge
from waymark.people.models import Person

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def her(specialist_agency, idva):
    person = make_person(specialist_agency, given_name="Rosa", family_name="Canary")
    make_assessment(person, dt.date(2015, 3, 1), "high", judgement_reason="Staying at her sister's, 4 Elm Row")
    return person


def test_her_judgements_and_the_reasons_about_her_record_are_blanked(her, specialist_agency, idva):
    other = make_person(specialist_agency, given_name="Rosa", family_name="Canary-Old")
    PersonLink.objects.create(
        new_person=other, existing_person=her, confirmed_by=idva, reason="Same phone, 07700 900461"
    )
    absorbed = make_person(specialist_agency, given_name="Rosie", family_name="Canary", merged_into=her)
    merge = PersonMerge.objects.create(
        survivor=her,
        absorbed=absorbed,
        merged_by=idva,
        reason="She told me she used to live at 4 Elm Row",
        survivor_before={"given_name": "R.", "family_name": "Canary-Before", "sex": "female"},
        absorbed_before={"archived_at": None, "merged_into_id": None},
    )

    anonymise_when_done(her.pk, AS_OF)

    assessment = her.risk_assessments.get()
    assert assessment.judgement_reason == "" and assessment.final_level == "high"  # the figures keep the level
    assert PersonLink.objects.get().reason == ""
    merge.refresh_from_db()
    assert (merge.reason, merge.unmerge_reason) == ("", "")
    assert merge.survivor_before == {"sex": "female"}  # the coded value stays, the names go
    # The record merged into hers is the same woman: her name goes from it too.
    absorbed.refresh_from_db()
    assert (absorbed.given_name, absorbed.family_name) == ("", "")


def test_a_record_merged_into_hers_that_is_still_needed_is_kept(her, specialist_agency):
    absorbed = make_person(specialist_agency, given_name="Rosie", family_name="Canary", merged_into=her)
    make_case(agency=specialist_agency, person=absorbed)  # open: still needed
    anonymise_when_done(her.pk, AS_OF)
    absorbed.refresh_from_db()
    assert absorbed.given_name == "Rosie"
    assert Person.objects.get(pk=her.pk).given_name == ""
