"""Sources that read the support app (plans, interventions, orders) and the perpetrator programme."""

from __future__ import annotations

import dataclasses

import pytest

from tests.journey.conftest import CANARY, D
from tests.people.factories import PersonFactory
from waymark.journey import sources
from waymark.people.choices import PersonRole
from waymark.support.models import Intervention, Service

pytestmark = pytest.mark.django_db


def _text(entries) -> str:
    return " ".join(str(dataclasses.asdict(entry)) for entry in entries)


def test_safety_plans_show_that_a_plan_was_made_and_reviewed_never_what_it_says(support, idva, survivor):
    entries = [entry for entry in sources.plans(idva, survivor) if "Safety plan" in entry.title]
    assert sorted((entry.on, entry.title) for entry in entries) == [
        (D(2025, 11, 6), "Safety plan made"),
        (D(2026, 2, 5), "Safety plan reviewed (version 2)"),
    ]
    assert CANARY not in _text(entries)


def test_needs_and_goals_show_domain_and_status_never_their_wording(support, idva, survivor):
    titles = [entry.title for entry in sources.plans(idva, survivor)]
    assert "Support need: substance use" in titles
    assert "Goal agreed: substance use" in titles
    assert "Goal achieved: substance use" in titles
    assert CANARY not in _text(sources.plans(idva, survivor))


def test_safety_plans_are_not_entries_for_someone_who_may_not_see_where_she_is(support, survivor, idva_team):
    from tests.factories import make_member
    from waymark.core.roles import Role
    from waymark.organisations.models import Membership

    # A team manager who also runs the perpetrator programme: the location veto removes the plan.
    both = make_member(Role.TEAM_MANAGER, team=idva_team)
    Membership.objects.create(user=both, agency=idva_team.agency, role=Role.PERPETRATOR_WORKER)
    from waymark.accounts.models import User

    both = User.objects.get(pk=both.pk)
    titles = [entry.title for entry in sources.plans(both, survivor)]
    assert "Support need: substance use" in titles  # they see the case ...
    assert not any("Safety plan" in title for title in titles)  # ... but never a safety plan


def test_plans_interventions_and_orders_are_not_entries_without_the_case(support, other_team_caseworker, survivor):
    for build in (sources.plans, sources.interventions, sources.legal_orders):
        assert build(other_team_caseworker, survivor) == []


def test_interventions_offered_started_and_ended(support, idva, survivor):
    entries = sources.interventions(idva, survivor)
    assert [(entry.on, entry.title) for entry in entries] == [
        (D(2025, 12, 1), "Offered: Residential detox"),
        (D(2025, 12, 8), "Started: Residential detox"),
        (D(2026, 1, 30), "Completed: Residential detox"),
        (D(2025, 11, 20), "Offered: Refuge"),
    ]
    assert "Provided by Harbour Recovery" in entries[0].details
    assert CANARY not in _text(entries)  # the outcome note, and the refuge's provider


def test_a_childs_interventions_are_on_the_childs_journey(support, idva, survivor, specialist_agency):
    child = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.CHILD)
    therapy = Service.objects.create(
        code="journey-ctx",
        name="Children's therapeutic intervention",
        category="children_young_people",
        provider_name="Harbour",
    )
    Intervention.objects.create(case=support, child=child, service=therapy, offered_on=D(2026, 1, 5), recorded_by=idva)
    assert [entry.title for entry in sources.interventions(idva, child)] == [
        "Offered: Children's therapeutic intervention"
    ]
    assert "Offered: Children's therapeutic intervention" not in [
        e.title for e in sources.interventions(idva, survivor)
    ]


def test_orders_show_kind_dates_and_expiry_never_their_terms(support, idva, survivor, harmer):
    applied, granted = sources.legal_orders(idva, survivor)
    assert applied.title == "Applied for: Non-molestation order"
    assert granted.title == "Granted: Non-molestation order"
    assert "Expires 19 November 2026" in granted.details
    assert "Protecting them" in granted.details
    assert CANARY not in _text([applied, granted])
    assert "Made against them" in sources.legal_orders(idva, harmer)[0].details


# --- Perpetrator programme -------------------------------------------------------------------


def test_programme_workers_see_their_participants_programme_status(enrolment, harmer, programme_worker_same_agency):
    entries = sources.programme(programme_worker_same_agency, harmer)
    assert [entry.title for entry in entries] == [
        "Referred to the perpetrator programme",
        "Assessed as suitable",
        "Programme started",
    ]
    assert CANARY not in _text(entries)
    assert "Josie" not in _text(entries)  # nothing of the victim on the participant's side


def test_the_victims_caseworker_sees_programme_status_and_flags_only(enrolment, idva, survivor):
    entries = sources.programme(idva, survivor)
    titles = [entry.title for entry in entries]
    assert "Kieran Quinn: referred to the perpetrator programme" in titles
    assert "Programme risk flag: missed a session without a reason" in titles
    assert CANARY not in _text(entries)  # not the assessment, not the flag's detail


def test_no_programme_entries_without_the_victims_case_or_the_programme(
    enrolment, other_team_caseworker, survivor, harmer
):
    assert sources.programme(other_team_caseworker, survivor) == []
    assert sources.programme(other_team_caseworker, harmer) == []
