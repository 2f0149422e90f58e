"""The Django admin site, for system administrators only (each app's admin is audited:
``waymark.audit.admin.AuditedModelAdmin``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from waymark.audit.admin import is_system_administrator


class WaymarkAdminSite(admin.AdminSite):
    site_header = "Waymark administration"
    site_title = "Waymark administration"
    index_title = "Users, agencies and configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request)
