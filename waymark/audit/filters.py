"""The auditor's search of the audit trail: by record, user, agency, action, outcome and date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome


def _start_of_uk_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the service's time zone (GMT or BST)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditSearchForm(forms.Form):
    """Checks the criteria as a whole: a date range must not end before it starts."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", "The end date must be the same as or after the start date.")
        return cleaned


# Numbers and references users know records by: (model label, field). Looked up by name, so the
# audit app imports none of these apps; a model not installed is skipped.
KNOWN_AS = (
    ("referrals.Referral", "number"),
    ("referrals.Referral", "ref"),
    ("cases.Case", "number"),
    ("marac.MaracCase", "ref"),
    ("people.Person", "ref"),
)


def records_known_as(value: str) -> list[tuple[str, Any]]:
    """(model label, primary key) of every record whose number or reference is ``value``."""
    found: list[tuple[str, Any]] = []
    if not value:
        return found
    for label, field in KNOWN_AS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found += [
            (label, pk) for pk in model._base_manager.filter(**{f"{field}__iexact": value}).values_list("pk", flat=True)
        ]
    return found


class AuditEventFilter(django_filters.FilterSet):
    object_id = django_filters.CharFilter(
        method="filter_reference",
        label="Record reference",
        help_text="A referral, case or MARAC number as users know them (R-2026-000123, C-2026-000045), a "
        "person's reference, or the id shown in a record's address.",
        max_length=64,
    )
    object_type = django_filters.CharFilter(
        label="Record type",
        lookup_expr="iexact",
        help_text="For example people.person or accounts.user.",
        max_length=64,
    )
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("full_name"), label="User", empty_label="Any user"
    )
    actor_agency = django_filters.ModelChoiceFilter(
        queryset=apps.get_model("organisations", "Agency").objects.order_by("name"),
        label="Agency",
        empty_label="Any agency",
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="Action", empty_label="Any action")
    outcome = django_filters.ChoiceFilter(choices=AuditOutcome.choices, label="Outcome", empty_label="Any outcome")
    request_id = django_filters.CharFilter(
        label="Request id",
        help_text="Every event from one request shares it; log lines carry it too.",
        max_length=64,
    )
    occurred_from = django_filters.DateFilter(
        method="filter_from",
        label="From",
        help_text="UK date, inclusive.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    occurred_to = django_filters.DateFilter(
        method="filter_to",
        label="To",
        help_text="UK date, inclusive.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = AuditEvent
        form = AuditSearchForm
        fields = ["object_id", "object_type", "actor", "actor_agency", "action", "outcome", "request_id"]

    # Dates are UK days, compared as a time range so the index on occurred_at is used.
    def filter_from(self, queryset: QuerySet[AuditEvent], name: str, value: date) -> QuerySet[AuditEvent]:
        return queryset.filter(occurred_at__gte=_start_of_uk_day(value))

    def filter_reference(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        """Events about the record a user knows by this number or reference, or by its id."""
        value = value.strip()
        ids = {value} | {str(pk) for _, pk in records_known_as(value)}
        return queryset.filter(object_id__in=ids)

    def filter_to(self, queryset: QuerySet[AuditEvent], name: str, value: date) -> QuerySet[AuditEvent]:
        return queryset.filter(occurred_at__lt=_start_of_uk_day(value + timedelta(days=1)))

    def criteria_used(self) -> list[str]:
        """The names of the criteria given (never their values), for the search's own audit row."""
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else self.data
        return sorted(name for name in self.filters if data.get(name) not in (None, "", []))
