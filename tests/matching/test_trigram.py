"""On PostgreSQL, trigram similarity adds candidates whose misspelling changed every phonetic key."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.matching.helpers import add_person, crowd
from waymark.matching.engine import SearchQuery, _trigram_blocks, find_candidates
from waymark.matching.keys import NameKeys
from waymark.matching.models import SearchFamilyName, SearchGivenName

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")


def test_trigram_indexes_are_on_the_vocabularies_and_take_new_names_at_once():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.relname, coalesce(c.reloptions, '{}') FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND t.relname LIKE 'matching_%%'"
        )
        found = {name: (table, options) for name, table, options in cursor.fetchall()}
    assert found == {
        "msfn_name_trgm": ("matching_searchfamilyname", ["fastupdate=off"]),
        "msgn_name_trgm": ("matching_searchgivenname", ["fastupdate=off"]),
    }


def test_misspelling_that_changes_phonetic_keys_is_found_by_trigrams():
    crowd()
    target = add_person("Katherine", "Wetherspoon", None)
    typed = NameKeys.of("Katherine", "Wetherpsoon")
    stored = NameKeys.of("Katherine", "Wetherspoon")
    assert typed.family_metaphone != stored.family_metaphone and typed.family_nysiis != stored.family_nysiis
    matches = find_candidates(SearchQuery(given_name="Katherine", family_name="Wetherpsoon"))
    assert matches and matches[0].person_id == target.pk


def test_both_names_misspelled_beyond_their_phonetic_keys_are_found_by_trigrams():
    crowd()
    target = add_person("Katherine", "Wetherspoon", None)
    add_person("Gwendolyn", "Wetherspoon", None)  # a family spelling alike, a given name not similar
    typed = NameKeys.of("Katherina", "Wetherpsoon")
    stored = NameKeys.of("Katherine", "Wetherspoon")
    assert typed.given != stored.given and typed.family_nysiis != stored.family_nysiis
    matches = find_candidates(SearchQuery(given_name="Katherina", family_name="Wetherpsoon"))
    assert [m.person_id for m in matches] == [target.pk]


def test_the_vocabularies_hold_every_spelling_written():
    add_person("Zephyrine", "Quillborough", None)
    assert SearchGivenName.objects.filter(name="zephyrine").exists()
    assert SearchFamilyName.objects.filter(name="quillborough").exists()


def test_no_similar_spelling_anywhere_means_no_trigram_block():
    crowd()
    assert _trigram_blocks(NameKeys.of("Xqzvw", "Jjkkqq")) == []
