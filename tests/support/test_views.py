"""Every support page: the access matrix, audited reads, and the forms end to end."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.conftest import days_ago
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.support import actions
from waymark.support.models import CaseChild, Goal, Intervention, LegalOrder, Need, SafetyPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(idva, case, harmer, counselling, child):
    link = actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    need = actions.need_record(actor=idva, case=case, domain="housing", level="high", identified_on=days_ago(3))
    goal = actions.goal_add(actor=idva, need=need, description="Goal", set_on=days_ago(2), target_on=days_ago(-30))
    intervention = actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(1))
    order = actions.legal_order_record(
        actor=idva,
        case=case,
        kind="non_molestation",
        status="granted",
        applied_on=days_ago(20),
        granted_on=days_ago(10),
        expires_on=days_ago(-10),
        protects=[case.person],
        against=harmer,
    )
    actions.safety_plan_record(
        actor=idva,
        case=case,
        sections={"safe_contact": "Text first"},
        reviewed_on=days_ago(0),
        next_review_on=days_ago(-30),
    )
    return {"link": link, "need": need, "goal": goal, "intervention": intervention, "order": order}


def _pages(case, r):
    c = case.pk
    return {
        "safety_plan": reverse("support:safety_plan", args=[c]),
        "safety_plan_update": reverse("support:safety_plan_update", args=[c]),
        "safety_plan_version": reverse("support:safety_plan_version", args=[c, 1]),
        "support_plan": reverse("support:support_plan", args=[c]),
        "need_add": reverse("support:need_add", args=[c]),
        "need_edit": reverse("support:need_edit", args=[c, r["need"].pk]),
        "goal_add": reverse("support:goal_add", args=[c, r["need"].pk]),
        "goal_progress": reverse("support:goal_progress", args=[c, r["goal"].pk]),
        "interventions": reverse("support:interventions", args=[c]),
        "intervention_add": reverse("support:intervention_add", args=[c]),
        "intervention_update": reverse("support:intervention_update", args=[c, r["intervention"].pk]),
        "orders": reverse("support:orders", args=[c]),
        "order_add": reverse("support:order_add", args=[c]),
        "order_edit": reverse("support:order_edit", args=[c, r["order"].pk]),
        "children": reverse("support:children", args=[c]),
        "child_add": reverse("support:child_add", args=[c]),
        "child_link": reverse("support:child_link", args=[c]),
        "child_edit": reverse("support:child_edit", args=[c, r["link"].pk]),
    }


PAGES = [
    "safety_plan",
    "safety_plan_update",
    "safety_plan_version",
    "support_plan",
    "need_add",
    "need_edit",
    "goal_add",
    "goal_progress",
    "interventions",
    "intervention_add",
    "intervention_update",
    "orders",
    "order_add",
    "order_edit",
    "children",
    "child_add",
    "child_link",
    "child_edit",
]


def test_every_support_url_is_in_the_matrix():
    from waymark.support.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(PAGES)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("idva", 200),  # the allocated IDVA
        ("colleague", 200),  # a caseworker in the same team
        ("manager", 200),  # a team manager at the service
        ("other_team_worker", 404),  # the right role, not their case
        ("caseworker_elsewhere", 404),  # the right role at another service
        ("police_referrer", 403),  # a referrer in another agency
        ("perpetrator_worker", 403),  # the perpetrator-programme worker
        ("outsider", 403),  # signed in, no role anywhere
        ("auditor", 403),
    ],
)
def test_access_matrix(client_for, records, case, request, page, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_pages(case, records)[page]).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_someone_who_also_works_with_perpetrators_never_opens_a_plan(client_for, records, case, dual_role_worker, page):
    """Not the safety plan, and not the other plans either: needs, goals, interventions' outcomes
    and orders' terms are in the caseworker's words, which so often say where she is (an attacker's
    probe read an order's terms and the needs this way)."""
    assert client_for(dual_role_worker).get(_pages(case, records)[page]).status_code == 403


def test_unknown_ids_and_another_cases_records_are_404(
    client_for, records, case, idva, client_person, specialist_agency
):
    from tests.support.conftest import make_case

    other = make_case(person=client_person, agency=specialist_agency, caseworker=idva)
    client = client_for(idva)
    assert client.get(reverse("support:need_edit", args=[other.pk, records["need"].pk])).status_code == 404
    assert client.get(reverse("support:safety_plan_version", args=[case.pk, 9])).status_code == 404
    assert client.get(reverse("support:need_add", args=[case.pk]) + "?child=nonsense").status_code == 404
    assert client.get(reverse("support:need_add", args=[case.pk]) + f"?child={case.person_id}").status_code == 404


def test_reads_are_audited_without_text(client_for, records, case, idva):
    client = client_for(idva)
    for name in ("safety_plan", "support_plan", "interventions", "orders", "children"):
        client.get(_pages(case, records)[name])
    pages = list(
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk))
        .order_by("sequence")
        .values_list("detail", flat=True)
    )
    assert [p["page"] for p in pages] == ["safety plan", "support plan", "interventions", "legal orders", "children"]
    assert "Text first" not in str(pages)


# --- Forms end to end ---------------------------------------------------------------------------


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_make_and_review_a_safety_plan(client_for, case, idva, colleague):
    url = reverse("support:safety_plan_update", args=[case.pk])
    data = {
        "safe_contact": "Text only after 6pm",
        **_date("reviewed_on", days_ago(1)),
        **_date("next_review_on", days_ago(-60)),
    }
    response = client_for(idva).post(url, data)
    assert response.status_code == 302
    data["safe_contact"] = "Use the work phone"
    data.update(_date("reviewed_on", days_ago(0)))
    client_for(colleague).post(url, data)
    assert list(SafetyPlan.objects.filter(case=case).values_list("version", "safe_contact")) == [
        (2, "Use the work phone"),
        (1, "Text only after 6pm"),
    ]
    body = client_for(idva).get(reverse("support:safety_plan", args=[case.pk])).content.decode()
    assert f"Last reviewed on {days_ago(0):%-d %B %Y} by Bea Colleague" in body
    assert "Use the work phone" in body and "Text only after 6pm" not in body
    old = client_for(idva).get(reverse("support:safety_plan_version", args=[case.pk, 1])).content.decode()
    assert "Text only after 6pm" in old and "an earlier version" in old


def test_safety_plan_form_errors_save_nothing(client_for, case, idva):
    url = reverse("support:safety_plan_update", args=[case.pk])
    response = client_for(idva).post(
        url, {**_date("reviewed_on", days_ago(0)), "next_review_on_0": "31", "next_review_on_1": "2"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Write at least one section of the safety plan" not in body
    assert "must include a year" in body
    response = client_for(idva).post(
        url, {**_date("reviewed_on", days_ago(0)), **_date("next_review_on", days_ago(-5))}
    )
    assert "Write at least one section of the safety plan" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_support_plan_forms(client_for, case, idva, child):
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    client = client_for(idva)
    response = client.post(
        reverse("support:need_add", args=[case.pk]),
        {
            "domain": "money",
            "level": "medium",
            "description": "Debts in joint names",
            **_date("identified_on", days_ago(0)),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("support:need_add", args=[case.pk]) + f"?child={child.pk}",
        {"domain": "mental_health", "level": "high", **_date("identified_on", days_ago(0))},
    )
    assert response.status_code == 302
    need = Need.objects.get(child__isnull=True)
    assert Need.objects.get(child=child).domain == "mental_health"
    client.post(
        reverse("support:goal_add", args=[case.pk, need.pk]),
        {
            "description": "Separate the bank accounts",
            **_date("set_on", days_ago(0)),
            **_date("target_on", days_ago(-30)),
        },
    )
    goal = Goal.objects.get()
    response = client.post(
        reverse("support:goal_progress", args=[case.pk, goal.pk]),
        {"status": "in_progress", "note": "Bank appointment booked", **_date("recorded_on", days_ago(0))},
    )
    assert response.status_code == 302
    body = client.get(reverse("support:goal_progress", args=[case.pk, goal.pk])).content.decode()
    assert "Bank appointment booked" in body and "In progress" in body
    plan = client.get(reverse("support:support_plan", args=[case.pk])).content.decode()
    assert "Money and benefits" in plan and "Separate the bank accounts" in plan and "Mental health" in plan
    # The money domain is no longer offered for the client.
    form = client.get(reverse("support:need_add", args=[case.pk])).content.decode()
    assert 'value="money"' not in form and 'value="housing"' in form


def test_intervention_forms(client_for, case, idva, counselling):
    client = client_for(idva)
    client.post(
        reverse("support:intervention_add", args=[case.pk]),
        {"service": counselling.pk, **_date("offered_on", days_ago(3))},
    )
    row = Intervention.objects.get()
    response = client.post(
        reverse("support:intervention_update", args=[case.pk, row.pk]),
        {"status": "completed", **_date("on", days_ago(0))},
    )
    assert response.status_code == 200 and "Choose what has happened" in response.content.decode()
    client.post(
        reverse("support:intervention_update", args=[case.pk, row.pk]),
        {"status": "declined", **_date("on", days_ago(0))},
    )
    row.refresh_from_db()
    assert row.status == "declined"
    assert client.get(reverse("support:intervention_update", args=[case.pk, row.pk])).status_code == 302


def test_children_can_only_be_offered_childrens_services(client_for, case, idva, child):
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    body = (
        client_for(idva)
        .get(reverse("support:intervention_add", args=[case.pk]) + f"?child={child.pk}")
        .content.decode()
    )
    assert "Children&#x27;s therapeutic intervention" in body and "Sanctuary scheme" not in body


def test_order_forms_and_expiry_warning(client_for, case, idva, harmer):
    client = client_for(idva)
    response = client.post(
        reverse("support:order_add", args=[case.pk]),
        {
            "kind": "non_molestation",
            "status": "granted",
            **_date("applied_on", days_ago(200)),
            **_date("granted_on", days_ago(180)),
            **_date("expires_on", days_ago(-10)),
            "protects": [case.person_id],
            "against": harmer.pk,
        },
    )
    assert response.status_code == 302
    order = LegalOrder.objects.get()
    body = client.get(reverse("support:orders", args=[case.pk])).content.decode()
    assert "Expiring soon" in body and "Talk to the client about renewing it" in body
    response = client.post(
        reverse("support:order_edit", args=[case.pk, order.pk]),
        {"status": "granted", **_date("granted_on", days_ago(180)), "protects": [case.person_id], "against": harmer.pk},
    )
    assert "The date of the application" not in response.content.decode()
    order.refresh_from_db()
    assert order.expires_on is None and order.applied_on is None


def test_order_form_errors(client_for, case, idva, harmer):
    response = client_for(idva).post(
        reverse("support:order_add", args=[case.pk]),
        {"kind": "occupation", "status": "granted", "protects": [case.person_id], "against": harmer.pk},
    )
    assert "Enter the date the order was made" in response.content.decode()
    assert not LegalOrder.objects.exists()


def test_add_and_link_children(client_for, case, idva, child):
    from waymark.people.models import Relationship

    Relationship.objects.create(person_a=case.person, person_b=child, kind="parent_of")
    client = client_for(idva)
    add_page = client.get(reverse("support:child_add", args=[case.pk])).content.decode()
    assert "Link a child already on record" in add_page
    response = client.post(
        reverse("support:child_add", args=[case.pk]),
        {
            "given_name": "Ada",
            "family_name": "Client",
            "approximate_age": "4",
            "sex": "female",
            "relationship_to_client": "child",
            "lives_in_household": "yes",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("support:child_link", args=[case.pk]),
        {"child": child.pk, "relationship_to_client": "child", "lives_in_household": "no"},
    )
    assert response.status_code == 302
    assert CaseChild.objects.filter(case=case).count() == 2
    body = client.get(reverse("support:children", args=[case.pk])).content.decode()
    assert "Ada Client" in body and "Milo Client" in body


def test_closed_case_pages_read_only_and_writes_refused(client_for, records, case, idva):
    case.status = CaseStatus.CLOSED
    case.save()
    client = client_for(idva)
    body = client.get(reverse("support:support_plan", args=[case.pk])).content.decode()
    assert "This case is closed" in body and "Add a need" not in body
    response = client.post(
        reverse("support:need_add", args=[case.pk]),
        {"domain": "legal", "level": "low", **_date("identified_on", days_ago(0))},
    )
    assert "This case is closed" in response.content.decode()
    assert Need.objects.count() == 1


# --- Case page sections and the catalogue ---------------------------------------------------------


def test_case_page_sections(records, case, idva, dual_role_worker):
    from waymark.cases.sections import sections_for

    mine = dict(sections_for(idva, case))
    assert mine["support/_case_safety_plan.html"]["plan"].version == 1
    assert [o.pk for o in mine["support/_case_orders.html"]["expiring"]] == [records["order"].pk]
    assert len(mine["support/_case_children.html"]["children"]) == 1
    # Someone who also works with perpetrators gets the other sections, never the safety plan's.
    theirs = dict(sections_for(dual_role_worker, case))
    assert "support/_case_safety_plan.html" not in theirs and "support/_case_orders.html" in theirs


def test_sections_render(client_for, records, case, idva):
    from django.template.loader import render_to_string

    from waymark.cases.sections import sections_for

    html = "".join(render_to_string(t, {**c, "case": case}) for t, c in sections_for(idva, case))
    assert f"last reviewed on {timezone.localdate():%-d %B %Y} by Amara Okafor" in html
    assert "Non-molestation order expires on" in html


def test_catalogue_is_seeded_and_in_admin(client_for, administrator, idva):
    from waymark.support.models import Service

    codes = set(Service.objects.values_list("code", flat=True))
    assert {
        "advocacy",
        "sanctuary",
        "awareness_resilience",
        "counselling",
        "legal_support",
        "childrens_therapeutic",
        "perpetrator_programme",
        "iris",
        "peer_support",
        "survivors_voice",
        "young_peoples_service",
        "refuge_search",
        "refuge",
        "hospital_idva",
        "housing_idva",
    } <= codes
    assert all(s.provider for s in Service.objects.all())
    url = reverse("admin:support_service_changelist")
    assert client_for(administrator).get(url).status_code == 200
    assert client_for(idva).get(url).status_code == 403


@pytest.mark.parametrize(
    ("page", "data", "messages"),
    [
        ("need_add", {}, ["Choose the area of need", "Choose how high the need is", "Enter date identified"]),
        ("intervention_add", {"service": "not-a-service"}, ["Choose a service from the list"]),
        (
            "order_add",
            {"protects": ["nonsense"], "against": "nonsense"},
            [
                "Choose the kind of order",
                "Choose where the order stands",
                "Choose who the order protects",
                "Choose who the order is against",
            ],
        ),
        (
            "child_add",
            {"approximate_age": "30", "sex": "unknown"},
            [
                "Approximate age must be a whole number from 0 to 17",
                "Choose how the child is related to the client",
                "Choose yes, no or not known",
            ],
        ),
    ],
)
def test_forms_say_what_to_do(client_for, case, idva, page, data, messages):
    body = client_for(idva).post(reverse(f"support:{page}", args=[case.pk]), data).content.decode()
    assert "There is a problem" in body
    for message in messages:
        assert message in body
    assert "This field is required" not in body


def test_an_adult_is_not_added_as_a_child(client_for, case, idva):
    from waymark.people.models import Person

    before = Person.objects.count()
    born = days_ago(365 * 20)
    body = (
        client_for(idva)
        .post(
            reverse("support:child_add", args=[case.pk]),
            {
                "given_name": "Al",
                "sex": "male",
                "relationship_to_client": "child",
                "lives_in_household": "no",
                **_date("date_of_birth", born),
            },
        )
        .content.decode()
    )
    assert "A child on a case must be under 18: check the date of birth" in body
    assert Person.objects.count() == before
