"""The intake questions, one topic per page, and the public self-referral form.

Forms only check what was typed; ``referral_create`` checks again and does the work.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from waymark.core.keptreasons import SHOWN_BEYOND_LOCATION_HINT
from waymark.core.locationscan import LocationCheckMixin
from waymark.people.choices import Sex
from waymark.referrals.choices import (
    AbuseType,
    Consent,
    DecisionReason,
    HarmRelationship,
    LawfulBasis,
    VawgCategory,
    YesNoUnknown,
)
from waymark.risk.actions import judgement_reason_refusal
from waymark.risk.choices import RiskLevel
from waymark.web.forms import GovukDateField, age_field, name_field, radios_field, text_field

POSTCODE = RegexValidator(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$", "Enter a real postcode, like SE1 7PB")
PHONE = RegexValidator(r"^\+?[0-9 ()-]{7,20}$", "Enter a phone number, like 07700 900 982 or +44 7700 900 982")
YES_NO = [("yes", "Yes"), ("no", "No")]
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StepForm(forms.Form):
    """Refuses control characters anywhere: they have no place in a referral and hide things."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(name, "Remove the hidden control characters from this answer")
        return cleaned


class PersonAtRiskForm(StepForm):
    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "given_name",
        "family_name",
    )
    given_name = name_field("First name")
    family_name = name_field("Last name")
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1990.")
    approximate_age = age_field("Age, if you do not know their date of birth")
    sex = radios_field("Sex", Sex.choices)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        validators=[POSTCODE],
        help_text="Helps the service recognise the person. Not shown to other agencies.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not (cleaned.get("given_name", "").strip() or cleaned.get("family_name", "").strip()):
            self.add_error("given_name", "Enter the first name or last name of the person at risk")
        return cleaned


class PersonCausingHarmForm(StepForm):
    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "given_name",
        "family_name",
        "relationship",
    )
    known = radios_field("Do you know who is causing harm?", YES_NO)
    given_name = name_field("First name")
    family_name = name_field("Last name")
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1985.")
    approximate_age = age_field("Age, if you do not know their date of birth")
    sex = radios_field("Sex", Sex.choices, required=False)
    relationship = radios_field("How are they related to the person at risk?", HarmRelationship.choices, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("known") == "yes":
            if not (cleaned.get("given_name", "").strip() or cleaned.get("family_name", "").strip()):
                self.add_error("given_name", "Enter the first name or last name of the person causing harm")
            if not cleaned.get("relationship"):
                self.add_error("relationship", "Select how they are related to the person at risk")
        return cleaned


class ChildrenForm(StepForm):
    children_in_household = forms.IntegerField(
        label="How many children live in the household?",
        required=False,
        min_value=0,
        max_value=30,
        help_text="Children under 18. Leave empty if you do not know.",
        error_messages={
            "invalid": "The number of children must be a whole number, like 2",
            "min_value": "The number of children must be 0 or more",
            "max_value": "The number of children must be 30 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )


class WhatHappenedForm(StepForm):
    vawg_category = radios_field("What kind of abuse is this mainly?", VawgCategory.choices)
    abuse_types = forms.MultipleChoiceField(
        label="Which types of abuse are happening?",
        choices=AbuseType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one type of abuse"},
    )
    latest_incident_on = GovukDateField(
        label="Date of the latest incident", required=False, help_text="For example, 12 11 2026."
    )
    latest_incident_summary = text_field(
        "What happened",
        required=True,
        help_text="Facts only. Do not include addresses here: the service will ask for a safe one.",
    )
    by_trained_champion = forms.ChoiceField(
        label="Are you one of the partnership's trained domestic abuse champions?",
        choices=[("no", "No"), ("yes", "Yes")],
        required=False,
        widget=forms.RadioSelect,
        help_text="If you completed the champions programme, the referral is counted as made by a champion.",
    )


class RiskChecklistForm(StepForm):
    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "assessed_on",
        "yes_count",
        "judgement_reason",
    )
    completed = radios_field("Have you completed a risk identification checklist (DASH) with them?", YES_NO)
    assessed_on = GovukDateField(label="Date of the checklist", required=False)
    yes_count = forms.IntegerField(
        label="How many questions were answered yes?",
        required=False,
        min_value=0,
        max_value=27,
        error_messages={
            "invalid": "The number of yes answers must be a whole number, like 12",
            "min_value": "The number of yes answers must be 0 or more",
            "max_value": "The number of yes answers must be 27 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    judgement_level = radios_field(
        "Does your professional judgement put the risk higher?",
        [("", "No"), *RiskLevel.choices],
        required=False,
        help_text="Judgement can raise the level, never lower it.",
    )
    judgement_reason = text_field(
        "Reason for your judgement", required=False, max_length=2000, help_text=SHOWN_BEYOND_LOCATION_HINT
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("completed") == "yes":
            if not cleaned.get("assessed_on") and "assessed_on" not in self.errors:
                self.add_error("assessed_on", "Enter the date of the checklist")
            if cleaned.get("yes_count") is None and "yes_count" not in self.errors:
                self.add_error("yes_count", "Enter how many questions were answered yes")
        if cleaned.get("judgement_level") and not cleaned.get("judgement_reason", "").strip():
            self.add_error("judgement_reason", "Explain why your judgement puts the risk higher")
        refused = judgement_reason_refusal(cleaned.get("judgement_reason"))
        if refused and "judgement_reason" not in self.errors:
            self.add_error("judgement_reason", refused)
        return cleaned


class ConsentForm(StepForm):
    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "lawful_basis",
        "authorised_by",
        "sharing_reason",
    )
    consent = radios_field("Does the person consent to this referral?", Consent.choices)
    lawful_basis = radios_field(
        "If not, what is the lawful basis for sharing without consent?", LawfulBasis.choices, required=False
    )
    authorised_by = forms.CharField(
        label="Who authorised sharing without consent?",
        required=False,
        max_length=200,
        help_text="Name and role, for example your safeguarding lead.",
    )
    sharing_reason = text_field("Why sharing without consent is justified", required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("consent") in (Consent.REFUSED, Consent.NOT_SOUGHT):
            if not cleaned.get("lawful_basis"):
                self.add_error("lawful_basis", "Select the lawful basis for sharing without consent")
            if not cleaned.get("authorised_by", "").strip():
                self.add_error("authorised_by", "Enter who authorised sharing without consent")
            if not cleaned.get("sharing_reason", "").strip():
                self.add_error("sharing_reason", "Explain why sharing without consent is justified")
        return cleaned


def _safe_phone() -> forms.CharField:
    """A phone number the person said is safe: the same field for professionals and the public."""
    return forms.CharField(
        label="A phone number that is safe to use",
        required=False,
        max_length=20,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off", "type": "tel"}),
    )


def _safe_email() -> forms.EmailField:
    return forms.EmailField(
        label="An email address that is safe to use",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class SafeContactForm(StepForm):
    safe_to_call = radios_field("Is it safe to call them?", YesNoUnknown.choices)
    safe_to_text = radios_field("Is it safe to send a text message?", YesNoUnknown.choices)
    safe_to_voicemail = radios_field("Is it safe to leave a voicemail?", YesNoUnknown.choices)
    safe_to_write = radios_field("Is it safe to write to them?", YesNoUnknown.choices)
    phone = _safe_phone()
    email = _safe_email()
    instructions = text_field(
        "Anything else about contacting them safely",
        required=False,
        max_length=1000,
        help_text="Safe times, a code word, or what not to do.",
    )


class ReferringAgencyForm(StepForm):
    agency = forms.ChoiceField(
        label="Which agency are you referring for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agency you are referring for"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]


class SelfReferralForm(StepForm):
    """The public form: short, plain words, nothing required that could put someone off."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = ("phone",)

    name = name_field(
        "What name should we use for you?", required=True, required_message="Enter a name we can use for you"
    )
    date_of_birth = GovukDateField(label="Your date of birth", required=False, help_text="For example, 27 3 1990.")
    safe_to_call = radios_field("Is it safe for us to call you?", YesNoUnknown.choices)
    safe_to_text = radios_field("Is it safe for us to send you a text message?", YesNoUnknown.choices)
    safe_to_voicemail = radios_field("Is it safe for us to leave you a voicemail?", YesNoUnknown.choices)
    safe_to_write = radios_field("Is it safe for us to write to you?", YesNoUnknown.choices)
    phone = _safe_phone()
    email = _safe_email()
    instructions = text_field(
        "When and how is it safe to contact you?",
        required=False,
        max_length=1000,
        help_text="For example: only on weekdays between 10am and 2pm, or ask for 'Sam'.",
    )
    abuse_types = forms.MultipleChoiceField(
        label="What is happening?",
        choices=AbuseType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select any that apply. You do not have to answer.",
    )
    in_your_own_words = text_field(
        "In your own words, what is happening?",
        required=True,
        max_length=3000,
        help_text="Tell us as much or as little as you want to.",
    )
    # Left empty by people; filled in by automated spam. Hidden from sight and from screen readers.
    website = forms.CharField(
        label="Leave this blank",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        wants_contact = any(
            cleaned.get(k) == YesNoUnknown.YES for k in ("safe_to_call", "safe_to_text", "safe_to_voicemail")
        )
        if wants_contact and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number, or answer no to calls, texts and voicemail")
        return cleaned


SHARED_WARNING = (
    'The referring agency will read the reason you choose and any words you add (for "outside the '
    'area", "already supported" or "already received", only that the reason is about the person). Do not write '
    "anything that could show where someone is, such as an address, postcode or phone number."
)


class DecisionForm(LocationCheckMixin, forms.Form):
    """Signposting or declining: a reason from the list, and optional words the referrer reads."""

    # Required for "another reason" (clean() demands them): never labelled "(optional)".
    conditionally_required = ("reason",)
    location_checked = {"reason": "The words you added for the referring agency"}

    reason_code = radios_field(
        "Reason", DecisionReason.choices, required_message="Choose the reason the referring agency will see"
    )
    reason = forms.CharField(
        label="Words to add for the referring agency",
        required=False,
        max_length=2000,
        help_text="Needed only for another reason. The referring agency will read them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The words must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason_code") == DecisionReason.OTHER and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say what the other reason is")
        return cleaned
