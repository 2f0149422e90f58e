"""An import that changes a record people also edit on the web (a person, a MARAC case) moves its
version on, as a web edit does: a form read before the import is then refused (``StaleEdit``),
never allowed to write over what was imported. An import that changes nothing moves nothing, and
a record whose "version" means something else (a risk instrument's text) is left alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.interchange.conftest import VALID, write_files
from waymark.core.versioning import StaleEdit, claim_version
from waymark.interchange.actions import interchange_import
from waymark.interchange.base import diff_and_set
from waymark.marac.models import MaracCase
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_person_changed_by_an_import_refuses_a_form_read_before_it(valid_folder, tmp_path):
    assert interchange_import(actor=None, path=valid_folder).ok
    read_at = Person.objects.get(ref="P1").version

    unchanged = interchange_import(actor=None, path=valid_folder)
    assert unchanged.ok
    assert Person.objects.get(ref="P1").version == read_at  # nothing changed: nothing moved

    renamed = {**VALID, "people.csv": [VALID["people.csv"][0].replace("Aisha", "Ayesha"), *VALID["people.csv"][1:]]}
    assert interchange_import(actor=None, path=write_files(tmp_path / "again", renamed)).ok
    person = Person.objects.get(ref="P1")
    assert person.given_name == "Ayesha"
    assert person.version == read_at + 1
    assert Person.objects.get(ref="P2").version == 1  # the people the import did not change

    with pytest.raises(StaleEdit):  # the form read before the import
        claim_version(person, read_at)


def test_a_marac_case_changed_in_planning_moves_its_version_and_saves_it():
    case = MaracCase(version=3, children_in_household=0)
    assert diff_and_set(case, {"children_in_household": 0}) == []
    assert case.version == 3
    changed = diff_and_set(case, {"children_in_household": 2})
    assert changed == ["children_in_household", "version"]  # both written by the bulk update
    assert case.version == 4


def test_a_version_that_is_not_an_edit_counter_is_left_alone():
    instrument = SimpleNamespace(version=2, name="DASH")
    assert diff_and_set(instrument, {"name": "DASH 2009"}) == ["name"]
    assert instrument.version == 2
