"""Synthetic UK-style people and realistic mistakes for benchmarks (deterministic per seed).

Names come from Faker's lists for the communities a London borough serves, weighted so that
common names are common (a Zipf-like tail), plus a long tail of rare compound surnames.
Mistakes are the ones intake staff make: typos, phonetic respellings, nicknames, given and
family name swapped, day and month of birth transposed, a year off by one, missing fields.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from faker import Faker

from waymark.matching.nicknames import NICKNAME_GROUPS

LOCALES = {
    "en_GB": 0.62,
    "en_IE": 0.06,
    "en_IN": 0.12,
    "pl_PL": 0.06,
    "it_IT": 0.03,
    "tr_TR": 0.04,
    "es_ES": 0.03,
    "fr_FR": 0.04,
}


@dataclass(frozen=True)
class Record:
    given: str
    family: str
    dob: date | None
    postcode: str
    phone: str


@cache
def _name_lists() -> tuple[list[str], list[float], list[str], list[float]]:
    firsts: dict[str, float] = {}
    lasts: dict[str, float] = {}
    for locale, share in LOCALES.items():
        provider = Faker(locale).provider("faker.providers.person")
        for attr in ("first_names_female", "first_names_male", "first_names"):
            names = getattr(provider, attr, None)
            if names:
                _add(firsts, names, share)
                break
        female = getattr(provider, "first_names_female", None)
        if female:
            _add(firsts, female, share)
        _add(lasts, provider.last_names, share)
    firsts = {k: v for k, v in firsts.items() if k.isalpha() and k.isascii()}
    lasts = {k: v for k, v in lasts.items() if k.replace("-", "").isalpha() and k.isascii()}
    return list(firsts), _zipf(firsts), list(lasts), _zipf(lasts)


def _add(target: dict[str, float], names: object, share: float) -> None:
    items = names.items() if isinstance(names, dict) else ((n, 1.0) for n in names)  # type: ignore[attr-defined]
    for name, weight in items:
        target[name] = target.get(name, 0.0) + share * float(weight)


def _zipf(weights: dict[str, float]) -> list[float]:
    """Faker's own frequency weights, sharpened so that the commonest surname is about 1% of people, as in England."""
    return [weights[n] ** 1.6 for n in weights]


class Generator:
    def __init__(self, seed: int = 42):
        self.rng = random.Random(seed)
        self.firsts, self.first_w, self.lasts, self.last_w = _name_lists()
        halves = [n[: len(n) // 2] for n in self.lasts if len(n) > 4]
        tails = [n[len(n) // 2 :] for n in self.lasts if len(n) > 4]
        self.halves, self.tails = halves, tails

    def people(self, count: int) -> list[Record]:
        rng = self.rng
        givens = rng.choices(self.firsts, self.first_w, k=count)
        families = rng.choices(self.lasts, self.last_w, k=count)
        out = []
        for given, family in zip(givens, families, strict=True):
            if rng.random() < 0.2:  # the long tail of rare surnames
                family = (rng.choice(self.halves) + rng.choice(self.tails)).capitalize()
            out.append(
                Record(
                    given=given,
                    family=family,
                    dob=date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 66)) if rng.random() < 0.93 else None,
                    postcode=self.postcode() if rng.random() < 0.7 else "",
                    phone=f"07{rng.randrange(100000000, 999999999)}" if rng.random() < 0.5 else "",
                )
            )
        return out

    def postcode(self) -> str:
        rng = self.rng
        area = rng.choice(
            ["SE", "SW", "E", "N", "NW", "W", "CR", "BR", "DA", "EN", "HA", "IG", "KT", "RM", "SM", "TW", "UB"]
        )
        return f"{area}{rng.randrange(1, 29)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"

    # --- mistakes ------------------------------------------------------------------------------

    def typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 3:
            return word
        i = rng.randrange(1, len(word))
        kind = rng.choice(["insert", "delete", "substitute", "transpose"])
        if kind == "insert":
            return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
        if kind == "delete":
            return word[:i] + word[i + 1 :]
        if kind == "substitute":
            return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
        if i < len(word) - 1:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:-1]

    def respell(self, word: str) -> str:
        swaps = [
            ("ph", "f"),
            ("th", "t"),
            ("y", "i"),
            ("i", "y"),
            ("ck", "k"),
            ("c", "k"),
            ("ll", "l"),
            ("ou", "ow"),
            ("ie", "y"),
            ("ee", "ea"),
            ("s", "z"),
            ("mm", "m"),
        ]
        lower = word.lower()
        options = [(a, b) for a, b in swaps if a in lower[1:]]
        if not options:
            return self.typo(word)
        a, b = self.rng.choice(options)
        i = lower.index(a, 1)
        return (word[:i] + b + word[i + len(a) :]).capitalize()

    def nickname(self, given: str) -> str:
        lower = given.lower()
        for canonical, variants in NICKNAME_GROUPS.items():
            if lower == canonical:
                return self.rng.choice(variants).capitalize()
            if lower in variants:
                return canonical.capitalize()
        return self.typo(given)

    def corrupt(self, record: Record) -> tuple[Record, list[str]]:
        """One to three realistic mistakes, never all of the name and the date of birth at once."""
        rng = self.rng
        kinds = rng.sample(
            [
                "typo_given",
                "typo_family",
                "respell_family",
                "nickname",
                "swap_names",
                "transpose_dob",
                "dob_year",
                "dob_day",
                "no_dob",
                "move",
                "no_postcode",
            ],
            k=rng.choice([1, 1, 2, 2, 3]),
        )
        r = record
        for kind in kinds:
            if kind == "typo_given":
                r = replace(r, given=self.typo(r.given))
            elif kind == "typo_family":
                r = replace(r, family=self.typo(r.family))
            elif kind == "respell_family":
                r = replace(r, family=self.respell(r.family))
            elif kind == "nickname":
                r = replace(r, given=self.nickname(r.given))
            elif kind == "swap_names":
                r = replace(r, given=r.family, family=r.given)
            elif kind == "transpose_dob" and r.dob and r.dob.day <= 12 and r.dob.day != r.dob.month:
                r = replace(r, dob=r.dob.replace(month=r.dob.day, day=r.dob.month))
            elif kind == "dob_year" and r.dob:
                r = replace(r, dob=_safe_year(r.dob, r.dob.year + rng.choice([-1, 1])))
            elif kind == "dob_day" and r.dob:
                r = replace(r, dob=r.dob.replace(day=rng.randrange(1, 29)))
            elif kind == "no_dob":
                r = replace(r, dob=None)
            elif kind == "move":
                r = replace(r, postcode=self.postcode())
            elif kind == "no_postcode":
                r = replace(r, postcode="")
        return r, kinds


def _safe_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)
