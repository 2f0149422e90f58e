"""Defects from the sanctuary usability walk-through, each pinned:

1. a step dated before the step it rests on (eligibility before the risk assessment) is refused,
   naming the earlier date, with nothing saved;
2. "Record a review" is not offered once both reviews are recorded, and a POST that arrives anyway
   is refused in words;
3. a repeat submit is told the step is already done (on its date), never the state machine's
   wording; an impossible move is refused in plain words too;
4. each figure on the coordinator's home panel links to a list of exactly the records it counts,
   from the same selector, paginated, with the due date shown.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from waymark.audit.models import AuditAction, AuditEvent
from waymark.refuge import actions
from waymark.refuge.models import Sanctuary, SanctuaryReview
from waymark.refuge.states import InvalidTransition, SanctuaryStatus

pytestmark = pytest.mark.django_db

GATE = {
    "harmer_not_resident": True,
    "staying_is_safe_and_chosen": True,
    "right_to_occupy_and_consent": True,
}


def _unchanged(sanctuary, audit_rows):
    stored = Sanctuary.objects.get(pk=sanctuary.pk)
    assert stored.version == sanctuary.version and stored.status == sanctuary.status
    assert AuditEvent.objects.count() == audit_rows
    return stored


def _eligible(coordinator, sanctuary, on=date(2026, 11, 3)):
    return actions.sanctuary_confirm_eligibility(
        actor=coordinator,
        sanctuary=sanctuary,
        risk_assessed_on=date(2026, 11, 1),
        on=on,
        version=sanctuary.version,
        **GATE,
    )


def _surveyed(coordinator, sanctuary):
    s = _eligible(coordinator, sanctuary)
    return actions.sanctuary_survey(
        actor=coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo Surveyor", version=s.version
    )


def _fitted(coordinator, sanctuary):
    s = _surveyed(coordinator, sanctuary)
    return actions.sanctuary_fit(
        actor=coordinator,
        sanctuary=s,
        measures=["locks"],
        contractor="SecureCo",
        work_started_on=date(2026, 11, 10),
        fitted_on=date(2026, 11, 12),
        cost=Decimal("100"),
        at_risk_flag_set_on=date(2026, 11, 12),
        at_risk_flag_review_on=date(2027, 2, 12),
        version=s.version,
    )


def _review(coordinator, sanctuary, months, done_on):
    return actions.sanctuary_review_record(
        actor=coordinator,
        sanctuary=sanctuary,
        months=months,
        done_on=done_on,
        measures_working=True,
        still_needed=True,
    )


# --- 1. Dates follow the steps they rest on ---------------------------------------------------


def test_eligibility_dated_before_the_risk_assessment_is_refused_naming_its_date(sanctuary, sanctuary_coordinator):
    audit_rows = AuditEvent.objects.count()
    with time_machine.travel(date(2026, 12, 10), tick=False), pytest.raises(ValidationError) as error:
        actions.sanctuary_confirm_eligibility(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            risk_assessed_on=date(2026, 12, 3),
            on=date(2026, 12, 2),
            version=sanctuary.version,
            **GATE,
        )
    assert error.value.message_dict == {
        "on": [
            "The date eligibility was confirmed must be on or after the date of the risk assessment (3 December 2026)."
        ]
    }
    stored = _unchanged(sanctuary, audit_rows)
    assert stored.eligible_on is None and stored.risk_assessed_on is None and not stored.harmer_not_resident


def test_eligibility_on_the_day_of_the_risk_assessment_or_after_a_risk_assessment_before_the_referral(
    sanctuary, sanctuary_coordinator
):
    with time_machine.travel(date(2026, 12, 10), tick=False):
        s = actions.sanctuary_confirm_eligibility(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            risk_assessed_on=date(2026, 12, 3),
            on=date(2026, 12, 3),
            version=sanctuary.version,
            **GATE,
        )
    assert (s.status, s.eligible_on) == (SanctuaryStatus.ELIGIBLE, date(2026, 12, 3))


def test_eligibility_before_the_referral_names_the_referral_date(sanctuary, sanctuary_coordinator):
    # A risk assessment may be older than the referral; eligibility still follows the referral.
    with pytest.raises(ValidationError) as error:
        actions.sanctuary_confirm_eligibility(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            risk_assessed_on=date(2026, 10, 20),
            on=date(2026, 11, 1),
            version=sanctuary.version,
            **GATE,
        )
    assert error.value.message_dict["on"] == [
        "The date eligibility was confirmed must be on or after the date of the referral (2 November 2026)."
    ]


def test_the_eligibility_page_shows_the_date_error_and_saves_nothing(sanctuary, sanctuary_coordinator):
    with time_machine.travel(date(2026, 12, 10), tick=False):
        response = signed_in_client(sanctuary_coordinator).post(
            reverse("refuge:sanctuary_step", args=[sanctuary.pk, "eligibility"]),
            {
                "version": "1",
                "harmer_not_resident": "on",
                "staying_is_safe_and_chosen": "on",
                "right_to_occupy_and_consent": "on",
                "risk_assessed_on_0": "3",
                "risk_assessed_on_1": "12",
                "risk_assessed_on_2": "2026",
                "on_0": "2",
                "on_1": "12",
                "on_2": "2026",
            },
        )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "on or after the date of the risk assessment (3 December 2026)" in body
    assert Sanctuary.objects.get().status == SanctuaryStatus.REFERRED


def test_the_survey_fitting_and_removal_follow_their_steps(sanctuary, sanctuary_coordinator):
    s = _eligible(sanctuary_coordinator, sanctuary)
    with pytest.raises(ValidationError, match=r"on or after the eligibility date \(3 November 2026\)"):
        actions.sanctuary_survey(
            actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 11, 2), surveyor="Jo", version=s.version
        )
    s = actions.sanctuary_survey(
        actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo", version=s.version
    )
    fitting = {
        "measures": ["locks"],
        "contractor": "SecureCo",
        "work_started_on": date(2026, 11, 3),
        "fitted_on": date(2026, 11, 12),
        "cost": None,
    }
    with pytest.raises(ValidationError, match=r"on or after the survey date \(4 November 2026\)"):
        actions.sanctuary_fit(actor=sanctuary_coordinator, sanctuary=s, version=s.version, **fitting)
    with pytest.raises(ValidationError, match=r"on or after the date work started \(10 November 2026\)"):
        actions.sanctuary_fit(
            actor=sanctuary_coordinator,
            sanctuary=s,
            version=s.version,
            **{**fitting, "work_started_on": date(2026, 11, 10), "fitted_on": date(2026, 11, 9)},
        )
    assert Sanctuary.objects.get().status == SanctuaryStatus.SURVEYED


def test_removal_follows_the_fitting(sanctuary, sanctuary_coordinator):
    s = _fitted(sanctuary_coordinator, sanctuary)
    with pytest.raises(ValidationError, match=r"on or after the date fitted \(12 November 2026\)"):
        actions.sanctuary_remove(
            actor=sanctuary_coordinator,
            sanctuary=s,
            removed_on=date(2026, 11, 11),
            reason="no_longer_needed",
            version=s.version,
        )
    assert Sanctuary.objects.get().status == SanctuaryStatus.INSTALLED


def test_a_review_follows_the_fitting_and_the_six_month_review_follows_the_three_month(
    sanctuary, sanctuary_coordinator
):
    s = _fitted(sanctuary_coordinator, sanctuary)
    with time_machine.travel(date(2027, 6, 1), tick=False):
        with pytest.raises(ValidationError, match=r"on or after the date fitted \(12 November 2026\)"):
            _review(sanctuary_coordinator, s, 3, date(2026, 11, 11))
        _review(sanctuary_coordinator, s, 3, date(2027, 2, 15))
        audit_rows = AuditEvent.objects.count()
        with pytest.raises(ValidationError) as error:
            _review(sanctuary_coordinator, s, 6, date(2027, 2, 14))
        assert error.value.message_dict == {
            "done_on": ["The review date must be on or after the 3-month review (15 February 2027)."]
        }
        assert SanctuaryReview.objects.filter(months=6).count() == 0 and AuditEvent.objects.count() == audit_rows


def test_a_three_month_review_cannot_be_dated_after_the_six_month_review(sanctuary, sanctuary_coordinator):
    s = _fitted(sanctuary_coordinator, sanctuary)
    with time_machine.travel(date(2027, 6, 1), tick=False):
        _review(sanctuary_coordinator, s, 6, date(2027, 5, 12))
        with pytest.raises(ValidationError) as error:
            _review(sanctuary_coordinator, s, 3, date(2027, 5, 20))
    assert error.value.message_dict == {
        "done_on": ["The review date must be on or before the 6-month review (12 May 2027)."]
    }
    assert SanctuaryReview.objects.count() == 1


def test_a_withdrawal_follows_the_last_step_recorded(sanctuary, sanctuary_coordinator):
    s = _surveyed(sanctuary_coordinator, sanctuary)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        actions.sanctuary_withdraw(actor=sanctuary_coordinator, sanctuary=s, on=date(2026, 11, 3), version=s.version)
    assert error.value.message_dict == {
        "on": ["The date withdrawn must be on or after the survey date (4 November 2026)."]
    }
    stored = _unchanged(s, audit_rows)
    assert stored.withdrawn_on is None
    withdrawn = actions.sanctuary_withdraw(
        actor=sanctuary_coordinator, sanctuary=s, on=date(2026, 11, 4), version=s.version
    )
    assert withdrawn.status == SanctuaryStatus.WITHDRAWN


# --- 2. No review left: not offered, and refused ----------------------------------------------


def _both_reviews_done(coordinator, sanctuary):
    s = _fitted(coordinator, sanctuary)
    with time_machine.travel(date(2027, 6, 1), tick=False):
        _review(coordinator, s, 3, date(2027, 2, 15))
        _review(coordinator, s, 6, date(2027, 5, 14))
    return Sanctuary.objects.get(pk=s.pk)


def _review_link(sanctuary):
    return reverse("refuge:sanctuary_step", args=[sanctuary.pk, "review"])


def test_record_a_review_is_offered_only_while_a_review_is_left(sanctuary, sanctuary_coordinator):
    s = _fitted(sanctuary_coordinator, sanctuary)
    with time_machine.travel(date(2027, 6, 1), tick=False):
        client = signed_in_client(sanctuary_coordinator)
        assert _review_link(s) in client.get(reverse("refuge:sanctuary", args=[s.pk])).content.decode()
        _review(sanctuary_coordinator, s, 3, date(2027, 2, 15))
        page = client.get(reverse("refuge:sanctuary", args=[s.pk])).content.decode()
        assert _review_link(s) in page
        form = client.get(_review_link(s)).content.decode()
        assert "6-month review" in form and "3-month review" not in form  # only the review left
        _review(sanctuary_coordinator, s, 6, date(2027, 5, 14))
        page = client.get(reverse("refuge:sanctuary", args=[s.pk])).content.decode()
    assert _review_link(s) not in page and "Record a review" not in page
    assert 'Review the "at risk" flag' in page or "Review the &quot;at risk&quot; flag" in page


def test_a_review_posted_when_none_is_left_is_refused_in_words(sanctuary, sanctuary_coordinator):
    s = _both_reviews_done(sanctuary_coordinator, sanctuary)
    changes = AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count()
    with time_machine.travel(date(2027, 6, 1), tick=False):
        client = signed_in_client(sanctuary_coordinator)
        response = client.post(
            _review_link(s),
            {"months": "6", "done_on_0": "1", "done_on_1": "6", "done_on_2": "2027", "measures_working": "on"},
            follow=True,
        )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("refuge:sanctuary", args=[s.pk])
    assert (
        "Both reviews are already recorded (the 3-month review on 15 February 2027, the 6-month review on "
        "14 May 2027). There is no review left to record. Nothing has been changed."
    ) in body.replace("&#x27;", "'")
    assert SanctuaryReview.objects.count() == 2
    assert AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count() == changes


def test_the_action_refuses_a_review_when_none_is_left(sanctuary, sanctuary_coordinator):
    s = _both_reviews_done(sanctuary_coordinator, sanctuary)
    audit_rows = AuditEvent.objects.count()
    with time_machine.travel(date(2027, 6, 1), tick=False), pytest.raises(ValidationError) as error:
        _review(sanctuary_coordinator, s, 3, date(2027, 6, 1))
    assert error.value.message_dict["months"][0].startswith("Both reviews are already recorded")
    assert SanctuaryReview.objects.count() == 2 and AuditEvent.objects.count() == audit_rows


# --- 3. A repeat submit in plain words ---------------------------------------------------------


def test_a_repeat_eligibility_submit_says_it_is_already_confirmed(sanctuary, sanctuary_coordinator):
    first = _eligible(sanctuary_coordinator, sanctuary)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as error:
        actions.sanctuary_confirm_eligibility(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            risk_assessed_on=date(2026, 11, 1),
            on=date(2026, 11, 5),
            version=1,  # the form as read before its own first save
            **GATE,
        )
    assert str(error.value) == (
        "This referral's eligibility is already confirmed (on 3 November 2026). Nothing has been changed."
    )
    assert _unchanged(first, audit_rows).eligible_on == date(2026, 11, 3)


def test_a_repeat_submit_of_the_page_shows_the_plain_words(sanctuary, sanctuary_coordinator):
    client = signed_in_client(sanctuary_coordinator)
    form = {
        "version": "1",
        "harmer_not_resident": "on",
        "staying_is_safe_and_chosen": "on",
        "right_to_occupy_and_consent": "on",
        "risk_assessed_on_0": "1",
        "risk_assessed_on_1": "11",
        "risk_assessed_on_2": "2026",
        "on_0": "3",
        "on_1": "11",
        "on_2": "2026",
    }
    url = reverse("refuge:sanctuary_step", args=[sanctuary.pk, "eligibility"])
    assert client.post(url, form).status_code == 302
    body = client.post(url, form).content.decode().replace("&#x27;", "'")
    assert "This referral's eligibility is already confirmed (on 3 November 2026). Nothing has been changed." in body
    assert "cannot become" not in body and "It can become" not in body
    assert Sanctuary.objects.get().version == 2


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("survey", "This referral's survey is already recorded (on 4 November 2026). Nothing has been changed."),
        (
            "fit",
            "The measures for this referral are already recorded as fitted (on 12 November 2026). "
            "Nothing has been changed.",
        ),
    ],
)
def test_each_repeated_step_says_when_it_was_done(sanctuary, sanctuary_coordinator, step, message):
    s = _fitted(sanctuary_coordinator, sanctuary)
    with pytest.raises(InvalidTransition) as error:
        if step == "survey":
            actions.sanctuary_survey(
                actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo", version=3
            )
        else:
            actions.sanctuary_fit(
                actor=sanctuary_coordinator,
                sanctuary=s,
                measures=["locks"],
                contractor="SecureCo",
                work_started_on=date(2026, 11, 10),
                fitted_on=date(2026, 11, 12),
                cost=None,
                version=3,
            )
    assert str(error.value) == message


def test_repeat_withdrawal_and_removal(sanctuary, sanctuary_coordinator):
    s = actions.sanctuary_withdraw(
        actor=sanctuary_coordinator, sanctuary=sanctuary, on=date(2026, 11, 5), version=sanctuary.version
    )
    with pytest.raises(InvalidTransition) as error:
        actions.sanctuary_withdraw(actor=sanctuary_coordinator, sanctuary=s, on=date(2026, 11, 6), version=1)
    assert str(error.value) == "This referral is already withdrawn (on 5 November 2026). Nothing has been changed."
    with pytest.raises(InvalidTransition) as error:
        _eligible(sanctuary_coordinator, s)
    assert str(error.value) == (
        "This referral was withdrawn on 5 November 2026, so nothing more can be recorded on it. "
        "Nothing has been changed."
    )


@pytest.mark.parametrize(
    ("stage", "call", "message"),
    [
        (
            "referred",
            "survey",
            "The survey cannot be recorded yet: confirm eligibility first. Nothing has been changed.",
        ),
        (
            "eligible",
            "fit",
            "The measures fitted cannot be recorded yet: record the survey first. Nothing has been changed.",
        ),
        (
            "installed",
            "withdraw",
            "The measures were fitted on 12 November 2026, so the referral can no longer be withdrawn. "
            "Record their removal instead. Nothing has been changed.",
        ),
        (
            "surveyed",
            "eligibility",
            "This referral's eligibility is already confirmed (on 3 November 2026). Nothing has been changed.",
        ),
    ],
)
def test_impossible_moves_are_refused_in_plain_words(sanctuary, sanctuary_coordinator, stage, call, message):
    s = {
        "referred": lambda: sanctuary,
        "eligible": lambda: _eligible(sanctuary_coordinator, sanctuary),
        "surveyed": lambda: _surveyed(sanctuary_coordinator, sanctuary),
        "installed": lambda: _fitted(sanctuary_coordinator, sanctuary),
    }[stage]()
    calls = {
        "survey": lambda: actions.sanctuary_survey(
            actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo", version=s.version
        ),
        "fit": lambda: actions.sanctuary_fit(
            actor=sanctuary_coordinator,
            sanctuary=s,
            measures=["locks"],
            contractor="X",
            work_started_on=date(2026, 11, 10),
            fitted_on=date(2026, 11, 12),
            cost=None,
            version=s.version,
        ),
        "withdraw": lambda: actions.sanctuary_withdraw(
            actor=sanctuary_coordinator, sanctuary=s, on=date(2026, 11, 15), version=s.version
        ),
        "eligibility": lambda: _eligible(sanctuary_coordinator, s),
    }
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as error:
        calls[call]()
    assert str(error.value) == message
    assert "cannot become" not in str(error.value)
    _unchanged(s, audit_rows)


def test_a_stale_form_for_a_possible_move_is_still_refused_as_stale(sanctuary, sanctuary_coordinator):
    with pytest.raises(ValidationError, match="Someone else changed this record"):
        actions.sanctuary_withdraw(actor=sanctuary_coordinator, sanctuary=sanctuary, on=date(2026, 11, 5), version=7)


# --- 4. The coordinator's figures lead to their records -----------------------------------------


def _copy(template, number, **fields):
    copy = Sanctuary.objects.get(pk=template.pk)
    copy.id, copy.number, copy._state.adding = uuid.uuid4(), number, True
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save(force_insert=True)
    return copy


@pytest.fixture
def caseload(sanctuary, sanctuary_coordinator):
    """Around the 20 February 2027 of the walk-through: installs with reviews due, overdue, done and
    not yet due; flags due and not; installs waiting for the survey or the fitting; new referrals."""
    fitted = _fitted(sanctuary_coordinator, sanctuary)  # 3-month due 12 Feb 2027: overdue; flag due 12 Feb
    installed = {"status": SanctuaryStatus.INSTALLED}
    both_due = _copy(fitted, "SS-2026-0101", fitted_on=date(2026, 8, 1), **installed)  # 1 Nov and 1 Feb
    soon = _copy(fitted, "SS-2026-0102", fitted_on=date(2026, 11, 25), at_risk_flag_review_on=date(2027, 3, 1))
    _copy(fitted, "SS-2026-0103", fitted_on=date(2026, 12, 20), at_risk_flag_review_on=date(2027, 2, 20))
    done = _copy(fitted, "SS-2026-0104", fitted_on=date(2026, 11, 1), at_risk_flag_removed_on=date(2027, 1, 1))
    SanctuaryReview.objects.create(sanctuary=done, months=3, done_on=date(2027, 2, 1), done_by=sanctuary_coordinator)
    _copy(
        fitted, "SS-2026-0105", status=SanctuaryStatus.REMOVED, fitted_on=date(2026, 6, 1), removed_on=date(2026, 9, 1)
    )
    waiting = [
        _copy(
            fitted,
            "SS-2026-0106",
            status=SanctuaryStatus.ELIGIBLE,
            fitted_on=None,
            at_risk_flag_set_on=None,
            at_risk_flag_review_on=None,
        ),
        _copy(
            fitted,
            "SS-2026-0107",
            status=SanctuaryStatus.SURVEYED,
            fitted_on=None,
            at_risk_flag_set_on=None,
            at_risk_flag_review_on=None,
        ),
    ]
    _copy(
        fitted,
        "SS-2026-0108",
        status=SanctuaryStatus.REFERRED,
        fitted_on=None,
        at_risk_flag_set_on=None,
        at_risk_flag_review_on=None,
    )
    return {"fitted": fitted, "both_due": both_due, "soon": soon, "waiting": waiting}


def _panel(user):
    from waymark.refuge.hooks import _sanctuary_coordinator

    return {figure.label: figure for figure in _sanctuary_coordinator(user).figures}


def _listed(client, href):
    body = client.get(href).content.decode()
    return body, re.findall(r"SS-\d{4}-\d{4}", body.split('class="govuk-table__body"', 1)[-1])


def test_each_figure_links_to_exactly_the_records_it_counts(caseload, sanctuary_coordinator):
    with time_machine.travel(date(2027, 2, 20), tick=False):
        client = signed_in_client(sanctuary_coordinator)
        figures = _panel(sanctuary_coordinator)
        reviews = figures["Reviews due in 14 days or overdue"]
        flags = figures['"At risk" flags to review']
        waiting = figures["Waiting for survey or fitting"]
        assert (reviews.value, flags.value, waiting.value) == (4, 4, 2)
        assert reviews.href.endswith("?due=review&scheme=mine")
        assert flags.href.endswith("?flag=at_risk&scheme=mine")
        assert waiting.href.endswith("?stage=waiting&scheme=mine")

        body, numbers = _listed(client, reviews.href)
        # Both reviews of the one fitted in August, the overdue 3-month of the original, the one due soon.
        assert numbers == ["SS-2026-0101", "SS-2026-0101", "SS-2026-0001", "SS-2026-0102"]
        assert "4 reviews due in 14 days or overdue" in body
        assert "Review due" in body and "1 November 2026" in body and "25 February 2027" in body
        assert "Overdue" in body

        body, numbers = _listed(client, flags.href)
        assert sorted(numbers) == ["SS-2026-0001", "SS-2026-0101", "SS-2026-0103", "SS-2026-0105"]
        assert "Flag review due" in body and len(numbers) == flags.value

        body, numbers = _listed(client, waiting.href)
        assert sorted(numbers) == ["SS-2026-0106", "SS-2026-0107"]
        assert "waiting for the survey" in body and "waiting for the fitting" in body

        body, numbers = _listed(client, figures["New referrals"].href)
        assert numbers == ["SS-2026-0108"] and figures["New referrals"].value == 1


def test_the_counted_list_is_paginated_not_truncated(sanctuary, sanctuary_coordinator):
    fitted = _fitted(sanctuary_coordinator, sanctuary)
    for n in range(60):
        _copy(fitted, f"SS-2026-{200 + n:04d}", fitted_on=date(2026, 8, 1))  # both reviews due each
    with time_machine.travel(date(2027, 2, 20), tick=False):
        client = signed_in_client(sanctuary_coordinator)
        figure = _panel(sanctuary_coordinator)["Reviews due in 14 days or overdue"]
        assert figure.value == 121
        first, on_first = _listed(client, figure.href)
        _, on_second = _listed(client, figure.href + "&page=2")
        _, on_third = _listed(client, figure.href + "&page=3")
    assert "121 reviews due in 14 days or overdue" in first
    assert (len(on_first), len(on_second), len(on_third)) == (50, 50, 21)
    assert "Page 1 of 3" in first and "due=review&amp;scheme=mine&amp;page=2" in first


def test_the_caseworker_figure_links_to_the_reviews_due(caseload, idva):
    from waymark.refuge.hooks import _safe_accommodation_search

    with time_machine.travel(date(2027, 2, 20), tick=False):
        figure = next(f for f in _safe_accommodation_search(idva).figures if f.label.startswith("Sanctuary reviews"))
        _, numbers = _listed(signed_in_client(idva), figure.href)
    assert figure.href.endswith("?due=review") and len(numbers) == figure.value
