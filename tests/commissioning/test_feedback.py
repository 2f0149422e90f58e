"""Survivor feedback: the worker gives a one-time link at or after closure (or after sanctuary
measures are fitted); the survivor answers anonymously on a public page with "Exit this page"; the
commissioner sees the answers by provider under the disclosure rule, and nothing joins an answer to
a person, a case, a sanctuary, a worker or a moment."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import models
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.commissioning.feedback import QUESTIONS, digest, feedback_figures, feedback_link_give, feedback_submit
from waymark.commissioning.models import FeedbackKind, FeedbackLink, FeedbackResponse, ProvidedService
from waymark.core.disclosure import SYMBOL, Applied, Suppressed
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
LINK = re.compile(r"http://testserver/feedback/([A-Za-z0-9_-]{40,})/")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def harbour_service(specialist_agency):
    return ProvidedService.objects.create(
        code="harbour-idva", name="Harbour IDVA service", provider_agency=specialist_agency
    )


@pytest.fixture
def closing_case(specialist_agency, idva_team, idva):
    return make_case(agency=specialist_agency, team=idva_team, caseworker=idva, status=CaseStatus.CLOSURE_REQUESTED)


def give_case_link(client: Client, case, **data) -> str:
    response = client.post(reverse("commissioning:feedback_case", args=[case.pk]), data)
    assert response.status_code == 200, response.content
    found = LINK.search(response.content.decode())
    assert found, "the page shows the link"
    return found.group(1)


def test_case_link_is_given_at_or_after_closure_only(client_for, idva, specialist_agency, idva_team, harbour_service):
    active = make_case(agency=specialist_agency, team=idva_team, caseworker=idva, status=CaseStatus.ACTIVE)
    client = client_for(idva)
    page = client.get(reverse("cases:detail", args=[active.pk]))
    assert "Give a feedback link" not in page.content.decode()
    refused = client.post(reverse("commissioning:feedback_case", args=[active.pk]), {"service": harbour_service.pk})
    assert refused.status_code == 400
    assert not FeedbackLink.objects.exists()

    for status in (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
        case = make_case(agency=specialist_agency, team=idva_team, caseworker=idva, status=status)
        page = client.get(reverse("cases:detail", args=[case.pk]))
        assert "Give a feedback link" in page.content.decode()
        assert reverse("commissioning:feedback_case", args=[case.pk]) in page.content.decode()


def test_giving_a_link_keeps_no_token_and_audits_no_link(client_for, idva, closing_case, harbour_service):
    token = give_case_link(client_for(idva), closing_case, service=harbour_service.pk)
    link = FeedbackLink.objects.get()
    assert link.token_digest == digest(token) != token
    assert (link.kind, link.provider_agency_id, link.service_id) == (
        FeedbackKind.END_OF_SUPPORT,
        closing_case.agency_id,
        harbour_service.pk,
    )
    assert link.expires_on > TODAY
    event = AuditEvent.objects.get(action=AuditAction.SHARE)
    assert (event.object_id, event.actor_id) == (str(closing_case.pk), idva.pk)
    assert event.detail == {"feedback_link": "end_of_support"}
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list("object_id", "detail"))
    assert str(link.pk) not in stored and token not in stored and link.token_digest not in stored


def test_the_service_must_be_the_providers_own(client_for, idva, closing_case, harbour_service):
    other = ProvidedService.objects.create(code="other", name="Other", provider_agency=AgencyFactory())
    response = client_for(idva).post(
        reverse("commissioning:feedback_case", args=[closing_case.pk]), {"service": other.pk}
    )
    assert response.status_code == 400
    assert not FeedbackLink.objects.exists()


def test_who_may_give_a_link_on_a_case(client_for, closing_case, idva, manager, outsider, commissioner):
    url = reverse("commissioning:feedback_case", args=[closing_case.pk])
    other_agency = AgencyFactory(name="Elsewhere", kind=AgencyKind.DA_SPECIALIST)
    stranger = make_member(Role.CASEWORKER, team=TeamFactory(agency=other_agency), full_name="Sam Stranger")
    referrer = make_member(Role.REFERRER, agency=AgencyFactory(kind=AgencyKind.POLICE))
    for user in (idva, manager):
        assert client_for(user).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404  # not hers: as if there were no such case
    for user in (commissioner, outsider, referrer):
        assert client_for(user).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to sign-in
    for user in (stranger, commissioner, outsider, referrer):
        client_for(user).post(url)
    assert not FeedbackLink.objects.exists()


def _sanctuary(person_agency, coordinator, worker, *, fitted):
    from tests.outcomes.factories import make_person
    from waymark.refuge.models import Sanctuary
    from waymark.refuge.states import SanctuaryStatus

    return Sanctuary.objects.create(
        number=f"S-{Sanctuary.objects.count() + 1}",
        person=make_person(person_agency),
        scheme_agency=person_agency,
        referring_agency=person_agency,
        referred_by=worker,
        referred_on=TODAY - timedelta(days=120),
        status=SanctuaryStatus.INSTALLED if fitted else SanctuaryStatus.REFERRED,
        fitted_on=TODAY - timedelta(days=100) if fitted else None,
    )


def test_sanctuary_link_after_measures_are_fitted(client_for, specialist_agency, idva, commissioner):
    coordinator = make_member(Role.SANCTUARY_COORDINATOR, agency=specialist_agency, full_name="Sol Sanctuary")
    waiting = _sanctuary(specialist_agency, coordinator, idva, fitted=False)
    fitted = _sanctuary(specialist_agency, coordinator, idva, fitted=True)
    client = client_for(coordinator)
    assert "Give a feedback link" not in client.get(reverse("refuge:sanctuary", args=[waiting.pk])).content.decode()
    page = client.get(reverse("refuge:sanctuary", args=[fitted.pk])).content.decode()
    assert reverse("commissioning:feedback_sanctuary", args=[fitted.pk]) in page
    assert client.post(reverse("commissioning:feedback_sanctuary", args=[waiting.pk])).status_code == 400
    assert (
        client_for(commissioner).get(reverse("commissioning:feedback_sanctuary", args=[fitted.pk])).status_code == 403
    )

    response = client.post(reverse("commissioning:feedback_sanctuary", args=[fitted.pk]))
    token = LINK.search(response.content.decode()).group(1)
    link = FeedbackLink.objects.get()
    assert (link.kind, link.provider_agency_id) == (FeedbackKind.SANCTUARY, specialist_agency.pk)
    assert AuditEvent.objects.get(action=AuditAction.SHARE).object_id == str(fitted.pk)
    survey = Client().get(reverse("feedback:survey", args=[token])).content.decode()
    assert "Tell us about the support you had" in survey
    assert "sanctuary" not in survey.lower() and "security measures" not in survey  # test_feedback_neutral.py


def test_survivor_answers_once_anonymously(client_for, idva, closing_case, harbour_service):
    token = give_case_link(client_for(idva), closing_case, service=harbour_service.pk)
    survivor = Client(enforce_csrf_checks=False)
    url = reverse("feedback:survey", args=[token])
    page = survivor.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Exit this page" in body and "govuk-exit-this-page" in body
    assert "no-store" in page.get("Cache-Control", "")
    for staff_word in ("caseworker", "Case ", closing_case.number, closing_case.person.given_name, "Sign out"):
        assert staff_word not in body
    for question in QUESTIONS:
        assert question.text in body

    answers = {"satisfied": "very_happy", "safer": "a_little", "listened": "", "recommend": "yes"}
    done = survivor.post(url, answers)
    assert done.status_code == 302 and done["Location"] == reverse("feedback:thanks")
    assert "Exit this page" in survivor.get(done["Location"]).content.decode()
    saved = FeedbackResponse.objects.get()
    assert (saved.satisfied, saved.safer, saved.listened, saved.recommend) == ("very_happy", "a_little", "", "yes")
    assert (saved.provider_agency_id, saved.service_id, saved.kind) == (
        closing_case.agency_id,
        harbour_service.pk,
        FeedbackKind.END_OF_SUPPORT,
    )
    assert saved.month == date(2026, 12, 1)  # the month, never the day
    assert not FeedbackLink.objects.exists()  # used up: nothing joins the answers to the link
    event = AuditEvent.objects.filter(object_type="commissioning.feedbackresponse").get()
    assert (event.actor_id, event.object_id, event.ip_address, event.detail) == (None, "", None, {})

    again = survivor.post(url, answers)
    assert again.status_code == 404 and "no longer works" in again.content.decode()
    assert FeedbackResponse.objects.count() == 1


def test_a_response_carries_nothing_that_leads_to_a_person():
    """No field of a response (or of a link) points at a person, case, sanctuary, worker or time."""
    allowed_targets = {"organisations.agency", "commissioning.providedservice"}
    for model in (FeedbackResponse, FeedbackLink):
        for field in model._meta.get_fields():
            if field.is_relation:
                assert field.related_model._meta.label_lower in allowed_targets, (model, field.name)
            assert not isinstance(field, models.DateTimeField), (model, field.name)
    assert {f.name for f in FeedbackResponse._meta.get_fields()} == {
        "id",
        "kind",
        "provider_agency",
        "service",
        "month",
        "satisfied",
        "safer",
        "listened",
        "recommend",
    }
    assert {f.name for f in FeedbackLink._meta.get_fields()} == {
        "id",
        "token_digest",
        "kind",
        "provider_agency",
        "service",
        "expires_on",
    }


def test_bad_answers_save_nothing(client_for, idva, closing_case):
    token = give_case_link(client_for(idva), closing_case)
    url = reverse("feedback:survey", args=[token])
    response = Client().post(url, {"satisfied": "delighted"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not FeedbackResponse.objects.exists()
    assert FeedbackLink.objects.count() == 1  # still usable


def test_unknown_and_expired_links_look_alike(client_for, idva, closing_case, pinned):
    token = give_case_link(client_for(idva), closing_case)
    unknown = Client().get(reverse("feedback:survey", args=["x" * 43]))
    assert unknown.status_code == 404 and "no longer works" in unknown.content.decode()
    pinned.move_to(FeedbackLink.objects.get().expires_on + timedelta(days=1))
    expired = Client().get(reverse("feedback:survey", args=[token]))
    assert expired.status_code == 404 and expired.content == unknown.content
    assert Client().post(reverse("feedback:survey", args=[token]), {"satisfied": "happy"}).status_code == 404
    assert not FeedbackResponse.objects.exists()


def _answers(provider, n, **answers):
    for _ in range(n):
        token, _ = feedback_link_give(
            actor=make_member(Role.CASEWORKER, agency=provider),
            kind=FeedbackKind.END_OF_SUPPORT,
            about=provider,
            provider_id=provider.pk,
        )
        feedback_submit(token=token, answers=answers)


@pytest.fixture
def two_providers():
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    bridge = AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST)
    return harbour, bridge


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_figures_equal_a_hand_count(two_providers, pinned):
    harbour, bridge = two_providers
    pinned.move_to(date(2026, 8, 10))  # last quarter
    _answers(harbour, 3, satisfied="very_happy", safer="yes", listened="yes", recommend="yes")
    _answers(harbour, 1, satisfied="unhappy", safer="no", listened="partly", recommend="not_sure")
    _answers(harbour, 1)  # skipped everything
    _answers(bridge, 2, satisfied="happy", safer="a_little", listened="no", recommend="no")
    pinned.move_to(date(2026, 10, 5))  # this quarter: not counted in last quarter
    _answers(bridge, 4, satisfied="very_unhappy")
    total, rows = feedback_figures(date(2026, 7, 1), date(2026, 9, 30), Applied())
    by_name = {row.label: row for row in rows}
    assert set(by_name) == {"Harbour Advocacy", "Bridge Project"}
    harbour_row, bridge_row = by_name["Harbour Advocacy"], by_name["Bridge Project"]
    assert harbour_row.cells["responses"] == 5
    assert (harbour_row.cells["satisfied_positive"], harbour_row.cells["satisfied_other"]) == (3, 1)
    assert harbour_row.cells["satisfied_skipped"] == 1
    assert harbour_row.share("satisfied") == 0.75
    assert harbour_row.share("listened") == 0.75
    assert bridge_row.share("safer") == 1.0 and bridge_row.share("recommend") == 0.0
    assert total.cells["responses"] == 7
    assert total.share("satisfied") == round(5 / 6, 4)
    this_quarter, _ = feedback_figures(date(2026, 10, 1), date(2026, 12, 31), Applied())
    assert this_quarter.cells["responses"] == 4


def test_dashboard_shows_feedback_by_provider_with_suppression(client_for, commissioner, two_providers, pinned):
    harbour, bridge = two_providers
    pinned.move_to(date(2026, 8, 10))
    _answers(harbour, 12, satisfied="happy", safer="yes", listened="yes", recommend="yes")
    _answers(bridge, 3, satisfied="happy", safer="yes", listened="yes", recommend="yes")
    pinned.move_to(TODAY)
    client = client_for(commissioner)
    page = client.get(reverse("commissioning:outcomes"), {"period": "q-2026-2", "by": "provider"}).content.decode()
    assert "What survivors told us" in page
    table = page[page.index('id="feedback-table"') :]
    table = table[: table.index("</table>")]
    assert "Bridge Project" in table and SYMBOL in table
    assert "survivor feedback by provider" in page  # the note says where suppression was applied

    # The attacker: Harbour's and All's responses cannot both be shown beside a hidden Bridge.
    total, rows = feedback_figures(date(2026, 7, 1), date(2026, 9, 30), Applied())
    column = [row.cells["responses"] for row in rows] + [total.cells["responses"]]
    hidden = [v for v in column if isinstance(v, Suppressed)]
    assert len(hidden) != 1, "one hidden cell beside its shown total can be recovered by subtraction"
    assert isinstance(rows[[r.label for r in rows].index("Bridge Project")].cells["responses"], Suppressed)

    download = client.get(reverse("commissioning:feedback_download"), {"period": "q-2026-2", "format": "csv"})
    assert download.status_code == 200
    lines = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert {line["provider"]: line["responses"] for line in lines}["Bridge Project"] == SYMBOL
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:survivor-feedback").count() == 1
    xlsx = client.get(reverse("commissioning:feedback_download"), {"period": "q-2026-2", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_commissioners_see_feedback_figures(client_for, idva, manager, outsider, partnership_lead, commissioner):
    url = reverse("commissioning:feedback_download")
    for user in (commissioner, partnership_lead):
        assert client_for(user).get(url, {"period": "q-2026-2"}).status_code == 200
    for user in (idva, manager, outsider):
        assert client_for(user).get(url, {"period": "q-2026-2"}).status_code == 403
    assert Client().get(url).status_code == 302


def _through_the_console_handler(record) -> str:
    """A log record as the configured console handler writes it (its filters applied)."""
    import logging

    (handler,) = [h for h in logging.getLogger().handlers if any(hasattr(f, "filter") for f in h.filters)] or [None]
    assert handler is not None, "the console handler carries the log filters"
    for log_filter in handler.filters:
        log_filter.filter(record)
    return record.getMessage()


def test_a_feedback_link_never_reaches_a_log(client_for, idva, closing_case, harbour_service, caplog):
    """An attacker's probe: a refused CSRF check, or a 404 for a link already used, logged the
    path, token and all; with the logs, anyone could answer in her place."""
    token = give_case_link(client_for(idva), closing_case, service=harbour_service.pk)
    caplog.clear()
    Client(enforce_csrf_checks=True).post(reverse("feedback:survey", args=[token]), {"q1": "1"})
    Client().get(reverse("feedback:survey", args=["x" * 43]))
    assert caplog.records, "Django logged the refused check and the 404"
    written = [_through_the_console_handler(record) for record in caplog.records]
    assert all(token not in line and "x" * 43 not in line for line in written), written
    assert any("/feedback/[link]/" in line for line in written)


def test_the_web_servers_access_log_leaves_the_token_out():
    import importlib.util
    from pathlib import Path
    from unittest import mock

    from gunicorn.glogging import Logger

    import waymark

    config = Path(waymark.__file__).parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", config)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.logger_class.__name__ == "RedactingLogger"
    logger = module.logger_class.__new__(module.logger_class)  # its atoms need no configuration
    with mock.patch.object(Logger, "atoms", return_value={"U": "/feedback/q-mShr6Eu8_abc/", "s": "403"}):
        assert logger.atoms(None, None, None, None) == {"U": "/feedback/[link]/", "s": "403"}
    with mock.patch.object(Logger, "atoms", return_value={"U": "/feedback/thank-you/"}):
        assert logger.atoms(None, None, None, None)["U"] == "/feedback/thank-you/"
