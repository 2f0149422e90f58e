"""Service tokens in admin: issued (the secret shown once), listed, revoked; never edited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages

# DRF's plaintext tokens are gone (api migration 0002): their admin must not come back.
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from waymark.accounts.models import AccountKind, User
from waymark.api.models import ServiceToken
from waymark.api.tokens import new_secret, scope_choices, service_token_revoke, validate_issue
from waymark.audit.admin import AuditedModelAdmin

try:
    from rest_framework.authtoken.models import TokenProxy

    admin.site.unregister(TokenProxy)
except (ImportError, NotRegistered):
    pass


class ServiceTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=scope_choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ServiceToken
        fields = ["user", "name", "scopes", "expires_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        user_field.queryset = User.objects.filter(kind=AccountKind.SERVICE, is_active=True)  # type: ignore[attr-defined]
        user_field.help_text = "Only service accounts (another system) can hold a token."
        if not self.is_bound:
            self.initial.setdefault("expires_at", timezone.now() + timedelta(days=90))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["scopes"] = validate_issue(
                user=cleaned.get("user"),
                name=cleaned.get("name") or "",
                scopes=cleaned.get("scopes") or [],
                expires_at=cleaned.get("expires_at"),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(ServiceToken)
class ServiceTokenAdmin(AuditedModelAdmin):
    form = ServiceTokenForm
    list_display = ["name", "user", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Listing and revoking (an action) only: a token is never edited.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceToken, form: Any, change: bool) -> None:
        prefix, secret, secret_hash = new_secret()
        obj.prefix, obj.secret_hash, obj.issued_by = prefix, secret_hash, request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"Token issued. Copy it now into the calling system's secret store; it is not shown again: {secret}",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ServiceToken]) -> None:
        for token in queryset:
            service_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)
