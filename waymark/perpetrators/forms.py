"""Forms for the programme. They check the shape of input only; the rules are in
``waymark/perpetrators/actions.py`` (whose ValidationErrors are shown against the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.core.crypto import keyed_digest
from waymark.core.locationscan import LocationCheckMixin
from waymark.perpetrators.choices import (
    Attendance,
    ChildrenImpact,
    DropOutReason,
    Extent,
    FlagKind,
    Frequency,
    NotSuitableReason,
    PartnerSafety,
    SelfReferralCheck,
    VictimRelationship,
)
from waymark.web.forms import GovukDateField, radios_field, text_field

NOTE_MAX = 5000


def _note(label: str, help_text: str = "") -> forms.CharField:
    return text_field(label, required=False, max_length=NOTE_MAX, rows=4, help_text=help_text)


def _radios(label: str, choices: Any, help_text: str = "", message: str = "Choose an answer") -> forms.ChoiceField:
    """Radios whose one message serves for no answer and for an answer not offered."""
    field = radios_field(label, choices, help_text=help_text, required_message=message)
    field.error_messages["invalid_choice"] = message
    return field


class SelfReferralForm(forms.Form):
    """A person causing harm who referred themselves: only the details they gave, verified."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "given_name",
        "family_name",
    )

    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1985.")
    referred_on = GovukDateField(label="Date they referred themselves", help_text="For example, 27 3 2026.")
    check = _radios(
        "How you verified who they are",
        SelfReferralCheck.choices,
        help_text="Record a self-referral only once you have checked who they are.",
        message="Say how you verified who they are",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", "Enter the name they gave")
        return data


class ProgrammeReferralForm(forms.Form):
    """Another service refers a person causing harm to a programme."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "given_name",
        "family_name",
    )

    agency = forms.ChoiceField(
        label="Programme",
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose the programme"},
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1985.")
    referred_on = GovukDateField(label="Date of the referral", help_text="For example, 27 3 2026.")

    def __init__(self, *args: Any, programmes: list[Any], person: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.programmes = {str(a.pk): a for a in programmes}
        self.person = person
        agency: Any = self.fields["agency"]
        agency.choices = [("", "Choose a programme"), *((k, a.name) for k, a in self.programmes.items())]
        if person is not None:
            for name in ("given_name", "family_name", "date_of_birth"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person is None and not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", "Enter the name of the person you are referring")
        return data


class AssessmentForm(forms.Form):
    assessed_on = GovukDateField(label="Date of the assessment")
    suitable = _radios(
        "Is the person suitable for the programme?",
        [("yes", "Yes"), ("no", "No")],
        message="Say whether the person is suitable",
    )
    not_suitable_reason = forms.ChoiceField(
        label="If not suitable, why",
        required=False,
        choices=[("", "Choose a reason"), *NotSuitableReason.choices],
    )
    note = _note("Assessment notes", "For the programme only: never shown to the victim's worker.")


class EnrolForm(forms.Form):
    starts_on = GovukDateField(label="Date of the first session", allow_future=True)
    sessions_planned = forms.IntegerField(
        label="Weekly sessions planned",
        min_value=1,
        max_value=52,
        error_messages={
            "required": "Enter the number of sessions planned",
            "invalid": "Enter a whole number of sessions",
            "min_value": "Sessions planned must be between 1 and 52",
            "max_value": "Sessions planned must be between 1 and 52",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )


END_COMPLETED = "completed"
END_DROPPED_OUT = "dropped_out"


class EndForm(LocationCheckMixin, forms.Form):
    location_checked = {"note": "The notes on the ending"}
    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = ("reason",)
    outcome = _radios(
        "How did the programme end for them?",
        [(END_COMPLETED, "Completed the programme"), (END_DROPPED_OUT, "Dropped out or was removed")],
        message="Choose how the programme ended",
    )
    ended_on = GovukDateField(label="Date it ended")
    reason = forms.ChoiceField(
        label="If they dropped out, why", required=False, choices=[("", "Choose a reason"), *DropOutReason.choices]
    )
    note = _note("Notes on the ending", "For the programme only.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == END_DROPPED_OUT and not data.get("reason"):
            self.add_error("reason", "Choose why they left the programme")
        return data


class OutcomeForm(LocationCheckMixin, forms.Form):
    location_checked = {"note": "The notes"}
    recorded_on = GovukDateField(label="Date of the review")
    acknowledges_abuse = _radios(
        "Acknowledges the abuse", Extent.choices, "Names what they did as abuse, without minimising it."
    )
    takes_responsibility = _radios(
        "Takes responsibility", Extent.choices, "Owns their behaviour, without blaming their partner or others."
    )
    controlling_behaviour = _radios(
        "Controlling behaviour in the last month", Frequency.choices, "As reported by them, their partner or others."
    )
    physical_violence = _radios("Physical violence in the last month", Frequency.choices)
    understands_impact_on_children = _radios(
        "Understands the impact of their behaviour on children", ChildrenImpact.choices
    )
    partner_safety = _radios(
        "Partner's reported safety",
        PartnerSafety.choices,
        "Only what the victim's worker has told the programme. Choose not known otherwise.",
    )
    note = _note("Notes", "For the programme only: never shown to the victim's worker.")


class FlagForm(LocationCheckMixin, forms.Form):
    # The victim's worker reads it (docs/security.md, "Free text").
    location_checked = {"detail": "What you wrote"}
    kind = _radios("What is the concern?", FlagKind.choices, message="Choose what the flag is about")
    raised_on = GovukDateField(label="Date it happened or came to light")
    detail = _note(
        "What the victim's worker should know",
        "The victim's worker reads this. Do not include anything about where the victim is.",
    )


class VictimLinkForm(forms.Form):
    victim = forms.ChoiceField(
        label="Victim",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the victim", "invalid_choice": "Choose the victim"},
    )
    relationship = _radios("Relationship to the participant", VictimRelationship.choices)

    def __init__(self, *args: Any, candidates: list[Any], enrolment: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Keyed by an opaque token (a keyed digest of the enrolment and the person, so it is stable
        # between showing the form and saving it) and labelled by how the records know them:
        # never a name or a record id the programme worker did not already hold.
        self.candidates = {
            keyed_digest("perpetrators.victim-candidate", f"{enrolment.pk}:{c.person.pk}")[-20:]: c for c in candidates
        }
        victim: Any = self.fields["victim"]
        victim.choices = [
            (k, f"Person {number}: {c.label}") for number, (k, c) in enumerate(self.candidates.items(), start=1)
        ]


class RegisterDateForm(forms.Form):
    on = GovukDateField(label="Session date", required=False)


def attendance_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "Not recorded yet"), *Attendance.choices],
    )
