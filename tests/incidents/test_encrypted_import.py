"""The interchange import writes in bulk (``COPY`` on PostgreSQL, ``executemany`` elsewhere; a
changed row by ``bulk_update``): incident descriptions, judgement reasons and the status-change
reason it writes for each new referral are encrypted there too, and the export reads them back."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from tests.factories import AgencyFactory
from tests.interchange.conftest import VALID, write_files
from waymark.incidents.models import Incident
from waymark.interchange.actions import export_files, interchange_import
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import ReferralStatusChange
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def receiving_service(settings):
    agency = AgencyFactory(ref="SASS", name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    settings.REFERRALS_RECEIVING_AGENCY_REF = agency.ref
    return agency


def column(table, name):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM {table} WHERE {name} <> ''")
        return [value for (value,) in cursor.fetchall()]


def exported(name):
    return list(csv.reader(io.StringIO(export_files()[name].decode())))


def test_bulk_import_encrypts_and_the_export_reads_back(tmp_path):
    report = interchange_import(actor=None, path=write_files(tmp_path / "in", VALID))
    assert report.ok, report.lines()
    descriptions = column("incidents_incident", "description")
    reasons = column("risk_riskassessment", "judgement_reason")
    words = column("referrals_referralstatuschange", "reason")
    assert len(descriptions) == 2 and len(reasons) == 1 and len(words) == 3
    for stored in [*descriptions, *reasons, *words]:
        assert stored.startswith("v1:")
        assert not any(plain in stored for plain in ("wall", "HYPERLINK", "Threats", "Imported"))
    assert Incident.objects.get(ref="I1").description == "Pushed against a wall"
    assert RiskAssessment.objects.get(ref="A2").judgement_reason == "Threats to kill reported to GP"
    assert set(ReferralStatusChange.objects.values_list("reason", flat=True)) == {"Imported"}
    assert ["I1", "2017-04-30", "P1", "P2", "POL1", "Pushed against a wall"] in exported("incidents.csv")
    assert "Threats to kill reported to GP" in [row[-1] for row in exported("risk_assessments.csv")]


def test_a_changed_row_is_encrypted_and_an_unchanged_one_left_alone(tmp_path):
    assert interchange_import(actor=None, path=write_files(tmp_path / "first", VALID)).ok
    unchanged_before = column("risk_riskassessment", "judgement_reason")
    files = {
        **VALID,
        "incidents.csv": ["I1,2017-04-30,P1,P2,POL1,Followed her to 4 Canary Row", VALID["incidents.csv"][1]],
    }
    report = interchange_import(actor=None, path=write_files(tmp_path / "second", files))
    assert report.ok, report.lines()
    assert all(
        "Canary" not in stored and stored.startswith("v1:") for stored in column("incidents_incident", "description")
    )
    assert Incident.objects.get(ref="I1").description == "Followed her to 4 Canary Row"
    assert column("risk_riskassessment", "judgement_reason") == unchanged_before, "the same words are not rewritten"
