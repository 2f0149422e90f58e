"""Every detail page writes a "viewed a record" audit row for its record (issue 9).

The row is written by the object check itself (``waymark/audit/scoping.py``'s ``get_for_user``),
not by the view. This test walks every URL pattern that takes an object id, opens it (GET) as a
user who may see the object, in one survivor's whole history (the journey's world: referral,
assessments, case, plans, orders, outcomes, housing, refuge and sanctuary, programme, MARAC, her
subject access request) and the partnership's records around it (training, strategy, provision
map and board pack, tenancy panel, vacancies, dedupe clusters and merges), and checks
that exactly one row names that object: VIEW (a page that prints or downloads the record records
that read as PRINT or EXPORT instead). A pattern that answers GET with 405 is an action, not a page.

A pattern it cannot walk yet is listed in ``NOT_WALKED`` with its reason; a new pattern is in
neither and fails the test until it is walked.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import AgencyFactory, make_member
from tests.journey.conftest import *  # noqa: F403 (the journey's world and its personas, as fixtures)
from tests.journey.conftest import D
from tests.people.factories import PersonFactory
from tests.strategy.factories import make_action, make_strategy
from waymark.audit.models import AuditEvent
from waymark.audit.scoping import READS
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

# Namespaces whose pages are not about a record.
OUT_OF_SCOPE_NAMESPACES = {
    "admin": "Django admin: system administrators only, every change audited (its own site)",
}
# Patterns whose id names no protected record (a key, a token, a name, a date, a format, a job, a
# grant or alert about staff); each says why.
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
    "marac:report-download": "a report table's name and a file format, not a record",
    "matching:alert": "a search alert (staff behaviour, auditors only), not a protected record",
    "operations:rerun": "a background job, not a record",
    "operations:dismiss": "a background job, not a record",
    "interchange:import_detail": "an administrator's import job, not a record",
    "interchange:import_progress": "an administrator's import job, not a record",
    "interchange:import_confirm": "an administrator's import job, not a record",
    "interchange:import_retry": "an administrator's import job, not a record",
    "interchange:import_discard": "an administrator's import job, not a record",
    "interchange:export_download": "an administrator's own export, not a record",
    "interchange:export_approve": "another administrator's export request, not a record; its decision page audits its own viewing (tests/interchange/test_export_approval.py)",
    "interchange:export_refuse": "another administrator's export request (a button), not a record",
    "breakglass:end": "the user's own break-glass grant (POST only)",
    "breakglass:review": "a break-glass grant in the auditors' review queue (get_grant_for_reviewer)",
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
    support,
    history,
    enrolment,
    located,
    survivor,
    idva,
    manager,
    specialist_agency,
    programme_worker_same_agency,
    time_machine,
):
    """The objects each pattern names, and who opens it (on a fixed day, after the whole history)."""
    time_machine.move_to(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False)
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
    marac = _marac_records(history, specialist_agency)
    objects.update(marac["objects"])
    openers.update(marac["openers"])
    by_name.update(marac["by_name"])
    partnership = _partnership_records(history, survivor, idva, specialist_agency, refuge_referral.service)
    objects.update(partnership["objects"])
    openers.update(partnership["openers"])
    for name, chosen in partnership["by_name"].items():
        by_name[name] = {**by_name.get(name, {}), **chosen}
    return {"objects": objects, "openers": openers, "by_name": by_name, "idva": idva}


def _marac_records(history, specialist_agency) -> dict[str, dict[str, Any]]:
    """The survivor's MARAC case on its meeting, with an attendee, an agreed action and a
    flag-and-tag alert; MARAC's pages are opened by the coordinator, and in MARAC's URLs a case is
    a MARAC case and an action a MARAC action."""
    from waymark.incidents.models import Incident
    from waymark.marac.models import Attendee, AttendeeCapacity, FlagAlert, MaracAction

    coordinator = make_member(Role.MARAC_COORDINATOR, agency=specialist_agency, full_name="Cleo Coordinator")
    meeting = history["meeting"]
    marac_case = meeting.cases.get()
    attendee = Attendee.objects.create(meeting=meeting, name="DS Chair", capacity=AttendeeCapacity.values[0])
    action = MaracAction.objects.create(
        marac_case=marac_case,
        agreed_at=meeting,
        description="Safety visit",
        owner_agency=marac_case.referring_agency,
        due_on=D(2026, 2, 5),
    )
    incident = Incident.objects.get(victim=marac_case.victim)
    flag = FlagAlert.objects.create(incident=incident, earlier_case=marac_case, raised_at=incident.created_at)
    names = {name for name, _params in id_patterns() if name.startswith("marac:")}
    return {
        "objects": {"meeting_id": meeting, "attendee_id": attendee, "flag_id": flag},
        "openers": {"marac": coordinator},
        "by_name": {name: {"case_id": marac_case, "action_id": action} for name in names},
    }


def _partnership_records(history, survivor, idva, specialist_agency, refuge_service) -> dict[str, dict[str, Any]]:
    """The records beyond one survivor's casework, each made through its app's action: a training
    register, a champion and a peer supporter; the strategy's action plan and an exception report;
    a contract and a board pack; a tenancy panel case; a refuge vacancy; a dedupe cluster and a
    merge; a child on the case."""
    from waymark.commissioning.boardpack import board_pack_generate
    from waymark.commissioning.models import Contract
    from waymark.dataprotection.models import SarStatus, SubjectAccessRequest
    from waymark.housing import actions as housing
    from waymark.housing.choices import TenancyType, Tenure
    from waymark.matching.models import DedupeCluster, DedupeRun, PersonMerge
    from waymark.organisations.models import AgencyKind
    from waymark.refuge import actions as refuge
    from waymark.refuge.choices import UnitKind
    from waymark.strategy import actions as strategy_actions
    from waymark.support.models import CaseChild
    from waymark.training import actions as training
    from waymark.training.choices import Audience, BookingStatus, CourseKind, Qualification, Sector

    case = history["case"]
    # Training: a session with a completed booking whose attendee became a champion; a peer supporter.
    trainer = make_member(Role.TRAINING_COORDINATOR, full_name="Tia Training")
    course = training.course_create(actor=trainer, code="walk", name="Champions", kind=CourseKind.CHAMPIONS)
    session = training.session_create(
        actor=trainer,
        details=training.SessionDetails(
            course=course, starts_on=D(2026, 6, 1), ends_on=D(2026, 6, 3), trainer="T", venue="V", capacity=10
        ),
    )
    booking = training.attendance_record(
        actor=trainer,
        row=training.AttendanceRow(
            session=session,
            full_name="Ada Attendee",
            organisation="Org",
            sector=Sector.POLICE,
            audience=Audience.PROFESSIONAL,
            status=BookingStatus.COMPLETED,
        ),
    )
    champion = training.champion_record(
        actor=trainer, booking=booking, agreement_signed_on=D(2026, 6, 10), line_manager="Insp. Grey"
    )
    peers_agency = AgencyFactory(name="Walk Peers")
    peer_coordinator = make_member(Role.PEER_SUPPORT_COORDINATOR, agency=peers_agency, full_name="Pia Peer")
    peer = training.peer_supporter_record(
        actor=peer_coordinator,
        agency=peers_agency,
        details=training.PeerDetails(
            given_name="Marion",
            family_name="Peer",
            phone="",
            email="",
            notes="",
            trained_on=D(2026, 3, 20),
            qualification=Qualification.values[0],
        ),
    )
    # Strategy: the partnership lead's plan, one action and the quarter's exception report.
    lead = make_member(Role.PARTNERSHIP_LEAD, full_name="Lena Lead")
    strategy = make_strategy()
    action = make_action(strategy, owner=lead)
    report = strategy_actions.exception_report_generate(actor=lead, strategy=strategy, financial_year=2023, quarter=4)
    timeline = strategy_actions.timeline_load(
        actor=lead,
        title="Developing the strategy",
        rows=[
            strategy_actions.ActivityRow(
                name="Consult", lead_officer="", start_as_written="Apr 19", finish_as_written=""
            )
        ],
        strategy=strategy,
    )
    # Commissioning: a contract and a board pack.
    commissioner = make_member(Role.COMMISSIONER, full_name="Cora Commissioner")
    contract = Contract.objects.create(
        reference="DA-WALK", title="DA service", provider_agency=specialist_agency, starts_on=D(2026, 4, 1)
    )
    pack = board_pack_generate(actor=commissioner, year=2026, quarter=1)
    # Housing: a tenancy panel case naming the survivor's IDVA.
    council = AgencyFactory(kind=AgencyKind.HOUSING, name="Walk Council")
    panel_member = make_member(Role.TENANCY_PANEL_MEMBER, agency=council, full_name="Pam Panel")
    panel_case = housing.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-000123",
        tenancy_type=TenancyType.JOINT,
        tenure=Tenure.SECURE,
        referred_on=D(2026, 10, 1),
        idva=idva,
    )
    # Refuge: a vacancy posted by the survivor's refuge.
    refuge_worker = make_member(Role.REFUGE_WORKER, agency=refuge_service.provider, full_name="Val Vacancy")
    vacancy = refuge.vacancy_post(
        actor=refuge_worker,
        service=refuge_service,
        details=refuge.VacancyDetails(
            unit_kind=UnitKind.SHARED, bedspaces=2, max_children=1, posted_on=D(2026, 11, 18)
        ),
    )
    # Matching: the batch dedupe's cluster of two of the agency's records, and a merge of two others.
    twin = PersonFactory(held_by=specialist_agency, given_name="Josie", family_name="Quin")
    run = DedupeRun.objects.create(threshold=0.9, model_json={}, cluster_count=1)
    cluster = DedupeCluster.objects.create(run=run, size=2, max_probability=0.97)
    cluster.people.add(survivor, twin)
    merge = PersonMerge.objects.create(
        survivor=PersonFactory(held_by=specialist_agency),
        absorbed=PersonFactory(held_by=specialist_agency),
        merged_by=idva,
        reason="the same person",
    )
    # Data protection: the survivor's subject access request, answered and released by her agency.
    officer = make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency, full_name="Dora Data")
    sar = SubjectAccessRequest.objects.create(
        agency=specialist_agency,
        person=survivor,
        received_on=D(2026, 10, 1),
        due_on=D(2026, 11, 1),
        identity_check="passport seen",
        status=SarStatus.RELEASED,
        opened_by=officer,
        bundle=json.dumps({"sections": []}),
    )
    # Support: a child on the case.
    child = PersonFactory(held_by=specialist_agency, given_name="Kit", family_name="Quinn")
    link = CaseChild.objects.create(
        case=case, child=child, relationship_to_client="child", linked_on=D(2026, 1, 5), linked_by=idva
    )
    return {
        "objects": {
            "session_id": session,
            "booking_id": booking,
            "champion_id": champion,
            "peer_id": peer,
            "strategy_id": strategy,
            "action_id": action,
            "report_id": report,
            "project_id": timeline,
            "vacancy_id": vacancy,
            "cluster_id": cluster,
            "merge_id": merge,
            "link_id": link,
            "sar_id": sar,
        },
        "openers": {
            "training": trainer,
            "dataprotection:sar_detail": officer,
            "dataprotection:sar_bundle": officer,
            "dataprotection:sar_bundle_zip": officer,
            "training:peer": peer_coordinator,
            "training:peer_edit": peer_coordinator,
            "strategy": lead,
            "commissioning": commissioner,
            "commissioning:feedback_case": idva,
            "commissioning:feedback_sanctuary": idva,
            "housing:panel_case": panel_member,
            "housing:panel_intelligence": panel_member,
            "housing:panel_decision": panel_member,
            "housing:panel_review": panel_member,
            "housing:panel_legal_step": panel_member,
            "housing:panel_close": panel_member,
            "housing:panel_people": panel_member,
            "housing:safety_confirm": idva,
            "api:housing-panel-case": panel_member,
            "refuge:vacancy": refuge_worker,
            "refuge:vacancy_withdraw": refuge_worker,
            "api:refuge-vacancy": refuge_worker,
        },
        "by_name": {
            **{
                f"housing:{name}": {"case_id": panel_case}
                for name in (
                    "panel_case",
                    "panel_intelligence",
                    "panel_decision",
                    "panel_review",
                    "panel_legal_step",
                    "panel_close",
                    "panel_people",
                    "safety_confirm",
                )
            },
            "api:housing-panel-case": {"pk": panel_case},
            "api:refuge-vacancy": {"pk": vacancy},
            "commissioning:contract": {"pk": contract},
            "commissioning:board_pack": {"pk": pack},
            "commissioning:board_pack_download": {"pk": pack},
        },
    }


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
    walked, missing, refused, twice = [], [], [], []
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
        rows = AuditEvent.objects.filter(sequence__gt=before, action__in=READS, actor=user, object_id=record_id)
        count = rows.count()
        (walked if count == 1 else missing if count == 0 else twice).append(name)
    assert not refused and not missing and not twice, (
        f"Refused (give the page an opener who may see it): {refused}; no VIEW row for the record: {missing}; "
        f"more than one read row for the record in one request: {twice}"
    )
    assert len(walked) >= 60, walked  # the walk reached the pages, not just their refusals
