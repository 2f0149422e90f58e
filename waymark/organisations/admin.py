from django.contrib import admin

from waymark.core.admin_site import AuditedModelAdmin
from waymark.organisations.models import Agency, Membership, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "ref", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "ref"]
    inlines = [TeamInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "agency", "team", "role", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["user__email", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency", "team"]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "agency", "is_active"]
    search_fields = ["name", "agency__name"]
