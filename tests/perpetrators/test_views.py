"""Pages for programme workers: the access matrix for every view, then the journeys through them
(a bad answer shows an error and saves nothing)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from tests.perpetrators.conftest import days_ago, make_enrolment
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.perpetrators.choices import EnrolmentStatus, FlagKind
from waymark.perpetrators.models import BehaviourOutcome, Enrolment, RiskFlag, SessionAttendance, VictimLink

pytestmark = pytest.mark.django_db

LIST_PAGES = ["perpetrators:list", "perpetrators:refer", "perpetrators:flags"]
ENROLMENT_PAGES = ["detail", "assess", "enrol", "end", "flag_raise", "victim_link"]


def _enrolment_urls(enrolment):
    urls = [reverse(f"perpetrators:{name}", args=[enrolment.pk]) for name in ENROLMENT_PAGES]
    urls.append(reverse("perpetrators:outcome", args=[enrolment.pk, "start"]))
    return urls


def _date_parts(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_worker_opens_every_page(client_for, programme_worker, enrolment):
    client = client_for(programme_worker)
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    for url in _enrolment_urls(enrolment):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()])).status_code == 200
    assert client.get(reverse("perpetrators:register_today")).status_code == 302


@pytest.mark.parametrize("persona", ["idva", "manager", "police_referrer", "auditor", "outsider"])
def test_other_roles_are_refused_every_page(client_for, request, persona, enrolment):
    client = client_for(request.getfixturevalue(persona))
    urls = [reverse(name) for name in LIST_PAGES] + _enrolment_urls(enrolment)
    urls.append(reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()]))
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_worker_elsewhere_gets_404_for_the_enrolment_and_an_empty_list(
    client_for, programme_worker_elsewhere, enrolment
):
    client = client_for(programme_worker_elsewhere)
    for url in _enrolment_urls(enrolment):
        assert client.get(url).status_code == 404, url
    assert "Kevin" not in client.get(reverse("perpetrators:list") + "?status=all").content.decode()
    register = client.get(reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()])).content.decode()
    assert "Kevin" not in register
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(enrolment.pk)).exists()


def test_unknown_ids_and_dates_are_404(client_for, programme_worker, enrolment):
    client = client_for(programme_worker)
    assert client.get(reverse("perpetrators:register", args=["2026-02-30"])).status_code == 404
    assert client.get(reverse("perpetrators:outcome", args=[enrolment.pk, "later"])).status_code == 404


def test_detail_is_audited(client_for, programme_worker, enrolment):
    client_for(programme_worker).get(reverse("perpetrators:detail", args=[enrolment.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(enrolment.pk)).exists()


def test_refer_assess_enrol_through_the_pages(client_for, idva, programme_worker, participant, specialist_agency):
    """The caseworker refers from the person's page; the programme assesses and enrols."""
    person_page = client_for(idva).get(reverse("people:detail", args=[participant.pk])).content.decode()
    url = reverse("perpetrators:programme_referral") + f"?person={participant.pk}"
    assert url.replace("&", "&amp;") in person_page or url in person_page
    form = client_for(idva).get(url).content.decode()
    assert specialist_agency.name in form and "Kevin Lewis" in form
    response = client_for(idva).post(
        url, {"agency": str(specialist_agency.pk), **_date_parts("referred_on", days_ago(10))}
    )
    assert "Referral sent" in response.content.decode()
    enrolment = Enrolment.objects.get()
    assert (enrolment.participant, enrolment.referred_by) == (participant, idva)
    client = client_for(programme_worker)
    assert "Kevin" in client.get(reverse("perpetrators:list")).content.decode()
    client.post(
        reverse("perpetrators:assess", args=[enrolment.pk]),
        {**_date_parts("assessed_on", days_ago(5)), "suitable": "yes", "note": "Motivated"},
    )
    client.post(
        reverse("perpetrators:enrol", args=[enrolment.pk]),
        {**_date_parts("starts_on", days_ago(1)), "sessions_planned": "26"},
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.sessions_planned, enrolment.assessment_note) == ("enrolled", 26, "Motivated")


def test_the_programme_worker_cannot_use_the_referral_page(client_for, programme_worker, participant):
    url = reverse("perpetrators:programme_referral") + f"?person={participant.pk}"
    assert client_for(programme_worker).get(url).status_code == 403


def test_a_referrer_cannot_name_a_person_they_may_not_see(client_for, programme_worker, participant):
    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory())
    url = reverse("perpetrators:programme_referral") + f"?person={participant.pk}"
    assert client_for(elsewhere).get(url).status_code == 404


def test_self_referral_page_offers_no_one_from_the_records(client_for, programme_worker, participant, victim):
    body = client_for(programme_worker).get(reverse("perpetrators:refer")).content.decode()
    assert "Kevin" not in body and "Maya" not in body
    assert "How you verified who they are" in body


def test_bad_answers_show_errors_and_save_nothing(client_for, programme_worker, participant):
    client = client_for(programme_worker)
    response = client.post(reverse("perpetrators:refer"), {"given_name": "Dean", "check": "identity_documents"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Enrolment.objects.exists()
    enrolment = make_enrolment(participant=participant, agency=participant.held_by, status=EnrolmentStatus.REFERRED)
    response = client.post(
        reverse("perpetrators:assess", args=[enrolment.pk]),
        {**_date_parts("assessed_on", days_ago(1)), "suitable": "no"},
    )
    assert "Choose why the person is not suitable" in response.content.decode()
    assert Enrolment.objects.get().status == EnrolmentStatus.REFERRED


def test_register_records_a_session_for_everyone_at_once(client_for, programme_worker, enrolment, specialist_agency):
    from tests.people.factories import PersonFactory

    second = make_enrolment(
        participant=PersonFactory(held_by=specialist_agency, primary_role="person_causing_harm", given_name="Zed"),
        agency=specialist_agency,
    )
    on = enrolment.starts_on.isoformat()
    url = reverse("perpetrators:register", args=[on])
    client = client_for(programme_worker)
    body = client.get(url).content.decode()
    assert "Kevin" in body and "Zed" in body
    response = client.post(
        url,
        {
            f"attendance_{enrolment.pk}": "attended",
            f"note_{enrolment.pk}": "Engaged well",
            f"attendance_{second.pk}": "absent_without_reason",
        },
    )
    assert response.status_code == 302
    assert SessionAttendance.objects.count() == 2
    assert RiskFlag.objects.get().enrolment == second
    assert "Engaged well" in client.get(url).content.decode()


def test_register_refuses_an_empty_or_future_register(client_for, programme_worker, enrolment):
    client = client_for(programme_worker)
    url = reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()])
    assert "Choose the attendance" in client.post(url, {}).content.decode()
    future = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(reverse("perpetrators:register", args=[future]), {f"attendance_{enrolment.pk}": "attended"})
    assert "in the future" in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_register_date_chooser(client_for, programme_worker):
    client = client_for(programme_worker)
    response = client.get(reverse("perpetrators:register_today"), {"on_0": "3", "on_1": "2", "on_2": "2026"})
    assert response.url == reverse("perpetrators:register", args=["2026-02-03"])
    bad = client.get(reverse("perpetrators:register_today"), {"on_0": "31", "on_1": "2", "on_2": "2026"})
    assert "must be a real date" in bad.content.decode()


def test_outcomes_flags_victim_and_end_through_the_pages(client_for, programme_worker, enrolment, victim):
    client = client_for(programme_worker)
    measures = {
        "acknowledges_abuse": "partly",
        "takes_responsibility": "partly",
        "controlling_behaviour": "weekly",
        "physical_violence": "none",
        "understands_impact_on_children": "no_children",
        "partner_safety": "not_known",
    }
    client.post(
        reverse("perpetrators:outcome", args=[enrolment.pk, "start"]),
        {**_date_parts("recorded_on", enrolment.starts_on), **measures},
    )
    assert BehaviourOutcome.objects.filter(enrolment=enrolment, point="start").exists()
    client.post(
        reverse("perpetrators:flag_raise", args=[enrolment.pk]),
        {"kind": "breach", **_date_parts("raised_on", days_ago(2)), "detail": "Breached licence"},
    )
    assert RiskFlag.objects.get().kind == FlagKind.BREACH
    link_page = client.get(reverse("perpetrators:victim_link", args=[enrolment.pk])).content.decode()
    # Linking shows no name the programme worker did not already hold, and no record id.
    assert "Maya" not in link_page and str(victim.pk) not in link_page
    assert "Person 1: former partner, known from a recorded relationship" in link_page
    assert AuditEvent.objects.filter(
        actor=programme_worker, action=AuditAction.VIEW, detail__page="victim_candidates"
    ).exists()
    found = re.search(r'name="victim"[^>]*value="(\w+)"|value="(\w+)"[^>]*name="victim"', link_page)
    assert found is not None
    token = found.group(1) or found.group(2)
    client.post(
        reverse("perpetrators:victim_link", args=[enrolment.pk]), {"victim": token, "relationship": "former_partner"}
    )
    assert VictimLink.objects.get().victim == victim
    detail = client.get(reverse("perpetrators:detail", args=[enrolment.pk])).content.decode()
    assert "Maya" not in detail and str(victim.pk) not in detail
    assert "Victim 1: former partner" in detail
    response = client.post(
        reverse("perpetrators:end", args=[enrolment.pk]),
        {"outcome": "dropped_out", **_date_parts("ended_on", days_ago(1))},
    )
    assert "Choose why they left" in response.content.decode()
    client.post(
        reverse("perpetrators:end", args=[enrolment.pk]),
        {"outcome": "dropped_out", **_date_parts("ended_on", days_ago(1)), "reason": "moved_away"},
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.DROPPED_OUT
    flags = client.get(reverse("perpetrators:flags")).content.decode()
    assert "Dropped out of the programme" in flags and "Breach of an order" in flags


def test_completion_refused_on_the_page_with_the_reason(client_for, programme_worker, enrolment):
    response = client_for(programme_worker).post(
        reverse("perpetrators:end", args=[enrolment.pk]),
        {"outcome": "completed", **_date_parts("ended_on", days_ago(1))},
    )
    assert "sessions needed to complete" in response.content.decode()
    assert Enrolment.objects.get().status == EnrolmentStatus.ENROLLED


def test_list_filters_by_status(client_for, programme_worker, enrolment, specialist_agency):
    from tests.people.factories import PersonFactory

    make_enrolment(
        participant=PersonFactory(held_by=specialist_agency, primary_role="person_causing_harm", given_name="Done"),
        agency=specialist_agency,
        status=EnrolmentStatus.COMPLETED,
        ended_on=days_ago(1),
    )
    client = client_for(programme_worker)
    current = client.get(reverse("perpetrators:list")).content.decode()
    assert "Kevin" in current and "Done" not in current
    assert "Done" in client.get(reverse("perpetrators:list") + "?status=completed").content.decode()


def test_record_a_verified_self_referral_through_the_page(client_for, programme_worker):
    client = client_for(programme_worker)
    base = {**_date_parts("referred_on", days_ago(2)), "given_name": "Dean", "family_name": "Marsh"}
    response = client.post(reverse("perpetrators:refer"), base)
    assert "Say how you verified who they are" in response.content.decode()
    assert not Enrolment.objects.exists()
    response = client.post(reverse("perpetrators:refer"), {**base, "check": "confirmed_with_probation"})
    enrolment = Enrolment.objects.get()
    assert response.url == reverse("perpetrators:detail", args=[enrolment.pk])
    assert (enrolment.participant.full_name, enrolment.source) == ("Dean Marsh", "self")


def test_register_refuses_an_overlong_note_and_saves_nothing(client_for, programme_worker, enrolment):
    url = reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()])
    response = client_for(programme_worker).post(
        url, {f"attendance_{enrolment.pk}": "attended", f"note_{enrolment.pk}": "x" * 5001}
    )
    assert "must be 5,000 characters or fewer" in response.content.decode()
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize("page", ["list", "flags", "register", "detail", "victim_link"])
def test_every_programme_page_that_lists_people_is_audited(client_for, programme_worker, enrolment, page):
    urls = {
        "list": reverse("perpetrators:list"),
        "flags": reverse("perpetrators:flags"),
        "register": reverse("perpetrators:register", args=[enrolment.starts_on.isoformat()]),
        "detail": reverse("perpetrators:detail", args=[enrolment.pk]),
        "victim_link": reverse("perpetrators:victim_link", args=[enrolment.pk]),
    }
    client = client_for(programme_worker)  # signing in is itself audited
    before = AuditEvent.objects.filter(actor=programme_worker).count()
    assert client.get(urls[page]).status_code == 200
    audited = AuditEvent.objects.filter(actor=programme_worker).order_by("-sequence")[: 1 if page else 0]
    assert AuditEvent.objects.filter(actor=programme_worker).count() == before + 1
    assert audited[0].action in (AuditAction.VIEW, AuditAction.SEARCH)


def test_the_register_opens_on_the_sessions_own_day(client_for, programme_worker, participant, specialist_agency):
    """Issue 10, item 4: sessions are weekly on the day the programme started; the register opens on
    the latest session day, not on whatever day it is today."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    from tests.perpetrators.conftest import make_enrolment

    tuesday = dt.date(2026, 9, 1)
    enrolment = make_enrolment(
        participant=participant, agency=specialist_agency, worker=programme_worker, starts_on=tuesday
    )
    friday = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(friday, tick=False):
        client = client_for(programme_worker)
        opened = client.get(reverse("perpetrators:register_today"))
        assert opened.url == reverse("perpetrators:register", args=["2026-11-17"])  # the Tuesday before
        page = client.get(reverse("perpetrators:detail", args=[enrolment.pk])).content.decode()
        assert reverse("perpetrators:register", args=["2026-11-17"]) in page


def test_a_flag_with_a_postcode_asks_to_confirm_then_saves(client_for, programme_worker, enrolment):
    client = client_for(programme_worker)
    url = reverse("perpetrators:flag_raise", args=[enrolment.pk])
    data = {"kind": "other", **_date_parts("raised_on", days_ago(1)), "detail": "Says she is now near LS6 2AB"}
    first = client.post(url, data)
    assert first.status_code == 200 and not RiskFlag.objects.filter(enrolment=enrolment).exists()
    body = first.content.decode()
    assert "govuk-warning-text" in body and "looks as if it contains a postcode" in body
    assert 'name="location_confirmed"' in body
    confirmed = client.post(url, {**data, "location_confirmed": "on"})
    assert confirmed.status_code == 302
    assert RiskFlag.objects.filter(enrolment=enrolment).count() == 1  # saved: a warning, not a block
    plain = client.post(
        url, {"kind": "other", **_date_parts("raised_on", days_ago(1)), "detail": "Missed two calls"}, follow=True
    )
    assert "looks as if it contains" not in plain.content.decode()
    assert RiskFlag.objects.filter(enrolment=enrolment).count() == 2
