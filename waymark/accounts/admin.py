from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from waymark.accounts.models import User
from waymark.audit.admin import AuditedModelAdmin
from waymark.organisations.admin import MembershipInlineBase
from waymark.web.reauth import require_privileged_reauth


class MembershipInline(MembershipInlineBase):
    pass


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "kind", "job_title", "is_active"]
    list_filter = ["kind", "is_active", "memberships__role", "memberships__agency"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "kind")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "kind", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        if request.method == "POST":
            require_privileged_reauth(request)
        return super().user_change_password(request, id, form_url)
