"""After a merge the partnership counts her once (issue 10, item 1): the repeat rules, flag and tag,
the journey, caseloads and the outcome reports. Each test first shows the two records counted as
two (so it can fail), then merges them and shows one.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.outcomes.factories import make_assessment, make_case
from waymark.cases.states import CaseStatus
from waymark.incidents.actions import incident_record
from waymark.marac.flags import flag_incidents
from waymark.marac.models import FlagAlert, MaracCase, MaracCaseStatus
from waymark.marac.repeats import repeats_for_victims
from waymark.matching.merge import person_merge
from waymark.outcomes.kpis import compute_outcomes, outcome_figures
from waymark.outcomes.reports import outcome_rows
from waymark.people.access import people_worked_with
from waymark.people.models import Person
from waymark.risk.selectors import reassessments_due

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 20)
REASON = "Same date of birth, postcode and phone"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(datetime(2026, 11, 20, 14, 0, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def harm(specialist_agency):
    return Person.objects.create(
        held_by=specialist_agency, given_name="Mark", family_name="Hollis", primary_role="person_causing_harm"
    )


@pytest.fixture
def known(specialist_agency):
    return Person.objects.create(
        held_by=specialist_agency, given_name="Rosa", family_name="Lindqvist", date_of_birth=date(1990, 3, 4)
    )


@pytest.fixture
def duplicate(specialist_agency):
    """The same woman, recorded again with a typo in her family name."""
    return Person.objects.create(
        held_by=specialist_agency, given_name="Rosa", family_name="Lindquist", date_of_birth=date(1990, 3, 4)
    )


def merge(manager, known, duplicate):
    return person_merge(
        actor=manager, survivor=known, absorbed=duplicate, resolutions={"family_name": "survivor"}, reason=REASON
    )


def test_the_local_repeat_rule_counts_an_earlier_hearing_on_the_other_record(manager, known, duplicate, harm):
    """The 12-month rule is shown in test_merge; the local rule (heard at any earlier MARAC) too."""
    from waymark.marac.models import MaracMeeting, MeetingStatus

    held = MaracMeeting.objects.create(ref="M-EARLIER", held_on=date(2025, 1, 10), status=MeetingStatus.HELD)
    MaracCase.objects.create(
        ref="HIST-L", victim=duplicate, referred_on=date(2025, 1, 2), status=MaracCaseStatus.HEARD, meeting=held
    )
    now = MaracCase.objects.create(
        ref="NOW-L", victim=known, perpetrator=harm, referred_on=date(2026, 11, 1), status=MaracCaseStatus.ACCEPTED
    )
    assert repeats_for_victims([known.pk])[now.pk].ever is None
    merge(manager, known, duplicate)
    finding = repeats_for_victims([known.pk])[now.pk]
    assert finding.ever is not None and finding.ever.case_ref == "HIST-L"


def test_flag_and_tag_covers_her_with_a_referral_made_on_the_other_record(manager, idva, known, duplicate, harm):
    MaracCase.objects.create(
        ref="HIST-F", victim=duplicate, perpetrator=harm, referred_on=date(2026, 6, 1), status=MaracCaseStatus.ACCEPTED
    )
    before = incident_record(actor=idva, victim=known, perpetrator=harm, occurred_on=date(2026, 11, 1))
    assert not FlagAlert.objects.filter(incident=before).exists()  # a stranger to that referral
    merge(manager, known, duplicate)
    after = incident_record(actor=idva, victim=known, perpetrator=harm, occurred_on=date(2026, 11, 10))
    alert = FlagAlert.objects.get(incident=after)
    assert alert.earlier_case.ref == "HIST-F"
    # The incident recorded before the merge is on her record now and is flagged once, not twice.
    flag_incidents([before.pk, after.pk])
    assert FlagAlert.objects.filter(incident=before).count() == 1
    assert FlagAlert.objects.filter(incident=after).count() == 1


def test_her_journey_holds_both_records_history_and_the_alias_opens_it(
    client_for, specialist_agency, idva_team, idva, manager, known, duplicate
):
    make_case(
        agency=specialist_agency, person=known, team=idva_team, status=CaseStatus.CLOSED, referred_on=date(2024, 2, 1)
    )
    make_case(
        agency=specialist_agency,
        person=duplicate,
        team=idva_team,
        caseworker=idva,
        status=CaseStatus.ACTIVE,
        referred_on=date(2026, 11, 2),
    )
    make_assessment(known, date(2024, 2, 3), "medium")
    make_assessment(duplicate, date(2026, 11, 3), "high")
    client = client_for(manager)

    def checklists_on_journey(person):
        page = client.get(reverse("journey:person", args=[person.pk]), {"kind": "risk"})
        assert page.status_code == 200
        return sorted(entry.on for entry in page.context["page"].object_list)

    assert checklists_on_journey(known) == [date(2024, 2, 3)]
    merge(manager, known, duplicate)
    assert checklists_on_journey(known) == [date(2024, 2, 3), date(2026, 11, 3)]
    alias = client.get(reverse("journey:person", args=[duplicate.pk]))
    assert alias.status_code == 302
    assert alias["Location"] == reverse("journey:person", args=[known.pk])


def test_caseloads_count_her_once(specialist_agency, idva_team, idva, manager, known, duplicate):
    """The IDVA's 'People you work with' and the reassessments due on her caseload."""
    for person in (known, duplicate):
        make_case(
            agency=specialist_agency,
            person=person,
            team=idva_team,
            caseworker=idva,
            status=CaseStatus.ACTIVE,
            referred_on=date(2026, 5, 1),
        )
    make_assessment(known, date(2026, 5, 4), "high")
    make_assessment(duplicate, date(2026, 6, 1), "high")
    assert people_worked_with(idva).count() == 2
    assert len(reassessments_due(user=idva, on=TODAY)) == 2
    merge(manager, known, duplicate)
    assert list(people_worked_with(idva).values_list("pk", flat=True)) == [known.pk]
    due = reassessments_due(user=idva, on=TODAY)
    assert [(entry.person_id, entry.latest_on) for entry in due] == [(known.pk, date(2026, 6, 1))]


def test_outcome_reports_count_her_once_among_people_supported(specialist_agency, idva_team, manager, known, duplicate):
    for person, engaged in ((known, date(2026, 5, 6)), (duplicate, date(2026, 9, 7))):
        make_case(
            agency=specialist_agency,
            person=person,
            team=idva_team,
            status=CaseStatus.CLOSED,
            referred_on=engaged,
            engaged_on=engaged,
        )
    start, end = date(2026, 4, 1), date(2026, 10, 31)

    def people_supported():
        in_python = compute_outcomes(start, end, as_of=TODAY, partnership_wide=True)["people_supported"].value
        in_database = (
            outcome_figures(start, end, as_of=TODAY, partnership_wide=True).outcomes()["people_supported"].value
        )
        report = outcome_rows(start, end, as_of=TODAY)[0]
        assert in_python == in_database == report["people_supported"]
        assert (
            compute_outcomes(start, end, as_of=TODAY, partnership_wide=True)["supported"].value == 2
        )  # two episodes of support
        return in_python

    assert people_supported() == 2
    merge(manager, known, duplicate)
    assert people_supported() == 1
