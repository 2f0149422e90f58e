"""On PostgreSQL, trigram similarity adds candidates whose misspelling changed every phonetic key."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.matching.helpers import add_person, crowd
from waymark.matching.engine import SearchQuery, find_candidates
from waymark.matching.keys import NameKeys

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")


def test_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'matching_personsearchkey'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"msk_given_trgm", "msk_family_trgm"} <= names
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'matching_searchfamilyname'")
        assert "msfn_name_trgm" in {row[0] for row in cursor.fetchall()}


def test_misspelling_that_changes_phonetic_keys_is_found_by_trigrams():
    crowd()
    target = add_person("Katherine", "Wetherspoon", None)
    typed = NameKeys.of("Katherine", "Wetherpsoon")
    stored = NameKeys.of("Katherine", "Wetherspoon")
    assert typed.family_metaphone != stored.family_metaphone and typed.family_nysiis != stored.family_nysiis
    matches = find_candidates(SearchQuery(given_name="Katherine", family_name="Wetherpsoon"))
    assert matches and matches[0].person_id == target.pk
