import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render(client_for, idva, manager, allocated_case):
    for user, name in [(idva, "cases:mine"), (manager, "cases:team")]:
        assert client_for(user).get(reverse(name)).status_code == 200
    for name in ["detail", "contact", "note_add", "task_add"]:
        assert client_for(idva).get(reverse(f"cases:{name}", args=[allocated_case.pk])).status_code == 200
    assert client_for(manager).get(reverse("cases:allocate", args=[allocated_case.pk])).status_code == 200
