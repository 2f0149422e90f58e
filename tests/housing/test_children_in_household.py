"""A household with children is the household's, not a tick on the placement (walk-through 1).

The one rule (``models.FAMILY_MEMBER``; ``HomelessnessApplication.household_with_children``,
``TemporaryPlacement.with_children`` and ``selectors.with_children_in_household``): a dependent child
or a pregnant member (the 2003 Order's family commitments). The placement action derives it and
refuses a tick that contradicts it; the home page count, the placement page's flag, the API and the
H-CLIC extract all read it, so an old placement whose stored tick contradicts the household counts
as the household says."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.api.conftest import token_client
from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions, selectors
from waymark.housing.choices import HouseholdRole, PlacementType
from waymark.housing.extract import extract_queryset, extract_rows
from waymark.housing.models import HomelessnessApplication, HouseholdMember, TemporaryPlacement
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


def _children_bnb_at_end(start, end):
    return dict(selectors.quarter_figures(start, end))["of which households with children in bed and breakfast"]


def _extract_for_period(start, end):
    out = io.StringIO()
    call_command(
        "report", "housing", "--from", start.isoformat(), "--to", end.isoformat(), "--format", "csv", stdout=out
    )
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    return row["ta_household_with_children"], row["ta_children_in_bnb_over_6_weeks"]


Q3 = (date(2026, 10, 1), date(2026, 12, 31))
Q4 = (date(2027, 1, 1), date(2027, 3, 31))
CHILD_JOINS = date(2027, 1, 15)  # in Q4, 74 nights into the placement


def test_a_child_added_to_the_household_later_counts_from_then(officer, council, time_machine):
    """A past quarter is not rewritten, and the six weeks run from the day the child joined."""
    time_machine.move_to(START)
    application = _apply(officer, council)
    placement = _place(officer, application)
    time_machine.move_to(CHILD_JOINS)
    assert _children_bnb_at_end(*Q3) == 0
    assert _extract_for_period(*Q3) == ("N", "N")
    member = actions.household_member_add(
        actor=officer, application=application, member=actions.Member(HouseholdRole.CHILD, 0)
    )
    assert member.joined_on == CHILD_JOINS

    # The household has children from today: today's placement says so ...
    placement.refresh_from_db()
    assert placement.with_children and placement.children_since() == CHILD_JOINS
    # ... but Q3, which ended before the child joined, is as it was: figures and the H-CLIC extract.
    assert _children_bnb_at_end(*Q3) == 0
    assert _extract_for_period(*Q3) == ("N", "N")
    # Q4 ends with the child in the household: counted.
    assert _children_bnb_at_end(*Q4) == 1

    # The six weeks count from the day the child joined, not from the placement's start (74 nights ago).
    assert _figures(officer)["Children in B&B over 6 weeks"] == 0
    assert not _flagged_on_page(officer, application)
    time_machine.move_to(CHILD_JOINS + timedelta(days=42))  # exactly six weeks: not yet
    assert _figures(officer)["Children in B&B over 6 weeks"] == 0
    assert not _flagged_on_page(officer, application)
    time_machine.move_to(CHILD_JOINS + timedelta(days=43))
    assert _figures(officer)["Children in B&B over 6 weeks"] == 1
    assert _flagged_on_page(officer, application)
    # The extract covers applications made in its period, read as at its end (or today, if later).
    assert _extract_for_period(Q3[0], Q4[1]) == ("Y", "Y")
    assert _extract_for_period(*Q3) == ("N", "N")  # still


# --- The rule's Python and database forms agree (a table of households, every day) -----------

D0 = date(2026, 11, 2)  # every placement starts here


def _member(application, role, *, pregnant=False, joined=None):
    return HouseholdMember.objects.create(
        application=application,
        role=role,
        age=30 if role != HouseholdRole.CHILD else 4,
        pregnant=pregnant,
        joined_on=None if joined is None else D0 + timedelta(days=joined),
    )


# (members as (role, pregnant, joined: days after the placement's start, None = with the
# application), placement type, ended: days after the start or None)
HOUSEHOLDS = [
    ([], "bnb", None),
    ([(HouseholdRole.OTHER_ADULT, False, None)], "bnb", None),
    ([(HouseholdRole.OTHER_ADULT, False, 3)], "bnb", None),
    ([(HouseholdRole.CHILD, False, None)], "bnb", None),
    ([(HouseholdRole.CHILD, False, None)], "bnb", 40),
    ([(HouseholdRole.CHILD, False, None)], "bnb", 43),
    ([(HouseholdRole.CHILD, False, None)], "hostel", None),
    ([(HouseholdRole.PARTNER, True, None)], "bnb", None),
    ([(HouseholdRole.CHILD, False, -20)], "bnb", None),  # joined before the placement began
    ([(HouseholdRole.CHILD, False, 0)], "bnb", None),
    ([(HouseholdRole.CHILD, False, 10)], "bnb", None),
    ([(HouseholdRole.CHILD, False, 10)], "bnb", 50),
    ([(HouseholdRole.CHILD, False, 10)], "bnb", 60),
    ([(HouseholdRole.PARTNER, True, 25)], "bnb", None),
    ([(HouseholdRole.CHILD, False, 30), (HouseholdRole.PARTNER, True, 5)], "bnb", None),  # the first to join
    ([(HouseholdRole.CHILD, False, 30), (HouseholdRole.OTHER_ADULT, False, None)], "bnb", None),
    ([(HouseholdRole.CHILD, False, 70)], "bnb", 60),  # joined after the placement ended
]


def test_the_python_and_database_forms_of_the_rule_agree(officer, council, time_machine):
    time_machine.move_to(D0 + timedelta(days=120))
    placements = {}
    for index, (members, placement_type, ended) in enumerate(HOUSEHOLDS):
        application = _apply(officer, council)
        for role, pregnant, joined in members:
            _member(application, role, pregnant=pregnant, joined=joined)
        placement = _place(officer, application, placement_type=placement_type, started_on=D0)
        if ended is not None:
            TemporaryPlacement.objects.filter(pk=placement.pk).update(ended_on=D0 + timedelta(days=ended))
        placements[placement.pk] = index
    loaded = list(TemporaryPlacement.objects.select_related("application").prefetch_related("application__household"))
    for offset in range(-25, 110):
        day = D0 + timedelta(days=offset)
        python = {p.pk for p in loaded if p.with_children_by(day)}
        database = {
            p.pk
            for p in selectors.with_children_in_household(TemporaryPlacement.objects.all(), by=day)
            if p.household_has_children
        }
        assert python == database, (day, sorted(placements[pk] for pk in python ^ database))
        current = [p for p in loaded if p.ended_on is None]
        python_flag = {p.pk for p in current if p.children_in_bnb_over_six_weeks(day)}
        database_flag = set(
            selectors.children_in_bnb_over_six_weeks(TemporaryPlacement.objects.all(), day).values_list("pk", flat=True)
        )
        assert python_flag == database_flag, (day, sorted(placements[pk] for pk in python_flag ^ database_flag))
    # Today's answer (no date) is every member's, as before.
    assert {p.pk for p in loaded if p.with_children} == {
        p.pk for p in selectors.with_children_in_household(TemporaryPlacement.objects.all()) if p.household_has_children
    }


@pytest.mark.parametrize(
    ("members", "ended", "today", "flagged"),
    [
        ([(HouseholdRole.CHILD, False, None)], None, 42, False),  # exactly six weeks from the start
        ([(HouseholdRole.CHILD, False, None)], None, 43, True),
        ([(HouseholdRole.CHILD, False, 10)], None, 52, False),  # six weeks from the day she joined
        ([(HouseholdRole.CHILD, False, 10)], None, 53, True),
        ([(HouseholdRole.CHILD, False, -5)], None, 43, True),  # joined before the placement: from its start
        ([(HouseholdRole.CHILD, False, 10)], 52, 90, False),  # ended at six weeks from joining
        ([(HouseholdRole.CHILD, False, 10)], 53, 90, True),
        ([(HouseholdRole.CHILD, False, 30), (HouseholdRole.PARTNER, True, 5)], None, 48, True),  # the first counts
        ([(HouseholdRole.OTHER_ADULT, False, None)], None, 90, False),
    ],
)
def test_the_six_week_clock_runs_from_the_later_of_the_start_and_the_first_to_join(
    officer, council, time_machine, members, ended, today, flagged
):
    time_machine.move_to(D0 + timedelta(days=120))
    application = _apply(officer, council)
    for role, pregnant, joined in members:
        _member(application, role, pregnant=pregnant, joined=joined)
    placement = _place(officer, application, started_on=D0)
    if ended is not None:
        TemporaryPlacement.objects.filter(pk=placement.pk).update(ended_on=D0 + timedelta(days=ended))
    placement = TemporaryPlacement.objects.select_related("application").get(pk=placement.pk)
    assert placement.children_in_bnb_over_six_weeks(D0 + timedelta(days=today)) is flagged


# --- The officer gives the day a member joined (back-dated, never in the future) ----------------

BACK_DATED = date(2026, 12, 1)  # in Q3, 29 nights into the placement; the child is added on CHILD_JOINS


def test_a_member_added_later_but_back_dated_counts_from_the_day_given(officer, council, time_machine):
    """Added in Q4, joined in Q3: Q3's figure, the extract as at Q3's end and the six-week clock all
    read the day she joined, not the day she was added."""
    time_machine.move_to(START)
    application = _apply(officer, council)
    _place(officer, application)
    time_machine.move_to(CHILD_JOINS)
    member = actions.household_member_add(
        actor=officer, application=application, member=actions.Member(HouseholdRole.CHILD, 0), joined_on=BACK_DATED
    )
    assert member.joined_on == BACK_DATED
    assert _children_bnb_at_end(*Q3) == 1
    assert _extract_for_period(*Q3) == ("Y", "N")  # 30 nights with the child by Q3's end: not yet six weeks
    placement = application.placements.get()
    assert placement.children_since() == BACK_DATED
    # Six weeks from 1 December: flagged after 12 January, so already on the day she was added.
    assert placement.children_in_bnb_over_six_weeks(BACK_DATED + timedelta(days=42)) is False
    assert placement.children_in_bnb_over_six_weeks(BACK_DATED + timedelta(days=43)) is True
    assert _figures(officer)["Children in B&B over 6 weeks"] == 1
    assert _flagged_on_page(officer, application)


def test_a_member_back_dated_to_the_application_or_before_counts_from_the_start(officer, council, time_machine):
    """Left off the application and added later: in the household when it applied, so as one
    recorded with it (the six weeks from the placement's start; every quarter of the placement)."""
    time_machine.move_to(START)
    application = _apply(officer, council)
    placement = _place(officer, application)
    time_machine.move_to(date(2026, 12, 20))  # 48 nights into the placement
    for joined in (START, START - timedelta(days=400)):
        actions.household_member_add(
            actor=officer, application=application, member=actions.Member(HouseholdRole.CHILD, 2), joined_on=joined
        )
    placement.refresh_from_db()
    assert placement.children_since() == START
    assert placement.children_in_bnb_over_six_weeks(date(2026, 12, 20))
    assert _figures(officer)["Children in B&B over 6 weeks"] == 1
    assert _children_bnb_at_end(*Q3) == 1
    # The database form agrees: six weeks from the placement's start are up on 14 December, flagged the day after.
    placements = TemporaryPlacement.objects.all()
    assert not selectors.children_in_bnb_over_six_weeks(placements, date(2026, 12, 14)).exists()
    assert list(selectors.children_in_bnb_over_six_weeks(placements, date(2026, 12, 15))) == [placement]
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="housing.householdmember").latest(
        "sequence"
    )
    assert event.detail == {"application": str(application.pk), "from_the_start": True}


def test_the_day_joined_defaults_to_today_and_cannot_be_in_the_future(officer, council, time_machine):
    time_machine.move_to(START)
    application = _apply(officer, council)
    assert (
        actions.household_member_add(
            actor=officer, application=application, member=actions.Member(HouseholdRole.CHILD, 1)
        ).joined_on
        == START
    )
    with pytest.raises(ValidationError) as refused:
        actions.household_member_add(
            actor=officer,
            application=application,
            member=actions.Member(HouseholdRole.CHILD, 1),
            joined_on=START + timedelta(days=1),
        )
    assert refused.value.message_dict["joined_on"] == [
        "The date they joined the household must be today or in the past."
    ]
    assert application.household.count() == 1


def _member_form(**day):
    return {"role": "child", "age": "3", **{f"joined_on_{i}": value for i, value in day.items()}}


def test_the_household_form_asks_the_day_joined_starting_at_today_in_london(officer, council, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    time_machine.move_to(START)
    application = _apply(officer, council)
    # Just after midnight in London, the UTC date still the day before.
    time_machine.move_to(datetime(2027, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
    client = signed_in_client(officer)
    url = reverse("housing:household_add", args=[application.pk])
    html = client.get(url).content.decode()
    for name, value in (("joined_on_0", "1"), ("joined_on_1", "4"), ("joined_on_2", "2027")):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"', html), name
    assert "Date they joined the household" in html

    future = client.post(url, _member_form(**{"0": "2", "1": "4", "2": "2027"}))
    assert future.status_code == 200 and "There is a problem" in future.content.decode()
    assert "Date they joined the household must be today or in the past" in future.content.decode()
    empty = client.post(url, _member_form())
    assert "Enter the date they joined the household" in empty.content.decode()
    nonsense = client.post(url, _member_form(**{"0": "31", "1": "2", "2": "2027"}))
    assert "Date they joined the household must be a real date" in nonsense.content.decode()
    assert not application.household.exists()

    done = client.post(url, _member_form(**{"0": "15", "1": "1", "2": "2027"}))
    assert done.status_code == 302
    assert application.household.get().joined_on == date(2027, 1, 15)
    page = client.get(reverse("housing:application", args=[application.pk])).content.decode()
    assert "Dependent child, aged 3, joined the household on 15 January 2027" in page
