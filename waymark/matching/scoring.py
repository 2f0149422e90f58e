"""The explainable match score: a weighted sum of named components.

Every component says what agreed and how many points that earned, so a person can see *why*
two records look alike ("same date of birth; family name sounds alike (Smyth/Smith)").
The score is symmetric (comparing A with B gives the same points as B with A) and adding
agreeing evidence never lowers it; tests/matching/test_scoring_properties.py checks both.

``possible`` is the most a pair could score from the fields both sides actually hold, so the
score band is fair to records that lack, say, a phone number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from waymark.matching.keys import ContactKeys, NameKeys, transposed
from waymark.matching.nicknames import are_nicknames

FAMILY_SPELLING, FAMILY_PHONETIC = 25.0, 10.0
GIVEN_SPELLING, GIVEN_PHONETIC = 20.0, 7.0
NICKNAME_SHARE = 0.9  # a known nickname earns 90% of an exact given name
INITIAL_SHARE = 0.3  # an initial that agrees earns 30%
SWAPPED_PENALTY = -4.0
# The points possible a strong match needs: two identifiers at least (a given and family name, 62;
# a name and a date of birth, 57 or more). A given name alone (27) or a family name alone (35)
# agreeing is not evidence that two records are one person: ten women called Bethan are not.
STRONG_EVIDENCE = 55.0
DOB_POINTS = {
    "dob_exact": 30.0,
    "dob_transposed": 22.0,
    "dob_year_off_by_one": 20.0,
    "dob_year_month": 16.0,
    "dob_year_day": 14.0,
    "dob_month_day": 10.0,
    "dob_year": 5.0,
}
DOB_REASONS = {
    "dob_exact": "same date of birth",
    "dob_transposed": "date of birth with day and month swapped",
    "dob_year_off_by_one": "same birthday, year of birth one out",
    "dob_year_month": "same month and year of birth",
    "dob_year_day": "same year and day of birth",
    "dob_month_day": "same birthday, different year",
    "dob_year": "same year of birth",
}
POSTCODE_POINTS, DISTRICT_POINTS, PHONE_POINTS = 15.0, 5.0, 20.0
SIMILARITY_FLOOR = 0.6  # Jaro-Winkler at or below this earns no spelling points


@dataclass(frozen=True)
class Component:
    """One piece of evidence. ``reason`` never contains a value; ``values`` (query, record) may."""

    code: str
    points: float
    reason: str
    values: tuple[str, str] | None = None


@dataclass(frozen=True)
class Profile:
    """What is known about one side of a comparison: its name variants, date of birth, contacts."""

    names: tuple[NameKeys, ...]
    dob: date | None = None
    contacts: ContactKeys = field(default_factory=ContactKeys)


@dataclass(frozen=True)
class Score:
    points: float
    possible: float
    components: tuple[Component, ...]

    @property
    def fraction(self) -> float:
        return self.points / self.possible if self.possible else 0.0

    @property
    def band(self) -> str:
        """ "strong", "possible" or "weak": what a user who may not see the record is told. Strong
        needs enough evidence as well as agreement (``STRONG_EVIDENCE``): a given name alone that
        agrees is at most a possible match, however exactly it agrees."""
        if self.fraction >= 0.85 and self.possible >= STRONG_EVIDENCE:
            return "strong"
        if self.fraction >= 0.6:
            return "possible"
        return "weak"

    def explain(self, *, with_values: bool) -> str:
        parts = []
        for c in self.components:
            if c.points <= 0 and c.code != "names_swapped":
                continue
            text = c.reason
            if with_values and c.values and c.values[0] != c.values[1]:
                text += f" ({c.values[0].title()}/{c.values[1].title()})"
            parts.append(text)
        return "; ".join(parts)


def _similarity(a: str, b: str) -> float:
    return float(JaroWinkler.normalized_similarity(a, b))


def _spelling_points(similarity: float, weight: float) -> float:
    return weight * max(0.0, (similarity - SIMILARITY_FLOOR) / (1.0 - SIMILARITY_FLOOR))


def _part(
    label: str,
    a: str,
    b: str,
    a_phonetic: tuple[str, str],
    b_phonetic: tuple[str, str],
    spelling_weight: float,
    phonetic_weight: float,
    *,
    given: bool,
) -> tuple[list[Component], float]:
    """Components comparing one name part of each side, and the points possible for it."""
    code = label.replace(" ", "_")
    if not a or not b:
        return [], 0.0
    possible = spelling_weight + phonetic_weight
    if a == b:
        return [Component(f"{code}_exact", possible, f"same {label}")], possible
    found: list[Component] = []
    similarity = _similarity(a, b)
    spelling = _spelling_points(similarity, spelling_weight)
    if spelling > 0:
        reason = f"{label} spelled similarly" if similarity >= 0.85 else f"{label} partly alike"
        found.append(Component(f"{code}_spelling", round(spelling, 2), reason, (a, b)))
    sounds_alike = any(x and x == y for x, y in zip(a_phonetic, b_phonetic, strict=True))
    if sounds_alike:
        found.append(Component(f"{code}_phonetic", phonetic_weight, f"{label} sounds alike", (a, b)))
    earned = sum(c.points for c in found)
    if given and are_nicknames(a, b) and earned < NICKNAME_SHARE * possible:
        top_up = round(NICKNAME_SHARE * possible - earned, 2)
        found.append(Component(f"{code}_nickname", top_up, f"{label} is a known nickname or variant", (a, b)))
    elif given and (len(a) == 1 or len(b) == 1) and a[0] == b[0] and earned < INITIAL_SHARE * possible:
        found.append(
            Component(f"{code}_initial", round(INITIAL_SHARE * possible - earned, 2), f"{label} initial agrees")
        )
    return found, possible


def _names(a: NameKeys, b: NameKeys, *, swapped: bool) -> tuple[list[Component], float]:
    if swapped:
        # Both crossed pairs weigh the same, so that comparing A with B equals B with A.
        spelling, phonetic = (GIVEN_SPELLING + FAMILY_SPELLING) / 2, (GIVEN_PHONETIC + FAMILY_PHONETIC) / 2
        given, g_possible = _part(
            "given name",
            a.given,
            b.family,
            (a.given_metaphone, a.given_nysiis),
            (b.family_metaphone, b.family_nysiis),
            spelling,
            phonetic,
            given=True,
        )
        family, f_possible = _part(
            "family name",
            a.family,
            b.given,
            (a.family_metaphone, a.family_nysiis),
            (b.given_metaphone, b.given_nysiis),
            spelling,
            phonetic,
            given=True,
        )
        swap = [Component("names_swapped", SWAPPED_PENALTY, "given and family names swapped")]
        return given + family + swap, g_possible + f_possible
    given, g_possible = _part(
        "given name",
        a.given,
        b.given,
        (a.given_metaphone, a.given_nysiis),
        (b.given_metaphone, b.given_nysiis),
        GIVEN_SPELLING,
        GIVEN_PHONETIC,
        given=True,
    )
    family, f_possible = _part(
        "family name",
        a.family,
        b.family,
        (a.family_metaphone, a.family_nysiis),
        (b.family_metaphone, b.family_nysiis),
        FAMILY_SPELLING,
        FAMILY_PHONETIC,
        given=False,
    )
    return given + family, g_possible + f_possible


def name_components(a: NameKeys, b: NameKeys) -> tuple[list[Component], float]:
    """The better of comparing names straight and swapped (given for family and back)."""
    found, _, possible = _compared_names(a, b)
    return list(found), possible


@lru_cache(maxsize=8192)
def _compared_names(a: NameKeys, b: NameKeys) -> tuple[tuple[Component, ...], float, float]:
    """``name_components`` as (components, points, possible), remembered: the candidates of one
    search share a handful of spellings (a common name fills every block with the same few), so
    each distinct pair of names is compared once rather than once per candidate."""
    straight, possible = _names(a, b, swapped=False)
    best, best_points = straight, sum(c.points for c in straight)
    if a.given and a.family and b.given and b.family and (a.given, a.family) != (b.given, b.family):
        crossed, _ = _names(a, b, swapped=True)
        crossed_points = sum(c.points for c in crossed)
        if crossed_points > best_points:
            best, best_points = crossed, crossed_points
    return tuple(best), best_points, possible


def dob_component(a: date | None, b: date | None) -> tuple[list[Component], float]:
    if a is None or b is None:
        return [], 0.0
    possible = DOB_POINTS["dob_exact"]
    if a == b:
        code = "dob_exact"
    elif transposed(a) == b:
        code = "dob_transposed"
    elif (a.month, a.day) == (b.month, b.day):
        code = "dob_year_off_by_one" if abs(a.year - b.year) == 1 else "dob_month_day"
    elif (a.year, a.month) == (b.year, b.month):
        code = "dob_year_month"
    elif (a.year, a.day) == (b.year, b.day):
        code = "dob_year_day"
    elif a.year == b.year:
        code = "dob_year"
    else:
        return [], possible
    return [Component(code, DOB_POINTS[code], DOB_REASONS[code])], possible


def contact_components(a: ContactKeys, b: ContactKeys) -> tuple[list[Component], float]:
    found: list[Component] = []
    possible = 0.0
    if a.postcodes and b.postcodes:
        possible += POSTCODE_POINTS
        if a.postcodes & b.postcodes:
            found.append(Component("postcode", POSTCODE_POINTS, "same postcode"))
        elif a.districts & b.districts:
            found.append(Component("postcode_district", DISTRICT_POINTS, "same postcode district"))
    if a.phones and b.phones:
        possible += PHONE_POINTS
        if a.phones & b.phones:
            found.append(Component("phone", PHONE_POINTS, "same phone number"))
    return found, possible


def score(a: Profile, b: Profile) -> Score:
    """Compare two profiles: the best-scoring pair of their name variants, plus dob and contacts."""
    best_names: tuple[Component, ...] = ()
    best_points, names_possible = -1.0, 0.0
    for name_a in a.names:
        for name_b in b.names:
            found, points, possible = _compared_names(name_a, name_b)
            if points > best_points or (points == best_points and possible > names_possible):
                best_names, best_points, names_possible = found, points, possible
    dob, dob_possible = dob_component(a.dob, b.dob)
    contacts, contacts_possible = contact_components(a.contacts, b.contacts)
    components = (*best_names, *dob, *contacts)
    return Score(
        points=round(sum(c.points for c in components), 2),
        possible=names_possible + dob_possible + contacts_possible,
        components=components,
    )
