"""One handler per interchange file: its columns, its checks, and how its rows become records.

Every handler plans first (comparing each row with the stored record, so unchanged rows are
skipped and re-imports change nothing) and writes in bulk afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from waymark.core.bulk import (
    constant_values,
    copy_rows,
    create_staging_table,
    db_date,
    db_uuid,
    drop_staging_table,
    insert_records,
    insert_values,
)
from waymark.core.sequences import next_references
from waymark.incidents.models import Incident
from waymark.interchange import cells
from waymark.interchange.base import (
    CHUNK,
    Column,
    FileHandler,
    FilePlan,
    ImportContext,
    ParsedRow,
    RowError,
    canonical_uuid,
    chunks,
    diff_and_set,
)
from waymark.organisations.models import Agency, AgencyKind
from waymark.people.choices import PHONE_KINDS, REFUGE_OR_SAFE, ChannelKind, Ethnicity, PersonRole, Sex, YesNoUnknown
from waymark.people.models import Address, ContactChannel, Person
from waymark.people.normalise import BlindIndexKind, blind_index, normalise_phone, normalise_postcode
from waymark.risk.choices import AssessmentSource, RiskLevel
from waymark.risk.config import thresholds_for as _thresholds_for
from waymark.risk.models import RiskAssessment, RiskInstrument
from waymark.risk.scoring import score

MAX_AGE = 120
ETHNICITY_MAX = 40
_ETHNICITY_BY_LABEL = {label.lower(): value for value, label in Ethnicity.choices}
# Read once: ``Ethnicity.values`` builds its list afresh on every call (a tenth of an import's time).
_ETHNICITY_CODES = frozenset(Ethnicity.values)


def receiving_ref() -> str:
    """The agency that receives referrals (``REFERRALS_RECEIVING_AGENCY_REF``), if configured."""
    return str(getattr(settings, "REFERRALS_RECEIVING_AGENCY_REF", "") or "")


def referrals_installed() -> bool:
    return apps.is_installed("waymark.referrals")


def _ref_of(obj: Any) -> str:
    """The reference a record is exported under: its own, or (made here) its id."""
    if obj is None:
        return ""
    return obj.ref or str(obj.pk)


# --- agencies.csv -----------------------------------------------------------------------------


class AgenciesFile(FileHandler):
    name = "agencies.csv"
    kind = "agency"
    key = "agency_ref"
    model = Agency

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("agency_ref", cells.ref(required=True)),
            Column("name", cells.text(200, required=True)),
            Column("kind", cells.choice(AgencyKind, required=True)),
        ]

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        existing = self.existing([r.values["agency_ref"] for r in rows])
        fields: set[str] = set()
        ids = ctx.ids.setdefault(self.kind, {})
        for row in rows:
            v = row.values
            values = {"name": v["name"], "kind": v["kind"]}
            agency = existing.get(v["agency_ref"])
            if agency is None:
                agency = Agency(id=uuid.uuid4(), ref=v["agency_ref"], **values)
                plan.create.append(agency)
            else:
                self.compare_stored(plan, agency, values, fields)
            ids[agency.ref] = agency.pk
        plan.update_fields = sorted(fields)
        return plan

    def export_rows(self) -> Iterator[list[str]]:
        for agency in Agency.objects.order_by("ref"):
            yield [agency.ref, agency.name, agency.kind]


# --- people.csv -------------------------------------------------------------------------------


def _ethnicity(raw: str) -> str:
    """An ONS 2021 category by its code or its label; otherwise the free text as given."""
    value = raw.strip()
    if not value:
        return ""
    if value in _ETHNICITY_CODES:
        return value
    if value.lower() in _ETHNICITY_BY_LABEL:
        return _ETHNICITY_BY_LABEL[value.lower()]
    if len(value) > ETHNICITY_MAX:
        raise cells.CellError(
            f"is {len(value)} characters long: use an ONS 2021 category or free text of at most {ETHNICITY_MAX}"
        )
    return cells.text(ETHNICITY_MAX)(value)


def _postcode(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    try:
        normalise_postcode(value)
    except ValueError:
        raise cells.CellError("is not a UK postcode (for example SE1 7AB)") from None
    return value


def _phone(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    try:
        normalise_phone(value)
    except ValueError:
        raise cells.CellError("is not a phone number (for example 07700 900123)") from None
    return value


def _normalised(kind: str, value: str) -> str:
    try:
        return normalise_postcode(value) if kind == "postcode" else normalise_phone(value)
    except ValueError:
        return value.strip()


_PERSON_COLUMNS = ("given_name", "family_name", "date_of_birth", "sex", "ethnicity", "disability", "lgbt")
_STAGE = "interchange_stage_people"


def _changed(present: list[str], distinct: str) -> str:
    """SQL: the staged row ``s`` differs from the stored person ``p`` in a column it gives. Who
    holds a stored person and their role are never changed here: ``refuse_access_changes``
    refuses a row that would, before anything is staged."""
    if not present:
        return "(1 = 0)"
    return "(" + " OR ".join(f"p.{name} {distinct} s.{name}" for name in present) + ")"


def _typed_param(model: Any, column: str) -> str:
    """A placeholder for a constant in ``INSERT ... SELECT``: PostgreSQL types a bare parameter in
    a select list as text, so it is cast to the column's type there."""
    if connection.vendor != "postgresql":
        return "%s"
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return f"CAST(%s AS {field.db_type(connection)})"


class PeopleFile(FileHandler):
    name = "people.csv"
    kind = "person"
    key = "person_ref"
    model = Person
    extra_columns = ("held_by_ref", "role")
    locating_columns = ("postcode", "phone")
    # The holder decides which agencies see her; the role feeds the perpetrator-programme firewall.
    access_columns = {
        "held_by_ref": ("held_by_id", "agency", Agency, "which agency holds the person"),
        "role": ("primary_role", "", None, "the person's role"),
    }

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("person_ref", cells.ref(required=True)),
            Column("given_name", cells.text(100)),
            Column("family_name", cells.text(100)),
            Column("date_of_birth", cells.iso_date(required=False, today=ctx.today)),
            Column("sex", cells.choice(Sex, required=False, default=Sex.UNKNOWN)),
            Column("ethnicity", _ethnicity),
            Column("disability", cells.choice(YesNoUnknown, required=False, default=YesNoUnknown.UNKNOWN)),
            Column("lgbt", cells.choice(YesNoUnknown, required=False, default=YesNoUnknown.UNKNOWN)),
            Column("postcode", _postcode),
            Column("phone", _phone),
            Column("held_by_ref", cells.ref(required=False)),
            Column("role", cells.choice(PersonRole, required=False)),
        ]

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        self.require_ref(rows, ctx, errors, column="held_by_ref", kind="agency", model=Agency, file="agencies.csv")
        default_holder = ctx.options.get("held_by_ref", "")
        if default_holder:
            ctx.db_ids("agency", Agency, [default_holder])
        holder_known = bool(default_holder) and ctx.exists("agency", default_holder)
        for row in rows:
            v = row.values
            if not v.get("given_name") and not v.get("family_name") and "given_name" in v and "family_name" in v:
                errors.append(
                    RowError(self.name, row.number, "family_name", "given_name and family_name are both empty")
                )
            born = v.get("date_of_birth")
            if born and (ctx.today.year - born.year) > MAX_AGE:
                errors.append(
                    RowError(
                        self.name, row.number, "date_of_birth", f"date_of_birth makes the person older than {MAX_AGE}"
                    )
                )
            if not v.get("held_by_ref") and not holder_known:
                errors.append(
                    RowError(
                        self.name,
                        row.number,
                        "held_by_ref",
                        "no agency holds this person: fill held_by_ref, or import with --held-by AGENCY_REF",
                    )
                )

    # --- Set-based planning and writing (docs/interchange.md, "How an import is written") ------
    #
    # The rows are staged in a temporary table (COPY on PostgreSQL, executemany on SQLite), then
    # matched to stored people, compared and written with a handful of statements over the whole
    # file: no model instance per row. Postcodes and phone numbers never enter the staging table
    # in clear: only their blind indexes do; the few rows that need a new address or phone are
    # encrypted in Python and copied straight into their tables.

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        agency_ids = ctx.ids.get("agency", {})
        default_holder = agency_ids.get(ctx.options.get("held_by_ref", ""))
        perpetrators: set[str] = ctx.options.get("perpetrator_refs", set())
        present = [name for name in _PERSON_COLUMNS if rows and name in rows[0].values["_present"]]
        as_uuid, as_date = db_uuid(), db_date()
        postcode_kind, district_kind, phone_kind = (
            BlindIndexKind.POSTCODE,
            BlindIndexKind.POSTCODE_DISTRICT,
            BlindIndexKind.PHONE,
        )
        new_ids: list[uuid.UUID] = []
        indexes: list[tuple[str, str, str]] = []
        staged: list[tuple[Any, ...]] = []
        for number, row in enumerate(rows):
            v = row.values
            ref = v["person_ref"]
            new_id = uuid.uuid4()
            new_ids.append(new_id)
            held_by = agency_ids[v["held_by_ref"]] if v.get("held_by_ref") else None
            role = v.get("role") or ""
            if role:
                new_role = role
            elif ref in perpetrators:
                new_role = PersonRole.PERSON_CAUSING_HARM
            else:
                new_role = PersonRole.SURVIVOR
            postcode, phone = v.get("postcode", ""), v.get("phone", "")
            keys = (
                blind_index(postcode_kind, postcode) if postcode else "",
                blind_index(district_kind, postcode) if postcode else "",
                blind_index(phone_kind, phone) if phone else "",
            )
            indexes.append(keys)
            staged.append(
                (
                    number,
                    ref,
                    as_uuid(canonical_uuid(ref)) if len(ref) == 36 else None,
                    as_uuid(new_id),
                    *[as_date(v.get(name)) if name == "date_of_birth" else v.get(name) for name in present],
                    as_uuid(held_by or default_holder),
                    str(new_role),
                    keys[0],
                    keys[2],
                )
            )
        columns = [
            ("row_no", "integer"),
            ("ref", "text"),
            ("own_id", "uuid"),
            ("new_id", "uuid"),
            *[(name, "date" if name == "date_of_birth" else "text") for name in present],
            ("new_held_by_id", "uuid"),
            ("new_role", "text"),
            ("postcode_index", "text"),
            ("phone_index", "text"),
        ]
        stage = create_staging_table(_STAGE, [*columns, ("existing_id", "uuid")])
        plan.staged = {"table": stage, "present": present}
        copy_rows(_STAGE, [name for name, _ in columns], staged)
        existing = self._match_stored(stage, any(row[2] is not None for row in staged), present, rows)
        ids = ctx.ids.setdefault(self.kind, {})
        new_addresses: list[int] = []
        new_phones: list[int] = []
        for number, row in enumerate(rows):
            v = row.values
            postcode_key, _, phone_key = indexes[number]
            found = existing.get(number)
            if found is None:
                ids[v["person_ref"]] = new_ids[number]
                if postcode_key:
                    new_addresses.append(number)
                if phone_key:
                    new_phones.append(number)
                plan.new_people.append(
                    (new_ids[number], v.get("given_name", ""), v.get("family_name", ""), v.get("date_of_birth"))
                    + indexes[number]
                )
                plan.counts.created += 1
                continue
            person_id, changed, needs_address, needs_phone = found
            ids[v["person_ref"]] = person_id
            new_ids[number] = person_id
            if needs_address:
                new_addresses.append(number)
            if needs_phone:
                new_phones.append(number)
            # Counted by the person's own fields only: a postcode or phone is added if it is not
            # already current, but that never shows in the counts (``FileHandler.compare_stored``).
            if changed:
                plan.counts.updated += 1
                plan.staged["changed"] = True
            else:
                plan.counts.unchanged += 1
            if changed or needs_address or needs_phone:
                plan.touched_people.add(person_id)
        plan.staged.update(
            {
                "person_ids": new_ids,
                "addresses": [(new_ids[n], rows[n].values["postcode"], *indexes[n][:2]) for n in new_addresses],
                "phones": [(new_ids[n], rows[n].values["phone"], indexes[n][2]) for n in new_phones],
            }
        )
        return plan

    def _match_stored(
        self, stage: str, own_ids: bool, present: list[str], rows: list[ParsedRow]
    ) -> dict[int, tuple[Any, bool, bool, bool]]:
        """Stored people of the staged rows, by row: (id, fields changed, needs a new address,
        needs a new phone). Compared in the database; locations by blind index, except for people
        holding a current address or phone with no index (a refuge address, a number abroad),
        whose values are decrypted and compared here as before."""
        distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {stage} SET existing_id = p.id FROM people_person p WHERE p.ref = {stage}.ref"  # noqa: S608
            )
            if own_ids:
                cursor.execute(
                    f"UPDATE {stage} SET existing_id = p.id FROM people_person p "  # noqa: S608
                    f"WHERE {stage}.existing_id IS NULL AND {stage}.own_id IS NOT NULL "
                    f"AND p.ref IS NULL AND p.id = {stage}.own_id"
                )
            phone_kinds = ", ".join(f"'{kind}'" for kind in sorted(PHONE_KINDS))
            cursor.execute(
                f"SELECT s.row_no, s.existing_id, CASE WHEN {_changed(present, distinct)} THEN 1 ELSE 0 END, "  # noqa: S608
                "CASE WHEN s.postcode_index <> '' AND NOT EXISTS (SELECT 1 FROM people_address a "
                "WHERE a.person_id = s.existing_id AND a.is_current AND a.postcode_index = s.postcode_index) "
                "THEN 1 ELSE 0 END, "
                "CASE WHEN s.phone_index <> '' AND NOT EXISTS (SELECT 1 FROM people_contactchannel c "
                f"WHERE c.person_id = s.existing_id AND c.is_current AND c.kind IN ({phone_kinds}) "
                "AND c.phone_index = s.phone_index) THEN 1 ELSE 0 END, "
                "CASE WHEN EXISTS (SELECT 1 FROM people_address a WHERE a.person_id = s.existing_id "
                "AND a.is_current AND a.postcode_index = '' AND a.postcode <> '') "
                "OR EXISTS (SELECT 1 FROM people_contactchannel c WHERE c.person_id = s.existing_id "
                f"AND c.is_current AND c.kind IN ({phone_kinds}) AND c.phone_index = '' AND c.value <> '') "
                "THEN 1 ELSE 0 END "
                f"FROM {stage} s JOIN people_person p ON p.id = s.existing_id"
            )
            found = cursor.fetchall()
        as_id = (lambda value: value) if connection.vendor == "postgresql" else uuid.UUID
        matched = {row[0]: (as_id(row[1]), bool(row[2]), bool(row[3]), bool(row[4])) for row in found}
        unindexed = {row[0] for row in found if row[5]}
        if unindexed:
            self._compare_in_clear(matched, unindexed, rows)
        return matched

    def _compare_in_clear(
        self, matched: dict[int, tuple[Any, bool, bool, bool]], numbers: set[int], rows: list[ParsedRow]
    ) -> None:
        """For people with unindexed current locations: a new postcode or phone is one that
        differs, normalised, from every current one (values decrypted in memory only)."""
        people = [matched[n][0] for n in numbers]
        current = {"postcode": self._current_values(Address, "postcode", people)}
        current["phone"] = self._current_values(ContactChannel, "value", people)
        for number in numbers:
            person_id, changed, _, _ = matched[number]
            postcode, phone = rows[number].values.get("postcode", ""), rows[number].values.get("phone", "")
            matched[number] = (
                person_id,
                changed,
                bool(postcode) and _normalised("postcode", postcode) not in current["postcode"].get(person_id, set()),
                bool(phone) and _normalised("phone", phone) not in current["phone"].get(person_id, set()),
            )

    def apply(self, plan: FilePlan) -> None:
        stage, present = plan.staged["table"], plan.staged["present"]
        now = timezone.now()
        distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if plan.staged.get("changed"):
                assignments = [f"{name} = s.{name}" for name in present]
                assignments += [
                    # A person is edited on the web too: an import moves the version on, so a form
                    # read before it is refused rather than written over it (``diff_and_set``).
                    "version = p.version + 1",
                    "modified_at = %s",
                ]
                cursor.execute(
                    f"UPDATE people_person AS p SET {', '.join(assignments)} FROM {stage} s "  # noqa: S608
                    f"WHERE p.id = s.existing_id AND {_changed(present, distinct)}",
                    [now if postgres else connection.ops.adapt_datetimefield_value(now)],
                )
            if plan.counts.created:
                varying = ["id", "ref", *present, "held_by_id", "primary_role"]
                constant_columns, constants = constant_values(Person, varying)
                placeholders = [_typed_param(Person, column) for column in constant_columns]
                cursor.execute(
                    f"INSERT INTO people_person ({', '.join([*varying, *constant_columns])}) "  # noqa: S608
                    f"SELECT s.new_id, s.ref, {''.join(f's.{name}, ' for name in present)}"
                    f"s.new_held_by_id, s.new_role{''.join(', ' + p for p in placeholders)} "
                    f"FROM {stage} s WHERE s.existing_id IS NULL",
                    constants,
                )
        self._insert_locations(plan.staged["addresses"], plan.staged["phones"])

    def written_tables(self, plan: FilePlan) -> list[str]:
        return [Person._meta.db_table, Address._meta.db_table, ContactChannel._meta.db_table]

    def discard(self, plan: FilePlan) -> None:
        if plan.staged:
            drop_staging_table(_STAGE)

    @staticmethod
    def _insert_locations(addresses: list[tuple[Any, ...]], phones: list[tuple[Any, ...]]) -> None:
        """New addresses and phone numbers: encrypted here, one row each, copied in bulk."""
        as_uuid = db_uuid()
        if addresses:
            encrypt = Address._meta.get_field("postcode").encrypt
            varying = ["id", "person_id", "postcode", "postcode_index", "postcode_district_index"]
            constant_columns, constants = constant_values(Address, varying)
            insert_values(
                Address,
                [*varying, *constant_columns],
                (
                    (as_uuid(uuid.uuid4()), as_uuid(person_id), encrypt(postcode), index, district, *constants)
                    for person_id, postcode, index, district in addresses
                ),
            )
        if phones:
            encrypt = ContactChannel._meta.get_field("value").encrypt
            varying = ["id", "person_id", "kind", "value", "phone_index"]
            constant_columns, constants = constant_values(ContactChannel, varying)
            mobile, landline = str(ChannelKind.MOBILE), str(ChannelKind.LANDLINE)
            insert_values(
                ContactChannel,
                [*varying, *constant_columns],
                (
                    (
                        as_uuid(uuid.uuid4()),
                        as_uuid(person_id),
                        mobile if normalise_phone(phone).startswith("07") else landline,
                        encrypt(phone),
                        index,
                        *constants,
                    )
                    for person_id, phone, index in phones
                ),
            )

    @staticmethod
    def _current_values(model: Any, field: str, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        """Each person's current postcodes or phone numbers, normalised (decrypted in memory)."""
        kind = "postcode" if model is Address else "phone"
        found: dict[uuid.UUID, set[str]] = {}
        for chunk in chunks(person_ids):
            query = model.objects.filter(person_id__in=chunk, is_current=True)
            if model is ContactChannel:
                query = query.filter(kind__in=PHONE_KINDS)
            for person_id, value in query.values_list("person_id", field):
                if value:
                    found.setdefault(person_id, set()).add(_normalised(kind, value))
        return found

    def export_rows(self) -> Iterator[list[str]]:
        people = list(Person.objects.select_related("held_by").order_by("ref", "id"))
        postcodes = self._latest(Address.objects.filter(is_current=True).exclude(kind__in=REFUGE_OR_SAFE), "postcode")
        phones = self._latest(ContactChannel.objects.filter(is_current=True, kind__in=PHONE_KINDS), "value")
        rows = []
        for p in people:
            rows.append(
                [
                    _ref_of(p),
                    p.given_name,
                    p.family_name,
                    cells.iso(p.date_of_birth),
                    p.sex,
                    p.ethnicity,
                    p.disability,
                    p.lgbt,
                    postcodes.get(p.pk, ""),
                    phones.get(p.pk, ""),
                    _ref_of(p.held_by),
                    p.primary_role,
                ]
            )
        yield from sorted(rows)

    @staticmethod
    def _latest(query: Any, field: str) -> dict[uuid.UUID, str]:
        """The most recently recorded value per person. Refuge and safe addresses never leave."""
        latest: dict[uuid.UUID, str] = {}
        for person_id, value in query.order_by("person_id", "-created_at", "-id").values_list("person_id", field):
            latest.setdefault(person_id, value or "")
        return latest


# --- referrals.csv ----------------------------------------------------------------------------


class ReferralsFile(FileHandler):
    name = "referrals.csv"
    kind = "referral"
    key = "referral_ref"
    extra_columns = ("status",)
    # The receiving service sees the people its referrals name; the referring agency follows it.
    access_columns = {
        "person_ref": ("subject_id", "person", Person, "whom the referral is about"),
        "perpetrator_ref": ("person_causing_harm_id", "person", Person, "whom the referral is about"),
        "agency_ref": ("referring_agency_id", "agency", Agency, "the agency that made the referral"),
    }

    @property
    def model(self) -> Any:  # type: ignore[override]
        from waymark.referrals.models import Referral

        return Referral

    def columns(self, ctx: ImportContext) -> list[Column]:
        from waymark.referrals.choices import AbuseType, Consent, VawgCategory
        from waymark.referrals.states import ReferralStatus

        return [
            Column("referral_ref", cells.ref(required=True)),
            Column("received_on", cells.iso_date(required=True, today=ctx.today)),
            Column("person_ref", cells.ref(required=True)),
            Column("perpetrator_ref", cells.ref(required=False)),
            Column("agency_ref", cells.ref(required=False)),
            Column("vawg_category", cells.choice(VawgCategory, required=False)),
            Column("abuse_types", cells.choice_list(AbuseType)),
            Column("consent", cells.choice(Consent, required=True)),
            Column("children_in_household", cells.count(maximum=30)),
            Column("status", cells.choice(ReferralStatus, required=False, default=ReferralStatus.RECEIVED)),
        ]

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        self.require_ref(rows, ctx, errors, column="person_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="perpetrator_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="agency_ref", kind="agency", model=Agency, file="agencies.csv")
        births = ctx.options.get("births", {})
        for row in rows:
            v = row.values
            if v.get("perpetrator_ref") and v.get("perpetrator_ref") == v.get("person_ref"):
                errors.append(
                    RowError(
                        self.name, row.number, "perpetrator_ref", "perpetrator_ref is the same person as person_ref"
                    )
                )
            born = births.get(v.get("person_ref"))
            if born and v.get("received_on") and v["received_on"] < born:
                errors.append(
                    RowError(self.name, row.number, "received_on", "received_on is before the person's date_of_birth")
                )
        # The receiving service may be set up by this same import (a first import into an empty
        # instance brings the partnership's agencies in agencies.csv beside its referrals).
        receiver_in_files = receiving_ref() in ctx.file_refs("agency")
        if rows and not receiver_in_files and not Agency.objects.filter(ref=receiving_ref(), is_active=True).exists():
            errors.append(
                RowError(
                    self.name,
                    0,
                    "",
                    "no receiving service is set up (REFERRALS_RECEIVING_AGENCY_REF names no active agency)",
                )
            )

    def _values(self, v: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        from waymark.referrals.choices import Consent, LawfulBasis

        people = ctx.ids["person"]
        shared_without_consent = v["consent"] != Consent.GIVEN
        return {
            "received_on": v["received_on"],
            "subject_id": people[v["person_ref"]],
            "person_causing_harm_id": people[v["perpetrator_ref"]] if v.get("perpetrator_ref") else None,
            "referring_agency_id": ctx.ids["agency"][v["agency_ref"]] if v.get("agency_ref") else None,
            "vawg_category": v.get("vawg_category", ""),
            "abuse_types": v["abuse_types"],
            "consent": v["consent"],
            "children_in_household": v["children_in_household"],
            # The format carries no lawful basis: imported sharing without consent says so.
            "lawful_basis": LawfulBasis.OTHER if shared_without_consent else "",
            "sharing_authorised_by": "Not recorded in the imported source" if shared_without_consent else "",
        }

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        receiver_id = ctx.ids.get("agency", {}).get(receiving_ref()) or (
            Agency.objects.filter(ref=receiving_ref()).values_list("pk", flat=True).first()
        )
        existing = self.existing([r.values["referral_ref"] for r in rows])
        ids = ctx.ids.setdefault(self.kind, {})
        fields: set[str] = set()
        # New referrals stay plain values (no model instance per row) until ``apply`` numbers them.
        new: list[tuple[uuid.UUID, str, str, dict[str, Any]]] = []
        for row in rows:
            v = row.values
            values = self._values(v, ctx)
            referral = existing.get(v["referral_ref"])
            if referral is None:
                new_id = uuid.uuid4()
                new.append((new_id, v["referral_ref"], v["status"], values))
                ids[v["referral_ref"]] = new_id
                continue
            self.compare_stored(plan, referral, values, fields)
            ids[v["referral_ref"]] = referral.pk
        plan.update_fields = sorted(fields)
        plan.counts.created = len(new)
        plan.staged = {"new": new, "receiver_id": receiver_id}
        return plan

    def written_tables(self, plan: FilePlan) -> list[str]:
        from waymark.referrals.models import ReferralStatusChange

        return [self.model._meta.db_table, ReferralStatusChange._meta.db_table]

    def apply(self, plan: FilePlan) -> None:
        from waymark.referrals.choices import ReferralSource
        from waymark.referrals.models import ReferralNumberSequence, ReferralStatusChange

        super().apply(plan)  # the changed ones
        new = plan.staged.get("new", [])
        if not new:
            return
        by_year: dict[int, list[Any]] = {}
        for item in new:
            by_year.setdefault(item[3]["received_on"].year, []).append(item)
        numbered: list[tuple[str, Any]] = []
        for year, items in sorted(by_year.items()):
            ordered = sorted(items, key=lambda item: (item[3]["received_on"], item[1]))
            numbers = next_references(ReferralNumberSequence, "R", year, len(ordered))
            numbered += zip(numbers, ordered, strict=True)
        value_names = list(new[0][3])
        receiver_id, source = plan.staged["receiver_id"], ReferralSource.IMPORT
        insert_records(
            self.model,
            ["id", "ref", "number", "source", "status", "receiving_agency_id", *value_names],
            (
                (new_id, ref, number, source, status, receiver_id, *[values[name] for name in value_names])
                for number, (new_id, ref, status, values) in numbered
            ),
        )
        london = timezone.get_current_timezone()  # read once: each lookup goes through a context local
        insert_records(
            ReferralStatusChange,
            ["id", "referral_id", "from_status", "to_status", "reason", "changed_at"],
            (
                (
                    uuid.uuid4(),
                    new_id,
                    "",
                    status,
                    "Imported",
                    timezone.make_aware(datetime.combine(values["received_on"], time(9)), london),
                )
                for new_id, _, status, values in new
            ),
        )

    def export_rows(self) -> Iterator[list[str]]:
        query = self.model.objects.select_related("subject", "person_causing_harm", "referring_agency")
        rows = [
            [
                _ref_of(r),
                cells.iso(r.received_on),
                _ref_of(r.subject),
                _ref_of(r.person_causing_harm),
                _ref_of(r.referring_agency),
                r.vawg_category,
                cells.join_list(r.abuse_types),
                r.consent,
                cells.as_cell(r.children_in_household),
                r.status,
            ]
            for r in query.iterator(chunk_size=CHUNK)
        ]
        yield from sorted(rows)


# --- risk_assessments.csv ---------------------------------------------------------------------


class RiskAssessmentsFile(FileHandler):
    """Scored with the thresholds in force (looked up once per instrument per import)."""

    name = "risk_assessments.csv"
    kind = "assessment"
    key = "assessment_ref"
    model = RiskAssessment
    locating_columns = ("judgement_reason",)  # free text: "he has found her new flat on ..."
    # Whoever may see the person sees her assessments.
    access_columns = {"person_ref": ("person_id", "person", Person, "whom the assessment is about")}

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("assessment_ref", cells.ref(required=True)),
            Column("person_ref", cells.ref(required=True)),
            Column("referral_ref", cells.ref(required=False)),
            Column("assessed_on", cells.iso_date(required=True, today=ctx.today)),
            Column("instrument", cells.text(32, required=True)),
            Column("yes_count", cells.count(maximum=1000, required=True)),
            Column("judgement_level", cells.choice(RiskLevel, required=False)),
            Column("judgement_reason", cells.text(2000)),
        ]

    def __init__(self) -> None:
        self._thresholds: dict[str, Any] = {}

    def thresholds_for(self, code: str) -> Any:
        if code not in self._thresholds:
            self._thresholds[code] = _thresholds_for(code)
        return self._thresholds[code]

    @staticmethod
    def instruments() -> dict[str, tuple[RiskInstrument, int]]:
        """The newest version of each instrument, with its number of items."""
        newest: dict[str, tuple[RiskInstrument, int]] = {}
        for instrument in RiskInstrument.objects.order_by("code", "-version"):
            if instrument.code not in newest:
                newest[instrument.code] = (instrument, instrument.items.count())
        return newest

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        self.require_ref(rows, ctx, errors, column="person_ref", kind="person", model=Person, file="people.csv")
        if referrals_installed():
            from waymark.referrals.models import Referral

            self.require_ref(
                rows, ctx, errors, column="referral_ref", kind="referral", model=Referral, file="referrals.csv"
            )
        instruments = self.instruments()
        births = ctx.options.get("births", {})
        for row in rows:
            v = row.values
            code = v.get("instrument")
            if code and code not in instruments:
                known = ", ".join(sorted(instruments)) or "none is loaded"
                errors.append(
                    RowError(
                        self.name, row.number, "instrument", f"instrument is not a loaded checklist (known: {known})"
                    )
                )
                continue
            born = births.get(v.get("person_ref"))
            if born and v.get("assessed_on") and v["assessed_on"] < born:
                errors.append(
                    RowError(self.name, row.number, "assessed_on", "assessed_on is before the person's date_of_birth")
                )
            if code is None or v.get("yes_count") is None:
                continue
            try:
                score(
                    yes_count=v["yes_count"],
                    thresholds=self.thresholds_for(code),
                    item_count=instruments[code][1] or None,
                    judgement_level=v.get("judgement_level") or None,
                    judgement_reason=v.get("judgement_reason", ""),
                    allow_lower_judgement=True,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.append(RowError(self.name, row.number, field, f"{field}: {' '.join(messages)}"))

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        instruments = self.instruments()
        existing = self.existing([r.values["assessment_ref"] for r in rows], select=("instrument",))
        ids = ctx.ids.setdefault(self.kind, {})
        fields: set[str] = set()
        for row in rows:
            v = row.values
            values: dict[str, Any] = {
                "person_id": ctx.ids["person"][v["person_ref"]],
                "referral_ref": v.get("referral_ref", ""),
                "assessed_on": v["assessed_on"],
                "yes_count": v["yes_count"],
                "judgement_level": v.get("judgement_level", ""),
                "judgement_reason": v.get("judgement_reason", ""),
            }
            assessment = existing.get(v["assessment_ref"])
            if assessment is None or assessment.instrument.code != v["instrument"]:
                values["instrument_id"] = instruments[v["instrument"]][0].pk
            if assessment is None:
                assessment = RiskAssessment(
                    id=uuid.uuid4(),
                    ref=v["assessment_ref"],
                    source=AssessmentSource.IMPORTED,
                    answers_recorded=False,
                    **values,
                )
                self._score(assessment, v["instrument"])
                plan.create.append(assessment)
            elif self.compare_stored(plan, assessment, values, fields):
                fields.update(self._score(assessment, v["instrument"]))
            ids[v["assessment_ref"]] = assessment.pk
        plan.update_fields = sorted(fields)
        return plan

    def _score(self, assessment: RiskAssessment, code: str) -> list[str]:
        thresholds = self.thresholds_for(code)
        result = score(
            yes_count=assessment.yes_count,
            thresholds=thresholds,
            judgement_level=assessment.judgement_level or None,
            judgement_reason=assessment.judgement_reason,
            allow_lower_judgement=True,
        )
        return diff_and_set(
            assessment,
            {
                "medium_from": thresholds.medium_from,
                "high_from": thresholds.high_from,
                "scored_level": result.scored_level.value,
                "final_level": result.final_level.value,
            },
        )

    def export_rows(self) -> Iterator[list[str]]:
        query = RiskAssessment.objects.filter(archived_at__isnull=True).select_related("person", "instrument")
        rows = [
            [
                _ref_of(a),
                _ref_of(a.person),
                a.referral_ref,
                cells.iso(a.assessed_on),
                a.instrument.code,
                str(a.yes_count),
                a.judgement_level,
                a.judgement_reason,
            ]
            for a in query.iterator(chunk_size=CHUNK)
        ]
        yield from sorted(rows)


# --- incidents.csv ----------------------------------------------------------------------------


class IncidentsFile(FileHandler):
    name = "incidents.csv"
    kind = "incident"
    key = "incident_ref"
    model = Incident
    locating_columns = ("description",)  # free text: where it happened is often where she lives
    # Whoever may see the victim sees the incident.
    access_columns = {"victim_ref": ("victim_id", "person", Person, "whom the incident is about")}

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("incident_ref", cells.ref(required=True)),
            Column("occurred_on", cells.iso_date(required=True, today=ctx.today)),
            Column("victim_ref", cells.ref(required=True)),
            Column("perpetrator_ref", cells.ref(required=False)),
            Column("agency_ref", cells.ref(required=False)),
            Column("description", cells.text(10_000)),
        ]

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        self.require_ref(rows, ctx, errors, column="victim_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="perpetrator_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="agency_ref", kind="agency", model=Agency, file="agencies.csv")
        for row in rows:
            v = row.values
            if v.get("perpetrator_ref") and v.get("perpetrator_ref") == v.get("victim_ref"):
                errors.append(
                    RowError(
                        self.name, row.number, "perpetrator_ref", "perpetrator_ref is the same person as victim_ref"
                    )
                )

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        existing = self.existing([r.values["incident_ref"] for r in rows])
        ids = ctx.ids.setdefault(self.kind, {})
        fields: set[str] = set()
        for row in rows:
            v = row.values
            values = {
                "occurred_on": v["occurred_on"],
                "victim_id": ctx.ids["person"][v["victim_ref"]],
                "perpetrator_id": ctx.ids["person"][v["perpetrator_ref"]] if v.get("perpetrator_ref") else None,
                "agency_id": ctx.ids["agency"][v["agency_ref"]] if v.get("agency_ref") else None,
                "description": v.get("description", ""),
            }
            incident = existing.get(v["incident_ref"])
            if incident is None:
                incident = Incident(id=uuid.uuid4(), ref=v["incident_ref"], **values)
                plan.create.append(incident)
            else:
                self.compare_stored(plan, incident, values, fields)
            ids[v["incident_ref"]] = incident.pk
        plan.update_fields = sorted(fields)
        return plan

    def apply(self, plan: FilePlan) -> None:
        super().apply(plan)
        # MARAC flag and tag: new incidents between a pair referred to MARAC in the last 12 months
        # alert the coordinator (waymark/marac/flags.py). Re-imported incidents are not new.
        from waymark.marac.flags import flag_incidents

        flag_incidents([incident.pk for incident in plan.create])

    def export_rows(self) -> Iterator[list[str]]:
        query = Incident.objects.filter(archived_at__isnull=True).select_related("victim", "perpetrator", "agency")
        rows = [
            [
                _ref_of(i),
                cells.iso(i.occurred_on),
                _ref_of(i.victim),
                _ref_of(i.perpetrator),
                _ref_of(i.agency),
                i.description,
            ]
            for i in query.iterator(chunk_size=CHUNK)
        ]
        yield from sorted(rows)
