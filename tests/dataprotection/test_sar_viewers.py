"""A subject access request's "Who has viewed your record" counts every read her access log counts
(``selectors.reads_of``): views, prints and downloads of her person record (the MARAC agenda and
minutes write one per person they name) and reads of the records about her. Before, it counted
only views of the person record: a police representative's agenda print was missing from both."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.audit.actions import audit_record, audit_records
from waymark.audit.models import AuditAction
from waymark.core.roles import Role
from waymark.dataprotection.sar import viewers_part

pytestmark = pytest.mark.django_db


def fields(item):
    return {field.label: field.value for field in item.fields}


def test_prints_and_reads_of_records_about_her_are_counted_by_kind_of_agency():
    police = make_member(Role.MARAC_REPRESENTATIVE, agency=AgencyFactory(kind="police"))
    her = PersonFactory()
    audit_records(actor=police, action=AuditAction.PRINT, records=[("people.person", str(her.pk))])
    audit_record(actor=police, action=AuditAction.VIEW, object_type="people.person", object_id=str(her.pk))
    # Someone else's record: not hers.
    audit_record(actor=police, action=AuditAction.VIEW, object_type="people.person", object_id=str(uuid.uuid4()))
    # Not a read: a change is not a recipient's view.
    audit_record(actor=police, action=AuditAction.UPDATE, object_type="people.person", object_id=str(her.pk))
    [item] = viewers_part(her.pk)
    assert item.title == "Police"
    assert fields(item)["Views"] == "2"
    assert police.primary_agency.name not in str(fields(item))
