"""Key rotation: encrypt under A, set keys "B,A", reencrypt, remove A, values still readable."""

import base64
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from waymark.audit.models import AuditAction, AuditEvent
from waymark.people import actions
from waymark.people.choices import AddressKind, ChannelKind
from waymark.people.models import Address, ContactChannel
from waymark.people.normalise import blind_index

pytestmark = pytest.mark.django_db

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()
INDEX_KEY = "i1:" + base64.b64encode(b"I" * 32).decode()


def _raw(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
        return [value for (value,) in cursor.fetchall()]


def _reencrypt():
    out = StringIO()
    call_command("reencrypt", batch_size=1, stdout=out)
    return out.getvalue()


@pytest.fixture
def under_key_a(settings, idva, survivor):
    settings.FIELD_ENCRYPTION_KEYS = KEY_A
    settings.BLIND_INDEX_KEY = ""
    actions.address_add(actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St", postcode="SW1A 1AA")
    actions.address_add(actor=idva, person=survivor, kind=AddressKind.REFUGE, line1="2 Quiet Rd", town="Southmere")
    actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700900123")
    assert all(v.startswith("v1:a:") for v in _raw("people_address", "line1"))
    return settings


def test_rotation_reencrypts_everything_and_old_key_can_go(under_key_a):
    settings = under_key_a
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    output = _reencrypt()
    assert "people.Address: 2 checked, 2 re-encrypted" in output
    assert "people.ContactChannel: 1 checked, 1 re-encrypted" in output
    for table, column in [
        ("people_address", "line1"),
        ("people_address", "postcode"),
        ("people_contactchannel", "value"),
    ]:
        assert all(v.startswith("v1:b:") for v in _raw(table, column))
    settings.FIELD_ENCRYPTION_KEYS = KEY_B  # old key removed
    assert sorted(a.line1 for a in Address.objects.all()) == ["1 High St", "2 Quiet Rd"]
    assert ContactChannel.objects.get().value == "07700900123"
    # The derived index key followed the new first key, and the indexes were rebuilt with it.
    assert Address.objects.get(postcode_index=blind_index("postcode", "sw1a 1aa")).line1 == "1 High St"
    assert ContactChannel.objects.filter(phone_index=blind_index("phone", "+447700900123")).exists()
    # The refuge's firewall indexes too (never its postcode indexes: search must not find it).
    refuge = Address.objects.get(kind=AddressKind.REFUGE)
    assert refuge.shared_line_index == blind_index("address_line", "2 quiet road")
    assert refuge.postcode_index == refuge.postcode_district_index == ""
    event = AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE).get()
    # Every row has an index now: the refuge address has its line's (shared_line_index).
    assert event.detail == {
        "rows_checked": 3,
        "rows_reencrypted": 3,
        "indexes_rebuilt": 3,
        "firewall_indexes_kept": 0,
        "jobs_checked": 0,
        "jobs_reencrypted": 0,
        "finished_jobs_left": 0,
        "jobs_of_unknown_tasks": 0,
        "jobs_unreadable": 0,
    }


def test_reencrypt_is_idempotent(under_key_a):
    under_key_a.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    _reencrypt()
    before = _raw("people_address", "line1")
    assert "2 checked, 0 re-encrypted, 0 with blind indexes rebuilt" in _reencrypt()
    assert _raw("people_address", "line1") == before


def test_without_reencrypt_removing_the_old_key_breaks_reads(under_key_a):
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B
    with pytest.raises(ImproperlyConfigured):
        list(Address.objects.all())


def test_separate_index_key_leaves_indexes_alone(settings, idva, survivor):
    settings.FIELD_ENCRYPTION_KEYS = KEY_A
    settings.BLIND_INDEX_KEY = INDEX_KEY
    actions.address_add(actor=idva, person=survivor, kind=AddressKind.HOME, line1="1 High St", postcode="SW1A 1AA")
    index = Address.objects.get().postcode_index
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    assert "1 re-encrypted, 0 with blind indexes rebuilt" in _reencrypt()
    assert Address.objects.get().postcode_index == index


def test_a_disposed_addresss_firewall_indexes_are_kept_not_blanked(under_key_a, survivor):
    """Disposal keeps the firewall's indexes of her addresses and blanks the lines they were made
    from, so rotation cannot rebuild them. Blanking them would stop them hiding a participant's
    address at her old home; kept (under the old key) they can only hide. Production sets its own
    BLIND_INDEX_KEY, so rotating field keys never changes them (tests/core/test_production_settings.py)."""
    from waymark.dataprotection.retention import anonymise_person

    anonymise_person(survivor.pk)
    kept = {a.pk: (a.shared_postcode_index, a.shared_line_index) for a in Address.objects.all()}
    assert all(any(indexes) for indexes in kept.values())
    under_key_a.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    _reencrypt()
    assert {a.pk: (a.shared_postcode_index, a.shared_line_index) for a in Address.objects.all()} == kept
    detail = AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE).get().detail
    assert detail["firewall_indexes_kept"] == sum(bool(index) for pair in kept.values() for index in pair)


def test_rotation_reencrypts_a_queued_password_reset_and_the_link_is_still_sent(under_key_a, idva):
    """The reset request queues the typed address encrypted (waymark/accounts/password_reset.py);
    rotated and the old key removed, the worker still reads it and sends the link."""
    from django.core import mail
    from django.test import Client
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from tests.operations.conftest import run_worker

    Client().post(reverse("account_reset_password"), {"email": idva.email})
    job = DBTaskResult.objects.get(task_path="waymark.accounts.password_reset.send_password_reset")
    under_key_a.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    assert "Queued jobs: 1 with encrypted arguments checked, 1 re-encrypted; 0 finished" in _reencrypt()
    assert "Queued jobs: 1 with encrypted arguments checked, 0 re-encrypted" in _reencrypt()  # idempotent
    detail = AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE).order_by("-sequence").first().detail
    assert (detail["jobs_checked"], detail["jobs_reencrypted"]) == (1, 0)
    under_key_a.FIELD_ENCRYPTION_KEYS = KEY_B
    mail.outbox.clear()
    run_worker()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [[idva.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_queued_job_under_a_key_already_removed_is_reported_and_the_rotation_is_audited(settings):
    """It used to stop the jobs' rotation, run after run, before the audit row was written."""
    from django.core import mail as django_mail

    from waymark.core.tasks import queue_email

    settings.FIELD_ENCRYPTION_KEYS = KEY_A
    queue_email(django_mail.EmailMessage(subject="s", body="under a", to=["amara.okafor@harbour.example"]))
    settings.FIELD_ENCRYPTION_KEYS = KEY_B  # key A removed before its jobs were rotated
    queue_email(django_mail.EmailMessage(subject="s", body="under b", to=["amara.okafor@harbour.example"]))
    key_c = "c:" + base64.b64encode(b"C" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{key_c},{KEY_B}"
    output = _reencrypt()
    assert "Queued jobs: 2 with encrypted arguments checked, 1 re-encrypted" in output
    assert "1 queued jobs have an encrypted argument no current key can read" in output
    detail = AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE).get().detail
    assert (detail["jobs_checked"], detail["jobs_reencrypted"], detail["jobs_unreadable"]) == (2, 1, 1)
