"""The commissioning dashboard: every figure split by provider, referral source and equality
characteristics equals a hand count, year on year, under the disclosure rule."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case, make_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.disclosure import SYMBOL
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
THIS_QUARTER = {"period": "q-2026-3"}  # October to December 2026
LAST_QUARTER = {"period": "q-2026-2"}  # July to September 2026


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def providers():
    return AgencyFactory(name="Harbour Advocacy"), AgencyFactory(name="Bridge Project")


@pytest.fixture
def police():
    return AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)


def referred(provider, agency, day, *, source="professional", **person):
    subject = make_person(provider, **person)
    referral = Referral.objects.create(
        number=f"R-{Referral.objects.count()}",
        received_on=day,
        source=source,
        subject=subject,
        receiving_agency=provider,
        referring_agency=agency,
        consent="given",
    )
    return referral


def build(providers, police):
    harbour, bridge = providers
    july = date(2026, 7, 15)
    # Last quarter: Harbour 12 police referrals and 11 engaged cases; Bridge 10 self-referrals, 10 engaged.
    for i in range(12):
        r = referred(harbour, police, july, sex="female", ethnicity="black_african")
        if i < 11:
            case = make_case(agency=harbour, person=r.subject, referred_on=july, engaged_on=july, referral=r)
            make_assessment(case.person, july, "high")
    for _ in range(10):
        r = referred(bridge, None, july, source="self_referral", sex="female", ethnicity="white_british")
        make_case(agency=bridge, person=r.subject, referred_on=july, engaged_on=july, referral=r)
    # A year earlier: Harbour had 10 referrals.
    for _ in range(10):
        referred(harbour, police, july - timedelta(days=365), sex="female", ethnicity="asian_indian")


def test_access_matrix(client_for, commissioner, partnership_lead, idva, manager, outsider):
    url = reverse("commissioning:outcomes")
    for user in (commissioner, partnership_lead):
        assert client_for(user).get(url, LAST_QUARTER).status_code == 200
    for user in (idva, manager, outsider):
        assert client_for(user).get(url, LAST_QUARTER).status_code == 403
    assert client_for(commissioner).get(url, {"by": "nonsense"}).status_code == 404


def test_by_provider_equals_the_hand_count_with_last_year(client_for, commissioner, providers, police):
    build(providers, police)
    response = client_for(commissioner).get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": "provider"})
    rows = {row.label: row for row in response.context["rows"]}
    assert rows["Harbour Advocacy"].now["referred"].value == 12
    assert rows["Harbour Advocacy"].now["supported"].value == 11
    assert rows["Harbour Advocacy"].before["referred"].value == 10
    assert rows["Bridge Project"].now["referred"].value == 10
    assert response.context["total"].now["referred"].value == 22
    # Bridge had nothing a year earlier: 0 is shown (it identifies nobody).
    assert rows["Bridge Project"].before["referred"].value == 0
    page = response.content.decode()
    assert "Harbour Advocacy" in page and 'id="chart-supported-title"' in page and 'id="activity-table"' in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="report:commissioning-outcomes").exists()


def test_by_source_and_ethnic_group(client_for, commissioner, providers, police):
    build(providers, police)
    client = client_for(commissioner)
    by_source = client.get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": "source"}).context["rows"]
    assert {row.label: row.now["referred"].value for row in by_source} == {"Police": 12, "Self-referral": 10}
    by_group = client.get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": "ethnicity"}).context["rows"]
    now = {row.label: row.now["referred"].value for row in by_group}
    assert now["Black, Black British, Caribbean or African"] == 12 and now["White"] == 10


def test_small_groups_are_withheld_and_cannot_be_recovered(client_for, commissioner, providers, police):
    build(providers, police)
    referred(AgencyFactory(name="Tiny Service"), police, date(2026, 8, 1))  # one referral: must not show
    response = client_for(commissioner).get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": "provider"})
    rows = {row.label: row for row in response.context["rows"]}
    assert str(rows["Tiny Service"].now["referred"].value) == SYMBOL
    shown = [row.now["referred"].value for row in rows.values()]
    total = response.context["total"].now["referred"].value
    hidden = [v for v in shown if str(v) == SYMBOL]
    # Subtracting the shown groups from the total leaves more than one hidden group (or the total is hidden).
    assert str(total) == SYMBOL or len(hidden) >= 2
    assert "Applied on this page" in response.content.decode()


def test_downloads_xlsx_and_csv_audited(client_for, commissioner, providers, police):
    build(providers, police)
    client = client_for(commissioner)
    url = reverse("commissioning:outcomes_download")
    xlsx = client.get(url, {**LAST_QUARTER, "by": "provider", "format": "xlsx"})
    values = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    header = values[0]
    by_group = {row[0]: dict(zip(header, row, strict=True)) for row in values[1:]}
    assert by_group["Harbour Advocacy"]["Referred"] == 12 and by_group["All"]["Referred"] == 22
    assert by_group["Harbour Advocacy"]["Referred: change on the year before"] == 0.2  # 10 to 12
    text = client.get(url, {**LAST_QUARTER, "by": "provider", "format": "csv"}).content.decode()
    assert list(csv.DictReader(io.StringIO(text)))[-1]["group"] == "All"
    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:commissioning-outcomes").count() == 2
    )


def test_the_spreadsheet_reads_in_words_and_percentages_and_the_csv_keeps_its_keys(client_for, commissioner, police):
    """The XLSX is for a commissioner to read: headings in words and rates as percentages, as the
    board pack writes them (``presentation``), and a name a spreadsheet would run as a formula shown
    as text. The CSV is for BI tools: the column keys (the API's) and fractions, kept stable."""
    from waymark.commissioning.dashboard import COLUMNS

    harbour, formula = AgencyFactory(name="Harbour Advocacy"), AgencyFactory(name='=HYPERLINK("http://x")')
    build((harbour, formula), police)
    client = client_for(commissioner)
    url = reverse("commissioning:outcomes_download")
    book = load_workbook(io.BytesIO(client.get(url, {**LAST_QUARTER, "by": "provider", "format": "xlsx"}).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Provider", "Referred", "Referred, a year earlier", "Referred: change on the year before"]
    assert "Risk reduced within 3 months" in header and "Risk reduced within 3 months: count" in header
    assert "Risk reduced within 3 months: change on a year earlier (percentage points)" in header
    assert not [h for h in header if "_" in h]  # no column key
    rows = {row[0].value: {h: c for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2)}
    change = rows["Harbour Advocacy"]["Referred: change on the year before"]
    assert change.value == 0.2 and change.number_format == "0.0%"  # shown as 20.0%
    risk = rows["Harbour Advocacy"]["Risk reduced within 3 months"]
    assert risk.value == 0 and risk.number_format == "0.0%"  # 0 of 11
    assert '\'=HYPERLINK("http://x")' in rows  # shown as text, never run
    about = [row[0] for row in book["About"].values]
    assert about[0] == "Outcomes by provider" and any("Counts from 1 to 9" in line for line in about)

    text = client.get(url, {**LAST_QUARTER, "by": "provider", "format": "csv"}).content.decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == COLUMNS  # the keys BI tools read
    by_group = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert by_group["Harbour Advocacy"]["referred_change"] == "0.2"  # a fraction
    assert '\'=HYPERLINK("http://x")' in by_group
