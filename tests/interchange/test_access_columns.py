"""An import never moves a stored record to other eyes (security finding, 4 December).

One system administrator could re-import a survivor's row with ``held_by_ref`` changed (the
specialist service -> council housing) and open her contact details to that agency, bypassing the
two-administrator rule for grants that open records; ``role`` (which feeds the perpetrator-programme
firewall) could be changed the same way, and so could whom a referral, assessment, incident or MARAC
case is about, the agency that follows a referral and the meeting that hears a case. Now each such
row is refused by file, row and column (never a value) and, as for any bad row, nothing from any file
is saved (docs/interchange.md, "Who may see an imported record"). New records still take them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.interchange.conftest import HEADERS, VALID
from tests.marac.test_interchange import MARAC, MARAC_HEADERS
from waymark.core.roles import Role
from waymark.incidents.models import Incident
from waymark.interchange.actions import export_files, interchange_import_files
from waymark.interchange.source import decode_rows
from waymark.marac.models import MaracCase
from waymark.organisations.models import AgencyKind
from waymark.people.choices import PersonRole
from waymark.people.models import Person
from waymark.referrals.models import Referral
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

PEOPLE_WITH_EXTRAS = f"{HEADERS['people.csv']},held_by_ref,role"


def as_files(files: dict[str, list[str]], headers: dict[str, str]) -> dict[str, bytes]:
    return {name: ("\n".join([headers[name], *rows]) + "\n").encode() for name, rows in files.items()}


@pytest.fixture
def housing():
    return AgencyFactory(ref="SHS", name="Northmere Council Housing", kind=AgencyKind.HOUSING)


@pytest.fixture
def stored(housing):
    """VALID and the MARAC files imported: P1 is held by the specialist service, as a survivor."""
    report = interchange_import_files(actor=None, raw_files=as_files({**VALID, **MARAC}, MARAC_HEADERS))
    assert report.ok, report.lines()
    return Person.objects.get(ref="P1")


def people_with_extras(held_by: str, role: str) -> dict[str, bytes]:
    rows = [f"{VALID['people.csv'][0]},{held_by},{role}"]
    # Another row with a change of its own: it must not be saved either (all or nothing).
    rows.append(VALID["people.csv"][1].replace("Connor", "Conor") + ",,")
    return as_files({"people.csv": rows}, {"people.csv": PEOPLE_WITH_EXTRAS})


def errors_of(report) -> list[tuple[str, int, str]]:
    return [(e.file, e.row, e.column) for e in report.errors]


def test_an_import_cannot_move_a_survivor_to_another_agency(stored, housing, client_for):
    officer = make_member(Role.HOUSING_OFFICER, agency=housing)
    contact = reverse("people:contact", args=[stored.pk])
    assert client_for(officer).get(contact).status_code == 404

    report = interchange_import_files(actor=None, raw_files=people_with_extras("SHS", "survivor"))

    assert errors_of(report) == [("people.csv", 2, "held_by_ref")]
    message = report.errors[0].message
    assert "which agency holds the person" in message
    assert "SE1" not in message and "07700" not in message and "SHS" not in message
    assert Person.objects.get(pk=stored.pk).held_by.ref == "SASS"
    assert Person.objects.get(ref="P2").given_name == "Connor"  # nothing partial
    assert client_for(officer).get(contact).status_code == 404
    # The officer would see her had she been moved: the refusal is what keeps her hidden.
    Person.objects.filter(pk=stored.pk).update(held_by=housing)
    assert client_for(officer).get(contact).status_code == 200


def test_an_import_cannot_change_a_persons_role(stored):
    report = interchange_import_files(actor=None, raw_files=people_with_extras("", "person_causing_harm"))
    assert errors_of(report) == [("people.csv", 2, "role")]
    assert Person.objects.get(pk=stored.pk).primary_role == PersonRole.SURVIVOR
    assert Person.objects.get(ref="P2").given_name == "Connor"


def test_the_holder_and_role_as_stored_or_left_empty_are_accepted(stored):
    report = interchange_import_files(actor=None, raw_files=people_with_extras("SASS", "survivor"))
    assert report.ok, report.lines()
    assert Person.objects.get(ref="P2").given_name == "Conor"
    report = interchange_import_files(actor=None, raw_files=people_with_extras("", ""))
    assert report.ok, report.lines()
    assert report.counts["people.csv"].as_dict()["unchanged"] == 2
    assert Person.objects.get(pk=stored.pk).held_by.ref == "SASS"


def test_new_people_still_take_the_holder_and_role_given(stored):
    rows = ["P9,Nadia,Khan,1991-01-01,female,,no,no,,,SHS,household_member"]
    files = as_files({"people.csv": rows}, {"people.csv": PEOPLE_WITH_EXTRAS})
    report = interchange_import_files(actor=None, raw_files=files)
    assert report.ok, report.lines()
    nadia = Person.objects.get(ref="P9")
    assert nadia.held_by.ref == "SHS" and nadia.primary_role == PersonRole.HOUSEHOLD_MEMBER


# (file, row index in its fixture, the row with one access column changed, that column).
MOVES = [
    ("referrals.csv", 1, "R2,2018-01-15,P4,,GP1,stalking,harassment_stalking;online,refused,", "person_ref"),
    ("referrals.csv", 1, "R2,2018-01-15,P3,P2,GP1,stalking,harassment_stalking;online,refused,", "perpetrator_ref"),
    ("referrals.csv", 1, "R2,2018-01-15,P3,,POL1,stalking,harassment_stalking;online,refused,", "agency_ref"),
    ("risk_assessments.csv", 1, "A2,P4,R2,2018-01-16,dash24,6,high,Threats to kill reported to GP", "person_ref"),
    ("incidents.csv", 0, "I1,2017-04-30,P3,P2,POL1,Pushed against a wall", "victim_ref"),
    ("marac_cases.csv", 1, "C2,M2,P3,,2017-05-04,GP1,professional_judgement,0", "meeting_ref"),
    ("marac_cases.csv", 1, "C2,M1,P4,,2017-05-04,GP1,professional_judgement,0", "victim_ref"),
    ("marac_cases.csv", 1, "C2,M1,P3,P2,2017-05-04,GP1,professional_judgement,0", "perpetrator_ref"),
    ("marac_cases.csv", 1, "C2,M1,P3,,2017-05-04,POL1,professional_judgement,0", "agency_ref"),
    # A person new in this same import is someone else too.
    ("incidents.csv", 0, "I1,2017-04-30,P9,P2,POL1,Pushed against a wall", "victim_ref"),
]


def _stored_links() -> list:
    return [
        sorted(Referral.objects.values_list("ref", "subject_id", "person_causing_harm_id", "referring_agency_id")),
        sorted(RiskAssessment.objects.values_list("ref", "person_id")),
        sorted(Incident.objects.values_list("ref", "victim_id", "perpetrator_id", "agency_id", "description")),
        sorted(
            MaracCase.objects.values_list("ref", "meeting_id", "victim_id", "perpetrator_id", "referring_agency_id")
        ),
        sorted(Person.objects.values_list("ref", "given_name")),
    ]


@pytest.mark.parametrize(("name", "index", "row", "column"), MOVES)
def test_an_import_cannot_change_whom_a_record_is_about_or_who_follows_it(stored, name, index, row, column):
    before = _stored_links()
    files = {name: [*MARAC.get(name, VALID.get(name, []))]}
    files[name][index] = row
    people = [*VALID["people.csv"], "P9,Nadia,Khan,1991-01-01,female,,no,no,,"]
    files["people.csv"] = [people[0].replace("Aisha", "Ayesha"), *people[1:]]  # a change that must not be saved
    if name == "marac_cases.csv":
        files["marac_meetings.csv"] = MARAC["marac_meetings.csv"]
    report = interchange_import_files(actor=None, raw_files=as_files(files, MARAC_HEADERS))
    assert errors_of(report) == [(name, index + 2, column)]
    assert "it decides who may see the record" in report.errors[0].message
    assert _stored_links() == before
    assert not Person.objects.filter(ref="P9").exists()


def test_a_reexport_imports_over_its_records_unrefused(stored):
    """The round trip is untouched: every access column exported is what is stored."""
    files = export_files()
    assert interchange_import_files(actor=None, raw_files=files).ok
    people = decode_rows(files["people.csv"])
    assert people[0][-2:] == ["held_by_ref", "role"]
