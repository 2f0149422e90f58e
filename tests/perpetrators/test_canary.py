"""The firewall's acceptance test. A canary string sits in the victim's home address, her refuge
address, her phone numbers and email. A perpetrator-programme worker in the same agency as her
IDVA (the demo's shape) walks every URL pattern of the site with real ids: the survivor's, her
child's, the participant's, the enrolment's, her case's, her referral's and risk assessment's,
her address and phone ids, every session date and outcome point. Through their session and with
an API token. The canary must never appear, in any page, API response, download or error page;
the survivor's contact page is 404. The same fixtures show the canary to her IDVA, so this can fail.
"""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import signed_in_client
from tests.core.test_url_access_rules import ALL_ROUTES, Route
from tests.people.factories import PersonFactory
from tests.perpetrators.conftest import days_ago
from waymark.audit.models import AuditEvent
from waymark.core.access import Audience
from waymark.core.roles import Role
from waymark.people.choices import AddressKind, ChannelKind, PersonRole, RelationshipKind
from waymark.people.models import Address, ContactChannel, Person, Relationship
from waymark.perpetrators import actions
from waymark.perpetrators.models import Enrolment

pytestmark = pytest.mark.django_db

CANARY = "CANARY-PP-9K4"
# Never fetched: signing out would end the walk's session half way.
SKIPPED = {"account_logout"}


@pytest.fixture
def world(
    settings, programme_worker, idva, participant, victim, victim_case, enrolment, specialist_agency, police_referrer
):
    """The victim located in every way, her child, her referral and risk assessment, and the
    programme's enrolment with attendance, outcomes, flags and the victim linked."""
    home = Address.objects.create(
        person=victim, kind=AddressKind.HOME, line1=f"{CANARY} home", town=f"{CANARY} town", postcode=CANARY
    )
    refuge = Address.objects.create(
        person=victim, kind=AddressKind.REFUGE, line1=f"{CANARY} refuge", town=f"{CANARY} area", postcode=CANARY
    )
    mobile = ContactChannel.objects.create(person=victim, kind=ChannelKind.MOBILE, value=f"07{CANARY}")
    email = ContactChannel.objects.create(person=victim, kind=ChannelKind.EMAIL, value=f"{CANARY}@example.org")
    post = ContactChannel.objects.create(person=victim, kind=ChannelKind.POST, address=refuge)
    child = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.CHILD, given_name="Lily")
    Relationship.objects.create(person_a=victim, person_b=child, kind=RelationshipKind.PARENT_OF)
    Address.objects.create(person=child, kind=AddressKind.REFUGE, line1=f"{CANARY} child refuge", postcode=CANARY)
    # Her mother lives with her at the refuge: the same address, on a record the worker may see.
    household = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.HOUSEHOLD_MEMBER)
    Relationship.objects.create(person_a=victim, person_b=household, kind=RelationshipKind.FAMILY_MEMBER)
    Address.objects.create(person=household, kind=AddressKind.HOME, line1=f"{CANARY} refuge", postcode=CANARY)
    ContactChannel.objects.create(person=household, kind=ChannelKind.MOBILE, value=f"07{CANARY}")
    # The participant's own address: the worker may see it (their client), without the canary.
    Address.objects.create(person=participant, kind=AddressKind.HOME, line1="4 Participant Road")

    from tests.referrals.conftest import make_referral

    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    from waymark.referrals.actions import PersonDetails

    referral = make_referral(
        police_referrer,
        subject=PersonDetails(given_name="Maya", family_name="Lewis", sex="female"),
        subject_postcode="ZZ9 9ZZ",
    )
    ContactChannel.objects.create(person=referral.subject, kind=ChannelKind.MOBILE, value=f"07{CANARY}")

    assessment = _assessment_for(victim, idva)

    actions.victim_link(actor=programme_worker, enrolment=enrolment, victim=victim, relationship="former_partner")
    for week, attendance in enumerate(["attended", "late", "absent_without_reason", "absent_with_reason"]):
        actions.attendance_record(
            actor=programme_worker,
            enrolment=enrolment,
            session_on=enrolment.starts_on + timedelta(weeks=week),
            attendance=attendance,
            note="session note",
        )
    measures = {
        "acknowledges_abuse": "partly",
        "takes_responsibility": "partly",
        "controlling_behaviour": "weekly",
        "physical_violence": "none",
        "understands_impact_on_children": "partly",
        "partner_safety": "unsafe",
    }
    actions.outcome_record(
        actor=programme_worker, enrolment=enrolment, point="start", recorded_on=enrolment.starts_on, measures=measures
    )
    actions.flag_raise(actor=programme_worker, enrolment=enrolment, kind="new_relationship", raised_on=days_ago(1))
    ids = {
        "person_id": [victim.pk, child.pk, participant.pk, household.pk, referral.subject.pk],
        "enrolment_id": [enrolment.pk],
        "case_id": [victim_case.pk],
        "address_id": [home.pk, refuge.pk],
        "channel_id": [mobile.pk, email.pk, post.pk],
        "pk": [referral.pk, *([assessment.pk] if assessment else [])],
        "on": [enrolment.starts_on.isoformat(), (enrolment.starts_on + timedelta(weeks=2)).isoformat()],
        "point": ["start", "mid", "end"],
    }
    return {"ids": ids, "victim": victim, "participant": participant, "enrolment": enrolment}


def _assessment_for(person, actor):
    """A risk checklist for the victim, through the risk app, if its instruments are loaded."""
    from waymark.risk.actions import risk_assessment_record
    from waymark.risk.selectors import current_instruments

    instruments = list(current_instruments())
    if not instruments:
        return None
    return risk_assessment_record(
        actor=actor, person=person, instrument=instruments[0], assessed_on=days_ago(3), yes_count=3
    )


def _reachable_by_rule(route: Route) -> bool:
    rule = route.rule
    if rule is None:
        return False
    if rule.audience in (Audience.API, Audience.PUBLIC, Audience.SIGNED_IN_NO_MFA):
        return True
    return not rule.roles or Role.PERPETRATOR_WORKER in rule.roles


def _urls(ids: dict, route: Route, *, all_ids: list) -> list[str]:
    if route.qualified_name is None or route.name in SKIPPED or "admin" in route.namespaces:
        return []
    if not route.params:
        try:
            return [reverse(route.qualified_name)]
        except NoReverseMatch:
            return []
    # Real ids for every parameter the worker's role may reach; one sample for the others.
    choices = [ids.get(param, all_ids) for param in route.params]
    if not _reachable_by_rule(route):
        choices = [values[:1] for values in choices]
    urls = []
    for combination in itertools.product(*choices):
        try:
            urls.append(
                reverse(route.qualified_name, kwargs=dict(zip(route.params, map(str, combination), strict=True)))
            )
        except NoReverseMatch:
            continue
    return urls


EXTRA_QUERIES = [
    ("people:list", "?name=Lewis"),
    ("people:list", "?name=Maya"),
    ("perpetrators:list", "?status=all"),
    ("perpetrators:flags", "?kind=new_relationship"),
]


def _walk(client, world) -> dict[str, int]:
    ids = world["ids"]
    all_ids = [value for key in ("person_id", "enrolment_id", "case_id", "pk") for value in ids[key]]
    statuses: dict[str, int] = {}
    for route in ALL_ROUTES:
        for url in _urls(ids, route, all_ids=all_ids):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert CANARY not in body.decode(errors="replace"), f"{url} ({response.status_code}) shows the canary"
            statuses[url] = response.status_code
    for name, query in EXTRA_QUERIES:
        response = client.get(reverse(name) + query)
        assert CANARY not in response.content.decode()
        statuses[reverse(name) + query] = response.status_code
    return statuses


def test_programme_worker_never_sees_the_canary_anywhere(world, programme_worker, caplog):
    caplog.set_level(logging.DEBUG)
    client = signed_in_client(programme_worker)
    client.raise_request_exception = False
    # The bypass attempts: refer her mother (a household member at the refuge) to the programme,
    # which would make her the worker's "client", through the referral page or the action. Both
    # are refused (the programme has no front door of its own), and the walk below still never
    # shows her address.
    household = world["ids"]["person_id"][3]
    response = client.get(reverse("perpetrators:programme_referral") + f"?person={household}")
    with pytest.raises(PermissionDenied):
        actions.enrolment_refer(
            actor=programme_worker,
            agency=world["enrolment"].agency,
            referred_on=timezone.localdate() - timedelta(days=1),
            participant=Person.objects.get(pk=household),
        )
    statuses = _walk(client, world)
    assert response.status_code == 403
    assert not Enrolment.objects.filter(participant_id=household).exists()
    victim, participant, enrolment = world["victim"], world["participant"], world["enrolment"]
    # The walk is real: their own pages opened, with the victim linked (by relationship, no name)...
    assert statuses[reverse("perpetrators:detail", args=[enrolment.pk])] == 200
    detail = client.get(reverse("perpetrators:detail", args=[enrolment.pk])).content.decode()
    assert "Victim 1: former partner" in detail and "Maya" not in detail
    assert statuses[reverse("people:detail", args=[participant.pk])] == 200
    assert statuses[reverse("people:contact", args=[participant.pk])] == 200
    assert sum(1 for status in statuses.values() if status == 200) >= 15
    # ...and the victim's own pages do not exist for them.
    assert statuses[reverse("people:contact", args=[victim.pk])] == 404
    assert statuses[reverse("people:detail", args=[victim.pk])] == 404
    # Nor does her household member (nobody referred her to the programme).
    assert statuses[reverse("people:detail", args=[household])] == 404
    assert statuses[reverse("people:contact", args=[household])] == 404
    if "journey:person" in {r.qualified_name for r in ALL_ROUTES}:
        assert statuses[reverse("journey:person", args=[victim.pk])] == 404
    assert CANARY not in caplog.text
    for event in AuditEvent.objects.all():
        assert CANARY not in f"{event.detail} {event.object_id} {event.actor_label}"


def test_programme_worker_api_token_never_sees_the_canary(world, programme_worker):
    client = APIClient()
    from tests.api.tokens import issue_token

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(programme_worker)}")
    ids = world["ids"]
    all_ids = [value for key in ("person_id", "enrolment_id", "case_id", "pk") for value in ids[key]]
    fetched = 0
    for route in ALL_ROUTES:
        if "api" not in route.namespaces:
            continue
        for url in _urls(ids, route, all_ids=all_ids):
            for query in ("", "?family_name=Lewis&given_name=Maya", "?postcode=ZZ9+9ZZ&family_name=Lewis"):
                response = client.get(url + query)
                assert CANARY not in response.content.decode(errors="replace"), url
                fetched += 1
    assert fetched >= 6


def test_the_same_walk_shows_the_canary_to_her_idva(world, idva):
    """The control: the canary is really there for those with a need to know."""
    body = signed_in_client(idva).get(reverse("people:contact", args=[world["victim"].pk])).content.decode()
    assert body.count(CANARY) >= 6


def test_error_page_on_a_programme_page_carries_no_canary(world, programme_worker, monkeypatch, caplog):
    from waymark.perpetrators import views

    def broken_render(request, template, context):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(views, "render", broken_render)
    caplog.set_level(logging.DEBUG)
    client: Client = signed_in_client(programme_worker)
    client.raise_request_exception = False
    response = client.get(reverse("perpetrators:detail", args=[world["enrolment"].pk]))
    assert response.status_code == 500
    assert CANARY not in response.content.decode() and CANARY not in caplog.text


SHARED = "CANARY-SHARED-7Q2"


def _address(person, *, line1: str, postcode: str, kind=AddressKind.HOME, **fields) -> Address:
    address = Address(person=person, kind=kind, line1=line1, postcode=postcode, **fields)
    for field, value in address.compute_blind_indexes().items():
        setattr(address, field, value)
    address.save()
    return address


@pytest.mark.parametrize("hers", ["current", "past"])
def test_a_participants_address_that_is_or_was_a_survivors_is_hidden(
    hers, programme_worker, idva, participant, victim, enrolment
):
    """The participant's home is the survivor's (now, or before she left): the programme worker,
    whose client he is, must not see it, on his contact page or anywhere else."""
    _address(participant, line1=f"{SHARED} 12 Elm Road", postcode="LS6 2AB")
    _address(
        victim,
        line1="12 Elm Road",
        postcode="ls62ab",
        **({"is_current": False, "lived_to": days_ago(30)} if hers == "past" else {}),
    )
    client = signed_in_client(programme_worker)
    client.raise_request_exception = False
    contact = client.get(reverse("people:contact", args=[participant.pk]))
    assert contact.status_code in (403, 404)
    for url in (
        reverse("people:detail", args=[participant.pk]),
        reverse("perpetrators:detail", args=[enrolment.pk]),
        reverse("perpetrators:list"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and SHARED not in response.content.decode()
    api = APIClient()
    api.force_login(programme_worker)
    for url in ("/api/people/search/?family_name=Lewis&given_name=Kevin", "/api/referrals/"):
        assert SHARED not in api.get(url).content.decode()
    # The control: with no survivor at that postcode, he is their client and they see it.
    Address.objects.filter(person=victim).delete()
    assert SHARED in client.get(reverse("people:contact", args=[participant.pk])).content.decode()
    # And her IDVA, who holds both records, always does.
    _address(victim, line1="12 Elm Road", postcode="LS6 2AB")
    assert SHARED in signed_in_client(idva).get(reverse("people:contact", args=[participant.pk])).content.decode()
