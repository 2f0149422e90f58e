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
