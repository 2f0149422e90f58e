"""The retention schedule: how long each type of record is kept, which records are due, and how
each is disposed of (docs/data-protection.md, "Retention", says why for each).

Each schedule is configuration: its period in years comes from ``WAYMARK_RETENTION_YEARS`` in the
settings when set there (for example ``{"closed_case": 7}``), else from the default below.

Every disposal here **anonymises in place**: the free text, names and anything that locates
someone are blanked or deleted, while the row, its dates, statuses and coded values stay. Two
reasons: the partnership's figures (outcome KPIs, the MARAC return, H-CLIC) count these rows and
must not change when a record is disposed of; and the audit trail and other records refer to them
by id. Rows that hold nothing but free text (case notes, other names) are deleted outright.

What disposal keeps besides: the perpetrator-programme firewall's keyed indexes of a survivor's
addresses, her sanctuary home's included (``anonymise_person``; ``FirewallAddressIndexes.save``),
read by nothing but the firewall, which uses them only to hide a participant's address from
programme staff; docs/data-protection.md, "What disposal keeps", says why. And a closed case's
legal orders still in force keep their terms (``orders_ended``), which police and housing enforce
them by, until the first run after each has ended (``order_terms_left``).

A record under a hold (``RetentionHold``, until its date) is not due, and the people it is about
are still needed (``held``): anonymising them would defeat the hold. A record already
disposed of is not due again (``RetentionDisposal``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from waymark.core.dates import add_months


def _nothing_goes_with(record: Any, as_of: date) -> list[tuple[str, Any]]:
    return []


@dataclass(frozen=True)
class Schedule:
    key: str
    title: str
    default_years: int
    starts: str  # what the period runs from, in words
    source: str  # where the period comes from (docs/data-protection.md expands on it)
    due: Callable[[date], models.QuerySet[Any]]  # the records whose period ended on or before a day
    dispose: Callable[[Any, date], None]  # (record, the day the run is for)
    describe: Callable[[Any], tuple[str, date | None]]  # (reference shown in the queue, the date it runs from)
    # Lookups from a record to the ids of the people it is about, in every role (a hold keeps each;
    # disposal anonymises each once nothing else keeps them: ``people_on``).
    people: tuple[str, ...]
    # The records disposed of with this one, in its transaction, each under its own schedule (the
    # key) and recorded in the ledger and the audit trail as a disposal of its own: a case's
    # referral (``goes_with_case``). Asked once this record is disposed of and in the ledger.
    goes_with: Callable[[Any, date], list[tuple[str, Any]]] = _nothing_goes_with

    @property
    def years(self) -> int:
        configured = getattr(settings, "WAYMARK_RETENTION_YEARS", {}) or {}
        return int(configured.get(self.key, self.default_years))

    def cutoff(self, as_of: date) -> date:
        """Records whose period began on or before this day are due on ``as_of``."""
        return add_months(as_of, -12 * self.years)


# --- The person: anonymised once nothing about them is still kept -----------------------------


def person_still_needed(person_id: uuid.UUID, as_of: date) -> bool:
    """Whether anything about the person is open, or still inside its own retention period, or on
    hold (``still_needed``, the one rule: one query)."""
    from waymark.people.models import Person

    return Person.objects.filter(pk=person_id).filter(still_needed(as_of)).exists()


def still_needed(as_of: date) -> Q:
    """The people (a filter on ``Person``) anything about whom is open, or still inside its own
    retention period, or on hold (``held``). Each kind of record keeps her by the same rule its
    schedule uses to find it due (``case_done_by`` and the rest), in every role she has on it: a
    case's client, or a child, an order's respondent or protected person, a need's, intervention's
    or outcome's subject on it, or someone its referral names; the respondent of, or someone
    protected by, an order in force (whatever its case's dates); a programme's participant or the
    victim linked to it; the people on a referral, incident or MARAC case; the person a
    homelessness application, refuge referral, sanctuary or tenancy panel case is about. Besides: a
    risk assessment of her inside the casework period, and a subject access request of hers not yet
    released (its bundle is of her).

    Set-based (``EXISTS`` subqueries against the person's row, no list of ids), so one query answers
    it for one person (``person_still_needed``) or finds, among many, those nothing keeps
    (``people_left_named``)."""
    from waymark.cases.models import Case
    from waymark.dataprotection.models import SarStatus, SubjectAccessRequest
    from waymark.housing.models import HomelessnessApplication, TenancyPanelCase
    from waymark.incidents.models import Incident
    from waymark.marac.models import MaracCase
    from waymark.perpetrators.models import Enrolment, VictimLink
    from waymark.referrals.models import Referral
    from waymark.refuge.models import RefugeReferral, Sanctuary
    from waymark.risk.models import RiskAssessment
    from waymark.support.models import LegalOrder

    six_years = SCHEDULES["closed_case"].cutoff(as_of)
    live_cases = Case.objects.exclude(case_done_by(six_years)).values("pk")
    live_enrolments = Enrolment.objects.exclude(
        enrolment_done_by(SCHEDULES["programme_enrolment"].cutoff(as_of))
    ).values("pk")
    live_referrals = Referral.objects.exclude(referral_done_by(SCHEDULES["referral_not_accepted"].cutoff(as_of)))
    return (
        _on(Case.objects.filter(pk__in=live_cases), "person")
        | _on_live_case(live_cases)
        # An order in force keeps its parties whatever its case's dates: a case closed over six
        # years ago is disposed of, but while its order stands a blank respondent would defeat it
        # (the next referral naming him would not match) and a blank protected person would leave
        # it protecting no one.
        | _on(LegalOrder.objects.in_force_on(as_of), "against", "protects")
        | _on(live_referrals, *REFERRAL_PEOPLE)
        | _on(Referral.objects.filter(case__in=live_cases), *REFERRAL_PEOPLE)
        | _on(Incident.objects.filter(occurred_on__gt=SCHEDULES["incident"].cutoff(as_of)), "victim", "perpetrator")
        | _on(
            MaracCase.objects.filter(marac_involved_after(SCHEDULES["marac_case"].cutoff(as_of))),
            "victim",
            "perpetrator",
        )
        | _on(Enrolment.objects.filter(pk__in=live_enrolments), "participant")
        | _on(VictimLink.objects.filter(enrolment__in=live_enrolments), "victim")
        | _on(RiskAssessment.objects.filter(assessed_on__gt=six_years), "person")
        | _on(SubjectAccessRequest.objects.exclude(status=SarStatus.RELEASED), "person")
        | _on(
            HomelessnessApplication.objects.exclude(
                application_done_by(SCHEDULES["housing_application"].cutoff(as_of))
            ),
            "person",
        )
        | _on(
            RefugeReferral.objects.exclude(refuge_referral_done_by(SCHEDULES["refuge_referral"].cutoff(as_of))),
            "person",
        )
        | _on(Sanctuary.objects.exclude(sanctuary_done_by(SCHEDULES["sanctuary"].cutoff(as_of))), "person")
        | _on(
            TenancyPanelCase.objects.exclude(panel_case_done_by(SCHEDULES["tenancy_panel_case"].cutoff(as_of))),
            "survivor",
        )
        | held(as_of)
    )


def _on(records: models.QuerySet[Any], *lookups: str) -> Q:
    """The people (a filter on ``Person``) one of ``records`` is about through any of ``lookups``
    (``person``, or through its rows, ``legal_orders__against``): one ``EXISTS`` each."""
    found = Q()
    for lookup in lookups:
        found |= Q(Exists(records.filter(**{lookup: OuterRef("pk")})))
    return found


def _on_live_case(live_cases: models.QuerySet[Any]) -> Q:
    """The people on a case not yet done other than as its client: a child linked to it, an
    order's respondent or someone it protects, the child a need or intervention is for, or whose
    outcomes are measured on it. Anonymising her would leave the live case's order against, or
    its child as, a blank person (and the next referral naming her would not match)."""
    from waymark.outcomes.models import OutcomeMeasure
    from waymark.support.models import CaseChild, Intervention, LegalOrder, Need

    return (
        _on(LegalOrder.objects.filter(case__in=live_cases), "against", "protects")
        | _on(CaseChild.objects.filter(case__in=live_cases), "child")
        | _on(Need.objects.filter(case__in=live_cases), "child")
        | _on(Intervention.objects.filter(case__in=live_cases), "child")
        | _on(OutcomeMeasure.objects.filter(case__in=live_cases), "subject")
    )


def held(as_of: date) -> Q:
    """The people (a filter on ``Person``) a record on hold on ``as_of`` is about, of any type the
    schedule knows (a legal hold, a claim, a subject access request, a domestic homicide review).
    The hold keeps the record, so it keeps the people it is about (``Schedule.people``):
    anonymising them would leave a held record that no longer says who it is about. Holds are few:
    read them all once."""
    about = Q()
    for key, record_ids in held_record_ids(as_of, list(SCHEDULES)).items():
        schedule = SCHEDULES[key]
        about |= _on(schedule.due(as_of).model.objects.filter(pk__in=record_ids), *schedule.people)
    return about


def _firewall_theirs(person_id: uuid.UUID) -> bool:
    """Whether the programme firewall compares this person's addresses with a participant's: a
    survivor's, a child's or a household member's ("theirs" in
    ``people.access.people_sharing_an_address_with_a_victim``)."""
    from waymark.people.access import VICTIM_ROLES
    from waymark.people.choices import PersonRole
    from waymark.people.models import Person

    theirs = (*VICTIM_ROLES, PersonRole.HOUSEHOLD_MEMBER)
    return Person.objects.filter(pk=person_id, primary_role__in=theirs).exists()


def anonymise_person(person_id: uuid.UUID) -> None:
    """Names, free text, addresses and contacts go; the coded values the figures count (sex,
    ethnicity, disability, LGBT+, date of birth for the MARAC return's ages) stay.

    Every address's readable fields and the postcode indexes search and matching read go. The
    programme firewall's own indexes of a survivor's, child's or household member's addresses
    (``shared_postcode_index``, ``shared_line_index``) stay: she may still live there, or he may
    still know her old refuge, and their only use is to hide a participant's address at the same
    place from programme staff (docs/data-protection.md, "What disposal keeps"). For an address
    whose postcode only search indexed (``postcode_index``: a home, not a refuge or safe address),
    that same keyed value moves to the firewall-only column, so the firewall compares exactly what
    it compared before, and no search can find it. Anyone else's addresses (a person causing harm)
    were never compared as hers: their indexes go with the rest."""
    from waymark.matching.models import PersonContactKey, PersonSearchKey
    from waymark.people.models import Address, ContactChannel, Person, PersonName

    keep_firewall_indexes = _firewall_theirs(person_id)
    Person.objects.filter(pk=person_id).update(
        ref=None,
        given_name="",
        family_name="",
        gender_identity="",
        disability_detail="",
        sexual_orientation="",
        first_language="",
    )
    _blank_words_about(person_id)
    PersonName.objects.filter(person_id=person_id).delete()
    PersonSearchKey.objects.filter(person_id=person_id).delete()
    PersonContactKey.objects.filter(person_id=person_id).delete()
    for address in Address.objects.filter(person_id=person_id):
        searched_postcode = address.postcode_index
        address.line1 = address.line2 = address.town = address.postcode = ""
        # What search and matching read goes with the lines it was computed from.
        address.postcode_index = address.postcode_district_index = ""
        if not keep_firewall_indexes:
            address.shared_postcode_index = address.shared_line_index = ""
        elif searched_postcode and not address.shared_postcode_index:
            # Her postcode, as the firewall compared it, now in the column search never reads.
            address.shared_postcode_index = searched_postcode
        address.save(
            update_fields=[
                "line1",
                "line2",
                "town",
                "postcode",
                "postcode_index",
                "postcode_district_index",
                "shared_postcode_index",
                "shared_line_index",
            ]
        )
    for channel in ContactChannel.objects.filter(person_id=person_id):
        channel.value = ""
        channel.phone_index = channel.email_index = ""
        channel.save(update_fields=["value", "phone_index", "email_index"])


def anonymise_when_done(person_id: uuid.UUID, as_of: date) -> None:
    """Anonymises the person once nothing about them is kept (``person_still_needed``), with the
    records merged into theirs (the same human: their names stay on the absorbed record), each
    once nothing of its own is kept either."""
    from waymark.people.models import Person

    if person_still_needed(person_id, as_of):
        return
    anonymise_person(person_id)
    for absorbed_id in Person.objects.filter(merged_into_id=person_id).values_list("pk", flat=True):
        anonymise_when_done(absorbed_id, as_of)


# What ``anonymise_person`` blanks on the person: a merge's record of the values it replaced
# loses the same ones.
ANONYMISED_PERSON_FIELDS = (
    "ref",
    "given_name",
    "family_name",
    "gender_identity",
    "disability_detail",
    "sexual_orientation",
    "first_language",
)


def _blank_words_about(person_id: uuid.UUID) -> None:
    """Words about the person kept on other rows, which often say who or where she is: the
    judgement given on her risk assessments (its level stays, for the figures), the bundles of her
    released subject access requests (a copy of everything held about her) with their identity
    checks, words redacted by hand and reviewers' notes, and the reasons given for linking, merging
    and unmerging her record, with the merge's copy of the names it replaced."""
    from waymark.dataprotection.models import SarStatus, SubjectAccessRequest
    from waymark.matching.models import PersonLink, PersonMerge
    from waymark.risk.models import RiskAssessment

    _blank(RiskAssessment.objects.filter(person_id=person_id), "judgement_reason")
    _blank(SubjectAccessRequest.objects.filter(person_id=person_id, status=SarStatus.RELEASED), *SAR_WORDS)
    _blank(PersonLink.objects.filter(Q(new_person_id=person_id) | Q(existing_person_id=person_id)), "reason")
    for merge in PersonMerge.objects.filter(Q(survivor_id=person_id) | Q(absorbed_id=person_id)):
        merge.reason = merge.unmerge_reason = ""
        if merge.survivor_id == person_id:
            merge.survivor_before = {
                name: value for name, value in merge.survivor_before.items() if name not in ANONYMISED_PERSON_FIELDS
            }
        merge.save(update_fields=["reason", "unmerge_reason", "survivor_before"])


def people_on(record: Any, lookups: Iterable[str]) -> list[uuid.UUID]:
    """The ids of the people a record is about, through each of ``lookups`` (a field of its own,
    ``person_id``, or through its rows, ``legal_orders__against_id``)."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    found: set[uuid.UUID] = set()
    for lookup in lookups:
        found.update(value for value in rows.values_list(lookup, flat=True) if value is not None)
    return sorted(found)


def _anonymise_people_on(record: Any, lookups: Iterable[str], as_of: date) -> None:
    for person_id in people_on(record, lookups):
        anonymise_when_done(person_id, as_of)


# What a subject access request holds about people: the bundle (a copy of everything held about
# her, with the third parties' names and places it redacts), how her identity was confirmed, the
# words redacted by hand and the reviewer's note. Its dates, status, counts and people stay.
SAR_WORDS = ("bundle", "extra_redactions", "identity_check", "review_note")


def sar_done_by(cutoff: date) -> Q:
    """The subject access requests released on or before ``cutoff`` (London day). One not yet
    released is never done: it is being answered, and keeps her (``person_still_needed``)."""
    from waymark.dataprotection.models import SarStatus

    return Q(status=SarStatus.RELEASED, released_at__date__lte=cutoff)


def _describe_sar(sar: Any) -> tuple[str, date | None]:
    from django.utils import timezone

    return (
        f"Subject access request received {sar.received_on:%d %B %Y}",
        timezone.localdate(sar.released_at) if sar.released_at else None,
    )


def _blank(rows: Iterable[models.Model], *fields: str) -> None:
    """Blanks encrypted text fields row by row (their values are encrypted, so not in bulk)."""
    for row in rows:
        for name in fields:
            setattr(row, name, "")
        row.save(update_fields=list(fields))


# --- Closed cases: 6 years after closure --------------------------------------------------------


def case_done_by(cutoff: date) -> Q:
    """The cases closed on or before ``cutoff``. A case not closed is never done, whatever its
    dates; its negation keeps everyone on the case (``person_still_needed``)."""
    from waymark.cases.states import CaseStatus

    return Q(status=CaseStatus.CLOSED, closed_on__lte=cutoff)


def _cases_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.cases.models import Case

    return Case.objects.filter(case_done_by(SCHEDULES["closed_case"].cutoff(as_of)))


def _dispose_case(case: Any, as_of: date) -> None:
    """Every word on the case and its own rows goes (its notes deleted), but the terms of an order
    still in force on ``as_of`` (``orders_ended``); its dates, statuses and coded values stay for
    the figures; everyone on it is anonymised once nothing else keeps them. The referral it was
    opened from goes with it, in the same transaction (``goes_with_case``)."""
    from waymark.cases.models import CaseNote, CaseStatusChange, ContactAttempt, Task
    from waymark.support.choices import SAFETY_PLAN_FIELDS
    from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

    _blank([case], "closure_note", "no_marac_reason")
    _blank(CaseStatusChange.objects.filter(case=case), "reason")
    CaseNote.objects.filter(case=case).delete()
    _blank(ContactAttempt.objects.filter(case=case), "note")
    # A task's title is the caseworker's words ("ring her at her sister's on Tuesday").
    _blank(Task.objects.filter(case=case), "title")
    _blank(SafetyPlan.objects.filter(case=case), *SAFETY_PLAN_FIELDS)
    _blank(Need.objects.filter(case=case), "description")
    _blank(Goal.objects.filter(need__case=case), "description")
    _blank(GoalProgress.objects.filter(goal__need__case=case), "note")
    _blank(Intervention.objects.filter(case=case), "outcome_note")
    # An order still in force keeps its terms (``orders_ended``); a later run blanks them once it
    # has ended (``order_terms_left``).
    blank_order_terms(orders_ended(LegalOrder.objects.filter(case=case), as_of))
    # Everyone on the case, not only its client: a child, a respondent, someone an order protects
    # or its referral names, known only through this case, would otherwise stay named for ever.
    _anonymise_people_on(case, CASE_PEOPLE, as_of)


def orders_ended(orders: models.QuerySet[Any], as_of: date) -> models.QuerySet[Any]:
    """Of ``orders``, those not in force on ``as_of`` (``LegalOrder.objects.in_force_on``, the rule
    the case page uses: granted and not expired; no expiry date, until discharged), whose terms go
    with their case. An order in force keeps its terms whatever its case's dates, as it keeps its
    parties (``still_needed``): police and housing enforce it by them ("not to come within 100
    metres of her home") for as long as it protects her."""
    from waymark.support.models import LegalOrder

    return orders.exclude(pk__in=LegalOrder.objects.in_force_on(as_of).values("pk"))


def blank_order_terms(orders: Iterable[models.Model]) -> None:
    """What a disposed case's order loses: its terms (its kind, status, dates and parties stay)."""
    _blank(orders, "terms")


def goes_with_case(case: Any, as_of: date) -> list[tuple[str, Any]]:
    """The referral the case was opened from, disposed of with the case (same transaction, ledger
    and audit row of its own under ``referral_not_accepted``), when the referral schedule finds it
    due by its own rule (``due_for``): once the case is in the ledger, unless a hold keeps the
    referral (it then falls due when the hold ends) or it is already disposed of. A referral has at
    most one case (``Case.referral`` is one-to-one), so no other case can still need it."""
    from waymark.dataprotection.selectors import due_for

    if case.referral_id is None:
        return []
    due = due_for("referral_not_accepted", as_of, among=[case.referral_id])
    # Locked by its own row alone (the due rule joins its case, and a lock may not reach that join).
    return [
        ("referral_not_accepted", referral)
        for referral in due.model.objects.select_for_update().filter(pk__in=list(due.values_list("pk", flat=True)))
    ]


def _describe_case(case: Any) -> tuple[str, date | None]:
    return case.number, case.closed_on


# --- Referrals no case was opened from: 2 years after their last day ----------------------------


def referral_done_by(cutoff: date) -> Q:
    """The referrals whose last day was on or before ``cutoff``: the latest of the day received,
    triaged and decided (accepted, signposted or declined) and of every change of its status. So a
    decided referral runs from its decision; one never decided from its last activity (left
    undecided, it must neither keep her for ever nor go while she stays named); and an imported one
    (the importer records no decision time, only its status and one status change on the day
    received) from that day. Its negation keeps the people it names (``person_still_needed``),
    whatever its outcome; a referral a case was opened from is the case's to dispose of
    (``_referrals_due``), and keeps them while the case does."""
    from waymark.referrals.models import ReferralStatusChange

    changed_later = ReferralStatusChange.objects.filter(referral=OuterRef("pk"), changed_at__date__gt=cutoff)
    return (
        Q(received_on__lte=cutoff)
        & ~Q(triaged_at__date__gt=cutoff)
        & ~Q(decided_at__date__gt=cutoff)
        & ~Q(Exists(changed_later))
    )


def _referrals_due(as_of: date) -> models.QuerySet[Any]:
    """The referrals no case was opened from (signposted, declined, never decided, or imported as
    accepted without their case) whose last day is past the period; and a referral a case was
    opened from once that case has been disposed of (in the ledger). That one normally goes with
    its case, in the same transaction (``goes_with_case``); it is due here only if a hold kept it
    then and has ended, or its case was disposed of before referrals went with cases. A referral
    whose case is not disposed of (open, closed inside its period, or held) is never due."""
    from waymark.referrals.models import Referral

    cutoff = SCHEDULES["referral_not_accepted"].cutoff(as_of)
    return Referral.objects.filter(
        (Q(case__isnull=True) & referral_done_by(cutoff)) | Q(case__pk__in=ledger_ids("closed_case"))
    ).annotate(**_referral_queue_facts())  # what the queue shows of each, in the same query


def _referral_queue_facts() -> dict[str, Any]:
    """What ``_describe_referral`` shows of a referral: the day its case closed, its last status change."""
    from django.db.models import F, Subquery

    from waymark.referrals.models import ReferralStatusChange

    last_change = ReferralStatusChange.objects.filter(referral=OuterRef("pk")).order_by("-changed_at")
    return {"case_closed_on": F("case__closed_on"), "last_changed_at": Subquery(last_change.values("changed_at")[:1])}


def _dispose_referral(referral: Any, as_of: date) -> None:
    from waymark.referrals.models import ReferralStatusChange

    _blank(ReferralStatusChange.objects.filter(referral=referral), "reason")
    _blank(
        [referral],
        "subject_postcode",
        "latest_incident_summary",
        "sharing_reason",
        # Who decided to share without consent, typed freely as a name and role: it can name her
        # GP's surgery or her social worker's team. The decision itself (the lawful basis) stays.
        "sharing_authorised_by",
        "contact_phone",
        "contact_email",
        "contact_instructions",
    )
    # The person causing harm and the children it names too, not only its subject: someone known
    # only through a declined referral would otherwise stay named for ever.
    _anonymise_people_on(referral, REFERRAL_PEOPLE, as_of)


def _describe_referral(referral: Any) -> tuple[str, date | None]:
    """The referral's last day, as ``referral_done_by`` compares it (London days), for the queue;
    for a referral a case was opened from, the day its case closed (it goes with the case)."""
    from django.utils import timezone

    if not hasattr(referral, "last_changed_at"):  # not read through ``_referrals_due``
        from waymark.referrals.models import Referral

        referral = Referral.objects.annotate(**_referral_queue_facts()).get(pk=referral.pk)
    if referral.case_closed_on is not None:
        return referral.number, referral.case_closed_on
    moments = [referral.triaged_at, referral.decided_at, referral.last_changed_at]
    return referral.number, max([referral.received_on, *(timezone.localdate(m) for m in moments if m is not None)])


# --- MARAC cases: 6 years after her last involvement with MARAC ---------------------------------
#
# A MARAC case (``MaracCase``: one referral, heard at one meeting) is last touched by MARAC on the
# latest of: the referral, the coordinator's decision on it, the meeting that heard it (or lists it
# now), and any later meeting that reviewed one of its actions. Its period runs from that day. A
# repeat hearing is a new case of hers, so it restarts her clock (``person_still_needed``), while
# each case's own words go six years after its own last involvement, as for any other record.


def marac_involved_after(cutoff: date) -> Q:
    """The MARAC cases that MARAC dealt with after ``cutoff``: referred, decided, heard (or listed)
    or an action of theirs reviewed at a meeting later than that day. Its negation is "due"."""
    from waymark.marac.models import MaracAction

    reviewed_later = MaracAction.objects.filter(marac_case=OuterRef("pk"), last_reviewed_at__held_on__gt=cutoff)
    return (
        Q(referred_on__gt=cutoff)
        | Q(decided_at__date__gt=cutoff)
        | Q(meeting__held_on__gt=cutoff)
        | Q(Exists(reviewed_later))
    )


def marac_last_involved(marac_case: Any) -> date:
    """The day MARAC last dealt with the case (what ``marac_involved_after`` compares), for the queue."""
    from django.db.models import Max
    from django.utils import timezone

    days = [marac_case.referred_on]
    if marac_case.decided_at is not None:
        days.append(timezone.localdate(marac_case.decided_at))
    if marac_case.meeting_id is not None:
        days.append(marac_case.meeting.held_on)
    reviewed = marac_case.actions.aggregate(last=Max("last_reviewed_at__held_on"))["last"]
    if reviewed is not None:
        days.append(reviewed)
    return max(days)


def _marac_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.marac.models import MaracCase

    return MaracCase.objects.exclude(marac_involved_after(SCHEDULES["marac_case"].cutoff(as_of))).select_related(
        "meeting"
    )


def _dispose_marac(marac_case: Any, as_of: date) -> None:
    """Every word written about the people on the case goes: the referrer's reasons, the decision's
    words, the discussion and risks, each agency's research, each action's text and what became of
    it, and why a flag on the case was dismissed. Its dates, criteria, status, meeting, referring
    agency, children count and the people's ids stay, which is all the MARAC return, the
    performance figures and the repeat rules read. Then the victim and the person causing harm are
    each anonymised once nothing else about them is kept."""
    from waymark.marac.models import FlagAlert, MaracAction, Research

    _blank(
        [marac_case],
        "professional_judgement_reason",
        "escalation_detail",
        "sharing_reason",
        "decision_reason",
        "discussion_summary",
        "risks_identified",
    )
    _blank(Research.objects.filter(marac_case=marac_case), "body")
    _blank(MaracAction.objects.filter(marac_case=marac_case), "description", "status_note")
    _blank(FlagAlert.objects.filter(earlier_case=marac_case), "resolution_note")
    for person_id in (marac_case.victim_id, marac_case.perpetrator_id):
        if person_id is not None:
            anonymise_when_done(person_id, as_of)


def _describe_marac(marac_case: Any) -> tuple[str, date | None]:
    return marac_case.ref or "MARAC case", marac_last_involved(marac_case)


# --- People left named: reached by every run ---------------------------------------------------


def ledger_ids(record_type: str) -> models.QuerySet[Any]:
    """The ids of the records of ``record_type`` in the ledger, as a subquery for ``pk__in``. The
    ledger holds them as text (``str(uuid)``): PostgreSQL casts that to its uuid; SQLite stores a
    uuid as its 32 hex digits, without the hyphens."""
    from django.db import connection
    from django.db.models import F, UUIDField, Value
    from django.db.models.functions import Cast, Replace

    from waymark.dataprotection.models import RetentionDisposal

    if connection.vendor == "postgresql":
        as_key: Any = Cast("record_id", output_field=UUIDField())
    else:
        as_key = Replace(F("record_id"), Value("-"), Value(""))
    return RetentionDisposal.objects.filter(record_type=record_type).annotate(key=as_key).values("key")


def people_left_named(record_type: str, as_of: date) -> models.QuerySet[Any]:
    """The people still named on a record of ``record_type`` that this or an earlier run disposed
    of, in any of its roles (``Schedule.people``), not merged into another record (those go with
    it: ``anonymise_when_done``). Whatever kept them when the record went (another record, an order
    then in force, a recent risk assessment, a hold), or a run from before disposal reached everyone
    on a record, may keep them no longer: nothing else would ever revisit them, since the record is
    never due again. Only those nothing keeps now (``still_needed``, the one rule). One query,
    set-based (the ledger, the records and the rule as subqueries, no list of ids), so its cost
    does not grow with the people still needed. Records past their period but on hold are not in
    the ledger (and keep their people)."""
    from waymark.people.models import Person

    schedule = SCHEDULES[record_type]
    disposed = schedule.due(as_of).model.objects.filter(pk__in=ledger_ids(record_type))
    on_disposed = Q()
    for lookup in schedule.people:
        on_disposed |= Q(pk__in=disposed.values(lookup))
    named = ~Q(given_name="", family_name="") | Q(ref__isnull=False)
    return (
        Person.objects.filter(named, on_disposed, merged_into__isnull=True).exclude(still_needed(as_of)).order_by("pk")
    )


def order_terms_left(as_of: date) -> models.QuerySet[Any]:
    """The orders on a case this or an earlier run disposed of (in the ledger) whose terms are still
    written though the order is no longer in force on ``as_of`` (``orders_ended``, the one rule):
    in force when its case went, it has since expired, been discharged or otherwise stopped being
    granted. Nothing else would ever blank them, since the case is never due again. Not while a
    hold on the case lasts (a hold keeps what is left of the record). One query, set-based (the
    ledger and the rule as subqueries, no list of cases; the holds, few, read first as ``held``
    reads them), as ``people_left_named`` is. Terms are encrypted and cannot be compared, but an
    empty value is stored empty (``EncryptedTextField``), so the length of what is stored says
    whether any are left: an order already blanked is not reached again."""
    from django.db.models.functions import Length

    from waymark.support.models import LegalOrder

    disposed = LegalOrder.objects.filter(case_id__in=ledger_ids("closed_case"))
    return (
        orders_ended(disposed, as_of)
        .exclude(case_id__in=held_record_ids(as_of, ["closed_case"]).get("closed_case", []))
        .alias(stored_terms=Length("terms"))
        .filter(stored_terms__gt=0)
        .order_by("pk")
    )


def held_record_ids(as_of: date, record_types: list[str]) -> dict[str, list[uuid.UUID]]:
    """The ids of the records of each of ``record_types`` on hold on ``as_of`` (a type with none
    is missing). Holds are few, and one typed wrongly must not break a query, so they are read and
    parsed here: what is due (``selectors.due_for``), who is still needed (``held``) and what an
    order's terms keep (``order_terms_left``) all exclude them this one way."""
    from waymark.dataprotection.models import RetentionHold

    ids: dict[str, list[uuid.UUID]] = {}
    for record_type, record_id in RetentionHold.objects.filter(
        record_type__in=record_types, until__gte=as_of
    ).values_list("record_type", "record_id"):
        try:
            ids.setdefault(record_type, []).append(uuid.UUID(record_id))
        except ValueError:
            continue
    return ids


@dataclass(frozen=True)
class Blank:
    """How most record types are disposed of: the record's own fields blanked, its child rows'
    fields blanked, then each person on it anonymised once nothing else about them is kept."""

    fields: tuple[str, ...] = ()
    children: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # ("app.Model", its key to the record, fields)
    people: tuple[str, ...] = ()  # lookups to the ids of the people on it (``people_on``)

    def __call__(self, record: Any, as_of: date) -> None:
        if self.fields:
            _blank([record], *self.fields)
        for label, key, fields in self.children:
            _blank(apps.get_model(label).objects.filter(**{key: record}), *fields)
        _anonymise_people_on(record, self.people, as_of)


def _due(label: str, key: str, past: Callable[[date], Q]) -> Callable[[date], models.QuerySet[Any]]:
    """The records of ``label`` for which ``past(the schedule's cutoff)`` holds."""
    return lambda as_of: apps.get_model(label).objects.filter(past(SCHEDULES[key].cutoff(as_of)))


def _described(reference: str, *dates: str) -> Callable[[Any], tuple[str, date | None]]:
    """The queue's (reference, date it runs from): the first of ``dates`` the record has."""
    return lambda record: (
        getattr(record, reference) or "",
        next((getattr(record, name) for name in dates if getattr(record, name)), None),
    )


def enrolment_done_by(cutoff: date) -> Q:
    """The programme enrolments that ended on or before ``cutoff`` (one not ended is never done)."""
    return Q(ended_on__lte=cutoff)


def sanctuary_done_by(cutoff: date) -> Q:
    """The sanctuaries whose measures were removed on or before ``cutoff``, or whose referral was
    withdrawn then (on the day recorded, else the day it was made). Measures still in place are
    never done, however long ago they were fitted: it is her home, and live."""
    from waymark.refuge.states import SanctuaryStatus

    withdrawn = Q(status=SanctuaryStatus.WITHDRAWN) & (
        Q(withdrawn_on__lte=cutoff) | Q(withdrawn_on__isnull=True, referred_on__lte=cutoff)
    )
    return Q(removed_on__lte=cutoff) | withdrawn


def refuge_referral_done_by(cutoff: date) -> Q:
    """The refuge referrals whose household left on or before ``cutoff``, or that were
    unsuccessful by then. A household still in the refuge (or a referral still being decided) is
    never done."""
    return Q(left_on__lte=cutoff) | Q(unsuccessful_on__lte=cutoff)


def panel_case_done_by(cutoff: date) -> Q:
    """The tenancy panel cases closed (legal action concluded, or no further action) on or before
    ``cutoff``. An open case is never done, whatever its dates; its negation keeps the survivor."""
    from waymark.housing.states import OPEN_STATUSES

    return Q(closed_on__lte=cutoff) & ~Q(status__in=OPEN_STATUSES)


def application_done_by(cutoff: date) -> Q:
    """The homelessness applications with no duty open (not awaiting assessment, nor in prevention
    or relief) whose last day was on or before ``cutoff``: the application, its assessment, the end
    of each duty and of each temporary placement. A duty or placement not ended (she may still be
    in that temporary accommodation) keeps it live, whatever its stage."""
    from waymark.housing.models import OPEN_STAGES, Duty, TemporaryPlacement

    def later(model: type[models.Model]) -> Exists:
        return Exists(
            model._default_manager.filter(application=OuterRef("pk")).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff)
            )
        )

    return (
        Q(applied_on__lte=cutoff)
        & ~Q(stage__in=OPEN_STAGES)
        & ~Q(assessed_on__gt=cutoff)
        & ~Q(later(Duty))
        & ~Q(later(TemporaryPlacement))
    )


def _describe_application(application: Any) -> tuple[str, date | None]:
    """The application's last day, as ``application_done_by`` compares it, for the queue."""
    days = [application.applied_on, application.assessed_on]
    for rows in (application.duties, application.placements):
        days += [row.ended_on for row in rows.all()]
    return application.number, max(day for day in days if day is not None)


SIX_YEARS = "Limitation Act 1980 six-year period, as for closed cases"

# Everyone a case is about: its client; a child linked to it; an order's respondent and the people
# it protects; the child a need or intervention is for, or whose outcomes it measures; the people
# its referral names.
CASE_PEOPLE = (
    "person_id",
    "children__child_id",
    "legal_orders__against_id",
    "legal_orders__protects",
    "needs__child_id",
    "interventions__child_id",
    "outcome_measures__subject_id",
    "referral__subject_id",
    "referral__person_causing_harm_id",
    "referral__children",
)
REFERRAL_PEOPLE = ("subject_id", "person_causing_harm_id", "children")
ENROLMENT_PEOPLE = ("participant_id", "victim_links__victim_id")


SCHEDULE_LIST = [
    Schedule(
        key="closed_case",
        title="Closed cases (with their notes, tasks, contacts, safety and support plans, and their referral)",
        default_years=6,
        starts="the day the case closed",
        source="Adult DA casework: closure + 6 years (Limitation Act 1980 six-year period; common local-authority "
        "and IDVA-service retention schedules)",
        due=_cases_due,
        dispose=_dispose_case,
        describe=_describe_case,
        people=CASE_PEOPLE,
        goes_with=goes_with_case,
    ),
    Schedule(
        key="referral_not_accepted",
        # The title is what the queue links by (a referral a case was opened from is due here only
        # in the rare cases ``_referrals_due`` says; it goes with its case).
        title="Referrals no case was opened from (signposted, declined or never decided)",
        default_years=2,
        starts="its last day: the decision, or if never decided its last activity (received, triaged); a referral a "
        "case was opened from goes with its case",
        source="Enough to answer a re-referral or a complaint about the decision; no case was opened",
        due=_referrals_due,
        dispose=_dispose_referral,
        describe=_describe_referral,
        people=REFERRAL_PEOPLE,
    ),
    Schedule(
        key="marac_case",
        title="MARAC cases (research, discussion and actions)",
        default_years=6,
        starts="the last day MARAC dealt with it: the referral, the decision, the hearing or a later review of its "
        "actions",
        source="No source states a MARAC period (MARAC information-sharing protocols leave it to each agency's "
        f"policy): the project's period for comparable safeguarding records, {SIX_YEARS}",
        due=_marac_due,
        dispose=_dispose_marac,
        describe=_describe_marac,
        people=("victim_id", "perpetrator_id"),
    ),
    Schedule(
        key="incident",
        title="Incidents (what happened, in words)",
        default_years=6,
        starts="the day of the incident",
        source=f"Kept as long as the casework it informs: {SIX_YEARS}; MARAC's repeat rule looks back 12 months",
        due=_due("incidents.Incident", "incident", lambda cutoff: Q(occurred_on__lte=cutoff)),
        dispose=Blank(fields=("description",), people=("victim_id", "perpetrator_id")),
        describe=_described("ref", "occurred_on"),
        people=("victim_id", "perpetrator_id"),
    ),
    Schedule(
        key="housing_application",
        title="Homelessness applications with no duty open (temporary accommodation addresses)",
        default_years=6,
        starts="the application's last day: its assessment, or the end of its last duty or temporary placement",
        source=f"Housing Act 1996 Part 7 casework: {SIX_YEARS}",
        due=_due("housing.HomelessnessApplication", "housing_application", application_done_by),
        dispose=Blank(children=(("housing.TemporaryPlacement", "application", ("address",)),), people=("person_id",)),
        describe=_describe_application,
        people=("person_id",),
    ),
    Schedule(
        key="tenancy_panel_case",
        title="DA tenancy panel cases (representations, intelligence, the panel's reasons, the tenancy reference)",
        default_years=6,
        starts="the day the case closed (legal action concluded, or no further action)",
        source="No source states a tenancy panel period: the project's period for comparable housing records, "
        f"homelessness applications' (Housing Act 1996 Part 7 casework), {SIX_YEARS}",
        due=_due("housing.TenancyPanelCase", "tenancy_panel_case", panel_case_done_by),
        # The survivor goes with it once nothing else about her is kept; the council's tenancy
        # reference goes too (it finds her tenancy, so her home, in the council's own system).
        # Its number, status, route, stage, dates and coded reasons stay: the housing figures
        # count them (``housing.selectors.quarter_figures``).
        dispose=Blank(
            fields=("representations", "proportionality_review", "tenancy_reference"),
            children=(
                ("housing.PanelDecision", "case", ("note",)),
                ("housing.PanelIntelligence", "case", ("summary",)),
            ),
            people=("survivor_id",),
        ),
        describe=_described("number", "closed_on"),
        people=("survivor_id",),
    ),
    Schedule(
        key="refuge_referral",
        title="Refuge referrals (the refuge worker's note)",
        default_years=6,
        starts="the day the household left, or the referral was unsuccessful",
        source=f"Safe accommodation support: {SIX_YEARS}",
        due=_due("refuge.RefugeReferral", "refuge_referral", refuge_referral_done_by),
        dispose=Blank(fields=("decision_note",), people=("person_id",)),
        describe=_described("number", "left_on", "unsuccessful_on"),
        people=("person_id",),
    ),
    Schedule(
        key="sanctuary",
        title="Sanctuary schemes (the home's address, reviews, feedback)",
        default_years=6,
        starts="the day the measures were removed (or the referral was withdrawn)",
        source=f"Safe accommodation support: {SIX_YEARS}",
        due=_due("refuge.Sanctuary", "sanctuary", sanctuary_done_by),
        # The address is blanked; its programme-firewall indexes stay (a blank address never
        # overwrites them: ``refuge.models.FirewallAddressIndexes.save``), as she may live there still.
        dispose=Blank(
            fields=("line1", "line2", "town", "postcode", "feedback_comment"),
            children=(("refuge.SanctuaryReview", "sanctuary", ("note",)),),
            people=("person_id",),
        ),
        describe=_described("number", "removed_on", "withdrawn_on", "referred_on"),
        people=("person_id",),
    ),
    Schedule(
        key="programme_enrolment",
        title="Perpetrator programme enrolments (assessment, session notes, outcomes, flags)",
        default_years=6,
        starts="the day the programme ended",
        source=f"Respect Standard: keep in line with the agency's policy; {SIX_YEARS}",
        due=_due("perpetrators.Enrolment", "programme_enrolment", enrolment_done_by),
        dispose=Blank(
            fields=("assessment_note", "end_note"),
            children=(
                ("perpetrators.SessionAttendance", "enrolment", ("note",)),
                ("perpetrators.BehaviourOutcome", "enrolment", ("note",)),
                ("perpetrators.RiskFlag", "enrolment", ("detail",)),
            ),
            people=ENROLMENT_PEOPLE,
        ),
        describe=_described("ref", "ended_on"),
        people=ENROLMENT_PEOPLE,
    ),
    Schedule(
        key="subject_access_request",
        title="Subject access requests released (the bundle, the identity check, words redacted by hand, the "
        "reviewer's note)",
        default_years=2,
        starts="the day the bundle was released",
        source="No source we hold states a period for subject access request records: our choice, long enough to "
        "answer a complaint about the response or a request to review it (to the agency or the ICO); the bundle "
        "is a copy of records kept, or disposed of, under their own schedules",
        due=_due("dataprotection.SubjectAccessRequest", "subject_access_request", sar_done_by),
        dispose=Blank(fields=SAR_WORDS, people=("person_id",)),
        describe=_describe_sar,
        people=("person_id",),
    ),
]


SCHEDULES: dict[str, Schedule] = {schedule.key: schedule for schedule in SCHEDULE_LIST}
