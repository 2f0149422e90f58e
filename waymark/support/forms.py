"""Forms for plans, interventions, orders and children. They check the shape of input only; the
rules live in ``waymark/support/actions.py``, whose ValidationErrors are shown on the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from waymark.core.versioning import VersionedFormMixin
from waymark.people.choices import Sex, YesNoUnknown
from waymark.people.models import Person
from waymark.support.choices import (
    SAFETY_PLAN_SECTIONS,
    ChildRelationship,
    GoalStatus,
    InterventionStatus,
    NeedDomain,
    NeedLevel,
    OrderKind,
    OrderStatus,
)
from waymark.support.models import Service
from waymark.web.forms import GovukDateField, MessagesForm, text_field

TEXT_MAX = 10_000


def _textarea(label: str, *, required: bool = False, help_text: str = "", rows: int = 4) -> forms.CharField:
    return text_field(label, required=required, help_text=help_text, max_length=TEXT_MAX, rows=rows)


class _Choice(forms.ModelChoiceField):
    """A choice of record whose refusal of a made-up id is the field's own message, not the model's."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                raise
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class _PersonChoice(_Choice):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or "Unnamed person"


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or "Unnamed person"

    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except ValidationError as error:
            if error.code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
                raise
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class SafetyPlanForm(VersionedFormMixin, MessagesForm):
    reviewed_on = GovukDateField(label="Date made or reviewed with the client", help_text="For example, 27 3 2026.")
    next_review_on = GovukDateField(
        label="Next review date", allow_future=True, help_text="Usually within 3 months, sooner if risk changes."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, heading, prompt in SAFETY_PLAN_SECTIONS:
            self.fields[name] = _textarea(heading, help_text=prompt)
        self.order_fields([*(name for name, _, _ in SAFETY_PLAN_SECTIONS), "reviewed_on", "next_review_on"])

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _, _ in SAFETY_PLAN_SECTIONS}


class NeedForm(MessagesForm):
    messages = {"domain": "Choose the area of need", "level": "Choose how high the need is"}

    domain = forms.ChoiceField(label="Area of need", choices=NeedDomain.choices, widget=forms.RadioSelect)
    level = forms.ChoiceField(label="Level of need", choices=NeedLevel.choices, widget=forms.RadioSelect)
    description = _textarea("What is the need?", help_text="Optional. Do not include addresses.")
    identified_on = GovukDateField(label="Date identified", help_text="For example, 27 3 2026.")

    def __init__(self, *args: Any, domains: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if domains is not None:
            self.fields["domain"].choices = domains  # type: ignore[attr-defined]


class NeedUpdateForm(VersionedFormMixin, MessagesForm):
    messages = {"level": "Choose how high the need is"}

    level = forms.ChoiceField(label="Level of need", choices=NeedLevel.choices, widget=forms.RadioSelect)
    description = _textarea("What is the need?", help_text="Optional. Do not include addresses.")


class GoalForm(MessagesForm):
    messages = {"description": "Enter the goal"}

    description = _textarea("Goal", required=True, help_text="In words the client would use.", rows=3)
    set_on = GovukDateField(label="Date agreed", help_text="For example, 27 3 2026.")
    target_on = GovukDateField(label="Target date", allow_future=True, help_text="For example, 27 6 2026.")


class GoalProgressForm(MessagesForm):
    messages = {"status": "Choose where the goal has got to"}

    status = forms.ChoiceField(label="Where has the goal got to?", choices=GoalStatus.choices, widget=forms.RadioSelect)
    recorded_on = GovukDateField(label="Date of the update", help_text="For example, 27 3 2026.")
    note = _textarea("What has happened?", help_text="Optional if the status has changed.")


class InterventionForm(MessagesForm):
    messages = {"service": "Choose a service from the list"}

    service = _Choice(label="Service", queryset=Service.objects.none(), empty_label="Choose a service")
    offered_on = GovukDateField(label="Date offered or referred", help_text="For example, 27 3 2026.")
    note = _textarea("Notes", help_text="Optional. Do not include addresses.", rows=3)

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class InterventionUpdateForm(MessagesForm):
    messages = {"status": "Choose what has happened"}

    status = forms.ChoiceField(label="What has happened?", choices=(), widget=forms.RadioSelect)
    on = GovukDateField(label="Date", help_text="The date it started or ended.")
    outcome_note = _textarea("Outcome", help_text="What came of it. Optional.", rows=3)

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s.value, s.label) for s in InterventionStatus if s.value in statuses
        ]


class LegalOrderForm(VersionedFormMixin, MessagesForm):
    messages = {
        "kind": "Choose the kind of order",
        "status": "Choose where the order stands",
        "protects": "Choose who the order protects",
        "against": "Choose who the order is against",
    }

    kind = forms.ChoiceField(label="Kind of order", choices=OrderKind.choices)
    status = forms.ChoiceField(label="Where does it stand?", choices=OrderStatus.choices, widget=forms.RadioSelect)
    applied_on = GovukDateField(label="Date applied for", required=False, help_text="If known.")
    granted_on = GovukDateField(label="Date the order was made", required=False, help_text="Only if it was made.")
    expires_on = GovukDateField(
        label="Expiry date", required=False, allow_future=True, help_text="Leave empty if it has no end date."
    )
    protects = _PeopleChoice(
        label="Who does it protect?",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    against = _PersonChoice(label="Who is it against?", queryset=Person.objects.none(), empty_label="Choose a person")
    terms = _textarea("Main terms", help_text="Optional. Do not include addresses.", rows=3)

    def __init__(self, *args: Any, protectable: Any, respondents: Any, fixed_kind: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["protects"].queryset = protectable  # type: ignore[attr-defined]
        self.fields["against"].queryset = respondents  # type: ignore[attr-defined]
        if fixed_kind:
            del self.fields["kind"]


class ChildLinkForm(MessagesForm):
    messages = {
        "child": "Choose a child from the list",
        "relationship_to_client": "Choose how the child is related to the client",
        "lives_in_household": "Choose yes, no or not known",
    }

    child = _PersonChoice(label="Child", queryset=Person.objects.none(), empty_label="Choose a child")
    relationship_to_client = forms.ChoiceField(
        label="How are they related to the client?", choices=ChildRelationship.choices, widget=forms.RadioSelect
    )
    lives_in_household = forms.ChoiceField(
        label="Do they live in the client's household?",
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = candidates  # type: ignore[attr-defined]


class ChildCreateForm(MessagesForm):
    messages = {
        "approximate_age": "Approximate age must be a whole number from 0 to 17",
        "sex": "Choose the child's sex, or not known",
        "relationship_to_client": "Choose how the child is related to the client",
        "lives_in_household": "Choose yes, no or not known",
    }

    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2016.")
    approximate_age = forms.IntegerField(
        label="Approximate age",
        required=False,
        min_value=0,
        max_value=17,
        help_text="Only if the date of birth is not known.",
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect)
    relationship_to_client = forms.ChoiceField(
        label="How are they related to the client?", choices=ChildRelationship.choices, widget=forms.RadioSelect
    )
    lives_in_household = forms.ChoiceField(
        label="Do they live in the client's household?",
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("given_name", "family_name", "date_of_birth", "approximate_age", "sex")}


class ChildUpdateForm(VersionedFormMixin, MessagesForm):
    messages = {
        "relationship_to_client": "Choose how the child is related to the client",
        "lives_in_household": "Choose yes, no or not known",
    }

    relationship_to_client = forms.ChoiceField(
        label="How are they related to the client?", choices=ChildRelationship.choices, widget=forms.RadioSelect
    )
    lives_in_household = forms.ChoiceField(
        label="Do they live in the client's household?", choices=YesNoUnknown.choices, widget=forms.RadioSelect
    )
