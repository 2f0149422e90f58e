"""Who may see which MARAC referral: each grant and each refusal on its own (waymark/marac/referrals/access.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import earlier_referral
from waymark.core.roles import Role
from waymark.marac.models import MaracCaseStatus
from waymark.marac.referrals.access import (
    get_marac_referral_for_user,
    marac_referral_status_visible_to,
    marac_referrals_visible_to,
)
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_case(victim, harm, police_agency):
    return earlier_referral(
        victim, harm, date(2025, 5, 1), referring_agency=police_agency, status=MaracCaseStatus.REFERRED
    )


@pytest.fixture
def housing_case(victim, harm, housing_agency):
    return earlier_referral(
        victim, harm, date(2025, 6, 1), referring_agency=housing_agency, status=MaracCaseStatus.REFERRED
    )


def test_coordinator_reads_every_referral(coordinator, police_case, housing_case):
    assert set(marac_referrals_visible_to(coordinator)) == {police_case, housing_case}
    assert get_marac_referral_for_user(coordinator, police_case.pk) == police_case


def test_a_referrer_sees_only_their_own_agencys_referrals_and_status_only(police_referrer, police_case, housing_case):
    assert list(marac_referral_status_visible_to(police_referrer)) == [police_case]
    assert not marac_referrals_visible_to(police_referrer).exists()


def test_a_representative_of_another_agency_sees_nothing(police_case, client_for):
    rep = make_member(Role.MARAC_REPRESENTATIVE, agency=AgencyFactory(kind=AgencyKind.PROBATION))
    assert not marac_referral_status_visible_to(rep).exists()
    assert not marac_referrals_visible_to(rep).exists()
    page = client_for(rep).get(reverse("marac:mine")).content.decode()
    assert police_case.ref not in page
    assert client_for(rep).get(reverse("marac:referral", args=[police_case.pk])).status_code == 404


def test_an_agency_representative_sees_their_agencys_referrals_in_the_list(police_rep, police_case, client_for):
    page = client_for(police_rep).get(reverse("marac:mine")).content.decode()
    assert police_case.ref in page and "Rosa" not in page


def test_outsider_sees_nothing(outsider, police_case, client_for):
    assert not marac_referrals_visible_to(outsider).exists()
    assert not marac_referral_status_visible_to(outsider).exists()
    for name, args in (
        ("marac:mine", []),
        ("marac:referrals", []),
        ("marac:refer", []),
        ("marac:referral", [police_case.pk]),
    ):
        assert client_for(outsider).get(reverse(name, args=args)).status_code in (403, 404)


def test_commissioners_get_reports_but_no_case(commissioner, police_case, client_for):
    client = client_for(commissioner)
    assert client.get(reverse("marac:reports")).status_code == 200
    assert not marac_referrals_visible_to(commissioner).exists()
    assert not marac_referral_status_visible_to(commissioner).exists()
    for name, args in (("marac:mine", []), ("marac:referrals", []), ("marac:refer", []), ("marac:flags", [])):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.get(reverse("marac:referral", args=[police_case.pk])).status_code == 404


def test_referral_page_access_matrix(coordinator, police_referrer, police_case, outsider, client_for):
    url = reverse("marac:referral", args=[police_case.pk])
    assert client_for(coordinator).get(url).status_code == 200
    # The referring agency knows it exists (it follows the status): its role may not see more.
    assert client_for(police_referrer).get(url).status_code == 403
    # Anyone else: it does not exist for them.
    assert client_for(outsider).get(url).status_code == 404
    from waymark.audit.models import AuditAction, AuditEvent

    refused = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(police_case.pk))
    assert refused.count() == 2
    # A coordinator asking for a referral that does not exist: 404.
    assert (
        client_for(coordinator)
        .get(reverse("marac:referral", args=["00000000-0000-0000-0000-000000000000"]))
        .status_code
        == 404
    )


def test_decide_access(police_referrer, housing_rep, police_rep, outsider, police_case, client_for):
    url = reverse("marac:decide", args=[police_case.pk])
    for user in (police_referrer, police_rep):  # the referring agency: status only
        assert client_for(user).post(url, {"decision": "accept"}).status_code == 403
    for user in (housing_rep, outsider):
        assert client_for(user).post(url, {"decision": "accept"}).status_code == 404
    police_case.refresh_from_db()
    assert police_case.status == MaracCaseStatus.REFERRED


def test_a_coordinator_role_ended_loses_access(coordinator, police_case):
    coordinator.memberships.update(is_active=False)
    from waymark.accounts.models import User

    user = User.objects.get(pk=coordinator.pk)
    assert not marac_referrals_visible_to(user).exists()


def test_reports_access_matrix(client_for, coordinator, police_referrer, housing_rep, outsider):
    url = reverse("marac:reports")
    lead = make_member(Role.PARTNERSHIP_LEAD)
    for user in (coordinator, lead):
        assert client_for(user).get(url).status_code == 200
    for user in (police_referrer, housing_rep, outsider):
        assert client_for(user).get(url).status_code == 403
