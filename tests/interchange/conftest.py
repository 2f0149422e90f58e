"""Fixtures for the interchange format: a small valid set of files, written to a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import AgencyFactory
from waymark.organisations.models import AgencyKind

HEADERS = {
    "agencies.csv": "agency_ref,name,kind",
    "people.csv": "person_ref,given_name,family_name,date_of_birth,sex,ethnicity,disability,lgbt,postcode,phone",
    "referrals.csv": "referral_ref,received_on,person_ref,perpetrator_ref,agency_ref,vawg_category,abuse_types,consent,children_in_household",
    "risk_assessments.csv": "assessment_ref,person_ref,referral_ref,assessed_on,instrument,yes_count,judgement_level,judgement_reason",
    "incidents.csv": "incident_ref,occurred_on,victim_ref,perpetrator_ref,agency_ref,description",
}

VALID = {
    "agencies.csv": [
        "POL1,Northmere Police,police",
        "GP1,Elm Road Surgery,health_primary",
    ],
    "people.csv": [
        "P1,Aisha,Mohammed,1990-03-04,female,asian_pakistani,no,no,SE1 7AB,07700 900123",
        "P2,Connor,O'Brien,1988-11-30,male,White: Irish,unknown,unknown,,",
        'P3,"<script>alert(1)</script>",Smyth,,female,,yes,yes,SE15 4QN,',
        "P4,Jo,Smith,2009-01-01,female,Some free text,no,unknown,,020 7946 0000",
    ],
    "referrals.csv": [
        "R1,2017-05-02,P1,P2,POL1,domestic_abuse,physical;coercive_control,given,2",
        "R2,2018-01-15,P3,,GP1,stalking,harassment_stalking;online,refused,",
        "R3,2024-02-01,P4,,POL1,domestic_abuse,,given,0",
    ],
    "risk_assessments.csv": [
        "A1,P1,R1,2017-05-03,dash24,15,,",
        "A2,P3,R2,2018-01-16,dash24,6,high,Threats to kill reported to GP",
        "A3,P1,,2017-08-03,dash24,9,standard,",
    ],
    "incidents.csv": [
        "I1,2017-04-30,P1,P2,POL1,Pushed against a wall",
        'I2,2017-06-12,P1,P2,POL1,=HYPERLINK("http://example.invalid")',
    ],
}


def write_files(folder: Path, files: dict[str, list[str]], headers: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    headers = {**HEADERS, **(headers or {})}
    for name, rows in files.items():
        (folder / name).write_text("\n".join([headers[name], *rows]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def receiving_service(settings, db):
    agency = AgencyFactory(ref="SASS", name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    settings.REFERRALS_RECEIVING_AGENCY_REF = agency.ref
    return agency


@pytest.fixture
def valid_folder(tmp_path):
    return write_files(tmp_path / "in", VALID)
