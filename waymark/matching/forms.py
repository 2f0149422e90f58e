"""The known-person search form. It checks the shape of input only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.matching.engine import SearchQuery


class MatchSearchForm(forms.Form):
    """Names, date of birth, postcode and phone: every field optional, a name needed to search.

    Each input carries the htmx attributes that refresh the candidates as the user types, so the
    same form can be embedded in another page (the referral intake) as it is.
    """

    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 1985. Leave blank if not known.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False, help_text="Any postcode they have had.")
    phone = forms.CharField(label="Phone number", max_length=30, required=False)

    def __init__(self, *args: Any, target: str = "#match-candidates", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        htmx = {
            "hx-get": reverse("matching:candidates"),
            "hx-trigger": "keyup changed delay:300ms, change",
            "hx-target": target,
            "hx-include": "closest form",
            "autocomplete": "off",
        }
        for field in self.fields.values():
            field.widget.attrs.update(htmx)

    def clean_date_of_birth(self) -> date | None:
        value: date | None = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        if value and value.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return value

    def query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode") or "",
            phone=data.get("phone") or "",
        )


class SearchAlertReviewForm(forms.Form):
    note = forms.CharField(
        label="What you found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example, who you spoke to and why the searches were made. Do not type the search terms. "
        + KEPT_REASON_HINT,
    )
