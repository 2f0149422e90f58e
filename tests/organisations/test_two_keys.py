"""Privileged access under two keys: no self-grant, a second administrator for grants that open
records (notified by email), re-authentication before any admin change, and the administrator
role opening no record by itself."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.operations.conftest import run_worker
from tests.people.factories import PersonFactory
from tests.reauth import mark_reauthenticated, reauthenticated_client
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import (
    OVERSIGHT_ROLES,
    RECORD_OPENING_ROLES,
    SINGLE_KEY_ROLES,
    TWO_KEY_ROLES,
    Role,
)
from waymark.organisations.models import GrantApproval, Membership
from waymark.people.access import can_see_location, people_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_administrator():
    return make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Priya Shah")


def add_membership(client, *, user, agency, role, team=None):
    data = {"user": str(user.pk), "agency": str(agency.pk), "role": role, "is_active": "on", "fte": "1.00"}
    if team:
        data["team"] = str(team.pk)
    return client.post(reverse("admin:organisations_membership_add"), data)


def approve(client, membership, action="approve_grants"):
    return client.post(
        reverse("admin:organisations_membership_changelist"),
        {"action": action, "_selected_action": [str(membership.pk)]},
    )


def test_the_list_of_two_key_roles_is_decided_in_one_place():
    assert Role.CASEWORKER in RECORD_OPENING_ROLES
    assert Role.HOUSING_OFFICER in RECORD_OPENING_ROLES
    assert Role.MARAC_REPRESENTATIVE in RECORD_OPENING_ROLES
    assert Role.SYSTEM_ADMINISTRATOR in TWO_KEY_ROLES
    assert Role.REFERRER not in TWO_KEY_ROLES
    assert Role.COMMISSIONER not in TWO_KEY_ROLES
    assert RECORD_OPENING_ROLES | OVERSIGHT_ROLES <= TWO_KEY_ROLES
    assert frozenset(Role) == TWO_KEY_ROLES | SINGLE_KEY_ROLES


def test_an_administrator_cannot_grant_themselves_a_caseworker_membership(administrator, specialist_agency):
    client = reauthenticated_client(administrator)
    response = add_membership(client, user=administrator, agency=specialist_agency, role=Role.CASEWORKER)
    assert response.status_code == 200
    assert "cannot grant or change your own roles" in response.content.decode()
    assert not Membership.objects.filter(user=administrator, role=Role.CASEWORKER).exists()
    assert Role.CASEWORKER not in type(administrator).objects.get(pk=administrator.pk).roles


def test_an_administrator_cannot_move_someone_elses_membership_onto_themselves(administrator, idva):
    membership = Membership.objects.get(user=idva)
    client = reauthenticated_client(administrator)
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    data = {
        "user": str(administrator.pk),
        "agency": str(membership.agency_id),
        "team": str(membership.team_id),
        "role": membership.role,
        "is_active": "on",
        "fte": "1.00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.user == idva


def test_an_administrator_cannot_grant_themselves_a_role_on_their_own_user_page(administrator, specialist_agency):
    client = reauthenticated_client(administrator)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    existing = list(Membership.objects.filter(user=administrator))
    data = {
        "email": administrator.email,
        "full_name": administrator.full_name,
        "kind": administrator.kind,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(existing) + 1),
        "memberships-INITIAL_FORMS": str(len(existing)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(existing):
        data.update(
            {
                f"memberships-{index}-id": str(membership.pk),
                f"memberships-{index}-user": str(administrator.pk),
                f"memberships-{index}-agency": str(membership.agency_id),
                f"memberships-{index}-role": membership.role,
                f"memberships-{index}-is_active": "on",
                f"memberships-{index}-fte": "1.00",
            }
        )
    new = len(existing)
    data.update(
        {
            f"memberships-{new}-user": str(administrator.pk),
            f"memberships-{new}-agency": str(specialist_agency.pk),
            f"memberships-{new}-role": Role.CASEWORKER,
            f"memberships-{new}-is_active": "on",
            f"memberships-{new}-fte": "1.00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot grant or change your own roles" in response.content.decode()
    assert not Membership.objects.filter(user=administrator, role=Role.CASEWORKER).exists()


def test_a_grant_that_opens_records_waits_for_a_second_administrator_and_opens_nothing_until_then(
    administrator, second_administrator, specialist_agency, idva_team
):
    survivor = PersonFactory(held_by=specialist_agency)
    newcomer = make_member(Role.REFERRER, agency=AgencyFactory(), full_name="New Starter")
    client = reauthenticated_client(administrator)
    response = add_membership(client, user=newcomer, agency=specialist_agency, role=Role.CASEWORKER, team=idva_team)
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = Membership.objects.get(user=newcomer, role=Role.CASEWORKER)
    assert grant.approval == GrantApproval.PENDING
    assert grant.requested_by == administrator
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert Role.CASEWORKER not in newcomer.roles
    assert not people_visible_to(newcomer).filter(pk=survivor.pk).exists()
    assert not can_see_location(newcomer, survivor)
    # The other administrator is told by the task worker, and the email carries no record.
    assert mail.outbox == []
    run_worker()
    (message,) = mail.outbox
    assert message.to == [second_administrator.email]
    assert "approval" in message.subject

    # The one who granted it cannot turn the second key.
    approve(client, grant)
    grant.refresh_from_db()
    assert grant.approval == GrantApproval.PENDING

    # A second administrator can.
    response = approve(reauthenticated_client(second_administrator), grant)
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.approval == GrantApproval.APPROVED
    assert grant.decided_by == second_administrator
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert Role.CASEWORKER in newcomer.roles
    assert people_visible_to(newcomer).filter(pk=survivor.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ADMIN_CHANGE, object_id=str(grant.pk), detail__change="grant_approved"
    ).exists()


def test_a_refused_grant_never_opens_anything(administrator, second_administrator, specialist_agency):
    newcomer = make_member(Role.REFERRER, agency=AgencyFactory())
    add_membership(
        reauthenticated_client(administrator), user=newcomer, agency=specialist_agency, role=Role.HOUSING_OFFICER
    )
    grant = Membership.objects.get(user=newcomer, role=Role.HOUSING_OFFICER)
    approve(reauthenticated_client(second_administrator), grant, action="refuse_grants")
    grant.refresh_from_db()
    assert grant.approval == GrantApproval.REFUSED
    assert Role.HOUSING_OFFICER not in type(newcomer).objects.get(pk=newcomer.pk).roles


def test_reactivating_or_changing_the_role_of_a_membership_needs_the_second_key_again(administrator, idva):
    membership = Membership.objects.get(user=idva)
    client = reauthenticated_client(administrator)
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    data = {
        "user": str(idva.pk),
        "agency": str(membership.agency_id),
        "team": str(membership.team_id),
        "role": Role.TEAM_MANAGER,
        "is_active": "on",
        "fte": "1.00",
    }
    assert client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert membership.approval == GrantApproval.PENDING
    assert type(idva).objects.get(pk=idva.pk).roles == frozenset()


def test_a_grant_that_opens_no_record_needs_no_second_key(administrator, police_agency):
    newcomer = make_member(Role.REFERRER, agency=AgencyFactory())
    add_membership(reauthenticated_client(administrator), user=newcomer, agency=police_agency, role=Role.COMMISSIONER)
    grant = Membership.objects.get(user=newcomer, role=Role.COMMISSIONER)
    assert grant.approval == GrantApproval.APPROVED


def test_an_admin_change_needs_a_second_factor_presented_just_now(administrator, police_agency, client_for):
    newcomer = make_member(Role.REFERRER, agency=AgencyFactory())
    # Not re-authenticated: sent to present a second factor, nothing saved.
    response = add_membership(client_for(administrator), user=newcomer, agency=police_agency, role=Role.COMMISSIONER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not Membership.objects.filter(user=newcomer, role=Role.COMMISSIONER).exists()
    # A password alone is not enough.
    client = mark_reauthenticated(client_for(administrator), administrator, method="password")
    response = add_membership(client, user=newcomer, agency=police_agency, role=Role.COMMISSIONER)
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    # A second factor presented ten minutes ago is too old.
    client = mark_reauthenticated(client_for(administrator), administrator, at=time.time() - 600)
    response = add_membership(client, user=newcomer, agency=police_agency, role=Role.COMMISSIONER)
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not Membership.objects.filter(user=newcomer, role=Role.COMMISSIONER).exists()


def test_a_user_with_a_security_key_is_asked_for_it_first(administrator):
    from waymark.accounts.adapter import AccountAdapter

    methods = AccountAdapter().get_reauthentication_methods(administrator)
    assert methods[0]["id"] == "mfa_reauthenticate"  # TOTP only: the app code before the password
    assert methods[-1]["id"] == "reauthenticate"


def test_reading_admin_pages_needs_no_reauthentication(administrator, client_for):
    response = client_for(administrator).get(reverse("admin:organisations_membership_changelist"))
    assert response.status_code == 200


def test_the_administrator_role_confers_no_access_to_records(administrator, specialist_agency):
    """Held alone, in the very agency that holds the records, the role opens nothing."""
    from waymark.cases.access import cases_visible_to
    from waymark.people.access import locations_visible_to

    Membership.objects.create(user=administrator, agency=specialist_agency, role=Role.SYSTEM_ADMINISTRATOR)
    administrator = type(administrator).objects.get(pk=administrator.pk)
    PersonFactory(held_by=specialist_agency)
    assert not people_visible_to(administrator).exists()
    assert not locations_visible_to(administrator).exists()
    assert not cases_visible_to(administrator).exists()


def test_django_admin_shows_configuration_never_records():
    """Every Waymark model in admin is configuration (users, agencies, rules, the service
    catalogue): none holds a person, a case or anything about one."""
    from django.contrib import admin

    configuration = {
        "accounts.user",
        "organisations.agency",
        "organisations.team",
        "organisations.membership",
        "risk.riskinstrument",
        "risk.riskthresholds",
        "risk.riskpolicy",
        "routing.routingrule",
        "support.service",
        "api.servicetoken",  # service accounts' tokens: hashes and scopes, no record
    }
    registered = {model._meta.label_lower for model in admin.site._registry if model.__module__.startswith("waymark.")}
    assert registered <= configuration
