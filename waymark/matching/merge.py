"""Identity resolution: merging two person records into one, and undoing it exactly.

When someone with the right to do so confirms that two records are the same human being (at
triage, from the find page, or from a dedupe cluster), the partnership keeps one record: every
row that pointed at the absorbed record (referrals, risk assessments, cases, contact channels
with their safety flags, addresses, relationships, incidents, MARAC cases, programme links,
outcomes, support and safety plans, ...) is re-pointed to the survivor, the survivor takes the
values the user chose where the two disagree, and the absorbed record stays as an archived alias
that redirects. ``person_unmerge`` restores both records exactly. See docs/adr/0006-merge-not-link.md.

Rows are found by introspection (every foreign key to ``people.Person`` in every installed app),
so this module imports no upper app and a new app's records follow a merge without a change here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching.access import may_locate_both
from waymark.matching.engine import refresh_search_keys, score_people
from waymark.matching.models import PersonContactKey, PersonLink, PersonMerge, PersonSearchKey
from waymark.people.access import agencies_user_may_record_for, locations_visible_to, people_visible_to
from waymark.people.choices import YesNoUnknown
from waymark.people.models import Person, PersonName

MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 2_000

# The person's own values a merge may have to choose between, in the order they are shown.
IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "approximate_age",
    "sex",
    "gender_identity",
    "ethnicity",
    "disability",
    "disability_detail",
    "lgbt",
    "sexual_orientation",
    "first_language",
    "interpreter_needed",
    "no_recourse_to_public_funds",
    "pregnant",
    "primary_role",
)
# Safety flags are never chosen by hand: the more cautious value is kept (not known counts as yes).
CAUTIOUS_ORDER = {YesNoUnknown.YES: 2, YesNoUnknown.UNKNOWN: 1, YesNoUnknown.NO: 0}
SAFETY_FIELDS = ("aware_of_contact",)
# "Yes" facts about needs are kept if either record says so (an interpreter, no recourse, pregnancy).
EITHER_TRUE_FIELDS = ("interpreter_needed", "no_recourse_to_public_funds", "pregnant")
EMPTY_VALUES: tuple[Any, ...] = ("", None, "unknown")

# Rows that are not moved: derived search keys (rebuilt), the link and merge records themselves,
# and a dedupe cluster's membership (a review record of what the batch run saw).
NOT_MOVED = {
    "matching.personsearchkey",
    "matching.personcontactkey",
    "matching.personlink",
    "matching.personmerge",
    "matching.dedupecluster_people",
    "people.person",
}

# Plain names for what moves, where the model's own name would puzzle a user.
FRIENDLY_NAMES = {
    "referrals.referral_children": "Referrals naming them as a child",
    "people.personname": "Other names",
}


@dataclass(frozen=True)
class Conflict:
    """A field on which the two records disagree and the user must choose."""

    field: str
    label: str
    survivor_value: Any
    absorbed_value: Any
    survivor_display: str
    absorbed_display: str


@dataclass
class MergePreview:
    """What a merge of ``absorbed`` into ``survivor`` would do, for the user to check first."""

    survivor: Person
    absorbed: Person
    moves: list[tuple[str, int]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    filled: list[tuple[str, str]] = field(default_factory=list)
    cautious: list[tuple[str, str]] = field(default_factory=list)
    left_behind: int = 0
    score: float | None = None

    @property
    def total_moving(self) -> int:
        return sum(count for _, count in self.moves)


def _person_references() -> list[tuple[type[models.Model], models.ForeignKey[Any, Any]]]:
    """Every (model, foreign key) that points at a person, in every installed app."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in NOT_MOVED:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is Person:
                found.append((model, model_field))
    return found


def _other_person_fields(model: type[models.Model], this: models.ForeignKey[Any, Any]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Person and f is not this
    ]


def _rows_to_move(absorbed: Person, survivor: Person) -> tuple[list[tuple[Any, Any, list[Any]]], int]:
    """For each reference, the rows pointing at ``absorbed`` that move, and the count left behind
    because they already link the two records to each other (a relationship between them)."""
    plan = []
    left_behind = 0
    for model, fk in _person_references():
        rows = model._base_manager.filter(**{fk.attname: absorbed.pk})
        between = models.Q(pk__in=[])
        for other in _other_person_fields(model, fk):
            between |= models.Q(**{other: survivor.pk})
        left_behind += rows.filter(between).count()
        pks = list(rows.exclude(between).values_list("pk", flat=True))
        if pks:
            plan.append((model, fk, pks))
    return plan, left_behind


def _label(model: type[models.Model]) -> str:
    label = model._meta.label_lower
    if label in FRIENDLY_NAMES:
        return FRIENDLY_NAMES[label]
    return str(model._meta.verbose_name_plural).capitalize()


def _is_empty(value: Any) -> bool:
    return value in EMPTY_VALUES


def _display(person: Person, name: str) -> str:
    value = getattr(person, name)
    if value in ("", None):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    display = getattr(person, f"get_{name}_display", None)
    return str(display()) if callable(display) else str(value)


def _field_label(name: str) -> str:
    model_field = Person._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name)).capitalize()


def merge_preview(*, survivor: Person, absorbed: Person, viewer: User) -> MergePreview:
    """What would move and where the records disagree. Reads only; checks nothing about the user."""
    preview = MergePreview(survivor=survivor, absorbed=absorbed)
    plan, preview.left_behind = _rows_to_move(absorbed, survivor)
    counts: dict[str, int] = {}
    for model, _fk, pks in plan:
        counts[_label(model)] = counts.get(_label(model), 0) + len(pks)
    preview.moves = sorted(counts.items())
    for name in IDENTITY_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if name in EITHER_TRUE_FIELDS:
            if theirs and not mine:
                preview.filled.append((_field_label(name), _display(absorbed, name)))
            continue
        if _is_empty(theirs) or mine == theirs:
            continue
        if _is_empty(mine):
            preview.filled.append((_field_label(name), _display(absorbed, name)))
            continue
        preview.conflicts.append(
            Conflict(
                field=name,
                label=_field_label(name),
                survivor_value=mine,
                absorbed_value=theirs,
                survivor_display=_display(survivor, name),
                absorbed_display=_display(absorbed, name),
            )
        )
    for name in SAFETY_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if CAUTIOUS_ORDER.get(theirs, 1) > CAUTIOUS_ORDER.get(mine, 1):
            preview.cautious.append((_field_label(name), _display(absorbed, name)))
    # Shown on the page: compared on postcode and phone only for a viewer who may see where both are.
    preview.score = score_people(absorbed.pk, survivor.pk, locating=may_locate_both(viewer, survivor, absorbed))
    return preview


# --- who may merge -------------------------------------------------------------------------------


def may_merge(user: User, survivor: Person, absorbed: Person) -> bool:
    """An editor (caseworker, team manager, housing officer) of the agency holding both records, who
    can see both. Never a referrer: a referrer holds no records (waymark/people/access.py)."""
    if survivor.held_by_id is None or absorbed.held_by_id is None:
        return False
    may_record = agencies_user_may_record_for(user)
    if survivor.held_by_id not in may_record or absorbed.held_by_id not in may_record:
        return False
    visible = set(people_visible_to(user).filter(pk__in=[survivor.pk, absorbed.pk]).values_list("pk", flat=True))
    return visible == {survivor.pk, absorbed.pk}


def _members() -> list[User]:
    return list(User.objects.filter(is_active=True, memberships__is_active=True).distinct())


def _sight(users: list[User], person_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[set[Any], set[Any]]]:
    """For each user: which of these people they may see, and whose location."""
    return {
        user.pk: (
            set(people_visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True)),
            set(locations_visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True)),
        )
        for user in users
    }


def _newly_exposed(before: dict[uuid.UUID, tuple[set[Any], set[Any]]], after: dict[Any, Any], survivor: Person) -> int:
    """Users who may now see the merged record (or where it is) and could not see the survivor
    before: allowed only if they could see both records (then they saw all of it already)."""
    exposed = 0
    for user_id, (seen_after, located_after) in after.items():
        seen_before, located_before = before[user_id]
        both_seen = len(seen_before) == 2
        both_located = len(located_before) == 2
        newly_seen = survivor.pk in seen_after and survivor.pk not in seen_before and not both_seen
        newly_located = survivor.pk in located_after and survivor.pk not in located_before and not both_located
        if newly_seen or newly_located:
            exposed += 1
    return exposed


# --- the actions ---------------------------------------------------------------------------------


def _snapshot(person: Person, names: list[str]) -> dict[str, Any]:
    return {name: _to_json(getattr(person, name)) for name in names}


def _to_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _from_json(name: str, value: Any) -> Any:
    model_field = Person._meta.get_field(name)
    if value is not None and isinstance(model_field, models.DateField):
        return date.fromisoformat(value) if not isinstance(model_field, models.DateTimeField) else value
    return value


def _chosen_values(preview: MergePreview, resolutions: dict[str, str]) -> dict[str, Any]:
    """The survivor's new values: filled gaps, chosen conflicts, the cautious safety flags."""
    survivor, absorbed = preview.survivor, preview.absorbed
    missing = [c.label for c in preview.conflicts if resolutions.get(c.field) not in ("survivor", "absorbed")]
    if missing:
        raise ValidationError({"resolutions": f"Choose which to keep for: {', '.join(missing)}."})
    values: dict[str, Any] = {}
    for name in IDENTITY_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if name in EITHER_TRUE_FIELDS:
            if theirs and not mine:
                values[name] = True
        elif not _is_empty(theirs) and mine != theirs and _is_empty(mine):
            values[name] = theirs
            if name == "approximate_age":
                values["approximate_age_recorded_on"] = absorbed.approximate_age_recorded_on
    for conflict in preview.conflicts:
        if resolutions[conflict.field] == "absorbed":
            values[conflict.field] = conflict.absorbed_value
            if conflict.field == "approximate_age":
                values["approximate_age_recorded_on"] = absorbed.approximate_age_recorded_on
    for name in SAFETY_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if CAUTIOUS_ORDER.get(theirs, 1) > CAUTIOUS_ORDER.get(mine, 1):
            values[name] = theirs
    return values


def _move_rows(plan: list[tuple[Any, Any, list[Any]]], survivor: Person) -> list[list[str]]:
    """Re-points every planned row; a row that would duplicate one already on the survivor is
    refused with a clear message (or, for a plain link table, left on the archived record)."""
    moved: list[list[str]] = []
    for model, fk, pks in plan:
        for pk in pks:
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{fk.attname: survivor.pk})
            except IntegrityError:
                if model._meta.auto_created:
                    continue  # the survivor is already on that referral: nothing to add
                raise ValidationError(
                    f"Both records have {_label(model).lower()} that cannot be combined "
                    "(for example an open case with the same service each). Close or transfer one first."
                ) from None
            moved.append([model._meta.label_lower, str(pk), fk.attname])
    return moved


def _bump_versions(*people: Person) -> None:
    """An edit form opened on either record before the merge (or unmerge) is now stale and its save
    is refused (waymark/core/versioning.py), rather than overwriting what the merge did."""
    if any(f.name == "version" for f in Person._meta.concrete_fields):
        Person.objects.filter(pk__in=[p.pk for p in people]).update(version=models.F("version") + 1)


@transaction.atomic
def person_merge(
    *, actor: User, survivor: Person, absorbed: Person, resolutions: dict[str, str], reason: str
) -> PersonMerge:
    """Merges ``absorbed`` into ``survivor``: one audited action.

    Refused unless ``may_merge``; unless every conflicting field has a choice ("survivor" or
    "absorbed"); and if the merged record would become visible (or locatable) to anyone who could
    not see the survivor before and could not see both. The absorbed record is archived with
    ``merged_into`` set, so its pages redirect. Audited (AuditAction.LINK) with ids and counts only.
    """
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Person.objects.select_for_update().get(pk=absorbed.pk)
    if survivor.pk == absorbed.pk:
        raise ValidationError("A record cannot be merged with itself.")
    if not may_merge(actor, survivor, absorbed):
        raise PermissionDenied("Only an editor of the agency holding both records can merge them.")
    for person in (survivor, absorbed):
        if person.archived_at is not None or person.merged_into_id is not None:
            raise ValidationError("One of these records is archived: restore it before merging.")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": "Explain why you are sure these are the same person."})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"The reason must be {MAX_REASON_LENGTH:,} characters or fewer."})
    preview = merge_preview(survivor=survivor, absorbed=absorbed, viewer=actor)
    values = _chosen_values(preview, resolutions)
    users = _members()
    before = _sight(users, [survivor.pk, absorbed.pk])

    survivor_before = _snapshot(survivor, list(values))
    absorbed_before = _snapshot(absorbed, ["archived_at", "merged_into_id"])
    plan, _ = _rows_to_move(absorbed, survivor)
    moves = _move_rows(plan, survivor)
    if values:
        Person.objects.filter(pk=survivor.pk).update(**values)
    created: list[list[str]] = []
    # Her other name (the typo, or a name she also uses) stays findable on the merged record.
    other_name = {"given_name": absorbed.given_name, "family_name": absorbed.family_name}
    is_new_name = absorbed.full_name and absorbed.full_name.lower() != survivor.full_name.lower()
    if is_new_name and not survivor.other_names.filter(**other_name).exists():
        alias = PersonName.objects.create(person=survivor, **other_name)
        created.append(["people.personname", str(alias.pk)])
    Person.objects.filter(pk=absorbed.pk).update(archived_at=timezone.now(), merged_into=survivor)
    _bump_versions(survivor, absorbed)
    PersonSearchKey.objects.filter(person=absorbed).delete()
    PersonContactKey.objects.filter(person=absorbed).delete()
    refresh_search_keys([survivor.pk])

    after = _sight(users, [survivor.pk])
    if _newly_exposed(before, after, survivor):
        raise PermissionDenied(
            "Merging these records would let people see the surviving record who could not see it "
            "before. Ask the agency holding it to decide."
        )
    merge = PersonMerge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        merged_by=actor,
        reason=reason,
        score=preview.score,
        resolutions={c.field: resolutions[c.field] for c in preview.conflicts},
        survivor_before=survivor_before,
        absorbed_before=absorbed_before,
        moves=moves,
        created_rows=created,
    )
    PersonLink.objects.filter(new_person=absorbed, existing_person=survivor, archived_at__isnull=True).update(
        archived_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.LINK,
        obj=merge,
        detail={
            "merged": True,
            "survivor": str(survivor.pk),
            "absorbed": str(absorbed.pk),
            "rows_moved": len(moves),
            "conflicts_resolved": len(preview.conflicts),
            "score": preview.score,
            "reason_given": True,
        },
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undoes a merge exactly: every moved row goes back, the survivor's changed values are
    restored, rows the merge created are removed and the absorbed record is live again.

    Rows recorded on the survivor after the merge stay with it. Refused unless the actor may merge
    the two records now; audited (AuditAction.LINK) with ids and counts only.
    """
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise ValidationError("This merge has already been undone.")
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    if not may_merge(actor, survivor, absorbed):
        raise PermissionDenied("Only an editor of the agency holding both records can undo a merge.")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": "Explain why these are not the same person."})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"The reason must be {MAX_REASON_LENGTH:,} characters or fewer."})
    for label, pk, attname in merge.moves:
        model = apps.get_model(label)
        model._base_manager.filter(pk=pk, **{attname: survivor.pk}).update(**{attname: absorbed.pk})
    for label, pk in merge.created_rows:
        apps.get_model(label)._base_manager.filter(pk=pk).delete()
    restored = {name: _from_json(name, value) for name, value in merge.survivor_before.items()}
    if restored:
        Person.objects.filter(pk=survivor.pk).update(**restored)
    Person.objects.filter(pk=absorbed.pk).update(
        archived_at=merge.absorbed_before.get("archived_at"), merged_into=merge.absorbed_before.get("merged_into_id")
    )
    _bump_versions(survivor, absorbed)
    refresh_search_keys([survivor.pk, absorbed.pk])
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = actor
    merge.unmerge_reason = reason
    merge.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.LINK,
        obj=merge,
        detail={
            "unmerged": True,
            "survivor": str(survivor.pk),
            "absorbed": str(absorbed.pk),
            "rows_restored": len(merge.moves),
            "reason_given": True,
        },
    )
    return merge


def resolutions_from_post(data: Any) -> dict[str, str]:
    """The user's choices from a merge form: ``keep_<field>`` = "survivor" or "absorbed"."""
    return {
        name: data.get(f"keep_{name}")
        for name in IDENTITY_FIELDS
        if data.get(f"keep_{name}") in ("survivor", "absorbed")
    }


def merge_of_row(person: Person, label: str, pk: Any, attname: str) -> PersonMerge | None:
    """The live merge that brought this row onto ``person``'s record, if any."""
    for merge in PersonMerge.objects.filter(survivor=person, unmerged_at__isnull=True).select_related("absorbed"):
        if [label, str(pk), attname] in merge.moves:
            return merge
    return None
