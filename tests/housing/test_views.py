"""Housing pages: the access matrix, the caseload's order, filters and pages, the forms end to
end, the temporary-accommodation address rule, and the audit of every view."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, PlacementType, ReliefEnd
from waymark.housing.models import ApplicationStage, HomelessnessApplication

pytestmark = pytest.mark.django_db


def _assessed(officer, application, outcome=AssessmentOutcome.HOMELESS, on=date(2026, 11, 2)):
    return actions.application_assess(actor=officer, application=application, assessed_on=on, outcome=outcome)


def test_caseload_access_matrix(
    application, officer, colleague_officer, other_officer, idva, programme_worker, commissioner, outsider
):
    url = reverse("housing:caseload")
    assert signed_in_client(officer).get(url).status_code == 200
    assert application.number.encode() in signed_in_client(colleague_officer).get(url).content
    other = signed_in_client(other_officer).get(url)
    assert other.status_code == 200 and application.number.encode() not in other.content
    for user in (idva, programme_worker, commissioner, outsider):
        assert signed_in_client(user).get(url).status_code == 403


def test_application_page_access_matrix(
    application, officer, colleague_officer, other_officer, idva, programme_worker, commissioner
):
    url = reverse("housing:application", args=[application.pk])
    assert signed_in_client(officer).get(url).status_code == 200
    assert signed_in_client(colleague_officer).get(url).status_code == 200
    assert signed_in_client(other_officer).get(url).status_code == 404
    for user in (idva, programme_worker, commissioner):
        assert signed_in_client(user).get(url).status_code == 403
    missing = reverse("housing:application", args=["00000000-0000-0000-0000-000000000000"])
    assert signed_in_client(officer).get(missing).status_code == 404


def test_every_application_page_is_404_for_another_council(application, officer, other_officer):
    _assessed(officer, application)
    duty = application.duties.get()
    placement = actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.HOSTEL,
        started_on=date(2026, 11, 2),
        area="Southmere",
        out_of_district=False,
    )
    client = signed_in_client(other_officer)
    for name, args in [
        ("housing:household_add", [application.pk]),
        ("housing:assess", [application.pk]),
        ("housing:duty_end", [application.pk, duty.pk]),
        ("housing:placement_new", [application.pk]),
        ("housing:placement_end", [application.pk, placement.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse(name, args=args), {}).status_code == 404, name


def test_viewing_an_application_is_audited_without_a_name(application, officer):
    signed_in_client(officer).get(reverse("housing:application", args=[application.pk]))
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(application.pk)).latest("sequence")
    assert event.actor == officer
    assert "Rosa" not in str(event.detail)


def test_a_refused_application_is_audited(application, other_officer):
    signed_in_client(other_officer).get(reverse("housing:application", args=[application.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(application.pk)).exists()


def test_caseload_is_audited_as_a_search(application, officer):
    signed_in_client(officer).get(reverse("housing:caseload"), {"stage": "open"})
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="housing.homelessnessapplication").latest(
        "sequence"
    )
    assert event.detail["results"] == 1


def test_caseload_puts_duties_ending_soonest_first_and_filters(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 20))
    late = new_application(officer, applicant, applied_on=date(2026, 11, 19))
    soon = new_application(officer, PersonFactory(held_by=applicant.held_by), applied_on=date(2026, 10, 1))
    unassessed = new_application(officer, PersonFactory(held_by=applicant.held_by), applied_on=date(2026, 11, 20))
    _assessed(officer, late, on=date(2026, 11, 19))  # target 14 January 2027
    _assessed(officer, soon, on=date(2026, 10, 1))  # target 26 November 2026: 6 days left
    client = signed_in_client(officer)
    page = client.get(reverse("housing:caseload")).content.decode()
    assert page.index(soon.number) < page.index(late.number) < page.index(unassessed.number)
    assert "26 November 2026" in page
    ending = client.get(reverse("housing:caseload"), {"ending": "7"}).content.decode()
    assert soon.number in ending and late.number not in ending and unassessed.number not in ending
    waiting = client.get(reverse("housing:caseload"), {"stage": "awaiting_assessment"}).content.decode()
    assert unassessed.number in waiting and soon.number not in waiting


def test_caseload_mine_filter(officer, colleague_officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    mine = new_application(officer, applicant)
    theirs = new_application(colleague_officer, PersonFactory(held_by=applicant.held_by))
    page = signed_in_client(officer).get(reverse("housing:caseload"), {"mine": "1"}).content.decode()
    assert mine.number in page and theirs.number not in page


def test_caseload_is_paginated_not_truncated(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    for _ in range(27):
        new_application(officer, PersonFactory(held_by=applicant.held_by))
    client = signed_in_client(officer)
    first = client.get(reverse("housing:caseload"))
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.count == 27
    second = client.get(reverse("housing:caseload"), {"page": 2})
    assert len(second.context["rows"]) == 2
    assert client.get(reverse("housing:caseload"), {"stage": "nonsense", "ending": "x"}).status_code == 200


def test_record_assess_and_end_through_the_forms(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    client = signed_in_client(officer)
    response = client.post(
        reverse("housing:application_new"),
        {
            "person": str(applicant.pk),
            "applied_on_0": "2",
            "applied_on_1": "11",
            "applied_on_2": "2026",
            "loss_reason": "domestic_abuse",
            "support_needs": ["domestic_abuse", "mental_health"],
            "accommodation_at_application": "with_family",
            "referral_route": "self",
            "children": "2",
            "other_adults": "0",
        },
    )
    application = HomelessnessApplication.objects.get()
    assert response.status_code == 302 and application.household.count() == 2
    response = client.post(
        reverse("housing:assess", args=[application.pk]),
        {
            "assessed_on_0": "2",
            "assessed_on_1": "11",
            "assessed_on_2": "2026",
            "outcome": "homeless",
            "version": application.version,
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStage.RELIEF and application.priority_need_automatic
    duty = application.duties.get()
    # A stale form (the version it was read at) is refused and nothing changes.
    stale = client.post(
        reverse("housing:duty_end", args=[application.pk, duty.pk]),
        {"ended_on_0": "2", "ended_on_1": "11", "ended_on_2": "2026", "reason": ReliefEnd.WITHDRAWN, "version": 1},
    )
    assert stale.status_code == 409 and b"changed this record" in stale.content
    duty.refresh_from_db()
    assert duty.ended_on is None
    done = client.post(
        reverse("housing:duty_end", args=[application.pk, duty.pk]),
        {
            "ended_on_0": "2",
            "ended_on_1": "11",
            "ended_on_2": "2026",
            "reason": ReliefEnd.WITHDRAWN,
            "version": application.version,
        },
    )
    assert done.status_code == 302
    page = client.get(reverse("housing:application", args=[application.pk])).content.decode()
    assert "Frozen" in page and "Withdrew application" in page


def test_bad_application_form_shows_errors_and_saves_nothing(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    response = signed_in_client(officer).post(reverse("housing:application_new"), {"person": str(applicant.pk)})
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not HomelessnessApplication.objects.exists()


def test_placement_address_is_shown_only_to_the_officer_holding_the_application(
    application, officer, colleague_officer
):
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 11, 2),
        area="Southmere",
        out_of_district=False,
        address="CANARY-TA-7 Guest House",
    )
    url = reverse("housing:application", args=[application.pk])
    assert b"CANARY-TA-7" in signed_in_client(officer).get(url).content
    colleague_page = signed_in_client(colleague_officer).get(url)
    assert colleague_page.status_code == 200 and b"CANARY-TA-7" not in colleague_page.content
    assert b"Southmere" in colleague_page.content


def test_the_end_of_duty_date_starts_at_today_in_london_and_can_be_changed(application, officer, time_machine):
    """A walkthrough found the date empty. It starts at London's today (here just after midnight in
    summer time, when the UTC date is still the day before); a typed date still wins, and an
    emptied one is still refused."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _assessed(officer, application, on=date(2026, 11, 2))
    duty = application.duties.get()
    time_machine.move_to(datetime(2027, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
    client = signed_in_client(officer)
    url = reverse("housing:duty_end", args=[application.pk, duty.pk])
    page = client.get(url).content.decode()
    for name, value in (("ended_on_0", "1"), ("ended_on_1", "4"), ("ended_on_2", "2027")):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"', page), name
    application.refresh_from_db()
    empty = client.post(url, {"reason": ReliefEnd.WITHDRAWN, "version": application.version})
    assert empty.status_code == 200 and b"There is a problem" in empty.content
    assert b"date the duty ended" in empty.content
    changed = client.post(
        url,
        {
            "ended_on_0": "20",
            "ended_on_1": "3",
            "ended_on_2": "2027",
            "reason": ReliefEnd.WITHDRAWN,
            "version": application.version,
        },
    )
    assert changed.status_code == 302
    duty.refresh_from_db()
    assert duty.ended_on == date(2027, 3, 20)


def test_the_end_of_placement_date_starts_at_today_in_london(application, officer, time_machine):
    """As the end of a duty: London's today (just after midnight in summer time, the UTC date still
    the day before), which the officer may change."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _assessed(officer, application, on=date(2026, 11, 2))
    placement = actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.HOSTEL,
        started_on=date(2026, 11, 2),
        area="Southmere",
        out_of_district=False,
    )
    time_machine.move_to(datetime(2027, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
    page = signed_in_client(officer).get(reverse("housing:placement_end", args=[application.pk, placement.pk]))
    html = page.content.decode()
    for name, value in (("ended_on_0", "1"), ("ended_on_1", "4"), ("ended_on_2", "2027")):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"', html), name
