"""The base for every Django admin in Waymark: system administrators only, every change audited.

Each app's ``admin.py`` subclasses ``AuditedModelAdmin``. It lives with the audit app (low in the
layers, docs/architecture.md) so that every app may use it; the admin *site* is in ``waymark.web``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.http import HttpRequest

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import user_has_mfa
from waymark.core.roles import Role
from waymark.web.reauth import require_privileged_reauth


def is_system_administrator(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and user.is_authenticated and Role.SYSTEM_ADMINISTRATOR in user.roles and user_has_mfa(user)
    )


class _AuditedInlineRules:
    """Mixed into every inline shown by an ``AuditedModelAdmin``: the page's own rule (system
    administrators only) instead of Django's per-model permissions, and never delete."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@functools.cache
def _audited_inline(inline: type[InlineModelAdmin]) -> type[InlineModelAdmin]:
    return type(inline.__name__, (_AuditedInlineRules, inline), {})


# Django's change messages name fields by label; the audit row names them by field name, taken
# from the form when the message is built (the admin builds it just before logging).
_CHANGED_FIELDS = "_waymark_audit_changed_fields"


class AuditedModelAdmin(admin.ModelAdmin):
    """Base for every admin: system administrators only; changes audited; archive, don't delete;
    every change (a form or an action posted) needs a second factor re-presented just now
    (``waymark/web/reauth.py``).

    Each added, changed or deleted object gets its own ADMIN_CHANGE event (type, id and the
    names of changed fields, never values), inline objects included, written inside the admin's
    own transaction.
    """

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_system_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        if request.method == "POST":
            require_privileged_reauth(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        if request.method == "POST":
            require_privileged_reauth(request)
        return super().changelist_view(request, extra_context)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin]]:
        return [_audited_inline(inline) for inline in super().get_inlines(request, obj)]

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        setattr(request, _CHANGED_FIELDS, sorted(form.changed_data))
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit_record(actor=request.user, action=AuditAction.ADMIN_CHANGE, obj=obj, detail={"change": "added"})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit_record(
            actor=request.user,
            action=AuditAction.ADMIN_CHANGE,
            obj=obj,
            detail={"change": "changed", "fields": getattr(request, _CHANGED_FIELDS, [])},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Unreachable while has_delete_permission is False; audited in case an admin allows it.
        for obj in queryset:
            audit_record(actor=request.user, action=AuditAction.ADMIN_CHANGE, obj=obj, detail={"change": "deleted"})
        return super().log_deletions(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        via = {"via": form.instance._meta.label_lower, "via_id": str(form.instance.pk)}
        for obj in formset.new_objects:
            audit_record(
                actor=request.user, action=AuditAction.ADMIN_CHANGE, obj=obj, detail={"change": "added", **via}
            )
        for obj, fields in formset.changed_objects:
            detail = {"change": "changed", "fields": sorted(fields), **via}
            audit_record(actor=request.user, action=AuditAction.ADMIN_CHANGE, obj=obj, detail=detail)
        # Inlines never delete (_AuditedInlineRules comes first in their MRO), so no deleted_objects.
