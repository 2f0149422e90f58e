import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_each_role_the_user_holds(client_for, administrator):
    response = client_for(administrator).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="role-system_administrator">System administrator</h2>' in body
    assert "Active users" in body


def test_home_for_user_without_role_says_so(client_for, outsider):
    response = client_for(outsider).get(reverse("home"))
    assert response.status_code == 200
    assert "You do not hold any role" in response.content.decode()


def test_navigation_depends_on_role(client_for, auditor, idva):
    auditor_page = client_for(auditor).get(reverse("home")).content.decode()
    idva_page = client_for(idva).get(reverse("home")).content.decode()
    assert reverse("audit:search") in auditor_page
    assert reverse("audit:search") not in idva_page


def test_health_check_is_public_and_minimal(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_panel_serving_two_of_the_users_roles_appears_once(police_agency):
    """A police officer who refers and represents the police at MARAC sees "Referrals from your
    agency" once, under the first of the two roles."""
    from tests.factories import MembershipFactory, make_member
    from waymark.accounts.models import User
    from waymark.core.roles import Role
    from waymark.web.home import panels_for

    officer = make_member(Role.REFERRER, agency=police_agency)
    MembershipFactory(user=officer, agency=police_agency, role=Role.MARAC_REPRESENTATIVE)
    officer = User.objects.get(pk=officer.pk)  # fresh cached roles
    assert {Role.REFERRER, Role.MARAC_REPRESENTATIVE} <= officer.roles
    titles = [panel.title for _role, panels in panels_for(officer) for panel in panels]
    assert len(titles) == len(set(titles))
