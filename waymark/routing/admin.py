from django.contrib import admin

from waymark.audit.admin import AuditedModelAdmin
from waymark.routing.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = [
        "priority",
        "name",
        "min_age",
        "max_age",
        "risk_levels",
        "route",
        "prompt_marac_referral",
        "is_active",
    ]
    list_editable = ["is_active"]
    ordering = ["priority"]
