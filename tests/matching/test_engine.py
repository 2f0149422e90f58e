"""The engine ranks the true record first for each kind of evidence, in a crowd of near misses."""

from __future__ import annotations

from datetime import date

import pytest

from tests.matching.helpers import add_person, crowd
from waymark.matching.engine import SearchQuery, find_candidates, rebuild_all_search_keys, refresh_search_keys
from waymark.matching.keys import NameKeys
from waymark.matching.models import PersonContactKey, PersonSearchKey, SearchFamilyName
from waymark.people.choices import AddressKind
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def top(query: SearchQuery):
    matches = find_candidates(query)
    assert matches, "expected at least one candidate"
    return matches[0]


def codes(match) -> set[str]:
    return {c.code for c in match.score.components}


def test_exact_record_ranks_first():
    crowd()
    target = add_person("Katherine", "Smith", date(1985, 3, 4))
    best = top(SearchQuery(given_name="Katherine", family_name="Smith", date_of_birth=date(1985, 3, 4)))
    assert best.person_id == target.pk
    assert {"given_name_exact", "family_name_exact", "dob_exact"} <= codes(best)
    assert best.score.band == "strong"


def test_spelling_variant_ranks_first():
    crowd()
    target = add_person("Siobhan", "Kelleher", date(1988, 8, 9))
    best = top(SearchQuery(given_name="Siobahn", family_name="Kelleher", date_of_birth=date(1988, 8, 9)))
    assert best.person_id == target.pk
    assert "given_name_spelling" in codes(best)


def test_phonetic_variant_ranks_first_and_says_so():
    crowd()
    target = add_person("Katherine", "Smyth", date(1985, 3, 4))
    best = top(SearchQuery(given_name="Katherine", family_name="Smith", date_of_birth=date(1985, 3, 4)))
    assert best.person_id == target.pk
    assert "family_name_phonetic" in codes(best)
    assert "family name sounds alike (Smith/Smyth)" in best.score.explain(with_values=True)


def test_nickname_ranks_first_and_says_so():
    crowd()
    target = add_person("Katherine", "Oduya", date(1991, 7, 30))
    add_person("Kayleigh", "Oduya", date(1991, 7, 30))  # same family and dob, not a nickname
    best = top(SearchQuery(given_name="Kate", family_name="Oduya", date_of_birth=date(1991, 7, 30)))
    assert best.person_id == target.pk
    assert "given_name_nickname" in codes(best)
    assert "known nickname" in best.score.explain(with_values=False)


def test_nickname_found_without_date_of_birth():
    crowd()
    target = add_person("Mohammed", "Iqbal", None)
    best = top(SearchQuery(given_name="Mo", family_name="Iqbal"))
    assert best.person_id == target.pk


def test_swapped_names_rank_first():
    crowd()
    target = add_person("Wei", "Zhang", date(1993, 2, 11))
    best = top(SearchQuery(given_name="Zhang", family_name="Wei", date_of_birth=date(1993, 2, 11)))
    assert best.person_id == target.pk
    assert "names_swapped" in codes(best)


def test_partial_date_of_birth_ranks_first():
    crowd()
    target = add_person("Grace", "Adeyemi", date(1987, 5, 21))
    add_person("Grace", "Adeyemi", date(1962, 1, 2))  # namesake, another generation
    best = top(SearchQuery(given_name="Grace", family_name="Adeyemi", date_of_birth=date(1987, 5, 12)))
    assert best.person_id == target.pk
    assert "dob_year_month" in codes(best)


def test_name_and_near_date_block_finds_a_mangled_other_name():
    crowd()
    target = add_person("Siobhan", "Adeyemi", date(1987, 5, 21))
    query = SearchQuery(given_name="Chevonne", family_name="Adeyemi", date_of_birth=date(1987, 5, 12))
    assert query.names.given_metaphone != NameKeys.of("Siobhan", "").given_metaphone
    assert target.pk in {m.person_id for m in find_candidates(query)}


def test_year_off_by_one_ranks_first():
    crowd()
    target = add_person("Priya", "Sharma", date(1990, 10, 3))
    add_person("Priya", "Sharma", date(1975, 2, 14))
    best = top(SearchQuery(given_name="Priya", family_name="Sharma", date_of_birth=date(1991, 10, 3)))
    assert best.person_id == target.pk
    assert "dob_year_off_by_one" in codes(best)


def test_transposed_date_of_birth_ranks_first():
    crowd()  # the crowd's John Smith (1985-04-03) has the query's transposed date too
    target = add_person("Joanne", "Smith", date(1985, 3, 4))
    best = top(SearchQuery(given_name="Joanne", family_name="Smith", date_of_birth=date(1985, 4, 3)))
    assert best.person_id == target.pk
    assert "dob_transposed" in codes(best)


def test_postcode_ranks_first():
    agency_crowd = crowd()
    assert agency_crowd
    target = add_person("Emma", "Jones", date(1980, 1, 1), postcode="SE1 7PB")
    add_person("Emma", "Jones", date(1980, 1, 1), postcode="M1 1AE")
    best = top(SearchQuery(given_name="Emma", family_name="Jones", date_of_birth=date(1980, 1, 1), postcode="se17pb"))
    assert best.person_id == target.pk
    assert "postcode" in codes(best)


def test_phone_ranks_first():
    crowd()
    target = add_person("Emma", "Jones", None, phone="07700 900123")
    add_person("Emma", "Jones", None, phone="07700 900999")
    best = top(SearchQuery(given_name="Emma", family_name="Jones", phone="+44 7700 900123"))
    assert best.person_id == target.pk
    assert "phone" in codes(best)


def test_alias_is_searchable():
    crowd()
    target = add_person("Lucy", "Green", date(1984, 6, 6), aliases=(("Lucy", "Whitfield"),))
    best = top(SearchQuery(given_name="Lucy", family_name="Whitfield", date_of_birth=date(1984, 6, 6)))
    assert best.person_id == target.pk


def test_refuge_postcode_is_never_a_search_key():
    person = add_person("Nadia", "Hussain", date(1990, 1, 1), postcode="SE1 7PB", address_kind=AddressKind.REFUGE)
    assert not PersonContactKey.objects.filter(person=person).exists()
    # and so a postcode adds nothing to a search for her
    best = top(SearchQuery(given_name="Nadia", family_name="Hussain", postcode="SE1 7PB"))
    assert "postcode" not in codes(best)


def test_search_keys_hold_no_postcode_or_phone_in_clear():
    person = add_person("Nadia", "Hussain", None, postcode="SE1 7PB", phone="07700 900123")
    values = " ".join(PersonContactKey.objects.filter(person=person).values_list("key", flat=True))
    assert values
    for clear in ("SE1", "7PB", "se17pb", "07700", "900123"):
        assert clear not in values


def test_a_name_is_required_so_a_postcode_alone_finds_nobody():
    add_person("Emma", "Jones", None, postcode="SE1 7PB")
    assert find_candidates(SearchQuery(postcode="SE1 7PB")) == []
    assert find_candidates(SearchQuery(given_name="E", postcode="SE1 7PB")) == []


def test_refresh_replaces_keys_after_a_change():
    person = add_person("Katherine", "Smith", date(1985, 3, 4))
    Person.objects.filter(pk=person.pk).update(family_name="Okonkwo")
    refresh_search_keys([person.pk])
    families = set(PersonSearchKey.objects.filter(person=person).values_list("family_norm", flat=True))
    assert families == {"okonkwo"}
    assert top(SearchQuery(given_name="Katherine", family_name="Okonkwo")).person_id == person.pk


def test_family_name_vocabulary_keeps_every_spelling_once():
    add_person("Katherine", "Smith-Jones", date(1985, 3, 4), aliases=(("Kate", "Okonkwo"),))
    add_person("Anna", "Smith Jones", None)
    names = list(SearchFamilyName.objects.values_list("name", flat=True))
    assert sorted(names) == ["okonkwo", "smith jones"]


def test_ambiguous_nickname_gets_a_key_per_group():
    person = add_person("Alex", "Morgan", None)
    groups = set(PersonSearchKey.objects.filter(person=person).values_list("given_canonical", flat=True))
    assert {"alexander", "alexandra"} <= groups


def test_rebuild_all_recreates_every_key():
    people = crowd()
    PersonSearchKey.objects.all().delete()
    rebuild_all_search_keys()
    assert set(PersonSearchKey.objects.values_list("person_id", flat=True)) == {p.pk for p in people}


def test_criteria_names_kinds_only():
    query = SearchQuery(given_name="Kate", family_name="Smith", postcode="not a postcode", phone="07700 900123")
    assert query.criteria() == ["given_name", "family_name", "phone"]


def test_rebuild_search_keys_command():
    from django.core.management import call_command

    people = crowd()
    PersonSearchKey.objects.all().delete()
    call_command("rebuild_search_keys")
    assert PersonSearchKey.objects.values("person_id").distinct().count() == len(people)
