"""The service catalogue in Django admin (system administrators only; every change is audited)."""

from django.contrib import admin

from waymark.audit.admin import AuditedModelAdmin
from waymark.support.models import Service


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ["name", "category", "provider_agency", "provider_name", "for_children", "is_active"]
    list_filter = ["category", "is_active", "for_children"]
    list_editable = ["is_active"]
    search_fields = ["name", "code", "provider_name"]
    ordering = ["category", "name"]
    fields = [
        "code",
        "name",
        "category",
        "description",
        "provider_agency",
        "provider_name",
        "for_children",
        "is_active",
    ]
