"""The MARAC coordinator's awaiting lists (issue 10, item 2): complete (paged), most urgent first
(risk level, then age, then source), with filters, like the referral triage queue; and the
referring agency's own list, searchable by reference and narrowed to "made by me"."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.marac.test_referral_fixtures import coordinator, marac_agency  # noqa: F401 (fixtures)
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

_refs = itertools.count(1)
BASE = dt.date(2026, 6, 1)


@pytest.fixture
def agencies(police_agency):
    return {
        "police": police_agency,
        "idva": AgencyFactory(name="Harbour IDVA", kind=AgencyKind.IDVA_SERVICE),
        "health": AgencyFactory(name="Southmere Hospital", kind=AgencyKind.HEALTH_ACUTE),
    }


def referral(agency, *, days_waiting, score=None, status=MaracCaseStatus.REFERRED, meeting=None):
    number = next(_refs)
    victim = Person.objects.create(given_name="Victim", family_name=f"Number{number}")
    return MaracCase.objects.create(
        ref=f"MQ-{number:04d}",
        victim=victim,
        referring_agency=agency,
        referred_on=BASE - dt.timedelta(days=days_waiting),
        checklist_score=score,
        status=status,
        meeting=meeting,
    )


def listed(client, **query):
    response = client.get(reverse("marac:referrals"), query)
    assert response.status_code == 200
    return [row["case"].ref for row in response.context["rows"]]


def test_most_urgent_first_risk_then_age_then_source(client_for, coordinator, agencies):  # noqa: F811
    standard = referral(agencies["police"], days_waiting=30, score=3)
    medium = referral(agencies["police"], days_waiting=30, score=11)
    unknown = referral(agencies["police"], days_waiting=1)
    high_new = referral(agencies["health"], days_waiting=1, score=16)
    high_old = referral(agencies["health"], days_waiting=9, score=15)
    high_new_idva = referral(agencies["idva"], days_waiting=1, score=14)
    high_new_police = referral(agencies["police"], days_waiting=1, score=20)
    imported = referral(None, days_waiting=1, score=18)
    order = listed(client_for(coordinator))
    assert order == [
        high_old.ref,  # high risk, waiting longest
        high_new_police.ref,  # high, same day: police first
        high_new_idva.ref,  # then the specialist services
        high_new.ref,  # then any other agency
        imported.ref,  # then a record with no referring agency
        unknown.ref,  # no checklist is not assumed lower risk
        medium.ref,
        standard.ref,
    ]


def test_filters_by_risk_level_and_referring_agency(client_for, coordinator, agencies):  # noqa: F811
    high_police = referral(agencies["police"], days_waiting=2, score=17)
    high_health = referral(agencies["health"], days_waiting=2, score=17)
    no_checklist = referral(agencies["health"], days_waiting=2)
    client = client_for(coordinator)
    assert listed(client, risk="high") == [high_police.ref, high_health.ref]
    assert listed(client, risk="none") == [no_checklist.ref]
    assert listed(client, source="health_acute") == [high_health.ref, no_checklist.ref]
    assert listed(client, risk="high", source="police") == [high_police.ref]
    assert listed(client, risk="nonsense") == listed(client)  # an unknown filter is ignored, not an error
    # The queue's own row (each victim it names has a row on her record besides: test_named_audit.py).
    event = AuditEvent.objects.filter(actor=coordinator, action=AuditAction.VIEW, object_type="marac.maraccase").latest(
        "sequence"
    )
    assert event.detail["page"] == "MARAC triage queue" and "police" not in str(event.detail["results"])


def test_accepted_and_waiting_for_a_meeting_is_its_own_list(client_for, coordinator, agencies):  # noqa: F811
    meeting = MaracMeeting.objects.create(ref="MM-1", held_on=BASE + dt.timedelta(days=10))
    waiting = referral(agencies["police"], days_waiting=5, score=16, status=MaracCaseStatus.ACCEPTED)
    referral(agencies["police"], days_waiting=5, score=16, status=MaracCaseStatus.LISTED, meeting=meeting)
    referred = referral(agencies["police"], days_waiting=5, score=16)
    client = client_for(coordinator)
    assert listed(client, show="accepted") == [waiting.ref]
    assert listed(client) == [referred.ref]
    assert len(listed(client, show="all")) == 3


def test_the_awaiting_list_reaches_the_newest_of_300(client_for, coordinator, agencies):  # noqa: F811
    made = [referral(agencies["police"], days_waiting=days, score=16) for days in range(300, 0, -1)]
    newest = made[-1]
    client = client_for(coordinator)
    first = client.get(reverse("marac:referrals"))
    page = first.context["page"]
    assert page.paginator.count == 300 and page.paginator.num_pages == 6
    last = listed(client, page=6)
    assert last[-1] == newest.ref  # oldest first at equal risk: the newest is the very last
    seen = set()
    for number in range(1, 7):
        seen |= set(listed(client, page=number))
    assert seen == {case.ref for case in made}


def test_the_referring_agencys_list_is_searchable_and_narrows_to_mine(client_for, police_agency, marac_agency):  # noqa: F811
    from waymark.marac.referrals.actions import CONSENT_GIVEN, marac_referral_create
    from waymark.referrals.actions import PersonDetails

    me = make_member(Role.REFERRER, agency=police_agency, full_name="Dee Tective")
    colleague = make_member(Role.REFERRER, agency=police_agency, full_name="Col League")

    def refer(user, name):
        return marac_referral_create(
            actor=user,
            referring_agency=police_agency,
            victim=None,
            victim_details=PersonDetails(given_name=name, family_name="Smith"),
            perpetrator=None,
            checklist_score=16,
            criteria=["visible_high_risk"],
            children_in_household=0,
            sharing=CONSENT_GIVEN,
        )

    mine = refer(me, "Ann")
    theirs = refer(colleague, "Bea")
    client = client_for(me)

    def refs(**query):
        response = client.get(reverse("marac:mine"), query)
        assert response.status_code == 200
        return {case.ref for case in response.context["referrals"]}

    assert refs() == {mine.ref, theirs.ref}
    assert refs(ref=theirs.ref.lower()) == {theirs.ref}
    assert refs(made_by="me") == {mine.ref}
    assert refs(made_by="me", ref=theirs.ref) == set()
    event = AuditEvent.objects.filter(actor=me, action=AuditAction.SEARCH).latest("sequence")
    assert event.detail["criteria"] == ["ref", "made_by_me"] and theirs.ref not in str(event.detail)


def test_a_victim_referred_twice_is_marked_in_the_queue(client_for, coordinator, agencies):  # noqa: F811
    """Two agencies (or one, twice) may refer the same woman: the coordinator decides which goes
    ahead, so each row says the other is waiting too. A referral heard already is not "waiting"."""
    first = referral(agencies["police"], days_waiting=5, score=15)
    second = referral(agencies["health"], days_waiting=2, score=15)
    MaracCase.objects.filter(pk=second.pk).update(victim=first.victim)
    heard = referral(agencies["idva"], days_waiting=300, status=MaracCaseStatus.HEARD)
    alone = referral(agencies["idva"], days_waiting=3, score=15)
    MaracCase.objects.filter(pk=heard.pk).update(victim=alone.victim)
    response = client_for(coordinator).get(reverse("marac:referrals"))
    rows = {row["case"].ref: row["case"].also_waiting for row in response.context["rows"]}
    assert rows == {first.ref: second.ref, second.ref: first.ref, alone.ref: None}
    assert f"{second.ref} is waiting too" in response.content.decode()
