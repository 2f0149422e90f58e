"""The Part 4 annual return equals figures counted by hand from a fixture of records, and
commissioners see it with small numbers suppressed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.refuge import part4
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary

pytestmark = pytest.mark.django_db
D = date
FY = part4.Period.financial_year(2025)  # 1 April 2025 to 31 March 2026


@pytest.fixture
def records(provider, specialist_agency, idva):
    refuge = SafeAccommodationService.objects.create(
        provider=provider,
        name="Harbour Refuge",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        provider_registration="1",
        area="South",
        declared_units=24,
        declared_self_contained=6,
        declared_shared=20,
    )
    SafeAccommodationService.objects.create(
        provider=provider,
        name="Dispersed",
        accommodation_type="dispersed",
        provider_legal_form="registered_charity",
        provider_registration="1",
        area="South",
        declared_units=8,
        commissioned_bedspaces=10,
    )
    n = iter(range(1, 100))

    def referral(gender="woman", children=0, person=None, **fields):
        return RefugeReferral.objects.create(
            number=f"RR-T-{next(n)}",
            person=person or PersonFactory(held_by=specialist_agency),
            service=refuge,
            referring_agency=specialist_agency,
            referred_by=idva,
            received_on=D(2024, 1, 1),
            adult_gender=gender,
            children=children,
            **fields,
        )

    # Supported in the year: R1, R2, R3, R6.
    referral(
        children=2,
        arrived_on=D(2025, 5, 1),
        left_on=D(2025, 9, 1),
        status="left",
        departure_reason="planned_move_on",
        move_on="social_housing",
        characteristics=["mental_health"],
    )
    referral(
        children=1,
        arrived_on=D(2025, 3, 1),
        status="arrived",
        person=PersonFactory(held_by=specialist_agency, ethnicity="black_african"),
    )
    referral(gender="man", arrived_on=D(2026, 3, 31), status="arrived")
    referral(
        children=1,
        arrived_on=D(2025, 6, 1),
        left_on=D(2026, 3, 31),
        status="left",
        departure_reason="returned_to_perpetrator",
        move_on="returned_home",
    )
    # Not in the year: left the day before it began; arrived the day after it ended.
    referral(
        gender="trans",
        arrived_on=D(2024, 1, 1),
        left_on=D(2025, 3, 31),
        status="left",
        departure_reason="planned_move_on",
        move_on="private_rented",
    )
    referral(children=3, arrived_on=D(2026, 4, 1), status="arrived")
    # Unsuccessful: two in the year, one after it.
    referral(status="unsuccessful", unsuccessful_on=D(2025, 6, 1), unsuccessful_reason="no_capacity")
    referral(status="unsuccessful", unsuccessful_on=D(2025, 4, 1), unsuccessful_reason="declined_too_near")
    referral(status="unsuccessful", unsuccessful_on=D(2026, 4, 1), unsuccessful_reason="no_capacity")

    def sanctuary(sex, **fields):
        return Sanctuary.objects.create(
            number=f"SS-T-{next(n)}",
            person=PersonFactory(held_by=specialist_agency, sex=sex),
            scheme_agency=specialist_agency,
            referring_agency=specialist_agency,
            referred_by=idva,
            referred_on=D(2024, 1, 1),
            **fields,
        )

    sanctuary("female", fitted_on=D(2025, 7, 1), status="installed")
    sanctuary("male", fitted_on=D(2024, 6, 1), removed_on=D(2025, 4, 15), status="removed")
    sanctuary("female", fitted_on=D(2026, 5, 1), status="installed")


# Counted by hand from the fixture above.
EXPECTED = {
    "A1": 4,
    "A2": 2,
    "A3": 0,
    "A4": 6,
    "A5": 4,
    "A6": 4,
    "A7": 2,
    "B1": 2,
    "C1": 1,
    "C2": 1,
    "C0": 2,
    "D1": 1,
    "D3": 1,
    "D0": 2,
    "DM1": 1,
    "DM6": 1,
    "DS": 1,
    "E-refuge-units": 24,
    "E-refuge-bedspaces": 0,
    "E-dispersed-units": 8,
    "E-dispersed-bedspaces": 10,
    "E-sanctuary-installs": 1,
}


def _computed():
    rows = part4.compute(
        part4.records_for(
            FY,
            referrals=RefugeReferral.objects.all(),
            sanctuaries=Sanctuary.objects.all(),
            services=SafeAccommodationService.objects.all(),
        )
    )
    return {row["code"]: row["value"] for row in rows}


def test_the_return_equals_the_hand_count(records):
    values = _computed()
    for code, expected in EXPECTED.items():
        assert values[code] == expected, code
    by_label = {f.label: values[f.code] for f in part4.FIELDS}
    assert by_label["Adults: Mental health needs"] == 1
    assert by_label["Adults: Black and minoritised"] == 1
    assert by_label["Moved on to: Private rented"] == 0
    # Every other row is zero: nothing counted that the fixture does not hold.
    assert all(
        value == 0
        for code, value in values.items()
        if code not in EXPECTED and "Adults: " not in next(f.label for f in part4.FIELDS if f.code == code)
    )


def test_the_field_list_is_configuration_with_unique_codes():
    codes = [f.code for f in part4.FIELDS]
    assert len(codes) == len(set(codes))
    assert {f.section[0] for f in part4.FIELDS} == set("ABCDE")


def test_the_project_disclosure_rule_with_secondary_suppression(settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 5
    values = {"A1": 3, "A2": 9, "A3": 0, "A4": 12, "A5": 5, "A6": 10, "A7": 2, "E-refuge-units": 2}
    rows = [{"section": "", "code": code, "label": "", "value": value} for code, value in values.items()]
    out, hidden = part4.suppress(rows)
    shown = {row["code"]: row["value"] for row in out}
    # A1 and A7 are small; A2 would give A1 away through A4, A6 would give A7 away through A4.
    assert {code for code, value in shown.items() if value == "[c]"} == {"A1", "A2", "A6", "A7"}
    assert hidden == 4
    assert (shown["A3"], shown["A4"], shown["A5"]) == (0, 12, 5)  # zero and the rest shown
    assert shown["E-refuge-units"] == 2  # capacity is not about people


def test_the_default_rule_hides_under_10(records):
    rows = {row["code"]: row["value"] for row in part4.partnership_return(2025)}
    assert rows["A4"] == "[c]" and rows["C0"] == "[c]" and rows["A3"] == 0
    assert rows["E-dispersed-bedspaces"] == 10


def test_commissioner_page_suppresses_and_says_so(records, commissioner, settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 5
    body = signed_in_client(commissioner).get(reverse("refuge:part4"), {"year": "2025"}).content.decode()
    assert "Small numbers are suppressed" in body and "Counts from 1 to 4 are not shown" in body
    assert 'data-code="A1">[c]<' in body and 'data-code="A3">0<' in body
    # 6 adults in the year, 4 of them (small) in its first quarter: withheld where a quarter withholds it
    assert 'data-code="A4">[c]<' in body
    assert 'data-code="E-refuge-units">24<' in body
    assert "6 self-contained + 20 shared = 26, not the 24 units declared" in body


def test_refuge_worker_sees_their_own_service_unsuppressed(records, refuge_worker):
    body = signed_in_client(refuge_worker).get(reverse("refuge:part4"), {"year": "2025"}).content.decode()
    assert "Small numbers are suppressed" not in body
    assert 'data-code="A1">3<' in body  # the refuge's own women; no sanctuary for them


@pytest.mark.parametrize("persona", ["idva", "housing_officer", "marac_coordinator", "programme_worker", "outsider"])
def test_other_roles_are_refused(records, persona, request):
    user = request.getfixturevalue(persona)
    assert signed_in_client(user).get(reverse("refuge:part4")).status_code == 403
    assert signed_in_client(user).get(reverse("refuge:part4_download", args=["csv"])).status_code == 403


def test_csv_and_xlsx_in_one_click_carry_the_same_rows_and_are_audited(records, commissioner, settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 5
    from openpyxl import load_workbook

    client = signed_in_client(commissioner)
    csv_response = client.get(reverse("refuge:part4_download", args=["csv"]), {"year": "2025"})
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "section,code,label,value"
    assert "A. Individuals supported,A3,Trans adults supported,0" in lines
    assert "A. Individuals supported,A4,Adults supported (all),[c]" in lines  # 4 in its first quarter
    assert "A. Individuals supported,A1,Women supported,[c]" in lines
    assert 'filename="safe-accommodation-return-2025-26.csv"' in csv_response["Content-Disposition"]
    xlsx = client.get(reverse("refuge:part4_download", args=["xlsx"]), {"year": "2025"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("section", "code", "label", "value")
    assert len(rows) == len(part4.FIELDS) + 2  # the header, the rows, and the data-quality note
    assert rows[-1][:2] == ("Z. Data quality", "Q1") and "= 26, not the 24 units declared" in rows[-1][2]
    assert ("A. Individuals supported", "A4", "Adults supported (all)", "[c]") in rows
    assert ("A. Individuals supported", "A3", "Trans adults supported", 0) in rows
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:refuge-part4")
    assert exports.count() == 2 and all(e.detail["suppressed"] for e in exports)
    assert client.get(reverse("refuge:part4_download", args=["pdf"])).status_code == 404


def test_manage_py_report(records, settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 5
    from django.core.management import call_command

    out = io.StringIO()
    call_command("report", "safe-accommodation-return", "--year", "2025", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert "A. Individuals supported,A3,Trans adults supported,0" in lines
    assert "A. Individuals supported,A4,Adults supported (all),[c]" in lines  # 4 in its first quarter
    assert "A. Individuals supported,A1,Women supported,[c]" in lines
    assert any(
        line.startswith('Z. Data quality,Q1,"Harbour Refuge: The declared unit types do not add up') for line in lines
    )
