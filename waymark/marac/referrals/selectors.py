"""MARAC referrals, the reads their pages need beyond the scopes in ``access.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from waymark.marac.models import MaracCase, MaracCaseStatus
from waymark.marac.referrals.access import is_coordinator, marac_referrals_visible_to
from waymark.people.models import Person
from waymark.risk.config import thresholds_for

if TYPE_CHECKING:
    from waymark.accounts.models import User


# A referral not yet heard, refused or withdrawn: waiting for triage, for a meeting, or listed.
WAITING_STATUSES = [
    status
    for status in MaracCaseStatus.values
    if status not in (MaracCaseStatus.NOT_ACCEPTED, MaracCaseStatus.WITHDRAWN, MaracCaseStatus.HEARD)
]


def known_to_marac(marac_case: MaracCase, *, role: str) -> list[dict[str, Any]]:
    """People already named in other MARAC referrals who may be this referral's victim (or person
    causing harm): the same date of birth and a shared name, or the same first and last name.

    MARAC's own history only (the coordinator reads every referral); the matching app's search
    covers the people other agencies hold."""
    person = marac_case.victim if role == "victim" else marac_case.perpetrator
    if person is None:
        return []
    field_name = "victim" if role == "victim" else "perpetrator"
    named = MaracCase.objects.exclude(pk=marac_case.pk).exclude(**{field_name: person})
    candidate_ids = named.exclude(**{f"{field_name}__isnull": True}).values(f"{field_name}_id")
    people = Person.objects.filter(pk__in=candidate_ids)
    given, family = person.given_name.strip(), person.family_name.strip()
    same_name = Q(given_name__iexact=given, family_name__iexact=family) if given and family else Q(pk__in=[])
    shared_name = Q(pk__in=[])
    if given:
        shared_name |= Q(given_name__iexact=given)
    if family:
        shared_name |= Q(family_name__iexact=family)
    same_birth = Q(date_of_birth=person.date_of_birth) & shared_name if person.date_of_birth else Q(pk__in=[])
    # Every candidate, never a first few: the coordinator may only confirm someone offered here
    # (``marac_person_confirm``), so a cut-off would hide the right person. A name and a date of
    # birth within MARAC's own history keep the list short; one query, however long it is.
    referrals = MaracCase.objects.filter(**{field_name: OuterRef("pk")})
    latest = referrals.order_by("-referred_on", "-created_at")
    candidates = (
        people.filter(same_name | same_birth)
        .annotate(
            marac_referrals=Subquery(
                referrals.order_by().values(field_name).annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            latest_ref=Subquery(latest.values("ref")[:1]),
            latest_on=Subquery(latest.values("referred_on")[:1]),
        )
        .order_by("family_name", "given_name", "pk")
    )
    found = []
    for candidate in candidates:
        annotated: Any = candidate  # carries the three annotations above
        found.append(
            {
                "person": candidate,
                "referrals": annotated.marac_referrals or 0,
                "latest_ref": annotated.latest_ref or "",
                "latest_on": annotated.latest_on,
            }
        )
    return found


# --- The coordinator's awaiting lists ------------------------------------------------------------

# Urgency, as the referral triage queue (waymark/referrals/selectors.py): the highest risk first; a
# referral with no checklist is not assumed to be lower risk, so it comes before medium and
# standard; then the longest waiting; then the source (police first: their referrals follow an
# incident that has just happened; then the IDVA and specialist services; then every other agency;
# then records imported without a referring agency).
MARAC_QUEUE_SHOW = {
    "awaiting": "Awaiting triage",
    "accepted": "Accepted, waiting for a meeting",
    "all": "All referrals, newest first",
}
MARAC_QUEUE_RISK = {"high": "High", "none": "No checklist", "medium": "Medium", "standard": "Standard"}
MARAC_RISK_RANK = {"high": 0, "none": 1, "medium": 2, "standard": 3}
SPECIALIST_KINDS = ("idva_service", "da_specialist")


def marac_queue(user: User, *, show: str = "awaiting", risk: str = "", source: str = "") -> QuerySet[MaracCase]:
    """Every MARAC referral this user may triage in the list ``show`` names, most urgent first
    (risk level, then age, then source; "all" is newest first), narrowed by risk level and by the
    kind of the referring agency. Nothing is cut off: the view pages through the whole queryset.

    The risk level is the referral's checklist's (its final level, which may have been raised on
    professional judgement), else the yes count recorded on the referral read against the
    partnership's thresholds."""
    thresholds = thresholds_for("")
    scope = marac_referrals_visible_to(user).select_related(
        "victim", "perpetrator", "referring_agency", "risk_assessment"
    )
    if show == "awaiting":
        scope = scope.filter(status=MaracCaseStatus.REFERRED)
    elif show == "accepted":
        scope = scope.filter(status=MaracCaseStatus.ACCEPTED, meeting__isnull=True)
    ranks = MARAC_RISK_RANK
    risk_rank = Case(
        When(risk_assessment__final_level="high", then=Value(ranks["high"])),
        When(risk_assessment__final_level="medium", then=Value(ranks["medium"])),
        When(risk_assessment__final_level="standard", then=Value(ranks["standard"])),
        When(checklist_score__gte=thresholds.high_from, then=Value(ranks["high"])),
        When(checklist_score__gte=thresholds.medium_from, then=Value(ranks["medium"])),
        When(checklist_score__isnull=False, then=Value(ranks["standard"])),
        default=Value(ranks["none"]),
        output_field=IntegerField(),
    )
    source_rank = Case(
        When(referring_agency__kind="police", then=Value(0)),
        When(referring_agency__kind__in=SPECIALIST_KINDS, then=Value(1)),
        When(referring_agency__isnull=False, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # Another referral of the same victim waiting too (two agencies, or one twice): the coordinator
    # decides which goes ahead ("already listed"). Asked within what this user may see.
    other_waiting = (
        marac_referrals_visible_to(user)
        .filter(victim_id=OuterRef("victim_id"), status__in=WAITING_STATUSES)
        .exclude(pk=OuterRef("pk"))
        .order_by("referred_on", "ref")
        .values("ref")[:1]
    )
    scope = scope.annotate(risk_rank=risk_rank, source_rank=source_rank, also_waiting=Subquery(other_waiting))
    if risk in MARAC_RISK_RANK:
        scope = scope.filter(risk_rank=MARAC_RISK_RANK[risk])
    if source:
        scope = scope.filter(referring_agency__kind=source)
    if show == "all":
        return scope.order_by("-referred_on", "-ref")
    return scope.order_by("risk_rank", "referred_on", "source_rank", "ref")


def referrals_for_case(case: Any) -> list[MaracCase]:
    """A case's own MARAC referrals, status only, newest first (the caller has checked the case)."""
    return list(MaracCase.objects.filter(case=case).only("id", "ref", "referred_on", "status").order_by("-referred_on"))


def open_referral_of_case(case: Any) -> MaracCase | None:
    """The case's MARAC referral not yet heard, refused or withdrawn, if it has one (the earliest)."""
    return MaracCase.objects.filter(case=case, status__in=WAITING_STATUSES).order_by("referred_on", "ref").first()


def has_open_referral(case: Any) -> bool:
    """Whether a case has a MARAC referral not yet heard, refused or withdrawn."""
    return open_referral_of_case(case) is not None


def repeats_shown_to(user: User, assessment: Any) -> dict[str, Any]:
    """The repeats the referral form may show this user: the earlier MARAC referral that makes it a
    repeat, and the meeting that heard her before, only where the user's journey of the person
    shows that case (``MaracCase.objects.journey_visible_to``). Otherwise ``None``, which the form
    words the same whether or not there is one, so it never tells a referrer about a MARAC case
    they may not see (an attacker's probe read a 2016 police referral off it). The coordinator
    sees every case. The criteria recorded are worked out from every case either way
    (``marac_referral_create``); what the referrer is told, by the form or by its refusals, is
    worked out from this."""
    evidence = {"twelve": assessment.repeat_12_month, "ever": assessment.repeat_ever}
    refs = [found.case_ref for found in evidence.values() if found is not None]
    seen = set(MaracCase.objects.journey_visible_to(user).filter(ref__in=refs).values_list("ref", flat=True))
    shown = {key: found if found is not None and found.case_ref in seen else None for key, found in evidence.items()}
    return {**shown, "all_seen": is_coordinator(user)}


# --- The caseworker's caseload (a column registered in waymark/marac/home.py) ------------------

CASELOAD_WAITING_WORDS: dict[str, str] = {
    MaracCaseStatus.REFERRED: "Referred, awaiting triage",
    MaracCaseStatus.ACCEPTED: "Accepted, waiting for a meeting",
    MaracCaseStatus.LISTED: "Listed on an agenda",
}
# Which of a client's referrals the caseload names when she has more than one: the one listed for
# the soonest meeting, else accepted, else awaiting triage, else the latest heard with actions open.
_CASELOAD_RANK: dict[str, int] = {MaracCaseStatus.LISTED: 0, MaracCaseStatus.ACCEPTED: 1, MaracCaseStatus.REFERRED: 2}


def caseload_marac_states(user: User, cases: list[Any]) -> dict[Any, str]:
    """For each of these open cases (a caseworker's caseload, each one visible to her), her
    client's MARAC referral in a few words, by case id: "Referred, awaiting triage", "Accepted,
    waiting for a meeting", "Listed for 12 March 2027" or "Heard 5 March 2027, actions open". A
    case with nothing to say is left out. One query, however many cases.

    Which referrals: one made from the case itself, which the case page already shows whoever may
    see the case and refer (``referrals_for_case``); and any other of the same client that the
    user's journey of her may show, as the referral form's repeats are (``repeats_shown_to``,
    ``MaracCase.objects.journey_visible_to``: her agency's own referrals, the cases on the agenda of
    a meeting she takes part in, every one for the coordinator). Another agency's referral she may
    not see is never hinted at. A referral not accepted or withdrawn says nothing, nor does one
    heard, unless an action agreed for it that she may read (``MaracAction.objects.visible_to``:
    her agency's as its MARAC representative, every one for the coordinator) is still open; the
    actions themselves are never shown.

    A meeting's date is named only to someone who takes part in it (``MaracMeeting.objects.visible_to``,
    the scope of every list of meetings): to anyone else a listed referral is "Listed on an agenda",
    as the case page, her agency's referrals and the journey say, and a heard one "Heard, actions
    open". Nothing is said behind the programme firewall (``behind_programme_firewall``): a
    perpetrator worker takes part in no meeting and follows no victim's referral."""
    from django.db.models import Exists
    from django.utils import dateformat

    from waymark.marac.models import OUTSTANDING_ACTION_STATUSES, MaracAction, MaracMeeting
    from waymark.marac.referrals.access import MARAC_REFERRING_ROLES
    from waymark.people.access import behind_programme_firewall

    if behind_programme_firewall(user):
        return {}
    cases_by_person: dict[Any, list[Any]] = {}
    for case in cases:
        cases_by_person.setdefault(case.person_id, []).append(case.pk)
    own_cases = {case.pk for case in cases} if MARAC_REFERRING_ROLES & user.roles else set()
    on_journey = MaracCase.objects.journey_visible_to(user).filter(pk=OuterRef("pk"))
    actions_open = MaracAction.objects.visible_to(user).filter(
        marac_case=OuterRef("pk"), status__in=OUTSTANDING_ACTION_STATUSES
    )
    meeting_seen = MaracMeeting.objects.visible_to(user).filter(pk=OuterRef("meeting_id"))
    rows = (
        MaracCase.objects.annotate(
            on_journey=Exists(on_journey), actions_open=Exists(actions_open), meeting_seen=Exists(meeting_seen)
        )
        .filter(Q(case_id__in=list(own_cases)) | Q(victim_id__in=list(cases_by_person), on_journey=True))
        .filter(Q(status__in=WAITING_STATUSES) | Q(status=MaracCaseStatus.HEARD, actions_open=True))
        .order_by()
        .values("status", "case_id", "victim_id", "on_journey", "meeting_seen", "meeting__held_on", "referred_on")
    )
    chosen: dict[Any, tuple[tuple[int, int], str]] = {}
    for row in rows:
        # A meeting she takes no part in: its date is neither shown nor used to choose what is shown.
        held_on = row["meeting__held_on"] if row["meeting_seen"] else None
        status = row["status"]
        if status == MaracCaseStatus.HEARD:
            words = f"Heard {dateformat.format(held_on, 'j F Y')}, actions open" if held_on else "Heard, actions open"
            rank = (3, -held_on.toordinal() if held_on else 0)  # the latest heard
        else:
            words = CASELOAD_WAITING_WORDS.get(status, "Referred, awaiting triage")
            if status == MaracCaseStatus.LISTED and held_on:
                words = f"Listed for {dateformat.format(held_on, 'j F Y')}"
            rank = (_CASELOAD_RANK.get(status, 2), (held_on or row["referred_on"]).toordinal())  # the soonest
        shown_on = set(cases_by_person.get(row["victim_id"], [])) if row["on_journey"] else set()
        if row["case_id"] in own_cases:
            shown_on.add(row["case_id"])
        for case_id in shown_on:
            if case_id not in chosen or rank < chosen[case_id][0]:
                chosen[case_id] = (rank, words)
    return {case_id: words for case_id, (_rank, words) in chosen.items()}
