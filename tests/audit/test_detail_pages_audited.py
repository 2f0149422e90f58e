"""Every detail page writes a "viewed a record" audit row for its record (issue 9).

The row is written by the object check itself (``waymark/audit/scoping.py``'s ``get_for_user``),
not by the view. This test walks every URL pattern that takes an object id, opens it (GET) as a
user who may see the object, in one survivor's whole history (the journey's world: referral,
assessments, case, plans, orders, outcomes, housing, refuge and sanctuary, programme), and checks
that a VIEW row names that object. A pattern that answers GET with 405 is an action, not a page.

A pattern it cannot walk yet is listed in ``NOT_WALKED`` with its reason; a new pattern is in
neither and fails the test until it is walked.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_member
from tests.journey.conftest import *  # noqa: F403 (the journey's world and its personas, as fixtures)
from tests.journey.conftest import D
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

# Namespaces whose pages are another helper's, or are not about a record.
OUT_OF_SCOPE_NAMESPACES = {
    "admin": "Django admin: system administrators only, every change audited (its own site)",
    "marac": "MARAC: helper webforms moves its pages onto get_for_user (issue 9, item 4)",
}
# Patterns whose id names no protected record, or that this walk cannot reach yet; each says why.
NOT_WALKED: dict[str, str] = {
    ":account_confirm_email": "allauth: an email confirmation key, not a record",
    ":account_reset_password_from_key": "allauth: a password reset key, not a record",
    ":mfa_remove_webauthn": "allauth: the user's own security key",
    ":mfa_edit_webauthn": "allauth: the user's own security key",
    "audit:event": "an audit row itself, read by auditors (not a protected record)",
    "feedback:survey": "the public survey: a one-time token, no record named",
    "referrals:step": "the intake form's step name, not a record",
    "outcomes:kpi_records": "a KPI's name, not a record",
    "perpetrators:register": "a date, not a record",
    "refuge:part4_download": "a file format, not a record",
    "matching:alert": "a search alert (staff behaviour, auditors only), not a protected record",
    "strategy:timeline": "a project timeline: no person on it",
    "operations:rerun": "a background job, not a record",
    "operations:dismiss": "a background job, not a record",
    "interchange:import_detail": "an administrator's import job, not a record",
    "interchange:import_progress": "an administrator's import job, not a record",
    "interchange:import_confirm": "an administrator's import job, not a record",
    "interchange:import_retry": "an administrator's import job, not a record",
    "interchange:import_discard": "an administrator's import job, not a record",
    "interchange:export_download": "an administrator's own export, not a record",
    "breakglass:end": "the user's own break-glass grant (POST only)",
    "breakglass:review": "a break-glass grant in the auditors' review queue (get_grant_for_reviewer)",
    "dataprotection:sar_detail": "a subject access request: the data protection officer's pages (helper dpa)",
    "dataprotection:sar_bundle": "a subject access request: the data protection officer's pages (helper dpa)",
    "dataprotection:sar_bundle_zip": "a subject access request: the data protection officer's pages (helper dpa)",
    # Checks converted to get_for_user but not yet built in this world:
    "matching:cluster": "to walk: the world has no dedupe cluster",
    "matching:cluster_merge": "to walk: the world has no dedupe cluster",
    "matching:cluster_reject": "to walk: the world has no dedupe cluster",
    "matching:unmerge": "to walk: the world has no merge",
    "api:housing-panel-case": "to walk: the world has no tenancy panel case",
    "training:session": "to walk: the world has no training register",
    "training:session_edit": "to walk: the world has no training register",
    "training:attendance_add": "to walk: the world has no training register",
    "training:booking": "to walk: the world has no training register",
    "training:champion_add": "to walk: the world has no training register",
    "training:champion": "to walk: the world has no training register",
    "training:peer": "to walk: the world has no training register",
    "training:peer_edit": "to walk: the world has no training register",
    "strategy:detail": "to walk: the world has no strategy",
    "strategy:rag_definition": "to walk: the world has no strategy",
    "strategy:report_create": "to walk: the world has no strategy",
    "strategy:action_add": "to walk: the world has no strategy",
    "strategy:action": "to walk: the world has no strategy",
    "strategy:action_edit": "to walk: the world has no strategy",
    "strategy:action_update": "to walk: the world has no strategy",
    "strategy:report": "to walk: the world has no strategy",
    "strategy:report_print": "to walk: the world has no strategy",
    "strategy:report_xlsx": "to walk: the world has no strategy",
    "commissioning:contract": "to walk: the world has no provision map",
    "commissioning:board_pack": "to walk: the world has no board pack",
    "commissioning:board_pack_download": "to walk: the world has no board pack",
    "housing:panel_case": "to walk: the world has no tenancy panel case",
    "housing:panel_intelligence": "to walk: the world has no tenancy panel case",
    "housing:panel_decision": "to walk: the world has no tenancy panel case",
    "housing:panel_review": "to walk: the world has no tenancy panel case",
    "housing:panel_legal_step": "to walk: the world has no tenancy panel case",
    "housing:panel_close": "to walk: the world has no tenancy panel case",
    "housing:safety_confirm": "to walk: the world has no tenancy panel case",
    "refuge:vacancy": "to walk: the world has no vacancy",
    "refuge:vacancy_withdraw": "to walk: the world has no vacancy",
    "api:refuge-vacancy": "to walk: the world has no vacancy",
    "support:child_edit": "to walk: the world has no child on the case",
}


def id_patterns() -> list[tuple[str, list[str]]]:
    """(namespace:name, its parameter names) for every URL pattern that takes a parameter."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.pattern.regex.groupindex:
                found.append((f"{namespace}:{pattern.name}", list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "")
    return [(name, params) for name, params in found if name.split(":")[0] not in OUT_OF_SCOPE_NAMESPACES]


@pytest.fixture
def world(
    support, history, enrolment, located, survivor, idva, manager, specialist_agency, programme_worker_same_agency
):
    """The objects each pattern names, and who opens it."""
    from waymark.housing.models import HomelessnessApplication
    from waymark.refuge.models import RefugeReferral, Sanctuary
    from waymark.support.models import Goal, Intervention, LegalOrder, Need

    case = history["case"]
    application = HomelessnessApplication.objects.get(case=case)
    housing_officer = make_member(Role.HOUSING_OFFICER, agency=application.agency, full_name="Hana Housing")
    refuge_worker = make_member(Role.REFUGE_WORKER, agency=specialist_agency, full_name="Rae Refuge")
    coordinator = make_member(Role.SANCTUARY_COORDINATOR, agency=specialist_agency, full_name="Sol Sanctuary")
    refuge_referral = RefugeReferral.objects.get(case=case)
    task = case.tasks.create(title="Call back", due_on=D(2026, 3, 1), owner=idva, created_by=idva)
    objects: dict[str, Any] = {
        "person_id": survivor,
        "address_id": located["refuge"],
        "channel_id": located["mobile"],
        "case_id": case,
        "task_id": task,
        "referral_id": history["referral"],
        "assessment_id": history["assessments"][1],
        "need_id": Need.objects.get(case=case),
        "goal_id": Goal.objects.get(need__case=case),
        "intervention_id": Intervention.objects.filter(case=case).first(),
        "order_id": LegalOrder.objects.get(case=case),
        "version": 1,
        "application_id": application,
        "duty_id": application.duties.get(),
        "placement_id": application.placements.get(),
        "service_id": refuge_referral.service,
        "house_id": refuge_referral.service.houses.get(),
        "sanctuary_id": Sanctuary.objects.get(case=case),
        "enrolment_id": enrolment,
        "point": "end",
        "step": "assess",
        "on": "2026-02-16",
    }
    # Who opens which app's pages (everyone else: the survivor's allocated IDVA).
    openers = {
        "cases:allocate": manager,
        "cases:closure_decision": manager,
        "people:archive": manager,
        "referrals:transition": manager,
        "referrals:link": manager,
        "housing": housing_officer,
        "perpetrators": programme_worker_same_agency,
        "refuge:service": refuge_worker,
        "refuge:house_add": refuge_worker,
        "refuge:house_edit": refuge_worker,
        "refuge:vacancy_post": refuge_worker,
        "refuge:referral_decide": refuge_worker,
        "refuge:sanctuary_step": coordinator,
        "api:housing-application": housing_officer,
    }
    # In refuge's URLs a referral is a refuge referral; in the API's, pk is the pattern's own record.
    by_name = {
        "refuge:referral": {"referral_id": refuge_referral},
        "refuge:referral_decide": {"referral_id": refuge_referral},
        "api:referral": {"pk": history["referral"]},
        "api:risk-assessment": {"pk": history["assessments"][1]},
        "api:housing-application": {"pk": application},
        "refuge:sanctuary_step": {"step": "eligibility"},
    }
    return {"objects": objects, "openers": openers, "by_name": by_name, "idva": idva}


def _kwargs(name: str, params: list[str], world: dict[str, Any]) -> dict[str, Any] | None:
    chosen = {**world["objects"], **world["by_name"].get(name, {})}
    if not all(param in chosen for param in params):
        return None
    return {param: getattr(chosen[param], "pk", chosen[param]) for param in params}


def _opener(name: str, world: dict[str, Any]) -> Any:
    openers = world["openers"]
    return openers.get(name) or openers.get(name.split(":")[0]) or world["idva"]


def test_every_pattern_with_an_id_is_walked_or_listed(world):
    unknown = [
        name for name, params in id_patterns() if name not in NOT_WALKED and _kwargs(name, params, world) is None
    ]
    assert not unknown, f"Add these to the walk's world (or to NOT_WALKED, with a reason): {unknown}"


def test_every_detail_page_writes_a_view_row_for_its_record(world, client_for):
    walked, missing, refused = [], [], []
    for name, params in id_patterns():
        if name in NOT_WALKED:
            continue
        kwargs = _kwargs(name, params, world)
        assert kwargs is not None, name
        user = _opener(name, world)
        before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        response = client_for(user).get(reverse(name, kwargs=kwargs))
        if response.status_code == 405:
            continue  # an action (POST only), not a page
        if response.status_code not in (200, 302):
            refused.append((name, response.status_code))
            continue
        record_id = str(next(value for key, value in kwargs.items() if key.endswith("_id") or key == "pk"))
        rows = AuditEvent.objects.filter(sequence__gt=before, action=AuditAction.VIEW, actor=user, object_id=record_id)
        (walked if rows.exists() else missing).append(name)
    assert not refused and not missing, (
        f"Refused (give the page an opener who may see it): {refused}; no VIEW row for the record: {missing}"
    )
    assert len(walked) >= 40, walked  # the walk reached the pages, not just their refusals
