from django import forms

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why does this job not need to run again?",
        help_text=f"For example: the referral team was told by phone. Do not name anyone. {KEPT_REASON_HINT}",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )
