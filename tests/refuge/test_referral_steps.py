"""A refuge worker's decision on a referral that is no longer possible is refused in plain words,
by the sanctuary's mechanism (``states.check_move``, checked in the action before the form's
version), never the state machine's ("A refuge referral that is assessed cannot become assessed.
It can become: ..."):

1. a repeat submit (the same form posted twice: a double click, the back button) is told the step
   is already done, on which date;
2. a step after another refuge worker moved the referral on is told where the referral is now;
3. every step from every state a referral can reach, through the actions and the page.

Nothing is saved by a refusal: the referral's status and version stay, and no change is audited.
Dates are fixed: the refuge fixtures pin today to 20 November 2026 (tests/refuge/conftest.py).
"""

from __future__ import annotations

import html
import itertools
import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import signed_in_client
from tests.factories import make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.refuge import actions
from waymark.refuge.models import RefugeReferral, Vacancy
from waymark.refuge.states import (
    REFERRAL_STEPS,
    REFERRAL_TRANSITIONS,
    SANCTUARY_STEPS,
    SANCTUARY_TRANSITIONS,
    InvalidTransition,
    ReferralStatus,
    SanctuaryStatus,
    check_move,
)

pytestmark = pytest.mark.django_db

ASSESSED_ON, OFFERED_ON, ARRIVED_ON, LEFT_ON = (
    date(2026, 11, 19),
    date(2026, 11, 19),
    date(2026, 11, 20),
    date(2026, 11, 20),
)
CLOSED_ON = date(2026, 11, 20)
# The state machine's own wording, which a worker must never see for a step.
TABLE_WORDS = ("cannot become", "can become", "cannot change any more", "its status is")
UNCHANGED = "Nothing has been changed."

STEPS = ("assess", "offer", "arrive", "leave", "unsuccessful")
# Where each step takes the referral.
STEP_TARGET = {
    "assess": ReferralStatus.ASSESSED,
    "offer": ReferralStatus.OFFERED,
    "arrive": ReferralStatus.ARRIVED,
    "leave": ReferralStatus.LEFT,
    "unsuccessful": ReferralStatus.UNSUCCESSFUL,
}


@pytest.fixture
def second_worker(provider):
    """Another refuge worker at the same provider, who may decide the same referrals."""
    return make_member(Role.REFUGE_WORKER, agency=provider, full_name="Sam Second")


def _step(step: str, worker: Any, referral: RefugeReferral, vacancy: Vacancy, version: int | None) -> RefugeReferral:
    """One decision through its action, as the page posts it."""
    calls = {
        "assess": lambda: actions.referral_assess(actor=worker, referral=referral, on=ASSESSED_ON, version=version),
        "offer": lambda: actions.referral_offer(
            actor=worker, referral=referral, vacancy=vacancy, on=OFFERED_ON, version=version
        ),
        "arrive": lambda: actions.referral_arrive(actor=worker, referral=referral, on=ARRIVED_ON, version=version),
        "leave": lambda: actions.referral_leave(
            actor=worker,
            referral=referral,
            on=LEFT_ON,
            reason="planned_move_on",
            move_on="social_housing",
            version=version,
        ),
        "unsuccessful": lambda: actions.referral_unsuccessful(
            actor=worker, referral=referral, on=CLOSED_ON, reason="no_capacity", version=version
        ),
    }
    return calls[step]()


# Each state a referral can reach, as the steps that take it there.
PATHS: dict[str, tuple[str, ...]] = {
    "received": (),
    "assessed": ("assess",),
    "offered": ("assess", "offer"),
    "arrived": ("assess", "offer", "arrive"),
    "left": ("assess", "offer", "arrive", "leave"),
    "unsuccessful": ("unsuccessful",),
    "unsuccessful_after_an_offer": ("assess", "offer", "unsuccessful"),
}


def _walk(path: str, worker: Any, referral: RefugeReferral, vacancy: Vacancy) -> RefugeReferral:
    for step in PATHS[path]:
        referral = _step(step, worker, referral, vacancy, referral.version)
    return referral


ASSESSED = "This referral's assessment is already recorded (on 19 November 2026)."
OFFERED = "A space is already offered to this referral (on 19 November 2026)."
SUPPORT_ENDED = "Support ended on 20 November 2026, so nothing more can be recorded on this referral."
CLOSED = "This referral was closed as unsuccessful on 20 November 2026, so nothing more can be recorded on it."
NOT_ARRIVED = "The end of support cannot be recorded yet: record the household's arrival first."
NOT_OFFERED = "Arrival cannot be recorded yet: offer a space first."

# (state, step) -> the refusal, for every step the state does not allow.
REFUSALS: dict[tuple[str, str], str] = {
    ("received", "offer"): "A space cannot be offered yet: record the assessment first.",
    ("received", "arrive"): NOT_OFFERED,
    ("received", "leave"): NOT_ARRIVED,
    ("assessed", "assess"): ASSESSED,
    ("assessed", "arrive"): NOT_OFFERED,
    ("assessed", "leave"): NOT_ARRIVED,
    ("offered", "assess"): ASSESSED,
    ("offered", "offer"): OFFERED,
    ("offered", "leave"): NOT_ARRIVED,
    ("arrived", "assess"): ASSESSED,
    ("arrived", "offer"): OFFERED,
    ("arrived", "arrive"): "The household's arrival is already recorded (on 20 November 2026).",
    ("arrived", "unsuccessful"): (
        "The household arrived on 20 November 2026, so the referral can no longer be closed as unsuccessful. "
        "Record the end of support instead."
    ),
    **{("left", step): SUPPORT_ENDED for step in ("assess", "offer", "arrive", "unsuccessful")},
    ("left", "leave"): "The end of support is already recorded (on 20 November 2026).",
    **{(state, step): CLOSED for state in ("unsuccessful", "unsuccessful_after_an_offer") for step in STEPS},
    **{
        (state, "unsuccessful"): "This referral is already closed as unsuccessful (on 20 November 2026)."
        for state in ("unsuccessful", "unsuccessful_after_an_offer")
    },
}


def test_the_refusals_cover_exactly_the_moves_the_lifecycle_refuses():
    status_of = {
        path: ReferralStatus(STEP_TARGET[steps[-1]]) if steps else ReferralStatus.RECEIVED
        for path, steps in PATHS.items()
    }
    refused = {
        (path, step)
        for path, step in itertools.product(PATHS, STEPS)
        if STEP_TARGET[step] not in REFERRAL_TRANSITIONS[status_of[path]]
    }
    assert set(REFUSALS) == refused


def _changes(referral: RefugeReferral) -> int:
    return AuditEvent.objects.filter(object_id=str(referral.pk), action=AuditAction.UPDATE).count()


# --- 1 and 3: through the actions -------------------------------------------------------------


@pytest.mark.parametrize(("path", "step"), sorted(REFUSALS))
def test_every_step_refused_from_every_state_in_plain_words(path, step, referral, vacancy, refuge_worker):
    now = _walk(path, refuge_worker, referral, vacancy)
    changes = _changes(now)
    # At the version now (the page read just before), and at the version the referral was made at
    # (a form read before the steps since: a repeat submit), the refusal is the same plain words.
    for version in (now.version, 1, None):
        with pytest.raises(InvalidTransition) as error:
            _step(step, refuge_worker, RefugeReferral.objects.get(pk=referral.pk), vacancy, version)
        assert str(error.value) == f"{REFUSALS[(path, step)]} {UNCHANGED}"
        assert not any(words in str(error.value) for words in TABLE_WORDS)
    stored = RefugeReferral.objects.get(pk=referral.pk)
    assert (stored.status, stored.version) == (now.status, now.version)
    assert _changes(stored) == changes


def test_a_repeat_submit_is_told_the_step_is_done_not_that_someone_else_changed_it(referral, refuge_worker):
    first = actions.referral_assess(actor=refuge_worker, referral=referral, on=ASSESSED_ON, version=1)
    with pytest.raises(InvalidTransition) as error:
        # The same form again: read at version 1, before its own first save.
        actions.referral_assess(actor=refuge_worker, referral=referral, on=ASSESSED_ON, version=1)
    assert str(error.value) == f"{ASSESSED} {UNCHANGED}"
    assert RefugeReferral.objects.get(pk=referral.pk).version == first.version == 2


def test_a_stale_form_for_a_move_still_possible_is_still_refused_as_stale(referral, refuge_worker, second_worker):
    from django.core.exceptions import ValidationError

    actions.referral_assess(actor=second_worker, referral=referral, on=ASSESSED_ON, version=1)
    with pytest.raises(ValidationError, match="Someone else changed this record"):
        actions.referral_unsuccessful(
            actor=refuge_worker, referral=referral, on=CLOSED_ON, reason="no_capacity", version=1
        )


def _record(status: Any, dated: bool, words: Any) -> SimpleNamespace:
    """A record at ``status``; ``dated``: with every step's date set, else with none (an imported
    row, say): the refusal is plain words either way."""
    day = date(2026, 11, 3)
    return SimpleNamespace(status=status, **{name: (day if dated else None) for name in words.step_date.values()})


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
@pytest.mark.parametrize(
    ("words", "table", "enum"),
    [(REFERRAL_STEPS, REFERRAL_TRANSITIONS, ReferralStatus), (SANCTUARY_STEPS, SANCTUARY_TRANSITIONS, SanctuaryStatus)],
    ids=["refuge_referral", "sanctuary"],
)
def test_no_refused_move_of_either_lifecycle_uses_the_tables_words(words, table, enum, dated):
    for current, wanted in itertools.product(enum, repeat=2):
        record = _record(current, dated, words)
        if wanted in table[current]:
            check_move(words, record, wanted)
            continue
        with pytest.raises(InvalidTransition) as error:
            check_move(words, record, wanted)
        message = str(error.value)
        assert message.endswith(UNCHANGED), (current, wanted)
        assert not any(table_words in message for table_words in ("cannot become", "can become", "cannot change")), (
            current,
            wanted,
            message,
        )


# --- 1 and 2: through the page ----------------------------------------------------------------


def _day(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _form(step: str, version: int, vacancy: Vacancy) -> dict[str, str]:
    return {
        "assess": {"version": str(version), **_day("on", ASSESSED_ON)},
        "offer": {"version": str(version), "vacancy": str(vacancy.pk), **_day("on", OFFERED_ON)},
        "arrive": {"version": str(version), **_day("on", ARRIVED_ON)},
        "leave": {
            "version": str(version),
            "reason": "planned_move_on",
            "move_on": "social_housing",
            **_day("on", LEFT_ON),
        },
        "unsuccessful": {"version": str(version), "reason": "no_capacity", **_day("on", CLOSED_ON)},
    }[step]


def _post(client: Any, referral: RefugeReferral, step: str, data: dict[str, str]) -> Any:
    from django.urls import reverse

    return client.post(reverse("refuge:referral_decide", args=[referral.pk, step]), data)


def _errors(response: Any) -> str:
    """The page's error summary, as words."""
    body = html.unescape(response.content.decode())
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    assert found, "no error summary"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


# The button of each step's form on the referral page.
BUTTONS = {
    "assess": "Record the assessment</button>",
    "offer": "Offer this space</button>",
    "arrive": "Record arrival</button>",
    "leave": "Record the end of support</button>",
    "unsuccessful": "Close as unsuccessful</button>",
}
# The state each step is offered from, and what a repeat of it is told.
BEFORE = {"assess": "received", "offer": "assessed", "arrive": "offered", "leave": "arrived", "unsuccessful": "offered"}
REPEATED = {
    "assess": ASSESSED,
    "offer": OFFERED,
    "arrive": "The household's arrival is already recorded (on 20 November 2026).",
    "leave": "The end of support is already recorded (on 20 November 2026).",
    "unsuccessful": "This referral is already closed as unsuccessful (on 20 November 2026).",
}


@pytest.mark.parametrize("step", STEPS)
def test_posting_the_same_step_twice_says_it_is_already_done(step, referral, vacancy, refuge_worker):
    before = _walk(BEFORE[step], refuge_worker, referral, vacancy)
    client = signed_in_client(refuge_worker)
    form = _form(step, before.version, vacancy)
    assert _post(client, referral, step, form).status_code == 302
    done = RefugeReferral.objects.get(pk=referral.pk)
    changes = _changes(done)

    again = _post(client, referral, step, form)

    assert again.status_code == 200
    assert _errors(again) == f"{REPEATED[step]} {UNCHANGED}"
    body = html.unescape(again.content.decode())
    assert not any(words in body for words in TABLE_WORDS)
    assert "Someone else changed this record" not in body
    # The form that would repeat the step is not offered again; the page is the referral as it is now.
    assert BUTTONS[step] not in body
    assert f">{done.get_status_display()}</strong>" in body
    stored = RefugeReferral.objects.get(pk=referral.pk)
    assert (stored.status, stored.version) == (done.status, done.version)
    assert _changes(stored) == changes


@pytest.mark.parametrize(
    ("read_at", "theirs", "mine", "told"),
    [
        # Read while received; the other worker closes it; this worker assesses.
        ("received", ("unsuccessful",), "assess", CLOSED),
        # Read while offered; the other worker records arrival; this worker closes it as unsuccessful.
        (
            "offered",
            ("arrive",),
            "unsuccessful",
            "The household arrived on 20 November 2026, so the referral can no longer be closed as "
            "unsuccessful. Record the end of support instead.",
        ),
        # Read while assessed; the other worker offers the space and records arrival (the space is
        # filled); this worker offers it.
        ("assessed", ("offer", "arrive"), "offer", OFFERED),
        # Read while arrived; the other worker records the end of support; this worker does too.
        ("arrived", ("leave",), "leave", "The end of support is already recorded (on 20 November 2026)."),
    ],
)
def test_a_step_after_another_worker_moved_the_referral_on_says_where_it_is_now(
    read_at, theirs, mine, told, referral, vacancy, refuge_worker, second_worker
):
    page = _walk(read_at, refuge_worker, referral, vacancy)
    client = signed_in_client(refuge_worker)
    form = _form(mine, page.version, vacancy)  # the page this worker read
    moved = page
    for step in theirs:
        moved = _step(step, second_worker, moved, vacancy, moved.version)
    changes = _changes(moved)

    response = _post(client, referral, mine, form)

    assert response.status_code == 200
    assert _errors(response) == f"{told} {UNCHANGED}"
    body = html.unescape(response.content.decode())
    assert not any(words in body for words in TABLE_WORDS)
    stored = RefugeReferral.objects.get(pk=referral.pk)
    assert (stored.status, stored.version) == (moved.status, moved.version)
    assert _changes(stored) == changes


def test_a_refused_step_still_offered_shows_its_form_again_with_what_was_typed(referral, vacancy, refuge_worker):
    """A refusal on the form's own input (a date before the referral) keeps the form, as before."""
    client = signed_in_client(refuge_worker)
    response = _post(client, referral, "assess", {"version": "1", **_day("on", date(2026, 11, 18))})
    assert response.status_code == 200
    assert "on or after the date of the referral" in _errors(response)
    assert BUTTONS["assess"] in response.content.decode()
    assert RefugeReferral.objects.get(pk=referral.pk).status == ReferralStatus.RECEIVED
