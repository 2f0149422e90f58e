"""Django admin, for system administrators only, with every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import user_has_mfa
from waymark.organisations.roles import Role


def _is_system_administrator(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and user.is_authenticated and Role.SYSTEM_ADMINISTRATOR in user.roles and user_has_mfa(user)
    )


class WaymarkAdminSite(admin.AdminSite):
    site_header = "Waymark administration"
    site_title = "Waymark administration"
    index_title = "Users, agencies and configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_system_administrator(request)


class AuditedModelAdmin(admin.ModelAdmin):
    """Base for every admin: system administrators only; changes audited; archive, don't delete."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_system_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_system_administrator(request)

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit_record(actor=request.user, action=AuditAction.ADMIN_CHANGE, obj=obj, detail={"change": "added"})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        changed = (
            sorted({f for entry in message for f in entry.get("changed", {}).get("fields", [])})
            if isinstance(message, list)
            else []
        )
        audit_record(
            actor=request.user,
            action=AuditAction.ADMIN_CHANGE,
            obj=obj,
            detail={"change": "changed", "fields": changed},
        )
        return super().log_change(request, obj, message)
