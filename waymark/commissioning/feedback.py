"""Survivor feedback: a short, anonymous survey a survivor answers through a one-time link her
worker gives her at the end of support or after sanctuary measures are fitted.

Nothing here can lead back to her (docs/commissioning.md, "Survivor feedback"):

- ``feedback_link_give`` makes an unguessable token (``secrets.token_urlsafe``, 256 bits) and keeps
  only its SHA-256 digest with the provider, the service, the kind and an expiry date
  (``FEEDBACK_LINK_DAYS``, default 28: a link lying in her phone for months is a risk). The worker
  sees the link once. The audit trail records that a link was given on the case or the sanctuary
  (that is the worker's action), never which link.
- ``feedback_submit`` takes the token, deletes the link's row and saves the answers with the
  provider, service, kind and the month (not the day, not the time). The audit trail records that
  an anonymous response arrived, with no id, no address and no provider.
- ``feedback_figures`` gives the commissioner's table: responses and the share answering each
  question positively, by provider, under the disclosure rule with secondary suppression; a
  provider's (or All's) answers are withheld whole with its responses, zeros included, so that
  nothing shown says how withheld respondents answered (``_revealing``). The dashboard, its
  download, the API and the board pack all read it.

Whoever reads her phone may open the link too. So the questions say nothing of what the support
was (no "abuse", "refuge", "sanctuary", "security measures", no service's name) and are the same
for every kind of link: the page shows neither the kind nor the service, which only the token
knows, server-side.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.disclosure import (
    HIDDEN,
    Applied,
    Constraint,
    Cost,
    Key,
    Suppressed,
    hidden_in_table,
    protect_table,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.commissioning.models import FeedbackResponse, ProvidedService


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # as the survivor reads it: neutral, the same for every kind of link
    choices: tuple[tuple[str, str], ...]
    positive: frozenset[str]
    figure: str  # what the commissioner's table calls the positive share


QUESTIONS: tuple[Question, ...] = (
    Question(
        "satisfied",
        "Overall, how happy are you with the support you had?",
        (
            ("very_happy", "Very happy"),
            ("happy", "Happy"),
            ("neither", "Neither happy nor unhappy"),
            ("unhappy", "Unhappy"),
            ("very_unhappy", "Very unhappy"),
        ),
        frozenset({"very_happy", "happy"}),
        "Happy with the support",
    ),
    Question(
        "safer",
        "Do you feel safer now than before the support started?",
        (("yes", "Yes"), ("a_little", "A little"), ("no", "No")),
        frozenset({"yes", "a_little"}),
        "Feel safer",
    ),
    Question(
        "listened",
        "Did you feel listened to and believed?",
        (("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
        frozenset({"yes"}),
        "Felt listened to",
    ),
    Question(
        "recommend",
        "Would you tell a friend in a similar situation to use this support?",
        (("yes", "Yes"), ("not_sure", "Not sure"), ("no", "No")),
        frozenset({"yes"}),
        "Would recommend",
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


DEFAULT_LINK_DAYS = 28


def link_days() -> int:
    """How long a link works (``FEEDBACK_LINK_DAYS``, default 28 days, at least 1): about as long as
    a worker would expect her to answer at the end of support. A sanctuary's follow-up link is given
    at the 3- or 6-month review, not when the measures are fitted."""
    return max(1, int(getattr(settings, "FEEDBACK_LINK_DAYS", DEFAULT_LINK_DAYS)))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def month_of(day: date) -> date:
    return day.replace(day=1)


# --- Giving a link ------------------------------------------------------------------------------


def services_of(agency_id: Any) -> Any:
    """The provider's services on the provision map, for the worker to say which one it was."""
    from waymark.commissioning.models import ProvidedService

    return ProvidedService.objects.filter(provider_agency_id=agency_id).order_by("name")


def feedback_link_give(
    *, actor: User, kind: str, about: Any, provider_id: Any, service: ProvidedService | None = None
) -> tuple[str, date]:
    """A new one-time link for ``about`` (the case or the sanctuary it was given on, for the audit
    trail only). Returns the token (shown once, never stored) and the last day it works."""
    from waymark.commissioning.models import FeedbackKind, FeedbackLink

    if kind not in FeedbackKind.values:
        raise ValidationError("Choose what the feedback is about.")
    if provider_id is None:
        raise ValidationError("The feedback link needs the provider the feedback is about.")
    if service is not None and service.provider_agency_id != provider_id:
        raise ValidationError("Choose one of the provider's own services.")
    token = secrets.token_urlsafe(32)
    expires_on = timezone.localdate() + timedelta(days=link_days())
    with transaction.atomic():
        FeedbackLink.objects.create(
            token_digest=digest(token),
            kind=kind,
            provider_agency_id=provider_id,
            service=service,
            expires_on=expires_on,
        )
        # The worker's action, on the record she acted on: never which link (that would join the
        # link, and so the answers, to the person).
        audit_record(actor=actor, action=AuditAction.SHARE, obj=about, detail={"feedback_link": kind})
    return token, expires_on


# --- Answering ----------------------------------------------------------------------------------


class LinkUnavailable(Exception):
    """The link is unknown, used or lapsed: the survivor's page says only "no longer works", the same
    for all three (no oracle). Raised by ``feedback_submit`` when the link went between the page
    being shown and the answers being sent."""


def open_link(token: str) -> Any:
    """The unused, unexpired link for this token, or None (unknown, used and expired look alike)."""
    from waymark.commissioning.models import FeedbackLink

    if not token or len(token) > 100:
        return None
    return FeedbackLink.objects.filter(token_digest=digest(token), expires_on__gte=timezone.localdate()).first()


def clean_answers(answers: dict[str, str]) -> dict[str, str]:
    """Each answer is one of its question's choices or blank; anything else is refused."""
    cleaned: dict[str, str] = {}
    for question in QUESTIONS:
        value = (answers.get(question.key) or "").strip()
        if value and value not in dict(question.choices):
            raise ValidationError(f"Choose one of the answers to: {question.text}")
        cleaned[question.key] = value
    return cleaned


def feedback_submit(*, token: str, answers: dict[str, str]) -> FeedbackResponse:
    """Saves the answers once: the link is used up in the same transaction. No actor: the survivor
    has no account and is not identified. ``LinkUnavailable`` if the link is unknown, used or lapsed;
    ``ValidationError`` for an answer outside the choices (the link stays usable)."""
    from waymark.commissioning.models import FeedbackLink, FeedbackResponse

    cleaned = clean_answers(answers)
    with transaction.atomic():
        link = FeedbackLink.objects.select_for_update().filter(token_digest=digest(token)).first()
        if link is None or link.expires_on < timezone.localdate():
            raise LinkUnavailable()
        response = FeedbackResponse.objects.create(
            kind=link.kind,
            provider_agency_id=link.provider_agency_id,
            service_id=link.service_id,
            month=month_of(timezone.localdate()),
            **cleaned,
        )
        link.delete()
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="commissioning.feedbackresponse",
            actor_label="Survivor feedback (anonymous)",
            omit_client_ip=True,
            detail={},
        )
    return response


# --- The commissioner's figures -------------------------------------------------------------------


def _monthly_counts(start: date, end: date) -> dict[date, dict[Any, dict[str, int]]]:
    """Responses and answers per month and provider, counted in the database (one query)."""
    from waymark.commissioning.models import FeedbackResponse

    aggregates: dict[str, Any] = {"responses": Count("id")}
    for question in QUESTIONS:
        aggregates[f"{question.key}_positive"] = Count("id", filter=Q(**{f"{question.key}__in": question.positive}))
        aggregates[f"{question.key}_skipped"] = Count("id", filter=Q(**{question.key: ""}))
    rows = (
        FeedbackResponse.objects.filter(month__gte=month_of(start), month__lte=end)
        .values("month", "provider_agency_id")
        .annotate(**aggregates)
        .order_by()
    )
    out: dict[date, dict[Any, dict[str, int]]] = {}
    for row in rows:
        counts = {k: int(cast(int, v)) for k, v in row.items() if k not in ("month", "provider_agency_id")}
        for question in QUESTIONS:
            counts[f"{question.key}_other"] = (
                counts["responses"] - counts[f"{question.key}_positive"] - counts[f"{question.key}_skipped"]
            )
        out.setdefault(row["month"], {})[row["provider_agency_id"]] = counts
    return out


COUNT_COLUMNS = (
    "responses",
    *[f"{q.key}_{part}" for q in QUESTIONS for part in ("positive", "other", "skipped")],
)


@dataclass
class FeedbackRow:
    label: str
    cells: dict[str, Any]

    def share(self, key: str) -> Any:
        """The share answering positively among those who answered; hidden with its counts."""
        positive, other = self.cells[f"{key}_positive"], self.cells[f"{key}_other"]
        if isinstance(positive, Suppressed) or isinstance(other, Suppressed):
            return HIDDEN
        answered = positive + other
        return round(positive / answered, 4) if answered else None

    @property
    def shares(self) -> list[tuple[str, Any, Any]]:
        return [(q.figure, self.share(q.key), self.cells[f"{q.key}_positive"]) for q in QUESTIONS]


ROW_TOTALS = [("responses", [f"{q.key}_{p}" for p in ("positive", "other", "skipped")]) for q in QUESTIONS]


# The cost rule (``core.disclosure``: which figure is withheld to protect a small one), lowest first:
# a minor figure (a question's skipped answers, and every figure of the provider not recorded),
# then a headline figure (a provider's responses, and each question's positive and other answers,
# which its share is read from). "All providers" is the total row, withheld last whatever it costs.
MINOR = 1
HEADLINE = 2


def feedback_cost(providers: list[Any]) -> Cost:
    """What withholding a cell (keyed (row index or "total", column)) of a table by provider
    (``providers``: the rows' provider ids, None for not recorded) loses: the tiers above."""
    unrecorded = frozenset(i for i, pk in enumerate(providers) if pk is None)

    def cost(key: Key, hidden: AbstractSet[Key]) -> int:
        assert isinstance(key, tuple)
        index, column = key
        return MINOR if index in unrecorded or str(column).endswith("_skipped") else HEADLINE

    return cost


def _table(by_provider: dict[Any, dict[str, int]], providers: list[Any]) -> tuple[list[dict[str, int]], dict[str, int]]:
    rows = [dict(by_provider.get(pk) or dict.fromkeys(COUNT_COLUMNS, 0)) for pk in providers]
    return rows, {c: sum(row[c] for row in rows) for c in COUNT_COLUMNS}


BREAKDOWN_COLUMNS = tuple(column for column in COUNT_COLUMNS if column != "responses")


def _revealing(values: dict[Key, int], hidden: AbstractSet[Key], constraints: list[Constraint]) -> set[Key]:
    """Shown figures that tell how withheld respondents answered, though no withheld figure can be
    worked out by adding and subtracting (what ``core.disclosure`` checks):

    - the answers of a row whose responses are withheld. Responses [c], positive [c], other 0,
      skipped 0 says that every one of them answered positively: a zero says so as surely as a
      count would, so a withheld total's breakdown is withheld whole, zeros and all;
    - a total whose withheld parts must all be zero, since counts are never negative (All's other
      answers 0 beside a provider's withheld other answers: the provider's are 0 too, and with the
      skipped ones, all its respondents were positive). The total is withheld.

    The disclosure rule then protects what is withheld here as any other withheld figure."""
    found: set[Key] = {
        (key[0], column)
        for key in hidden
        if isinstance(key, tuple) and key[1] == "responses"
        for column in BREAKDOWN_COLUMNS
    }
    for total, parts in constraints:
        shown = [part for part in parts if part not in hidden]
        if total not in hidden and len(shown) < len(parts) and values[total] == sum(values[p] for p in shown):
            found.add(total)
    return found - set(hidden)


def _withheld(
    rows: list[dict[str, int]], total: dict[str, int], providers: list[Any], the_rule: Any, also_hidden: set[Key]
) -> set[Key]:
    """The figures of one table (keyed (row index or "total", column)) to withhold: the disclosure
    rule's (``hidden_in_table``, with ``feedback_cost``), and with them whatever ``_revealing``
    finds, the rule applied again to protect those, until nothing more is found."""
    values: dict[Key, int] = {(index, c): row[c] for index, row in enumerate(rows) for c in COUNT_COLUMNS}
    values.update({("total", c): total[c] for c in COUNT_COLUMNS})
    constraints: list[Constraint] = [(("total", c), [(i, c) for i in range(len(rows))]) for c in COUNT_COLUMNS]
    for index in [*range(len(rows)), "total"]:
        constraints += [((index, column), [(index, part) for part in parts]) for column, parts in ROW_TOTALS]
    withheld = set(also_hidden)
    while True:
        _, hidden = hidden_in_table(
            rows,
            COUNT_COLUMNS,
            total_row=total,
            row_totals=ROW_TOTALS,
            the_rule=the_rule,
            also_hidden=withheld,
            cost=feedback_cost(providers),
        )
        more = _revealing(values, hidden, constraints)
        if not more:
            return hidden
        withheld = hidden | more


def feedback_figures(start: date, end: date, applied: Applied) -> tuple[FeedbackRow, list[FeedbackRow]]:
    """(the "All" row, a row per provider) for responses given in the months from ``start`` to
    ``end``, with the disclosure rule applied: the providers add up to All, and each question's
    positive, other and skipped answers add up to the responses.

    The same in every period asked: a figure the rule withholds in any one month (a lone answer,
    or the figure withheld so that it cannot be worked out) is withheld in every period that
    contains that month. Otherwise July to August, less July, would give August's lone answer.
    The figures withheld to protect others are chosen by ``feedback_cost`` (minor before headline)."""
    from waymark.organisations.models import Agency

    monthly = _monthly_counts(start, end)
    counts: dict[Any, dict[str, int]] = {}
    for by_provider in monthly.values():
        for pk, month_counts in by_provider.items():
            summed = counts.setdefault(pk, dict.fromkeys(COUNT_COLUMNS, 0))
            for column in COUNT_COLUMNS:
                summed[column] += month_counts[column]
    names = dict(Agency.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    providers = sorted(counts, key=lambda pk: names.get(pk, ""))
    withheld_in_a_month: set[Any] = set()
    for by_provider in monthly.values():
        month_rows, month_total = _table(by_provider, providers)
        withheld_in_a_month |= _withheld(month_rows, month_total, providers, applied.rule, set())
    rows, total = _table(counts, providers)
    shown_rows, shown_total, hidden = protect_table(
        rows,
        COUNT_COLUMNS,
        total_row=total,
        row_totals=ROW_TOTALS,
        the_rule=applied.rule,
        # Already protected (``_withheld``): the rule withholds nothing more.
        also_hidden=_withheld(rows, total, providers, applied.rule, withheld_in_a_month),
        cost=feedback_cost(providers),
    )
    applied.record("survivor feedback by provider", hidden)
    assert shown_total is not None
    return (
        FeedbackRow("All providers", shown_total),
        [FeedbackRow(names.get(pk, "Not recorded"), row) for pk, row in zip(providers, shown_rows, strict=True)],
    )


def feedback_table(start: date, end: date, applied: Applied) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows (a row per provider, then "All providers") a download or the API gives:
    the counts and each question's positive share, withheld figures as ``HIDDEN``."""
    total, rows = feedback_figures(start, end, applied)
    columns = ["provider", *COUNT_COLUMNS, *[f"{q.key}_share" for q in QUESTIONS]]
    table = [
        {"provider": row.label, **row.cells, **{f"{q.key}_share": row.share(q.key) for q in QUESTIONS}}
        for row in [*rows, total]
    ]
    return columns, table
