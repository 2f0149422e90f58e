"""What the housing pages say (a tester's walk): automatic priority need said once, the emergency
(interim) flag of a placement shown, and no raw "None" in the tenancy panel list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, PlacementType

pytestmark = pytest.mark.django_db


def _row(page: str, key: str) -> str:
    """The text of one row of the application's summary list."""
    found = re.search(rf"<dt class=\"govuk-summary-list__key\">{key}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", " ", found.group(1))


def _placements_table(page: str) -> str:
    return page.split('id="placements"', 1)[1].split("</table>", 1)[0]


def test_automatic_priority_need_is_said_once(application, officer):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    page = signed_in_client(officer).get(reverse("housing:application", args=[application.pk])).content.decode()
    said = " ".join(_row(page, "Priority need").split())
    assert said.startswith("Yes: Homeless as a result of being a victim of domestic abuse")
    assert said.lower().count("automatic") == 1


@pytest.mark.parametrize(("emergency", "shown"), [(True, True), (False, False)])
def test_the_placements_emergency_flag_is_shown(application, officer, emergency, shown):
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 11, 2),
        area="Southmere",
        out_of_district=True,
        emergency=emergency,
    )
    page = signed_in_client(officer).get(reverse("housing:application", args=[application.pk])).content.decode()
    table = _placements_table(page)
    assert ("Emergency (interim)" in table) is shown
    assert "Out of district" in table and "Children" in table


def test_the_panel_list_says_what_is_not_yet_decided(panel_case, panel_member):
    page = signed_in_client(panel_member).get(reverse("housing:panel_list")).content.decode()
    table = page.split('id="panel-cases"', 1)[1].split("</table>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]
    assert panel_case.number in cells
    assert "None" not in cells
    assert "Not yet decided" in cells
