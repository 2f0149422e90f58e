"""Home-page panels and menu entries for referrals: real figures, only for roles that use them."""

import pytest
from django.urls import reverse

from tests.referrals.conftest import make_referral

pytestmark = pytest.mark.django_db


def test_referrer_sees_their_agency_figures_and_menu_entry(client_for, police_referrer, other_police_referrer):
    make_referral(police_referrer)
    make_referral(other_police_referrer)
    body = client_for(police_referrer).get(reverse("home")).content.decode()
    assert "Referrals from your agency" in body
    assert reverse("referrals:mine") in body and reverse("referrals:new") in body
    assert reverse("referrals:queue") not in body
    panel = body.split("Referrals from your agency")[1]
    assert "Waiting for a decision" in panel
    assert ">1<" in panel.replace(" ", "").replace("\n", "")  # own agency's one, not the other's


def test_manager_sees_the_triage_panel_and_menu_entry(client_for, police_referrer, manager):
    make_referral(police_referrer)
    body = client_for(manager).get(reverse("home")).content.decode()
    assert "Referrals to triage" in body
    assert reverse("referrals:queue") in body


def test_auditor_sees_no_referral_entries(client_for, auditor):
    body = client_for(auditor).get(reverse("home")).content.decode()
    assert "referrals/" not in body
