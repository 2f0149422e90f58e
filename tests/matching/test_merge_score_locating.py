"""The match score shown with a merge (and kept on a confirmed link) compares postcodes and phone
numbers only for a user who may see where both people are. A programme worker who is also a
housing officer sees the survivor's record where housing holds it, and the firewall hides where she
is: a record he makes with a guessed postcode, previewed as a merge with hers, must score the same
whether the guess is right or wrong."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_member
from tests.matching import test_locating_values as shared
from tests.matching.helpers import add_person
from waymark.core.roles import Role
from waymark.matching.access import may_locate_both
from waymark.matching.actions import person_link_confirm
from waymark.matching.merge import may_merge, merge_preview
from waymark.people.access import can_see_location

pytestmark = pytest.mark.django_db

# The searchers of the search's own tests, at the same fixed instant.
fixed_clock = shared.fixed_clock
housing_agency = shared.housing_agency
programme_and_housing = shared.programme_and_housing
TRUE_POSTCODE, OTHER_DISTRICT = shared.TRUE_POSTCODE, shared.OTHER_DISTRICT


def _guess(agency, postcode):
    return add_person("Maya", "Lewis", date(1990, 6, 1), agency=agency, postcode=postcode)


def test_a_merge_preview_scores_a_right_and_a_wrong_guess_alike_for_who_may_not_locate(
    programme_and_housing, housing_agency
):
    worker, survivor = programme_and_housing.searcher, programme_and_housing.person
    assert not can_see_location(worker, survivor)
    right, wrong = _guess(housing_agency, TRUE_POSTCODE), _guess(housing_agency, OTHER_DISTRICT)
    assert may_merge(worker, survivor, right) and not may_locate_both(worker, survivor, right)
    scores = {merge_preview(survivor=survivor, absorbed=guess, viewer=worker).score for guess in (right, wrong)}
    assert len(scores) == 1

    # Someone who may see where both are is still shown the postcode's weight.
    officer = make_member(Role.HOUSING_OFFICER, agency=housing_agency)
    assert may_locate_both(officer, survivor, right)
    located = [merge_preview(survivor=survivor, absorbed=guess, viewer=officer).score for guess in (right, wrong)]
    assert located[0] > located[1]


def test_a_confirmed_link_keeps_a_score_that_does_not_answer_the_guess(programme_and_housing, housing_agency):
    worker, survivor = programme_and_housing.searcher, programme_and_housing.person
    right, wrong = _guess(housing_agency, TRUE_POSTCODE), _guess(housing_agency, OTHER_DISTRICT)
    links = [
        person_link_confirm(actor=worker, new_person=guess, existing_person=survivor, reason="Same name and birthday")
        for guess in (right, wrong)
    ]
    assert links[0].score == links[1].score
