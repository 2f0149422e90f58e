"""The auditor's search of the audit trail: by record, user, agency, action and date."""

import django_filters
from django import forms

from waymark.accounts.models import User
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.organisations.models import Agency


class AuditEventFilter(django_filters.FilterSet):
    object_id = django_filters.CharFilter(
        label="Record reference",
        help_text="The id of a person, case or other record, as shown in its address.",
    )
    object_type = django_filters.CharFilter(label="Record type", lookup_expr="iexact")
    actor = django_filters.ModelChoiceFilter(
        queryset=User.objects.order_by("full_name"), label="User", empty_label="Any user"
    )
    actor_agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.order_by("name"), label="Agency", empty_label="Any agency"
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="Action", empty_label="Any action")
    outcome = django_filters.ChoiceFilter(choices=AuditOutcome.choices, label="Outcome", empty_label="Any outcome")
    occurred_from = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["object_id", "object_type", "actor", "actor_agency", "action", "outcome"]
