"""The case page's refuge and sanctuary section: one plain question when she has neither, and the
scoped reads (the same rule as every other read) when she has any (issue 15, item 4)."""

from __future__ import annotations

import pytest

from waymark.cases.sections import _SECTIONS
from waymark.refuge.models import RefugeReferral, Sanctuary

pytestmark = pytest.mark.django_db


def _section(user, case):
    (section,) = [s for s in _SECTIONS if s.template == "refuge/_case_section.html"]
    return section.build(user, case)


def test_with_neither_the_section_asks_one_question(idva, survivor_case, django_assert_num_queries):
    idva.roles  # noqa: B018  (her memberships, read once per request by the access middleware)
    with django_assert_num_queries(1):
        built = _section(idva, survivor_case)
    assert built == {"refuge_referrals": [], "sanctuaries": []}


def test_what_she_has_is_read_through_the_scopes(idva, housing_officer, survivor_case, referral, sanctuary):
    for user in (idva, housing_officer):
        built = _section(user, survivor_case)
        assert built["refuge_referrals"] == list(
            RefugeReferral.objects.visible_to(user).filter(person_id=survivor_case.person_id)
        )
        assert built["sanctuaries"] == list(
            Sanctuary.objects.visible_to(user).filter(person_id=survivor_case.person_id)
        )
    # The IDVA sees both; a housing officer at another agency, neither (the scopes decide, not the
    # plain question).
    assert [len(v) for v in _section(idva, survivor_case).values()] == [1, 1]
    assert [len(v) for v in _section(housing_officer, survivor_case).values()] == [0, 0]
