"""Exporting the interchange format: the round trip is exact; spreadsheet copies are neutralised."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.management import call_command

from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.spreadsheets import csv_safe
from waymark.interchange.actions import export_files, interchange_export, interchange_import
from waymark.interchange.source import decode_rows
from waymark.organisations.models import Agency
from waymark.people.choices import AddressKind
from waymark.people.models import Address, Person

pytestmark = pytest.mark.django_db


def _empty_database():
    """Everything the import made goes (keeping the receiving service the settings name)."""
    from waymark.incidents.models import Incident
    from waymark.matching.models import PersonContactKey, PersonSearchKey
    from waymark.people.models import ContactChannel
    from waymark.referrals.models import Referral, ReferralNumberSequence, ReferralStatusChange
    from waymark.risk.models import RiskAssessment

    for model in (PersonSearchKey, PersonContactKey, Incident, RiskAssessment, ReferralStatusChange, Referral):
        model.objects.all().delete()
    ReferralNumberSequence.objects.all().delete()
    for model in (ContactChannel, Address, Person):
        model.objects.all().delete()
    Agency.objects.exclude(ref="SASS").delete()


def test_export_import_export_is_identical(valid_folder, tmp_path):
    assert interchange_import(actor=None, path=valid_folder).ok
    first = export_files()
    interchange_export(actor=None, path=tmp_path / "out")
    _empty_database()
    assert not Person.objects.exists()
    report = interchange_import(actor=None, path=tmp_path / "out")
    assert report.ok, report.lines()
    second = export_files()
    assert first == second  # byte for byte (rows are sorted by reference on export)
    assert set(first) == {
        "agencies.csv",
        "people.csv",
        "referrals.csv",
        "risk_assessments.csv",
        "incidents.csv",
        "marac_meetings.csv",
        "marac_cases.csv",
    }


def test_formula_cells_survive_the_round_trip_exactly(valid_folder):
    interchange_import(actor=None, path=valid_folder)
    rows = list(csv.reader(io.StringIO(export_files()["incidents.csv"].decode())))
    assert ["I2", "2017-06-12", "P1", "P2", "POL1", '=HYPERLINK("http://example.invalid")'] in rows


def test_spreadsheet_copies_neutralise_formulas_with_the_one_rule(valid_folder, tmp_path):
    """``--for-spreadsheet`` copies are the interchange files with ``core.spreadsheets.csv_safe``
    applied to every cell (for a person, not for re-import)."""
    interchange_import(actor=None, path=valid_folder)
    plain = export_files()
    call_command("export_data", str(tmp_path / "human.zip"), "--for-spreadsheet")
    with zipfile.ZipFile(tmp_path / "human.zip") as archive:
        for name, data in plain.items():
            expected = [[csv_safe(cell) for cell in row] for row in decode_rows(data)]
            assert decode_rows(archive.read(name)) == expected, name
        incidents = archive.read("incidents.csv").decode()
    assert "'=HYPERLINK" in incidents


def test_markup_is_kept_as_text(valid_folder):
    interchange_import(actor=None, path=valid_folder)
    assert Person.objects.get(ref="P3").given_name == "<script>alert(1)</script>"


def test_refuge_addresses_are_never_exported(valid_folder):
    interchange_import(actor=None, path=valid_folder)
    person = Person.objects.get(ref="P4")
    Address.objects.create(person=person, kind=AddressKind.REFUGE, postcode="ZZ9 9ZZ")
    assert b"ZZ9 9ZZ" not in b"".join(export_files().values())


def test_export_is_audited_with_counts(valid_folder, tmp_path):
    interchange_import(actor=None, path=valid_folder)
    interchange_export(actor=None, path=tmp_path / "out.zip")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor is None and event.actor_label
    assert event.detail["rows_per_file"]["people.csv"] == 4
    assert "Aisha" not in str(event.detail)


def test_reimporting_an_export_of_records_made_in_waymark_changes_nothing(valid_folder, tmp_path):
    interchange_import(actor=None, path=valid_folder)
    made_here = Person.objects.create(
        held_by=Agency.objects.get(ref="SASS"), given_name="Made", family_name="Here", sex="female"
    )
    interchange_export(actor=None, path=tmp_path / "out")
    people = Person.objects.count()
    before = sorted(Person.objects.values_list("pk", "modified_at"))
    report = interchange_import(actor=None, path=tmp_path / "out")
    assert report.ok, report.lines()
    assert Person.objects.count() == people
    assert sorted(Person.objects.values_list("pk", "modified_at")) == before
    assert Person.objects.get(pk=made_here.pk).ref is None
    assert report.counts["people.csv"].created == 0 and report.counts["people.csv"].updated == 0
