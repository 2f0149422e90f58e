"""Every print of an agenda or minutes is audited as PRINT (document and case count, no contents);
print views carry the protective marking and break pages per case."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.marac.meetings.actions import research_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "document"), [("agenda-print", "agenda"), ("minutes-print", "minutes")])
@pytest.mark.parametrize("persona", ["coordinator", "police_rep"])
def test_every_print_is_audited(request, client_for, meeting, name, document, persona):
    user = request.getfixturevalue(persona)
    listed_case(meeting)
    listed_case(meeting)
    client = client_for(user)
    for expected in (1, 2):
        response = client.get(reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk}))
        assert response.status_code == 200
        events = AuditEvent.objects.filter(action=AuditAction.PRINT, object_id=str(meeting.pk), actor=user)
        assert events.count() == expected
    assert events.first().detail == {"document": document, "cases": 2}


@pytest.mark.parametrize("name", ["agenda-print", "minutes-print"])
def test_refused_prints_are_not_printed(client_for, probation_rep, meeting, name):
    response = client_for(probation_rep).get(reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT).exists()


def test_agenda_print_has_marking_a_page_per_case_and_research(client_for, police_rep, police_agency, meeting):
    first, second = listed_case(meeting), listed_case(meeting)
    research_record(
        actor=police_rep,
        meeting=meeting,
        marac_case=first,
        agency=police_agency,
        body="Canary-print-research",
        no_information_held=False,
    )
    body = client_for(police_rep).get(reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert body.count('class="app-print-case"') == 2
    assert body.count("OFFICIAL-SENSITIVE") >= 3  # the top of the document and each case's page
    assert "Canary-print-research" in body
    assert first.ref in body and second.ref in body
    assert "Save as PDF" in body


def test_print_stylesheet_hides_the_chrome_and_marks_every_page():
    scss = (Path(__file__).resolve().parents[2] / "frontend" / "_print.scss").read_text()
    assert '@top-center {\n    content: "OFFICIAL-SENSITIVE"' in scss
    assert '@bottom-center {\n    content: "OFFICIAL-SENSITIVE"' in scss
    assert ".app-print-case {\n    break-before: page;" in scss
    for hidden in (".govuk-service-navigation", ".moj-header", ".govuk-button", "form"):
        assert hidden in scss
    assert '@use "print";' in (Path(__file__).resolve().parents[2] / "frontend" / "app.scss").read_text()


def test_a_full_agenda_prints_every_item_number_in_full(client_for, coordinator, meeting):
    """A tester printed a 16-case agenda and items 10 to 16 lost their tens digit: the numbers were
    a list's markers, hanging outside the printed area. They are text now, in their own column, in
    agenda order, and each case's page heading carries its number in full too."""
    cases = [listed_case(meeting) for _ in range(16)]
    response = client_for(coordinator).get(reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk}))
    body = unescape(response.content.decode())
    assert "govuk-list--number" not in body  # no marker-numbered list left to clip
    table = re.search(r'<table class="govuk-table" id="agenda-items">.*?</table>', body, re.S)
    assert table is not None
    rows = re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">([^<]*)</td>'
        r'<td class="govuk-table__cell">([^<]*)</td></tr>',
        table.group(0),
    )
    assert [number for number, _ in rows] == [str(n) for n in range(1, 17)]
    assert [text.split(":")[0] for _, text in rows] == [case.ref for case in cases]
    for number, case in enumerate(cases, start=1):
        assert f">{number}. {case.ref}: " in body  # the case's own page


def test_an_empty_agenda_prints_that_no_cases_are_listed(client_for, coordinator, meeting):
    body = client_for(coordinator).get(reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk})).content
    assert b'id="agenda-items"' not in body and b"No cases listed." in body


def test_numbered_lists_keep_their_numbers_on_the_printed_page():
    """Any page may be printed: in print the container has no margin, so a numbered list's indent
    must hold a two- or three-digit number (GOV.UK's 20px held one digit: "10." printed as "0.")."""
    scss = (Path(__file__).resolve().parents[2] / "frontend" / "_print.scss").read_text()
    in_print = scss[scss.index("@media print {") :]
    rule = re.search(r"\n  \.govuk-list--number \{\n    padding-left: ([\d.]+)em;\n  \}", in_print)
    assert rule is not None and float(rule.group(1)) >= 2
