"""Risk configuration for system administrators: thresholds, policy, and which versions are offered.

Instrument texts are loaded with ``manage.py load_instrument`` and never edited here, so an
assessment always shows the questions as they were asked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from waymark.audit.admin import AuditedModelAdmin
from waymark.risk.models import RiskInstrument, RiskItem, RiskPolicy, RiskThresholds


class RiskItemInline(admin.TabularInline):
    model = RiskItem
    extra = 0
    can_delete = False
    fields = ("number", "factor", "text", "is_high_risk_factor")
    readonly_fields = ("number", "factor", "text", "is_high_risk_factor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RiskInstrument)
class RiskInstrumentAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "version", "is_active"]
    list_filter = ["code", "is_active"]
    readonly_fields = ["code", "version", "name", "description", "licence_note"]
    fields = ["code", "version", "name", "description", "licence_note", "is_active"]
    inlines = [RiskItemInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # loaded from a file with manage.py load_instrument


@admin.register(RiskThresholds)
class RiskThresholdsAdmin(AuditedModelAdmin):
    list_display = ["__str__", "instrument_code", "medium_from", "high_from", "marac_from"]


@admin.register(RiskPolicy)
class RiskPolicyAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "reassessment_months",
        "reassessment_lapse_months",
        "escalation_incident_count",
        "escalation_window_months",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and not RiskPolicy.objects.exists()
