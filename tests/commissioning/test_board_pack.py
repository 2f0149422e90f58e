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
    assert "Reduced risk within 3 months rate" in page  # headings in words, the wide table turned
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
