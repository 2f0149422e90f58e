"""The tenancy panel's dates in order (walk-through 2, 3, 5 and 7): nothing dated before the
referral (``actions.not_before_referral``, one helper), a close not before the last decision or
legal step, a closed case due at no panel, panels arranged only on working days, and the home
page's "due at the next panel" the list's filter of that name."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from waymark.housing import actions, selectors
from waymark.housing.choices import LegalRoute, LegalStage, PanelDecisionKind
from waymark.housing.models import LegalStep, PanelIntelligence, PanelMeeting, PanelStatusChange
from waymark.housing.states import PanelStatus
from waymark.web.home import panels_for

pytestmark = pytest.mark.django_db

REFERRED = "The case was referred on 1 October 2026"  # the panel_case fixture's referral


@pytest.fixture
def legal_case(panel_case, panel_member, council, time_machine):
    meeting = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 10, 1))
    time_machine.move_to(date(2026, 10, 20))
    actions.panel_decision_record(
        actor=panel_member,
        case=panel_case,
        meeting=meeting,
        kind=PanelDecisionKind.LEGAL_ACTION,
        legal_route=LegalRoute.GROUND_2A,
    )
    return panel_case


def _message(error: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return error.value.message_dict[field][0]


def test_a_close_date_before_the_referral_is_refused_naming_it(legal_case, panel_member):
    with pytest.raises(ValidationError) as error:
        actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 9, 30))
    assert _message(error, "closed_on") == f"{REFERRED}: the close date cannot be before it."
    legal_case.refresh_from_db()
    assert legal_case.status == PanelStatus.LEGAL_ACTION and legal_case.closed_on is None
    assert not PanelStatusChange.objects.filter(case=legal_case, to_status=PanelStatus.CLOSED).exists()


def test_a_close_date_before_the_last_decision_or_legal_step_is_refused(legal_case, panel_member, council):
    later = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 10, 8))
    actions.panel_decision_record(actor=panel_member, case=legal_case, meeting=later, kind=PanelDecisionKind.DEFER)
    with pytest.raises(ValidationError) as error:
        actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 10, 5))
    assert "last decision was on 8 October 2026: the close date cannot be before it" in _message(error, "closed_on")
    actions.panel_legal_step_record(
        actor=panel_member, case=legal_case, stage=LegalStage.LEGAL_ADVICE, taken_on=date(2026, 10, 12)
    )
    with pytest.raises(ValidationError) as error:
        actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 10, 10))
    assert "(legal advice taken) was on 12 October 2026" in _message(error, "closed_on")
    closed = actions.panel_case_close(actor=panel_member, case=legal_case, closed_on=date(2026, 10, 12))
    assert closed.status == PanelStatus.CLOSED and closed.closed_on == date(2026, 10, 12)


def test_a_review_before_the_referral_is_refused_and_does_not_satisfy_the_check(legal_case, panel_member):
    with pytest.raises(ValidationError) as error:
        actions.panel_review_record(
            actor=panel_member,
            case=legal_case,
            pre_action_protocol_met=True,
            representations="",
            proportionality_review="Proportionate.",
            reviewed_on=date(2020, 1, 1),
        )
    assert _message(error, "reviewed_on") == f"{REFERRED}: the date of the review cannot be before it."
    legal_case.refresh_from_db()
    assert legal_case.proportionality_reviewed_on is None and legal_case.pre_action_protocol_met is None
    assert "The proportionality and vulnerability review has not been recorded." in actions.enforcement_blockers(
        legal_case, LegalStage.NOTICE_SERVED
    )


def test_legal_steps_and_intelligence_before_the_referral_are_refused(legal_case, panel_member, council):
    with pytest.raises(ValidationError) as error:
        actions.panel_legal_step_record(
            actor=panel_member, case=legal_case, stage=LegalStage.LEGAL_ADVICE, taken_on=date(2026, 9, 1)
        )
    assert _message(error, "taken_on") == f"{REFERRED}: the date of the step cannot be before it."
    with pytest.raises(ValidationError) as error:
        actions.panel_intelligence_add(
            actor=panel_member, case=legal_case, from_agency=council, shared_on=date(2026, 9, 1), summary="Call-outs"
        )
    assert _message(error, "shared_on") == f"{REFERRED}: the date it was shared cannot be before it."
    assert not LegalStep.objects.exists() and not PanelIntelligence.objects.exists()


def test_the_page_shows_the_refusal_against_the_date(legal_case, panel_member):
    response = signed_in_client(panel_member).post(
        reverse("housing:panel_close", args=[legal_case.pk]),
        {"closed_on_0": "30", "closed_on_1": "9", "closed_on_2": "2026", "version": legal_case.version},
    )
    assert response.status_code == 200
    assert f"{REFERRED}: the close date cannot be before it." in response.content.decode()


def test_a_closed_case_is_due_at_no_panel(legal_case, panel_member, council):
    coming = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 11, 26))
    type(legal_case).objects.filter(pk=legal_case.pk).update(next_panel=coming)
    legal_case.refresh_from_db()
    url = reverse("housing:panel_case", args=[legal_case.pk])
    assert "Next panel" in signed_in_client(panel_member).get(url).content.decode()
    closed = actions.panel_case_close(
        actor=panel_member, case=legal_case, closed_on=date(2026, 10, 20), expected_version=legal_case.version
    )
    assert closed.next_panel is None
    page = signed_in_client(panel_member).get(url).content.decode()
    assert "Next panel" not in page and "26 November 2026" not in page
    # A case closed before this fix, still naming a panel, shows none either.
    type(legal_case).objects.filter(pk=legal_case.pk).update(next_panel=coming)
    page = signed_in_client(panel_member).get(url).content.decode()
    assert "Next panel" not in page and "26 November 2026" not in page
    listing = signed_in_client(panel_member).get(reverse("housing:panel_list"), {"status": "all"}).content.decode()
    assert "26 November 2026" not in listing.split('id="panel-cases"')[1]


# --- Arranging a panel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "reason"),
    [
        (date(2020, 1, 1), "1 January 2020 is in the past: choose today or a later date."),
        (date(2026, 12, 2), "2 December 2026 is in the past"),
        (date(2026, 12, 5), "5 December 2026 is a Saturday. Choose a working day, Monday to Friday."),
        (date(2026, 12, 25), "25 December 2026 is in the Christmas closure (24 December to 1 January) and is a bank"),
        (date(2026, 12, 29), "29 December 2026 is in the Christmas closure (24 December to 1 January): most partner"),
        (date(2027, 1, 1), "1 January 2027 is in the Christmas closure"),
        (date(2027, 3, 26), "26 March 2027 is a bank holiday. Choose a working day."),  # Good Friday
        (date(2027, 5, 31), "31 May 2027 is a bank holiday"),  # spring bank holiday
    ],
)
def test_a_panel_is_arranged_only_on_a_coming_working_day(panel_member, council, time_machine, held_on, reason):
    time_machine.move_to(date(2026, 12, 3))
    with pytest.raises(ValidationError) as error:
        actions.panel_meeting_arrange(actor=panel_member, agency=council, held_on=held_on)
    assert reason in _message(error, "held_on")
    assert not PanelMeeting.objects.exists()


def test_arranging_a_panel_through_the_page(panel_member, council, time_machine):
    time_machine.move_to(date(2026, 12, 3))
    client = signed_in_client(panel_member)
    url = reverse("housing:panel_meeting_new")
    refused = client.post(url, {"held_on_0": "25", "held_on_1": "12", "held_on_2": "2026"})
    assert refused.status_code == 200 and "Christmas closure" in refused.content.decode()
    assert not PanelMeeting.objects.exists()
    assert client.post(url, {"held_on_0": "3", "held_on_1": "12", "held_on_2": "2026"}).status_code == 302  # today
    assert client.post(url, {"held_on_0": "10", "held_on_1": "12", "held_on_2": "2026"}).status_code == 302
    assert sorted(PanelMeeting.objects.values_list("held_on", flat=True)) == [date(2026, 12, 3), date(2026, 12, 10)]


# --- Due at the next panel: one selector for the home page and the list --------------------------


def test_home_count_and_list_filter_agree_on_due_at_the_next_panel(
    panel_case, legal_case, panel_member, officer, council, time_machine
):
    coming = actions.panel_meeting_schedule(actor=panel_member, agency=council, held_on=date(2026, 10, 29))
    # Legal action, listed for a coming panel, is not "due at the next panel"; a new referral is.
    type(legal_case).objects.filter(pk=legal_case.pk).update(next_panel=coming)
    fresh = actions.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-2",
        tenancy_type="sole",
        tenure="secure",
        referred_on=date(2026, 10, 19),
        next_panel=coming,
    )
    unlisted = actions.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-3",
        tenancy_type="sole",
        tenure="secure",
        referred_on=date(2026, 10, 19),
    )
    for user in (panel_member, officer):
        figures = {f.label: (f.value, f.href) for _r, panels in panels_for(user) for p in panels for f in p.figures}
        value, href = figures[PanelStatus.REFERRED.label]
        listing = signed_in_client(user).get(href)
        assert href.endswith("?status=referred")
        assert value == listing.context["page"].paginator.count == 2
        assert {c.pk for c in listing.context["page"]} == {fresh.pk, unlisted.pk}
        assert set(selectors.due_at_next_panel(user).values_list("pk", flat=True)) == {fresh.pk, unlisted.pk}
