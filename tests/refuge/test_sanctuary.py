"""The sanctuary scheme: the eligibility gate (every condition on its own, nothing partial saved),
survey, fitting, the fire-service visit and "at risk" flag, reviews at 3 and 6 months, removal and
the survivor's feedback; the property address as protected as a refuge's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.refuge.conftest import CANARY
from waymark.audit.models import AuditEvent
from waymark.refuge import actions
from waymark.refuge.models import Sanctuary, SanctuaryReview
from waymark.refuge.selectors import reviews_due, sanctuary_reviews
from waymark.refuge.states import InvalidTransition, SanctuaryStatus

pytestmark = pytest.mark.django_db

ALL_MET = {
    "harmer_not_resident": True,
    "staying_is_safe_and_chosen": True,
    "right_to_occupy_and_consent": True,
    "risk_assessed_on": date(2026, 11, 1),
}


def _gate(coordinator, sanctuary, **answers):
    return actions.sanctuary_confirm_eligibility(
        actor=coordinator,
        sanctuary=sanctuary,
        on=date(2026, 11, 3),
        version=sanctuary.version,
        **{**ALL_MET, **answers},
    )


def test_referral_is_numbered_and_its_address_encrypted(sanctuary):
    assert sanctuary.number == "SS-2026-0001" and sanctuary.status == SanctuaryStatus.REFERRED
    with connection.cursor() as cursor:
        cursor.execute("SELECT line1, town, postcode FROM refuge_sanctuary")
        row = cursor.fetchone()
    assert all(value.startswith("v1:") and CANARY not in value for value in row)
    assert CANARY not in str(sanctuary)


def test_all_four_conditions_open_the_gate(sanctuary, sanctuary_coordinator):
    passed = _gate(sanctuary_coordinator, sanctuary)
    assert passed.status == SanctuaryStatus.ELIGIBLE and passed.eligible_on == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("failing", "message"),
    [
        ({"harmer_not_resident": False}, "The person causing harm must not live at the property."),
        ({"staying_is_safe_and_chosen": False}, "Staying must be safe, and the survivor's own choice."),
        (
            {"right_to_occupy_and_consent": False},
            "The survivor must have the right to occupy, and the owner must agree.",
        ),
        ({"risk_assessed_on": None}, "A risk assessment must have been done (enter its date)."),
    ],
)
def test_each_failing_condition_is_refused_on_its_own_and_nothing_is_saved(
    sanctuary, sanctuary_coordinator, failing, message
):
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        _gate(sanctuary_coordinator, sanctuary, **failing)
    assert error.value.message_dict == {next(iter(failing)): [message]}
    stored = Sanctuary.objects.get(pk=sanctuary.pk)
    assert stored.status == SanctuaryStatus.REFERRED and stored.eligible_on is None
    assert not (stored.harmer_not_resident or stored.staying_is_safe_and_chosen or stored.right_to_occupy_and_consent)
    assert stored.risk_assessed_on is None and stored.version == 1
    assert AuditEvent.objects.count() == audit_rows


def test_every_failing_condition_is_named_together(sanctuary, sanctuary_coordinator):
    with pytest.raises(ValidationError) as error:
        _gate(
            sanctuary_coordinator,
            sanctuary,
            harmer_not_resident=False,
            staying_is_safe_and_chosen=False,
            right_to_occupy_and_consent=False,
            risk_assessed_on=None,
        )
    assert len(error.value.message_dict) == 4


def test_the_gate_refuses_a_risk_assessment_dated_in_the_future(sanctuary, sanctuary_coordinator):
    with pytest.raises(ValidationError) as error:
        _gate(sanctuary_coordinator, sanctuary, risk_assessed_on=date(2026, 12, 1))
    assert "risk_assessed_on" in error.value.message_dict


def test_the_gate_page_shows_each_reason(sanctuary, sanctuary_coordinator):
    response = signed_in_client(sanctuary_coordinator).post(
        reverse("refuge:sanctuary_step", args=[sanctuary.pk, "eligibility"]),
        {"version": "1", "harmer_not_resident": "on", "on_0": "3", "on_1": "11", "on_2": "2026"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert (
        "Staying must be safe" in body and "right to occupy" in body and "A risk assessment must have been done" in body
    )
    assert Sanctuary.objects.get().status == SanctuaryStatus.REFERRED


def _installed(sanctuary, coordinator):
    s = _gate(coordinator, sanctuary)
    s = actions.sanctuary_survey(
        actor=coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo Surveyor", version=s.version
    )
    return actions.sanctuary_fit(
        actor=coordinator,
        sanctuary=s,
        measures=["locks", "door", "window", "safe_room"],
        contractor="SecureCo",
        work_started_on=date(2026, 11, 10),
        fitted_on=date(2026, 11, 12),
        cost=Decimal("1450.00"),
        fire_visit_on=date(2026, 11, 13),
        at_risk_flag_set_on=date(2026, 11, 12),
        at_risk_flag_review_on=date(2027, 2, 12),
        version=s.version,
    )


def test_survey_fit_flag_reviews_removal_and_feedback(sanctuary, sanctuary_coordinator, idva):
    s = _installed(sanctuary, sanctuary_coordinator)
    assert s.status == SanctuaryStatus.INSTALLED and s.measure_labels[0] == "Replacement locks"
    assert (s.contractor, s.cost, s.fire_visit_on) == ("SecureCo", Decimal("1450.00"), date(2026, 11, 13))
    assert [(r.months, r.due_on) for r in sanctuary_reviews(s)] == [(3, date(2027, 2, 12)), (6, date(2027, 5, 12))]
    with time_machine.travel(date(2027, 2, 20), tick=False):
        actions.sanctuary_review_record(
            actor=sanctuary_coordinator,
            sanctuary=s,
            months=3,
            done_on=date(2027, 2, 15),
            measures_working=True,
            still_needed=True,
        )
        with pytest.raises(ValidationError, match="already recorded"):
            actions.sanctuary_review_record(
                actor=sanctuary_coordinator,
                sanctuary=s,
                months=3,
                done_on=date(2027, 2, 16),
                measures_working=True,
                still_needed=True,
            )
        s = actions.sanctuary_flag_update(
            actor=sanctuary_coordinator, sanctuary=s, review_on=date(2027, 5, 12), version=s.version
        )
        s = actions.sanctuary_feedback(
            actor=idva,
            sanctuary=s,
            feedback_on=date(2027, 2, 20),
            felt_safer="yes",
            satisfaction=5,
            comment="Much safer",
            version=s.version,
        )
    with time_machine.travel(date(2027, 6, 1), tick=False):
        s = actions.sanctuary_flag_update(
            actor=sanctuary_coordinator, sanctuary=s, removed_on=date(2027, 5, 20), version=s.version
        )
        s = actions.sanctuary_remove(
            actor=sanctuary_coordinator,
            sanctuary=s,
            removed_on=date(2027, 6, 1),
            reason="no_longer_needed",
            version=s.version,
        )
    assert s.status == SanctuaryStatus.REMOVED and s.at_risk_flag_removed_on == date(2027, 5, 20)
    assert s.felt_safer == "yes" and SanctuaryReview.objects.count() == 1


def test_review_due_dates_across_a_month_end_and_a_leap_year(sanctuary, sanctuary_coordinator):
    s = _installed(sanctuary, sanctuary_coordinator)
    s.fitted_on = date(2027, 11, 30)
    assert [r.due_on for r in sanctuary_reviews(s)] == [date(2028, 2, 29), date(2028, 5, 30)]
    s.fitted_on = date(2026, 8, 31)
    assert [r.due_on for r in sanctuary_reviews(s)] == [date(2026, 11, 30), date(2027, 2, 28)]


def test_reviews_due_lists_overdue_and_soon(sanctuary, sanctuary_coordinator):
    s = _installed(sanctuary, sanctuary_coordinator)
    scope = Sanctuary.objects.all()
    assert reviews_due(scope, date(2027, 1, 28)) == []
    assert [r.months for _, r in reviews_due(scope, date(2027, 1, 29))] == [3]
    assert [r.months for _, r in reviews_due(scope, date(2027, 6, 1))] == [3, 6]
    assert s.pk == reviews_due(scope, date(2027, 6, 1))[0][0].pk


def test_fitting_before_the_gate_is_refused(sanctuary, sanctuary_coordinator):
    with pytest.raises(InvalidTransition):
        actions.sanctuary_fit(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            measures=["locks"],
            contractor="X",
            work_started_on=date(2026, 11, 10),
            fitted_on=date(2026, 11, 12),
            cost=None,
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measures": []}, "measures"),
        ({"measures": ["moat"]}, "measures"),
        ({"contractor": ""}, "contractor"),
        ({"fitted_on": date(2026, 11, 9)}, "fitted_on"),
        ({"cost": Decimal("-1")}, "cost"),
        ({"at_risk_flag_review_on": None}, "at_risk_flag_review_on"),
        ({"at_risk_flag_set_on": None}, "at_risk_flag_set_on"),
    ],
)
def test_bad_fitting_details_are_refused(sanctuary, sanctuary_coordinator, overrides, field):
    s = _gate(sanctuary_coordinator, sanctuary)
    s = actions.sanctuary_survey(
        actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 11, 4), surveyor="Jo", version=s.version
    )
    values = {
        "measures": ["locks"],
        "contractor": "SecureCo",
        "work_started_on": date(2026, 11, 10),
        "fitted_on": date(2026, 11, 12),
        "cost": Decimal("10"),
        "at_risk_flag_set_on": date(2026, 11, 12),
        "at_risk_flag_review_on": date(2027, 2, 12),
    }
    values.update(overrides)
    with pytest.raises(ValidationError) as error:
        actions.sanctuary_fit(actor=sanctuary_coordinator, sanctuary=s, version=s.version, **values)
    assert field in error.value.message_dict
    assert Sanctuary.objects.get().status == SanctuaryStatus.SURVEYED


def test_only_the_coordinator_moves_it(sanctuary, idva, housing_officer, refuge_worker):
    for actor in (idva, housing_officer, refuge_worker):
        with pytest.raises(PermissionDenied):
            _gate(actor, sanctuary)


def test_referring_needs_a_scheme_and_a_referring_role(
    idva, survivor, housing_agency, programme_worker, specialist_agency, sanctuary_coordinator
):
    with pytest.raises(ValidationError):
        actions.sanctuary_refer(
            actor=idva, person=survivor, scheme_agency=housing_agency, referred_on=date(2026, 11, 2), line1="1 Road"
        )
    with pytest.raises(PermissionDenied):
        actions.sanctuary_refer(
            actor=programme_worker,
            person=survivor,
            scheme_agency=specialist_agency,
            referred_on=date(2026, 11, 2),
            line1="1 Road",
        )
    assert not Sanctuary.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "address"),
    [
        ("sanctuary_coordinator", 200, True),
        ("idva", 200, True),  # she holds the survivor's case
        ("manager", 200, True),
        ("housing_officer", 404, False),
        ("refuge_worker", 403, False),
        ("commissioner", 403, False),
        ("marac_coordinator", 403, False),
        ("programme_worker", 403, False),
        ("outsider", 403, False),
    ],
)
def test_sanctuary_page_matrix_and_address(request, sanctuary, persona, status, address):
    response = signed_in_client(request.getfixturevalue(persona)).get(reverse("refuge:sanctuary", args=[sanctuary.pk]))
    assert response.status_code == status
    assert (CANARY in response.content.decode()) is address


def test_a_housing_officer_who_referred_sees_the_record_but_not_the_address(
    housing_officer, housing_agency, specialist_agency, sanctuary_coordinator
):
    from tests.people.factories import PersonFactory

    person = PersonFactory(held_by=housing_agency)
    made = actions.sanctuary_refer(
        actor=housing_officer,
        person=person,
        scheme_agency=specialist_agency,
        referred_on=date(2026, 11, 2),
        line1=f"{CANARY} road",
    )
    body = signed_in_client(housing_officer).get(reverse("refuge:sanctuary", args=[made.pk])).content.decode()
    assert made.number in body and CANARY not in body
    assert (
        CANARY
        in signed_in_client(sanctuary_coordinator).get(reverse("refuge:sanctuary", args=[made.pk])).content.decode()
    )


def test_the_list_never_shows_an_address(sanctuary, sanctuary_coordinator):
    body = signed_in_client(sanctuary_coordinator).get(reverse("refuge:sanctuaries")).content.decode()
    assert sanctuary.number in body and CANARY not in body


def test_coordinator_home_panel_counts_reviews_due(sanctuary, sanctuary_coordinator):
    _installed(sanctuary, sanctuary_coordinator)
    with time_machine.travel(date(2027, 2, 20), tick=False):
        body = signed_in_client(sanctuary_coordinator).get(reverse("home")).content.decode()
    assert "Reviews due in 14 days or overdue" in body


def test_reviews_due_count_in_the_database_equals_the_list_on_every_day(sanctuary, sanctuary_coordinator):
    """The panels' count (``reviews_due_count``) and the list behind it (``reviews_due``, narrowed in
    SQL) against the rule applied by hand to every sanctuary, day by day for most of a year, over sanctuaries fitted at month ends (shortened
    onto February), with reviews done or not, removed and never fitted."""
    import uuid
    from datetime import timedelta

    from waymark.refuge.selectors import reviews_due_count

    fitted = _installed(sanctuary, sanctuary_coordinator)
    layouts = [  # (fitted on, reviews done, removed on)
        (date(2026, 8, 31), (), None),
        (date(2026, 11, 28), (), None),
        (date(2026, 11, 29), (3,), None),
        (date(2026, 11, 30), (), None),
        (date(2026, 12, 1), (6,), None),
        (date(2026, 12, 31), (3, 6), None),
        (date(2027, 1, 31), (), None),
        (date(2027, 2, 28), (), None),
        (date(2026, 10, 15), (), date(2026, 12, 1)),
        (None, (), None),
    ]
    for number, (fitted_on, done, removed_on) in enumerate(layouts):
        copy = Sanctuary.objects.get(pk=fitted.pk)
        copy.id, copy.number, copy._state.adding = uuid.uuid4(), f"SS-2026-9{number:03d}", True
        copy.fitted_on, copy.removed_on = fitted_on, removed_on
        copy.save(force_insert=True)
        for months in done:
            SanctuaryReview.objects.create(
                sanctuary=copy, months=months, done_on=date(2027, 3, 1), done_by=sanctuary_coordinator
            )
    scope = Sanctuary.objects.all()
    everything = list(scope.prefetch_related("reviews"))

    def by_hand(day, within):
        horizon = day + timedelta(days=within)
        return sorted(
            (s.number, r.months)
            for s in everything
            if s.fitted_on is not None and s.removed_on is None
            for r in sanctuary_reviews(s)
            if r.done_on is None and r.due_on <= horizon
        )

    day = date(2026, 11, 1)
    while day <= date(2027, 9, 30):
        for within in (0, 14):
            listed = reviews_due(scope, day, within_days=within)
            # The list (narrowed in SQL) misses nothing the rule counts by hand.
            assert sorted((s.number, r.months) for s, r in listed) == by_hand(day, within), (day, within)
        day += timedelta(days=1)
    # The figure is the list's length.
    assert reviews_due_count(scope, date(2027, 3, 1)) == len(reviews_due(scope, date(2027, 3, 1))) > 0
