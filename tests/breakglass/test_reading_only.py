"""Emergency access reads, and reads less than the case's own service (found by an attacker's probe).

Before the fix a worker at another service who broke glass to one survivor's record could add a
note to her case (``can_work_on`` read "may see" as "may change"), open the records of the children
linked to her case (the children's grant was built on every case the user may see), and read her
case notes and the reasons for its changes of status, which the probe had made say where she was
staying. A caseworker who also holds the perpetrator-programme role read them the same way.
"""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.breakglass.test_break_glass import NOW, open_for
from tests.cases.conftest import make_case
from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.cases.access import can_read_case_text, can_work_on, cases_visible_to, get_case_for_user
from waymark.cases.actions import case_note_add
from waymark.cases.models import CaseNote, CaseStatus, CaseStatusChange
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.access import people_visible_to
from waymark.people.choices import PersonRole
from waymark.support.models import CaseChild

pytestmark = pytest.mark.django_db

WHERE = "Canary: staying at 12 Sisterly Close CN8 8QZ"


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


@pytest.fixture
def case(survivor, specialist_agency, idva_team, idva):
    case = make_case(
        person=survivor, agency=specialist_agency, team=idva_team, caseworker=idva, status=CaseStatus.ENGAGED
    )
    case_note_add(actor=idva, case=case, body=WHERE)
    CaseStatusChange.objects.create(
        case=case, from_status=CaseStatus.ALLOCATED, to_status=CaseStatus.ENGAGED, reason=WHERE, changed_at=NOW
    )
    return case


@pytest.fixture
def child(case, specialist_agency, idva):
    person = PersonFactory(held_by=specialist_agency, given_name="Kit", primary_role=PersonRole.CHILD)
    CaseChild.objects.create(
        case=case, child=person, relationship_to_client="child", linked_on=NOW.date(), linked_by=idva
    )
    return person


@pytest.fixture
def other_service_worker():
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST), full_name="Ola Other")


@pytest.fixture
def dual_role_worker(idva_team, specialist_agency):
    """A caseworker in the IDVA team who also works in the perpetrator programme."""
    user = make_member(Role.CASEWORKER, team=idva_team, full_name="Dee Dual")
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.PERPETRATOR_WORKER)
    return User.objects.get(pk=user.pk)


def test_the_cases_own_service_reads_and_works_on_it(client_for, case, idva, manager):
    for user in (idva, manager):
        assert can_work_on(user, case) and can_read_case_text(user, case)
        page = client_for(user).get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert page.count(WHERE) == 2  # the note and the status change's reason


def test_emergency_access_reads_the_case_but_cannot_change_it(client_for, case, survivor, other_service_worker):
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        assert cases_visible_to(other_service_worker).filter(pk=case.pk).exists()
        assert not can_work_on(other_service_worker, get_case_for_user(other_service_worker, case.pk))
        client = client_for(other_service_worker)
        notes_before = CaseNote.objects.count()
        response = client.post(reverse("cases:note_add", args=[case.pk]), {"body": "Written under emergency access"})
        assert response.status_code == 403
        assert CaseNote.objects.count() == notes_before


def test_emergency_access_does_not_read_the_cases_words(client_for, case, survivor, other_service_worker):
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        response = client_for(other_service_worker).get(reverse("cases:detail", args=[case.pk]))
        page = response.content.decode()
        assert response.status_code == 200 and case.number in page
        assert "Canary" not in page
        assert "shown only to those who may see where this person is" in page
        for name in ("support_plan", "orders", "interventions", "children"):
            assert client_for(other_service_worker).get(reverse(f"support:{name}", args=[case.pk])).status_code == 403


def test_emergency_access_reads_no_closure_note_task_title_or_childs_name(
    client_for, case, child, survivor, manager, other_service_worker
):
    from waymark.cases.models import Task

    Task.objects.create(
        case=case, title="Canary: ring her at the refuge", due_on=NOW.date(), owner=manager, created_by=manager
    )
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        page = client_for(other_service_worker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Canary" not in page and "Kit" not in page
    assert "1 child linked to this case" in page
    own = client_for(manager).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Canary: ring her at the refuge" in own and "Kit" in own


def test_emergency_access_does_not_open_the_children_on_her_case(case, child, survivor, idva, other_service_worker):
    assert people_visible_to(idva).filter(pk=child.pk).exists()  # her own service: yes
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor)
        assert people_visible_to(other_service_worker).filter(pk=survivor.pk).exists()
        assert not people_visible_to(other_service_worker).filter(pk=child.pk).exists()


def test_a_caseworker_who_also_works_in_the_programme_does_not_read_the_cases_words(client_for, case, dual_role_worker):
    assert cases_visible_to(dual_role_worker).filter(pk=case.pk).exists()  # her team's case
    assert not can_read_case_text(dual_role_worker, case)
    page = client_for(dual_role_worker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Canary" not in page


def test_can_work_on_needs_no_query(django_assert_num_queries, case, idva):
    assert idva.roles  # the memberships, read once per request
    with django_assert_num_queries(0):
        assert can_work_on(idva, case)


def test_a_team_colleague_covering_works_on_the_case(case, idva_team):
    colleague = make_member(Role.CASEWORKER, team=idva_team, full_name="Colin Colleague")
    assert can_work_on(colleague, case) and can_read_case_text(colleague, case)
