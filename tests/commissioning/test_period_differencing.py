"""A figure withheld for one quarter must not come back by comparing periods: the year less three
of its quarters is the fourth, and a run of quarters less a shorter run is the difference. The
attacker here asks the dashboard and the API for every run of whole quarters in a financial year,
and solves the equations the shown figures make (``_determined``: exact linear algebra). Nothing
withheld on a quarter's own page may be determined. And dates that are not a quarter's first or
last day are counted over the whole quarters holding them, or a run of days would be the unit."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.api.conftest import token_client
from tests.factories import AgencyFactory
from tests.outcomes.factories import make_referrals
from waymark.core.disclosure import SYMBOL, Suppressed, _determined, whole_quarters
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
# Financial year 2025/26, quarter by quarter: a day in each, and its first and last days.
QUARTERS = [
    (date(2025, 5, 14), date(2025, 4, 1), date(2025, 6, 30)),
    (date(2025, 8, 14), date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 11, 14), date(2025, 10, 1), date(2025, 12, 31)),
    (date(2026, 2, 14), date(2026, 1, 1), date(2026, 3, 31)),
]
RUNS = [(a, b) for a in range(4) for b in range(a, 4)]  # every run of whole quarters in the year


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def _referrals(agency, per_quarter):
    for (day, _, _), n in zip(QUARTERS, per_quarter, strict=True):
        make_referrals(agency, day, n)


def _recovered(shown: dict[tuple[tuple[int, int], str], object], rows: list[str], everyone: str | None):
    """The quarters' figures withheld on their own pages that the shown figures pin down."""
    cells = {(run, row): value for (run, row), value in shown.items()}
    hidden = sorted((k for k, v in cells.items() if isinstance(v, Suppressed) or v == SYMBOL), key=repr)
    known = {k for k in cells if k not in hidden}
    constraints = []
    for a, b in RUNS:
        for row in rows:
            if b > a:  # a run's figure is its quarters' added up
                constraints.append((((a, b), row), [((q, q), row) for q in range(a, b + 1)]))
        if everyone is not None:  # everyone's figure is the groups' added up
            constraints.append((((a, b), everyone), [((a, b), row) for row in rows if row != everyone]))
    determined = _determined(hidden, constraints, known)
    return [k for k in determined if k[0][0] == k[0][1]]


def _custom(first: date, last: date) -> dict[str, str]:
    return {
        "period": "custom",
        **{f"start_{i}": str(v) for i, v in enumerate((first.day, first.month, first.year))},
        **{f"end_{i}": str(v) for i, v in enumerate((last.day, last.month, last.year))},
    }


def test_the_dashboard_gives_no_withheld_quarter_away_across_periods(client_for, commissioner):
    _referrals(AgencyFactory(kind=AgencyKind.DA_SPECIALIST), [12, 12, 12, 3])
    client = client_for(commissioner)
    shown = {}
    for a, b in RUNS:
        response = client.get(reverse("outcomes:dashboard"), _custom(QUARTERS[a][1], QUARTERS[b][2]))
        assert response.status_code == 200
        shown[((a, b), "referred")] = response.context["outcomes"]["referred"].value
    assert shown[((3, 3), "referred")] == Suppressed()  # 3 referrals: withheld on its own
    assert shown[((0, 2), "referred")] == 36  # the quarters that have nothing to withhold still add up
    assert _recovered(shown, ["referred"], None) == []


def test_the_api_split_gives_no_withheld_quarter_away_across_periods(commissioner):
    _referrals(AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST), [12, 12, 12, 12])
    _referrals(AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST), [12, 12, 12, 3])
    api = token_client(commissioner)
    shown = {}
    for a, b in RUNS:
        body = api.get(
            "/api/commissioning/outcomes/",
            {"from": QUARTERS[a][1].isoformat(), "to": QUARTERS[b][2].isoformat(), "by": "provider"},
        ).json()
        for row in body["rows"]:
            shown[((a, b), row["group"])] = row["referred"]
    assert shown[((3, 3), "Bridge Project")] == SYMBOL
    rows = ["Harbour Advocacy", "Bridge Project", "All"]
    assert _recovered(shown, rows, "All") == []


def test_dates_inside_a_quarter_count_its_whole_quarters(client_for, commissioner):
    _referrals(AgencyFactory(kind=AgencyKind.DA_SPECIALIST), [12, 12, 0, 0])
    response = client_for(commissioner).get(
        reverse("outcomes:dashboard"), _custom(date(2025, 5, 20), date(2025, 8, 10))
    )
    period = response.context["period"]
    assert (period.start, period.end) == (date(2025, 4, 1), date(2025, 9, 30))
    assert "whole quarters" in period.label and "whole quarters" in response.content.decode()
    assert response.context["outcomes"]["referred"].value == 24  # not the 12 of 20 May to 10 August
    body = (
        token_client(commissioner)
        .get("/api/commissioning/outcomes/", {"from": "2025-05-20", "to": "2025-08-10", "by": "provider"})
        .json()
    )
    assert body["period"] == {"from": "2025-04-01", "to": "2025-09-30"}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 4, 1), date(2025, 6, 30), (date(2025, 4, 1), date(2025, 6, 30))),
        (date(2025, 12, 31), date(2026, 1, 1), (date(2025, 10, 1), date(2026, 3, 31))),
        (date(2024, 2, 29), date(2024, 2, 29), (date(2024, 1, 1), date(2024, 3, 31))),
        (date(2025, 11, 5), date(2025, 12, 31), (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_whole_quarters(start, end, expected):
    assert whole_quarters(start, end) == expected


def _engaged(agency, per_quarter):
    from tests.outcomes.factories import make_case

    for (day, _, _), n in zip(QUARTERS, per_quarter, strict=True):
        for _ in range(n):
            make_case(agency=agency, referred_on=day, first_contact_on=day, engaged_on=day)


def test_different_people_supported_do_not_give_a_withheld_quarter_away(client_for, commissioner):
    """A year's different people, less those of its first three quarters, was the fourth quarter's
    withheld count (each person supported once): people are withheld wherever cases are."""
    _engaged(AgencyFactory(kind=AgencyKind.DA_SPECIALIST), [12, 12, 12, 3])
    client = client_for(commissioner)

    def people(a, b):
        response = client.get(reverse("outcomes:dashboard"), _custom(QUARTERS[a][1], QUARTERS[b][2]))
        return response.context["outcomes"]["people_supported"].value

    assert people(0, 2) == 36
    assert isinstance(people(0, 3), Suppressed)  # 39 would give the 3 away


def test_the_download_gives_no_withheld_count_away_through_those_not_yet_counted(client_for, commissioner):
    """Every case supported has a risk result, measured or not yet measurable: a row whose supported
    count is withheld must not show both, or their sum is it."""
    import csv
    import io

    _engaged(AgencyFactory(kind=AgencyKind.DA_SPECIALIST), [12, 12, 12, 3])
    response = client_for(commissioner).get(reverse("outcomes:download"), {"period": "fy-2025", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    withheld = [row for row in rows if row["supported"] == SYMBOL]
    assert withheld  # the fourth quarter and the year
    for row in withheld:
        shown = [row["reduced_risk_within_3_months_rate_denominator"], row["reduced_risk_not_yet_measurable"]]
        assert SYMBOL in shown, row["period"]
    for row in rows:  # and no count of those not yet counted is small
        for column in ("reduced_risk_not_yet_measurable", "first_contact_not_yet_due"):
            assert row[column] == SYMBOL or not 1 <= int(row[column]) <= 9, (row["period"], column)


def test_the_first_contact_denominator_less_those_contacted_does_not_show_the_missed(client_for, commissioner):
    """First contact's denominator is those contacted (the median's cases) and those missed: with 3
    missed, the download must not show both the denominator and the contacted cases."""
    import csv
    import io
    from datetime import timedelta

    from tests.outcomes.factories import make_case

    agency = AgencyFactory(kind=AgencyKind.DA_SPECIALIST)
    day = date(2025, 10, 6)
    for n in range(27):
        contacted = day if n < 12 else (day + timedelta(days=30) if n < 24 else None)
        make_case(agency=agency, referred_on=day, first_contact_on=contacted)
    response = client_for(commissioner).get(reverse("outcomes:download"), {"period": "q-2025-3", "format": "csv"})
    [row, *_] = list(csv.DictReader(io.StringIO(response.content.decode())))
    shown = [row["first_contact_within_standard_rate_denominator"], row["contacted_cases"]]
    assert SYMBOL in shown, shown  # 27 less 24 would be the 3 missed
