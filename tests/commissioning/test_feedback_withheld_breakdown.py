"""A provider's withheld responses must not come with answers that say how they answered (found by
a probe).

Before the fix the API gave a provider's 1 to 9 responses as [c] and beside them "positive [c],
other 0, skipped 0" for every question: every respondent answered positively. No withheld figure
could be worked out by adding and subtracting, which is all the disclosure rule checked; the zeros
said it. With a second provider whose answers were all positive too, All's "other 0" said the same
(counts are never negative). Now a withheld total's answers are withheld with it, zeros included,
and a total whose withheld parts must all be zero is withheld (``feedback._revealing``). The API,
the dashboard (and its download) and the board pack read the one function, ``feedback_figures``.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.api.conftest import token_client
from tests.factories import AgencyFactory, make_member
from waymark.commissioning.feedback import QUESTIONS, feedback_link_give, feedback_submit
from waymark.commissioning.models import FeedbackKind
from waymark.core.disclosure import SYMBOL
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

POSITIVE = {"satisfied": "happy", "safer": "yes", "listened": "yes", "recommend": "yes"}
PARTS = ("positive", "other", "skipped")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(date(2026, 8, 10), tick=False) as traveller:
        yield traveller


def _answers(provider, n, answers):
    for _ in range(n):
        token, _ = feedback_link_give(
            actor=make_member(Role.CASEWORKER, agency=provider),
            kind=FeedbackKind.END_OF_SUPPORT,
            about=provider,
            provider_id=provider.pk,
        )
        feedback_submit(token=token, answers=answers)


def _api_rows(commissioner, pinned):
    pinned.move_to(date(2026, 12, 2))
    response = token_client(commissioner).get(
        "/api/commissioning/feedback/", {"from": "2026-07-01", "to": "2026-09-30"}
    )
    assert response.status_code == 200, response.content
    return {row["provider"]: row for row in response.json()["rows"]}


def _page_rows(client_for, commissioner) -> dict[str, str]:
    page = client_for(commissioner).get(reverse("commissioning:outcomes"), {"period": "q-2026-2", "by": "provider"})
    body = page.content.decode()
    table = body[body.index('id="feedback-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)
    return {re.search(r'scope="row"[^>]*>([^<]*)<', row).group(1): row for row in rows if 'scope="row"' in row}


def _all_positive_is_forced(rows: dict[str, dict], harbour: str, others: list[str], key: str) -> bool:
    """Whether the figures shown force every one of ``harbour``'s respondents to have answered
    ``key`` positively: no counts that agree with what is shown (whole numbers, never negative,
    each row's answers adding up to its responses, the providers adding up to All) give one of them
    another answer or none. Searched over Harbour's answers (1 to 9 responses: it is withheld);
    the other providers' counts are whatever is left, free where withheld."""

    def cell(row, column):
        value = rows[row][column]
        return None if value == SYMBOL else value

    columns = ["responses", *[f"{key}_{part}" for part in PARTS]]
    everyone = rows["All providers"]
    assert len(others) == 1, "the search below is written for one other provider"
    (other,) = others
    for responses in range(1, 10):
        for positive, not_positive in itertools.product(range(responses + 1), repeat=2):
            if positive + not_positive > responses:
                continue
            mine = {"responses": responses, f"{key}_positive": positive}
            mine[f"{key}_other"] = not_positive
            mine[f"{key}_skipped"] = responses - positive - not_positive
            if any(cell(harbour, c) is not None and cell(harbour, c) != mine[c] for c in columns):
                continue
            theirs: dict[str, int | None] = {}
            consistent = True
            for c in columns:
                shown_all = None if everyone[c] == SYMBOL else everyone[c]
                shown_theirs = cell(other, c)
                if shown_all is not None and shown_theirs is not None and shown_all != mine[c] + shown_theirs:
                    consistent = False
                theirs[c] = (
                    shown_theirs
                    if shown_theirs is not None
                    else (shown_all - mine[c] if shown_all is not None else None)
                )
                if theirs[c] is not None and theirs[c] < 0:
                    consistent = False
            if not consistent:
                continue
            fixed = [theirs[f"{key}_{part}"] for part in PARTS]
            known = sum(value for value in fixed if value is not None)
            if theirs["responses"] is not None:
                if None in fixed and theirs["responses"] < known:
                    continue
                if None not in fixed and theirs["responses"] != known:
                    continue
            if mine[f"{key}_other"] + mine[f"{key}_skipped"] > 0:
                return False  # a world the figures allow where one of hers did not answer positively
    return True


def test_a_lone_providers_all_positive_answers_are_not_shown(client_for, commissioner, pinned):
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    _answers(harbour, 5, POSITIVE)
    rows = _api_rows(commissioner, pinned)
    for name in ("Harbour Advocacy", "All providers"):
        row = rows[name]
        assert row["responses"] == SYMBOL
        shown = {c: v for c, v in row.items() if c != "provider" and v != SYMBOL}
        assert shown == {}, f"{name}: shown beside withheld responses: {shown}"
    page = _page_rows(client_for, commissioner)
    for name in ("Harbour Advocacy", "All providers"):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", page[name], re.S)
        assert SYMBOL in cells[0]
        assert not re.search(r"\d", " ".join(cells)), f"{name}: a figure shown: {cells}"


def test_all_providers_zero_does_not_say_how_a_withheld_provider_answered(client_for, commissioner, pinned):
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    bridge = AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST)
    _answers(harbour, 5, POSITIVE)
    _answers(bridge, 20, POSITIVE)
    rows = _api_rows(commissioner, pinned)
    assert rows["Harbour Advocacy"]["responses"] == SYMBOL
    for question in QUESTIONS:
        assert not _all_positive_is_forced(rows, "Harbour Advocacy", ["Bridge Project"], question.key), question.key
        assert rows["All providers"][f"{question.key}_share"] != 1.0
    page = _page_rows(client_for, commissioner)
    assert "100%" not in page["All providers"] and "100%" not in page["Harbour Advocacy"]


def test_answers_beside_shown_responses_are_still_shown(commissioner, pinned):
    """Ten or more responses all positive is what the rule allows to be shown, zeros and all."""
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    _answers(harbour, 12, POSITIVE)
    row = _api_rows(commissioner, pinned)["Harbour Advocacy"]
    assert row["responses"] == 12
    assert (row["satisfied_positive"], row["satisfied_other"], row["satisfied_skipped"]) == (12, 0, 0)
    assert row["satisfied_share"] == 1.0
