"""The referring agency sees reference, date, status and decision reason: nothing else."""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import make_member
from tests.referrals.conftest import CANARY_NAME, CANARY_POSTCODE, CANARY_TEXT, make_referral
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.referrals.actions import referral_transition

pytestmark = pytest.mark.django_db


def test_lists_own_agency_referrals_with_status_and_shared_reason(client_for, police_referrer, manager):
    colleague = make_member(Role.REFERRER, agency=police_referrer.primary_agency)
    referral = make_referral(colleague)  # a colleague's referral: same agency
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral_transition(
        actor=manager,
        referral=referral,
        to_status="signposted",
        reason_code="better_placed",
        reason="Referred to the local ISVA",
    )
    body = client_for(police_referrer).get(reverse("referrals:mine")).content.decode()
    assert referral.number in body
    assert "Signposted to another service" in body
    assert "Another service is better placed to help. Referred to the local ISVA" in body


def test_shows_nothing_else_of_the_record(client_for, police_referrer):
    referral = make_referral(police_referrer)
    body = client_for(police_referrer).get(reverse("referrals:mine")).content.decode()
    assert referral.number in body
    for canary in (CANARY_NAME, CANARY_POSTCODE, CANARY_TEXT, "Doer", "07700"):
        assert canary not in body


def test_never_lists_another_agencys_referrals(client_for, police_referrer, other_police_referrer):
    referral = make_referral(other_police_referrer)
    body = client_for(police_referrer).get(reverse("referrals:mine")).content.decode()
    assert referral.number not in body


def test_listing_is_audited_without_contents(client_for, police_referrer):
    make_referral(police_referrer)
    client_for(police_referrer).get(reverse("referrals:mine"))
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=police_referrer).get()
    assert event.detail["results"] == 1


def test_referrer_cannot_open_the_referral_or_the_person(client_for, police_referrer, other_police_referrer):
    own = make_referral(police_referrer)
    other = make_referral(other_police_referrer)
    client = client_for(police_referrer)
    # The triage page is for the receiving service only: the role is refused outright.
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": own.pk})).status_code == 403
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": other.pk})).status_code == 403
    try:
        person_url = reverse("people:detail", kwargs={"person_id": own.subject.pk})
    except NoReverseMatch:
        pytest.skip("people pages not installed")
    for person in (own.subject, own.person_causing_harm, other.subject):
        response = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
        assert response.status_code == 404, person_url
        assert CANARY_NAME not in response.content.decode()


@pytest.mark.parametrize("persona", ["auditor", "administrator", "outsider"])
def test_roles_that_do_not_refer_cannot_list(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(reverse("referrals:mine")).status_code == 403


def test_search_by_number_and_made_by_me(client_for, police_referrer):
    """Issue 10, item 2: the referrer finds a referral by its number and narrows to her own."""
    colleague = make_member(Role.REFERRER, agency=police_referrer.primary_agency)
    mine = make_referral(police_referrer)
    theirs = make_referral(colleague)
    client = client_for(police_referrer)

    def listed(**query):
        return {r.number for r in client.get(reverse("referrals:mine"), query).context["referrals"]}

    assert listed() == {mine.number, theirs.number}
    assert listed(number=theirs.number.lower()) == {theirs.number}
    assert listed(made_by="me") == {mine.number}
    assert listed(made_by="me", number=theirs.number) == set()
    event = AuditEvent.objects.filter(actor=police_referrer, action=AuditAction.SEARCH).latest("sequence")
    assert event.detail["criteria"] == ["number", "made_by_me"] and theirs.number not in str(event.detail)


def test_every_referral_of_the_agency_is_reachable_a_page_at_a_time(client_for, police_referrer):
    made = [make_referral(police_referrer).number for _ in range(55)]
    client = client_for(police_referrer)
    first = client.get(reverse("referrals:mine"))
    page = first.context["page"]
    assert page.paginator.count == 55 and page.has_next()
    seen = {r.number for r in page.object_list}
    seen |= {r.number for r in client.get(reverse("referrals:mine"), {"page": 2}).context["referrals"]}
    assert seen == set(made)
