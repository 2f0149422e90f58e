"""Shared model pieces: every domain record has a UUID (used in URLs) and is timestamped."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """A record with an unguessable id and created/modified times.

    Records are archived rather than deleted (see each model's ``archived_at`` where it applies),
    so that the history a survivor's case relies on is never silently lost.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created (UTC).")
    modified_at = models.DateTimeField(auto_now=True, help_text="When the record last changed (UTC).")

    class Meta:
        abstract = True
