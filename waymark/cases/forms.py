"""Forms for the case pages. They check the shape of what was typed; the actions decide the rules."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone

from waymark.cases.actions import channels_for_kind
from waymark.cases.models import ContactChannelKind, ContactOutcome
from waymark.cases.states import ClosureReason
from waymark.web.forms import GovukDateField, radios_field, text_field


class AllocateForm(forms.Form):
    membership = forms.ChoiceField(
        label="Caseworker",
        widget=forms.RadioSelect,
        help_text="Open cases are counted now, across the service.",
        error_messages={"required": "Choose a caseworker", "invalid_choice": "Choose a caseworker"},
    )
    # The action names the caseworker and team; here both are chosen as one membership.
    action_field_names = {"caseworker": "membership", "team": "membership"}

    def __init__(self, *args: Any, memberships: list[Any], open_counts: dict[Any, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        choices = []
        for membership in memberships:
            team = f", {membership.team.name}" if membership.team else ""
            count = open_counts.get(membership.user_id, 0)
            choices.append((str(membership.pk), f"{membership.user.full_name}{team} ({count} open cases)"))
        cast(forms.ChoiceField, self.fields["membership"]).choices = choices

    def chosen(self) -> Any:
        return self.memberships[self.cleaned_data["membership"]]


def _channel_label(channel: Any) -> str:
    """A recorded channel as the worker needs it: what it is, its value, and every safety warning."""
    if channel.kind == "post":
        where = str(channel.address) if channel.address_id else "an address"
        label = f"Letters to the {where.lower()}"
    else:
        label = f"{channel.get_kind_display()}: {channel.value}"
    warnings = channel.safety_warnings
    return f"{label}. {'; '.join(warnings) + '.' if warnings else 'Marked safe to use.'}"


# For an attempt that needs one of the person's recorded contact details (which details: the
# action's rule, ``channels_for_kind``): the attempt and the details it needs, as the messages say them.
_NEEDED_DETAILS: dict[str, tuple[str, str, str]] = {
    ContactChannelKind.PHONE_CALL: ("a phone call", "a phone number", "phone number"),
    ContactChannelKind.VOICEMAIL: ("a voicemail", "a phone number", "phone number"),
    ContactChannelKind.TEXT_MESSAGE: ("a text message", "a mobile phone number", "mobile phone number"),
    ContactChannelKind.EMAIL: ("an email", "an email address", "email address"),
    ContactChannelKind.LETTER: ("a letter", "an address for letters", "address for letters"),
}


class ContactAttemptForm(forms.Form):
    kind = radios_field(
        "How did you try to contact them?",
        ContactChannelKind.choices,
        required_message="Choose how you tried to contact the person",
    )
    channel = forms.ChoiceField(
        label="Which contact details did you use?",
        required=False,
        widget=forms.RadioSelect,
        help_text="The safety flags recorded with each. Leave this out for contact in person or through "
        "another professional.",
    )
    outcome = radios_field("What happened?", ContactOutcome.choices, required_message="Choose what happened")
    attempted_on = GovukDateField(label="Date of the attempt", help_text="For example, 27 3 2026")
    attempted_time = forms.CharField(
        label="Time of the attempt",
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": "Enter the time of the attempt"},
    )
    note = text_field(
        "What happened",
        required=False,
        max_length=10_000,
        rows=4,
        help_text="Do not record anything that would put the person at risk if read by someone else.",
    )

    # The action's ``attempted_at`` is asked for as a date and a time: its errors go on the date.
    action_field_names = {"attempted_at": "attempted_on"}
    # Needed for a call, text, email or letter (``clean``), so never labelled "(optional)": its hint
    # says when to leave it out.
    conditionally_required = ("channel",)

    def __init__(self, *args: Any, channels: list[Any], channels_shown: bool = True, **kwargs: Any) -> None:
        """``channels``: the person's current contact details; ``channels_shown``: whether the user
        may see them at all (when not, ``channels`` is empty though some may be recorded)."""
        super().__init__(*args, **kwargs)
        self.channels_shown = channels_shown
        if not self.is_bound:
            # Most attempts are logged as they happen: default to now (London time), editable.
            now = timezone.localtime()
            self.initial.setdefault("attempted_on", now.date())
            self.initial.setdefault("attempted_time", now.strftime("%H:%M"))
        self.channel_objects = {str(c.pk): c for c in channels}
        if channels:
            cast(forms.ChoiceField, self.fields["channel"]).choices = [(str(c.pk), _channel_label(c)) for c in channels]
        else:
            del self.fields["channel"]

    def clean_attempted_time(self) -> time:
        raw = self.cleaned_data["attempted_time"].strip().replace(".", ":")
        try:
            hours, minutes = (int(part) for part in raw.split(":"))
            return time(hours, minutes)
        except (ValueError, TypeError):
            raise forms.ValidationError("Enter the time of the attempt like 14:30") from None

    def clean(self) -> dict[str, Any] | None:
        """An attempt that needs a recorded phone number, email or address the user cannot choose
        (none of that kind is recorded, or the user may not see them) is refused on the kind of
        contact, saying what to do instead; a missing or unsuitable detail, on the details. The
        action checks the same again (``contact_attempt_record``)."""
        cleaned = super().clean()
        kind = self.cleaned_data.get("kind") or ""
        needed = channels_for_kind(kind)
        if not needed:  # in person or through another professional: no recorded detail needed
            return cleaned
        what, a_detail, detail = _NEEDED_DETAILS.get(kind, ("this contact", "a contact detail", "contact detail"))
        if not self.channels_shown:
            self.add_error(
                "kind",
                f"Your roles do not include seeing how to contact this person, so you cannot record {what}. "
                "Choose in person or through another professional.",
            )
        elif not any(channel.kind in needed for channel in self.channel_objects.values()):
            self.add_error(
                "kind",
                f"No {detail} is recorded for the person. Add {a_detail} to their contact details first, "
                "or choose another way you tried to contact them.",
            )
        else:
            chosen = self.chosen_channel()
            if chosen is None and "channel" not in self.errors:
                self.add_error("channel", f"Choose the {detail} you used")
            elif chosen is not None and chosen.kind not in needed:
                self.add_error("channel", f"For {what}, choose {a_detail}")
        return cleaned

    def attempted_at(self) -> datetime:
        moment = datetime.combine(self.cleaned_data["attempted_on"], self.cleaned_data["attempted_time"])
        return timezone.make_aware(moment)

    def chosen_channel(self) -> Any:
        return self.channel_objects.get(self.cleaned_data.get("channel") or "")


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the note"},
    )
    sensitive = forms.BooleanField(
        label="Sensitive",
        required=False,
        help_text="Only the allocated caseworker, you and team managers will be able to read it.",
    )


class TaskForm(forms.Form):
    title = forms.CharField(
        label="What needs doing", max_length=200, error_messages={"required": "Enter what needs doing"}
    )
    due_on = GovukDateField(label="Due date", allow_future=True, help_text="For example, 27 3 2026")
    owner = forms.ChoiceField(label="Who will do it", error_messages={"required": "Choose who will do it"})

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_objects = {str(u.pk): u for u in owners}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [(str(u.pk), u.full_name) for u in owners]

    def chosen_owner(self) -> Any:
        return self.owner_objects.get(self.cleaned_data.get("owner") or "")


class ClosureRequestForm(forms.Form):
    reason = radios_field(
        "Why is the case closing?", ClosureReason.choices, required_message="Choose why the case is closing"
    )
    note = forms.CharField(
        label="Explain the closure",
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Your team manager reads this before approving.",
        error_messages={"required": "Explain why the case is closing"},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason"},
    )
