"""The journey page: who may open it, what it shows and hides, filtering, and the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.journey.conftest import CANARY
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return reverse("journey:person", args=[person.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),  # signed in, no role anywhere
        ("police_referrer", 404),  # a referrer in another agency: even the one whose agency referred her
        ("programme_worker_elsewhere", 404),
        ("programme_worker_same_agency", 404),  # the firewall: never told a survivor's record exists
        ("commissioner_same_agency", 403),  # their agency's record, not their role
        ("idva", 200),
        ("manager", 200),
        ("colleague", 200),
        ("other_team_caseworker", 200),
        ("housing_officer_same_agency", 200),
    ],
)
def test_access_matrix(history, survivor, persona, status, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(_url(survivor))
    assert response.status_code == status


def test_signed_out_goes_to_sign_in(survivor, client):
    response = client.get(_url(survivor))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_no_such_person_is_404(idva, client_for):
    import uuid

    assert client_for(idva).get(reverse("journey:person", args=[uuid.uuid4()])).status_code == 404


def test_refusals_are_audited(history, survivor, police_referrer, client_for):
    client_for(police_referrer).get(_url(survivor))
    event = AuditEvent.objects.get(actor=police_referrer, action=AuditAction.ACCESS_DENIED)
    assert event.object_id == str(survivor.pk)
    assert event.outcome == AuditOutcome.DENIED


def test_the_view_is_audited_with_ids_and_kinds_only(history, survivor, idva, client_for):
    client_for(idva).get(_url(survivor), {"kind": ["risk", "marac"]})
    # Written by the person's object check itself, before the entries are read.
    event = AuditEvent.objects.get(actor=idva, action=AuditAction.VIEW, object_id=str(survivor.pk))
    assert event.detail == {"section": "journey", "kinds": ["marac", "risk"]}


def test_the_idva_sees_the_story_in_a_moj_timeline_newest_first(history, survivor, idva, client_for):
    page = client_for(idva).get(_url(survivor)).content.decode()
    assert 'class="moj-timeline"' in page
    order = [
        page.index("Exit outcomes"),
        page.index("Heard at MARAC"),
        page.index("Referred to MARAC"),
        page.index("Intake outcomes"),
        page.index("Contact attempt: phone call"),
        page.index(f"Case {history['case'].number} opened"),
        page.index(f"Referral {history['referral'].number} received"),
    ]
    assert order == sorted(order)
    assert page.index(">2026<") < page.index(">2025<")  # year headings, newest first


@pytest.mark.parametrize("persona", ["idva", "manager", "colleague", "coordinator", "housing_officer_same_agency"])
def test_no_address_phone_email_or_free_text_ever_reaches_the_page(history, survivor, persona, request, client_for):
    page = client_for(request.getfixturevalue(persona)).get(_url(survivor)).content.decode()
    assert CANARY not in page


def test_a_perpetrator_programme_worker_never_sees_a_victims_location_or_contact_details(
    history, enrolment, survivor, harmer, programme_worker_same_agency, client_for
):
    client = client_for(programme_worker_same_agency)
    # The victim's own journey does not open for them at all (waymark/people/access.py's firewall).
    refused = client.get(_url(survivor))
    assert refused.status_code == 404
    assert CANARY not in refused.content.decode()
    # Their client's journey opens, and nothing of the victim's casework or whereabouts is on it.
    response = client.get(_url(harmer))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Programme started" in page  # their own work is there ...
    assert CANARY not in page  # ... and nothing of the victim's
    assert str(survivor) not in page
    assert reverse("people:contact", args=[survivor.pk]) not in page


def test_the_canary_is_there_to_be_found_so_the_test_above_can_fail(history, survivor, idva, client_for):
    contact_page = client_for(idva).get(reverse("people:contact", args=[survivor.pk])).content.decode()
    assert CANARY in contact_page


def test_a_colleague_does_not_see_the_sensitive_note(history, survivor, colleague, client_for):
    page = client_for(colleague).get(_url(survivor)).content.decode()
    assert page.count(f"Case note on {history['case'].number}") == 1  # the ordinary note only


def test_filter_by_kind(history, survivor, idva, client_for):
    page = client_for(idva).get(_url(survivor), {"kind": "risk"}).content.decode()
    assert page.count('data-kind="risk"') == 2
    assert 'data-kind="referral"' not in page
    assert "Show everything" in page
    assert 'value="risk" checked' in page


def test_an_unknown_kind_shows_everything_with_an_error(history, survivor, idva, client_for):
    page = client_for(idva).get(_url(survivor), {"kind": "no-such-kind"}).content.decode()
    assert 'data-kind="risk"' in page and 'data-kind="referral"' in page
    assert "govuk-error-message" in page


def test_nothing_of_the_kinds_chosen(history, survivor, housing_officer_same_agency, client_for):
    page = client_for(housing_officer_same_agency).get(_url(survivor), {"kind": "risk"}).content.decode()
    assert "Nothing of the kinds chosen that you can see." in page


def test_person_page_links_to_the_journey(survivor, idva, client_for):
    page = client_for(idva).get(reverse("people:detail", args=[survivor.pk])).content.decode()
    assert f'href="{_url(survivor)}"' in page
    assert "View their journey" in page


def test_long_histories_are_paged_and_keep_the_filter(history, survivor, idva, client_for, monkeypatch):
    from waymark.journey import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    first = client_for(idva).get(_url(survivor), {"kind": ["risk", "contact", "case", "outcome"]}).content.decode()
    assert first.count("moj-timeline__item") == 5
    assert "kind=risk&amp;kind=contact&amp;kind=case&amp;kind=outcome&amp;page=2" in first
    second = (
        client_for(idva)
        .get(_url(survivor), {"kind": ["risk", "contact", "case", "outcome"], "page": 2})
        .content.decode()
    )
    assert second.count("moj-timeline__item") == 3


def test_the_filter_offers_only_kinds_that_have_a_source(history, survivor, idva, client_for):
    from waymark.journey.sources import SOURCES, EntryKind

    page = client_for(idva).get(_url(survivor)).content.decode()
    for kind in EntryKind:
        assert (f'value="{kind.value}"' in page) == (kind in SOURCES)


@pytest.mark.parametrize("persona", ["idva", "manager", "colleague"])
def test_every_kind_on_one_page_and_still_nothing_that_locates_her(
    history, support, enrolment, survivor, persona, request, client_for
):
    from waymark.journey.sources import EntryKind

    page = client_for(request.getfixturevalue(persona)).get(_url(survivor)).content.decode()
    shown = {kind for kind in EntryKind if f'data-kind="{kind.value}"' in page}
    assert shown == set(EntryKind)
    assert CANARY not in page
