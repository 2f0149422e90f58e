"""The checklist form. It checks the shape of input only; the rules live in
``waymark/risk/actions.py`` and ``scoring.py``, whose errors are shown against these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.core.keptreasons import SHOWN_BEYOND_LOCATION_HINT
from waymark.risk.choices import Answer, RiskLevel
from waymark.risk.models import RiskInstrument, RiskItem

NO_JUDGEMENT = ""


def item_field_name(number: int) -> str:
    return f"item_{number}"


class RiskChecklistForm(forms.Form):
    """One radio group per item (yes / no / not known), the date, and professional judgement."""

    assessed_on = forms.DateField(
        label="Date of the assessment",
        help_text="The day you completed the checklist with the person.",
        # ISO, as a date input needs (the en-GB default would render 01/03/2025, which it drops).
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the assessment", "invalid": "Enter a real date"},
    )

    def __init__(self, *args: Any, instrument: RiskInstrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items: list[RiskItem] = list(instrument.items.order_by("number"))
        for item in self.items:
            self.fields[item_field_name(item.number)] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                help_text=item.guidance,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {item.number}: yes, no or not known"},
            )
        self.fields["judgement_level"] = forms.ChoiceField(
            label="Professional judgement",
            help_text="Only if your judgement puts the risk higher than the checklist score. It cannot lower it.",
            choices=[(NO_JUDGEMENT, "Use the checklist score"), *RiskLevel.choices],
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["judgement_reason"] = forms.CharField(
            label="Why your judgement raises the level",
            help_text=f"Needed when you raise the level. Describe what you saw or were told. {SHOWN_BEYOND_LOCATION_HINT}",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def item_fields(self) -> list[tuple[RiskItem, forms.BoundField]]:
        return [(item, self[item_field_name(item.number)]) for item in self.items]

    def answers(self) -> dict[int, str]:
        return {item.number: self.cleaned_data[item_field_name(item.number)] for item in self.items}


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why archive this assessment",
        help_text=f"For example, it was recorded against the wrong person. {KEPT_REASON_HINT}",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why this assessment should be archived."},
    )
