"""Forms for the training register, champions and peer supporters: input shape only; the rules
are in ``actions.py`` (whose errors are shown against the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.training.choices import Audience, BookingStatus, Qualification, Sector
from waymark.training.models import CONFIDENCE_MAX, CONFIDENCE_MIN
from waymark.web.forms import GovukDateField

CONFIDENCE = [("", "Not asked"), *((str(n), str(n)) for n in range(CONFIDENCE_MIN, CONFIDENCE_MAX + 1))]


def _confidence(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=CONFIDENCE,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 is not at all confident, 7 is very confident.",
    )


class SessionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    course = forms.ChoiceField(label="Course", error_messages={"required": "Choose the course"})
    starts_on = GovukDateField(label="First day", allow_future=True, earliest_year=2000)
    ends_on = GovukDateField(
        label="Last day",
        allow_future=True,
        earliest_year=2000,
        required=False,
        help_text="Leave empty for a one-day session.",
    )
    trainer = forms.CharField(label="Trainer", max_length=200)
    venue = forms.CharField(
        label="Venue", max_length=200, help_text="A training venue. Never a refuge or a safe house."
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=500)

    def __init__(self, *args: Any, courses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.courses = {str(c.pk): c for c in courses}
        self.fields["course"].choices = [("", "Choose a course"), *((str(c.pk), c.name) for c in courses)]  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Work email", required=False)
    organisation = forms.CharField(
        label="Organisation", max_length=200, help_text="An agency's name or reference, or the organisation's name."
    )
    sector = forms.ChoiceField(label="Sector", choices=[("", "Choose a sector"), *Sector.choices])
    audience = forms.ChoiceField(label="Community or professional", choices=Audience.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(
        label="Status", choices=BookingStatus.choices, initial=BookingStatus.BOOKED, widget=forms.RadioSelect
    )
    confidence_before = _confidence("Confidence before")
    confidence_after = _confidence("Confidence after")


class BookingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=BookingStatus.choices, widget=forms.RadioSelect)
    confidence_before = _confidence("Confidence before")
    confidence_after = _confidence("Confidence after")
    follow_up_on = GovukDateField(label="Follow-up date", required=False, earliest_year=2000)
    follow_up_note = forms.CharField(
        label="Follow-up",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )


class ImportForm(forms.Form):
    register = forms.FileField(
        label="Attendance register (CSV or XLSX)",
        help_text="Columns: course, session_date (DD/MM/YYYY or YYYY-MM-DD), venue, trainer, full_name, email, "
        "organisation, sector, audience, status, confidence_before, confidence_after.",
    )


class ChampionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    is_active = forms.BooleanField(label="Active champion", required=False)
    in_directory = forms.BooleanField(label="Listed in the champions directory", required=False)
    agreement_signed_on = GovukDateField(label="Line manager's agreement signed", required=False, earliest_year=2000)
    line_manager = forms.CharField(label="Line manager", max_length=200, required=False)
    network_meetings_attended = forms.IntegerField(label="Network meetings attended", min_value=0, max_value=10000)
    colleagues_trained = forms.IntegerField(label="Colleagues trained since", min_value=0, max_value=10000)
    phone = forms.CharField(label="Work phone", max_length=40, required=False)


class ChampionAddForm(forms.Form):
    agreement_signed_on = GovukDateField(label="Line manager's agreement signed", required=False, earliest_year=2000)
    line_manager = forms.CharField(label="Line manager", max_length=200, required=False)
    phone = forms.CharField(label="Work phone", max_length=40, required=False)
    in_directory = forms.BooleanField(label="List them in the champions directory", required=False, initial=True)


class PeerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    phone = forms.CharField(label="Safe phone number", max_length=40, required=False)
    email = forms.CharField(label="Email", max_length=254, required=False)
    trained_on = GovukDateField(label="Finished peer-supporter training", earliest_year=2000)
    qualification = forms.ChoiceField(label="Qualification", choices=Qualification.choices, widget=forms.RadioSelect)
    qualification_name = forms.CharField(label="Name of the qualification", max_length=200, required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)


class SupervisionForm(forms.Form):
    held_on = GovukDateField(label="Date of supervision", earliest_year=2000)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )


class MatchForm(forms.Form):
    survivor_reference = forms.CharField(
        label="Survivor's case reference", max_length=40, help_text="As her caseworker gave it. No names."
    )
    matched_on = GovukDateField(label="Date matched", earliest_year=2000)


class CourseForm(forms.Form):
    code = forms.SlugField(label="Short code", max_length=40, help_text="Used in imports and the API, e.g. 'dash'.")
    name = forms.CharField(label="Course name", max_length=200)
    kind = forms.ChoiceField(label="Kind of course", widget=forms.RadioSelect)
    length = forms.CharField(label="How long it runs", max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from waymark.training.choices import CourseKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CourseKind.choices  # type: ignore[attr-defined]
