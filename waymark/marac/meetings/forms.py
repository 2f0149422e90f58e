"""Forms for MARAC meetings. They check the shape of input only; the rules live in
``waymark/marac/meetings/actions.py``, whose errors are shown against these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.core.locationscan import CONFIRM_FIELD, LocationCheckMixin
from waymark.core.versioning import READ_STATE_FIELD, VersionedFormMixin, seal, unseal
from waymark.marac.meetings.actions import CANCEL_REASON_MAX, MAX_SCHEDULE_WEEKS
from waymark.marac.models import ActionStatus, AttendeeCapacity
from waymark.organisations.models import Agency
from waymark.web.forms import GovukDateField, radios_field, text_field

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "class": "govuk-input--width-5"}, format="%H:%M")


class MeetingDetailsForm(forms.Form):
    starts_at = forms.TimeField(label="Start time", required=False, widget=TIME_INPUT)
    venue = forms.CharField(
        label="Venue", required=False, max_length=200, help_text="For example, the civic centre or 'Video call'."
    )
    chair = forms.CharField(
        label="Chair", required=False, max_length=200, help_text="Name or role. This borough's MARAC is police chaired."
    )


class ScheduleForm(MeetingDetailsForm):
    first_on = GovukDateField(label="Date of the first meeting", allow_future=True, help_text="For example, 3 12 2026.")
    weeks = forms.IntegerField(
        label="How many weeks ahead",
        min_value=1,
        max_value=MAX_SCHEDULE_WEEKS,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many weeks ahead to schedule",
            "invalid": "Enter a whole number of weeks",
            "min_value": "Schedule at least 1 week ahead",
            "max_value": f"Schedule at most {MAX_SCHEDULE_WEEKS} weeks ahead",
        },
    )
    field_order = ["first_on", "weeks", "starts_at", "venue", "chair"]


class EmergencyMeetingForm(MeetingDetailsForm):
    held_on = GovukDateField(
        label="Date of the emergency meeting", allow_future=True, help_text="For example, 3 12 2026."
    )
    field_order = ["held_on", "starts_at", "venue", "chair"]


class MeetingMoveForm(forms.Form):
    """Moving a scheduled meeting: the new date, and optionally a new time and venue (left blank,
    they stay as they are). The rules for the date are ``actions.meeting_move``'s."""

    held_on = GovukDateField(label="New date", allow_future=True, help_text="For example, 7 1 2027.")
    starts_at = forms.TimeField(
        label="New start time (optional)",
        required=False,
        widget=TIME_INPUT,
        help_text="Leave blank to keep the current time.",
    )
    venue = forms.CharField(
        label="New venue (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank to keep the current venue.",
    )


class MeetingCancelForm(forms.Form):
    reason = text_field(
        "Reason for cancelling",
        required=True,
        max_length=CANCEL_REASON_MAX,
        rows=2,
        required_message="Enter why the meeting is cancelled",
        help_text=f"For example, the room is no longer available. Do not include personal details. {KEPT_REASON_HINT}",
    )


class InvitationsForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies invited",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their MARAC representatives research this meeting's cases and see its agenda and minutes.",
    )


class ResearchForm(LocationCheckMixin, VersionedFormMixin, forms.Form):
    """One agency's research on a case. It carries the version of the entry it showed (0 when the
    agency had none) and, sealed, what it showed, the agency among them: a save read before someone
    else's is refused (docs/marac-meetings.md, "No lost updates on research")."""

    # Read by every agency at the meeting (docs/security.md, "Free text").
    location_checked = {"body": "Your research"}
    agency = forms.ModelChoiceField(
        label="For which agency", queryset=Agency.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    no_information_held = forms.BooleanField(label="My agency holds no information about this person", required=False)
    body = forms.CharField(
        label="What your agency holds",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Relevant information only: recent contact, incidents, risks, children, what your agency is doing.",
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies[0].pk
            self.fields["agency"].widget = forms.HiddenInput()


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Agencies present", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, invitations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(i.agency_id), i.agency.name) for i in invitations]
        self.fields["attended"].choices = choices  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["attended"] = [str(i.agency_id) for i in invitations if i.attended]


class AttendeeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the attendee's name"})
    capacity = radios_field("Attending as", AttendeeCapacity.choices, required_message="Choose how the person attends")
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.filter(is_active=True), required=False, empty_label="None"
    )


class CaseDiscussionForm(LocationCheckMixin, forms.Form):
    """The discussion of a case in meeting mode. The case page is one form: the discussion, the
    action being added and the buttons to save, add the action and mark heard post all of it, so
    what is typed in one part is never lost by pressing another part's button.

    ``draft=True`` (adding an action) does not require the summary: the discussion is saved as it
    stands, and marking heard still needs one. ``read_state`` carries the discussion as the page
    showed it (sealed, like ``VersionedFormMixin``'s): the case has no version column, so the
    action compares the text itself (``actions._discussion_save``)."""

    location_checked = {"summary": "The summary", "risks": "The risks identified"}
    summary = forms.CharField(
        label="Summary of information shared",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the summary of information shared"},
    )
    risks = forms.CharField(label="Risks identified", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    read_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200_000)

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].required = not draft

    @staticmethod
    def initial_for(summary: str, risks: str) -> dict[str, str]:
        """The form's initial data for a case whose discussion now reads ``summary`` and ``risks``."""
        return {"summary": summary, "risks": risks, READ_STATE_FIELD: seal({"summary": summary, "risks": risks})}

    def read_discussion(self) -> tuple[str, str] | None:
        """The (summary, risks) the page showed, or None when not known (an older page, tampered)."""
        read = unseal(self.cleaned_data.get(READ_STATE_FIELD) or "")
        if not isinstance(read.get("summary"), str) or not isinstance(read.get("risks"), str):
            return None
        return read["summary"], read["risks"]

    def reread_at(self, summary: str, risks: str) -> None:
        """After a refused save because someone else changed the discussion: the page is shown
        again read at their text, so pressing the button again (having looked) saves."""
        self.data = self.data.copy()
        self.data[READ_STATE_FIELD] = seal({"summary": summary, "risks": risks})


class ActionForm(LocationCheckMixin, forms.Form):
    """An action for the case being heard. Shown with ``prefix="action"`` on the case page."""

    location_checked = {"description": "The action"}
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Describe the action"}
    )
    owner_agency = forms.ModelChoiceField(
        label="Owner agency",
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner_name = forms.CharField(label="Owner", required=False, max_length=200, help_text="The named person, if any.")
    due_on = GovukDateField(label="Due date", allow_future=True, help_text="For example, 3 12 2026.")

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        prefix = kwargs.get("prefix")
        if data is not None and prefix:
            # LocationCheckMixin reads its "save it as it is" box by its plain name; this form's box
            # is prefixed (the discussion's box, on the same page, has the plain name). Read ours.
            data = data.copy()
            data[CONFIRM_FIELD] = data.get(f"{prefix}-{CONFIRM_FIELD}", "")
        super().__init__(data, *args, **kwargs)

    def is_typed(self) -> bool:
        """Whether anything has been typed into the action (a bound form)."""
        for name in ("description", "owner_agency", "owner_name", "due_on"):
            value = self[name].data
            if any(str(part or "").strip() for part in (value if isinstance(value, list | tuple) else [value])):
                return True
        return False

    def as_typed(self) -> ActionForm:
        """This form shown as typed, without checking it: its button was not the one pressed."""
        self._errors, self.cleaned_data = ErrorDict(), {}
        return self


class ActionStatusForm(LocationCheckMixin, VersionedFormMixin, forms.Form):
    location_checked = {"note": "The note"}
    status = radios_field("What happened", ActionStatus.choices, required_message="Choose what happened to the action")
    note = text_field(
        "Note",
        required=False,
        max_length=2000,
        rows=2,
        help_text="Needed when the action was not possible or not done. Do not include personal details.",
    )
