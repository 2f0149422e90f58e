from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from waymark.audit.admin import AuditedModelAdmin
from waymark.organisations.grants import (
    hold_for_second_key,
    membership_approve,
    membership_refuse,
    needs_second_key,
    notify_second_key_needed,
    refuse_self_grant,
)
from waymark.organisations.models import Agency, Membership, Team

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Set by the admin, never by a person: the second key is given by the approve action only.
APPROVAL_FIELDS = ("approval", "requested_by", "decided_by", "decided_at")


class MembershipForm(forms.ModelForm):
    """A membership as an administrator grants it: never their own, and a grant that opens records
    is held for a second administrator (waymark/organisations/grants.py)."""

    actor: User | None = None  # set per request by ``form_for``

    class Meta:
        model = Membership
        fields = ["user", "agency", "team", "role", "is_active", "fte"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance._state.adding or self.has_changed():
            grantee = cleaned.get("user") or getattr(self.instance, "user", None)
            grantee_id = grantee.pk if grantee is not None else self.instance.user_id
            try:
                refuse_self_grant(actor=self.actor, grantee_id=grantee_id)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return cleaned

    def save(self, commit: bool = True) -> Any:
        membership = self.instance
        changed = None if membership._state.adding else self.changed_data
        is_grant = membership._state.adding or self.has_changed()
        if self.actor is not None and is_grant and needs_second_key(membership, changed):
            hold_for_second_key(actor=self.actor, membership=membership)
            notify_second_key_needed(actor=self.actor, membership=membership)
        return super().save(commit)


def form_for(form_class: type[MembershipForm], request: HttpRequest) -> type[MembershipForm]:
    return type(form_class.__name__, (form_class,), {"actor": request.user})


class MembershipInlineBase(admin.TabularInline):
    """Memberships on a user's page, under the same two keys as the membership admin."""

    model = Membership
    fk_name = "user"
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["agency", "team"]
    readonly_fields = ["approval"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = form_for(self.form, request)
        return super().get_formset(request, obj, **kwargs)


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
    form = MembershipForm
    list_display = ["user", "agency", "team", "role", "is_active", "approval", "requested_by", "decided_by"]
    list_filter = ["approval", "role", "agency", "is_active"]
    search_fields = ["user__email", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency", "team"]
    readonly_fields = list(APPROVAL_FIELDS)
    actions = ["approve_grants", "refuse_grants"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return form_for(cast(type[MembershipForm], super().get_form(request, obj, change, **kwargs)), request)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Membership], decide: Any, done: str) -> None:
        decided = 0
        for membership in queryset:
            try:
                decide(actor=request.user, membership=membership)
                decided += 1
            except (PermissionDenied, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{membership}: {message}", messages.ERROR)
        if decided:
            self.message_user(request, f"{decided} grant(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve the selected grants (second key)")
    def approve_grants(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._decide(request, queryset, membership_approve, "approved")

    @admin.action(description="Refuse the selected grants")
    def refuse_grants(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._decide(request, queryset, membership_refuse, "refused")


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "agency", "is_active"]
    search_fields = ["name", "agency__name"]
