from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from waymark.accounts.models import User
from waymark.core.admin_site import AuditedModelAdmin
from waymark.organisations.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency", "team"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "is_active"]
    list_filter = ["is_active", "memberships__role", "memberships__agency"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
