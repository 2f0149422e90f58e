"""Everything that changes safe accommodation records. The only code that moves a refuge referral
or a sanctuary through its lifecycle (``waymark/refuge/states.py``).

Each action is keyword-only, runs in one transaction, validates everything before it saves
anything, and audits in the same transaction. An address, a note or a name is never put in the
audit trail or a log line: audit rows hold field names, statuses and counts.

Refusals:

- ``ValidationError`` with a dict of field -> message: bad or missing input, or a stale edit
  (the record changed since the form was read). Nothing is saved. Text other agencies read (a
  service's or house's name, site and area; a vacancy's area, community and languages) is refused
  when it looks like a postcode, a phone number or a street address (``waymark/refuge/publictext.py``).
- ``InvalidTransition``: the lifecycle does not allow the move now, in words about the record
  (``states.check_move``: a repeat submit, a step already done or not yet possible, a record
  another worker moved on), ending "Nothing has been changed." (message safe to show).
- ``PermissionDenied``: the actor's role does not allow this on this record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.roles import Role
from waymark.core.sequences import next_reference
from waymark.organisations.models import Agency
from waymark.people.access import behind_programme_firewall
from waymark.refuge import access, publictext
from waymark.refuge.choices import (
    AccommodationType,
    AdultGender,
    DepartureReason,
    FeltSafer,
    Mobility,
    MoveOnDestination,
    ProviderLegalForm,
    SanctuaryMeasure,
    SanctuaryRemovalReason,
    SpecialistCharacteristic,
    UnitKind,
    UnsuccessfulReason,
)
from waymark.refuge.models import (
    NumberSequence,
    RefugeReferral,
    SafeAccommodationService,
    SafeHouse,
    Sanctuary,
    SanctuaryReview,
    Vacancy,
)
from waymark.refuge.selectors import REVIEW_MONTHS, no_review_left, sanctuary_reviews
from waymark.refuge.states import (
    ReferralStatus,
    SanctuaryStatus,
    check_referral_move,
    check_sanctuary_move,
)

NOTE_MAX_LENGTH = 5_000
STALE_MESSAGE = "Someone else changed this record after you opened it. Reload the page and try again."
# Service-level settings: who may record a commissioned service.
SERVICE_EDITOR_ROLES = (Role.COMMISSIONER, Role.SYSTEM_ADMINISTRATOR)

# --- Helpers ---------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _check_version(obj: Any, expected: int | None) -> None:
    """Refuses a save made from a form read at an older version (no lost updates)."""
    if expected is not None and int(expected) != obj.version:
        raise ValidationError({"version": STALE_MESSAGE})


def _locked(model: Any, obj: Any) -> Any:
    return model.objects.select_for_update().get(pk=obj.pk)


def _locked_step(
    model: Any, obj: Any, version: int | None, target: str | None, check_move: Callable[[Any, str], None]
) -> Any:
    """The record locked for a lifecycle step (a refuge referral's decision, a sanctuary's step),
    once the move is possible. The move is checked on the locked row before the version
    (``states.check_move``): a repeat submit (the form read before its own first save) is told the
    step is already done, on which date, and a step after another worker moved the record on is
    told where it is now, in plain words; only a move still possible from a stale form is refused
    as stale."""
    locked = _locked(model, obj)
    if target is not None:
        check_move(locked, target)
    _check_version(locked, version)
    return locked


def _save(obj: Any, fields: list[str]) -> None:
    obj.version = F("version") + 1
    obj.save(update_fields=[*fields, "version", "modified_at"])
    obj.refresh_from_db(fields=["version"])


def _refresh(stale: Any, fresh: Any) -> Any:
    for model_field in type(fresh)._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))
    return stale


def _date(
    value: date | None, *, field_name: str, label: str, not_before: date | None = None, before_label: str = ""
) -> date:
    if value is None:
        raise ValidationError({field_name: f"Enter {label}."})
    if value > _today():
        raise ValidationError({field_name: f"{label[0].upper()}{label[1:]} must be today or in the past."})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {field_name: f"{label[0].upper()}{label[1:]} must be on or after {before_label} ({not_before:%-d %B %Y})."}
        )
    return value


def _text(value: str, *, field_name: str, label: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field_name: f"Enter {label}."})
    if len(text) > max_length:
        raise ValidationError(
            {field_name: f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer."}
        )
    return text


def _shown(value: str, *, field_name: str, label: str, seen_by: str = publictext.SERVICE_READERS) -> str:
    """Text other agencies read: refused if it could locate the refuge (``publictext``)."""
    return publictext.check(value, field_name=field_name, label=label, seen_by=seen_by)


def _choice(value: str, enum: Any, *, field_name: str, message: str) -> str:
    if value not in enum.values:
        raise ValidationError({field_name: message})
    return value


def referring_agencies(actor: User, roles: tuple[Role, ...]) -> list[Agency]:
    """The agencies this actor may refer for: where they hold one of ``roles``, by name."""
    found = {m.agency_id: m.agency for m in actor.active_memberships if m.role in roles}
    return sorted(found.values(), key=lambda agency: (agency.name, str(agency.pk)))


def _referring_agency(actor: User, roles: tuple[Role, ...], case: Any, chosen: Agency | None) -> Agency:
    """The agency a referral is filed under: whose managers (and housing officers) then follow it.

    With her case: the agency holding the case, where the actor must hold a referring role (a
    case seen only through break-glass is not theirs to refer from). Without: the agency the
    actor chose among their own that may refer; with only one, that one. Never guessed: the
    first of two memberships would show her referral to a whole other agency."""
    own = referring_agencies(actor, roles)
    if not own:
        raise PermissionDenied("Your role does not allow you to make this referral.")
    own_ids = {agency.pk for agency in own}
    if case is not None:
        if case.agency_id not in own_ids:
            raise ValidationError({"case": "Refer with her case from the service that holds it."})
        if chosen is not None and chosen.pk != case.agency_id:
            raise ValidationError(
                {"referring_agency": "A referral with her case is made for the service that holds it."}
            )
        return next(agency for agency in own if agency.pk == case.agency_id)
    if chosen is not None:
        if chosen.pk not in own_ids:
            raise ValidationError({"referring_agency": "Choose an agency you refer for."})
        return next(agency for agency in own if agency.pk == chosen.pk)
    if len(own) == 1:
        return own[0]
    raise ValidationError({"referring_agency": "Choose which of your agencies you are referring for."})


def _person_and_case(actor: User, person: Any, case: Any) -> None:
    from waymark.cases.access import cases_visible_to
    from waymark.people.access import people_visible_to

    if not people_visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": "Choose a person you work with."})
    if case is not None:
        if case.person_id != person.pk:
            raise ValidationError({"case": "That case is not this person's."})
        if not cases_visible_to(actor).filter(pk=case.pk).exists():
            raise ValidationError({"case": "Choose a case you work on."})


# --- Services and safe houses ----------------------------------------------------------------


@dataclass
class ServiceDetails:
    """What the commissioning record states about a service, as written."""

    name: str
    accommodation_type: str
    provider_legal_form: str
    area: str
    declared_units: int
    provider_registration: str = ""
    client_group: str = ""
    declared_safe_houses: int | None = None
    declared_sites: int | None = None
    declared_self_contained: int | None = None
    declared_shared: int | None = None
    declared_wheelchair_accessible: int | None = None
    commissioned_bedspaces: int | None = None
    full_time_workers: int = 0
    part_time_managers: int = 0
    by_and_for: str = ""
    recovery: bool = False


def _validate_service(details: ServiceDetails) -> None:
    if details.accommodation_type == "bed_and_breakfast":
        raise ValidationError(
            {"accommodation_type": "Bed and breakfast is not relevant safe accommodation under the regulations."}
        )
    _choice(
        details.accommodation_type,
        AccommodationType,
        field_name="accommodation_type",
        message="Choose one of the safe accommodation types in the regulations.",
    )
    _choice(
        details.provider_legal_form,
        ProviderLegalForm,
        field_name="provider_legal_form",
        message="The provider must be a council, a registered provider of social housing or a registered charity.",
    )
    if details.provider_legal_form != ProviderLegalForm.LOCAL_AUTHORITY and not details.provider_registration.strip():
        raise ValidationError({"provider_registration": "Enter the charity number or registered provider number."})
    name = _text(details.name, field_name="name", label="the service's name", max_length=200, required=True)
    _shown(name, field_name="name", label="the service's name")
    area = _text(details.area, field_name="area", label="the area shown to others", max_length=120, required=True)
    _shown(area, field_name="area", label="the area shown to others")
    _shown(details.client_group, field_name="client_group", label="who the service is for")
    _shown(details.by_and_for, field_name="by_and_for", label="the by-and-for community")
    if details.declared_units is None or details.declared_units < 1:
        raise ValidationError({"declared_units": "Enter the number of units, 1 or more."})


@transaction.atomic
def service_create(*, actor: User, provider: Agency, details: ServiceDetails) -> SafeAccommodationService:
    """Records a commissioned safe accommodation service exactly as its record states it
    (a commissioner or an administrator). Declared figures that do not add up are kept and flagged."""
    if not actor.has_role(*SERVICE_EDITOR_ROLES):
        raise PermissionDenied("Only a commissioner or an administrator can record a service.")
    _validate_service(details)
    service = SafeAccommodationService.objects.create(provider=provider, **details.__dict__)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=service, detail={"type": details.accommodation_type})
    return service


# A house's fields other agencies read, and how a refusal names them (the address is the provider's alone).
HOUSE_SHOWN = {"label": "the house's name", "site_label": "the site", "area": "the area shown to others"}


@transaction.atomic
def house_add(
    *,
    actor: User,
    service: SafeAccommodationService,
    label: str,
    site_label: str,
    area: str,
    line1: str,
    line2: str = "",
    town: str = "",
    postcode: str = "",
) -> SafeHouse:
    """A safe house of the service, with its address: the provider's own refuge workers only."""
    if not access.can_manage_service(actor, service):
        raise PermissionDenied("Only the provider's own refuge workers can record its houses.")
    shown = {
        "label": _text(label, field_name="label", label="the house's name", max_length=80, required=True),
        "site_label": _text(site_label, field_name="site_label", label="the site", max_length=80, required=True),
        "area": _text(area or service.area, field_name="area", label="the area", max_length=120, required=True),
    }
    for name, value in shown.items():
        _shown(value, field_name=name, label=HOUSE_SHOWN[name])
    house = SafeHouse(
        service=service,
        **shown,
        line1=_text(line1, field_name="line1", label="the first line of the address", max_length=200, required=True),
        line2=_text(line2, field_name="line2", label="the second line", max_length=200),
        town=_text(town, field_name="town", label="the town", max_length=100),
        postcode=_text(postcode, field_name="postcode", label="the postcode", max_length=10),
    )
    house.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=house, detail={"service": str(service.pk)})
    return house


HOUSE_FIELDS = ("label", "site_label", "area", "line1", "line2", "town", "postcode", "is_active")


@transaction.atomic
def house_update(*, actor: User, house: SafeHouse, version: int | None, **changes: Any) -> SafeHouse:
    """Changes a safe house's name, site, area or address, or closes it (``is_active``): the
    provider's own refuge workers, from a form read at ``version`` (a stale save is refused). The
    audit row names the fields changed, never their values."""
    if not access.can_manage_service(actor, house.service):
        raise PermissionDenied("Only the provider's own refuge workers can change its houses.")
    unknown = set(changes) - set(HOUSE_FIELDS)
    if unknown:
        raise ValueError(f"Not a house field: {sorted(unknown)}")
    locked = _locked(SafeHouse, house)
    _check_version(locked, version)
    limits = {"label": 80, "site_label": 80, "area": 120, "line1": 200, "line2": 200, "town": 100, "postcode": 10}
    required = {"label", "site_label", "area", "line1"}
    changed = []
    for name, value in changes.items():
        if name != "is_active":
            value = _text(
                value,
                field_name=name,
                label=f"the {name.replace('_', ' ')}",
                max_length=limits[name],
                required=name in required,
            )
        if name in HOUSE_SHOWN:
            _shown(value, field_name=name, label=HOUSE_SHOWN[name])
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if not changed:
        return _refresh(house, locked)
    _save(locked, changed)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"fields": sorted(changed)})
    return _refresh(house, locked)


# --- Vacancies -------------------------------------------------------------------------------


@dataclass
class VacancyDetails:
    unit_kind: str
    bedspaces: int
    max_children: int
    posted_on: date
    oldest_boy_age: int | None = None
    mobility: str = Mobility.NONE
    nrpf_considered: bool = False
    by_and_for: str = ""
    recovery: bool = False
    languages: str = ""
    house: SafeHouse | None = None
    area: str = ""


@transaction.atomic
def vacancy_post(*, actor: User, service: SafeAccommodationService, details: VacancyDetails) -> Vacancy:
    """A refuge worker of the provider posts a vacancy. It carries an area, never an address."""
    if not access.can_manage_service(actor, service):
        raise PermissionDenied("Only the provider's own refuge workers can post its vacancies.")
    _choice(details.unit_kind, UnitKind, field_name="unit_kind", message="Choose the kind of unit.")
    _choice(details.mobility, Mobility, field_name="mobility", message="Choose the access the space offers.")
    if details.bedspaces is None or details.bedspaces < 1:
        raise ValidationError({"bedspaces": "Enter the number of bedspaces, 1 or more."})
    if details.max_children is None or details.max_children < 0 or details.max_children >= details.bedspaces:
        raise ValidationError(
            {"max_children": "The number of children must be 0 or more and leave a bedspace for the adult."}
        )
    if details.oldest_boy_age is not None and not 0 <= details.oldest_boy_age <= 17:
        raise ValidationError({"oldest_boy_age": "The oldest age of boys accepted must be between 0 and 17."})
    if details.house is not None and details.house.service_id != service.pk:
        raise ValidationError({"house": "Choose one of this service's houses."})
    posted_on = _date(details.posted_on, field_name="posted_on", label="the date posted")
    area = details.area.strip() or (details.house.area if details.house else service.area)
    area = _text(area, field_name="area", label="the area", max_length=120, required=True)
    searchers = publictext.SEARCHERS
    _shown(area, field_name="area", label="the area shown to others", seen_by=searchers)
    _shown(details.by_and_for, field_name="by_and_for", label="the community", seen_by=searchers)
    _shown(details.languages, field_name="languages", label="the languages", seen_by=searchers)
    vacancy = Vacancy.objects.create(
        service=service,
        house=details.house,
        area=area,
        unit_kind=details.unit_kind,
        bedspaces=details.bedspaces,
        max_children=details.max_children,
        oldest_boy_age=details.oldest_boy_age,
        mobility=details.mobility,
        nrpf_considered=details.nrpf_considered,
        by_and_for=_text(details.by_and_for, field_name="by_and_for", label="the community", max_length=120),
        recovery=details.recovery,
        languages=_text(details.languages, field_name="languages", label="the languages", max_length=200),
        posted_on=posted_on,
        posted_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=vacancy, detail={"bedspaces": vacancy.bedspaces})
    return vacancy


@transaction.atomic
def vacancy_withdraw(*, actor: User, vacancy: Vacancy, on: date, version: int | None) -> Vacancy:
    """The space is no longer offered (taken outside the system, out of use)."""
    if not access.can_manage_service(actor, vacancy.service):
        raise PermissionDenied("Only the provider's own refuge workers can withdraw its vacancies.")
    locked = _locked(Vacancy, vacancy)
    _check_version(locked, version)
    if not locked.is_open:
        raise ValidationError({"vacancy": "This vacancy is already filled or withdrawn."})
    if locked.referrals.filter(status=ReferralStatus.OFFERED).exists():
        raise ValidationError(
            {"vacancy": "This space is offered to a referral: record the outcome of the offer first."}
        )
    locked.withdrawn_on = _date(
        on,
        field_name="on",
        label="the date withdrawn",
        not_before=locked.posted_on,
        before_label="the date it was posted",
    )
    _save(locked, ["withdrawn_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"field": "withdrawn_on"})
    return _refresh(vacancy, locked)


# --- Refuge referrals ------------------------------------------------------------------------


@dataclass
class HouseholdDetails:
    adult_gender: str = AdultGender.WOMAN
    children: int = 0
    boys_ages: list[int] = field(default_factory=list)
    mobility: str = Mobility.NONE
    nrpf: bool = False
    language: str = ""
    recovery_needed: bool = False
    characteristics: list[str] = field(default_factory=list)


def _validate_household(household: HouseholdDetails) -> None:
    _choice(household.adult_gender, AdultGender, field_name="adult_gender", message="Choose how the adult is counted.")
    _choice(household.mobility, Mobility, field_name="mobility", message="Choose the household's mobility needs.")
    if household.children is None or not 0 <= household.children <= 15:
        raise ValidationError({"children": "Enter the number of children, between 0 and 15."})
    if any(not isinstance(age, int) or not 0 <= age <= 17 for age in household.boys_ages):
        raise ValidationError({"boys_ages": "Enter each boy's age as a whole number between 0 and 17."})
    if len(household.boys_ages) > household.children:
        raise ValidationError({"boys_ages": "There are more boys' ages than children in the household."})
    unknown = set(household.characteristics) - set(SpecialistCharacteristic.values)
    if unknown:
        raise ValidationError({"characteristics": "Choose characteristics from the list."})
    _text(household.language, field_name="language", label="the language", max_length=60)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    person: Any,
    service: SafeAccommodationService,
    received_on: date,
    household: HouseholdDetails,
    case: Any = None,
    referring_agency: Agency | None = None,
) -> RefugeReferral:
    """An IDVA or a housing officer refers a survivor's household to a safe accommodation service.

    Filed under her case's agency when there is a case, otherwise under ``referring_agency``, one
    of the actor's own agencies where they may refer (needed only when they have more than one)."""
    if not actor.has_role(*access.REFERRER_ROLES) or behind_programme_firewall(actor):
        raise PermissionDenied("Only an IDVA, a team manager or a housing officer can refer to refuge.")
    if not access.services_visible_to(actor).filter(pk=service.pk, is_active=True).exists():
        raise ValidationError({"service": "Choose a service that is taking referrals."})
    if service.accommodation_type == AccommodationType.SANCTUARY:
        raise ValidationError({"service": "Refer to the sanctuary scheme from its own page."})
    _person_and_case(actor, person, case)
    agency = _referring_agency(actor, access.REFERRER_ROLES, case, referring_agency)
    _validate_household(household)
    received_on = _date(received_on, field_name="received_on", label="the date of the referral")
    referral = RefugeReferral.objects.create(
        number=next_reference(NumberSequence, "RR", received_on.year, width=5),
        person=person,
        case=case,
        service=service,
        referring_agency=agency,
        referred_by=actor,
        received_on=received_on,
        adult_gender=household.adult_gender,
        children=household.children,
        boys_ages=sorted(household.boys_ages),
        mobility=household.mobility,
        nrpf=household.nrpf,
        language=household.language.strip(),
        recovery_needed=household.recovery_needed,
        characteristics=sorted(set(household.characteristics)),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        detail={"service": str(service.pk), "children": household.children},
    )
    return referral


def _decide(actor: User, referral: RefugeReferral, target: str, version: int | None) -> RefugeReferral:
    """The locked referral, once the actor may decide it and the move is possible (``_locked_step``)."""
    if not access.can_decide_referral(actor, referral):
        raise PermissionDenied("Only the provider's refuge workers decide its referrals.")
    return _locked_step(RefugeReferral, referral, version, target, check_referral_move)


def _move(
    actor: User, referral: RefugeReferral, locked: RefugeReferral, target: str, fields: list[str]
) -> RefugeReferral:
    from_status = locked.status
    locked.status = target
    locked.decided_by = actor
    _save(locked, ["status", "decided_by", *fields])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"field": "status", "from": from_status, "to": target},
    )
    return _refresh(referral, locked)


def _last_step_on(referral: RefugeReferral) -> tuple[date, str]:
    for attribute, label in (
        ("arrived_on", "the arrival date"),
        ("offered_on", "the date of the offer"),
        ("assessed_on", "the assessment date"),
    ):
        value = getattr(referral, attribute)
        if value is not None:
            return value, label
    return referral.received_on, "the date of the referral"


@transaction.atomic
def referral_assess(
    *, actor: User, referral: RefugeReferral, on: date, note: str = "", version: int | None = None
) -> RefugeReferral:
    locked = _decide(actor, referral, ReferralStatus.ASSESSED, version)
    locked.assessed_on = _date(
        on,
        field_name="on",
        label="the assessment date",
        not_before=locked.received_on,
        before_label="the date of the referral",
    )
    locked.decision_note = _text(note, field_name="note", label="the note", max_length=NOTE_MAX_LENGTH)
    return _move(actor, referral, locked, ReferralStatus.ASSESSED, ["assessed_on", "decision_note"])


@transaction.atomic
def referral_offer(
    *, actor: User, referral: RefugeReferral, vacancy: Vacancy, on: date, version: int | None = None
) -> RefugeReferral:
    """Matches an open vacancy of the same provider to the referral and offers it."""
    locked = _decide(actor, referral, ReferralStatus.OFFERED, version)
    space = _locked(Vacancy, vacancy)
    if space.service.provider_id != locked.service.provider_id:
        raise ValidationError({"vacancy": "Choose one of your own vacancies."})
    if not space.is_open:
        raise ValidationError({"vacancy": "That vacancy is no longer open."})
    if space.referrals.filter(status=ReferralStatus.OFFERED).exclude(pk=locked.pk).exists():
        raise ValidationError({"vacancy": "That vacancy is already offered to another referral."})
    last, label = _last_step_on(locked)
    locked.offered_on = _date(
        on,
        field_name="on",
        label="the date of the offer",
        not_before=max(last, space.posted_on),
        before_label=label if last >= space.posted_on else "the date the vacancy was posted",
    )
    locked.vacancy = space
    return _move(actor, referral, locked, ReferralStatus.OFFERED, ["offered_on", "vacancy"])


@transaction.atomic
def referral_arrive(*, actor: User, referral: RefugeReferral, on: date, version: int | None = None) -> RefugeReferral:
    """The household has arrived: the vacancy is filled on the same day."""
    locked = _decide(actor, referral, ReferralStatus.ARRIVED, version)
    locked.arrived_on = _date(
        on,
        field_name="on",
        label="the arrival date",
        not_before=locked.offered_on,
        before_label="the date of the offer",
    )
    space = _locked(Vacancy, locked.vacancy)
    space.filled_on = locked.arrived_on
    _save(space, ["filled_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=space, detail={"field": "filled_on"})
    return _move(actor, referral, locked, ReferralStatus.ARRIVED, ["arrived_on"])


@transaction.atomic
def referral_leave(
    *, actor: User, referral: RefugeReferral, on: date, reason: str, move_on: str, version: int | None = None
) -> RefugeReferral:
    """The household stopped receiving support: why, and where they moved on to."""
    locked = _decide(actor, referral, ReferralStatus.LEFT, version)
    locked.left_on = _date(
        on, field_name="on", label="the date they left", not_before=locked.arrived_on, before_label="the arrival date"
    )
    locked.departure_reason = _choice(reason, DepartureReason, field_name="reason", message="Choose why support ended.")
    locked.move_on = _choice(move_on, MoveOnDestination, field_name="move_on", message="Choose where they moved on to.")
    return _move(actor, referral, locked, ReferralStatus.LEFT, ["left_on", "departure_reason", "move_on"])


@transaction.atomic
def referral_unsuccessful(
    *, actor: User, referral: RefugeReferral, on: date, reason: str, note: str = "", version: int | None = None
) -> RefugeReferral:
    """The referral ends without a place, with its reason: unmet need. An offered vacancy is freed."""
    locked = _decide(actor, referral, ReferralStatus.UNSUCCESSFUL, version)
    locked.unsuccessful_reason = _choice(
        reason, UnsuccessfulReason, field_name="reason", message="Choose why the referral was unsuccessful."
    )
    last, label = _last_step_on(locked)
    locked.unsuccessful_on = _date(on, field_name="on", label="the date", not_before=last, before_label=label)
    locked.decision_note = (
        _text(note, field_name="note", label="the note", max_length=NOTE_MAX_LENGTH) or locked.decision_note
    )
    return _move(
        actor,
        referral,
        locked,
        ReferralStatus.UNSUCCESSFUL,
        ["unsuccessful_on", "unsuccessful_reason", "decision_note"],
    )


# --- Sanctuary scheme ------------------------------------------------------------------------

# The eligibility gate, in the order the refusal names them. All are required.
ELIGIBILITY_CONDITIONS: list[tuple[str, str]] = [
    ("harmer_not_resident", "The person causing harm must not live at the property."),
    ("staying_is_safe_and_chosen", "Staying must be safe, and the survivor's own choice."),
    ("right_to_occupy_and_consent", "The survivor must have the right to occupy, and the owner must agree."),
    ("risk_assessed_on", "A risk assessment must have been done (enter its date)."),
]


def _require_coordinator(actor: User, sanctuary: Sanctuary) -> None:
    if not access.can_coordinate(actor, sanctuary):
        raise PermissionDenied("Only the sanctuary scheme's coordinators can do that.")


def _sanctuary_step(actor: User, sanctuary: Sanctuary, version: int | None, target: str | None = None) -> Sanctuary:
    """The locked sanctuary, once the actor may coordinate it and the move is possible (``_locked_step``)."""
    _require_coordinator(actor, sanctuary)
    return _locked_step(Sanctuary, sanctuary, version, target, check_sanctuary_move)


def _sanctuary_last_step(sanctuary: Sanctuary) -> tuple[date, str]:
    """The date of the latest step recorded before fitting, and its name: a withdrawal follows it."""
    steps = [
        (sanctuary.referred_on, "the date of the referral"),
        (sanctuary.eligible_on, "the date eligibility was confirmed"),
        (sanctuary.surveyed_on, "the survey date"),
    ]
    return max(((on, label) for on, label in steps if on is not None), key=lambda step: step[0])


def _sanctuary_save(
    actor: User, sanctuary: Sanctuary, locked: Sanctuary, fields: list[str], **detail: Any
) -> Sanctuary:
    _save(locked, fields)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"fields": sorted(fields), **detail})
    return _refresh(sanctuary, locked)


@transaction.atomic
def sanctuary_refer(
    *,
    actor: User,
    person: Any,
    scheme_agency: Agency,
    referred_on: date,
    line1: str,
    line2: str = "",
    town: str = "",
    postcode: str = "",
    case: Any = None,
    referring_agency: Agency | None = None,
) -> Sanctuary:
    """An IDVA, team manager or housing officer refers a survivor to the sanctuary scheme, under her
    case's agency, or else the one of their agencies they chose (as ``referral_create``)."""
    if not actor.has_role(*access.SANCTUARY_REFERRER_ROLES) or behind_programme_firewall(actor):
        raise PermissionDenied("Only an IDVA, a team manager or a housing officer can refer to the sanctuary scheme.")
    from waymark.organisations.models import Membership

    if not Membership.objects.active().filter(agency=scheme_agency, role=Role.SANCTUARY_COORDINATOR).exists():
        raise ValidationError({"scheme_agency": "Choose an agency that runs a sanctuary scheme."})
    _person_and_case(actor, person, case)
    agency = _referring_agency(actor, access.SANCTUARY_REFERRER_ROLES, case, referring_agency)
    referred_on = _date(referred_on, field_name="referred_on", label="the date of the referral")
    sanctuary = Sanctuary.objects.create(
        number=next_reference(NumberSequence, "SS", referred_on.year, width=4),
        person=person,
        case=case,
        scheme_agency=scheme_agency,
        referring_agency=agency,
        referred_by=actor,
        referred_on=referred_on,
        line1=_text(line1, field_name="line1", label="the first line of the address", max_length=200, required=True),
        line2=_text(line2, field_name="line2", label="the second line", max_length=200),
        town=_text(town, field_name="town", label="the town", max_length=100),
        postcode=_text(postcode, field_name="postcode", label="the postcode", max_length=10),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=sanctuary, detail={"scheme": str(scheme_agency.pk)})
    return sanctuary


@transaction.atomic
def sanctuary_confirm_eligibility(
    *,
    actor: User,
    sanctuary: Sanctuary,
    harmer_not_resident: bool,
    staying_is_safe_and_chosen: bool,
    right_to_occupy_and_consent: bool,
    risk_assessed_on: date | None,
    on: date,
    version: int | None = None,
) -> Sanctuary:
    """The gate: ALL of the four conditions, or nothing is saved and every failing one is named."""
    locked = _sanctuary_step(actor, sanctuary, version, SanctuaryStatus.ELIGIBLE)
    answers = {
        "harmer_not_resident": harmer_not_resident,
        "staying_is_safe_and_chosen": staying_is_safe_and_chosen,
        "right_to_occupy_and_consent": right_to_occupy_and_consent,
        "risk_assessed_on": risk_assessed_on is not None and risk_assessed_on <= _today(),
    }
    failing = {name: message for name, message in ELIGIBILITY_CONDITIONS if not answers[name]}
    if failing:
        raise ValidationError(failing)
    assert risk_assessed_on is not None
    # Eligibility rests on the risk assessment: it follows the referral and the assessment both.
    after, after_label = (
        (risk_assessed_on, "the date of the risk assessment")
        if risk_assessed_on > locked.referred_on
        else (locked.referred_on, "the date of the referral")
    )
    locked.eligible_on = _date(
        on, field_name="on", label="the date eligibility was confirmed", not_before=after, before_label=after_label
    )
    locked.harmer_not_resident = True
    locked.staying_is_safe_and_chosen = True
    locked.right_to_occupy_and_consent = True
    locked.risk_assessed_on = risk_assessed_on
    locked.status = SanctuaryStatus.ELIGIBLE
    return _sanctuary_save(
        actor,
        sanctuary,
        locked,
        [
            "eligible_on",
            "harmer_not_resident",
            "staying_is_safe_and_chosen",
            "right_to_occupy_and_consent",
            "risk_assessed_on",
            "status",
        ],
        to=SanctuaryStatus.ELIGIBLE,
    )


@transaction.atomic
def sanctuary_survey(
    *, actor: User, sanctuary: Sanctuary, surveyed_on: date, surveyor: str, version: int | None = None
) -> Sanctuary:
    locked = _sanctuary_step(actor, sanctuary, version, SanctuaryStatus.SURVEYED)
    locked.surveyed_on = _date(
        surveyed_on,
        field_name="surveyed_on",
        label="the survey date",
        not_before=locked.eligible_on,
        before_label="the eligibility date",
    )
    locked.surveyor = _text(surveyor, field_name="surveyor", label="who surveyed it", max_length=120, required=True)
    locked.status = SanctuaryStatus.SURVEYED
    return _sanctuary_save(actor, sanctuary, locked, ["surveyed_on", "surveyor", "status"], to=SanctuaryStatus.SURVEYED)


@transaction.atomic
def sanctuary_fit(
    *,
    actor: User,
    sanctuary: Sanctuary,
    measures: list[str],
    contractor: str,
    work_started_on: date,
    fitted_on: date,
    cost: Decimal | None,
    fire_visit_on: date | None = None,
    at_risk_flag_set_on: date | None = None,
    at_risk_flag_review_on: date | None = None,
    version: int | None = None,
) -> Sanctuary:
    """Measures fitted: what, by whom, when, at what cost; the fire-service visit and the
    emergency services' "at risk" flag with its review date."""
    locked = _sanctuary_step(actor, sanctuary, version, SanctuaryStatus.INSTALLED)
    if not measures:
        raise ValidationError({"measures": "Choose at least one measure fitted."})
    if set(measures) - set(SanctuaryMeasure.values):
        raise ValidationError({"measures": "Choose measures from the list."})
    locked.contractor = _text(
        contractor, field_name="contractor", label="the contractor", max_length=120, required=True
    )
    locked.work_started_on = _date(
        work_started_on,
        field_name="work_started_on",
        label="the date work started",
        not_before=locked.surveyed_on,
        before_label="the survey date",
    )
    locked.fitted_on = _date(
        fitted_on,
        field_name="fitted_on",
        label="the date fitted",
        not_before=locked.work_started_on,
        before_label="the date work started",
    )
    if cost is not None and cost < 0:
        raise ValidationError({"cost": "The cost cannot be negative."})
    if fire_visit_on is not None:
        _date(
            fire_visit_on,
            field_name="fire_visit_on",
            label="the fire-service visit date",
            not_before=locked.referred_on,
            before_label="the date of the referral",
        )
    if at_risk_flag_set_on is not None:
        _date(
            at_risk_flag_set_on,
            field_name="at_risk_flag_set_on",
            label="the date the flag was set",
            not_before=locked.referred_on,
            before_label="the date of the referral",
        )
        if at_risk_flag_review_on is None or at_risk_flag_review_on <= at_risk_flag_set_on:
            raise ValidationError(
                {"at_risk_flag_review_on": "Enter a review date for the flag, after the date it was set."}
            )
    elif at_risk_flag_review_on is not None:
        raise ValidationError({"at_risk_flag_set_on": "Enter the date the flag was set."})
    locked.measures = sorted(set(measures))
    locked.cost = cost
    locked.fire_visit_on = fire_visit_on
    locked.at_risk_flag_set_on = at_risk_flag_set_on
    locked.at_risk_flag_review_on = at_risk_flag_review_on
    locked.status = SanctuaryStatus.INSTALLED
    return _sanctuary_save(
        actor,
        sanctuary,
        locked,
        [
            "measures",
            "contractor",
            "work_started_on",
            "fitted_on",
            "cost",
            "fire_visit_on",
            "at_risk_flag_set_on",
            "at_risk_flag_review_on",
            "status",
        ],
        to=SanctuaryStatus.INSTALLED,
    )


@transaction.atomic
def sanctuary_flag_update(
    *,
    actor: User,
    sanctuary: Sanctuary,
    review_on: date | None = None,
    removed_on: date | None = None,
    version: int | None = None,
) -> Sanctuary:
    """Reviews the emergency services' "at risk" flag: a new review date, or removal as risk falls."""
    locked = _sanctuary_step(actor, sanctuary, version)
    if locked.at_risk_flag_set_on is None or locked.at_risk_flag_removed_on is not None:
        raise ValidationError({"review_on": 'There is no current "at risk" flag to review.'})
    if (review_on is None) == (removed_on is None):
        raise ValidationError({"review_on": "Enter either the next review date or the date the flag was removed."})
    if removed_on is not None:
        locked.at_risk_flag_removed_on = _date(
            removed_on,
            field_name="removed_on",
            label="the date the flag was removed",
            not_before=locked.at_risk_flag_set_on,
            before_label="the date it was set",
        )
        return _sanctuary_save(actor, sanctuary, locked, ["at_risk_flag_removed_on"])
    assert review_on is not None
    if review_on <= _today():
        raise ValidationError({"review_on": "The next review date must be in the future."})
    locked.at_risk_flag_review_on = review_on
    return _sanctuary_save(actor, sanctuary, locked, ["at_risk_flag_review_on"])


@transaction.atomic
def sanctuary_review_record(
    *,
    actor: User,
    sanctuary: Sanctuary,
    months: int,
    done_on: date,
    measures_working: bool,
    still_needed: bool,
    note: str = "",
) -> SanctuaryReview:
    """The 3- or 6-month review of a fitted sanctuary, each once."""
    _require_coordinator(actor, sanctuary)
    locked = _locked(Sanctuary, sanctuary)
    if locked.status != SanctuaryStatus.INSTALLED:
        raise ValidationError({"months": "Reviews are of a sanctuary with measures fitted and not yet removed."})
    done = {review.months: review.done_on for review in locked.reviews.all()}
    if all(m in done for m in REVIEW_MONTHS):
        raise ValidationError({"months": no_review_left(sanctuary_reviews(locked))})
    if months not in REVIEW_MONTHS:
        raise ValidationError({"months": "Choose the 3-month or the 6-month review."})
    if months in done:
        raise ValidationError(
            {"months": f"The {months}-month review is already recorded (on {done[months]:%-d %B %Y})."}
        )
    # Each review follows the fitting, and the 6-month review follows the 3-month one.
    after, after_label = locked.fitted_on, "the date fitted"
    earlier = [m for m in done if m < months]
    if earlier and done[max(earlier)] > after:
        after, after_label = done[max(earlier)], f"the {max(earlier)}-month review"
    done_on = _date(done_on, field_name="done_on", label="the review date", not_before=after, before_label=after_label)
    later = [m for m in done if m > months]
    if later and done_on > done[min(later)]:
        raise ValidationError(
            {
                "done_on": f"The review date must be on or before the {min(later)}-month review "
                f"({done[min(later)]:%-d %B %Y})."
            }
        )
    review = SanctuaryReview.objects.create(
        sanctuary=locked,
        months=months,
        done_on=done_on,
        measures_working=measures_working,
        still_needed=still_needed,
        note=_text(note, field_name="note", label="the note", max_length=NOTE_MAX_LENGTH),
        done_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=review, detail={"months": months})
    return review


@transaction.atomic
def sanctuary_remove(
    *, actor: User, sanctuary: Sanctuary, removed_on: date, reason: str, version: int | None = None
) -> Sanctuary:
    locked = _sanctuary_step(actor, sanctuary, version, SanctuaryStatus.REMOVED)
    locked.removal_reason = _choice(
        reason, SanctuaryRemovalReason, field_name="reason", message="Choose why it was removed."
    )
    locked.removed_on = _date(
        removed_on,
        field_name="removed_on",
        label="the date removed",
        not_before=locked.fitted_on,
        before_label="the date fitted",
    )
    locked.status = SanctuaryStatus.REMOVED
    return _sanctuary_save(
        actor, sanctuary, locked, ["removal_reason", "removed_on", "status"], to=SanctuaryStatus.REMOVED
    )


@transaction.atomic
def sanctuary_withdraw(*, actor: User, sanctuary: Sanctuary, on: date, version: int | None = None) -> Sanctuary:
    locked = _sanctuary_step(actor, sanctuary, version, SanctuaryStatus.WITHDRAWN)
    last_on, last_label = _sanctuary_last_step(locked)
    locked.withdrawn_on = _date(
        on, field_name="on", label="the date withdrawn", not_before=last_on, before_label=last_label
    )
    locked.status = SanctuaryStatus.WITHDRAWN
    return _sanctuary_save(actor, sanctuary, locked, ["withdrawn_on", "status"], to=SanctuaryStatus.WITHDRAWN)


@transaction.atomic
def sanctuary_feedback(
    *,
    actor: User,
    sanctuary: Sanctuary,
    feedback_on: date,
    felt_safer: str,
    satisfaction: int | None,
    comment: str = "",
    version: int | None = None,
) -> Sanctuary:
    """The survivor's feedback, usually at 3 to 6 months: the coordinator or her own worker records it."""
    if not (access.can_coordinate(actor, sanctuary) or access.can_see_sanctuary_address(actor, sanctuary)):
        raise PermissionDenied("Only the scheme's coordinators or the survivor's own workers can record feedback.")
    locked = _locked(Sanctuary, sanctuary)
    _check_version(locked, version)
    if locked.fitted_on is None:
        raise ValidationError({"feedback_on": "Feedback is recorded once measures have been fitted."})
    locked.feedback_on = _date(
        feedback_on,
        field_name="feedback_on",
        label="the feedback date",
        not_before=locked.fitted_on,
        before_label="the date fitted",
    )
    locked.felt_safer = _choice(
        felt_safer, FeltSafer, field_name="felt_safer", message="Choose whether she feels safer."
    )
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": "Satisfaction is from 1 (very unhappy) to 5 (very happy)."})
    locked.satisfaction = satisfaction
    locked.feedback_comment = _text(comment, field_name="comment", label="the comment", max_length=NOTE_MAX_LENGTH)
    return _sanctuary_save(actor, sanctuary, locked, ["feedback_on", "felt_safer", "satisfaction", "feedback_comment"])
