"""The housing rules in ``waymark/housing/access.py``, condition by condition where they are not
covered by the page tests: here the perpetrator-programme veto."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import MembershipFactory
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.housing import access, actions
from waymark.housing.choices import PlacementType
from waymark.housing.models import HomelessnessApplication, TemporaryPlacement, TenancyPanelCase

pytestmark = pytest.mark.django_db
ADDRESS = "4 Guest House Road"


def _also_a_programme_worker(user, agency):
    MembershipFactory(user=user, agency=agency, role=Role.PERPETRATOR_WORKER)
    return User.objects.get(pk=user.pk)


def test_a_programme_role_anywhere_vetoes_every_housing_record(
    application, officer, panel_case, panel_member, idva, specialist_agency, time_machine
):
    """One account must not bridge a perpetrator programme and a survivor's housing: the housing
    officer holding her application, once also a programme worker, sees none of it (as the people
    and refuge apps already refuse), nor may the panel member or her named IDVA."""
    time_machine.move_to(date(2026, 11, 3))  # after the panel case's fixture set the clock back
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 11, 2),
        area="Northgate",
        out_of_district=False,
        address=ADDRESS,
    )
    assert access.can_see_placement_address(officer, application)  # before the second role

    dual_officer = _also_a_programme_worker(officer, specialist_agency)
    assert not HomelessnessApplication.objects.visible_to(dual_officer).exists()
    assert not TemporaryPlacement.objects.visible_to(dual_officer).exists()
    assert not access.can_see_placement_address(dual_officer, application)
    assert not access.can_work_on_application(dual_officer, application)
    assert not access.applications_on_journey(dual_officer, application.person).exists()
    page = signed_in_client(dual_officer).get(reverse("housing:application", args=[application.pk]))
    assert page.status_code in (403, 404) and ADDRESS not in page.content.decode()

    dual_panel = _also_a_programme_worker(panel_member, specialist_agency)
    assert not TenancyPanelCase.objects.visible_to(dual_panel).exists()
    assert not access.is_panel_member(dual_panel, panel_case)
    dual_idva = _also_a_programme_worker(idva, specialist_agency)
    assert not access.panel_cases_for_idva(dual_idva).exists()
    assert not access.is_named_idva(dual_idva, panel_case)
