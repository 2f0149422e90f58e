"""The caseload's MARAC column: an IDVA with forty open cases opened each one to find which had a
MARAC referral open and when its meeting was. "Your cases" now says it on each row, in a few words,
as far as she may see MARAC (the column is registered by MARAC: waymark/cases/caseload_hooks.py,
waymark/marac/home.py; the words and the rule: ``caseload_marac_states``).

Every date here is written out: nothing depends on the day or the hour the tests run.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.conftest import make_case
from tests.factories import MembershipFactory
from tests.people.factories import PersonFactory
from waymark.cases.selectors import worker_dashboard
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.marac.models import ActionStatus, MaracAction, MaracCase, MaracCaseStatus, MaracMeeting, MeetingAgency

pytestmark = pytest.mark.django_db

_refs = itertools.count(1)

REFERRED_ON = date(2027, 2, 1)
LISTED_FOR = date(2027, 3, 12)
HEARD_ON = date(2027, 3, 5)


def open_case(worker, agency, team=None):
    return make_case(
        person=PersonFactory(held_by=agency),
        agency=agency,
        status=CaseStatus.ACTIVE,
        caseworker=worker,
        team=team,
        referred_on=date(2027, 1, 10),
        opened_on=date(2027, 1, 10),
    )


def meeting(held_on: date, *invited) -> MaracMeeting:
    found = MaracMeeting.objects.create(ref=f"MTG-{next(_refs):05d}", held_on=held_on)
    for agency in invited:
        MeetingAgency.objects.create(meeting=found, agency=agency)
    return found


def referral(victim, agency, *, case=None, status=MaracCaseStatus.REFERRED, meeting=None, referred_on=REFERRED_ON):
    """A MARAC referral row written directly, as an import writes them."""
    return MaracCase.objects.create(
        ref=f"M-TEST-{next(_refs):06d}",
        victim=victim,
        referring_agency=agency,
        case=case,
        status=status,
        meeting=meeting,
        referred_on=referred_on,
    )


def action(marac_case, owner_agency, *, status=ActionStatus.OPEN) -> MaracAction:
    return MaracAction.objects.create(
        marac_case=marac_case,
        agreed_at=marac_case.meeting,
        description="Safety plan review",
        owner_agency=owner_agency,
        due_on=date(2027, 4, 2),
        status=status,
    )


def marac_column(user) -> dict:
    """The MARAC column's words by case, as the caseload builds them ("" for an empty cell)."""
    dashboard = worker_dashboard(user, today=date(2027, 3, 1))
    column = dashboard.column_headings.index("MARAC")
    return {row.case: row.columns[column] for row in dashboard.rows}


def cells(page: str, case) -> list[str]:
    """The cells of ``case``'s row in the open cases table, as text."""
    table = page.split('id="open-cases"', 1)[1]
    row = next(tr for tr in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S) if case.number in tr)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_open_case_says_where_its_marac_referral_has_got_to(idva, idva_team, specialist_agency, client_for):
    waiting, accepted, listed, none, refused, withdrawn = (
        open_case(idva, specialist_agency, idva_team) for _ in range(6)
    )
    referral(waiting.person, specialist_agency, case=waiting)
    referral(accepted.person, specialist_agency, case=accepted, status=MaracCaseStatus.ACCEPTED)
    referral(
        listed.person,
        specialist_agency,
        case=listed,
        status=MaracCaseStatus.LISTED,
        meeting=meeting(LISTED_FOR, specialist_agency),
    )
    referral(refused.person, specialist_agency, case=refused, status=MaracCaseStatus.NOT_ACCEPTED)
    referral(withdrawn.person, specialist_agency, case=withdrawn, status=MaracCaseStatus.WITHDRAWN)

    assert marac_column(idva) == {
        waiting: "Referred, awaiting triage",
        accepted: "Accepted, waiting for a meeting",
        listed: "Listed on an agenda",  # she takes part in no meeting: no date (see below)
        none: "",
        refused: "",
        withdrawn: "",
    }

    page = client_for(idva).get(reverse("cases:mine")).content.decode()
    headings = re.findall(
        r"<th scope=\"col\" class=\"govuk-table__header\">([^<]*)</th>", page.split('id="open-cases"')[1]
    )
    assert headings[:4] == ["Case", "Person", "Risk", "MARAC"]
    assert cells(page, listed)[3] == "Listed on an agenda"
    assert "12 March 2027" not in page
    assert cells(page, waiting)[3] == "Referred, awaiting triage"
    assert cells(page, none)[3] == ""
    assert cells(page, refused)[3] == ""


def test_a_heard_referral_says_nothing_unless_an_action_she_may_read_is_still_open(
    idva, idva_team, specialist_agency, police_agency
):
    """Heard and done with: nothing. Heard with an action open: only where MARAC lets her read the
    actions (her agency's, as its MARAC representative), and never what the action is."""
    case = open_case(idva, specialist_agency, idva_team)
    heard = referral(
        case.person,
        specialist_agency,
        case=case,
        status=MaracCaseStatus.HEARD,
        meeting=meeting(HEARD_ON, specialist_agency, police_agency),
    )
    assert marac_column(idva) == {case: ""}

    police_action = action(heard, police_agency)
    assert marac_column(idva) == {case: ""}, "an action she may not read is not hinted at"

    MembershipFactory(user=idva, agency=specialist_agency, role=Role.MARAC_REPRESENTATIVE)
    rep = type(idva).objects.get(pk=idva.pk)  # her roles, read afresh
    assert marac_column(rep) == {case: ""}, "the police's action is still not hers to read"

    ours = action(heard, specialist_agency)
    assert marac_column(rep) == {case: "Heard 5 March 2027, actions open"}

    ours.status = ActionStatus.DONE
    ours.save()
    police_action.status = ActionStatus.DONE
    police_action.save()
    assert marac_column(rep) == {case: ""}


def test_another_agencys_referral_of_her_client_is_not_shown(
    idva, idva_team, specialist_agency, police_agency, client_for
):
    """The police referred her client too, listed at a meeting her agency is not invited to: the
    caseload shows her own case's referral and nothing of theirs (the rule the referral form's
    repeats follow: ``MaracCase.objects.journey_visible_to``)."""
    quiet, both = open_case(idva, specialist_agency, idva_team), open_case(idva, specialist_agency, idva_team)
    police_meeting = meeting(LISTED_FOR, police_agency)
    referral(quiet.person, police_agency, status=MaracCaseStatus.LISTED, meeting=police_meeting)
    referral(both.person, police_agency, status=MaracCaseStatus.LISTED, meeting=police_meeting)
    referral(both.person, specialist_agency, case=both)

    assert marac_column(idva) == {quiet: "", both: "Referred, awaiting triage"}
    page = client_for(idva).get(reverse("cases:mine")).content.decode()
    assert "12 March 2027" not in page
    assert cells(page, quiet)[3] == ""


def test_a_referral_she_may_see_another_way_is_shown_on_her_clients_case(
    idva, idva_team, specialist_agency, police_agency
):
    """Her agency's referral of the client made outside the case (its status her agency follows),
    and the police's referral listed at a meeting she takes part in as her agency's MARAC
    representative, are hers to see: the caseload says so."""
    own_agency, on_agenda = open_case(idva, specialist_agency, idva_team), open_case(idva, specialist_agency, idva_team)
    referral(own_agency.person, specialist_agency, status=MaracCaseStatus.ACCEPTED)
    referral(
        on_agenda.person, police_agency, status=MaracCaseStatus.LISTED, meeting=meeting(LISTED_FOR, specialist_agency)
    )
    assert marac_column(idva) == {own_agency: "Accepted, waiting for a meeting", on_agenda: ""}

    MembershipFactory(user=idva, agency=specialist_agency, role=Role.MARAC_REPRESENTATIVE)
    rep = type(idva).objects.get(pk=idva.pk)
    assert marac_column(rep) == {own_agency: "Accepted, waiting for a meeting", on_agenda: "Listed for 12 March 2027"}


def test_with_two_referrals_open_the_one_listed_for_the_soonest_meeting_is_named(idva, idva_team, specialist_agency):
    MembershipFactory(user=idva, agency=specialist_agency, role=Role.MARAC_REPRESENTATIVE)
    idva = type(idva).objects.get(pk=idva.pk)  # her agency's representative: she takes part in both meetings
    case = open_case(idva, specialist_agency, idva_team)
    referral(case.person, specialist_agency, case=case)
    referral(
        case.person,
        specialist_agency,
        case=case,
        status=MaracCaseStatus.LISTED,
        meeting=meeting(date(2027, 3, 26), specialist_agency),
    )
    referral(
        case.person,
        specialist_agency,
        case=case,
        status=MaracCaseStatus.LISTED,
        meeting=meeting(LISTED_FOR, specialist_agency),
    )
    assert marac_column(idva) == {case: "Listed for 12 March 2027"}


def test_a_meetings_date_is_named_only_to_those_who_take_part_in_it(
    idva, idva_team, specialist_agency, police_agency, client_for
):
    """A meeting's date is shown only to someone who takes part in it (the coordinator, or a
    representative of an agency invited and not absent: ``MaracMeeting.objects.visible_to``); the
    case page, her agency's referrals and the journey give anyone else the status alone, and so
    does the caseload. An attacker's probe found the date on the caseload of an IDVA whose agency
    was not invited, of a representative whose agency sent apologies, and of a perpetrator worker."""
    case = open_case(idva, specialist_agency, idva_team)
    police_meeting = meeting(LISTED_FOR, police_agency)  # her agency is not invited
    referral(case.person, specialist_agency, case=case, status=MaracCaseStatus.LISTED, meeting=police_meeting)
    assert marac_column(idva) == {case: "Listed on an agenda"}
    assert "12 March 2027" not in client_for(idva).get(reverse("cases:mine")).content.decode()

    MembershipFactory(user=idva, agency=specialist_agency, role=Role.MARAC_REPRESENTATIVE)
    rep = type(idva).objects.get(pk=idva.pk)
    assert marac_column(rep) == {case: "Listed on an agenda"}, "her agency is not invited to this meeting"
    invited = MeetingAgency.objects.create(meeting=police_meeting, agency=specialist_agency)
    assert marac_column(rep) == {case: "Listed for 12 March 2027"}
    invited.attended = False  # her agency sent apologies
    invited.save()
    assert marac_column(rep) == {case: "Listed on an agenda"}

    invited.attended = None
    invited.save()
    MembershipFactory(user=rep, agency=specialist_agency, role=Role.PERPETRATOR_WORKER)
    both = type(idva).objects.get(pk=idva.pk)
    assert marac_column(both) == {case: ""}, "behind the programme firewall MARAC says nothing"


def test_a_colleagues_caseload_is_not_hers(idva, colleague, idva_team, specialist_agency):
    mine, theirs = open_case(idva, specialist_agency, idva_team), open_case(colleague, specialist_agency, idva_team)
    referral(theirs.person, specialist_agency, case=theirs)
    assert marac_column(idva) == {mine: ""}
    assert marac_column(colleague) == {theirs: "Referred, awaiting triage"}


def caseload_queries(client) -> int:
    url = reverse("cases:mine")
    client.get(url)  # once to settle the session and per-user caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_cases_with_referrals(idva, idva_team, specialist_agency, police_agency, count: int) -> None:
    """Cases of every MARAC kind in turn: waiting, listed, heard with an action open, another
    agency's hidden referral, none."""
    for n in range(count):
        case = open_case(idva, specialist_agency, idva_team)
        kind = n % 5
        if kind == 0:
            referral(case.person, specialist_agency, case=case)
        elif kind == 1:
            referral(
                case.person,
                specialist_agency,
                case=case,
                status=MaracCaseStatus.LISTED,
                meeting=meeting(LISTED_FOR, specialist_agency),
            )
        elif kind == 2:
            heard = referral(
                case.person,
                specialist_agency,
                case=case,
                status=MaracCaseStatus.HEARD,
                meeting=meeting(HEARD_ON, specialist_agency),
            )
            action(heard, specialist_agency)
        elif kind == 3:
            referral(case.person, police_agency, status=MaracCaseStatus.LISTED, meeting=meeting(LISTED_FOR))


def test_the_caseload_asks_the_same_questions_for_five_cases_as_for_forty(
    idva, idva_team, specialist_agency, police_agency, client_for
):
    """One query for the whole column, however many cases and referrals: never one per row."""
    MembershipFactory(user=idva, agency=specialist_agency, role=Role.MARAC_REPRESENTATIVE)
    rep = type(idva).objects.get(pk=idva.pk)
    client = client_for(rep)
    add_cases_with_referrals(rep, idva_team, specialist_agency, police_agency, 5)
    five = caseload_queries(client)
    add_cases_with_referrals(rep, idva_team, specialist_agency, police_agency, 35)
    assert caseload_queries(client) == five
    words = marac_column(rep).values()
    assert sum(1 for text in words if text == "Heard 5 March 2027, actions open") == 8
    assert sum(1 for text in words if text == "Listed for 12 March 2027") == 8


def test_the_column_is_one_query(idva, idva_team, specialist_agency, police_agency):
    from waymark.marac.referrals.selectors import caseload_marac_states

    add_cases_with_referrals(idva, idva_team, specialist_agency, police_agency, 10)
    cases = list(worker_dashboard(idva, today=date(2027, 3, 1)).rows)
    user = type(idva).objects.get(pk=idva.pk)
    _ = user.roles  # her memberships, read once per request before any page reads them
    with CaptureQueriesContext(connection) as captured:
        caseload_marac_states(user, [row.case for row in cases])
    assert len(captured) == 1
