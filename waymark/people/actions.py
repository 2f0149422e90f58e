"""Every change to people, their names, relationships, addresses and contact channels.

Each action is atomic, validates before it writes (``ValidationError`` naming the field, nothing
saved), checks the actor may make the change, and writes its audit row in the same transaction.
Audit rows carry ids and field names only, never names, addresses or numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.keptreasons import refuse_locating_reason
from waymark.core.versioning import claim_version
from waymark.organisations.models import Agency
from waymark.people import access
from waymark.people.changes import person_changed
from waymark.people.choices import PHONE_KINDS, AddressKind, ChannelKind, NameKind, RelationshipKind, YesNoUnknown
from waymark.people.models import Address, ContactChannel, Person, PersonName, Relationship
from waymark.people.normalise import normalise_email, normalise_phone, normalise_postcode

if TYPE_CHECKING:
    from waymark.accounts.models import User

EARLIEST_DATE = date(1900, 1, 1)

# Fields of Person that person_create and person_update may set.
PERSON_FIELDS = (
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
    "aware_of_contact",
)
SAFETY_FLAGS = ("safe_to_call", "safe_to_leave_voicemail", "safe_to_text", "safe_to_write", "perpetrator_knows")


def _today() -> date:
    return timezone.localdate()


def _check_past_date(value: date | None, field: str, label: str) -> None:
    """Dates of things that have happened: not in the future, not before 1900."""
    if value is None:
        return
    if value > _today():
        raise ValidationError({field: f"{label} must be today or in the past"})
    if value < EARLIEST_DATE:
        raise ValidationError({field: f"{label} must be after 1 January 1900"})


def _check_order(start: date | None, end: date | None, field: str, message: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: message})


def _validate_person(person: Person) -> None:
    _check_past_date(person.date_of_birth, "date_of_birth", "Date of birth")
    if person.approximate_age is not None and not 0 <= person.approximate_age <= 120:
        raise ValidationError({"approximate_age": "Approximate age must be between 0 and 120"})
    if not (person.given_name.strip() or person.family_name.strip()):
        raise ValidationError({"family_name": "Enter a given name or a family name"})
    # Names are stored exactly as typed (markup included); templates always escape them.
    person.full_clean(exclude=["held_by"])


def _set_person_fields(person: Person, fields: Mapping[str, Any]) -> list[str]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not person fields: {sorted(unknown)}")
    changed = []
    for name, value in fields.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if "approximate_age" in changed:
        person.approximate_age_recorded_on = _today() if person.approximate_age is not None else None
    return sorted(changed)


@transaction.atomic
def person_create(*, actor: User, held_by: Agency, fields: Mapping[str, Any]) -> Person:
    """Records a new person held by ``held_by``, an agency where the actor may record people."""
    if held_by.pk not in access.agencies_user_may_record_for(actor):
        raise PermissionDenied("You cannot record people for that agency.")
    person = Person(held_by=held_by)
    _set_person_fields(person, fields)
    _validate_person(person)
    person.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, detail={"fields": sorted(fields)})
    person_changed([person.pk])
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, fields: Mapping[str, Any], read_version: int | None = None
) -> list[str]:
    """Changes a person's details; returns the names of the fields that changed.

    ``read_version`` is the version the form was read at: a record changed since is refused
    (``StaleEdit``, waymark/core/versioning.py) and nothing is saved."""
    if not access.can_edit_person(actor, person):
        raise PermissionDenied("You cannot change this person's record.")
    changed = _set_person_fields(person, fields)
    if not changed:
        return []
    _validate_person(person)
    claim_version(person, read_version)
    person.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, detail={"fields": changed})
    person_changed([person.pk])
    return changed


@transaction.atomic
def person_name_add(*, actor: User, person: Person, kind: NameKind, given_name: str, family_name: str) -> PersonName:
    """Adds an alias, previous name or known-as name."""
    if not access.can_edit_person(actor, person):
        raise PermissionDenied("You cannot change this person's record.")
    name = PersonName(person=person, kind=kind, given_name=given_name.strip(), family_name=family_name.strip())
    if not (name.given_name or name.family_name):
        raise ValidationError({"family_name": "Enter a given name or a family name"})
    name.full_clean(exclude=["person"])
    name.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=name, detail={"person": str(person.pk)})
    person_changed([person.pk])
    return name


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    person_a: Person,
    person_b: Person,
    kind: RelationshipKind,
    started_on: date | None = None,
    ended_on: date | None = None,
) -> Relationship:
    """Records how two people are related. The actor must be able to see both and edit A."""
    if not access.can_edit_person(actor, person_a):
        raise PermissionDenied("You cannot change this person's record.")
    if not access.people_visible_to(actor).filter(pk=person_b.pk).exists():
        raise ValidationError({"other_person": "Choose a person from your records"})
    if person_a.pk == person_b.pk:
        raise ValidationError({"other_person": "A person cannot be related to themselves"})
    _check_past_date(started_on, "started_on", "Start date")
    _check_past_date(ended_on, "ended_on", "End date")
    _check_order(started_on, ended_on, "ended_on", "End date must be the same as or after the start date")
    relationship = Relationship(
        person_a=person_a, person_b=person_b, kind=kind, started_on=started_on, ended_on=ended_on
    )
    relationship.full_clean(exclude=["person_a", "person_b"])
    relationship.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=relationship,
        detail={"person_a": str(person_a.pk), "person_b": str(person_b.pk)},
    )
    return relationship


def _require_location_editor(actor: User, person: Person) -> None:
    if not access.can_edit_location(actor, person):
        raise PermissionDenied("You cannot change where this person is.")


@transaction.atomic
def address_add(
    *,
    actor: User,
    person: Person,
    kind: AddressKind,
    line1: str,
    line2: str = "",
    town: str = "",
    postcode: str = "",
    lived_from: date | None = None,
    perpetrator_knows: YesNoUnknown = YesNoUnknown.UNKNOWN,
) -> Address:
    """Adds a current address (UK postcodes only, stored normalised) with its blind indexes."""
    _require_location_editor(actor, person)
    if not line1.strip():
        raise ValidationError({"line1": "Enter the first line of the address"})
    if postcode.strip():
        try:
            postcode = normalise_postcode(postcode)
        except ValueError:
            raise ValidationError({"postcode": "Enter a real postcode, like SW1A 1AA"}) from None
    _check_past_date(lived_from, "lived_from", "Date they moved in")
    address = Address(
        person=person,
        kind=kind,
        line1=line1.strip(),
        line2=line2.strip(),
        town=town.strip(),
        postcode=postcode.strip(),
        lived_from=lived_from,
        perpetrator_knows=perpetrator_knows,
        is_current=True,
    )
    for field, value in address.compute_blind_indexes().items():
        setattr(address, field, value)
    address.full_clean(exclude=["person"])
    address.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=address, detail={"person": str(person.pk)})
    person_changed([person.pk])
    return address


@transaction.atomic
def address_end(*, actor: User, address: Address, lived_to: date) -> Address:
    """Ends an address (history is kept) and every current postal channel that used it, so no
    letter can go to an address the person has left."""
    _require_location_editor(actor, address.person)
    if not address.is_current:
        raise ValidationError({"lived_to": "This address has already ended"})
    _check_past_date(lived_to, "lived_to", "Date they moved out")
    _check_order(address.lived_from, lived_to, "lived_to", "Date they moved out must be on or after they moved in")
    address.lived_to = lived_to
    address.is_current = False
    address.save(update_fields=["lived_to", "is_current", "modified_at"])
    ended_channels = address.contact_channels.filter(is_current=True).update(is_current=False, ended_on=lived_to)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=address,
        detail={
            "person": str(address.person_id),
            "fields": ["is_current", "lived_to"],
            "channels_ended": ended_channels,
        },
    )
    person_changed([address.person_id])
    return address


def _flags(flags: Mapping[str, str]) -> dict[str, str]:
    unknown = set(flags) - set(SAFETY_FLAGS)
    if unknown:
        raise ValueError(f"Not safety flags: {sorted(unknown)}")
    for name, value in flags.items():
        if value not in YesNoUnknown.values:
            raise ValidationError({name: "Choose yes, no or not known"})
    return dict(flags)


@transaction.atomic
def contact_channel_add(
    *,
    actor: User,
    person: Person,
    kind: ChannelKind,
    value: str = "",
    address: Address | None = None,
    flags: Mapping[str, str] | None = None,
) -> ContactChannel:
    """Adds a phone, email or postal channel with its safety flags (unset flags stay "not known")."""
    _require_location_editor(actor, person)
    value = value.strip()
    if kind in PHONE_KINDS:
        try:
            value = normalise_phone(value)
        except ValueError:
            raise ValidationError({"value": "Enter a phone number, like 07700 900 982 or +44 20 7946 0000"}) from None
    elif kind == ChannelKind.EMAIL:
        try:
            value = normalise_email(value)
        except ValueError:
            raise ValidationError({"value": "Enter an email address, like name@example.com"}) from None
    elif kind == ChannelKind.POST:
        if address is None or address.person_id != person.pk or not address.is_current:
            raise ValidationError({"address": "Choose one of the person's current addresses"})
        value = ""
    else:
        raise ValidationError({"kind": "Choose how to contact the person"})
    channel = ContactChannel(
        person=person,
        kind=kind,
        value=value,
        address=address if kind == ChannelKind.POST else None,
        **_flags(flags or {}),
    )
    for field, index in channel.compute_blind_indexes().items():
        setattr(channel, field, index)
    channel.full_clean(exclude=["person", "address"])
    channel.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=channel, detail={"person": str(person.pk)})
    person_changed([person.pk])
    return channel


@transaction.atomic
def contact_channel_update_flags(
    *, actor: User, channel: ContactChannel, flags: Mapping[str, str], read_version: int | None = None
) -> list[str]:
    """Changes a channel's safety flags; returns the names of those that changed. ``read_version``:
    the version the form was read at (flags changed since raise ``StaleEdit``, nothing saved)."""
    _require_location_editor(actor, channel.person)
    changed = sorted(name for name, value in _flags(flags).items() if getattr(channel, name) != value)
    if not changed:
        return []
    claim_version(channel, read_version)
    for name in changed:
        setattr(channel, name, flags[name])
    channel.save(update_fields=[*changed, "version", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=channel,
        detail={"person": str(channel.person_id), "fields": changed},
    )
    return changed


@transaction.atomic
def contact_channel_end(*, actor: User, channel: ContactChannel, ended_on: date) -> ContactChannel:
    """Stops using a channel (kept for history, never offered for contact again)."""
    _require_location_editor(actor, channel.person)
    if not channel.is_current:
        raise ValidationError({"ended_on": "This contact method has already ended"})
    _check_past_date(ended_on, "ended_on", "End date")
    channel.is_current = False
    channel.ended_on = ended_on
    channel.save(update_fields=["is_current", "ended_on", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=channel,
        detail={"person": str(channel.person_id), "fields": ["ended_on", "is_current"]},
    )
    person_changed([channel.person_id])
    return channel


@transaction.atomic
def person_archive(*, actor: User, person: Person, reason: str) -> Person:
    """Archives a person record (never deleted): off lists, kept for history. Team managers only."""
    if not access.can_archive_person(actor, person):
        raise PermissionDenied("Only a team manager of the holding agency can archive a record.")
    if person.archived_at is not None:
        raise ValidationError({"reason": "This record is already archived"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is being archived"})
    refuse_locating_reason(reason)  # the justification outlives the record's disposal
    person.archived_at = timezone.now()
    person.save(update_fields=["archived_at", "modified_at"])
    audit_record(actor=actor, action=AuditAction.ARCHIVE, obj=person, justification=reason.strip())
    return person
