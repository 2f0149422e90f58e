"""Temporary accommodation placements: types, flags and the one rule for children in B&B."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from waymark.housing import actions, selectors
from waymark.housing.choices import PlacementType
from waymark.housing.models import TemporaryPlacement

pytestmark = pytest.mark.django_db


def _place(officer, application, **fields):
    values = {
        "placement_type": PlacementType.BED_AND_BREAKFAST,
        "started_on": date(2026, 11, 2),
        "area": "Southmere",
        "out_of_district": False,
        "household_with_children": True,
    }
    values.update(fields)
    return actions.placement_start(actor=officer, application=application, **values)


def test_children_in_bnb_flag_is_over_six_weeks_not_at_six_weeks(application, officer):
    placement = _place(officer, application)
    start = date(2026, 11, 2)
    assert not placement.children_in_bnb_over_six_weeks(start + timedelta(days=41))
    assert not placement.children_in_bnb_over_six_weeks(start + timedelta(weeks=6))  # exactly 6 weeks
    assert placement.children_in_bnb_over_six_weeks(start + timedelta(days=43))


def test_the_database_form_of_the_rule_agrees_at_the_boundary(application, officer):
    _place(officer, application)
    start = date(2026, 11, 2)
    current = TemporaryPlacement.objects.all()
    assert not selectors.children_in_bnb_over_six_weeks(current, start + timedelta(weeks=6)).exists()
    assert selectors.children_in_bnb_over_six_weeks(current, start + timedelta(days=43)).count() == 1


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        ({"placement_type": PlacementType.NIGHTLY_PAID}, False),
        ({"placement_type": PlacementType.HOSTEL}, False),
    ],
)
def test_only_households_with_children_in_bnb_are_flagged(application, officer, fields, flagged):
    placement = _place(officer, application, **fields)
    assert placement.children_in_bnb_over_six_weeks(date(2027, 3, 1)) is flagged


def test_an_ended_placement_counts_to_its_end(application, officer, time_machine):
    placement = _place(officer, application)
    time_machine.move_to(date(2026, 12, 14))
    actions.placement_end(actor=officer, placement=placement, ended_on=date(2026, 12, 14))  # exactly 42 nights
    placement.refresh_from_db()
    assert not placement.children_in_bnb_over_six_weeks(date(2027, 6, 1))
    assert placement.days_placed(date(2027, 6, 1)) == 42


def test_a_refuge_or_hostel_placement_never_holds_an_address(application, officer):
    with pytest.raises(ValidationError, match="area only"):
        _place(officer, application, placement_type=PlacementType.HOSTEL, address="1 Secret Street")
    assert not TemporaryPlacement.objects.exists()


@pytest.mark.parametrize(
    ("area", "kind"),
    [
        ("Flat 2, 14 Victoria Road, SM4 7QT", "street address"),
        ("near SM4 7QT", "postcode"),
        ("ring the warden on 020 7946 0123", "phone number"),
    ],
)
@pytest.mark.parametrize("placement_type", [PlacementType.HOSTEL, PlacementType.BED_AND_BREAKFAST])
def test_the_area_every_housing_officer_reads_never_locates_the_household(
    application, officer, area, kind, placement_type
):
    """Found by a probe: a refuge's address typed as a hostel placement's area was shown to every
    housing officer of the council, while the address field is refused for a hostel and shown only
    to the officer holding the application."""
    with pytest.raises(ValidationError) as refused:
        _place(officer, application, placement_type=placement_type, area=area)
    message = refused.value.message_dict["area"][0]
    assert f"must not include a {kind}" in message and "every housing officer reads it" in message
    assert "Victoria" not in message and "SM4" not in message and "7946" not in message  # never the value
    assert not TemporaryPlacement.objects.exists()


def test_a_borough_or_district_is_an_area(application, officer):
    for area in ("Southmere", "North of the borough", "Lambeth (out of district)"):
        TemporaryPlacement.objects.all().delete()
        assert _place(officer, application, placement_type=PlacementType.HOSTEL, area=area).area == area


def test_only_the_holding_officer_records_an_address(application, colleague_officer):
    with pytest.raises(ValidationError, match="officer holding"):
        _place(colleague_officer, application, address="2 Guest House")
    placement = _place(colleague_officer, application)
    assert placement.address == ""


def test_the_address_is_encrypted_at_rest(application, officer):
    from django.db import connection

    placement = _place(officer, application, address="3 Guest House")
    with connection.cursor() as cursor:
        cursor.execute("select address from housing_temporaryplacement where id = %s", [placement.pk.hex])
        stored = cursor.fetchone()[0]
    assert "Guest House" not in stored


def test_one_current_placement_at_a_time_and_other_rules(application, officer, other_officer, time_machine):
    placement = _place(officer, application, out_of_district=True)
    assert placement.out_of_district
    with pytest.raises(ValidationError, match="End the current placement"):
        _place(officer, application)
    with pytest.raises(ValidationError):
        _place(officer, application, started_on=date(2026, 11, 1))
    with pytest.raises(ValidationError):
        _place(officer, application, area="  ")
    with pytest.raises(PermissionDenied):
        _place(other_officer, application)
    time_machine.move_to(date(2026, 11, 10))
    with pytest.raises(ValidationError, match="before it started"):
        actions.placement_end(actor=officer, placement=placement, ended_on=date(2026, 11, 1))
    actions.placement_end(actor=officer, placement=placement, ended_on=date(2026, 11, 10))
    with pytest.raises(ValidationError, match="already ended"):
        actions.placement_end(actor=officer, placement=placement, ended_on=date(2026, 11, 10))
    assert _place(officer, application, started_on=date(2026, 11, 10)).pk
