"""The dedupe review screen: clusters listed (paged) for editors who can see every record in them,
merged with the same merge as at triage, marked as different people, and a merge undone."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.matching.models import ClusterStatus, DedupeCluster, DedupeRun, PersonMerge
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(specialist_agency):
    kept = Person.objects.create(
        held_by=specialist_agency, given_name="Rosa", family_name="Lindqvist", date_of_birth=date(1990, 3, 4)
    )
    dup = Person.objects.create(
        held_by=specialist_agency, given_name="Rosa", family_name="Lindquist", date_of_birth=date(1990, 3, 4)
    )
    return kept, dup


@pytest.fixture
def cluster(pair):
    run = DedupeRun.objects.create(threshold=0.9, model_json={})
    found = DedupeCluster.objects.create(run=run, size=2, max_probability=0.97)
    found.people.set(pair)
    return found


def test_an_editor_sees_the_cluster_and_merges_it(client_for, manager, pair, cluster):
    kept, dup = pair
    client = client_for(manager)
    listing = client.get(reverse("matching:duplicates")).content.decode()
    assert "Rosa Lindquist" in listing and "97%" in listing
    url = reverse("matching:cluster", kwargs={"cluster_id": cluster.pk})
    assert "Check what would move" in client.get(url).content.decode()
    preview = client.post(url, {"survivor": kept.pk, "absorbed": dup.pk}).content.decode()
    assert "Where the records disagree" in preview
    merged = client.post(
        reverse("matching:cluster_merge", kwargs={"cluster_id": cluster.pk}),
        {"survivor": kept.pk, "absorbed": dup.pk, "keep_family_name": "survivor", "reason": "Same DOB, typo in name"},
    )
    assert merged.status_code == 302
    merge = PersonMerge.objects.get()
    assert (merge.survivor, merge.absorbed) == (kept, dup)
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.CONFIRMED
    assert "There are no possible duplicates" in client.get(reverse("matching:duplicates")).content.decode()
    # The surviving record's page offers the undo; undoing restores the alias as a live record.
    page = client.get(reverse("people:detail", kwargs={"person_id": kept.pk})).content.decode()
    assert "Undo this merge" in page
    client.post(reverse("matching:unmerge", kwargs={"merge_id": merge.pk}), {"reason": "Checked: two different women"})
    dup.refresh_from_db()
    assert dup.merged_into_id is None and dup.archived_at is None
    assert AuditEvent.objects.filter(action=AuditAction.LINK, actor=manager).count() == 2


def test_a_merge_without_a_choice_shows_the_error_and_saves_nothing(client_for, manager, pair, cluster):
    kept, dup = pair
    response = client_for(manager).post(
        reverse("matching:cluster_merge", kwargs={"cluster_id": cluster.pk}),
        {"survivor": kept.pk, "absorbed": dup.pk, "reason": "Same DOB, typo in name"},
    )
    assert "Choose which to keep for: Family name" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_marking_different_people_removes_the_cluster(client_for, idva, cluster):
    client_for(idva).post(reverse("matching:cluster_reject", kwargs={"cluster_id": cluster.pk}))
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.REJECTED


def test_a_cluster_with_a_record_the_user_cannot_see_is_not_shown(client_for, pair, cluster):
    elsewhere = AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Elsewhere Aid")
    cluster.people.add(Person.objects.create(held_by=elsewhere, given_name="Rosa", family_name="Lindqvist"))
    other_manager = make_member(Role.TEAM_MANAGER, agency=elsewhere)
    client = client_for(other_manager)
    assert "There are no possible duplicates" in client.get(reverse("matching:duplicates")).content.decode()
    assert client.get(reverse("matching:cluster", kwargs={"cluster_id": cluster.pk})).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("police_referrer", 403), ("auditor", 403), ("outsider", 403)])
def test_access_matrix(request, client_for, cluster, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("matching:duplicates")).status_code == status
    assert client.get(reverse("matching:cluster", kwargs={"cluster_id": cluster.pk})).status_code == status


def test_the_list_is_paged(client_for, manager, specialist_agency):
    run = DedupeRun.objects.create(threshold=0.9, model_json={})
    for n in range(30):
        found = DedupeCluster.objects.create(run=run, size=2, max_probability=0.9 + n / 1000)
        found.people.set(
            [Person.objects.create(held_by=specialist_agency, given_name=f"P{n}", family_name=x) for x in "ab"]
        )
    client = client_for(manager)
    first = client.get(reverse("matching:duplicates")).content.decode()
    assert "Page 1 of 2" in first and "P29 a" in first
    assert "P0 a" in client.get(reverse("matching:duplicates") + "?page=2").content.decode()


def test_the_cluster_actions_audit_the_status_they_set(manager, pair, cluster):
    from waymark.matching.actions import dedupe_cluster_merge

    kept, dup = pair
    dedupe_cluster_merge(
        actor=manager,
        cluster=cluster,
        survivor=kept,
        absorbed=dup,
        resolutions={"family_name": "survivor"},
        reason="Same DOB, typo in name",
    )
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.CONFIRMED
    row = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(cluster.pk))
    assert row.actor == manager and row.detail == {"status": ClusterStatus.CONFIRMED}


def test_only_an_editor_who_may_merge_its_records_rejects_a_cluster(pair, cluster):
    from django.core.exceptions import PermissionDenied

    from waymark.matching.actions import dedupe_cluster_reject

    outsider = make_member(Role.TEAM_MANAGER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Far Aid"))
    with pytest.raises(PermissionDenied):
        dedupe_cluster_reject(actor=outsider, cluster=cluster)
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.FOR_REVIEW
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(cluster.pk)).exists()
