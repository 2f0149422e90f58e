"""The programme worker's pages in a browser (Debian's chromium, Playwright), each checked with
axe-core and for console errors and CSP violations (tests/browser/pages.py). Screenshots go to
the test's own tmp_path (pytest keeps the last few runs' for a person to look at), never a shared
path another test or run could write at the same time; nothing here writes into the repository."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.browser.fixtures import MISSING
from tests.browser.pages import sign_in, visit
from waymark.demo.partnership import demo_password

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=MISSING or "browser")]

WORKER = "tom.reid@sass.example"
IDVA = "amara.okafor@sass.example"


@pytest.fixture
def programme(partnership: Any) -> Any:
    from django.utils import timezone

    from waymark.accounts.models import User
    from waymark.organisations.models import Agency
    from waymark.people.models import Person, Relationship
    from waymark.perpetrators import actions
    from waymark.perpetrators.models import Enrolment

    sass = Agency.objects.get(ref="SASS")
    worker = User.objects.get(email=WORKER)
    victim = Person.objects.create(given_name="Maya", family_name="Lewis", held_by=sass)
    participant = Person.objects.create(
        given_name="Kevin", family_name="Lewis", held_by=sass, primary_role="person_causing_harm"
    )
    Relationship.objects.create(person_a=participant, person_b=victim, kind="former_intimate_partner")
    today = timezone.localdate()
    enrolment = Enrolment.objects.create(
        participant=participant,
        agency=sass,
        worker=worker,
        status="enrolled",
        referred_on=today - timedelta(weeks=8),
        assessed_on=today - timedelta(weeks=7),
        starts_on=today - timedelta(weeks=6),
        source="probation",
    )
    actions.victim_link(actor=worker, enrolment=enrolment, victim=victim, relationship="former_partner")
    for week, attendance in enumerate(["attended", "late", "absent_without_reason", "attended"]):
        actions.attendance_record(
            actor=worker,
            enrolment=enrolment,
            session_on=enrolment.starts_on + timedelta(weeks=week),
            attendance=attendance,
        )
    return enrolment


def test_programme_worker_pages(page: Any, programme: Any, tmp_path: Any) -> None:
    sign_in(page, WORKER, demo_password(WORKER))
    page.screenshot(path=str(tmp_path / "c4perp-home.png"), full_page=True)
    visit(page, "/perpetrator-programme/")
    page.screenshot(path=str(tmp_path / "c4perp-list.png"), full_page=True)
    visit(page, f"/perpetrator-programme/{programme.pk}/")
    page.screenshot(path=str(tmp_path / "c4perp-detail.png"), full_page=True)
    assert "Victim 1: former partner" in page.content() and "Maya" not in page.content()
    visit(page, f"/perpetrator-programme/register/{(programme.starts_on + timedelta(weeks=4)).isoformat()}/")
    page.screenshot(path=str(tmp_path / "c4perp-register.png"), full_page=True)
    visit(page, f"/perpetrator-programme/{programme.pk}/outcomes/start/")
    page.screenshot(path=str(tmp_path / "c4perp-outcomes.png"), full_page=True)
    visit(page, f"/perpetrator-programme/{programme.pk}/end/")
    visit(page, f"/perpetrator-programme/{programme.pk}/flags/new/")
    visit(page, "/perpetrator-programme/flags/")
    visit(page, "/perpetrator-programme/referrals/new/")
    # The victim's contact page does not exist for them.
    response = page.goto(f"/people/{programme.victim_links.get().victim_id}/contact/")
    assert response is not None and response.status == 404


def test_victims_idva_sees_programme_status_and_flags_on_her_case(page: Any, programme: Any, tmp_path: Any) -> None:
    from django.utils import timezone

    from waymark.accounts.models import User
    from waymark.cases.models import Case
    from waymark.perpetrators import actions

    idva = User.objects.get(email=IDVA)
    victim = programme.victim_links.get().victim
    today = timezone.localdate()
    case = Case.objects.create(
        number="C-2026-900001",
        person=victim,
        agency=programme.agency,
        caseworker=idva,
        status="active",
        referred_on=today - timedelta(weeks=10),
        opened_on=today - timedelta(weeks=10),
    )
    actions.flag_raise(
        actor=programme.worker,
        enrolment=programme,
        kind="new_relationship",
        raised_on=today - timedelta(days=1),
        detail="Told the group he has a new partner.",
    )
    sign_in(page, IDVA, demo_password(IDVA))
    page.screenshot(path=str(tmp_path / "c4perp-idva-home.png"), full_page=True)
    visit(page, f"/cases/{case.pk}/")
    page.screenshot(path=str(tmp_path / "c4perp-case-section.png"), full_page=True)
    body = page.content()
    assert "Perpetrator programme" in body and "New relationship" in body
