"""Outcome pages: the access matrix for every view, and what each shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from tests.clock import on_day
from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.outcomes.factories import at, make_assessment, make_case, make_measure
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.outcomes.hooks import outcomes_panel, outcomes_section
from waymark.outcomes.models import OutcomeMeasure

pytestmark = pytest.mark.django_db

# One fixed "today" (the run's hour kept): a date read at import is the wall clock's, not the run's.
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


LAST_YEAR = {"period": "all"}


@pytest.fixture
def council():
    return AgencyFactory(name="Southmere Council", kind=AgencyKind.OTHER)


@pytest.fixture
def commissioner(council):
    return make_member(Role.COMMISSIONER, agency=council, full_name="Cara Commissioner")


@pytest.fixture
def partnership_lead(council):
    return make_member(Role.PARTNERSHIP_LEAD, agency=council, full_name="Pat Lead")


@pytest.fixture
def other_agency():
    return AgencyFactory(name="Other Advocacy", kind=AgencyKind.DA_SPECIALIST)


@pytest.fixture
def other_manager(other_agency):
    return make_member(Role.TEAM_MANAGER, team=TeamFactory(agency=other_agency), full_name="Otto Manager")


@pytest.fixture
def case(idva, idva_team, specialist_agency):
    engaged = TODAY - timedelta(days=200)
    case = make_case(
        agency=specialist_agency,
        team=idva_team,
        caseworker=idva,
        referred_on=engaged - timedelta(days=5),
        opened_on=engaged - timedelta(days=5),
        first_contact_on=engaged - timedelta(days=4),
        engaged_on=engaged,
    )
    make_assessment(case.person, engaged - timedelta(days=5), "high")
    make_assessment(case.person, engaged + timedelta(days=30), "medium")
    return case


@pytest.fixture
def other_case(other_agency):
    engaged = TODAY - timedelta(days=200)
    case = make_case(agency=other_agency, referred_on=engaged, engaged_on=engaged)
    make_assessment(case.person, engaged, "high")
    return case


# --- recording measures -----------------------------------------------------------------------


def record_url(case):
    return reverse("outcomes:record", args=[case.pk])


def post_data(case, **overrides):
    measured = TODAY - timedelta(days=1)
    data = {
        "subject": str(case.person.pk),
        "stage": "intake",
        "measured_on_0": str(measured.day),
        "measured_on_1": str(measured.month),
        "measured_on_2": str(measured.year),
        "physical": "weekly",
        "jealous_controlling": "daily",
        "feeling_safe": "2",
        "risk_assessment": "",
    }
    data.update(overrides)
    return data


def test_record_access_matrix(client_for, case, idva, manager, other_manager, commissioner, police_referrer, outsider):
    url = record_url(case)
    assert client_for(idva).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 200
    assert client_for(other_manager).get(url).status_code == 404  # right role, not their case
    assert client_for(commissioner).get(url).status_code == 403
    assert client_for(police_referrer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(other_manager).post(url, post_data(case)).status_code == 404
    assert not OutcomeMeasure.objects.exists()


def test_record_form_shows_the_scales_in_our_words(client_for, case, idva):
    page = client_for(idva).get(record_url(case)).content.decode()
    assert "Jealous and controlling behaviour: how often is it happening now?" in page
    assert "Every day or most days" in page
    assert "How safe do they feel?" in page
    assert 'type="radio"' in page
    assert "medium risk" in page.lower()  # the client's assessments can be linked
    assert "The 6 most recent checklists are listed" in page  # a short list, and the page says so


def test_record_saves_and_returns_to_the_case(client_for, case, idva):
    response = client_for(idva).post(record_url(case), post_data(case))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.pk}/#outcomes")
    measure = OutcomeMeasure.objects.get()
    assert (measure.physical, measure.jealous_controlling, measure.feeling_safe, measure.sexual) == (
        "weekly",
        "daily",
        2,
        "",
    )


def test_record_shows_action_errors_and_saves_nothing(client_for, case, idva):
    before = case.opened_on - timedelta(days=1)
    data = post_data(
        case,
        physical="",
        jealous_controlling="",
        feeling_safe="",
        measured_on_0=str(before.day),
        measured_on_1=str(before.month),
        measured_on_2=str(before.year),
    )
    response = client_for(idva).post(record_url(case), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Answer at least one question." in page
    assert "before the case opened" in page
    assert not OutcomeMeasure.objects.exists()


def test_record_refuses_a_bad_date(client_for, case, idva):
    response = client_for(idva).post(record_url(case), post_data(case, measured_on_0="31", measured_on_1="2"))
    assert "must be a real date" in response.content.decode()
    assert not OutcomeMeasure.objects.exists()


# --- the case-page section --------------------------------------------------------------------


def test_case_section_shows_intake_against_latest_and_the_next_review(rf, case, idva):
    intake_on = TODAY - timedelta(days=100)
    make_measure(case, "intake", intake_on, physical="daily", feeling_safe=1)
    make_measure(case, "review", TODAY - timedelta(days=10), physical="monthly", feeling_safe=3)
    context = outcomes_section(idva, case)
    assert context is not None
    request = rf.get("/")
    request.user = idva
    html = render_to_string("outcomes/_case_section.html", {**context, "case": case}, request=request)
    assert "Every day or most days" in html and "About once a month" in html
    assert "Better" in html
    assert "Next outcome review due by" in html
    assert reverse("outcomes:record", args=[case.pk]) in html


def test_case_section_before_intake(rf, case, idva):
    request = rf.get("/")
    request.user = idva
    html = render_to_string(
        "outcomes/_case_section.html", {**outcomes_section(idva, case), "case": case}, request=request
    )
    assert "No intake measures recorded for the client yet." in html


# --- the dashboard ----------------------------------------------------------------------------


def dashboard(client, **params):
    return client.get(reverse("outcomes:dashboard"), params or LAST_YEAR)


def test_dashboard_access_matrix(client_for, commissioner, partnership_lead, manager, idva, police_referrer, outsider):
    for user in (commissioner, partnership_lead, manager):
        assert dashboard(client_for(user)).status_code == 200
    for user in (idva, police_referrer, outsider):
        assert dashboard(client_for(user)).status_code == 403


def test_dashboard_shows_figures_definitions_and_audits(client_for, commissioner, case, other_case, settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 1  # no suppression: these hand-counted figures are tiny
    response = dashboard(client_for(commissioner))
    page = response.content.decode()
    assert "Different people supported" in page and "Supported" in page
    assert reverse("outcomes:definition") + "#reduced_risk_within_3_months_rate" in page
    # Two engaged cases with a baseline and the window over: one fell (high to medium), one had no reassessment.
    assert "1 of 2" in page
    assert "<svg" in page and 'role="img"' in page
    assert "trend-table" in page and "abuse-table" in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="report:outcomes").exists()


def test_commissioners_and_the_lead_get_no_links_to_records(client_for, commissioner, partnership_lead, case):
    for user in (commissioner, partnership_lead):
        page = dashboard(client_for(user)).content.decode()
        assert "/records/" not in page
        assert case.number not in page


def test_team_managers_get_links_to_records(client_for, manager, case):
    page = dashboard(client_for(manager)).content.decode()
    assert reverse("outcomes:kpi_records", args=["supported"]) in page


def test_dashboard_default_is_this_financial_year(client_for, commissioner):
    page = client_for(commissioner).get(reverse("outcomes:dashboard")).content.decode()
    assert "Financial year" in page


@pytest.mark.parametrize("period", ["fy-2025", "q-2025-2", "all"])
def test_dashboard_periods(client_for, commissioner, period):
    assert client_for(commissioner).get(reverse("outcomes:dashboard"), {"period": period}).status_code == 200


def test_dashboard_custom_dates(client_for, commissioner):
    params = {"period": "custom", "start_0": "1", "start_1": "4", "start_2": "2025", "end_0": "30", "end_1": "6"}
    params["end_2"] = "2025"
    page = client_for(commissioner).get(reverse("outcomes:dashboard"), params).content.decode()
    assert "1 April 2025 to 30 June 2025" in page
    params["end_2"] = "2024"
    page = client_for(commissioner).get(reverse("outcomes:dashboard"), params).content.decode()
    assert "The last day must be the same as or after the first day" in page


def test_definitions_page_lists_every_kpi(client_for, commissioner, idva):
    from waymark.outcomes.kpis import definitions

    for user in (commissioner, idva):
        page = client_for(user).get(reverse("outcomes:definition")).content.decode()
        for item in definitions():
            assert f'id="{item.key}"' in page


# --- the records behind a KPI -----------------------------------------------------------------


def records(client, key, **params):
    return client.get(reverse("outcomes:kpi_records", args=[key]), {**LAST_YEAR, **params})


def test_records_refuse_commissioners_and_the_partnership_lead(
    client_for, commissioner, partnership_lead, idva, outsider
):
    for user in (commissioner, partnership_lead, idva, outsider):
        assert records(client_for(user), "supported").status_code == 403


def test_records_list_only_the_managers_own_agency(client_for, manager, other_manager, case, other_case):
    page = records(client_for(manager), "reduced_risk_within_3_months_rate").content.decode()
    assert case.number in page and other_case.number not in page
    assert "Risk reduced" in page
    other_page = records(client_for(other_manager), "reduced_risk_within_3_months_rate").content.decode()
    assert other_case.number in other_page and case.number not in other_page
    assert "No reassessment within 90 days" in other_page
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id="reduced_risk_within_3_months_rate").first()
    assert event is not None and event.detail["records"] == 1


def test_records_for_an_abuse_type(client_for, manager, case):
    make_measure(case, "intake", TODAY - timedelta(days=100), physical="daily")
    make_measure(case, "exit", TODAY - timedelta(days=5), physical="none")
    page = records(client_for(manager), "abuse_at_exit", kind="physical").content.decode()
    assert case.number in page and "Stopped" in page
    assert records(client_for(manager), "abuse_at_exit", kind="nonsense").status_code == 404


def test_unknown_kpi_is_404(client_for, manager):
    assert records(client_for(manager), "happiness").status_code == 404


# --- downloads --------------------------------------------------------------------------------


def test_download_csv_and_xlsx_are_audited_as_export(client_for, commissioner, case):
    response = client_for(commissioner).get(reverse("outcomes:download"), {**LAST_YEAR, "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0].startswith("period,from,to,as_of,referred,supported")
    assert case.number not in text and str(case.person) not in text
    xlsx = client_for(commissioner).get(reverse("outcomes:download"), {**LAST_YEAR, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:outcomes").count() == 2


def test_download_access(client_for, idva, outsider, manager):
    for user in (idva, outsider):
        assert client_for(user).get(reverse("outcomes:download"), {"format": "csv"}).status_code == 403
    assert client_for(manager).get(reverse("outcomes:download"), {"format": "pdf"}).status_code == 404


# --- home panel -------------------------------------------------------------------------------


def test_home_panel_for_commissioners(client_for, commissioner, case):
    panel = outcomes_panel(commissioner)
    assert panel.title == "Outcomes"
    assert [f.label for f in panel.figures][:2] == ["Referrals received", "Supported (cases engaged)"]
    page = client_for(commissioner).get(reverse("home")).content.decode()
    assert "How each figure is defined" in page


def test_contact_time_fixture_is_london_time():
    assert at(date(2025, 1, 1)).utcoffset() == timedelta(0)


def test_dashboard_queries_do_not_grow_with_cases(
    client_for, commissioner, specialist_agency, django_assert_max_num_queries
):
    engaged = TODAY - timedelta(days=200)
    for _ in range(25):
        case = make_case(agency=specialist_agency, referred_on=engaged, first_contact_on=engaged, engaged_on=engaged)
        make_assessment(case.person, engaged, "high")
        make_measure(case, "intake", engaged, physical="weekly")
        make_measure(case, "exit", engaged + timedelta(days=100), physical="none")
    client = client_for(commissioner)
    client.get(reverse("outcomes:dashboard"), LAST_YEAR)  # sessions and the like, once
    with django_assert_max_num_queries(25):
        assert dashboard(client).status_code == 200


def _cases_across_the_years(agency, count, *, offset=0):
    """``count`` cases spread over several financial years, each with every record a KPI reads."""
    for index in range(count):
        engaged = TODAY - timedelta(days=40 + 97 * ((index + offset) % 12))
        case = make_case(
            agency=agency,
            referred_on=engaged - timedelta(days=3),
            first_contact_on=engaged - timedelta(days=1),
            allocated_on=engaged - timedelta(days=2),
            engaged_on=engaged,
        )
        make_assessment(case.person, engaged, "high")
        make_assessment(case.person, engaged + timedelta(days=30), "medium")
        make_measure(case, "intake", engaged, physical="weekly", feeling_safe=2)
        make_measure(case, "exit", engaged + timedelta(days=35), physical="none", feeling_safe=4)


def test_commissioner_pages_make_the_same_number_of_queries_at_two_data_sizes(
    client_for, commissioner, specialist_agency, django_assert_max_num_queries
):
    """The figures are computed in the database: ten times the records, the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(commissioner)
    pages = [
        (reverse("outcomes:dashboard"), {"period": "all"}),
        (reverse("outcomes:dashboard"), {}),
        (reverse("outcomes:download"), {"period": "all", "format": "csv"}),
        (reverse("home"), {}),
    ]
    for url, params in pages:
        client.get(url, params)  # sessions and the like, once

    def counts():
        found = []
        for url, params in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            found.append(len(queries))
        return found

    _cases_across_the_years(specialist_agency, 3)
    small = counts()
    _cases_across_the_years(specialist_agency, 30, offset=3)
    with django_assert_max_num_queries(sum(small)):
        large = counts()
    assert large == small
    with override_settings(DISCLOSURE_SUPPRESS_BELOW=1):  # some quarters have fewer than 10
        assert dashboard(client).context["outcomes"]["supported"].value == 33


def test_small_numbers_are_withheld_and_the_page_says_where(client_for, commissioner, case, other_case):
    """The default rule (counts 1 to 9 withheld): the same tiny figures are not shown, nor can
    they be worked out from the trend's totals, and the page says the rule was applied."""
    from waymark.core.disclosure import SYMBOL

    response = dashboard(client_for(commissioner))
    page = response.content.decode()
    assert "1 of 2" not in page and SYMBOL in page
    note = page.split('id="disclosure-note"')[1].split("</div>")[0]
    assert "Counts from 1 to 9 are not shown" in note and "Applied on this page to the outcome figures" in note
    shown = response.context["outcomes"]
    assert str(shown["referred"].value) == SYMBOL and str(shown["reduced_risk_within_3_months_rate"].value) == SYMBOL
    download = client_for(commissioner).get(reverse("outcomes:download"), {"period": "all", "format": "csv"})
    text = download.content.decode()
    assert SYMBOL in text
    header, *rows = [line.split(",") for line in text.strip().splitlines()]
    referred = header.index("referred")
    assert all(row[referred] in (SYMBOL, "0") for row in rows)  # no quarter's count gives the total away
