"""Imports a real partnership can do (issue 10, item 7): a first import into an empty instance, with
the receiving service in agencies.csv beside the referrals, and an export of one instance imported
into an empty one."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.interchange.conftest import VALID, write_files
from waymark.interchange.actions import export_files, interchange_import, interchange_import_files
from waymark.organisations.models import Agency
from waymark.people.models import Person
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db

WITH_RECEIVER = {**VALID, "agencies.csv": ["SASS,Harbour Advocacy,da_specialist", *VALID["agencies.csv"]]}


@pytest.fixture(autouse=True)
def receiving_service(settings, db):
    """Configured, but not yet set up: the instance is empty."""
    settings.REFERRALS_RECEIVING_AGENCY_REF = "SASS"
    assert not Agency.objects.exists()


def test_a_first_import_sets_up_the_receiving_service_with_its_referrals(tmp_path):
    report = interchange_import(actor=None, path=write_files(tmp_path / "in", WITH_RECEIVER))
    assert report.ok, report.lines()
    receiver = Agency.objects.get(ref="SASS")
    assert set(Referral.objects.values_list("receiving_agency_id", flat=True)) == {receiver.pk}
    assert Person.objects.get(ref="P1").held_by == receiver


def test_without_the_receiving_service_anywhere_the_import_is_refused(tmp_path):
    report = interchange_import(actor=None, path=write_files(tmp_path / "in", VALID))
    assert not report.ok and "no receiving service is set up" in " ".join(report.lines())
    assert not Referral.objects.exists()


def _empty_the_instance() -> None:
    """Everything an import writes, and what hangs off it, removed: an empty instance."""
    order = [
        "incidents.Incident",
        "referrals.ReferralStatusChange",
        "referrals.Referral",
        "risk.RiskAnswer",
        "risk.RiskAssessment",
        "matching.PersonSearchKey",
        "matching.PersonContactKey",
        "people.ContactChannel",
        "people.Address",
        "people.PersonName",
        "people.Person",
        "referrals.ReferralNumberSequence",
        "organisations.Agency",
    ]
    for label in order:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._base_manager.all().delete()


def test_an_export_imported_into_an_empty_instance_is_accepted(tmp_path):
    assert interchange_import(actor=None, path=write_files(tmp_path / "in", WITH_RECEIVER)).ok
    exported = export_files()
    counts = {name: len(data.splitlines()) for name, data in exported.items()}
    _empty_the_instance()
    assert not Agency.objects.exists() and not Person.objects.exists()
    report = interchange_import_files(actor=None, raw_files=exported)
    assert report.ok, report.lines()
    assert export_files().keys() == exported.keys()
    assert {name: len(data.splitlines()) for name, data in export_files().items()} == counts
    assert Referral.objects.count() == len(VALID["referrals.csv"])
