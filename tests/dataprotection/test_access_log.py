"""The per-record access log: who has viewed a person's record, for its holders and auditors,
from the audit trail's VIEW rows."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


def url(person_id) -> str:
    return reverse("dataprotection:access_log", args=[person_id])


def test_the_holder_sees_who_viewed_the_record_counted_in_the_database(survivor, idva, manager, client_for):
    colleague_client = client_for(manager)
    for _ in range(3):
        assert colleague_client.get(reverse("people:detail", args=[survivor.pk])).status_code == 200
    client_for(idva).get(reverse("people:detail", args=[survivor.pk]))
    response = client_for(idva).get(url(survivor.pk))
    assert response.status_code == 200
    rows = {row["actor_label"]: row["views"] for row in response.context["rows"]}
    assert rows[manager.full_name] == 3
    assert rows[idva.full_name] == 1
    page = response.content.decode()
    assert "Grace Mensah" in page and "Harbour Advocacy" in page
    # Reading the log is itself recorded.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(survivor.pk), actor=idva, detail__section="access log"
    ).exists()


def test_the_person_page_links_to_it_for_holders_only(survivor, idva, client_for):
    page = client_for(idva).get(reverse("people:detail", args=[survivor.pk])).content.decode()
    assert url(survivor.pk) in page


def test_an_auditor_reads_it_by_id_without_the_persons_details(survivor, idva, auditor, client_for):
    client_for(idva).get(reverse("people:detail", args=[survivor.pk]))
    response = client_for(auditor).get(url(survivor.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert idva.full_name in page
    assert "Rosa" not in page


@pytest.mark.parametrize("persona", ["police_referrer", "administrator", "outsider"])
def test_roles_without_a_need_are_refused(survivor, persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(url(survivor.pk)).status_code == 403


def test_a_caseworker_at_another_service_gets_not_found(survivor, client_for):
    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory())
    assert client_for(elsewhere).get(url(survivor.pk)).status_code == 404


def test_someone_who_may_see_the_person_but_does_not_hold_the_record_is_refused(survivor, client_for):
    """Break-glass opens the record, not its access log."""
    from waymark.breakglass.actions import break_glass_open
    from waymark.breakglass.models import BreakGlassReason

    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory())
    break_glass_open(
        actor=elsewhere,
        person_id=survivor.pk,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        justification="Police report she is missing tonight and at risk",
        hours=1,
    )
    assert client_for(elsewhere).get(url(survivor.pk)).status_code == 403


def test_a_missing_record_is_not_found_alike(idva, auditor, client_for):
    assert client_for(idva).get(url(uuid.uuid4())).status_code == 404
    assert client_for(auditor).get(url(uuid.uuid4())).status_code == 404


def test_the_person_page_shows_no_link_to_someone_who_does_not_hold_the_record(survivor, client_for):
    """A caseworker elsewhere who broke glass sees the person, not who else has looked."""
    from waymark.breakglass.actions import break_glass_open
    from waymark.breakglass.models import BreakGlassReason

    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory())
    break_glass_open(
        actor=elsewhere,
        person_id=survivor.pk,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        justification="Police report she is missing tonight and at risk",
        hours=1,
    )
    response = client_for(elsewhere).get(reverse("people:detail", args=[survivor.pk]))
    assert response.status_code == 200
    assert url(survivor.pk) not in response.content.decode()


def test_the_log_is_paged_not_cut_off(survivor, idva, client_for, specialist_agency):
    """60 different viewers: the first page shows 50 of 60; reading the log is itself a view, so the
    second page shows the other 10 and the reader: 11 of 61."""
    for number in range(60):
        viewer = make_member(Role.CASEWORKER, agency=specialist_agency, full_name=f"Viewer {number:02d}")
        AuditEvent.objects.create(
            sequence=10_000 + number,
            occurred_at=survivor.created_at,
            actor=viewer,
            actor_label=viewer.full_name,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id=str(survivor.pk),
            entry_hash=f"{number:064d}",
            previous_hash="0" * 64,
        )
    client = client_for(idva)
    first = client.get(url(survivor.pk))
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 60
    second = client.get(url(survivor.pk) + "?page=2")
    assert len(second.context["rows"]) == 11 and second.context["page"].paginator.count == 61
