"""Re-encrypts every encrypted value under the current first key, and rebuilds blind indexes
whose index key has changed; then the encrypted arguments of the jobs that may still run
(``waymark.core.tasks.reencrypt_job_arguments``). Idempotent: values already under the current
keys are left alone.

Rotation: prepend a new key to FIELD_ENCRYPTION_KEYS, deploy (every web and worker process),
run this, then remove the old key.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, TextField

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core import crypto, tasks
from waymark.people.normalise import FIREWALL_INDEX_FIELDS


def _encrypted_fields(model: type[models.Model]) -> list[crypto.EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)]


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field, and the encrypted arguments of queued jobs, under the current "
        "first key (and refresh blind indexes)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        totals = {"rows_checked": 0, "rows_reencrypted": 0, "indexes_rebuilt": 0, "firewall_indexes_kept": 0}
        for model in apps.get_models():
            fields = _encrypted_fields(model)
            if not fields:
                continue
            counts = self._model(model, fields, batch_size)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(
                f"{model._meta.label}: {counts['rows_checked']} checked, {counts['rows_reencrypted']} re-encrypted, "
                f"{counts['indexes_rebuilt']} with blind indexes rebuilt"
            )
        jobs = tasks.reencrypt_job_arguments()
        totals.update(asdict(jobs))
        self.stdout.write(
            f"Queued jobs: {jobs.jobs_checked} with encrypted arguments checked, {jobs.jobs_reencrypted} re-encrypted; "
            f"{jobs.finished_jobs_left} finished jobs left under an older key (unreadable once it is removed)"
        )
        if jobs.jobs_of_unknown_tasks:
            self.stdout.write(
                self.style.WARNING(
                    f"{jobs.jobs_of_unknown_tasks} queued jobs name a task that no longer exists: "
                    "their arguments were not checked, and the worker cannot run them either."
                )
            )
        if jobs.jobs_unreadable:
            self.stdout.write(
                self.style.WARNING(
                    f"{jobs.jobs_unreadable} queued jobs have an encrypted argument no current key can read "
                    "(under a key already removed, or not encrypted): they were left as they are, and the worker "
                    "cannot run them either."
                )
            )
        with transaction.atomic():
            audit_record(
                actor=None,
                actor_label="manage.py reencrypt",
                action=AuditAction.ADMIN_CHANGE,
                object_type="core.field_encryption",
                object_id=crypto.current_key_id(),
                detail=totals,
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {totals}"))

    def _model(
        self, model: type[models.Model], fields: list[crypto.EncryptedTextField], batch_size: int
    ) -> dict[str, int]:
        current = crypto.current_key_id()
        index_prefix = crypto.index_key_id() + ":"
        index_fields = list(getattr(model(), "compute_blind_indexes", dict)().keys())
        # The stored ciphertext, read without decrypting, to see which key each value is under.
        raw = {f"raw_{f.attname}": ExpressionWrapper(F(f.attname), output_field=TextField()) for f in fields}
        counts = {"rows_checked": 0, "rows_reencrypted": 0, "indexes_rebuilt": 0, "firewall_indexes_kept": 0}
        last_pk: Any = None
        while True:
            # Keyset pagination: each batch is its own short transaction, so a large table never
            # holds one long lock and an interrupted run resumes cleanly (it is idempotent).
            page = model._default_manager.order_by("pk")
            if last_pk is not None:
                page = page.filter(pk__gt=last_pk)
            batch_pks = list(page.values_list("pk", flat=True)[:batch_size])
            if not batch_pks:
                break
            last_pk = batch_pks[-1]
            with transaction.atomic():
                batch = model._default_manager.filter(pk__in=batch_pks).annotate(**raw)
                stale: list[models.Model] = []
                for obj in batch.select_for_update():
                    counts["rows_checked"] += 1
                    needs_key = any(
                        (value := getattr(obj, f"raw_{f.attname}")) and crypto.key_id_of(value) != current
                        for f in fields
                    )
                    new_indexes = getattr(obj, "compute_blind_indexes")() if index_fields else {}  # noqa: B009
                    needs_index = any(
                        getattr(obj, name) and not getattr(obj, name).startswith(index_prefix) for name in new_indexes
                    )
                    if not (needs_key or needs_index):
                        continue
                    for name, value in new_indexes.items():
                        if name in FIREWALL_INDEX_FIELDS and not value and getattr(obj, name):
                            # A disposed address: nothing left to rebuild it from. Keeping it under
                            # the old key is the fail-safe choice (it can only hide), and it still
                            # matches while that index key is in use (docs/data-protection.md).
                            counts["firewall_indexes_kept"] += 1
                            continue
                        setattr(obj, name, value)
                    counts["rows_reencrypted"] += int(needs_key)
                    counts["indexes_rebuilt"] += int(needs_index)
                    stale.append(obj)
                if stale:
                    # bulk_update writes every field through get_db_prep_save: encrypted under the first key.
                    model._default_manager.bulk_update(stale, [f.name for f in fields] + index_fields)
        return counts
