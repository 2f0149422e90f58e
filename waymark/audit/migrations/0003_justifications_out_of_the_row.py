"""Justifications leave the audit row (issue 11, deliverable 5).

Free text typed as a reason could locate someone, and auditors searched and exported it. Each
existing row's text moves to an encrypted ``audit.Justification``; the row's column keeps only a
reference. What the chain hashes does not change (the plaintext, now read back from the
Justification), so every row still verifies and recorded heads still match.

On PostgreSQL the append-only trigger is switched off for this one statement per row and on
again in the same transaction (migrations run as the table's owner, docs/adr/0003).
"""

import uuid

from django.db import migrations, models

import waymark.core.crypto

REF = "ref:audit.justification:"


def move_out(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Justification = apps.get_model("audit", "Justification")
    rows = (
        AuditEvent.objects.exclude(justification="")
        .exclude(justification__startswith=REF)
        .values_list("pk", "justification", "object_type", "object_id", "occurred_at")
    )
    postgres = schema_editor.connection.vendor == "postgresql"
    moved = list(rows)
    if not moved:
        return
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    for pk, text, object_type, object_id, occurred_at in moved:
        note = Justification.objects.create(
            id=uuid.uuid4(), text=text, object_type=object_type, object_id=object_id, recorded_at=occurred_at
        )
        AuditEvent.objects.filter(pk=pk).update(justification=f"{REF}{note.pk}")
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def move_back(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Justification = apps.get_model("audit", "Justification")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    for pk, column in AuditEvent.objects.filter(justification__startswith=REF).values_list("pk", "justification"):
        note = Justification.objects.filter(pk=column[len(REF) :]).first()
        AuditEvent.objects.filter(pk=pk).update(justification=note.text if note else "")
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_refuse_update_delete'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='justification',
            field=models.TextField(blank=True, help_text='Where the action asked for a reason: a reference to its Justification (never the text).'),
        ),
        migrations.CreateModel(
            name='Justification',
            fields=[
                ('id', models.UUIDField(editable=False, primary_key=True, serialize=False)),
                ('text', waymark.core.crypto.EncryptedTextField()),
                ('object_type', models.CharField(blank=True, max_length=64)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('recorded_at', models.DateTimeField(editable=False)),
            ],
            options={
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='audit_justi_object__7921d2_idx')],
            },
        ),
        migrations.RunPython(move_out, move_back),
    ]
