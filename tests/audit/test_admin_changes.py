"""Changes made in Django admin are audited: each object by type and id, with field names only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.reauth import reauthenticated_client
from waymark.audit.chain import first_problem
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import Agency, Membership

pytestmark = pytest.mark.django_db


def admin_changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE).order_by("sequence"))


def membership_form(membership: Membership, **changes) -> dict[str, str]:
    data = {
        "user": str(membership.user_id),
        "agency": str(membership.agency_id),
        "team": str(membership.team_id or ""),
        "role": membership.role,
        "is_active": "on" if membership.is_active else "",
        "fte": str(membership.fte),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def membership(idva):
    return Membership.objects.get(user=idva)


def test_changing_a_membership_is_audited(administrator, membership, client_for):
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    response = reauthenticated_client(administrator).post(url, membership_form(membership, role=Role.TEAM_MANAGER))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.role == Role.TEAM_MANAGER
    (event,) = admin_changes()
    assert event.actor == administrator
    assert (event.object_type, event.object_id) == ("organisations.membership", str(membership.pk))
    assert event.detail == {"change": "changed", "fields": ["role"]}
    assert Role.TEAM_MANAGER.value not in str(event.detail), "field names only, never values"
    assert first_problem() is None


def test_ending_a_membership_is_audited(administrator, membership, client_for):
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    reauthenticated_client(administrator).post(url, membership_form(membership, is_active=""))
    membership.refresh_from_db()
    assert membership.is_active is False
    assert admin_changes()[0].detail == {"change": "changed", "fields": ["is_active"]}


def test_adding_a_membership_is_audited(administrator, idva, client_for):
    agency = AgencyFactory()
    data = {
        "user": str(idva.pk),
        "agency": str(agency.pk),
        "role": Role.MARAC_REPRESENTATIVE,
        "is_active": "on",
        "fte": "1.00",
    }
    response = reauthenticated_client(administrator).post(reverse("admin:organisations_membership_add"), data)
    assert response.status_code == 302
    added = Membership.objects.get(user=idva, agency=agency)
    (event,) = admin_changes()
    assert (event.object_type, event.object_id) == ("organisations.membership", str(added.pk))
    assert event.detail == {"change": "added"}


def test_an_invalid_change_saves_and_audits_nothing(administrator, membership, client_for):
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    response = reauthenticated_client(administrator).post(url, membership_form(membership, role="made-up-role"))
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.CASEWORKER
    assert admin_changes() == []


def user_form(user, memberships, **changes) -> dict[str, str]:
    """The user change page with its inline memberships, as the browser would post it."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "kind": user.kind,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len([m for m in memberships if m.get("id")])),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        for key, value in membership.items():
            if value:
                data[f"memberships-{index}-{key}"] = value
        data[f"memberships-{index}-user"] = str(user.pk)
    data.update(changes)
    return data


def test_the_user_page_shows_memberships_to_administrators_without_delete(administrator, idva, client_for):
    page = (
        reauthenticated_client(administrator)
        .get(reverse("admin:accounts_user_change", args=[idva.pk]))
        .content.decode()
    )
    assert 'name="memberships-TOTAL_FORMS"' in page
    assert 'name="memberships-0-DELETE"' not in page


def test_memberships_changed_and_added_on_the_user_page_are_each_audited(administrator, idva, client_for):
    existing = Membership.objects.get(user=idva)
    new_team = TeamFactory()
    rows = [
        {
            "id": str(existing.pk),
            "agency": str(existing.agency_id),
            "team": str(existing.team_id),
            "role": Role.TEAM_MANAGER,
            "is_active": "on",
            "fte": "1.00",
        },
        {
            "agency": str(new_team.agency_id),
            "team": str(new_team.pk),
            "role": Role.HOUSING_OFFICER,
            "is_active": "on",
            "fte": "1.00",
        },
    ]
    url = reverse("admin:accounts_user_change", args=[idva.pk])
    response = reauthenticated_client(administrator).post(url, user_form(idva, rows, job_title="Senior IDVA"))
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Membership.objects.get(user=idva, team=new_team)
    events = {(e.object_type, e.object_id): e.detail for e in admin_changes()}
    assert events == {
        ("accounts.user", str(idva.pk)): {"change": "changed", "fields": ["job_title"]},
        ("organisations.membership", str(existing.pk)): {
            "change": "changed",
            "fields": ["role"],
            "via": "accounts.user",
            "via_id": str(idva.pk),
        },
        ("organisations.membership", str(added.pk)): {
            "change": "added",
            "via": "accounts.user",
            "via_id": str(idva.pk),
        },
    }
    assert "Senior IDVA" not in str(events)
    assert first_problem() is None


def test_a_membership_cannot_be_deleted_through_the_user_page(administrator, idva, client_for):
    existing = Membership.objects.get(user=idva)
    rows = [
        {
            "id": str(existing.pk),
            "agency": str(existing.agency_id),
            "team": str(existing.team_id),
            "role": existing.role,
            "is_active": "on",
            "fte": "1.00",
            "DELETE": "on",
        }
    ]
    reauthenticated_client(administrator).post(
        reverse("admin:accounts_user_change", args=[idva.pk]), user_form(idva, rows)
    )
    assert Membership.objects.filter(pk=existing.pk).exists()


@pytest.mark.parametrize(
    "url_name",
    ["admin:organisations_membership_delete", "admin:organisations_agency_delete", "admin:accounts_user_delete"],
)
def test_nothing_can_be_deleted_in_admin(url_name, administrator, idva, client_for):
    membership = Membership.objects.get(user=idva)
    target = {"membership": membership, "agency": membership.agency, "user": idva}[url_name.split("_")[-2]]
    response = reauthenticated_client(administrator).post(reverse(url_name, args=[target.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(target).objects.filter(pk=target.pk).exists()
    assert admin_changes() == []


def test_only_system_administrators_reach_admin(idva, auditor, client_for):
    url = reverse("admin:organisations_membership_changelist")
    for user in (idva, auditor):
        response = client_for(user).get(url)
        assert response.status_code in (302, 403)
        assert admin_changes() == []


def test_adding_an_agency_is_audited(administrator, client_for):
    data = {
        "ref": "AG-NEW",
        "name": "Northgate Refuge",
        "kind": "da_specialist",
        "is_active": "on",
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
        "teams-MIN_NUM_FORMS": "0",
        "teams-MAX_NUM_FORMS": "1000",
    }
    response = reauthenticated_client(administrator).post(reverse("admin:organisations_agency_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agency = Agency.objects.get(ref="AG-NEW")
    (event,) = admin_changes()
    assert (event.object_type, event.object_id, event.detail) == (
        "organisations.agency",
        str(agency.pk),
        {"change": "added"},
    )
    assert "Northgate" not in str(event.detail)


def test_a_member_without_a_role_change_writes_no_admin_event(administrator, client_for):
    # Viewing admin pages is not an administrative change.
    make_member(Role.CASEWORKER)
    reauthenticated_client(administrator).get(reverse("admin:accounts_user_changelist"))
    assert admin_changes() == []
