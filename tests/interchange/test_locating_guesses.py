"""An import must not confirm a guess at a survivor's locating details (security finding, 4 December).

A system administrator may export every record without locating details, alone. With that row, a
guessed postcode or phone number and a dry run, the counts used to answer the guess: the true value
gave "unchanged 1", a wrong one "updated 1" (a refuge address was decrypted and compared too). Now
locating columns never decide whether a row counts as changed; they have a count of their own, taken
from the file alone (docs/interchange.md, "Locating details are never compared in a report"). Each
test makes the same import twice, once with the true value and once with a wrong one of the same
length, and requires everything the administrator sees to be identical: the dry run's stored report
and rendered page (minus ids and tokens), its audit rows, and the confirmed import's report and audit.
The clock is fixed: nothing here reads the wall clock.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Max
from django.urls import reverse

from tests.interchange.conftest import VALID
from tests.interchange.test_web_import_export import upload, zip_of
from tests.operations.conftest import run_worker
from tests.reauth import mark_reauthenticated
from waymark.audit.models import AuditAction, AuditEvent
from waymark.incidents.models import Incident
from waymark.interchange.actions import interchange_import_files
from waymark.interchange.models import ImportJob
from waymark.interchange.source import read_zip_bytes
from waymark.people.choices import AddressKind
from waymark.people.models import Address, Person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
AISHA = VALID["people.csv"][0]  # P1: stored with SE1 7AB and 07700 900123
REFUGE = "N1 9GU"

# (what is guessed, P1's row with the true value, the same row with a wrong value of the same
# length). The true values are given as a person might type them: case and spaces differ.
GUESSES = {
    "postcode": (
        AISHA.replace("SE1 7AB", "se17ab "),
        AISHA.replace("SE1 7AB", "SE1 7AA"),
    ),
    "phone": (
        AISHA.replace("07700 900123", "07700900123 "),
        AISHA.replace("07700 900123", "07700 900124"),
    ),
    # Her refuge address has no blind index: it was decrypted and compared in memory.
    "refuge postcode": (
        AISHA.replace("SE1 7AB", "N1 9GU "),
        AISHA.replace("SE1 7AB", "N1 9GX "),
    ),
}


@pytest.fixture(autouse=True)
def pinned():
    """Every test at one instant, sign-in and reauthentication included (an upload at NOW by a
    session begun at the machine's hour would be a session long expired, some nights)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stored():
    """VALID imported, and P1 given a current refuge address (no blind index, as the product keeps it)."""
    with time_machine.travel(NOW, tick=False):
        assert interchange_import_files(actor=None, raw_files=read_zip_bytes(zip_of(VALID))).ok
        person = Person.objects.get(ref="P1")
        refuge = Address.objects.create(person=person, kind=AddressKind.REFUGE, postcode=REFUGE)
    refuge.refresh_from_db()
    assert refuge.is_current and refuge.postcode_index == ""
    return person


@pytest.fixture
def admin_client(client_for, administrator):
    return mark_reauthenticated(client_for(administrator), administrator)


def _last_audit_sequence() -> int:
    return AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0


def _dry_run_as_seen(admin_client, files: dict[str, list[str]]) -> tuple[dict, str, list]:
    """Uploads these files (rows as in an export without locating details, the guess filled in),
    lets the worker check them, and returns the job's stored report, its page with ids and tokens
    taken out, and what the audit trail recorded of the import."""
    with time_machine.travel(NOW, tick=False):
        before = _last_audit_sequence()
        upload(admin_client, "guess.zip", zip_of(files))
        run_worker()
        job = ImportJob.objects.order_by("-created_at", "-pk").first()
        assert job.status == ImportJob.Status.CHECKED, job.report
        page = admin_client.get(reverse("interchange:import_detail", args=[job.pk])).content.decode()
        events = AuditEvent.objects.filter(action=AuditAction.IMPORT, sequence__gt=before).order_by("sequence")
        audit = [(e.object_type, e.outcome, e.detail) for e in events]
    page = page.replace(str(job.pk), "<job>")
    page = re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r"\1", page)
    return job.report, page, audit


@pytest.mark.parametrize("guessed", sorted(GUESSES))
def test_a_dry_run_shows_the_same_whether_a_guessed_location_is_right_or_wrong(stored, admin_client, guessed):
    right, wrong = GUESSES[guessed]
    seen_right = _dry_run_as_seen(admin_client, {"people.csv": [right]})
    seen_wrong = _dry_run_as_seen(admin_client, {"people.csv": [wrong]})
    assert seen_right[0] == seen_wrong[0]
    assert seen_right[0]["counts"]["people.csv"] == {
        "rows": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "locating": 1,
    }
    assert seen_right[1] == seen_wrong[1]
    assert "What the import would do" in seen_right[1]
    # The page says how many rows give locating details (from the file alone), and why a row
    # that gives only those shows as unchanged.
    row = re.search(r'<th scope="row" class="govuk-table__header">people.csv</th>(.*?)</tr>', seen_right[1], re.S)
    assert row is not None
    assert re.findall(r">(\d+)</td>", row.group(1)) == ["1", "0", "0", "1", "1"]
    assert "With locating details" in seen_right[1] and "never compared with what is stored" in seen_right[1]
    assert seen_right[2] == seen_wrong[2] and seen_right[2]


def _imported(files: dict[str, list[str]]) -> tuple[list[str], list]:
    """A confirmed import's report lines and the audit details it wrote."""
    with time_machine.travel(NOW, tick=False):
        before = _last_audit_sequence()
        report = interchange_import_files(actor=None, raw_files=read_zip_bytes(zip_of(files)))
        assert report.ok, report.lines()
        audit = [e.detail for e in AuditEvent.objects.filter(sequence__gt=before).order_by("sequence")]
    return report.lines(), audit


@pytest.mark.parametrize("guessed", sorted(GUESSES))
def test_an_import_reports_the_same_whether_a_location_is_right_or_wrong(stored, guessed):
    right, wrong = GUESSES[guessed]
    assert _imported({"people.csv": [right]}) == _imported({"people.csv": [wrong]})


def test_a_new_location_is_still_added_and_a_known_one_never_twice(stored):
    """The counts no longer say so, but the importer still does what it did: a postcode or phone
    is added only if she has no current one equal to it (a refuge postcode included)."""
    right, wrong = GUESSES["postcode"]
    _imported({"people.csv": [right]})
    _imported({"people.csv": [GUESSES["refuge postcode"][0]]})
    assert Address.objects.filter(person=stored).count() == 2
    _imported({"people.csv": [wrong]})
    assert sorted(a.postcode for a in Address.objects.filter(person=stored)) == ["N1 9GU", "SE1 7AA", "SE1 7AB"]


# Free text the format marks as locating (``locating_columns``): the same rule.
FREE_TEXT = {
    "incidents.csv": (
        VALID["incidents.csv"][0],
        VALID["incidents.csv"][0].replace("Pushed against a wall", "Pushed against a door"),
    ),
    "risk_assessments.csv": (
        VALID["risk_assessments.csv"][1],
        VALID["risk_assessments.csv"][1].replace("Threats to kill reported to GP", "Threats to kill reported to PC"),
    ),
}


@pytest.mark.parametrize("name", sorted(FREE_TEXT))
def test_a_guess_at_locating_free_text_is_neither_confirmed_nor_denied(stored, admin_client, name):
    right, wrong = FREE_TEXT[name]
    people = {"people.csv": VALID["people.csv"]}
    seen_right = _dry_run_as_seen(admin_client, {**people, name: [right]})
    seen_wrong = _dry_run_as_seen(admin_client, {**people, name: [wrong]})
    assert seen_right == seen_wrong
    assert seen_right[0]["counts"][name] == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1, "locating": 1}
    assert _imported({**people, name: [right]}) == _imported({**people, name: [wrong]})
    if name == "incidents.csv":  # written as given all the same
        assert Incident.objects.get(ref="I1").description == "Pushed against a door"
