"""The incident form: shape of input only; the rules are in ``waymark/incidents/actions.py``."""

from __future__ import annotations

from typing import Any, cast

from django import forms

UNKNOWN = ""


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(
        label="Date of the incident",
        help_text="If the exact day is not known, the first day it was reported.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the incident", "invalid": "Enter a real date"},
    )
    perpetrator = forms.ChoiceField(
        label="Person causing harm",
        help_text="People recorded as related to this person. Choose 'Not known' if they are not listed.",
        required=False,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label="What happened",
        help_text="Facts only. This is confidential and is shown only to people working on risk with this person.",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, perpetrators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.perpetrators = {str(person.pk): person for person in perpetrators}
        perpetrator_field = cast(forms.ChoiceField, self.fields["perpetrator"])
        perpetrator_field.choices = [
            *((pk, str(person)) for pk, person in self.perpetrators.items()),
            (UNKNOWN, "Not known or not listed"),
        ]
        self.fields["perpetrator"].initial = UNKNOWN

    def chosen_perpetrator(self) -> Any:
        return self.perpetrators.get(self.cleaned_data.get("perpetrator") or UNKNOWN)
