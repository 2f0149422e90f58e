"""Finding known people: block on exact keys first, then rank the candidates fuzzily.

``refresh_search_keys(person_ids)`` keeps the search-key tables in step with person records.
``find_candidates(query)`` searches *every* record the partnership holds and returns scored
person ids; it knows nothing about who is asking. What a user may see of the results is
decided in ``waymark.matching.selectors``, which is what views call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction

from waymark.core.bulk import insert_values
from waymark.matching.keys import ContactKeys, NameKeys, transposed
from waymark.matching.models import (
    ContactKeyKind,
    NameSource,
    PersonContactKey,
    PersonSearchKey,
    SearchFamilyName,
    SearchGivenName,
)
from waymark.matching.nicknames import canonical_names
from waymark.matching.scoring import Profile, Score, score
from waymark.people.models import Address, ContactChannel, Person, PersonName

STRONG_BLOCK_LIMIT = 200  # blocks that use a date of birth, postcode or phone
NAME_BLOCK_LIMIT = 100  # blocks on names alone
TRIGRAM_FAMILY_NAMES = 50  # the trigram fallback looks at this many most similar family spellings
TRIGRAM_GIVEN_SIMILARITY = 0.3  # and keeps people whose given name is at least this similar
_CHUNK = 2000


@dataclass(frozen=True)
class KeySource:
    """What the search keys of one person are made from: names in clear (stored normalised),
    postcodes and phones only as the people app's blind indexes."""

    person_id: UUID
    names: tuple[tuple[str, str, str], ...]  # (given, family, NameSource)
    dob: date | None = None
    contacts: ContactKeys = field(default_factory=ContactKeys)


_KEY_COLUMNS = (
    "person_id",
    "source",
    "given_norm",
    "family_norm",
    "given_metaphone",
    "given_nysiis",
    "family_metaphone",
    "family_nysiis",
    "given_canonical",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
)


@lru_cache(maxsize=200_000)
def _name_keys(given: str, family: str) -> NameKeys:
    """Names repeat (a partnership holds many Smiths): each pair's keys are computed once."""
    return NameKeys.of(given, family)


def _key_values(source: KeySource, person_id: Any, dob: Any) -> Iterator[tuple[Any, ...]]:
    """The name-key rows of one person, as database values in ``_KEY_COLUMNS`` order."""
    seen: set[tuple[str, str, str]] = set()
    born = source.dob
    parts = (born.year, born.month, born.day) if born else (None, None, None)
    for given, family, name_source in source.names:
        keys = _name_keys(given or "", family or "")
        if not keys.given and not keys.family:
            continue
        for canonical in sorted(keys.given_canonicals) or [""]:
            marker = (keys.given, keys.family, canonical)
            if marker in seen:
                continue
            seen.add(marker)
            yield (
                person_id,
                name_source,
                keys.given[:100],
                keys.family[:100],
                keys.given_metaphone,
                keys.given_nysiis,
                keys.family_metaphone,
                keys.family_nysiis,
                canonical[:100],
                dob,
                *parts,
            )


_POSTCODE, _DISTRICT, _PHONE = str(ContactKeyKind.POSTCODE), str(ContactKeyKind.DISTRICT), str(ContactKeyKind.PHONE)


def _contact_values(source: KeySource, person_id: Any) -> Iterator[tuple[Any, str, str]]:
    contacts = source.contacts
    for kind, values in ((_POSTCODE, contacts.postcodes), (_DISTRICT, contacts.districts), (_PHONE, contacts.phones)):
        for value in sorted(values):
            yield (person_id, kind, value)


@transaction.atomic
def write_search_keys(sources: Iterable[KeySource], *, replace: bool = True) -> int:
    """Writes the search keys of each person in ``sources`` (replacing any they had, unless
    ``replace`` is False because the caller has just removed them). Returns the name-key rows
    written. Rows go in with ``COPY`` on PostgreSQL and ``executemany`` elsewhere, as plain
    tuples: a million people's keys never become a million model instances."""
    written = 0
    batch: list[KeySource] = []
    postgres = connection.vendor == "postgresql"

    def db_id(value: UUID) -> Any:
        return value if postgres else value.hex

    def flush() -> int:
        ids = [s.person_id for s in batch]
        if replace:
            PersonSearchKey.objects.filter(person_id__in=ids).delete()
            PersonContactKey.objects.filter(person_id__in=ids).delete()
        rows = []
        givens: set[str] = set()
        families: set[str] = set()
        for s in batch:
            dob = s.dob if postgres or s.dob is None else s.dob.isoformat()
            for row in _key_values(s, db_id(s.person_id), dob):
                rows.append(row)
                givens.add(row[2])
                families.add(row[3])
        insert_values(PersonSearchKey, _KEY_COLUMNS, rows)
        insert_values(
            PersonContactKey,
            ("person_id", "kind", "key"),
            [row for s in batch for row in _contact_values(s, db_id(s.person_id))],
        )
        SearchFamilyName.objects.bulk_create(
            [SearchFamilyName(name=name) for name in sorted(families - {""})], batch_size=_CHUNK, ignore_conflicts=True
        )
        SearchGivenName.objects.bulk_create(
            [SearchGivenName(name=name) for name in sorted(givens - {""})], batch_size=_CHUNK, ignore_conflicts=True
        )
        batch.clear()
        return len(rows)

    for source in sources:
        batch.append(source)
        if len(batch) >= _CHUNK:
            written += flush()
    if batch:
        written += flush()
    return written


def _sources_from_people(person_ids: list[UUID]) -> Iterator[KeySource]:
    """Reads each person's names, aliases, date of birth and the blind indexes of every postcode
    (current and past; refuge and safe addresses have none) and phone number they have had."""
    for start in range(0, len(person_ids), _CHUNK):
        chunk = person_ids[start : start + _CHUNK]
        aliases: dict[UUID, list[tuple[str, str, str]]] = defaultdict(list)
        for pid, given, family in PersonName.objects.filter(person_id__in=chunk).values_list(
            "person_id", "given_name", "family_name"
        ):
            aliases[pid].append((given, family, NameSource.ALIAS))
        postcodes: dict[UUID, set[str]] = defaultdict(set)
        districts: dict[UUID, set[str]] = defaultdict(set)
        for pid, postcode, district in Address.objects.filter(person_id__in=chunk).values_list(
            "person_id", "postcode_index", "postcode_district_index"
        ):
            postcodes[pid].add(postcode)
            districts[pid].add(district)
        phones: dict[UUID, set[str]] = defaultdict(set)
        for pid, phone in ContactChannel.objects.filter(person_id__in=chunk).values_list("person_id", "phone_index"):
            phones[pid].add(phone)
        for pid, given, family, dob in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "given_name", "family_name", "date_of_birth"
        ):
            yield KeySource(
                person_id=pid,
                names=((given, family, NameSource.CURRENT), *aliases[pid]),
                dob=dob,
                contacts=ContactKeys(
                    postcodes=frozenset(postcodes[pid] - {""}),
                    districts=frozenset(districts[pid] - {""}),
                    phones=frozenset(phones[pid] - {""}),
                ),
            )


def refresh_search_keys(person_ids: Iterable[UUID | str]) -> int:
    """Rebuilds the search keys of these people from their records. Call it, inside the same
    transaction, from every action that creates a person or changes their names, date of birth,
    addresses or phone numbers. A person who no longer exists simply loses their keys.
    """
    ids = sorted({UUID(str(pk)) for pk in person_ids})
    with transaction.atomic():
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            PersonSearchKey.objects.filter(person_id__in=chunk).delete()
            PersonContactKey.objects.filter(person_id__in=chunk).delete()
        return write_search_keys(_sources_from_people(ids), replace=False)


def write_new_people_keys(people: Iterable[tuple[Any, ...]]) -> int:
    """Search keys of people just created in bulk, built from the values loaded rather than
    read back: ``(id, given name, family name, date of birth, postcode index, district index,
    phone index)``, an index "" where there is none. They have no aliases and no keys yet."""
    return write_search_keys(
        (
            KeySource(
                person_id=person_id,
                names=((given, family, NameSource.CURRENT),),
                dob=dob,
                contacts=ContactKeys(
                    postcodes=frozenset({postcode} - {""}),
                    districts=frozenset({district} - {""}),
                    phones=frozenset({phone} - {""}),
                ),
            )
            for person_id, given, family, dob, postcode, district, phone in people
        ),
        replace=False,
    )


def settle_search_indexes(*, vacuum: bool = False) -> None:
    """After a bulk load, make the search indexes fully usable at once (PostgreSQL only).

    New rows in a GIN index wait in its pending list until a VACUUM merges them, and a search
    scans that list row by row: on a freshly loaded database the trigram fallback misses its
    latency target until then. ``gin_clean_pending_list`` merges them now, and ``ANALYZE`` gives the
    planner the new row counts. ``vacuum`` (for a big load) runs ``VACUUM (ANALYZE)`` on the key
    tables instead of ``ANALYZE``: it also marks the new pages all-visible, so the blocking
    queries' index-only scans need no heap visits, as on a database autovacuum has caught up with.
    Call it after the load has committed (VACUUM cannot run inside a transaction; inside one,
    ``vacuum`` is ignored).
    """
    if connection.vendor != "postgresql":
        return
    tables = (
        "matching_personsearchkey",
        "matching_personcontactkey",
        "matching_searchfamilyname",
        "matching_searchgivenname",
    )
    vacuum = vacuum and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND t.relname = ANY(%s)",
            [list(tables)],
        )
        for table in tables:
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {table}")


def rebuild_all_search_keys() -> int:
    """Rebuilds every person's search keys (after a key rotation or a change to normalisation)."""
    with transaction.atomic():
        PersonSearchKey.objects.all().delete()
        PersonContactKey.objects.all().delete()
        ids = list(Person.objects.values_list("pk", flat=True))
        return write_search_keys(_sources_from_people(ids), replace=False)


@dataclass(frozen=True)
class SearchQuery:
    """What a user typed. Only ``criteria()`` (which kinds were given) is ever audited."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    phone: str = ""
    names: NameKeys = field(init=False)
    contacts: ContactKeys = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", NameKeys.of(self.given_name, self.family_name))
        object.__setattr__(self, "contacts", ContactKeys.typed(self.postcode, self.phone))

    def criteria(self) -> list[str]:
        """The kinds of criteria used, for the audit trail: never the values."""
        used = {
            "given_name": bool(self.names.given),
            "family_name": bool(self.names.family),
            "date_of_birth": self.date_of_birth is not None,
            "postcode": bool(self.contacts.postcodes),
            "phone": bool(self.contacts.phones),
        }
        return [kind for kind, present in used.items() if present]

    def is_searchable(self) -> bool:
        """A name is required: dates, postcodes and phones only narrow a name search, so that no
        one can ask "who is known at this postcode"."""
        return len(self.names.given) >= 2 or len(self.names.family) >= 2

    def profile(self) -> Profile:
        return Profile(names=(self.names,), dob=self.date_of_birth, contacts=self.contacts)

    def without_locating(self) -> SearchQuery:
        """The same names and date of birth without postcode or phone: what may be compared with a
        record the searcher may see but not locate (``locations_visible_to``), so that a true
        postcode or phone number and a wrong one (or none) look the same."""
        return SearchQuery(given_name=self.given_name, family_name=self.family_name, date_of_birth=self.date_of_birth)

    def names_only(self) -> SearchQuery:
        """The same names without date of birth, postcode or phone: what may be compared with a
        record the searcher cannot see (so that a true value and a wrong one look the same)."""
        return SearchQuery(given_name=self.given_name, family_name=self.family_name)


@dataclass(frozen=True)
class Match:
    person_id: UUID
    score: Score


# A block is (table, condition with %s placeholders, parameters, row cap). Blocks are plain,
# parameterised SQL rather than ORM querysets: the search runs on every keystroke, and
# compiling a dozen-part ORM union costs more than running it.
Block = tuple[str, str, list[Any], int]
_KEYS = PersonSearchKey._meta.db_table
_CONTACTS = PersonContactKey._meta.db_table
_FAMILIES = SearchFamilyName._meta.db_table
_GIVENS = SearchGivenName._meta.db_table


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _name_blocks(q: NameKeys) -> list[Block]:
    blocks: list[Block] = []
    cap = NAME_BLOCK_LIMIT
    if q.family_metaphone and q.given_metaphone:
        both = "family_metaphone = %s AND given_metaphone = %s"
        blocks.append((_KEYS, both, [q.family_metaphone, q.given_metaphone], cap))
        blocks.append((_KEYS, both, [q.given_metaphone, q.family_metaphone], cap))  # swapped
        blocks.append((_KEYS, "family_nysiis = %s AND given_nysiis = %s", [q.family_nysiis, q.given_nysiis], cap))
        canon, params = _in("given_canonical", sorted(q.given_canonicals))
        blocks.append((_KEYS, f"{canon} AND family_metaphone = %s", [*params, q.family_metaphone], cap))
    elif q.family_metaphone:
        blocks.append((_KEYS, "family_metaphone = %s", [q.family_metaphone], cap))
        blocks.append((_KEYS, "given_metaphone = %s", [q.family_metaphone], cap))  # a given name typed as family
    elif q.given_metaphone:
        blocks.append((_KEYS, "given_metaphone = %s", [q.given_metaphone], cap))
        canon, params = _in("given_canonical", sorted(q.given_canonicals))
        blocks.append((_KEYS, canon, params, cap))
    return blocks


def _dob_blocks(q: NameKeys, dob: date | None) -> list[Block]:
    if dob is None:
        return []
    cap = STRONG_BLOCK_LIMIT
    blocks: list[Block] = [(_KEYS, "dob = %s", [dob], cap)]
    swapped = transposed(dob)
    if swapped:
        blocks.append((_KEYS, "dob = %s", [swapped], cap))
    years = [dob.year - 1, dob.year, dob.year + 1]
    near = "dob_year IN (%s, %s, %s) AND (dob_month = %s OR dob_day = %s)"
    for metaphone in sorted({q.family_metaphone, q.given_metaphone} - {""}):
        # A name spelled right plus a date of birth one part out (a wrong day, month or year)
        # catches a mangled other name. Requiring the month or the day keeps these blocks small
        # (a common family name has hundreds of people born within a year of any date).
        params = [metaphone, *years, dob.month, dob.day]
        blocks.append((_KEYS, f"family_metaphone = %s AND {near}", params, cap))
        blocks.append((_KEYS, f"given_metaphone = %s AND {near}", params, cap))
    return blocks


def _contact_blocks(q: NameKeys, contacts: ContactKeys) -> list[Block]:
    blocks: list[Block] = []
    for kind, values in ((ContactKeyKind.POSTCODE, contacts.postcodes), (ContactKeyKind.PHONE, contacts.phones)):
        if values:
            keys, params = _in("key", sorted(values))
            blocks.append((_CONTACTS, f"kind = %s AND {keys}", [kind.value, *params], STRONG_BLOCK_LIMIT))
    sounds = sorted({q.family_metaphone, q.given_metaphone} - {""})
    if contacts.districts and sounds:
        # Either name sounding alike (in either place) within the same postcode district.
        districts, district_params = _in("key", sorted(contacts.districts))
        family, family_params = _in("family_metaphone", sounds)
        given, given_params = _in("given_metaphone", sounds)
        condition = (
            f"({family} OR {given}) AND person_id IN "  # noqa: S608 (constants and placeholders only)
            f"(SELECT person_id FROM {_CONTACTS} WHERE kind = %s AND {districts})"
        )
        params = [*family_params, *given_params, ContactKeyKind.DISTRICT.value, *district_params]
        blocks.append((_KEYS, condition, params, NAME_BLOCK_LIMIT))
    return blocks


def _trigram_applies(q: NameKeys) -> bool:
    return connection.vendor == "postgresql" and len(q.family) >= 3 and len(q.given) >= 3


def _trigram_blocks(q: NameKeys) -> list[Block]:
    """PostgreSQL only: names similar by trigrams, for misspellings that change phonetic keys.

    Both names are first looked up by trigram index in their vocabularies of distinct spellings
    (a few hundred thousand short strings rather than a row per person): the
    ``TRIGRAM_FAMILY_NAMES`` family spellings most similar to the one typed, and every given
    spelling at least ``TRIGRAM_GIVEN_SIMILARITY`` similar. The block then reads people by those
    exact spellings through the (family, given) b-tree index, and the planner, seeing the
    spellings themselves, knows how many people have them. (Written as ``family_norm IN
    (subquery)`` with a ``similarity(given_norm, ...)`` filter per row, the planner could not know,
    and on a freshly loaded database it scanned every search key computing a similarity: 150 ms
    at 100,000 people, to find no one.) No similar spelling of either name: no block.

    ``%`` keeps names at least ``pg_trgm.similarity_threshold`` (0.3 unless changed) similar,
    so the explicit ``similarity(...) >= TRIGRAM_GIVEN_SIMILARITY`` decides while that threshold
    is no higher.
    """
    if not _trigram_applies(q):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ARRAY(SELECT name FROM {_FAMILIES} WHERE name %% %s "  # noqa: S608 (constants and placeholders only)
            f"ORDER BY similarity(name, %s) DESC, name LIMIT {int(TRIGRAM_FAMILY_NAMES)}), "
            f"ARRAY(SELECT name FROM {_GIVENS} WHERE name %% %s AND similarity(name, %s) >= %s ORDER BY name)",
            [q.family, q.family, q.given, q.given, TRIGRAM_GIVEN_SIMILARITY],
        )
        families, givens = cursor.fetchone()
    if not families or not givens:
        return []
    family, family_params = _in("family_norm", sorted(families))
    given, given_params = _in("given_norm", givens)
    return [(_KEYS, f"{family} AND {given}", [*family_params, *given_params], NAME_BLOCK_LIMIT)]


# A restriction of the search to some people: SQL selecting person ids, and its parameters.
Within = tuple[str, list[Any]]


def within_sql(person_ids: Any) -> Within:
    """The SQL of a queryset of people (``Person.objects.visible_to(user)``), to restrict a search
    to them *inside* every capped block, so that what lies outside can change nothing: not which
    records are found, their scores, their order, nor which fall under a block's cap."""
    try:
        sql, params = person_ids.values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope that is known to be empty (``.none()``)
        # No rows, but of the key's own type: PostgreSQL refuses ``uuid IN (SELECT NULL)`` (text).
        meta = person_ids.model._meta
        return f'SELECT "{meta.pk.column}" FROM "{meta.db_table}" WHERE 1 = 0', []  # noqa: S608 (names from the model, no input)
    return sql, list(params)


def _blocking_sql(query: SearchQuery, *, fuzzy: bool = False, within: Within | None = None) -> tuple[str, list[Any]]:
    """One UNION ALL of every exact-key block (or, with ``fuzzy``, of the trigram block), each
    capped; ("", []) when there is nothing to block on. With ``within``, every block reads only
    those people's keys, before its cap."""
    q = query.names
    if fuzzy:
        blocks = _trigram_blocks(q)
    else:
        blocks = _dob_blocks(q, query.date_of_birth) + _contact_blocks(q, query.contacts) + _name_blocks(q)
    parts, params = [], []
    for i, (table, condition, block_params, cap) in enumerate(blocks):
        if within is not None:
            condition = f"({condition}) AND person_id IN ({within[0]})"
            block_params = [*block_params, *within[1]]
        # Table names and conditions are constants of this module; every value is a parameter.
        parts.append(f"SELECT person_id FROM (SELECT person_id FROM {table} WHERE {condition} LIMIT {int(cap)}) b{i}")  # noqa: S608
        params.extend(block_params)
    return " UNION ALL ".join(parts), params


def _contact_kinds(contacts: ContactKeys) -> list[str]:
    """The kinds of contact key worth reading for candidates: only those the query has, since a
    contact component scores only when both sides hold that kind (``contact_components``)."""
    kinds = []
    if contacts.postcodes:
        kinds += [ContactKeyKind.POSTCODE.value, ContactKeyKind.DISTRICT.value]
    if contacts.phones:
        kinds.append(ContactKeyKind.PHONE.value)
    return kinds


def _candidate_profiles(
    query: SearchQuery, *, fuzzy: bool = False, within: Within | None = None
) -> dict[UUID, Profile]:
    """Blocks, then every name key and the relevant contact keys of each candidate, in one round
    trip. Contact keys of a kind the query lacks could not change a score, so are not read."""
    blocking, params = _blocking_sql(query, fuzzy=fuzzy, within=within)
    if not blocking:
        return {}
    sql = (
        f"WITH c AS ({blocking}) "  # noqa: S608 (constants and placeholders only)
        f"SELECT person_id, '', given_norm, family_norm, given_metaphone, given_nysiis, family_metaphone, "
        f"family_nysiis, dob FROM {_KEYS} WHERE person_id IN (SELECT person_id FROM c)"
    )
    kinds = _contact_kinds(query.contacts)
    if kinds:
        in_kinds, kind_params = _in("kind", kinds)
        sql += (
            f" UNION ALL SELECT person_id, kind, key, NULL, NULL, NULL, NULL, NULL, NULL FROM {_CONTACTS} "  # noqa: S608
            f"WHERE {in_kinds} AND person_id IN (SELECT person_id FROM c)"
        )
        params = [*params, *kind_params]
    names: dict[UUID, set[NameKeys]] = defaultdict(set)
    dobs: dict[UUID, date | None] = {}
    contacts: dict[UUID, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # Candidates share a few spellings: one NameKeys per distinct row of keys, built once (scoring
    # then finds each pair of names it has already compared in its cache).
    interned: dict[tuple[str, ...], NameKeys] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pid, kind, given, family, gm, gn, fm, fn, dob in cursor.fetchall():
            person = _uuid(pid)
            if kind:
                contacts[person][kind].add(given)  # the contact key travels in the third column
                continue
            row = (given, family, gm, gn, fm, fn)
            keys = interned.get(row)
            if keys is None:
                keys = interned[row] = NameKeys(given, family, gm, gn, fm, fn, canonical_names(given))
            names[person].add(keys)
            dobs[person] = date.fromisoformat(dob) if isinstance(dob, str) else dob
    return _assemble(names, dobs, contacts)


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


_KEY_FIELDS = (
    "person_id",
    "given_norm",
    "family_norm",
    "given_metaphone",
    "given_nysiis",
    "family_metaphone",
    "family_nysiis",
    "dob",
)


def _profiles(person_ids: set[UUID], *, contacts: bool = True) -> dict[UUID, Profile]:
    names: dict[UUID, set[NameKeys]] = defaultdict(set)
    dobs: dict[UUID, date | None] = {}
    found: dict[UUID, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    ids = sorted(person_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for pid, given, family, gm, gn, fm, fn, dob in PersonSearchKey.objects.filter(person_id__in=chunk).values_list(
            *_KEY_FIELDS
        ):
            names[pid].add(NameKeys(given, family, gm, gn, fm, fn, canonical_names(given)))
            dobs[pid] = dob
        if not contacts:
            continue
        for pid, kind, key in PersonContactKey.objects.filter(person_id__in=chunk).values_list(
            "person_id", "kind", "key"
        ):
            found[pid][kind].add(key)
    return _assemble(names, dobs, found)


def _assemble(
    names: dict[UUID, set[NameKeys]], dobs: dict[UUID, date | None], contacts: dict[UUID, dict[str, set[str]]]
) -> dict[UUID, Profile]:
    none = ContactKeys()

    def contact_keys(pid: UUID) -> ContactKeys:
        found = contacts.get(pid)  # not contacts[pid]: most candidates have none to read
        if not found:
            return none
        return ContactKeys(
            postcodes=frozenset(found.get(ContactKeyKind.POSTCODE, ())),
            districts=frozenset(found.get(ContactKeyKind.DISTRICT, ())),
            phones=frozenset(found.get(ContactKeyKind.PHONE, ())),
        )

    return {
        pid: Profile(
            names=tuple(variants) if len(variants) == 1 else tuple(sorted(variants, key=lambda n: (n.given, n.family))),
            dob=dobs.get(pid),
            contacts=contact_keys(pid),
        )
        for pid, variants in names.items()
    }


def find_candidates(query: SearchQuery, *, limit: int = 10, within: Within | None = None) -> list[Match]:
    """The ``limit`` best-scoring people, best first: across all records, or with ``within``
    (``within_sql(queryset)``) only among those people. No access checks here: callers must
    pass the result through ``selectors.present_matches``."""
    if not query.is_searchable():
        return []
    mine = query.profile()
    scored = [Match(pid, score(mine, profile)) for pid, profile in _candidate_profiles(query, within=within).items()]
    weak = query.date_of_birth is None or not any(_names_agree(m.score) for m in scored)
    if weak and _trigram_applies(query.names):
        # No date of birth to block on, or exact keys found no one whose names agree: the typing
        # may have changed every phonetic key, so look again by trigram similarity (PostgreSQL).
        seen = {m.person_id for m in scored}
        fuzzy = _candidate_profiles(query, fuzzy=True, within=within)
        scored += [Match(pid, score(mine, profile)) for pid, profile in fuzzy.items() if pid not in seen]
    scored.sort(key=lambda m: (-m.score.points, str(m.person_id)))
    return [m for m in scored[:limit] if m.score.points > 0]


_AGREEING_NAME = ("_exact", "_phonetic", "_nickname")


def _names_agree(match_score: Score) -> bool:
    """Both name parts matched exactly, by sound or as a nickname."""
    parts = {
        c.code.split("_name_")[0]
        for c in match_score.components
        if c.code.endswith(_AGREEING_NAME) and "_name_" in c.code
    }
    return {"given", "family"} <= parts


def score_people(a: UUID, b: UUID, *, locating: bool = True) -> float | None:
    """The match score between two people's current search keys (None if either has none).
    ``locating=False``: names and date of birth only, for a user who may see both records but not
    where both are (a score is shown, so a shared postcode or phone would be confirmed by it)."""
    profiles = _profiles({a, b}, contacts=locating)
    if a not in profiles or b not in profiles:
        return None
    return score(profiles[a], profiles[b]).points
