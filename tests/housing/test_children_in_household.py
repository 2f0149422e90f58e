"""A household with children is the household's, not a tick on the placement (walk-through 1).

The one rule (``models.FAMILY_MEMBER``; ``HomelessnessApplication.household_with_children``,
``TemporaryPlacement.with_children`` and ``selectors.with_children_in_household``): a dependent child
or a pregnant member (the 2003 Order's family commitments). The placement action derives it and
refuses a tick that contradicts it; the home page count, the placement page's flag, the API and the
H-CLIC extract all read it, so an old placement whose stored tick contradicts the household counts
as the household says."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.api.conftest import token_client
from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.housing import actions, selectors
from waymark.housing.choices import HouseholdRole, PlacementType
from waymark.housing.extract import extract_queryset, extract_rows
from waymark.housing.models import HomelessnessApplication, TemporaryPlacement
from waymark.web.home import panels_for

pytestmark = pytest.mark.django_db

START = date(2026, 11, 2)
OVER_SIX_WEEKS = date(2026, 12, 20)  # 48 nights


def _apply(officer, council, *members):
    return new_application(officer, PersonFactory(held_by=council), household=list(members))


def _place(officer, application, **fields):
    values = {
        "placement_type": PlacementType.BED_AND_BREAKFAST,
        "started_on": START,
        "area": "Southmere",
        "out_of_district": False,
    }
    values.update(fields)
    return actions.placement_start(actor=officer, application=application, **values)


def _figures(user):
    return {f.label: f.value for _r, panels in panels_for(user) for p in panels for f in p.figures}


def _flagged_on_page(officer, application) -> bool:
    page = signed_in_client(officer).get(reverse("housing:application", args=[application.pk]))
    return "Children in B&amp;B over 6 weeks" in page.content.decode()


def _extract(application):
    (row,) = extract_rows(
        extract_queryset(HomelessnessApplication.objects.filter(pk=application.pk)), today=OVER_SIX_WEEKS
    )
    return row["household_children"], row["ta_household_with_children"], row["ta_children_in_bnb_over_6_weeks"]


@pytest.mark.parametrize(
    ("members", "with_children"),
    [
        ([actions.Member(HouseholdRole.CHILD, 4)], True),
        ([actions.Member(HouseholdRole.PARTNER, 30, pregnant=True)], True),  # an expected child: family commitments
        ([actions.Member(HouseholdRole.OTHER_ADULT, 40)], False),
        ([], False),
    ],
)
def test_the_placement_takes_children_from_the_household_whatever_is_ticked(
    officer, council, time_machine, members, with_children
):
    time_machine.move_to(START)
    application = _apply(officer, council, *members)
    placement = _place(officer, application)  # nothing ticked: the household decides
    assert placement.household_with_children is with_children and placement.with_children is with_children
    # The Python rule and the database rule agree.
    annotated = selectors.with_children_in_household(TemporaryPlacement.objects.filter(pk=placement.pk)).get()
    assert annotated.household_has_children is with_children


def test_a_tick_that_contradicts_the_household_is_refused_and_nothing_saved(officer, council, time_machine):
    time_machine.move_to(START)
    with_child = _apply(officer, council, actions.Member(HouseholdRole.CHILD, 4))
    with pytest.raises(ValidationError) as error:
        _place(officer, with_child, household_with_children=False)
    assert (
        "has a dependent child or a pregnant member recorded" in error.value.message_dict["household_with_children"][0]
    )
    no_child = _apply(officer, council)
    with pytest.raises(ValidationError) as error:
        _place(officer, no_child, household_with_children=True)
    assert "Add them to the household first" in error.value.message_dict["household_with_children"][0]
    assert not TemporaryPlacement.objects.exists()
    assert _place(officer, with_child, household_with_children=True).household_with_children


def test_the_form_is_filled_from_the_household_and_cannot_contradict_it(officer, council, time_machine):
    time_machine.move_to(START)
    application = _apply(
        officer, council, actions.Member(HouseholdRole.CHILD, 4), actions.Member(HouseholdRole.CHILD, 9)
    )
    client = signed_in_client(officer)
    url = reverse("housing:placement_new", args=[application.pk])
    html = client.get(url).content.decode()
    assert "From the household: 2 dependent children." in html
    assert re.search(r'<input[^>]*name="household_with_children"[^>]*checked', html)
    unticked = client.post(
        url,
        {
            "placement_type": "bnb",
            "started_on_0": "2",
            "started_on_1": "11",
            "started_on_2": "2026",
            "area": "Southmere",
        },
    )
    assert unticked.status_code == 200 and "Leave it ticked" in unticked.content.decode()
    assert not TemporaryPlacement.objects.exists()


def test_home_count_placement_flag_and_extract_agree_with_the_household_not_the_stored_tick(
    officer, council, time_machine
):
    """Placements recorded before the rule, whose stored tick contradicts the household."""
    time_machine.move_to(START)
    children_untick = _apply(officer, council, actions.Member(HouseholdRole.CHILD, 4))
    pregnant_untick = _apply(officer, council, actions.Member(HouseholdRole.OTHER_ADULT, 19, pregnant=True))
    no_children_ticked = _apply(officer, council, actions.Member(HouseholdRole.OTHER_ADULT, 40))
    for application, stored in ((children_untick, False), (pregnant_untick, False), (no_children_ticked, True)):
        placement = _place(officer, application)
        TemporaryPlacement.objects.filter(pk=placement.pk).update(household_with_children=stored)
    time_machine.move_to(OVER_SIX_WEEKS)

    assert _figures(officer)["Children in B&B over 6 weeks"] == 2
    assert _flagged_on_page(officer, children_untick) and _flagged_on_page(officer, pregnant_untick)
    assert not _flagged_on_page(officer, no_children_ticked)
    assert _extract(children_untick) == (1, "Y", "Y")
    assert _extract(pregnant_untick) == (0, "Y", "Y")  # expecting a child: family commitments
    assert _extract(no_children_ticked) == (0, "N", "N")
    rows = token_client(officer).get("/api/housing/placements/").json()["results"]
    flags = {row["application"]: row["household_with_children"] for row in rows}
    assert flags == {str(children_untick.pk): True, str(pregnant_untick.pk): True, str(no_children_ticked.pk): False}


def test_a_child_added_to_the_household_later_counts_from_then(officer, council, time_machine):
    time_machine.move_to(START)
    application = _apply(officer, council)
    _place(officer, application)
    time_machine.move_to(OVER_SIX_WEEKS)
    assert _figures(officer)["Children in B&B over 6 weeks"] == 0
    actions.household_member_add(actor=officer, application=application, member=actions.Member(HouseholdRole.CHILD, 0))
    assert _figures(officer)["Children in B&B over 6 weeks"] == 1
    assert _flagged_on_page(officer, application)
