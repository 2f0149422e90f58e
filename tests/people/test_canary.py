"""The canary: a string put into every address line, postcode, phone and email of a survivor
must never appear in the database's raw columns, in any page or error page for someone without
a need to know, or in any audit row or log line; and must appear for the caseworker who may
see it (so this test can fail)."""

import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from waymark.people.choices import AddressKind, ChannelKind
from waymark.people.models import Address, ContactChannel

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7Q2X"
PERSON_PAGES = ["detail", "contact", "edit", "archive", "name_add", "relationship_add", "address_add", "channel_add"]


@pytest.fixture
def located_survivor(survivor, harmer):
    home = Address.objects.create(
        person=survivor,
        kind=AddressKind.HOME,
        line1=f"{CANARY} line one",
        line2=f"{CANARY} line two",
        town=f"{CANARY} town",
        postcode=CANARY,
        is_current=False,
    )
    refuge = Address.objects.create(
        person=survivor, kind=AddressKind.REFUGE, line1=f"{CANARY} refuge", town=f"{CANARY} t", postcode=CANARY
    )
    ContactChannel.objects.create(person=survivor, kind=ChannelKind.MOBILE, value=f"07{CANARY}")
    ContactChannel.objects.create(person=survivor, kind=ChannelKind.EMAIL, value=f"{CANARY}@example.org")
    ContactChannel.objects.create(person=survivor, kind=ChannelKind.POST, address=refuge)
    ContactChannel.objects.create(person=survivor, kind=ChannelKind.LANDLINE, value=CANARY, is_current=False)
    assert home.pk and refuge.pk
    return survivor


def _every_raw_value_in_the_database():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def _pages(client: Client, person):
    for name in PERSON_PAGES:
        yield client.get(reverse(f"people:{name}", args=[person.pk]))
    yield client.get(reverse("people:list"))
    yield client.get(reverse("people:list"), {"name": "Lewis"})


def test_canary_never_in_raw_database_columns(located_survivor, client_for, idva):
    client_for(idva).get(reverse("people:contact", args=[located_survivor.pk]))
    leaks = [table for table, text in _every_raw_value_in_the_database() if CANARY in text]
    assert leaks == []
    # And the rows really hold ciphertext, not nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT line1 FROM people_address")
        assert all(value.startswith("v1:") for (value,) in cursor.fetchall())


@pytest.mark.parametrize(
    "persona", ["police_referrer", "programme_worker_elsewhere", "caseworker_elsewhere", "outsider"]
)
def test_canary_never_shown_to_people_without_need_to_know(located_survivor, persona, request):
    client = signed_in_client(request.getfixturevalue(persona))
    for response in _pages(client, located_survivor):
        assert response.status_code in (403, 404) or "people/list" in response.templates[0].name
        assert CANARY not in response.content.decode()


def test_canary_never_shown_to_programme_worker_in_holding_agency(located_survivor, programme_worker_same_agency):
    client = signed_in_client(programme_worker_same_agency)
    statuses = []
    for response in _pages(client, located_survivor):
        statuses.append(response.status_code)
        assert CANARY not in response.content.decode()
    # The firewall: the survivor's pages do not exist for them (404, never 403), and the list
    # does not name her (tests/perpetrators/test_canary.py walks every page they can reach).
    assert statuses[:-2] == [404] * len(PERSON_PAGES)
    assert "Maya" not in client.get(reverse("people:list")).content.decode()


def test_allowed_caseworker_sees_it_and_no_audit_row_or_log_line_carries_it(located_survivor, idva, caplog):
    caplog.set_level(logging.DEBUG)
    client = signed_in_client(idva)
    contact = client.get(reverse("people:contact", args=[located_survivor.pk])).content.decode()
    client.get(reverse("people:detail", args=[located_survivor.pk]))
    client.get(reverse("people:list"), {"name": CANARY})
    assert contact.count(CANARY) >= 10  # every line, postcode, phone and email, current and previous
    from waymark.audit.models import AuditEvent

    for event in AuditEvent.objects.all():
        assert CANARY not in f"{event.detail} {event.justification} {event.object_id} {event.actor_label}"
    assert CANARY not in caplog.text
    assert all(CANARY not in str(record.args) for record in caplog.records)


def test_canary_never_in_error_pages_or_their_logs(located_survivor, idva, caplog, monkeypatch):
    """A failure after the values were decrypted: the 500 page and its log carry none of them."""
    from waymark.people import views

    def broken_render(request, template, context):
        addresses = context["current_addresses"]
        raise RuntimeError(f"rendering failed for {len(addresses)} addresses")

    monkeypatch.setattr(views, "render", broken_render)
    caplog.set_level(logging.DEBUG)
    client = signed_in_client(idva)
    client.raise_request_exception = False
    response = client.get(reverse("people:contact", args=[located_survivor.pk]))
    assert response.status_code == 500
    assert CANARY not in response.content.decode()
    assert CANARY not in caplog.text
