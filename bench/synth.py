"""Synthetic UK-style people and realistic mistakes for benchmarks (deterministic per seed).

Names come from Faker's lists for the communities a London borough serves, weighted so that
common names are common (a Zipf-like tail), plus a long tail of rare compound surnames.
Mistakes are the ones intake staff make: typos, phonetic respellings, nicknames, given and
family name swapped, day and month of birth transposed, a year off by one, missing fields.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
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


# --- a larger partnership: the demo's records copied in bulk --------------------------------------

# The tables the commissioner's figures read, parents before children. Every row is copied
# ``factor - 1`` times: new ids (the original's first 20 hex digits, then a marker naming the copy),
# foreign keys between these tables pointing into the same copy, unique references suffixed; dates,
# answers and everything else unchanged (encrypted columns are copied as they are stored). So each
# copy is the demo's partnership again on the same days: ``factor`` times the records in every
# period and every group, with the same shape, and every count exactly ``factor`` times the demo's.
SCALED_MODELS = (
    "people.Person",
    "risk.RiskAssessment",
    "referrals.Referral",
    "cases.Case",
    "outcomes.OutcomeMeasure",
    "support.Intervention",
    "marac.MaracCase",
    "housing.HomelessnessApplication",
)
_MARK = "b0b0b0b0b0"  # hex digits 21 to 30 of a copied row's id; digits 31-32 number the copy


def _sql(vendor: str) -> tuple[Callable[[str, int], str], Callable[[str], str]]:
    """(the id of ``column``'s row in copy ``n``, the condition that ``column`` is an original's id).
    A UUID is 32 hex digits in SQLite and a uuid in PostgreSQL."""
    if vendor == "postgresql":
        return (
            lambda column, n: f"(left(replace({column}::text, '-', ''), 20) || '{_MARK}' || '{n:02x}')::uuid",
            lambda column: f"replace({column}::text, '-', '') !~ '{_MARK}[0-9a-f]{{2}}$'",
        )
    if vendor == "sqlite":
        return (
            lambda column, n: f"(substr({column}, 1, 20) || '{_MARK}' || '{n:02x}')",
            lambda column: f"{column} NOT GLOB '*{_MARK}[0-9a-f][0-9a-f]'",
        )
    raise ValueError(f"scale_up supports SQLite and PostgreSQL, not {vendor}")


def scaled_factor() -> int:
    """How many times over the database holds its original cases (1 for the demo itself)."""
    from django.db import connection

    _, original = _sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(CASE WHEN {original('id')} THEN 1 ELSE 0 END) FROM cases_case")
        total, originals = cursor.fetchone()
    return total // originals if originals else 0


def scale_up(factor: int) -> dict[str, int]:
    """Copies the records the reports read so that the database holds ``factor`` times the demo's:
    one ``INSERT ... SELECT`` per table and copy (set-based: no actions, no rows through Python).
    Refuses a database that already holds copies. Returns the rows of each table afterwards."""
    from django.apps import apps
    from django.db import connection, transaction

    if factor < 2:
        raise ValueError("The factor must be 2 or more.")
    if scaled_factor() != 1:
        raise ValueError("This database already holds copied records (or no cases): start from the demo.")
    models = [apps.get_model(label) for label in SCALED_MODELS if apps.is_installed(f"waymark.{label.split('.')[0]}")]
    tables = {m._meta.db_table for m in models}
    quote = connection.ops.quote_name
    new_id, original = _sql(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            columns = [f for f in model._meta.concrete_fields]
            for n in range(1, factor):
                selected = []
                for field in columns:
                    column = quote(field.column)
                    if field.primary_key or (field.is_relation and field.related_model._meta.db_table in tables):
                        selected.append(new_id(column, n))
                    elif field.unique and field.get_internal_type() == "CharField":
                        selected.append(f"{column} || '~{n}'")
                    else:
                        selected.append(column)
                table = quote(model._meta.db_table)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(quote(f.column) for f in columns)}) "
                    f"SELECT {', '.join(selected)} FROM {table} WHERE {original(quote('id'))}"
                )
    # The copies marked their people as changed (the outcome facts' triggers): kept ranks worked out
    # for them as the demo's own are, so each volume is measured in the same state.
    from waymark.outcomes.facts import outcome_facts_refresh

    outcome_facts_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {model._meta.label: model._default_manager.count() for model in models}
