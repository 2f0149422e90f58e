"""Data-protection forms: shape of input only; the rules are in ``waymark/dataprotection/actions.py``."""

from __future__ import annotations

from django import forms

from waymark.web.forms import radios_field


class SarOpenForm(forms.Form):
    person_reference = forms.CharField(
        label="Record id or reference",
        help_text="The person's record id (or imported reference), as the service holding their record gave it.",
        max_length=64,
        error_messages={"required": "Enter the record id or reference"},
    )
    received_on = forms.DateField(
        label="Date received",
        help_text="For example, 27 3 2026 or 2026-03-27.",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"required": "Enter the date the request was received", "invalid": "Enter a real date"},
    )
    identity_check = forms.CharField(
        label="How was the requester's identity confirmed?",
        help_text="For example, photo ID seen by the IDVA. Do not write an address or phone number.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how the requester's identity was confirmed"},
    )


class SarRedactForm(forms.Form):
    text = forms.CharField(
        label="Words to redact",
        help_text="Exactly as they appear (capitals and spacing do not matter). Redacted everywhere in the bundle.",
        max_length=200,
        error_messages={"required": "Enter the words to redact"},
    )
    reason = forms.CharField(label="Why", max_length=500, error_messages={"required": "Say why they are redacted"})


class SarReviewForm(forms.Form):
    decision = radios_field(
        "Is the redaction right?",
        [("approve", "Yes: approve it for release"), ("return", "No: return it with a note")],
        required_message="Choose whether to approve or return it",
    )
    note = forms.CharField(label="Note", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RetentionHoldForm(forms.Form):
    record_id = forms.CharField(label="Record id", max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why must it be kept?",
        help_text="For example, a complaint or a claim about this case is open. Do not write a name, address, "
        "postcode or phone number: the hold is kept after the record it is about is disposed of.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the record must be kept"},
    )
    until = forms.DateField(
        label="Keep it until",
        help_text="For example, 2027-03-31.",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"required": "Enter the date the hold ends", "invalid": "Enter a real date"},
    )
