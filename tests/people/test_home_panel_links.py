"""The same words lead to the same place: "Find a person" on the home page's People panel is the
menu's "Find a person" (the known-person search), and the panel's link to the list of people the
user may see (the menu's "People") is named for what it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, MembershipFactory, make_member
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.web.context_processors import navigation_for
from waymark.web.home import panels_for

pytestmark = pytest.mark.django_db


def _people_panel_links(user) -> dict[str, str]:
    panels = [panel for _, role_panels in panels_for(user) for panel in role_panels if panel.title == "People"]
    assert len(panels) == 1
    return dict(panels[0].links)


@pytest.mark.parametrize(
    ("role", "finds"),
    [(Role.CASEWORKER, True), (Role.HOUSING_OFFICER, True), (Role.PERPETRATOR_WORKER, False)],
)
def test_find_a_person_on_the_panel_is_the_menus_find_a_person(role, finds):
    user = make_member(role)
    links = _people_panel_links(user)
    assert links["Search people you can see"] == reverse("people:list")
    if finds:
        assert links["Find a person"] == reverse("matching:find")
    else:  # a role the search page is not for is not offered it, on the panel or in the menu
        assert "Find a person" not in links
        assert "Find a person" not in {item["label"] for item in navigation_for(user, "/")}


@pytest.mark.parametrize(
    "roles",
    [
        (Role.CASEWORKER,),
        (Role.TEAM_MANAGER,),
        (Role.HOUSING_OFFICER,),
        (Role.PERPETRATOR_WORKER,),
        (Role.MARAC_COORDINATOR,),
        (Role.REFERRER,),
        (Role.CASEWORKER, Role.TEAM_MANAGER),
    ],
)
def test_a_home_page_link_named_as_a_menu_item_goes_where_the_menu_item_goes(roles):
    agency = AgencyFactory()
    user = make_member(roles[0], agency=agency)
    for role in roles[1:]:
        MembershipFactory(user=user, agency=agency, role=role)
    user = User.objects.get(pk=user.pk)
    menu = {item["label"]: item["href"] for item in navigation_for(user, "/")}
    for _, role_panels in panels_for(user):
        for panel in role_panels:
            for label, href in panel.links:
                if label in menu:
                    assert href.split("?")[0] == menu[label], (panel.title, label, href)
