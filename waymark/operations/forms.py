from django import forms


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why does this job not need to run again?",
        help_text="For example: the referral team was told by phone. Do not name anyone.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )
