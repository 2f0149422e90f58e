"""Strategy pages: access matrix (outsider 404, wrong role 403), audit of reads, the update journey."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, make_member
from tests.strategy.factories import make_action, make_strategy
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.strategy.actions import exception_report_generate
from waymark.strategy.choices import Rag

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)


@pytest.fixture
def owner(police):
    return make_member(Role.REFERRER, agency=police, full_name="Claire Dawson")


@pytest.fixture
def lead():
    return make_member(Role.PARTNERSHIP_LEAD, full_name="Lisa Nunes")


@pytest.fixture
def commissioner():
    return make_member(Role.COMMISSIONER)


@pytest.fixture
def action(owner):
    return make_action(make_strategy(), owner=owner, target_on=date(2021, 3, 31))


def test_access_matrix_for_an_action(action, owner, lead, commissioner, outsider, police):
    url = reverse("strategy:action", args=[action.pk])
    update = reverse("strategy:action_update", args=[action.pk])
    colleague = make_member(Role.REFERRER, agency=police)
    stranger = make_member(Role.REFERRER)
    assert signed_in_client(owner).get(url).status_code == 200
    assert signed_in_client(lead).get(url).status_code == 200
    assert signed_in_client(commissioner).get(url).status_code == 200
    assert signed_in_client(colleague).get(url).status_code == 200  # her agency leads it: may read
    assert signed_in_client(colleague).get(update).status_code == 403  # but not update it
    assert signed_in_client(commissioner).get(update).status_code == 403
    assert signed_in_client(stranger).get(url).status_code == 404
    assert signed_in_client(outsider).get(url).status_code == 404
    assert signed_in_client(owner).get(update).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(action.pk)).exists()


def test_the_owner_updates_her_action_to_amber_with_a_reason(action, owner):
    client = signed_in_client(owner)
    url = reverse("strategy:action_update", args=[action.pk])
    with time_machine.travel(date(2021, 4, 15), tick=False):
        missing = client.post(url, {"version": action.version, "rag": "amber", "issue_level": "issues"})
        assert missing.status_code == 200
        assert "Say why the action is amber" in missing.content.decode()
        response = client.post(
            url,
            {
                "version": action.version,
                "rag": "amber",
                "issue_level": "issues",
                "reason": "Training venue withdrawn",
                "corrective_action": "Moved to the town hall",
                "revised_target_on_0": "30",
                "revised_target_on_1": "6",
                "revised_target_on_2": "2021",
            },
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.rag == Rag.AMBER
        assert action.revised_target_on == date(2021, 6, 30)
        stale = client.post(url, {"version": action.version - 1, "rag": "green", "issue_level": "none"})
        assert "Someone else changed this action" in stale.content.decode()


def test_exception_report_pages(action, owner, lead, commissioner):
    report = exception_report_generate(actor=lead, strategy=action.strategy, financial_year=2020, quarter=2)
    for name in ("strategy:report", "strategy:report_print", "strategy:report_xlsx"):
        url = reverse(name, args=[report.pk])
        assert signed_in_client(lead).get(url).status_code == 200
        assert signed_in_client(commissioner).get(url).status_code == 200
        assert signed_in_client(owner).get(url).status_code == 403
    download = signed_in_client(lead).get(reverse("strategy:report_xlsx", args=[report.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk)).exists()
    create = reverse("strategy:report_create", args=[action.strategy.pk])
    assert signed_in_client(commissioner).get(create).status_code == 403
    assert signed_in_client(lead).post(create, {"financial_year": "2020", "quarter": "3"}).status_code == 302


def test_strategy_pages_and_home_panel(action, lead, owner, outsider):
    detail = reverse("strategy:detail", args=[action.strategy.pk])
    assert signed_in_client(lead).get(detail).status_code == 200
    assert signed_in_client(owner).get(detail).status_code == 200
    assert signed_in_client(outsider).get(detail).status_code == 404
    assert "Claire Dawson" not in signed_in_client(outsider).get(reverse("strategy:list")).content.decode()
    home = signed_in_client(lead).get(reverse("home")).content.decode()
    assert "VAWG action plan" in home


def test_the_demo_timeline_flags_the_out_of_order_date(lead):
    from waymark.demo.partnership import build_partnership
    from waymark.demo.partnership_strategy import build_strategy
    from waymark.strategy.models import TimelineActivity, TimelineProject

    build_partnership()
    assert build_strategy() is not None
    assert build_strategy() is None  # idempotent
    project = TimelineProject.objects.get()
    first = TimelineActivity.objects.get(project=project, position=1)
    assert (first.start_as_written, first.finish_as_written) == ("01/09/2018", "17/02/2018")  # as written
    assert first.finishes_on == date(2018, 2, 17)  # not corrected
    from waymark.accounts.models import User

    demo_lead = User.objects.get(email="lisa.nunes@council.example")
    page = signed_in_client(demo_lead).get(reverse("strategy:timeline", args=[project.pk])).content.decode()
    assert "Finishes (17 February 2018) before it starts (1 September 2018)" in page
    assert "“19/112018”, is not a date" in page
    assert "<svg" in page and "<table" in page
    assert signed_in_client(lead).get(reverse("strategy:timeline", args=[project.pk])).status_code == 200


def test_the_lead_adds_and_changes_an_action(action, lead, owner, police):
    client = signed_in_client(lead)
    strategy = action.strategy
    area = strategy.areas.get(number=10)
    body = {
        "number": "10.1",
        "area": str(area.pk),
        "priority": "",
        "aim": "Stalking protection orders in every eligible case",
        "lead_agency": str(police.pk),
        "owner": str(owner.pk),
        "target_on_0": "31",
        "target_on_1": "3",
        "target_on_2": "2021",
        "plan": "Two-year action plan",
        "measure": "",
        "measure_direction": "higher",
    }
    response = client.post(reverse("strategy:action_add", args=[strategy.pk]), body)
    assert response.status_code == 302
    added = strategy.actions.get(number="10.1")
    assert added.owner == owner
    clash = client.post(reverse("strategy:action_add", args=[strategy.pk]), body)
    assert "There is already an action 10.1" in clash.content.decode()
    edit = reverse("strategy:action_edit", args=[added.pk])
    assert signed_in_client(owner).get(edit).status_code == 403
    response = client.post(edit, {**body, "version": added.version, "aim": "Changed aim"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.aim == "Changed aim"
    stale = client.post(edit, {**body, "version": added.version - 1, "aim": "Another"})
    assert "Someone else changed this action" in stale.content.decode()
