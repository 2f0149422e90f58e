"""Every run reaches the people left named on records a run disposed of.

A record is disposed of once (the ledger), and its disposal anonymises each person on it only if
nothing else keeps them then. Someone kept that day by a recent risk assessment or an order then in
force, or left named by a run from before disposal reached everyone on a record (a child on the
case, an order's respondent), would otherwise stay named for ever: no record of theirs is ever due
again. So after the schedules, each run anonymises everyone still named on a disposed record whom
nothing keeps now (``people_left_named``, ``person_still_needed``), with an audit row each; anyone
something still keeps, or a held record is about, stays named. Every date is explicit and the clock
is travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from tests.outcomes.factories import make_assessment, make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import retention_hold_place
from waymark.dataprotection.models import RetentionDisposal, RetentionRun
from waymark.dataprotection.retention import people_left_named
from waymark.incidents.models import Incident
from waymark.people.choices import PersonRole, Sex
from waymark.risk.choices import RiskLevel
from waymark.support.choices import ChildRelationship, OrderKind, OrderStatus
from waymark.support.models import CaseChild, LegalOrder

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _on(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=LONDON), tick=False)


def _closed_2019(agency, idva, survivor=None):
    return make_case(
        agency=agency,
        person=survivor or _person(agency, "Leah", "Brightwater"),
        caseworker=idva,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 9, 3),
        closed_on=D(2019, 5, 30),
    )


def _disposed_by_an_earlier_run(record, record_type, dpo):
    """As a run from before disposal reached everyone on a record left it: in the ledger, everyone
    on it still named."""
    earlier = RetentionRun.objects.create(requested_by=dpo, as_of=D(2025, 9, 1), status="done")
    RetentionDisposal.objects.create(
        record_type=record_type,
        record_id=str(record.pk),
        run=earlier,
        disposed_at=dt.datetime(2025, 9, 1, tzinfo=LONDON),
    )


def _person_archives():
    return list(
        AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_type="people.person").values_list(
            "object_id", "detail"
        )
    )


def test_a_child_an_earlier_run_left_named_on_a_disposed_case_is_anonymised_and_audited(specialist_agency, idva, dpo):
    case = _closed_2019(specialist_agency, idva)
    child = _person(specialist_agency, "Tomos", "Brightwater", role=PersonRole.CHILD, born=D(2012, 4, 1))
    CaseChild.objects.create(
        case=case, child=child, relationship_to_client=ChildRelationship.CHILD, linked_on=D(2018, 9, 3), linked_by=idva
    )
    _disposed_by_an_earlier_run(case, "closed_case", dpo)
    assert set(people_left_named("closed_case", TODAY).values_list("pk", flat=True)) == {case.person_id, child.pk}

    run = run_retention(dpo)
    assert sum(run.counts.values()) == 0  # no record is due: the case is in the ledger
    assert _names(child) == ("", "")
    assert (
        str(child.pk),
        {"retention": "closed_case", "method": "anonymised", "run": str(run.pk), "left_by_earlier_run": True},
    ) in _person_archives()
    # Once reached, not reached again.
    before = len(_person_archives())
    run_retention(dpo)
    assert len(_person_archives()) == before
    assert not people_left_named("closed_case", TODAY).exists()


def test_someone_kept_by_a_risk_assessment_when_her_case_went_is_anonymised_once_it_has_aged(
    specialist_agency, idva, dpo
):
    """Her case closed in May 2019 is disposed of on 15 June 2026, but a risk assessment of her on
    1 February 2021 keeps her then, and to its sixth anniversary; the run on that day anonymises her."""
    survivor = _person(specialist_agency, "Leah", "Brightwater")
    _closed_2019(specialist_agency, idva, survivor)
    make_assessment(survivor, D(2021, 2, 1), RiskLevel.HIGH)

    assert run_retention(dpo).counts["closed_case"] == 1
    assert _names(survivor) == ("Leah", "Brightwater")
    with _on(D(2027, 1, 31)):
        assert run_retention(dpo).counts["closed_case"] == 0
    assert _names(survivor) == ("Leah", "Brightwater")  # the day before: still inside its period
    with _on(D(2027, 2, 1)):
        run = run_retention(dpo)
    assert sum(run.counts.values()) == 0
    assert _names(survivor) == ("", "")
    assert [detail["run"] for pk, detail in _person_archives() if pk == str(survivor.pk)] == [str(run.pk)]


def test_an_orders_parties_go_once_it_has_expired(specialist_agency, idva, dpo):
    """Her case closed in 2019 goes on 15 June 2026 while its order, in force to 31 December 2026,
    keeps its respondent and her; the first run after it expires anonymises them."""
    case = _closed_2019(specialist_agency, idva)
    respondent = _person(specialist_agency, "Dale", "Fenwick", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    order = LegalOrder.objects.create(
        case=case,
        kind=OrderKind.NON_MOLESTATION,
        status=OrderStatus.GRANTED,
        granted_on=D(2019, 1, 14),
        expires_on=D(2026, 12, 31),
        against=respondent,
        recorded_by=idva,
    )
    order.protects.add(case.person)

    assert run_retention(dpo).counts["closed_case"] == 1
    assert (_names(respondent), _names(case.person)) == (("Dale", "Fenwick"), ("Leah", "Brightwater"))
    with _on(D(2026, 12, 31)):
        run_retention(dpo)
    assert _names(respondent) == ("Dale", "Fenwick")
    with _on(D(2027, 1, 1)):
        run_retention(dpo)
    assert (_names(respondent), _names(case.person)) == (("", ""), ("", ""))


def test_someone_still_needed_or_on_a_held_record_stays_named(specialist_agency, police_agency, idva, dpo):
    """Left named on a disposed case, one has an incident in 2024 (inside its six years), the other
    is the victim of a 2019 incident on hold: both stay named, with no audit row."""
    case = _closed_2019(specialist_agency, idva)
    kept, held = (
        _person(specialist_agency, name, "Brightwater", role=PersonRole.CHILD, born=D(2012, 4, 1))
        for name in ("Tomos", "Ffion")
    )
    for child in (kept, held):
        CaseChild.objects.create(
            case=case,
            child=child,
            relationship_to_client=ChildRelationship.CHILD,
            linked_on=D(2018, 9, 3),
            linked_by=idva,
        )
    Incident.objects.create(occurred_on=D(2024, 4, 2), victim=kept, agency=police_agency)
    old = Incident.objects.create(occurred_on=D(2019, 4, 2), victim=held, agency=police_agency)
    retention_hold_place(
        actor=dpo,
        record_type="incident",
        record_id=str(old.pk),
        reason="Domestic homicide review",
        until=D(2026, 12, 31),
    )
    _disposed_by_an_earlier_run(case, "closed_case", dpo)

    run = run_retention(dpo)
    assert run.counts["incident"] == 0
    assert (_names(kept), _names(held)) == (("Tomos", "Brightwater"), ("Ffion", "Brightwater"))
    assert {pk for pk, _ in _person_archives()} == {str(case.person_id)}
