"""Audit rows and log lines hold no typed addresses or passwords."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from tests.accounts.helpers import post_password, sign_in
from tests.factories import TEST_PASSWORD, make_member
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

UNKNOWN_ADDRESS = "canary.unknown-7Q2@nowhere-here.example"
WRONG_PASSWORD = "canary-wrong-password-9Z8"


def all_audit_text() -> str:
    """Every column of every audit row, read raw from the table (not through the model)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return "\n".join(" ".join("" if value is None else str(value) for value in line) for line in cursor.fetchall())


def test_a_failed_sign_in_with_an_unknown_address_stores_no_trace_of_it(client):
    response = post_password(client, UNKNOWN_ADDRESS, WRONG_PASSWORD)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.outcome == AuditOutcome.FAILURE
    assert event.object_id == ""
    assert event.detail == {"known_account": False}
    text = all_audit_text().lower()
    for secret in (UNKNOWN_ADDRESS, "canary.unknown", "nowhere-here", WRONG_PASSWORD):
        assert secret.lower() not in text


def test_a_failed_sign_in_to_a_real_account_names_the_account_by_id_only(client):
    user = make_member(Role.CASEWORKER, email="amara.real@harbour.example")
    post_password(client, user.email, WRONG_PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
    text = all_audit_text().lower()
    assert "amara.real" not in text
    assert WRONG_PASSWORD.lower() not in text


def test_sign_in_and_failures_log_no_address_or_password(client, caplog):
    user = make_member(Role.CASEWORKER, email="grace.logged@harbour.example")
    with caplog.at_level(logging.DEBUG):
        post_password(client, UNKNOWN_ADDRESS, WRONG_PASSWORD)
        post_password(client, user.email, WRONG_PASSWORD)
        for _ in range(5):  # into lockout, for the unknown address too
            post_password(client, UNKNOWN_ADDRESS, WRONG_PASSWORD, ip="198.51.100.20")
        sign_in(client, user)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).exists(), "the sign-in must really happen"
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists(), "and the lockout"
    assert any("login failure" in record.getMessage() for record in caplog.records), "log lines were written"
    logged = "\n".join(
        [record.getMessage() for record in caplog.records] + [str(record.__dict__) for record in caplog.records]
    ).lower()
    for secret in (UNKNOWN_ADDRESS, "canary.unknown", "grace.logged", WRONG_PASSWORD, TEST_PASSWORD):
        assert secret.lower() not in logged
