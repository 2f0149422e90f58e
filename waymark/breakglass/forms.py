"""Break-glass forms: shape of input only; the rules are in ``waymark/breakglass/actions.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.breakglass.actions import DURATION_CHOICES_HOURS
from waymark.breakglass.models import BreakGlassReason, ReviewOutcome
from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.web.forms import radios_field, text_field


class BreakGlassForm(forms.Form):
    person_reference = forms.CharField(
        label="Record reference",
        help_text="The reference of the person's record, as the holding service or MARAC gave it to you.",
        max_length=64,
        error_messages={"required": "Enter the record reference"},
    )
    reason = radios_field(
        "Why do you need it now?", BreakGlassReason.choices, required_message="Choose why you need emergency access"
    )
    justification = forms.CharField(
        label="Explain what is happening",
        help_text=f"An auditor will read this and review your access. {KEPT_REASON_HINT}",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why you need this record now"},
    )
    hours = forms.TypedChoiceField(
        label="For how long?",
        coerce=int,
        choices=[(h, f"{h} hour{'s' if h > 1 else ''}") for h in DURATION_CHOICES_HOURS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long you need access for"},
    )


class ReviewForm(forms.Form):
    outcome = radios_field(
        "Was this use justified?", ReviewOutcome.choices, required_message="Choose whether the use was justified"
    )
    notes = text_field(
        "Review notes",
        required=False,
        max_length=4000,
        rows=4,
        help_text=f"Required when the use was not justified. {KEPT_REASON_HINT}",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
