"""Properties of the score that must hold for any names and dates."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from waymark.matching.keys import ContactKeys, NameKeys, normalise_name, transposed
from waymark.matching.scoring import Profile, score

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz' -", min_size=0, max_size=14)
dobs = st.one_of(st.none(), st.dates(min_value=date(1920, 1, 1), max_value=date(2024, 12, 31)))
keys = st.sampled_from(["k1", "k2", "k3"])


def profile(given_name, family_name, dob, postcodes=frozenset(), phones=frozenset()):
    return Profile(
        names=(NameKeys.of(given_name, family_name),),
        dob=dob,
        contacts=ContactKeys(postcodes=frozenset(postcodes), districts=frozenset(), phones=frozenset(phones)),
    )


@settings(max_examples=300, deadline=None)
@given(names, names, dobs, names, names, dobs, st.sets(keys), st.sets(keys))
def test_score_is_symmetric(g1, f1, d1, g2, f2, d2, p1, p2):
    a, b = profile(g1, f1, d1, p1), profile(g2, f2, d2, p2)
    ab, ba = score(a, b), score(b, a)
    assert ab.points == ba.points
    assert ab.possible == ba.possible


@settings(max_examples=200, deadline=None)
@given(names, names, dobs)
def test_a_record_scores_at_least_as_well_against_itself_as_against_anything(g, f, d):
    me = profile(g, f, d)
    other = profile(g[::-1], f + "x", None)
    assert score(me, me).points >= score(me, other).points


@settings(max_examples=200, deadline=None)
@given(names, names, dobs, names, names, dobs, keys, keys)
def test_agreeing_contact_evidence_never_lowers_the_score(g1, f1, d1, g2, f2, d2, postcode, phone):
    base = score(profile(g1, f1, d1), profile(g2, f2, d2))
    more = score(profile(g1, f1, d1, {postcode}, {phone}), profile(g2, f2, d2, {postcode}, {phone}))
    assert more.points > base.points


@settings(max_examples=200, deadline=None)
@given(names, names, st.dates(min_value=date(1920, 1, 1), max_value=date(2024, 12, 31)))
def test_exact_date_beats_any_other_date(g, f, dob):
    me = profile(g, f, dob)
    exact = score(me, profile(g, f, dob)).points
    for other in (transposed(dob), dob.replace(day=1 if dob.day != 1 else 2), date(dob.year - 1, 1, 1)):
        if other is not None and other != dob:
            assert score(me, profile(g, f, other)).points < exact


@settings(max_examples=200, deadline=None)
@given(names, names)
def test_names_are_normalised_idempotently(g, f):
    assert normalise_name(normalise_name(g)) == normalise_name(g)
    assert normalise_name(f).strip() == normalise_name(f)


def test_a_name_part_alone_is_never_a_strong_match_however_exactly_it_agrees():
    """Ten women called Bethan are not one person: a given name (or a family name) alone that
    agrees exactly is a possible match; two identifiers that agree make a strong one."""
    bethan = profile("bethan", "", None)
    alone = score(bethan, profile("bethan", "sanders", date(1990, 5, 1)))
    assert (alone.fraction, alone.band) == (1.0, "possible")
    assert score(profile("", "sanders", None), profile("bethan", "sanders", None)).band == "possible"
    assert score(profile("bethan", "sanders", None), profile("bethan", "sanders", None)).band == "strong"
    assert score(profile("bethan", "", date(1990, 5, 1)), profile("bethan", "sanders", date(1990, 5, 1))).band == (
        "strong"
    )


@settings(max_examples=300, deadline=None)
@given(names, names, dobs, names, names, dobs)
def test_a_strong_match_rests_on_enough_evidence(g1, f1, d1, g2, f2, d2):
    result = score(profile(g1, f1, d1), profile(g2, f2, d2))
    if result.band == "strong":
        assert result.possible >= 55 and result.fraction >= 0.85
