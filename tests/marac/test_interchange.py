"""marac_meetings.csv and marac_cases.csv: all or nothing, row and column errors, idempotent, round trip."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import AgencyFactory
from tests.interchange.conftest import HEADERS, VALID, write_files
from waymark.interchange.actions import export_files, interchange_import, interchange_import_files
from waymark.marac.models import MaracCase, MaracMeeting
from waymark.marac.reports.selectors import marac_performance
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

MARAC_HEADERS = {
    **HEADERS,
    "marac_meetings.csv": "meeting_ref,held_on",
    "marac_cases.csv": "marac_case_ref,meeting_ref,victim_ref,perpetrator_ref,referred_on,agency_ref,criteria,children_in_household",
}
MARAC = {
    "marac_meetings.csv": ["M1,2017-05-11", "M2,2017-05-25", "M3,2018-06-07"],
    "marac_cases.csv": [
        "C1,M1,P1,P2,2017-05-03,POL1,visible_high_risk;escalation,2",
        "C2,M1,P3,,2017-05-04,GP1,professional_judgement,0",
        "C3,M2,P1,P2,2017-05-20,POL1,repeat;visible_high_risk,2",
        "C4,M3,P1,P2,2018-05-21,POL1,repeat,",
        "C5,,P4,,2018-05-30,,visible_high_risk,1",
    ],
}


@pytest.fixture(autouse=True)
def receiving_service(settings, db):
    agency = AgencyFactory(ref="SASS", name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    settings.REFERRALS_RECEIVING_AGENCY_REF = agency.ref
    return agency


def folder(tmp_path, **replace):
    files = {**VALID, **MARAC, **replace}
    return write_files(tmp_path / "in", files, MARAC_HEADERS)


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "modified_at")) for model in (MaracMeeting, MaracCase)
    }


def test_import_creates_meetings_and_cases_and_twice_changes_nothing(tmp_path):
    path = folder(tmp_path)
    report = interchange_import(actor=None, path=path)
    assert report.ok, report.lines()
    assert MaracMeeting.objects.count() == 3 and MaracCase.objects.count() == 5
    c1 = MaracCase.objects.select_related("meeting", "victim", "perpetrator", "referring_agency").get(ref="C1")
    assert (c1.meeting.ref, c1.victim.ref, c1.perpetrator.ref, c1.referring_agency.ref) == ("M1", "P1", "P2", "POL1")
    assert c1.criteria == ["escalation", "visible_high_risk"] and c1.children_in_household == 2
    c5 = MaracCase.objects.get(ref="C5")
    assert c5.meeting is None and c5.perpetrator is None and c5.referring_agency is None
    before = snapshot()
    again = interchange_import(actor=None, path=path)
    assert again.ok
    assert again.counts["marac_cases.csv"].created == 0 and again.counts["marac_cases.csv"].updated == 0
    assert again.counts["marac_cases.csv"].unchanged == 5
    assert snapshot() == before


@pytest.mark.parametrize(
    ("file", "row", "column", "bad"),
    [
        ("marac_meetings.csv", 3, "held_on", "M2,2017-02-30"),
        ("marac_cases.csv", 4, "meeting_ref", "C3,M9,P1,P2,2017-05-20,POL1,repeat,2"),
        ("marac_cases.csv", 2, "victim_ref", "C1,M1,P99,P2,2017-05-03,POL1,escalation,2"),
        ("marac_cases.csv", 3, "perpetrator_ref", "C2,M1,P3,P77,2017-05-04,GP1,professional_judgement,0"),
        ("marac_cases.csv", 5, "criteria", "C4,M3,P1,P2,2018-05-21,POL1,repeat;gut_feeling,"),
        ("marac_cases.csv", 6, "children_in_household", "C5,,P4,,2018-05-30,,visible_high_risk,many"),
        ("marac_cases.csv", 2, "perpetrator_ref", "C1,M1,P1,P1,2017-05-03,POL1,escalation,2"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_row_and_column(tmp_path, file, row, column, bad):
    rows = list(MARAC[file])
    rows[row - 2] = bad
    report = interchange_import(actor=None, path=folder(tmp_path, **{file: rows}))
    assert not report.ok
    assert [(e.file, e.row, e.column) for e in report.errors] == [(file, row, column)]
    assert not MaracMeeting.objects.exists() and not MaracCase.objects.exists()


def test_unknown_meeting_and_person_refs_in_the_database_are_rejected(tmp_path):
    only_cases = {"marac_cases.csv": ["C1,M1,P1,,2017-05-03,,visible_high_risk,0"]}
    report = interchange_import(actor=None, path=write_files(tmp_path / "c", only_cases, MARAC_HEADERS))
    assert {(e.row, e.column) for e in report.errors} == {(2, "meeting_ref"), (2, "victim_ref")}
    assert not MaracCase.objects.exists()


def test_export_then_import_into_an_empty_instance_reproduces_the_report(tmp_path, django_db_blocker):
    assert interchange_import(actor=None, path=folder(tmp_path)).ok
    expected = marac_performance(date(2017, 4, 1), date(2019, 3, 31), "quarter")
    assert sum(r["cases"] for r in expected) == 4 and sum(r["repeats_ever"] for r in expected) == 2
    files = export_files()
    assert files["marac_meetings.csv"].decode().splitlines()[1:] == MARAC["marac_meetings.csv"]
    MaracCase.objects.all().delete()
    MaracMeeting.objects.all().delete()
    report = interchange_import_files(actor=None, raw_files=files)
    assert report.ok, report.lines()
    assert report.counts["marac_cases.csv"].created == 5
    assert marac_performance(date(2017, 4, 1), date(2019, 3, 31), "quarter") == expected
