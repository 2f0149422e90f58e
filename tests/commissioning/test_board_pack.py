"""The quarterly board pack: one click, saved immutably as the board saw it, print view and XLSX,
every figure under the disclosure rule."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.commissioning.models import BoardPack
from waymark.core.disclosure import SYMBOL

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def generate(client, year=2026, quarter=2):
    return client.post(reverse("commissioning:board_packs"), {"year": year, "quarter": quarter})


def test_access_matrix(client_for, commissioner, partnership_lead, idva, manager, outsider):
    for user in (commissioner, partnership_lead):
        assert client_for(user).get(reverse("commissioning:board_packs")).status_code == 200
    for user in (idva, manager, outsider):
        assert client_for(user).get(reverse("commissioning:board_packs")).status_code == 403
        assert generate(client_for(user)).status_code == 403
    missing = reverse("commissioning:board_pack", args=[uuid.uuid4()])
    assert client_for(commissioner).get(missing).status_code == 404
    assert not BoardPack.objects.exists()


def test_one_click_saves_the_pack_with_every_section_and_small_numbers_withheld(
    client_for, commissioner, specialist_agency
):
    make_case(agency=specialist_agency, referred_on=date(2026, 8, 3), engaged_on=date(2026, 8, 4))
    client = client_for(commissioner)
    response = generate(client)
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("commissioning:board_pack", args=[pack.pk])
    titles = [s["title"] for s in pack.content["sections"]]
    assert titles[:4] == [
        "Outcome KPIs",
        "MARAC performance by quarter",
        "MARAC national quarterly return",
        "Needs: rates per 1,000 and change on the year before",
    ]
    assert {"Training this quarter", "Strategy exception report"} <= set(titles)
    assert "Survivor feedback by provider this quarter" in titles
    outcomes = pack.content["sections"][0]["rows"]
    assert outcomes[0]["referred"] == SYMBOL  # one referral: withheld
    assert all(row["referred"] in (SYMBOL, 0) for row in outcomes)  # and not recoverable from the quarters
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(pack.pk)).exists()

    page = client.get(reverse("commissioning:board_pack", args=[pack.pk])).content.decode()
    assert "Board pack 2026/27 Q2" in page and "MARAC national quarterly return" in page and SYMBOL in page
    # Headings in words, the KPI as its definition names it, the wide table turned.
    assert "Risk reduced within 90 days of engaging" in page and "within 3 months" not in page
    assert "reduced_risk_within_3_months_rate" not in page
    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    assert book.sheetnames[0] == "About" and len(book.sheetnames) == 1 + len(titles)


def test_the_pack_is_what_the_board_saw(client_for, commissioner, specialist_agency):
    client = client_for(commissioner)
    generate(client)
    pack = BoardPack.objects.get()
    before = pack.content
    make_case(agency=specialist_agency, referred_on=date(2026, 8, 3))  # later records change nothing saved
    assert BoardPack.objects.get().content == before
    pack.content = {"sections": []}
    with pytest.raises(ValidationError):
        pack.save()


def test_a_quarter_not_begun_or_nonsense_is_refused_and_nothing_saved(client_for, commissioner):
    client = client_for(commissioner)
    assert generate(client, year=2026, quarter=4).status_code == 400  # January to March 2027
    assert generate(client, year=2026, quarter=9).status_code == 400
    assert client.post(reverse("commissioning:board_packs"), {"year": "x"}).status_code == 400
    assert not BoardPack.objects.exists()


def test_the_pack_has_the_housing_and_safe_accommodation_figures_with_small_numbers_withheld(client_for, commissioner):
    from tests.factories import AgencyFactory, make_member
    from tests.housing.conftest import new_application
    from tests.people.factories import PersonFactory
    from waymark.core.roles import Role
    from waymark.housing.choices import LossReason
    from waymark.organisations.models import AgencyKind

    council = AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)
    officer = make_member(Role.HOUSING_OFFICER, agency=council)
    for n in range(12):  # twelve applications in July, two of them after a home lost to domestic abuse
        reason = LossReason.DOMESTIC_ABUSE if n < 2 else LossReason.END_OF_PRIVATE_TENANCY
        new_application(officer, PersonFactory(held_by=council), applied_on=date(2026, 7, 1 + n), loss_reason=reason)
    generate(client_for(commissioner))
    pack = BoardPack.objects.get()
    sections = {s["title"]: s for s in pack.content["sections"]}

    housing = {
        row["measure"]: row["count"]
        for row in sections["Housing: homelessness, temporary accommodation and the tenancy panel this quarter"]["rows"]
    }
    assert housing["Homelessness applications made"] == 12
    assert housing["of which the last settled home was lost because of domestic abuse"] == SYMBOL  # 2: withheld
    assert housing["Tenancy panel cases referred"] == 0  # nothing is not a small number
    assert "housing: 1 figure" in pack.content["disclosure"]  # and the pack says where
    part4 = sections["Safe accommodation: the Part 4 return's measures this quarter"]
    assert part4["columns"] == ["section", "code", "label", "value"] and part4["rows"]
    printed = client_for(commissioner).get(reverse("commissioning:board_pack", args=[pack.pk])).content.decode()
    assert "Housing: homelessness, temporary accommodation" in printed and "Part 4" in printed


def test_the_pack_reads_as_percentages_words_and_yes_or_no(client_for, commissioner):
    """Saved as plain values (fractions, column keys); shown and downloaded in words: a rate as a
    percentage (a number with a percentage format in Excel), a change in a rate in percentage
    points, a flag as Yes or No, a withheld figure as the symbol. (This pack is saved as packs were
    before they carried their own words, ``labels`` and ``printed``: it is still shown from its keys;
    test_board_pack_labels.py has the packs generated now.)"""
    risk = "reduced_risk_within_3_months_rate"
    content = {
        "period": "2026/27 Q2",
        "disclosure": "",
        "sections": [
            {
                "title": "Rates",
                "columns": ["group", risk, f"{risk}_numerator", f"{risk}_change_points", "in_recommended_range"],
                "rows": [
                    {
                        "group": "A",
                        risk: 71 / 84,
                        f"{risk}_numerator": 71,
                        f"{risk}_change_points": -0.0119,
                        "in_recommended_range": True,
                    },
                    {
                        "group": "B",
                        risk: SYMBOL,
                        f"{risk}_numerator": SYMBOL,
                        f"{risk}_change_points": SYMBOL,
                        "in_recommended_range": False,
                    },
                ],
                "note": "",
            }
        ],
    }
    pack = BoardPack.objects.create(
        financial_year=2026, quarter=2, generated_on=TODAY, generated_by=commissioner, content=content
    )
    client = client_for(commissioner)
    page = client.get(reverse("commissioning:board_pack", args=[pack.pk])).content.decode()
    assert "84.5%" in page and "0.8452380952380952" not in page
    assert "-1.2 pts" in page and "-0.0119" not in page
    assert ">Yes<" in page and ">No<" in page and "True" not in page and "False" not in page
    assert "Risk reduced within 3 months: count" in page and f"{risk}_numerator" not in page
    assert SYMBOL in page
    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [
        "Group",
        "Risk reduced within 3 months",
        "Risk reduced within 3 months: count",
        "Risk reduced within 3 months: change on a year earlier (percentage points)",
        "In the recommended range",
    ]
    a, b = rows[1], rows[2]
    assert a[1].value == pytest.approx(71 / 84) and a[1].number_format == "0.0%"  # a number, shown 84.5%
    assert a[2].value == 71 and a[2].number_format == "#,##0"  # a count: a number shown with separators
    assert a[3].value == pytest.approx(-1.19) and "pts" in a[3].number_format
    assert a[4].value == "Yes" and b[4].value == "No"
    assert [c.value for c in b[1:4]] == [SYMBOL] * 3
    assert BoardPack.objects.get(pk=pack.pk).content == content  # the saved pack never changes
