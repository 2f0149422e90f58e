"""Agenda building: accepted referrals up to the meeting's capacity (16 fit, the 17th is refused),
reordering, removing (back to accepted); both repeat rules and the criteria shown for each case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import accepted_case, in_days, listed_case, make_meeting, read_at
from waymark.marac.meetings.actions import MeetingError, agenda_add, agenda_move, agenda_remove
from waymark.marac.meetings.selectors import agenda
from waymark.marac.models import MaracCase, MaracCaseStatus, MeetingStatus
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def add_url(meeting):
    return reverse("marac:agenda-add", kwargs={"meeting_id": meeting.pk})


def test_sixteen_fit_and_the_seventeenth_is_refused(coordinator, meeting):
    assert meeting.capacity == 16
    cases = [accepted_case() for _ in range(17)]
    for case in cases[:16]:
        agenda_add(actor=coordinator, meeting=meeting, marac_case=case)
    assert MaracCase.objects.filter(meeting=meeting).count() == 16
    with pytest.raises(MeetingError, match="The agenda is full: it already holds 16 cases"):
        agenda_add(actor=coordinator, meeting=meeting, marac_case=cases[16])
    cases[16].refresh_from_db()
    assert cases[16].meeting is None and cases[16].status == MaracCaseStatus.ACCEPTED


def test_the_page_refuses_the_seventeenth_with_a_clear_message(client_for, coordinator, meeting):
    for _ in range(16):
        listed_case(meeting)
    extra = accepted_case()
    response = client_for(coordinator).post(add_url(meeting), {"case": extra.pk, **read_at(extra)}, follow=True)
    body = response.content.decode()
    assert "The agenda is full" in body and "16 of 16" in body
    extra.refresh_from_db()
    assert extra.meeting is None


def agenda_page(client_for, coordinator, meeting) -> str:
    return client_for(coordinator).get(reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})).content.decode()


def test_a_full_agenda_offers_no_add_and_says_it_is_full(client_for, coordinator, meeting):
    """At capacity the page lists the referrals awaiting a meeting without an "Add" button (the
    action would refuse it) and says why; one place short of it, "Add" is offered."""
    for _ in range(15):
        listed_case(meeting)
    waiting = accepted_case()
    body = agenda_page(client_for, coordinator, meeting)
    assert add_url(meeting) in body and f'Add<span class="govuk-visually-hidden"> {waiting.ref}</span>' in body
    assert 'id="agenda-full"' not in body

    listed_case(meeting)  # the sixteenth: the meeting's capacity
    body = agenda_page(client_for, coordinator, meeting)
    assert waiting.ref in body  # still listed as awaiting a meeting
    assert add_url(meeting) not in body
    assert "to the agenda</button>" not in body
    assert "<strong>16 of 16</strong> cases listed: the agenda is full." in body
    assert 'id="agenda-full"' in body and "The agenda is full: it holds 16 cases" in body


def test_a_full_agenda_refuses_an_add_posted_anyway_and_saves_nothing(client_for, coordinator, meeting):
    """A page read before the agenda filled up still posts "Add": refused, nothing listed or audited."""
    from waymark.audit.models import AuditAction, AuditEvent

    for _ in range(16):
        listed_case(meeting)
    extra = accepted_case()
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    response = client_for(coordinator).post(add_url(meeting), {"case": extra.pk, **read_at(extra)}, follow=True)
    assert "The agenda is full: it already holds 16 cases" in response.content.decode()
    extra.refresh_from_db()
    assert extra.meeting is None and extra.status == MaracCaseStatus.ACCEPTED
    assert MaracCase.objects.filter(meeting=meeting).count() == 16
    assert not AuditEvent.objects.filter(
        sequence__gt=before, action=AuditAction.UPDATE, object_id=str(extra.pk)
    ).exists()


def test_the_capacity_rule_is_one_function(meeting):
    from waymark.marac.meetings.selectors import agenda_is_full

    assert meeting.capacity == 16
    assert not agenda_is_full(meeting, 15)
    assert agenda_is_full(meeting, 16)
    assert agenda_is_full(make_meeting(capacity=1), 1)


def test_capacity_is_the_meetings_own(coordinator):
    small = make_meeting(capacity=1)
    agenda_add(actor=coordinator, meeting=small, marac_case=accepted_case())
    with pytest.raises(MeetingError):
        agenda_add(actor=coordinator, meeting=small, marac_case=accepted_case())


def test_only_accepted_referrals_can_be_listed(coordinator, meeting):
    referred = accepted_case()
    MaracCase.objects.filter(pk=referred.pk).update(status=MaracCaseStatus.REFERRED)
    referred.refresh_from_db()
    with pytest.raises(MeetingError, match="not an accepted referral"):
        agenda_add(actor=coordinator, meeting=meeting, marac_case=referred)


def test_a_held_meetings_agenda_is_closed(coordinator):
    held = make_meeting(held_on=in_days(-7), status=MeetingStatus.HELD)
    with pytest.raises(MeetingError):
        agenda_add(actor=coordinator, meeting=held, marac_case=accepted_case())


def test_listing_sets_status_and_order_then_reorder_and_remove(coordinator, meeting):
    a, b, c = accepted_case(), accepted_case(), accepted_case()
    for case in (a, b, c):
        agenda_add(actor=coordinator, meeting=meeting, marac_case=case)
    assert [x.pk for x in agenda(meeting)] == [a.pk, b.pk, c.pk]
    assert {x.status for x in agenda(meeting)} == {MaracCaseStatus.LISTED}
    agenda_move(actor=coordinator, meeting=meeting, marac_case=c, direction="up")
    assert [x.pk for x in agenda(meeting)] == [a.pk, c.pk, b.pk]
    agenda_move(actor=coordinator, meeting=meeting, marac_case=a, direction="up")  # already first: no change
    assert [x.pk for x in agenda(meeting)] == [a.pk, c.pk, b.pk]
    agenda_remove(actor=coordinator, meeting=meeting, marac_case=c)
    c.refresh_from_db()
    assert c.meeting is None and c.status == MaracCaseStatus.ACCEPTED and c.agenda_position is None
    assert [(x.pk, x.agenda_position) for x in agenda(meeting)] == [(a.pk, 1), (b.pk, 2)]


def test_agenda_page_shows_both_repeat_rules_and_criteria(client_for, coordinator, meeting, police_agency):
    victim = Person.objects.create(given_name="Repeatvictim", family_name="Jones")
    earlier_meeting = make_meeting(held_on=in_days(-100), status=MeetingStatus.HELD, ref="EARLIER-1")
    MaracCase.objects.create(
        ref="OLD-1",
        victim=victim,
        meeting=earlier_meeting,
        referred_on=in_days(-110),
        status=MaracCaseStatus.HEARD,
    )
    # Another person causing harm: a repeat only under the local rule.
    accepted_case(victim=victim, criteria=["professional_judgement", "escalation"], referring_agency=police_agency)
    body = client_for(coordinator).get(reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Repeatvictim" in body
    assert "12-month rule: not a repeat" in body
    assert "heard at EARLIER-1 on" in body
    assert "Professional judgement, Potential escalation" in body


def test_agenda_page_twelve_month_repeat_evidence(client_for, coordinator, meeting):
    victim = Person.objects.create(given_name="V", family_name="One")
    perp = Person.objects.create(given_name="P", family_name="One")
    MaracCase.objects.create(ref="FIRST-1", victim=victim, perpetrator=perp, referred_on=in_days(-200))
    listed_case(meeting, victim=victim, perpetrator=perp)
    body = client_for(coordinator).get(reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})).content.decode()
    first_on = in_days(-200)
    assert f"of FIRST-1, referred {first_on.day} {first_on:%B} {first_on.year}" in body


def test_remove_through_the_page(client_for, coordinator, meeting):
    case = listed_case(meeting)
    url = reverse("marac:agenda-remove", kwargs={"meeting_id": meeting.pk, "case_id": case.pk})
    client_for(coordinator).post(url, read_at(case))
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.ACCEPTED and case.meeting is None


def test_a_case_from_another_meeting_cannot_be_moved_here(client_for, coordinator, meeting, other_meeting):
    theirs = listed_case(other_meeting)
    url = reverse("marac:agenda-remove", kwargs={"meeting_id": meeting.pk, "case_id": theirs.pk})
    assert client_for(coordinator).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.meeting == other_meeting


def test_move_through_the_page(client_for, coordinator, meeting):
    a, b = listed_case(meeting), listed_case(meeting)
    url = reverse("marac:agenda-move", kwargs={"meeting_id": meeting.pk, "case_id": b.pk})
    client_for(coordinator).post(url, {"direction": "up"})
    assert [x.pk for x in agenda(meeting)] == [b.pk, a.pk]
